"""The institution as an OpenID4VCI credential issuer: its metadata, offering an award with a
pre-authorized code (and a transaction code mailed separately), the nonce endpoint, and the
credential endpoint that checks the wallet's key proof and signs the award again, bound to
the wallet's key.

Each institution is an issuer of its own: ``<base>/issuers/<slug>`` (the base fixed when its
first key was made), with its metadata at ``<host>/.well-known/openid-credential-issuer/…``
and its endpoints under ``<issuer>/openid4vci/``. The issuer is its own authorization server
(pre-authorized code grant only; the token endpoint is authlib's, see ``oauth.py``).
"""
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, update

from eigendossier.accounts.models import Account
from eigendossier.core import audit, erase, mail
from eigendossier.core.errors import DomainError, NotFound
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.credentials import keyproofs, oid4vci, sdjwt, sdjwtvc
from eigendossier.issuing import documents
from eigendossier.issuing import service as issuing
from eigendossier.issuing.models import IssuedCredential, IssuerProfile
from eigendossier.openid4vci.models import (
    PRE_AUTHORIZED,
    VciAccessToken,
    VciNonce,
    VciOffer,
    digest,
)
from eigendossier.sharing.service import qr_svg

log = logging.getLogger(__name__)

CONFIGURATIONS = {"OpenBadgeCredential_ldp_vc": "ldp_vc",
                  "OpenBadgeCredential_jwt_vc_json": "jwt_vc_json",
                  "MboAward_dc+sd-jwt": "dc+sd-jwt"}
TOKEN_SECONDS = 300
NONCE_SECONDS = 300
TX_CODE_LENGTH = 6
MAX_TX_ATTEMPTS = 5


class OfferNotPossible(DomainError):
    status = 409
    slug = "openid4vci-offer-not-possible"
    title = _l("This credential cannot be offered")
    detail = _l("It was revoked, or the learner's copy no longer exists.")


