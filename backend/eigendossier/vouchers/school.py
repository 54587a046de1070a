"""What a school does with the vouchers it issued: see each one's state, withdraw one nobody
has claimed yet, mail its code to the graduate again, print the letters.

Staff see their own institution's vouchers only (an admin sees all); another school's voucher
is a 404, as if it did not exist."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import force_locale, format_date
from flask_babel import lazy_gettext as _l

from eigendossier.accounts.models import Account
from eigendossier.core import access, audit, mail
from eigendossier.core.errors import NotFound
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.vouchers import codes
from eigendossier.vouchers import letters as letters_module
from eigendossier.vouchers.claims import PENDING, REFUSED, settle
from eigendossier.vouchers.models import Voucher, VoucherBatch, VoucherClaim
from eigendossier.vouchers.service import AMSTERDAM, VoucherError, code_hash

ISSUED, CLAIMED, REDEEMED, EXPIRED, VOID = "issued", "claimed", "redeemed", "expired", "void"
STATES = (ISSUED, CLAIMED, REDEEMED, EXPIRED, VOID)
LANGUAGES = ("nl", "en")


class NotOpen(VoucherError):
    status = 409
    slug = "voucher-not-open"
    title = _l("Only a voucher nobody has claimed yet can be withdrawn or sent again")
    detail = _l("A claimed or used voucher belongs to the graduate; an expired or withdrawn "
                "one buys nothing.")


def state(voucher: Voucher, now: datetime | None = None) -> str:
    """issued (nobody has it yet), claimed, redeemed, expired, or void (withdrawn)."""
    if voucher.voided_at is not None:
        return VOID
    if voucher.redeemed_at is not None:
        return REDEEMED
    if voucher.valid_until <= (now or utcnow()):
        return EXPIRED
    return CLAIMED if voucher.claimed_by_id is not None else ISSUED


def _scope(staff: Account):
    query = db.select(Voucher).join(VoucherBatch)
    institution = access.acting_for(staff)
    if institution is not None:
        query = query.filter(VoucherBatch.institution_id == institution.id)
    return query


def _batches_scope(staff: Account):
    query = db.select(VoucherBatch)
    institution = access.acting_for(staff)
    if institution is not None:
        query = query.filter(VoucherBatch.institution_id == institution.id)
    return query


# Letters per PDF: one request renders at most this many pages (about 16 ms of CPU each), well
# inside the web worker's timeout; a bigger batch prints in parts.
LETTERS_PER_PDF = 250


@dataclass
class BatchSummary:
    batch: VoucherBatch
    count: int
    open: int

    @property
    def letter_parts(self) -> int:
        return -(-self.open // LETTERS_PER_PDF)


def _in_state(query, wanted: str, now: datetime):
    """The query narrowed to vouchers in one state (the rule of :func:`state`, in SQL)."""
    if wanted == VOID:
        return query.where(Voucher.voided_at.is_not(None))
    query = query.where(Voucher.voided_at.is_(None))
    if wanted == REDEEMED:
        return query.where(Voucher.redeemed_at.is_not(None))
    query = query.where(Voucher.redeemed_at.is_(None))
    if wanted == EXPIRED:
        return query.where(Voucher.valid_until <= now)
    query = query.where(Voucher.valid_until > now)
    claimed = Voucher.claimed_by_id
    return query.where(claimed.is_not(None) if wanted == CLAIMED else claimed.is_(None))


def _open(query, now: datetime):
    return _in_state(query, ISSUED, now)


def batches(staff: Account) -> list[BatchSummary]:
    """The institution's batches, newest first, with how many vouchers each holds and how
    many nobody has claimed yet (those get letters)."""
    def counted(query):
        return query.where(Voucher.batch_id == VoucherBatch.id).correlate(VoucherBatch) \
            .scalar_subquery()

    everything = counted(db.select(db.func.count(Voucher.id)))
    still_open = counted(_open(db.select(db.func.count(Voucher.id)), utcnow()))
    rows = db.session.execute(
        _batches_scope(staff).add_columns(everything, still_open)
        .order_by(VoucherBatch.created_at.desc(), VoucherBatch.id.desc())).all()
    return [BatchSummary(batch, number, waiting) for batch, number, waiting in rows]


def batch(staff: Account, batch_id: int) -> VoucherBatch:
    found = db.session.scalar(_batches_scope(staff).filter(VoucherBatch.id == batch_id))
    if found is None:
        raise NotFound()
    return found


def vouchers(staff: Account, batch_id: int | None = None, wanted: str | None = None,
             search: str = "", limit: int = 2000) -> list[Voucher]:
    """The institution's vouchers by graduate name, optionally of one batch, in one state, or
    whose graduate's name or address contains ``search``."""
    query = _scope(staff)
    if batch_id is not None:
        query = query.filter(Voucher.batch_id == batch_id)
    if wanted is not None:
        query = _in_state(query, wanted, utcnow())
    if search:
        pattern = f"%{search.lower()}%"
        query = query.filter(db.or_(db.func.lower(Voucher.graduate_name).like(pattern),
                                    Voucher.graduate_email.like(pattern)))
    return db.session.scalars(query.order_by(Voucher.graduate_name, Voucher.id).limit(limit)).all()


