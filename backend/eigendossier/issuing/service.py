"""Issuing operations: issuer keys and profile, achievements from blocks, awarding signed
Open Badges 3.0 credentials into learners' dossiers, revoking them through the institution's
status list, and the public documents (DID document, profile, status lists, achievements).

No request, no response: the API, the CLI and the benchmark call these. An award, one or a
whole CSV, is one transaction: any refused line leaves nothing issued.
"""
import csv
import io
import json
import logging
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app, has_request_context, request
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from marshmallow.validate import Email

from eigendossier.accounts import service as accounts
from eigendossier.accounts.models import Account
from eigendossier.catalog import service as catalog
from eigendossier.catalog.models import Block, Institution, Qualification
from eigendossier.core import access, audit, erase, rotation
from eigendossier.core.csvtext import sniff_dialect
from eigendossier.core.errors import DomainError, NotFound
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.credentials import bake_png, bake_svg
from eigendossier.credentials.dids import did_web_url
from eigendossier.credentials.keys import PublicKey
from eigendossier.dossier import service as dossier
from eigendossier.dossier.models import TRUSTED_STATUSES
from eigendossier.issuing import documents
from eigendossier.issuing.models import (
    ASSESSMENT_TYPES,
    AchievementText,
    IssuedCredential,
    IssuerKey,
    IssuerProfile,
    StatusList,
)

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://localhost:5000"
MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_CSV_ROWS = 1000
CSV_COLUMNS = ("email", "block")
FORMS = {
    "json": ("application/ld+json", "json"),
    "jwt": ("application/jwt", "jwt"),
    "png": ("image/png", "png"),
    "svg": ("image/svg+xml", "svg"),
}


class NoSigningKey(DomainError):
    status = 409
    slug = "issuer-no-key"
    title = _l("This institution has no signing key yet")
    detail = _l("An administrator creates one with: flask issuing create-key <institution>.")


class AwardInvalid(DomainError):
    status = 422
    slug = "award-invalid"
    title = _l("The award has errors")
    detail = _l("Nothing was issued. Fix what is listed and try again.")


class AlreadyRevoked(DomainError):
    status = 409
    slug = "credential-already-revoked"
    title = _l("This credential has already been revoked")


class IssuedUnverifiable(DomainError):
    status = 500
    slug = "issued-unverifiable"
    title = _l("The new credential did not verify")
    detail = _l("Nothing was issued. Check the issuing settings (ISSUING_BASE_URL).")


# -- settings, keys and profile --------------------------------------------------------------


def default_proof() -> str:
    """Which signed form lands in the dossier (config ISSUING_DEFAULT_PROOF)."""
    proof = current_app.config.get("ISSUING_DEFAULT_PROOF") or documents.PROOFS[0]
    if proof not in documents.PROOFS:
        raise RuntimeError(f"ISSUING_DEFAULT_PROOF must be one of {documents.PROOFS}, "
                           f"not {proof!r}")
    return proof


def base_url() -> str:
    """This installation's public address (config ISSUING_BASE_URL; else the request's)."""
    configured = (current_app.config.get("ISSUING_BASE_URL") or "").rstrip("/")
    if configured:
        return configured
    return request.host_url.rstrip("/") if has_request_context() else DEFAULT_BASE_URL


def profile_of(institution: Institution) -> IssuerProfile | None:
    return db.session.scalar(db.select(IssuerProfile).filter_by(institution_id=institution.id))


