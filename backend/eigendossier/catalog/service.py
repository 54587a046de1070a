"""Catalogue operations: import and export documents, read qualifications and the carousel."""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from eigendossier.catalog import seats
from eigendossier.catalog.document import CatalogInvalid, Problem, read_catalog
from eigendossier.catalog.models import Block, Institution, Qualification, Run
from eigendossier.core.errors import DomainError, InvalidInput, NotFound
from eigendossier.core.extensions import db


class CatalogRefused(DomainError):
    status = 422
    slug = "catalog-invalid"
    title = _l("The catalogue has errors")
    detail = _l("Nothing was imported. Fix the lines listed and try again.")


class CatalogNotYours(DomainError):
    status = 403
    slug = "catalog-not-yours"
    title = _l("This catalogue touches another institution's offer")
    detail = _l("Nothing was imported. Staff import only their own institution's "
                "qualifications, blocks and runs.")


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("institutions", "qualifications", "blocks", "runs"), 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("institutions", "qualifications", "blocks", "runs"), 0))
    removed: dict[str, int] = field(default_factory=lambda: {"runs": 0})

    def count(self, kind: str, created: bool) -> None:
        (self.created if created else self.updated)[kind] += 1


def institution_by_slug(slug: str) -> Institution | None:
    return db.session.scalar(db.select(Institution).filter_by(slug=slug))


def upsert_institution(slug: str, name: str, url: str = "") -> Institution:
    """Create or update an institution by its slug (demo loader, CLI)."""
    institution = institution_by_slug(slug) or Institution(slug=slug)
    institution.name = name
    institution.url = url
    db.session.add(institution)
    return institution


def import_catalog(raw: bytes | str, only_institution: Institution | None = None) -> ImportReport:
    """Import a catalogue document, all or nothing. Staff pass their institution: a document
    that touches another institution's qualifications, blocks or runs is refused before
    anything is written."""
    report = write_catalog(raw, only_institution)
    db.session.commit()
    return report


def write_catalog(raw: bytes | str, only_institution: Institution | None = None,
                  remove_missing: bool = False) -> ImportReport:
    """Write a catalogue document into the session without committing (the caller commits,
    or rolls back to preview). A refusal rolls back and writes nothing.

    `remove_missing`: the document is the whole offer of each qualification it lists, so a
    run of such a qualification that the document leaves out is removed (refused for a run
    that learners enrolled in)."""
    try:
        data = read_catalog(raw)
    except CatalogInvalid as invalid:
        raise CatalogRefused(errors=_problem_errors(invalid)) from None
    if only_institution is not None:
        foreign = _not_own(data, only_institution)
        if foreign:
            raise CatalogNotYours(errors=_problem_errors(CatalogInvalid(foreign)))
    report = ImportReport()
    try:
        # Rows are filled in after they are added: flush only once they are complete.
        with db.session.no_autoflush:
            _apply(data, report)
            if remove_missing:
                _remove_missing(data, report)
        db.session.flush()
    except CatalogInvalid as invalid:
        db.session.rollback()
        raise CatalogRefused(errors=_problem_errors(invalid)) from None
    except Exception:
        db.session.rollback()
        raise
    return report


# Checks of higher domains that a run is in use (enrolments): each takes run ids and returns
# those it knows to be in use. A run in use is never removed by an import.
_in_use_checks: list[Callable[[list[int]], set[int]]] = []


def runs_in_use(check: Callable[[list[int]], set[int]]) -> Callable[[list[int]], set[int]]:
    """Register a check (decorator) that tells which runs are in use."""
    _in_use_checks.append(check)
    return check


