"""Bring an export back into a dossier: every credential through the dossier's own import
(so it is verified again and sealed with this installation's key), and the experience
items with their evidence.

The archive has been read and checked as a whole before this runs (privacy/archive.py):
nothing is written for an archive that is refused. Each credential is then its own
transaction, as a single import is; experience items are committed in batches (a commit
per item made 500 items take 20 s; a batch holds at most BATCH_BYTES of evidence in
memory), each batch holding the learner's dossier so that two imports at once take turns.
A credential or item already in the dossier is recognised and skipped, so importing the
same file again (or again after an interruption, or twice at once) doubles nothing. Routes,
enrolments and vouchers are not imported: they refer to one installation's catalogue and
seats (they are in the export to read).

How much one file may bring is capped (ItemLimits, set in config/default.toml): each item
costs work, and a credential a verification, so 20,000 of them held a worker for minutes.
An archive over a cap is refused before anything is written."""
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from eigendossier.accounts.models import Account
from eigendossier.core.errors import DomainError
from eigendossier.core.extensions import db
from eigendossier.credentials.errors import ParseError
from eigendossier.dossier import experience as dossier_experience
from eigendossier.dossier import service as dossier
from eigendossier.dossier import verification as dossier_verification
from eigendossier.dossier.models import ExperienceItem
from eigendossier.dossier.schemas import ExperienceInputSchema
from eigendossier.privacy.archive import ArchiveError, read_json
from eigendossier.privacy.export import CREDENTIALS_DIR

EXPERIENCE_FIELDS = ("role", "employer", "start_date", "end_date", "description")
EXPERIENCE_FILE = "experience.json"


@dataclass(frozen=True)
class ItemLimits:
    credentials: int = 500
    experience: int = 500
    # experience.json is parsed whole: its size bounds the memory that takes.
    experience_bytes: int = 4 * 1024 * 1024
    # Credentials are verified again, which may fetch from the issuer: past this many
    # seconds the rest is reported as not imported (importing again adds it).
    seconds: float = 120.0

    def shown(self) -> dict:
        """The limits as a refusal names them."""
        return {"credentials": self.credentials, "experience": self.experience}


BATCH_ITEMS = 100
BATCH_BYTES = 8 * 1024 * 1024


@dataclass
class Tally:
    imported: int = 0
    duplicates: int = 0
    failed: list[dict] = field(default_factory=list)


def experience_entries(files: Mapping, limits: ItemLimits) -> list:
    """The items of experience.json (none when it is missing)."""
    if EXPERIENCE_FILE not in files:
        return []
    if files.size(EXPERIENCE_FILE) > limits.experience_bytes:
        raise ArchiveError("too_many_items", **limits.shown())
    try:
        entries = read_json(files[EXPERIENCE_FILE])
    except (UnicodeDecodeError, ParseError):
        raise ArchiveError("damaged", name=EXPERIENCE_FILE) from None
    if not isinstance(entries, list):
        raise ArchiveError("damaged", name=EXPERIENCE_FILE)
    return entries


def check_volume(files: Mapping, experience: list, limits: ItemLimits) -> None:
    """Refuse the whole archive when it brings more than the limits allow."""
    if (len(_credential_files(files)) > limits.credentials
            or len(experience) > limits.experience):
        raise ArchiveError("too_many_items", **limits.shown())


def _credential_files(files: Mapping) -> list[str]:
    return sorted(n for n in files if n.startswith(CREDENTIALS_DIR))


def late(deadline: float) -> bool:
    return time.monotonic() > deadline


def _not_in_time(where: str) -> dict:
    return {"file": where, "reason": str(_l(
        "Not imported: the import took too long. Import the file again to add the rest."))}


def import_credentials(account: Account, files: Mapping, deadline: float) -> Tally:
    tally = Tally()
    for name in _credential_files(files):
        if late(deadline):
            tally.failed.append(_not_in_time(name))
            continue
        try:
            _check_size(files, name)
            dossier.import_credential(account, data=files[name])
        except dossier.DuplicateCredential:
            tally.duplicates += 1
        except DomainError as error:
            tally.failed.append({"file": name, "reason": str(error.detail or error.title)})
        else:
            tally.imported += 1
    return tally


def import_experience(account: Account, entries: list, files: Mapping,
                      deadline: float) -> Tally:
    tally = Tally()
    pending_items = pending_bytes = 0
    pending_keys: set[tuple] = set()  # the batch's items, added but not yet written
    for position, entry in enumerate(entries, 1):
        where = f"experience.json #{position}"
        if late(deadline):
            tally.failed.append(_not_in_time(where))
            continue
        try:
            fields = ExperienceInputSchema().load(
                {name: entry.get(name) for name in EXPERIENCE_FIELDS
                 if isinstance(entry, dict) and entry.get(name) is not None})
        except ValidationError:
            tally.failed.append({"file": where, "reason": str(_l("This item is not complete."))})
            continue
        if pending_items == 0:
            _hold_dossier(account)
        if _key(fields) in pending_keys or _already_there(account, fields):
            tally.duplicates += 1
            continue
        try:
            pending_bytes += _add_item(account, fields, _evidence(entry, files))
        except DomainError as error:  # raised before the item is added: the batch stays
            tally.failed.append({"file": where, "reason": str(error.detail or error.title)})
            continue
        tally.imported += 1
        pending_items += 1
        pending_keys.add(_key(fields))
        if pending_items >= BATCH_ITEMS or pending_bytes >= BATCH_BYTES:
            db.session.commit()
            pending_items = pending_bytes = 0
            pending_keys.clear()
    db.session.commit()
    return tally


def _hold_dossier(account: Account) -> None:
    """Begin a batch's transaction by writing the learner's account row (changing nothing):
    PostgreSQL locks the row, SQLite takes its write lock. Two imports into one dossier at
    once (a double tap, a second tab) then take turns per batch, and each sees what the other
    added: nothing lands twice. Held until the batch's commit."""
    db.session.execute(db.update(Account).where(Account.id == account.id)
                       .values(id=Account.id).execution_options(synchronize_session=False))


def _already_there(account: Account, fields: dict) -> bool:
    """In the dossier already (what others committed included). The batch's own items are
    not flushed for it (the caller checks those): they are written together at its commit,
    not one INSERT per item before each look (a third of a 500 items import's time)."""
    with db.session.no_autoflush:
        same = db.session.scalars(db.select(ExperienceItem).filter_by(
            account_id=account.id, role=fields["role"], start_date=fields["start_date"])).all()
    return any(_key(item) == _key(fields) for item in same)


def _key(item) -> tuple:
    get = item.get if isinstance(item, dict) else lambda name: getattr(item, name)
    return tuple(get(name) or None for name in EXPERIENCE_FIELDS)


def _check_size(files: Mapping, name: str) -> None:
    """A file larger than an upload may be is not read at all."""
    if files.size(name) > dossier_verification.max_upload():
        raise dossier_verification.too_large(dossier_verification.max_upload())


def _evidence(entry: dict, files: Mapping) -> tuple[bytes, str] | None:
    name = entry.get("evidence_file")
    if not isinstance(name, str) or name not in files:
        return None
    _check_size(files, name)
    info = entry.get("evidence") or {}
    return files[name], str(info.get("name") or name.rsplit("/", 1)[-1])


def _add_item(account: Account, fields: dict, evidence: tuple[bytes, str] | None) -> int:
    """Add an item to the session (not committed); returns the size of its evidence."""
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
    return len(evidence[0]) if evidence is not None else 0
