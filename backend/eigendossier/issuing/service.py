"""Issuing operations: issuer keys and profile, achievements from blocks, awarding signed
Open Badges 3.0 credentials into learners' dossiers, revoking them through the institution's
status list, and the public documents (DID document, profile, status lists, achievements).

No request, no response: the API, the CLI and the benchmark call these. An award, one or a
whole CSV, is one transaction: any refused line leaves nothing issued.
"""
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app, has_request_context, request
from flask_babel import lazy_gettext as _l

from eigendossier.accounts import service as accounts
from eigendossier.accounts.models import Account
from eigendossier.catalog import service as catalog
from eigendossier.catalog.models import Block, Institution, Qualification
from eigendossier.core import access, erase, rotation
from eigendossier.core.errors import DomainError, NotFound
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.credentials import bake_png, bake_svg, sdjwtvc
from eigendossier.credentials.dids import did_web_url
from eigendossier.credentials.keys import PublicKey
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


# -- the learner's downloads ------------------------------------------------------------------


def issued_to(account: Account, credential_id: int) -> IssuedCredential:
    """The issued credential behind a dossier credential of this learner."""
    row = db.session.scalar(db.select(IssuedCredential).filter_by(
        credential_id=credential_id, account_id=account.id))
    if row is None:
        raise NotFound()
    return row


def credentials_issued_to(account: Account) -> list[int]:
    """The ids of the learner's dossier credentials that were issued here."""
    return list(db.session.scalars(
        db.select(IssuedCredential.credential_id)
        .filter(IssuedCredential.account_id == account.id,
                IssuedCredential.credential_id.is_not(None))
        .order_by(IssuedCredential.credential_id)))


def download(account: Account, credential_id: int, form: str) -> tuple[bytes, str, str]:
    """An issued credential as JSON (Data Integrity), VC-JWT, or baked into a PNG or SVG
    (the default form baked in): (bytes, content type, file name)."""
    return download_of(issued_to(account, credential_id), form)


def staff_download(account: Account, slug: str, issued_id: int,
                   form: str) -> tuple[bytes, str, str]:
    """The same files for the institution's staff, by the issued credential's id."""
    profile = staff_profile(account, slug)
    row = db.session.get(IssuedCredential, issued_id)
    if row is None or row.profile_id != profile.id:
        raise NotFound()
    return download_of(row, form)


def download_of(row: IssuedCredential, form: str) -> tuple[bytes, str, str]:
    forms = row.forms
    content_type, extension = FORMS[form]
    name = f"{row.achievement_name or 'credential'}-{row.id}.{extension}"
    filename = re.sub(r"[^A-Za-z0-9._-]+", "-", name)
    if form == "json":
        return form_bytes(forms, "eddsa-rdfc-2022"), content_type, filename
    if form == "jwt":
        return form_bytes(forms, "vc-jwt"), content_type, filename
    # an SD-JWT VC stays the learner's to disclose: images carry the Data Integrity form
    baked_proof = "eddsa-rdfc-2022" if row.proof == documents.SD_JWT_VC else row.proof
    baked = form_bytes(forms, baked_proof).decode("utf-8")
    if form == "png":
        return bake_png(_png_image(), baked), content_type, filename
    achievement = forms["json"]["credentialSubject"]["achievement"]
    svg = documents.badge_svg(achievement["humanCode"], achievement["creditsAvailable"])
    return (bake_svg(svg, baked, is_jws=baked_proof == "vc-jwt").encode("utf-8"), content_type,
            filename)


def form_bytes(forms: dict, proof: str) -> bytes:
    """The credential in the form it was signed as: the JWT, or the JSON with its proof."""
    if proof == "vc-jwt":
        return forms["jwt"].encode("ascii")
    if proof == documents.SD_JWT_VC:
        return forms["sd_jwt"].encode("ascii")
    return json.dumps(forms["json"], ensure_ascii=False, indent=2).encode("utf-8")


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


def status_list_token(slug: str, list_id: int) -> str:
    token = _token_of(public_profile(slug), list_id)
    if token is None:
        raise NotFound()
    return token


# How long a consumer may keep a Status List Token (its ``ttl`` and the HTTP max-age): a
# revocation reaches a wallet that cached the token within a minute.
STATUS_TOKEN_TTL = 60
# A token is signed again when its bits or key change, else after this long (a fresh ``iat``).
STATUS_TOKEN_RESIGN = 300
_MAX_TOKENS = 256
# Signed tokens by what they say: (list, url, key id, public key, SHA-256 of the bits) ->
# (token, signed at). Nothing to invalidate: revoking changes the bits and so the key, on
# every node.
_tokens: dict[tuple[int, str, str, str, str], tuple[str, int]] = {}


def _token_of(profile: IssuerProfile, list_id: int) -> str | None:
    """The Status List Token of a list, signed by the newest key; kept signed per process
    while its bits and key stay the same (signing takes ~10 ms of CPU)."""
    found = db.session.get(StatusList, list_id)
    if found is None or found.profile_id != profile.id or not profile.keys:
        return None
    newest, now = profile.keys[-1], int(utcnow().timestamp())
    key = (found.id, found.url, f"{profile.did}#{newest.fragment}", newest.public_multikey,
           hashlib.sha256(found.bits).hexdigest())
    cached = _tokens.get(key)
    if cached is not None and 0 <= now - cached[1] < STATUS_TOKEN_RESIGN:
        return cached[0]
    sign_with = signer(profile)
    token = sdjwtvc.status_list_token(f"{found.url}/token", profile.did, found.bits,
                                      sign_with.private_key, sign_with.method, now,
                                      ttl=STATUS_TOKEN_TTL)
    if len(_tokens) >= _MAX_TOKENS:
        _tokens.clear()
    _tokens[key] = (token, now)
    return token


def achievement_document(slug: str, crebo: str, code: str, language: str) -> dict:
    profile = public_profile(slug)
    block = db.session.scalar(
        db.select(Block).join(Qualification)
        .where(Qualification.institution_id == profile.institution_id,
               Qualification.crebo == crebo, Block.code == code))
    if block is None:
        raise NotFound()
    return {"@context": [documents.OB3], **documents.achievement(facts(profile, block), language)}


_OWN_PATH = re.compile(
    r"/issuers/(?P<slug>[^/]+)/(?:did\.json|status/(?P<list>\d+)(?P<token>/token)?)$")


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
    if match["token"]:
        token = _token_of(profile, int(match["list"]))
        own = db.session.get(StatusList, int(match["list"]))
        if token is None or own is None or f"{own.url}/token" != url:
            return None
        return token.encode("ascii"), "application/statuslist+jwt"
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