def _remove_missing(data: dict, report: ImportReport) -> None:
    """Remove the runs of the document's qualifications that the document does not list."""
    listed = {run["code"] for q in data.get("qualifications", []) for block in q["blocks"]
              for run in block.get("runs", [])}
    for qi, row in enumerate(data.get("qualifications", [])):
        missing = db.session.scalars(
            db.select(Run).join(Run.block).join(Block.qualification)
            .join(Institution, Qualification.institution_id == Institution.id)
            .where(Institution.slug == row["institution"], Qualification.crebo == row["crebo"],
                   Run.code.not_in(listed))
            .order_by(Run.code)).all()
        used = set()
        for check in _in_use_checks:
            used |= check([run.id for run in missing])
        problems = [Problem(None, f"/qualifications/{qi}/blocks", _l(
            "run %(code)s has enrolled learners and cannot be removed; keep it in the document "
            "and change its dates or seats instead", code=run.code))
            for run in missing if run.seats_taken > 0 or run.id in used]
        if problems:
            raise CatalogInvalid(problems)
        for run in missing:
            report.removed["runs"] += 1
            db.session.delete(run)


def _problem_errors(invalid: CatalogInvalid) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for problem in invalid.problems:
        prefix = f"line {problem.line}: " if problem.line else ""
        errors.setdefault(problem.path or "/", []).append(prefix + str(problem.message))
    return errors


def _not_own(data: dict, own: Institution) -> list[Problem]:
    """What in the document is not `own`'s to change: another institution, a qualification or
    run in another's name, or a run code that another institution's run already has (runs are
    matched by code alone, so it would move that run and its enrolled learners)."""
    problems = []
    for i, row in enumerate(data.get("institutions", [])):
        if row["slug"] != own.slug:
            problems.append(Problem(None, f"/institutions/{i}/slug", _l(
                "%(slug)s is not your institution", slug=row["slug"])))
    runs_by_code = {}
    for qi, qualification in enumerate(data.get("qualifications", [])):
        if qualification["institution"] != own.slug:
            problems.append(Problem(None, f"/qualifications/{qi}/institution", _l(
                "%(slug)s is not your institution", slug=qualification["institution"])))
        for bi, block in enumerate(qualification["blocks"]):
            for ri, run in enumerate(block.get("runs", [])):
                path = f"/qualifications/{qi}/blocks/{bi}/runs/{ri}"
                runs_by_code[run["code"]] = path
                if run.get("institution", own.slug) != own.slug:
                    problems.append(Problem(None, f"{path}/institution", _l(
                        "%(slug)s is not your institution", slug=run["institution"])))
    for code in _codes_of_others(list(runs_by_code), own):
        problems.append(Problem(None, f"{runs_by_code[code]}/code", _l(
            "run %(code)s belongs to another institution", code=code)))
    return problems


def _codes_of_others(codes: list[str], own: Institution, chunk: int = 1000) -> list[str]:
    """The run codes among `codes` that a run of another institution, or a run under another
    institution's qualification, already has."""
    found = []
    for start in range(0, len(codes), chunk):
        found += db.session.scalars(
            db.select(Run.code).join(Run.block).join(Block.qualification)
            .where(Run.code.in_(codes[start:start + chunk]))
            .where((Run.institution_id != own.id) | (Qualification.institution_id != own.id))
        ).all()
    return found


def _apply(data: dict, report: ImportReport) -> None:
    """Write the document into the session; raise CatalogInvalid listing every row the
    database would refuse (the caller rolls back)."""
    problems: list[Problem] = []
    for row in data.get("institutions", []):
        existing = institution_by_slug(row["slug"])
        upsert_institution(row["slug"], row["name"], row.get("url", ""))
        report.count("institutions", existing is None)
    db.session.flush()
    for qi, row in enumerate(data.get("qualifications", [])):
        institution = institution_by_slug(row["institution"])
        if institution is None:
            message = f"unknown institution {row['institution']!r}"
            raise CatalogInvalid([Problem(None, f"/qualifications/{qi}/institution", message)])
        problems += _apply_qualification(row, institution, report, f"/qualifications/{qi}")
    if problems:
        raise CatalogInvalid(problems)