class ProtocolError(Exception):
    """A refusal at an OpenID4VCI endpoint, answered as the specification says (``error``,
    ``error_description``) and, like every error here, with a problem ``type`` and ``title``."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


# -- identifiers and metadata -------------------------------------------------------------------


def issuer_id(profile: IssuerProfile) -> str:
    return f"{profile.base_url}/issuers/{profile.institution.slug}"


def endpoint(profile: IssuerProfile, name: str) -> str:
    return f"{issuer_id(profile)}/openid4vci/{name}"


def metadata(slug: str, language: str) -> dict:
    """Credential Issuer Metadata: the award as an Open Badges 3.0 credential in two formats,
    bound to a did:key or jwk by an EdDSA or ES256 ``jwt`` key proof."""
    profile = issuing.public_profile(slug)
    name = profile.institution.name
    display = [{"name": name, "locale": "nl"}, {"name": name, "locale": "en"}]
    if profile.image_url:
        for entry in display:
            entry["logo"] = {"uri": profile.image_url}
    return {
        "credential_issuer": issuer_id(profile),
        "credential_endpoint": endpoint(profile, "credential"),
        "nonce_endpoint": endpoint(profile, "nonce"),
        "display": display,
        "credential_configurations_supported": {
            config_id: _configuration(fmt) for config_id, fmt in CONFIGURATIONS.items()},
    }


def _configuration(fmt: str) -> dict:
    if fmt == documents.SD_JWT_VC:
        return {
            "format": fmt,
            "scope": "MboAward",
            "vct": sdjwtvc.AWARD_VCT,
            "cryptographic_binding_methods_supported": ["jwk"],
            "credential_signing_alg_values_supported": ["EdDSA"],
            "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported":
                                              list(keyproofs.PROOF_ALGS)}},
            "credential_metadata": {"display": [
                {"name": "Microcredential (SD-JWT: you choose which fields to show)",
                 "locale": "en"},
                {"name": "Microcredential (SD-JWT: je kiest welke velden je laat zien)",
                 "locale": "nl"}]},
        }
    definition: dict = {"type": ["VerifiableCredential", "OpenBadgeCredential"]}
    if fmt == "ldp_vc":
        definition = {"@context": [documents.VC2, documents.OB3], **definition}
    return {
        "format": fmt,
        "scope": "OpenBadgeCredential",
        "cryptographic_binding_methods_supported": ["did:key", "jwk"],
        "credential_signing_alg_values_supported":
            ["eddsa-rdfc-2022"] if fmt == "ldp_vc" else ["EdDSA"],
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported":
                                          list(keyproofs.PROOF_ALGS)}},
        "credential_definition": definition,
        "credential_metadata": {"display": [
            {"name": "Microcredential (Open Badges 3.0)", "locale": "en"},
            {"name": "Microcredential (Open Badges 3.0)", "locale": "nl"}]},
    }


def authorization_server_metadata(slug: str) -> dict:
    """RFC 8414 metadata: the issuer is its own authorization server, for the pre-authorized
    code grant and the authorization code grant with PKCE, without client authentication."""
    profile = issuing.public_profile(slug)
    return {
        "issuer": issuer_id(profile),
        "token_endpoint": endpoint(profile, "token"),
        "authorization_endpoint": endpoint(profile, "authorize"),
        "grant_types_supported": [oid4vci.PRE_AUTHORIZED_GRANT, "authorization_code"],
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["OpenBadgeCredential"],
        "token_endpoint_auth_methods_supported": ["none"],
        "pre-authorized_grant_anonymous_access_supported": True,
        "authorization_response_iss_parameter_supported": True,
    }


# -- offering (staff) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferCreated:
    offer_uri: str
    qr_svg: str
    expires_at: datetime
    tx_code_required: bool


def offer_hours() -> float:
    return float(current_app.config.get("OPENID4VCI_OFFER_HOURS") or 72)


def create_offer(account: Account, slug: str, issued_id: int, *,
                 tx_code: bool = True) -> OfferCreated:
    """Offer an issued award to the learner's wallet: a link and QR with a fresh
    pre-authorized code (single use, expires), mailed to the learner; the transaction code,
    when asked for, goes in a mail of its own, so a photo of the QR alone gets nothing."""
    profile = issuing.staff_profile(account, slug)
    row = db.session.get(IssuedCredential, issued_id)
    if row is None or row.profile_id != profile.id:
        raise NotFound()
    if row.revoked_at is not None or row.account is None or not row.forms:
        raise OfferNotPossible()
    code = secrets.token_urlsafe(32)
    pin = "".join(secrets.choice("0123456789") for _ in range(TX_CODE_LENGTH)) if tx_code else None
    expires = utcnow() + timedelta(hours=offer_hours())
    offer = VciOffer(issued_credential_id=row.id, code_digest=digest(code),
                     tx_code_digest=digest(pin) if pin else None, created_by_id=account.id,
                     expires_at=expires)
    db.session.add(offer)
    link = oid4vci.offer_link(endpoint(profile, f"offers/{code}"))
    learner = row.account
    mail.send("openid4vci/offer", learner.email, learner.locale, name=learner.display_name,
              institution=profile.institution.name, achievement=row.achievement_name,
              link=link, tx_code=bool(pin), hours=round(offer_hours()))
    if pin:
        mail.send("openid4vci/tx_code", learner.email, learner.locale,
                  name=learner.display_name, institution=profile.institution.name, tx_code=pin)
    audit.record("credential.offered", learner.id, actor_id=account.id, subject=row,
                 institution=profile.institution.name)
    db.session.commit()
    return OfferCreated(link, qr_svg(link), expires, bool(pin))


def live_offer(profile: IssuerProfile, code: str, flow: str = PRE_AUTHORIZED,
                ) -> VciOffer | None:
    offer = db.session.scalar(db.select(VciOffer).filter_by(code_digest=digest(code or ""),
                                                            flow=flow))
    if (offer is None or offer.issued.profile_id != profile.id or offer.redeemed_at is not None
            or offer.expires_at <= utcnow() or offer.tx_attempts >= MAX_TX_ATTEMPTS):
        return None
    return offer


def offer_document(slug: str, code: str) -> dict:
    """The offer behind ``credential_offer_uri`` (the code is in the URI; only its hash is
    stored), while it can still be redeemed."""
    profile = issuing.public_profile(slug)
    offer = live_offer(profile, code)
    if offer is None:
        raise NotFound()
    grant: dict = {"pre-authorized_code": code}
    if offer.tx_code_digest:
        grant["tx_code"] = {"input_mode": "numeric", "length": TX_CODE_LENGTH,
                            "description": str(_l("The code in the separate e-mail from your "
                                                  "school"))}
    # the format the school chose for this award first: a wallet takes the first it can
    own = next((c for c, fmt in CONFIGURATIONS.items() if fmt == offer.issued.proof), None)
    ids = [own] if own else []
    return {"credential_issuer": issuer_id(profile),
            "credential_configuration_ids": ids + [c for c in CONFIGURATIONS if c != own],
            "grants": {oid4vci.PRE_AUTHORIZED_GRANT: grant}}


# -- token endpoint (called by the authlib grant) -----------------------------------------------


def redeem_code(slug: str, code: str, tx_code: str | None) -> VciOffer:
    """Trade a pre-authorized code (and its transaction code) for the right to one
    credential: once. A wrong transaction code counts; after MAX_TX_ATTEMPTS the offer is
    dead. Raises ProtocolError with the RFC 6749 error codes OpenID4VCI names."""
    profile = issuing.public_profile(slug)
    offer = live_offer(profile, code)
    if offer is None:
        raise ProtocolError("invalid_grant", "The pre-authorized code is unknown, used or "
                                             "expired.")
    if offer.tx_code_digest and not tx_code:
        raise ProtocolError("invalid_request", "This offer needs its transaction code.")
    if not offer.tx_code_digest and tx_code:
        raise ProtocolError("invalid_request", "This offer has no transaction code.")
    if offer.tx_code_digest and not secrets.compare_digest(offer.tx_code_digest,
                                                           digest(tx_code or "")):
        db.session.execute(update(VciOffer).where(VciOffer.id == offer.id)
                           .values(tx_attempts=VciOffer.tx_attempts + 1))
        db.session.commit()
        raise ProtocolError("invalid_grant", "The transaction code is wrong.")
    return claim(offer)


def claim(offer: VciOffer) -> VciOffer:
    """Mark the code redeemed, once: the same code redeemed twice at once, one wins."""
    claimed = db.session.execute(
        update(VciOffer).where(VciOffer.id == offer.id, VciOffer.redeemed_at.is_(None))
        .values(redeemed_at=utcnow()))
    if claimed.rowcount != 1:
        db.session.rollback()
        raise ProtocolError("invalid_grant", "The code was already used.")
    return offer


def save_token(offer: VciOffer, access_token: str, seconds: int) -> None:
    now = utcnow()
    db.session.add(VciAccessToken(token_digest=digest(access_token), offer_id=offer.id,
                                  issued_at=now, expires_at=now + timedelta(seconds=seconds)))
    db.session.commit()


# -- nonce endpoint ----------------------------------------------------------------------------


def new_nonce() -> str:
    """A fresh ``c_nonce``, good for one key proof within NONCE_SECONDS."""
    nonce, now = secrets.token_urlsafe(32), utcnow()
    db.session.execute(delete(VciNonce).where(VciNonce.expires_at <= now))
    db.session.add(VciNonce(nonce_digest=digest(nonce),
                            expires_at=now + timedelta(seconds=NONCE_SECONDS)))
    db.session.commit()
    return nonce


def _redeem_nonce(nonce: str | None) -> bool:
    """True once for a nonce we handed out that has not expired (deleted as it is used, so a
    replayed proof, or two at once, find nothing)."""
    if not nonce:
        return False
    gone = db.session.execute(delete(VciNonce).where(
        VciNonce.nonce_digest == digest(nonce), VciNonce.expires_at > utcnow()))
    return gone.rowcount == 1


# -- credential endpoint -----------------------------------------------------------------------


def _bearer(authorization: str) -> VciAccessToken:
    scheme, _, token = (authorization or "").partition(" ")
    found = None
    if scheme.lower() == "bearer" and token:
        found = db.session.scalar(db.select(VciAccessToken).filter_by(
            token_digest=digest(token.strip())))
    if found is None or found.expires_at <= utcnow() or found.used_at is not None:
        raise ProtocolError("invalid_token", "A valid access token is required.", status=401)
    return found


def issue_credential(slug: str, authorization: str, body) -> dict:
    """The credential endpoint: the award of the token's offer, signed again with the
    wallet's key as ``credentialSubject.id``, in the format asked for. One credential per
    token; everything refused leaves the token, nonce and offer as they were."""
    profile = issuing.public_profile(slug)
    token = _bearer(authorization)
    offer = token.offer
    if offer.issued.profile_id != profile.id:
        raise ProtocolError("invalid_token", "A valid access token is required.", status=401)
    fmt = _requested_format(body)
    proof = _one_proof(body)
    try:
        checked = keyproofs.check_proof(proof, audience=issuer_id(profile),
                                      now=int(utcnow().timestamp()))
    except oid4vci.OfferError as error:
        raise ProtocolError("invalid_proof", error.message) from None
    if not _redeem_nonce(checked.nonce):
        db.session.rollback()
        raise ProtocolError("invalid_nonce", "The key proof's nonce is unknown, used or "
                                             "expired: get a new one at the nonce endpoint.")
    row = offer.issued
    if row.revoked_at is not None or not row.forms:
        db.session.rollback()
        raise ProtocolError("credential_request_denied", "This credential can no longer be "
                                                         "issued.")
    used = db.session.execute(update(VciAccessToken).where(
        VciAccessToken.id == token.id, VciAccessToken.used_at.is_(None)).values(used_at=utcnow()))
    if used.rowcount != 1:
        db.session.rollback()
        raise ProtocolError("invalid_token", "The access token was already used.", status=401)
    credential = _bound_credential(profile, row, checked.holder, fmt)
    offer.delivered_at, offer.delivered_format, offer.holder = utcnow(), fmt, checked.holder
    audit.record("credential.delivered", row.account_id, subject=row, format=fmt,
                 institution=profile.institution.name)
    db.session.commit()
    return {"credentials": [{"credential": credential}]}


def _requested_format(body) -> str:
    if not isinstance(body, dict):
        raise ProtocolError("invalid_credential_request", "The request must be a JSON object.")
    if "credential_identifier" in body:
        raise ProtocolError("unknown_credential_identifier",
                            "This issuer hands out no credential identifiers.")
    config_id = body.get("credential_configuration_id")
    if not isinstance(config_id, str):
        raise ProtocolError("invalid_credential_request",
                            "credential_configuration_id is required.")
    if config_id not in CONFIGURATIONS:
        raise ProtocolError("unknown_credential_configuration",
                            "This issuer does not offer that credential configuration.")
    if "credential_response_encryption" in body:
        raise ProtocolError("invalid_encryption_parameters",
                            "This issuer does not encrypt credential responses.")
    return CONFIGURATIONS[config_id]


def _one_proof(body: dict) -> str:
    proofs = body.get("proofs")
    if not isinstance(proofs, dict) or list(proofs) != ["jwt"]:
        raise ProtocolError("invalid_proof", "proofs must hold one jwt key proof.")
    jwts = proofs["jwt"]
    if not isinstance(jwts, list) or len(jwts) != 1 or not isinstance(jwts[0], str):
        raise ProtocolError("invalid_proof", "proofs.jwt must hold exactly one JWT (this "
                                             "issuer issues no batches).")
    return jwts[0]


def _bound_credential(profile: IssuerProfile, row: IssuedCredential, holder: str,
                      fmt: str) -> dict | str:
    """The award as issued, with a new id and the holder's DID as its subject, keeping its
    place on the status list: revoking the award revokes every copy."""
    unsigned = {k: v for k, v in row.forms["json"].items() if k != "proof"}
    unsigned["id"] = f"urn:uuid:{uuid.uuid4()}"
    unsigned["credentialSubject"] = {"id": holder, **unsigned["credentialSubject"]}
    sign_with = issuing.signer(profile)
    if fmt == documents.SD_JWT_VC:
        return _bound_sd_jwt(row, unsigned, sign_with, holder)
    if fmt == "jwt_vc_json":
        return documents.sign_vc_jwt(unsigned, sign_with)
    return documents.sign_data_integrity(unsigned, sign_with, utcnow())


def _bound_sd_jwt(row: IssuedCredential, unsigned: dict, sign_with: documents.Signer,
                  holder: str) -> str:
    """The award as an SD-JWT VC bound (``cnf``) to the key of the wallet's proof: the same
    claims and disclosable fields as the award's own SD-JWT (fresh salts), or, for an award
    issued in another form, the learner's name disclosable."""
    try:
        jwk = sdjwt.cnf_jwk_of_did(holder)
    except sdjwt.SdJwtError as error:
        raise ProtocolError("invalid_proof", error.message) from None
    if "sd_jwt" not in row.forms:
        return documents.sign_sd_jwt_vc(unsigned, sign_with, holder_jwk=jwk,
                                        learner_name=row.account.display_name
                                        if row.account else None)
    resolved = sdjwt.resolve(sdjwt.parse(row.forms["sd_jwt"]))
    claims = {k: v for k, v in resolved.claims.items() if k != "cnf"}
    claims["jti"] = unsigned["id"]
    header = {"alg": "EdDSA", "typ": sdjwt.VC_TYP, "kid": sign_with.method}
    return sdjwt.issue(claims, [d.path for d in resolved.disclosed], sign_with.private_key,
                       header=header, holder_jwk=jwk, decoys=documents.award_decoys)


@erase.before_erase("openid4vci.delivered_to")
def _forget_holders(account_id: int) -> None:
    """The school keeps that an offer was delivered, not to which key: a wallet's DID is the
    learner's (pseudonymous) identifier."""
    issued = db.select(IssuedCredential.id).filter_by(account_id=account_id)
    db.session.execute(update(VciOffer).where(VciOffer.issued_credential_id.in_(issued))
                       .values(holder=""))
