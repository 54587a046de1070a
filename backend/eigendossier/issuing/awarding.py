"""Awarding: a block's achievement to one learner or to a CSV of completions, signed and
written into each learner's dossier, and revoking through the institution's status list.

An award, one or a whole CSV, is one transaction: any refused line leaves nothing issued."""
import csv
import io
import json
import logging
import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import date

from marshmallow import ValidationError
from marshmallow.validate import Email

from eigendossier.accounts import service as accounts
from eigendossier.accounts.models import Account
from eigendossier.catalog.models import Block
from eigendossier.core import audit
from eigendossier.core.csvtext import sniff_dialect
from eigendossier.core.errors import NotFound
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.credentials import sdjwt
from eigendossier.credentials.keys import from_multikey
from eigendossier.dossier import service as dossier
from eigendossier.dossier.holder import holder_key
from eigendossier.dossier.models import TRUSTED_STATUSES
from eigendossier.issuing import documents
from eigendossier.issuing.models import (
    IssuedCredential,
    IssuerProfile,
    StatusList,
)
from eigendossier.issuing.service import (
    AlreadyRevoked,
    AwardInvalid,
    IssuedUnverifiable,
    block_of,
    blocks_of,
    default_proof,
    facts,
    form_bytes,
    issuer,
    signer,
    staff_profile,
)

log = logging.getLogger(__name__)

MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_CSV_ROWS = 1000
CSV_COLUMNS = ("email", "block")

# -- status lists -------------------------------------------------------------------------


def _sign_list(status_list: StatusList, profile: IssuerProfile) -> None:
    now = utcnow()
    unsigned = documents.status_list_credential(status_list.url, profile.did,
                                                status_list.bits, now, status_list.purpose)
    signed = documents.sign_data_integrity(unsigned, signer(profile), now)
    status_list.document = json.dumps(signed, ensure_ascii=False)
    status_list.updated_at = now


