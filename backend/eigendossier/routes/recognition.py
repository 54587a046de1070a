"""Recognition of prior learning (EVC): a learner asks a block's institution to recognise the
block from an experience item; the institution's staff approve or refuse, and an approved
block counts as done when the route is planned."""

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from eigendossier.accounts.models import Account
from eigendossier.catalog.models import Block, Qualification
from eigendossier.core import audit
from eigendossier.core.errors import DomainError, NotFound
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.dossier import experience as dossier_experience
from eigendossier.dossier import service as dossier
from eigendossier.dossier.models import Credential
from eigendossier.routes.models import (
    RecognitionRequest,
)


class AlreadyRequested(DomainError):
    status = 409
    slug = "recognition-already-requested"
    title = _l("Recognition for this block was already requested")
    detail = _l("You can follow the request in your route.")


class AlreadyDecided(DomainError):
    status = 409
    slug = "recognition-decided"
    title = _l("This request has already been decided")


def request_recognition(account: Account, block_id: int, experience_item_id: int,
                        credential_ids: list[int] | None = None) -> RecognitionRequest:
    """Ask the block's institution to recognise it from one of the learner's experience items,
    with some of their own credentials as further evidence."""
    item = dossier_experience.experience_item(account, experience_item_id)
    block = db.session.get(Block, block_id)
    if block is None:
        raise NotFound()
    offered = list(dict.fromkeys(credential_ids or []))
    for credential_id in offered:
        dossier.credential(account, credential_id)
    request = RecognitionRequest(account_id=account.id, block=block, experience_item=item,
                                 credential_ids=offered)
    db.session.add(request)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyRequested() from None
    return request


def recognition_requests_of(account: Account) -> list[RecognitionRequest]:
    return db.session.scalars(
        db.select(RecognitionRequest).filter_by(account_id=account.id)
        .order_by(RecognitionRequest.created_at, RecognitionRequest.id)
    ).all()


def withdraw_recognition(account: Account, request_id: int) -> None:
    request = db.session.get(RecognitionRequest, request_id)
    if request is None or request.account_id != account.id:
        raise NotFound()
    db.session.delete(request)
    db.session.commit()


def _staff_scope(staff: Account):
    """Requests for blocks of the staff member's institution (admins see all)."""
    query = db.select(RecognitionRequest).join(Block).join(Qualification)
    if staff.role != "admin":
        query = query.filter(Qualification.institution_id == staff.institution_id)
    return query


def recognition_requests_for_staff(staff: Account) -> list[RecognitionRequest]:
    return db.session.scalars(
        _staff_scope(staff).order_by(RecognitionRequest.created_at, RecognitionRequest.id)
    ).all()


def request_for_staff(staff: Account, request_id: int) -> RecognitionRequest:
    request = db.session.scalar(_staff_scope(staff).filter(RecognitionRequest.id == request_id))
    if request is None:
        raise NotFound()
    return request


def offered_credentials(request: RecognitionRequest) -> list[Credential]:
    """The credentials the learner offered that are still in their dossier."""
    ids = request.credential_ids or []
    if not ids:
        return []
    found = {c.id: c for c in db.session.scalars(db.select(Credential).where(
        Credential.id.in_(ids), Credential.account_id == request.account_id))}
    return [found[i] for i in ids if i in found]


def evidence_for_staff(staff: Account, request_id: int) -> tuple[bytes, str, str]:
    """The evidence file of the experience a request rests on: (bytes, type, name)."""
    item = request_for_staff(staff, request_id).experience_item
    if item.evidence_sealed is None:
        raise NotFound()
    return item.evidence, item.evidence_type, item.evidence_name


def decide_recognition(staff: Account, request_id: int, approved: bool,
                       reason: str = "") -> RecognitionRequest:
    """Approve or refuse, with the reason the learner reads beside their route."""
    request = request_for_staff(staff, request_id)
    if request.status != "requested":
        raise AlreadyDecided()
    request.status = "approved" if approved else "rejected"
    request.decided_at, request.decided_by_id = utcnow(), staff.id
    request.decision_reason = reason or None
    block = request.block
    audit.record(f"recognition.{request.status}", request.account_id, actor_id=staff.id,
                 subject=request, block=block.code,
                 institution=block.qualification.institution.name,
                 reason=request.decision_reason or "")
    db.session.commit()
    return request
