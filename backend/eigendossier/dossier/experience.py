"""Experience items: what a learner did without a credential for it (work, courses,
volunteering), with an optional evidence file sealed at rest, for recognition of prior
learning (EVC)."""

from flask_babel import lazy_gettext as _l

from eigendossier.accounts.models import Account
from eigendossier.core.errors import InvalidInput, NotFound
from eigendossier.core.extensions import db
from eigendossier.dossier.models import (
    ExperienceItem,
)
from eigendossier.dossier.service import (
    EVIDENCE_TYPES,
    EvidenceRefused,
)
from eigendossier.dossier.verification import max_upload, too_large


def experience_items(account: Account) -> list[ExperienceItem]:
    return db.session.scalars(
        db.select(ExperienceItem).filter_by(account_id=account.id)
        .order_by(ExperienceItem.start_date.desc(), ExperienceItem.id.desc())
    ).all()


def experience_item(account: Account, item_id: int) -> ExperienceItem:
    found = db.session.get(ExperienceItem, item_id)
    if found is None or found.account_id != account.id:
        raise NotFound()
    return found


class PeriodInvalid(InvalidInput):

    def __init__(self):
        super().__init__(errors={"end_date": [str(_l("The end date is before the start date."))]})


def _check_period(start, end) -> None:
    if end is not None and start is not None and end < start:
        raise PeriodInvalid()


def create_experience(account: Account, fields: dict) -> ExperienceItem:
    _check_period(fields.get("start_date"), fields.get("end_date"))
    item = ExperienceItem(account_id=account.id, **fields)
    db.session.add(item)
    db.session.commit()
    return item


def update_experience(account: Account, item_id: int, changes: dict) -> ExperienceItem:
    item = experience_item(account, item_id)
    _check_period(changes.get("start_date", item.start_date),
                  changes.get("end_date", item.end_date))
    for name, value in changes.items():
        setattr(item, name, value)
    db.session.commit()
    return item


def delete_experience(account: Account, item_id: int) -> None:
    db.session.delete(experience_item(account, item_id))
    db.session.commit()


def evidence_type(data: bytes) -> str | None:
    """The content type of an evidence file, from its first bytes (never the client's word)."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
        return "image/heic"
    return None


def attach_evidence(account: Account, item_id: int, data: bytes, filename: str) -> ExperienceItem:
    item = experience_item(account, item_id)
    if len(data) > max_upload():
        raise too_large(max_upload())
    content_type = evidence_type(data)
    if content_type is None:
        raise EvidenceRefused()
    name = safe_filename(filename, EVIDENCE_TYPES[content_type])
    item.seal_evidence(data, name, content_type)
    db.session.commit()
    return item


def safe_filename(filename: str, extension: str) -> str:
    stem = "".join(ch for ch in (filename or "").rsplit(".", 1)[0]
                   if ch.isalnum() or ch in " -_").strip()[:80]
    return f"{stem or 'bewijs'}.{extension}"


def evidence(account: Account, item_id: int) -> tuple[bytes, str, str]:
    item = experience_item(account, item_id)
    if item.evidence_sealed is None:
        raise NotFound()
    return item.evidence, item.evidence_type, item.evidence_name


def remove_evidence(account: Account, item_id: int) -> ExperienceItem:
    item = experience_item(account, item_id)
    item.clear_evidence()
    db.session.commit()
    return item
