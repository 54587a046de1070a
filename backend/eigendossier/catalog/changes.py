"""What a catalogue upload changes in an institution's runs: shown first as a preview, then
applied. Both run the very same import (`service.write_catalog`) and compare the
institution's runs before and after it; the preview then rolls back, the apply commits. So
the preview cannot promise anything the apply would not do."""
from dataclasses import dataclass, field

from eigendossier.catalog.models import Institution, Run
from eigendossier.catalog.service import ImportReport, write_catalog
from eigendossier.core.extensions import db

# What a run's row says, compared field by field; a learner enrolled in the run notices a
# change of those in FOR_LEARNERS (when and how many seats) in their schedule.
FIELDS = ("block", "start_date", "end_date", "time_of_day", "weekdays", "starts_at", "ends_at",
          "location_kind", "address", "learning_form", "seats_total")
FOR_LEARNERS = frozenset({"start_date", "end_date", "time_of_day", "weekdays", "starts_at",
                          "ends_at", "seats_total"})


@dataclass
class RunChange:
    code: str
    block: str
    fields: list[dict] = field(default_factory=list)
    enrolled: int = 0

    @property
    def affects_learners(self) -> bool:
        """Enrolled learners see their dates, times or seats change (or the run go)."""
        return self.enrolled > 0 and (not self.fields or any(
            change["field"] in FOR_LEARNERS for change in self.fields))


@dataclass
class CatalogChanges:
    report: ImportReport
    new: list[RunChange] = field(default_factory=list)
    changed: list[RunChange] = field(default_factory=list)
    removed: list[RunChange] = field(default_factory=list)

    @property
    def affected(self) -> list[RunChange]:
        """Changed runs whose enrolled learners notice it."""
        return [change for change in self.changed if change.affects_learners]


def _row(run: Run) -> dict:
    return {
        "block": f"{run.block.qualification.crebo}/{run.block.code}",
        "start_date": run.start_date.isoformat(), "end_date": run.end_date.isoformat(),
        "time_of_day": run.time_of_day, "weekdays": list(run.weekdays or []),
        "starts_at": run.starts_at, "ends_at": run.ends_at,
        "location_kind": run.location_kind, "address": run.address or "",
        "learning_form": run.learning_form, "seats_total": run.seats_total,
        "seats_taken": run.seats_taken or 0,
    }


def snapshot(institution: Institution) -> dict[str, dict]:
    """The institution's runs as plain rows, by code."""
    runs = db.session.scalars(db.select(Run).filter_by(institution_id=institution.id))
    return {run.code: _row(run) for run in runs}


def compare(before: dict[str, dict], after: dict[str, dict], report: ImportReport
            ) -> CatalogChanges:
    changes = CatalogChanges(report=report)
    for code in sorted(after.keys() - before.keys()):
        changes.new.append(RunChange(code, after[code]["block"]))
    for code in sorted(before.keys() - after.keys()):
        changes.removed.append(RunChange(code, before[code]["block"],
                                         enrolled=before[code]["seats_taken"]))
    for code in sorted(before.keys() & after.keys()):
        old, new = before[code], after[code]
        fields = [{"field": name, "old": old[name], "new": new[name]}
                  for name in FIELDS if old[name] != new[name]]
        if fields:
            changes.changed.append(RunChange(code, new["block"], fields, old["seats_taken"]))
    return changes


def _write(raw: bytes | str, institution: Institution) -> CatalogChanges:
    before = snapshot(institution)
    report = write_catalog(raw, only_institution=institution, remove_missing=True)
    with db.session.no_autoflush:
        after = snapshot(institution)
    return compare(before, after, report)


def preview(raw: bytes | str, institution: Institution) -> CatalogChanges:
    """What applying the document would change; nothing is kept."""
    try:
        return _write(raw, institution)
    finally:
        db.session.rollback()


def apply(raw: bytes | str, institution: Institution) -> CatalogChanges:
    """Write the document into the session (the caller records and commits)."""
    return _write(raw, institution)