def create_key(slug: str, base: str | None = None) -> IssuerKey:
    """A new Ed25519 key for the institution, made its signing key (the first one also makes
    the issuer profile and fixes its did:web identifier). Earlier keys stay published."""
    institution = catalog.institution_by_slug(slug)
    if institution is None:
        raise accounts.UnknownInstitution(detail=slug)
    profile = profile_of(institution)
    if profile is None:
        base = (base or base_url()).rstrip("/")
        profile = IssuerProfile(institution=institution, base_url=base,
                                did=documents.did_web(base, slug))
        db.session.add(profile)
        db.session.flush()
    private = Ed25519PrivateKey.generate()
    number = 1 + max((key.number for key in profile.keys), default=0)
    key = IssuerKey(profile_id=profile.id, number=number,
                    public_multikey=PublicKey("Ed25519", private.public_key()).to_multikey())
    key.seal(private.private_bytes(serialization.Encoding.Raw,
                                   serialization.PrivateFormat.Raw,
                                   serialization.NoEncryption()))
    profile.keys.append(key)
    db.session.commit()
    return key


def signer(profile: IssuerProfile) -> documents.Signer:
    """The newest key signs."""
    if not profile.keys:
        raise NoSigningKey()
    key = profile.keys[-1]
    return documents.Signer(Ed25519PrivateKey.from_private_bytes(key.private_bytes),
                            f"{profile.did}#{key.fragment}")


def issuer(profile: IssuerProfile) -> documents.Issuer:
    institution = profile.institution
    return documents.Issuer(profile.did, institution.name, institution.url or "",
                            profile.email, profile.image_url)


def staff_profile(account: Account, slug: str) -> IssuerProfile:
    """The issuer profile of the institution ``slug`` if ``account`` is one of its issuers.
    Learners are refused (403); other institutions' staff learn nothing (404)."""
    access.require_staff(account)
    institution = catalog.institution_by_slug(slug)
    if (institution is None or account.role != "issuer"
            or account.institution_id != institution.id):
        raise NotFound()
    profile = profile_of(institution)
    if profile is None or not profile.keys:
        raise NoSigningKey()
    return profile


def update_profile(account: Account, slug: str, changes: dict) -> IssuerProfile:
    profile = staff_profile(account, slug)
    for name, value in changes.items():
        setattr(profile, name, value)
    db.session.commit()
    return profile


# -- achievements ------------------------------------------------------------------------------


def blocks_of(profile: IssuerProfile) -> list[Block]:
    return db.session.scalars(
        db.select(Block).join(Qualification)
        .where(Qualification.institution_id == profile.institution_id)
        .order_by(Qualification.crebo, Block.position)).all()


def block_of(profile: IssuerProfile, block_id: int) -> Block:
    block = db.session.get(Block, block_id)
    if block is None or block.qualification.institution_id != profile.institution_id:
        raise NotFound()
    return block


def achievement_id(profile: IssuerProfile, block: Block) -> str:
    slug = profile.institution.slug
    return (f"{profile.base_url}/issuers/{slug}/achievements/"
            f"{quote(block.qualification.crebo, safe='')}/{quote(block.code, safe='')}")


def facts(profile: IssuerProfile, block: Block) -> documents.Facts:
    qualification = block.qualification
    text = db.session.get(AchievementText, block.id)
    return documents.Facts(
        id=achievement_id(profile, block), code=block.code,
        name={"nl": block.name_nl, "en": block.name_en},
        qualification={"nl": qualification.name_nl, "en": qualification.name_en},
        crebo=qualification.crebo, level=qualification.level, ec=float(block.ec),
        hours=block.hours, learning_outcomes=list(block.learning_outcomes or []),
        assessment_type=text.assessment_type if text else ASSESSMENT_TYPES[0],
        description={"nl": text.description_nl, "en": text.description_en} if text else None,
        criteria={"nl": text.criteria_nl, "en": text.criteria_en} if text else None,
    )


@dataclass
class AchievementView:
    block: Block
    text: AchievementText | None
    document: dict


def achievements(account: Account, slug: str) -> list[AchievementView]:
    profile = staff_profile(account, slug)
    return [_view(profile, block) for block in blocks_of(profile)]


def _view(profile: IssuerProfile, block: Block) -> AchievementView:
    return AchievementView(block, db.session.get(AchievementText, block.id),
                           documents.achievement(facts(profile, block), "nl"))


