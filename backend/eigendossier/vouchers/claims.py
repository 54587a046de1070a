"""A voucher belongs to its graduate. Claiming one by its code puts it in the dossier at once
only when the learner's confirmed email address is the graduate's address on the voucher;
otherwise the claim goes to the school that issued it, whose staff confirm or refuse it.

A code alone proves little: it travels by mail, gets forwarded, printed, photographed."""
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from eigendossier.accounts.models import Account
from eigendossier.accounts.service import normalise_email
from eigendossier.accounts.verification import require_verified
from eigendossier.core import audit
from eigendossier.core.errors import NotFound
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.vouchers import codes
from eigendossier.vouchers.models import Voucher, VoucherBatch, VoucherClaim
from eigendossier.vouchers.service import (
    ClaimedByAnother,
    CodeTypo,
    Expired,
    UnknownCode,
    VoucherError,
    code_hash,
)

PENDING, CONFIRMED, REFUSED = "pending", "confirmed", "refused"


class ClaimRefused(VoucherError):
    status = 403
    slug = "voucher-claim-refused"
    title = _l("Your school did not confirm that this voucher is yours")
    detail = _l("Contact the school if you think this is a mistake.")


class Withdrawn(VoucherError):
    status = 410
    slug = "voucher-void"
    title = _l("The school has withdrawn this voucher")
    detail = _l("Contact the school that sent you the code.")


class ClaimDecided(VoucherError):
    status = 409
    slug = "voucher-claim-decided"
    title = _l("This claim has already been decided")


def is_graduate(account: Account, voucher: Voucher) -> bool:
    return normalise_email(voucher.graduate_email) == account.email


def claim(account: Account, typed: str) -> Voucher | VoucherClaim:
    """The voucher, when it is now the learner's; else the claim waiting for the school."""
    voucher = _voucher_by_code(typed)
    if voucher.voided_at is not None:
        raise Withdrawn()
    if voucher.claimed_by_id == account.id:
        return voucher
    if voucher.claimed_by_id is not None:
        raise ClaimedByAnother()
    if voucher.valid_until <= utcnow():
        raise Expired()
    if is_graduate(account, voucher):
        require_verified(account)
        return _take(account, voucher)
    return _ask_school(account, voucher)


def _voucher_by_code(typed: str) -> Voucher:
    try:
        code = codes.normalise(typed)
    except codes.CodeInvalid:
        raise CodeTypo() from None
    voucher = db.session.scalar(db.select(Voucher).filter_by(code_hash=code_hash(code)))
    if voucher is None:
        raise UnknownCode()
    return voucher


def _take(account: Account, voucher: Voucher, staff: Account | None = None) -> Voucher:
    """Give the unclaimed voucher to `account` by one conditional UPDATE (in the caller's
    transaction); a voucher someone else got first is ClaimedByAnother. One this learner got
    a moment ago (a double tap, a second device) is simply theirs, as on a later claim."""
    taken = db.session.execute(
        db.update(Voucher).where(Voucher.id == voucher.id, Voucher.claimed_by_id.is_(None))
        .values(claimed_by_id=account.id, claimed_at=utcnow())
    )
    if taken.rowcount != 1:
        db.session.rollback()
        db.session.refresh(voucher)
        if staff is None and voucher.claimed_by_id == account.id:
            return voucher
        raise ClaimedByAnother()
    if staff is None:  # a school's confirmation is recorded as such, by decide()
        audit.record("voucher.claimed", account.id, subject=voucher)
        db.session.commit()
        db.session.refresh(voucher)
    return voucher


def _ask_school(account: Account, voucher: Voucher) -> VoucherClaim:
    existing = _claim_of(account, voucher)
    if existing is None:
        existing = VoucherClaim(voucher=voucher, account_id=account.id)
        db.session.add(existing)
        audit.record("voucher.claim_requested", account.id, subject=voucher,
                     institution=voucher.batch.institution.name)
        try:
            db.session.commit()
        except IntegrityError:  # the same claim sent twice at once
            db.session.rollback()
            existing = _claim_of(account, voucher)
    if existing.status == REFUSED:
        raise ClaimRefused()
    return existing


def _claim_of(account: Account, voucher: Voucher) -> VoucherClaim | None:
    return db.session.scalar(
        db.select(VoucherClaim).filter_by(voucher_id=voucher.id, account_id=account.id))


def claims_of(account: Account) -> list[VoucherClaim]:
    """The learner's claims still waiting for the school, or refused by it."""
    return db.session.scalars(
        db.select(VoucherClaim)
        .filter(VoucherClaim.account_id == account.id, VoucherClaim.status != CONFIRMED)
        .order_by(VoucherClaim.created_at.desc(), VoucherClaim.id.desc())
    ).all()


# -- staff ------------------------------------------------------------------------------------


def _staff_scope(staff: Account):
    """Claims to vouchers the staff member's institution issued (admins see all)."""
    query = db.select(VoucherClaim).join(Voucher).join(VoucherBatch)
    if staff.role != "admin":
        query = query.filter(VoucherBatch.institution_id == staff.institution_id)
    return query


def claims_for_staff(staff: Account, status: str | None = None) -> list[VoucherClaim]:
    query = _staff_scope(staff)
    if status:
        query = query.filter(VoucherClaim.status == status)
    return db.session.scalars(query.order_by(VoucherClaim.created_at, VoucherClaim.id)).all()


def decide(staff: Account, claim_id: int, approved: bool) -> VoucherClaim:
    """Confirm (the voucher becomes the claimant's; the voucher's other open claims are
    refused) or refuse a claim of the staff member's institution."""
    found = db.session.scalar(_staff_scope(staff).filter(VoucherClaim.id == claim_id))
    if found is None:
        raise NotFound()
    if found.status != PENDING:
        raise ClaimDecided()
    voucher = found.voucher
    if approved:
        if voucher.voided_at is not None:
            raise Withdrawn()
        if voucher.valid_until <= utcnow():
            raise Expired()
        _take(found.account, voucher, staff)
        others = db.session.scalars(db.select(VoucherClaim).filter(
            VoucherClaim.voucher_id == voucher.id, VoucherClaim.status == PENDING,
            VoucherClaim.id != found.id)).all()
        for other in others:
            settle(other, staff, REFUSED)
    settle(found, staff, CONFIRMED if approved else REFUSED)
    db.session.commit()
    return found


def settle(found: VoucherClaim, staff: Account, status: str) -> None:
    found.status, found.decided_at, found.decided_by_id = status, utcnow(), staff.id
    audit.record(f"voucher.claim_{status}", found.account_id, actor_id=staff.id,
                 subject=found.voucher, institution=found.voucher.batch.institution.name)
