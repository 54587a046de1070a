"""Voucher batches: a school issues one LLO voucher per graduate from a CSV (name, email,
graduation date, qualification), all or nothing, each code shown once and stored only as
its HMAC."""
import csv
import io
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from marshmallow.validate import Email

from eigendossier.accounts.models import Account
from eigendossier.catalog.models import Qualification
from eigendossier.core import audit
from eigendossier.core.csvtext import FORMULA_STARTS, sniff_dialect
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.vouchers import codes
from eigendossier.vouchers.models import Voucher, VoucherBatch
from eigendossier.vouchers.service import (
    VoucherError,
    code_hash,
    valid_until,
)

MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_CSV_ROWS = 10_000
CSV_COLUMNS = ("name", "email", "graduation_date", "qualification")


class BatchInvalid(VoucherError):
    status = 422
    slug = "voucher-batch-invalid"
    title = _l("The list of graduates has errors")
    detail = _l("No voucher was issued. Fix the lines listed and try again.")


@dataclass
class IssuedVoucher:
    voucher: Voucher
    code: str


@dataclass
class Checked:
    """A list of graduates that passed every check: what a batch would issue."""

    graduates: list[dict]
    eligible: list[Qualification]


def check_batch(staff: Account, raw_csv: bytes, eligible_crebos: list[str],
                today: date) -> Checked:
    """Every check of :func:`issue_batch`, writing nothing: the preview staff see first."""
    offer = _institution_qualifications(staff)
    unknown = [c for c in eligible_crebos if c not in offer]
    if unknown:
        raise BatchInvalid(errors={"eligible_qualifications": [
            f"not an offer of your institution: {', '.join(unknown)}"]})
    rows = _read_graduates(raw_csv, offer, today)
    eligible = [offer[c] for c in eligible_crebos] if eligible_crebos else list(offer.values())
    return Checked(rows, eligible)


def issue_batch(staff: Account, raw_csv: bytes, eligible_crebos: list[str],
                today: date) -> tuple[VoucherBatch, list[IssuedVoucher]]:
    """Issue a voucher per graduate in the CSV, all or nothing. The codes are returned once;
    the school's sealed copy prints the letters."""
    checked = check_batch(staff, raw_csv, eligible_crebos, today)
    batch = VoucherBatch(institution_id=staff.institution_id, created_by_id=staff.id,
                         eligible_qualification_ids=[q.id for q in checked.eligible])
    db.session.add(batch)
    issued = []
    for row in checked.graduates:
        code = codes.new_code()
        voucher = Voucher(batch=batch, code_hash=code_hash(code), graduate_name=row["name"],
                          graduate_email=row["email"], graduation_date=row["graduation_date"],
                          qualification=row["qualification"],
                          valid_until=valid_until(row["graduation_date"]))
        voucher.seal_code(code)
        db.session.add(voucher)
        issued.append(IssuedVoucher(voucher, code))
    db.session.flush()
    _tell_learners(staff, issued)
    db.session.commit()
    return batch, issued


def _tell_learners(staff: Account, issued: list[IssuedVoucher]) -> None:
    """A graduate who already has an account sees the issue in their audit trail."""
    by_email = {item.voucher.graduate_email: item.voucher for item in issued}
    learners = db.session.execute(
        db.select(Account.id, Account.email)
        .where(Account.email.in_(list(by_email)), Account.role == "learner")).all()
    institution = staff.institution.name if staff.institution else ""
    for account_id, email in learners:
        audit.record("voucher.issued", account_id, actor_id=staff.id, subject=by_email[email],
                     institution=institution)

def _institution_qualifications(staff: Account) -> dict[str, Qualification]:
    found = db.session.scalars(
        db.select(Qualification).filter_by(institution_id=staff.institution_id)
    ).all()
    return {q.crebo: q for q in found}


def _read_graduates(raw: bytes, offer: dict[str, Qualification], today: date) -> list[dict]:
    if len(raw) > MAX_CSV_BYTES:
        raise BatchInvalid(errors={"file": ["larger than 2 MB"]})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BatchInvalid(errors={"file": ["not UTF-8 text"]}) from None
    if "\x00" in text:
        raise BatchInvalid(errors={"file": ["holds NUL characters: not a text CSV"]})
    reader = csv.DictReader(io.StringIO(text), dialect=sniff_dialect(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise BatchInvalid(errors={"line 1": [f"missing columns: {', '.join(missing)}"]})
    reader.fieldnames = header
    rows, errors = [], {}
    for count, row in enumerate(reader, start=1):
        if count > MAX_CSV_ROWS:
            raise BatchInvalid(errors={"file": [
                f"more than {MAX_CSV_ROWS} graduates: split the list"]})
        parsed, problems = _graduate(row, offer, today)
        if problems:
            errors[f"line {reader.line_num}"] = problems
        else:
            rows.append({**parsed, "line": reader.line_num})
    if errors or not rows:
        raise BatchInvalid(errors=errors or {"file": ["no graduates listed"]})
    return rows


def _graduate(row: dict, offer: dict, today: date) -> tuple[dict, list[str]]:
    problems = []
    name = (row.get("name") or "").strip()
    email = (row.get("email") or "").strip().lower()
    crebo = (row.get("qualification") or "").strip()
    if not name or len(name) > 200:
        problems.append("name: required, at most 200 characters")
    elif name.startswith(FORMULA_STARTS):
        problems.append("name: may not start with =, +, -, @ (a spreadsheet would run it)")
    try:
        Email()(email)
    except ValidationError:
        problems.append(f"email: not a valid email address: {email!r}")
    graduated = None
    try:
        graduated = date.fromisoformat((row.get("graduation_date") or "").strip())
        if graduated > today:
            problems.append("graduation_date: in the future")
        elif valid_until(graduated) <= utcnow():
            problems.append("graduation_date: more than five years ago; the voucher would "
                            "have expired")
    except ValueError:
        problems.append("graduation_date: not a date (YYYY-MM-DD)")
    if crebo not in offer:
        problems.append(f"qualification: {crebo!r} is not a qualification of your institution")
    parsed = {"name": name, "email": email, "graduation_date": graduated,
              "qualification": offer.get(crebo)}
    return parsed, problems