def voucher(staff: Account, voucher_id: int) -> Voucher:
    found = db.session.scalar(_scope(staff).filter(Voucher.id == voucher_id))
    if found is None:
        raise NotFound()
    return found


def void(staff: Account, voucher_id: int, reason: str) -> Voucher:
    """Withdraw a voucher nobody has claimed: its code stops working, and claims waiting for
    the school are refused."""
    found = voucher(staff, voucher_id)
    if state(found) != ISSUED:
        raise NotOpen()
    found.voided_at, found.void_reason = utcnow(), reason
    waiting = db.session.scalars(db.select(VoucherClaim).filter_by(
        voucher_id=found.id, status=PENDING)).all()
    for claim in waiting:
        settle(claim, staff, REFUSED)
    audit.record("voucher.voided", None, actor_id=staff.id, subject=found,
                 institution=found.batch.institution.name)
    db.session.commit()
    return found


def code_of(found: Voucher) -> str:
    """The voucher's code. One issued before codes were kept sealed gets a new code (the old
    one stops working): the school cannot send what it does not have."""
    code = found.code
    if code is None:
        code = codes.new_code()
        found.code_hash = code_hash(code)
        found.seal_code(code)
    return code


def send_again(staff: Account, voucher_id: int, language: str) -> Voucher:
    """Mail the code to the graduate's address once more (after the commit)."""
    found = voucher(staff, voucher_id)
    if state(found) != ISSUED:
        raise NotOpen()
    code = code_of(found)
    institution = found.batch.institution
    qualification = found.qualification
    mail.send("vouchers/code", found.graduate_email, language, name=found.graduate_name,
              code=codes.display(code), institution=institution.name,
              qualification=getattr(qualification, f"name_{language}"),
              valid_until=_long_date(found, language),
              claim_url=claim_url(code))
    audit.record("voucher.code_sent", None, actor_id=staff.id, subject=found,
                 institution=institution.name)
    db.session.commit()
    return found


def last_valid_day(found: Voucher) -> date:
    """The last day the voucher can be used, in Amsterdam (it is valid to the end of it)."""
    return (found.valid_until.astimezone(AMSTERDAM) - timedelta(seconds=1)).date()


def _long_date(found: Voucher, language: str) -> str:
    with force_locale(language):
        return format_date(last_valid_day(found), "long")


def claim_url(code: str) -> str:
    """What the letter's QR code holds: the app's voucher page with the code at its end, which
    the app's own scanner reads (and a phone camera opens)."""
    return f"{mail.base_url()}/vouchers?code={codes.display(code)}"


class NothingToPrint(VoucherError):
    status = 409
    slug = "voucher-letters-none"
    title = _l("There is no open voucher to print a letter for")
    detail = _l("Letters are printed for vouchers nobody has claimed yet.")


def letters(staff: Account, language: str, batch_id: int | None = None,
            voucher_id: int | None = None, part: int = 1) -> tuple[bytes, str]:
    """A PDF with a letter per open voucher of the batch, by graduate name, in parts of
    LETTERS_PER_PDF (or the one voucher): (bytes, file name). A voucher issued before codes
    were kept gets a new code here, so the commit is ours."""
    if voucher_id is not None:
        chosen = [voucher(staff, voucher_id)]
        name = f"voucher-{voucher_id}.pdf"
    else:
        found = batch(staff, batch_id)
        first = (part - 1) * LETTERS_PER_PDF
        chosen = db.session.scalars(
            _open(_scope(staff).filter(Voucher.batch_id == found.id), utcnow())
            .order_by(Voucher.graduate_name, Voucher.id)
            .offset(first).limit(LETTERS_PER_PDF)).all()
        name = f"voucher-letters-batch-{batch_id}-part-{part}.pdf"
    chosen = [v for v in chosen if state(v) == ISSUED]
    if not chosen:
        raise NothingToPrint()
    pages = [letters_module.letter_for(v, code, claim_url(code), last_valid_day(v), language)
             for v in chosen for code in [code_of(v)]]
    institution = chosen[0].batch.institution.name
    data = letters_module.render(pages, institution, mail.base_url(), language)
    audit.record("voucher.letters_printed", None, actor_id=staff.id,
                 institution=institution, count=len(pages))
    db.session.commit()
    return data, name