def _apply_qualification(row: dict, institution: Institution, report: ImportReport,
                         where: str) -> list[Problem]:
    qualification = db.session.scalar(
        db.select(Qualification).filter_by(institution_id=institution.id, crebo=row["crebo"])
    )
    report.count("qualifications", qualification is None)
    if qualification is None:
        qualification = Qualification(institution=institution, crebo=row["crebo"])
        db.session.add(qualification)
    qualification.name_nl, qualification.name_en = row["name"]["nl"], row["name"]["en"]
    description = row.get("description") or {"nl": "", "en": ""}
    qualification.description_nl = description["nl"]
    qualification.description_en = description["en"]
    qualification.level = row["level"]
    blocks_by_code = {block.code: block for block in qualification.blocks}
    problems = []
    for position, block_row in enumerate(row["blocks"], start=1):
        block = blocks_by_code.get(block_row["code"])
        report.count("blocks", block is None)
        if block is None:
            block = Block(qualification=qualification, code=block_row["code"])
            blocks_by_code[block.code] = block
            db.session.add(block)
        _fill_block(block, block_row, position, blocks_by_code)
        for ri, run_row in enumerate(block_row.get("runs", [])):
            path = f"{where}/blocks/{position - 1}/runs/{ri}"
            problems += _apply_run(block, run_row, institution, report, path)
    return problems


def _fill_block(block: Block, row: dict, position: int, blocks_by_code: dict) -> None:
    block.name_nl, block.name_en = row["name"]["nl"], row["name"]["en"]
    block.ec = Decimal(str(row["ec"]))
    block.hours = row["hours"]
    block.position = position
    block.learning_outcomes = row.get("learning_outcomes", [])
    block.exempting_achievements = row.get("exempting_achievements", [])
    block.prerequisites = [blocks_by_code[code] for code in row.get("prerequisites", [])]


def _apply_run(block: Block, row: dict, default_institution: Institution,
               report: ImportReport, path: str) -> list[Problem]:
    # Locked until the import commits: an enrolment taking a seat meanwhile would make the
    # seat check below stale, and its seat would be overwritten.
    run = db.session.scalar(db.select(Run).filter_by(code=row["code"]).with_for_update())
    report.count("runs", run is None)
    if run is None:
        run = Run(code=row["code"])
        db.session.add(run)
    run.block = block
    run.institution = institution_by_slug(row.get("institution") or default_institution.slug)
    if run.institution is None:
        return [Problem(None, f"{path}/institution",
                        f"unknown institution {row['institution']!r}")]
    run.start_date = date.fromisoformat(row["start"])
    run.end_date = date.fromisoformat(row["end"])
    run.time_of_day = row["time_of_day"]
    run.weekdays = row.get("weekdays", [])
    run.starts_at = row.get("starts_at", "09:00")
    run.ends_at = row.get("ends_at", "12:00")
    run.location_kind = row["location_kind"]
    run.address = row.get("address", "")
    run.learning_form = row["learning_form"]
    # Seats taken by enrolments are ours to count: an import never lowers them.
    current = run.seats_taken or 0
    taken = max(current, row.get("seats_taken", 0))
    if taken > row["seats_total"]:
        return [Problem(None, f"{path}/seats_total", _l(
            "run %(code)s already has %(taken)s seats taken, more than the %(total)s in the "
            "document", code=run.code, taken=taken, total=row["seats_total"]))]
    run.seats_total = row["seats_total"]
    if taken > current:
        db.session.flush()  # the run and its seat shards exist
        seats.set_taken(run.id, taken)
        db.session.expire(run, ["seats_taken"])
    return []


def export_catalog() -> dict:
    """The whole catalogue as a document that import_catalog reads back unchanged."""
    institutions = db.session.scalars(db.select(Institution).order_by(Institution.slug)).all()
    qualifications = db.session.scalars(
        db.select(Qualification).order_by(Qualification.institution_id, Qualification.crebo)
    ).all()
    return {
        "institutions": [{"slug": i.slug, "name": i.name, "url": i.url} for i in institutions],
        "qualifications": [_export_qualification(q) for q in qualifications],
    }