def _new_list(profile: IssuerProfile) -> StatusList:
    size = documents.STATUS_LIST_BITS
    status_list = StatusList(profile_id=profile.id, size=size, used=0,
                             a=2 * secrets.randbelow(size // 2) + 1, b=secrets.randbelow(size),
                             bits=bytes(size // 8), url="")
    db.session.add(status_list)
    db.session.flush()
    status_list.url = f"{profile.base_url}/issuers/{profile.institution.slug}/status/" \
                      f"{status_list.id}"
    _sign_list(status_list, profile)
    return status_list


def allocate_status(profile: IssuerProfile, count: int) -> list[tuple[StatusList, int]]:
    """``count`` fresh status list indexes, the open list locked until commit."""
    slots: list[tuple[StatusList, int]] = []
    while len(slots) < count:
        status_list = db.session.scalar(
            db.select(StatusList)
            .where(StatusList.profile_id == profile.id, StatusList.used < StatusList.size)
            .order_by(StatusList.id).limit(1).with_for_update()
            .execution_options(populate_existing=True)) or _new_list(profile)
        take = min(count - len(slots), status_list.size - status_list.used)
        slots += [(status_list, documents.status_index(status_list.used + i, status_list.a,
                                                        status_list.b, status_list.size))
                  for i in range(take)]
        status_list.used += take
    return slots


# -- awarding -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Details:
    """What only an SD-JWT VC award carries, each field for the learner to show or withhold."""

    grade: str | None = None
    birth_date: date | None = None
    evidence: list[str] | None = None
    holder_jwk: dict | None = None  # the learner's holder key: their wallet can present it


@dataclass(frozen=True)
class Completion:
    learner: Account
    block: Block
    completed_on: date | None = None
    details: Details | None = None


def award(account: Account, slug: str, block_id: int, email: str,
          completed_on: date | None = None, *, proof: str | None = None,
          details: Details | None = None) -> IssuedCredential:
    """Award the achievement of one block to one learner (by their account's address)."""
    profile = staff_profile(account, slug)
    block = block_of(profile, block_id)
    if completed_on and completed_on > date.today():
        raise AwardInvalid(errors={"completed_on": ["in the future"]})
    learner, problem = _learner(email)
    problem = problem or _already_awarded(learner, block)
    if problem:
        raise AwardInvalid(errors={"email": [problem]})
    if details and any(vars(details).values()) and proof != documents.SD_JWT_VC:
        raise AwardInvalid(errors={"proof": ["grade, birth date and evidence need dc+sd-jwt"]})
    completion = Completion(learner, block, completed_on, details)
    if proof == documents.SD_JWT_VC:
        completion = _bound(completion)
    return _issue(account, profile, [completion], proof)[0]


def _bound(completion: Completion) -> Completion:
    """An SD-JWT award bound (cnf) to the learner's holder key, made now if need be (its own
    commit, before the award's): the dossier can then present it with a key binding JWT
    (OpenID4VP)."""
    key = holder_key(completion.learner.id)
    return replace(completion, details=replace(
        completion.details or Details(),
        holder_jwk=sdjwt.public_jwk(from_multikey(key.public_multikey))))


def award_csv(account: Account, slug: str, raw: bytes,
              proof: str | None = None) -> list[IssuedCredential]:
    """Award per line of a CSV of completions (``email``, ``block``, optional ``qualification``
    crebo and ``completed_on``), all or nothing: every refused line is named. ``proof`` is the
    form of the whole batch (as for one award); as ``dc+sd-jwt`` each learner can withhold
    their name and completion date when sharing."""
    profile = staff_profile(account, slug)
    completions = _read_completions(raw, profile)
    if proof == documents.SD_JWT_VC:
        completions = [_bound(completion) for completion in completions]
    return _issue(account, profile, completions, proof)


def _learner(email: str) -> tuple[Account | None, str | None]:
    found = accounts.account_by_email(email or "")
    if found is None or found.role != "learner":
        return None, f"no learner has an account with the address {email!r}"
    return found, None


def _already_awarded(learner: Account, block: Block) -> str | None:
    earlier = db.session.scalar(db.select(IssuedCredential.id).filter_by(
        account_id=learner.id, block_id=block.id, revoked_at=None))
    return f"{learner.email} already holds {block.code}" if earlier else None


def _read_completions(raw: bytes, profile: IssuerProfile) -> list[Completion]:
    if len(raw) > MAX_CSV_BYTES:
        raise AwardInvalid(errors={"file": ["larger than 2 MB"]})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AwardInvalid(errors={"file": ["not UTF-8 text"]}) from None
    reader = csv.DictReader(io.StringIO(text), dialect=sniff_dialect(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        raise AwardInvalid(errors={"line 1": [f"missing columns: {', '.join(missing)}"]})
    reader.fieldnames = header
    blocks = blocks_of(profile)
    rows, errors, seen = [], {}, set()
    for row in reader:
        completion, problems = _completion(row, blocks)
        if completion and (completion.learner.id, completion.block.id) in seen:
            problems.append("the same learner and block are on an earlier line")
        if problems:
            errors[f"line {reader.line_num}"] = problems
        else:
            seen.add((completion.learner.id, completion.block.id))
            rows.append(completion)
        if len(rows) + len(errors) > MAX_CSV_ROWS:
            raise AwardInvalid(errors={"file": [f"more than {MAX_CSV_ROWS} lines"]})
    if errors or not rows:
        raise AwardInvalid(errors=errors or {"file": ["no completions listed"]})
    return rows


def _completion(row: dict, blocks: list[Block]) -> tuple[Completion | None, list[str]]:
    problems = []
    email = (row.get("email") or "").strip()
    learner = None
    try:
        Email()(email)
        learner, problem = _learner(email)
        if problem:
            problems.append(f"email: {problem}")
    except ValidationError:
        problems.append(f"email: not a valid email address: {email!r}")
    block, problem = _block_by_code((row.get("block") or "").strip(),
                                    (row.get("qualification") or "").strip(), blocks)
    if problem:
        problems.append(problem)
    completed_on, raw_date = None, (row.get("completed_on") or "").strip()
    if raw_date:
        try:
            completed_on = date.fromisoformat(raw_date)
            if completed_on > date.today():
                problems.append("completed_on: in the future")
        except ValueError:
            problems.append("completed_on: not a date (YYYY-MM-DD)")
    if learner and block and not problems:
        problem = _already_awarded(learner, block)
        if problem:
            problems.append(f"email: {problem}")
    if problems:
        return None, problems
    return Completion(learner, block, completed_on), []


def _block_by_code(code: str, crebo: str, blocks: list[Block]) -> tuple[Block | None, str | None]:
    found = [b for b in blocks if b.code == code
             and (not crebo or b.qualification.crebo == crebo)]
    if not found:
        return None, f"block: {code!r} is not a block of your institution"
    if len(found) > 1:
        return None, f"block: {code!r} is in more than one qualification: add a qualification"
    return found[0], None


def _issue(account: Account, profile: IssuerProfile, completions: list[Completion],
           proof: str | None = None) -> list[IssuedCredential]:
    """Sign a credential per completion and add each to the learner's dossier, verified by
    the dossier's own verifier; one commit for all of them."""
    sign_with, by, proof = signer(profile), issuer(profile), proof or default_proof()
    try:
        slots = allocate_status(profile, len(completions))
        issued = [_issue_one(account, profile, sign_with, by, proof, completion, slot)
                  for completion, slot in zip(completions, slots, strict=True)]
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return issued


def _issue_one(account: Account, profile: IssuerProfile, sign_with: documents.Signer,
               by: documents.Issuer, proof: str, completion: Completion,
               slot: tuple[StatusList, int]) -> IssuedCredential:
    learner, block = completion.learner, completion.block
    status_list, index = slot
    now, credential_uuid = utcnow(), str(uuid.uuid4())
    about = facts(profile, block)
    language = learner.locale if learner.locale in documents.LANGUAGES else "nl"
    unsigned = documents.credential(
        by, about, language=language, credential_id=f"urn:uuid:{credential_uuid}",
        email=learner.email, salt=secrets.token_hex(8), valid_from=now,
        list_url=status_list.url, index=index, completed_on=completion.completed_on)
    forms = {"json": documents.sign_data_integrity(unsigned, sign_with, now),
             "jwt": documents.sign_vc_jwt(unsigned, sign_with)}
    if proof == documents.SD_JWT_VC:
        details = completion.details or Details()
        forms["sd_jwt"] = documents.sign_sd_jwt_vc(
            unsigned, sign_with, learner_name=learner.display_name,
            birth_date=details.birth_date, grade=details.grade, evidence=details.evidence,
            holder_jwk=details.holder_jwk)
    row = IssuedCredential(
        uuid=credential_uuid, profile_id=profile.id, block_id=block.id,
        achievement_id=about.id, achievement_name=block.name_nl, account_id=learner.id,
        issued_by_id=account.id, status_list=status_list, status_index=index, proof=proof,
        issued_at=now)
    row.seal(forms)
    db.session.add(row)
    copy = dossier.add_credential(learner, form_bytes(forms, proof))
    if copy.verification.status not in TRUSTED_STATUSES:
        log.error("issued credential failed our own verification: %s",
                  [(c.check_id, c.message_code) for c in copy.verification.checks
                   if c.outcome == "fail"])
        raise IssuedUnverifiable()
    db.session.flush()
    row.credential_id = copy.id
    audit.record("credential.issued", learner.id, actor_id=account.id, subject=row,
                 achievement=about.id, institution=profile.institution.name)
    return row


def issued_by(account: Account, slug: str, limit: int = 1000) -> list[IssuedCredential]:
    profile = staff_profile(account, slug)
    return db.session.scalars(
        db.select(IssuedCredential).filter_by(profile_id=profile.id)
        .order_by(IssuedCredential.issued_at.desc(), IssuedCredential.id.desc())
        .limit(limit)).all()


# -- revoking -----------------------------------------------------------------------------------


def revoke(account: Account, slug: str, issued_id: int, reason: str) -> IssuedCredential:
    """Flip the credential's bit on the status list and sign the list again; the learner's
    own copy is verified again at once (other wallets see it when they next check)."""
    profile = staff_profile(account, slug)
    row = db.session.get(IssuedCredential, issued_id)
    if row is None or row.profile_id != profile.id:
        raise NotFound()
    if row.revoked_at is not None:
        raise AlreadyRevoked()
    status_list = db.session.scalar(
        db.select(StatusList).where(StatusList.id == row.status_list_id).with_for_update()
        .execution_options(populate_existing=True))
    status_list.bits = documents.set_bit(status_list.bits, row.status_index)
    _sign_list(status_list, profile)
    row.revoked_at, row.revoked_by_id, row.revocation_reason = utcnow(), account.id, reason
    audit.record("credential.revoked", row.account_id, actor_id=account.id, subject=row,
                 reason=reason, institution=profile.institution.name)
    db.session.commit()
    if row.credential_id is not None and row.account is not None:
        try:
            dossier.reverify(row.account, row.credential_id)
        except Exception:
            db.session.rollback()
            log.exception("re-verifying revoked credential %s failed", row.id)
    return row