def update_achievement(account: Account, slug: str, block_id: int,
                       changes: dict) -> AchievementView:
    profile = staff_profile(account, slug)
    block = block_of(profile, block_id)
    text = db.session.get(AchievementText, block.id)
    if text is None:
        text = AchievementText(block_id=block.id)
        db.session.add(text)
    for name, value in changes.items():
        setattr(text, name, value)
    db.session.commit()
    return _view(profile, block)


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


def _allocate(profile: IssuerProfile, count: int) -> list[tuple[StatusList, int]]:
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
class Completion:
    learner: Account
    block: Block
    completed_on: date | None = None


def award(account: Account, slug: str, block_id: int, email: str,
          completed_on: date | None = None) -> IssuedCredential:
    """Award the achievement of one block to one learner (by their account's address)."""
    profile = staff_profile(account, slug)
    block = block_of(profile, block_id)
    if completed_on and completed_on > date.today():
        raise AwardInvalid(errors={"completed_on": ["in the future"]})
    learner, problem = _learner(email)
    problem = problem or _already_awarded(learner, block)
    if problem:
        raise AwardInvalid(errors={"email": [problem]})
    return _issue(account, profile, [Completion(learner, block, completed_on)])[0]


def award_csv(account: Account, slug: str, raw: bytes) -> list[IssuedCredential]:
    """Award per line of a CSV of completions (``email``, ``block``, optional ``qualification``
    crebo and ``completed_on``), all or nothing: every refused line is named."""
    profile = staff_profile(account, slug)
    return _issue(account, profile, _read_completions(raw, profile))


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


def _issue(account: Account, profile: IssuerProfile,
           completions: list[Completion]) -> list[IssuedCredential]:
    """Sign a credential per completion and add each to the learner's dossier, verified by
    the dossier's own verifier; one commit for all of them."""
    sign_with, by, proof = signer(profile), issuer(profile), default_proof()
    try:
        slots = _allocate(profile, len(completions))
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
    row = IssuedCredential(
        uuid=credential_uuid, profile_id=profile.id, block_id=block.id,
        achievement_id=about.id, achievement_name=block.name_nl, account_id=learner.id,
        issued_by_id=account.id, status_list=status_list, status_index=index, proof=proof,
        issued_at=now)
    row.seal(forms)
    db.session.add(row)
    copy = dossier.add_credential(learner, _form_bytes(forms, proof))
    if copy.verification.status not in TRUSTED_STATUSES:
        log.error("issued credential failed our own verification: %s",
                  [(c.check_id, c.message_code) for c in copy.verification.checks
                   if c.outcome == "fail"])
        raise IssuedUnverifiable()
    db.session.flush()
    row.credential_id = copy.id
    audit.record("credential.issued", learner.id, actor_id=account.id, subject=row,
                 achievement=about.id)
    return row


def _form_bytes(forms: dict, proof: str) -> bytes:
    if proof == "vc-jwt":
        return forms["jwt"].encode("ascii")
    return json.dumps(forms["json"], ensure_ascii=False, indent=2).encode("utf-8")


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
                 reason=reason)
    db.session.commit()
    if row.credential_id is not None and row.account is not None:
        try:
            dossier.reverify(row.account, row.credential_id)
        except Exception:
            db.session.rollback()
            log.exception("re-verifying revoked credential %s failed", row.id)
    return row


# -- the learner's downloads ------------------------------------------------------------------


def issued_to(account: Account, credential_id: int) -> IssuedCredential:
    """The issued credential behind a dossier credential of this learner."""
    row = db.session.scalar(db.select(IssuedCredential).filter_by(
        credential_id=credential_id, account_id=account.id))
    if row is None:
        raise NotFound()
    return row


