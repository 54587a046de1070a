"""Bring an export back into a dossier: every credential through the dossier's own import
(so it is verified again and sealed with this installation's key), and the experience
items with their evidence.

The archive has been read and checked as a whole before this runs (privacy/archive.py):
nothing is written for an archive that is refused. Each item is then its own transaction,
as a single import is; a credential or item already in the dossier is recognised and
skipped, so importing the same file again (or again after an interruption, or twice at
once) doubles nothing. Routes, enrolments and vouchers are not imported: they refer to one
installation's catalogue and seats (they are in the export to read)."""
import json
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from eigendossier.accounts.models import Account
from eigendossier.core.errors import DomainError
from eigendossier.core.extensions import db
from eigendossier.dossier import experience as dossier_experience
from eigendossier.dossier import service as dossier
from eigendossier.dossier import verification as dossier_verification
from eigendossier.dossier.models import ExperienceItem
from eigendossier.dossier.schemas import ExperienceInputSchema
from eigendossier.privacy.export import CREDENTIALS_DIR

EXPERIENCE_FIELDS = ("role", "employer", "start_date", "end_date", "description")


@dataclass
class Tally:
    imported: int = 0
    duplicates: int = 0
    failed: list[dict] = field(default_factory=list)


def json_file(files: dict[str, bytes], name: str, default):
    """A JSON file of the archive; a missing one is the default, a broken one None."""
    if name not in files:
        return default
    try:
        return json.loads(files[name])
    except (UnicodeDecodeError, ValueError):
        return None


def import_credentials(account: Account, files: dict[str, bytes]) -> Tally:
    tally = Tally()
    for name in sorted(n for n in files if n.startswith(CREDENTIALS_DIR)):
        try:
            dossier.import_credential(account, data=files[name])
        except dossier.DuplicateCredential:
            tally.duplicates += 1
        except DomainError as error:
            tally.failed.append({"file": name, "reason": str(error.detail or error.title)})
        else:
            tally.imported += 1
    return tally


def import_experience(account: Account, entries: list, files: dict[str, bytes]) -> Tally:
    tally = Tally()
    for position, entry in enumerate(entries, 1):
        where = f"experience.json #{position}"
        try:
            fields = ExperienceInputSchema().load(
                {name: entry.get(name) for name in EXPERIENCE_FIELDS
                 if isinstance(entry, dict) and entry.get(name) is not None})
        except ValidationError:
            tally.failed.append({"file": where, "reason": str(_l("This item is not complete."))})
            continue
        _hold_dossier(account)
        if _already_there(account, fields):
            db.session.commit()  # lets the hold go
            tally.duplicates += 1
            continue
        try:
            _add_item(account, fields, _evidence(entry, files))
        except DomainError as error:
            db.session.rollback()
            tally.failed.append({"file": where, "reason": str(error.detail or error.title)})
            continue
        tally.imported += 1
    return tally


def _hold_dossier(account: Account) -> None:
    """Begin an item's transaction by writing the learner's account row (changing nothing):
    PostgreSQL locks the row, SQLite takes its write lock. Two imports into one dossier at
    once (a double tap, a second tab) then take turns per item, and each sees what the other
    added: nothing lands twice. Held until the item's commit or rollback."""
    db.session.execute(db.update(Account).where(Account.id == account.id)
                       .values(id=Account.id).execution_options(synchronize_session=False))


def _already_there(account: Account, fields: dict) -> bool:
    same = db.session.scalars(db.select(ExperienceItem).filter_by(
        account_id=account.id, role=fields["role"], start_date=fields["start_date"])).all()
    return any(_key(item) == _key(fields) for item in same)


def _key(item) -> tuple:
    get = item.get if isinstance(item, dict) else lambda name: getattr(item, name)
    return tuple(get(name) or None for name in EXPERIENCE_FIELDS)


def _evidence(entry: dict, files: dict[str, bytes]) -> tuple[bytes, str] | None:
    name = entry.get("evidence_file")
    if not isinstance(name, str) or name not in files:
        return None
    info = entry.get("evidence") or {}
    return files[name], str(info.get("name") or name.rsplit("/", 1)[-1])


def _add_item(account: Account, fields: dict, evidence: tuple[bytes, str] | None) -> None:
    if fields.get("end_date") and fields["end_date"] < fields["start_date"]:
        raise dossier_experience.PeriodInvalid()
    item = ExperienceItem(account_id=account.id, **fields)
    if evidence is not None:
        data, filename = evidence
        if len(data) > dossier_verification.max_upload():
            raise dossier_verification.too_large(dossier_verification.max_upload())
        content_type = dossier_experience.evidence_type(data)
        if content_type is None:
            raise dossier.EvidenceRefused()
        item.seal_evidence(data, dossier_experience.safe_filename(
            filename, dossier.EVIDENCE_TYPES[content_type]), content_type)
    db.session.add(item)
    db.session.commit()