def _export_qualification(q: Qualification) -> dict:
    exported = {
        "institution": q.institution.slug,
        "crebo": q.crebo,
        "name": {"nl": q.name_nl, "en": q.name_en},
        "level": q.level,
        "blocks": [_export_block(b) for b in q.blocks],
    }
    if q.description_nl and q.description_en:
        exported["description"] = {"nl": q.description_nl, "en": q.description_en}
    return exported


def _export_block(b: Block) -> dict:
    ec = float(b.ec)
    return {
        "code": b.code,
        "name": {"nl": b.name_nl, "en": b.name_en},
        "ec": int(ec) if ec.is_integer() else ec,
        "hours": b.hours,
        "learning_outcomes": b.learning_outcomes,
        "prerequisites": [p.code for p in b.prerequisites],
        "exempting_achievements": b.exempting_achievements,
        "runs": [_export_run(r) for r in b.runs],
    }


def _export_run(r: Run) -> dict:
    return {
        "code": r.code,
        "institution": r.institution.slug,
        "start": r.start_date.isoformat(),
        "end": r.end_date.isoformat(),
        "time_of_day": r.time_of_day,
        "weekdays": r.weekdays,
        "starts_at": r.starts_at,
        "ends_at": r.ends_at,
        "location_kind": r.location_kind,
        "address": r.address,
        "learning_form": r.learning_form,
        "seats_total": r.seats_total,
        "seats_taken": r.seats_taken,
    }


def qualifications() -> list[Qualification]:
    return db.session.scalars(
        db.select(Qualification).order_by(Qualification.name_nl)
    ).all()


def qualification(qualification_id: int) -> Qualification:
    found = db.session.get(Qualification, qualification_id)
    if found is None:
        raise NotFound()
    return found


def run(run_id: int) -> Run:
    found = db.session.get(Run, run_id)
    if found is None:
        raise NotFound()
    return found


def carousel(qualification_id: int, today: date) -> list[tuple[Block, list[Run]]]:
    """The qualification's blocks in their fixed order, each with its runs not yet started."""
    found = qualification(qualification_id)
    return [(block, [r for r in block.runs if r.start_date >= today]) for block in found.blocks]


def runs_of(institution: Institution) -> list[Run]:
    """The institution's runs, by qualification, block order and start."""
    return db.session.scalars(
        db.select(Run).join(Run.block).join(Block.qualification)
        .where(Run.institution_id == institution.id)
        .order_by(Qualification.crebo, Block.position, Run.start_date, Run.code)).all()


def run_of(institution: Institution, run_id: int) -> Run:
    """A run of the institution; another institution's is not found."""
    found = db.session.get(Run, run_id)
    if found is None or found.institution_id != institution.id:
        raise NotFound()
    return found


def update_run(run: Run, changes: dict) -> dict:
    """Change a run's seats, dates, times, place and form; returns what changed as
    {field: [old, new]}. Refused (nothing changed) when it would end before it starts or
    have fewer seats than learners already enrolled."""
    errors = {}
    start = changes.get("start_date", run.start_date)
    end = changes.get("end_date", run.end_date)
    if end < start:
        errors["end_date"] = [str(_l("The run cannot end before it starts."))]
    if changes.get("seats_total", run.seats_total) < run.seats_taken:
        errors["seats_total"] = [str(_l("%(taken)s learners are enrolled: keep at least as "
                                        "many seats.", taken=run.seats_taken))]
    starts_at = changes.get("starts_at", run.starts_at)
    if changes.get("ends_at", run.ends_at) <= starts_at:
        errors["ends_at"] = [str(_l("A session ends after it starts."))]
    if errors:
        raise InvalidInput(errors=errors)
    changed = {}
    for name, value in changes.items():
        old = getattr(run, name)
        if old != value:
            changed[name] = [_plain(old), _plain(value)]
            setattr(run, name, value)
    return changed


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value