def download(account: Account, credential_id: int, form: str) -> tuple[bytes, str, str]:
    """An issued credential as JSON (Data Integrity), VC-JWT, or baked into a PNG or SVG
    (the default form baked in): (bytes, content type, file name)."""
    row = issued_to(account, credential_id)
    forms = row.forms
    content_type, extension = FORMS[form]
    name = f"{row.achievement_name or 'credential'}-{row.id}.{extension}"
    filename = re.sub(r"[^A-Za-z0-9._-]+", "-", name)
    if form == "json":
        return _form_bytes(forms, "eddsa-rdfc-2022"), content_type, filename
    if form == "jwt":
        return _form_bytes(forms, "vc-jwt"), content_type, filename
    baked = _form_bytes(forms, row.proof).decode("utf-8")
    if form == "png":
        return bake_png(_png_image(), baked), content_type, filename
    achievement = forms["json"]["credentialSubject"]["achievement"]
    svg = documents.badge_svg(achievement["humanCode"], achievement["creditsAvailable"])
    return (bake_svg(svg, baked, is_jws=row.proof == "vc-jwt").encode("utf-8"), content_type,
            filename)


def _png_image() -> bytes:
    return (Path(current_app.config["PWA_DIR"]) / "icons" / "icon-192.png").read_bytes()


# -- public documents ----------------------------------------------------------------------


def public_profile(slug: str) -> IssuerProfile:
    institution = catalog.institution_by_slug(slug)
    profile = profile_of(institution) if institution else None
    if profile is None or not profile.keys:
        raise NotFound()
    return profile


def did_document(profile: IssuerProfile) -> dict:
    return documents.did_document(profile.did,
                                  [(key.fragment, key.public_multikey) for key in profile.keys])


def profile_document(profile: IssuerProfile) -> dict:
    return {"@context": [documents.OB3], **issuer(profile).profile()}


def status_list(slug: str, list_id: int) -> str:
    profile = public_profile(slug)
    found = db.session.get(StatusList, list_id)
    if found is None or found.profile_id != profile.id:
        raise NotFound()
    return found.document


def achievement_document(slug: str, crebo: str, code: str, language: str) -> dict:
    profile = public_profile(slug)
    block = db.session.scalar(
        db.select(Block).join(Qualification)
        .where(Qualification.institution_id == profile.institution_id,
               Qualification.crebo == crebo, Block.code == code))
    if block is None:
        raise NotFound()
    return {"@context": [documents.OB3], **documents.achievement(facts(profile, block), language)}


_OWN_PATH = re.compile(r"/issuers/(?P<slug>[^/]+)/(?:did\.json|status/(?P<list>\d+))$")


def local_document(url: str) -> tuple[bytes, str] | None:
    """A DID document or status list of one of our issuers, from the database, when ``url``
    is exactly where we publish it; None for every other URL."""
    match = _OWN_PATH.search(urlsplit(url).path)
    if match is None:
        return None
    institution = catalog.institution_by_slug(match["slug"])
    profile = profile_of(institution) if institution else None
    if profile is None or not profile.keys:
        return None
    if match["list"] is None:
        if did_web_url(profile.did) != url:
            return None
        return json.dumps(did_document(profile)).encode(), "application/did+json"
    found = db.session.get(StatusList, int(match["list"]))
    if found is None or found.profile_id != profile.id or found.url != url:
        return None
    return found.document.encode(), "application/vc+ld+json"


rotation.register_rows("issuing.signing_keys", IssuerKey.key_id,
                       lambda key: key.seal(key.private_bytes))
rotation.register_rows("issuing.issued_credentials", IssuedCredential.key_id,
                       lambda row: row.seal(row.forms))


@erase.before_erase("issuing.learner_copies")
def _forget_learner_copies(account_id: int) -> None:
    """On erasing a learner the institution keeps its record (achievement, dates, status
    list index, so it can still revoke) but not their signed copies: those carry the salted
    hash of their address."""
    for row in db.session.scalars(db.select(IssuedCredential).filter_by(account_id=account_id)):
        row.seal({})
