"""The verifier: an employer without an account asks a learner's wallet for proof.

Profile (see README, "OpenID4VP"): the request goes by reference (``request_uri``) as a
request object signed by this installation's verifier key, ``typ: oauth-authz-req+jwt``,
``client_id`` ``decentralized_identifier:did:web:<our host>:openid4vp:verifier``; the query is
DCQL; the answer comes back by ``direct_post``. A presentation counts only when it is signed
by its holder over our nonce (challenge / ``nonce``) and our client id (domain / ``aud``), and
each credential in it verifies with the same pipeline as the VC-API's.

The verifier key is derived from SECRET_KEY (HKDF), so every node has the same key without a
table or a start-up step; changing SECRET_KEY changes the key, which only voids the requests
open at that moment (they last minutes)."""
import json
import secrets
from datetime import UTC, timedelta
from urllib.parse import quote, urlencode, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from flask_babel import lazy_gettext as _l

from eigendossier.accounts.service import hash_token
from eigendossier.core.config import public_base_url
from eigendossier.core.errors import DomainError
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.credentials.dids import did_web_url
from eigendossier.credentials.jws import sign_compact
from eigendossier.credentials.keys import PublicKey
from eigendossier.openid4vp import dcql
from eigendossier.openid4vp.answers import Answer, AnswerRefused, check_answer
from eigendossier.openid4vp.models import PresentationRequest

REQUEST_TYPE = "oauth-authz-req+jwt"
SELF_ISSUED = "https://self-issued.me/v2"
DID_PREFIX = "decentralized_identifier:"
KEY_FRAGMENT = "verifier"
KEEP_AFTER_EXPIRY = timedelta(days=1)
ANSWER_FIELDS = frozenset({"vp_token", "state", "error", "error_description"})


class RequestUnknown(DomainError):
    status = 404
    slug = "vp-request-unknown"
    title = _l("This request does not exist")
    detail = _l("Check that you copied the whole link, or make a new request.")


class RequestExpired(DomainError):
    status = 410
    slug = "vp-request-expired"
    title = _l("This request has expired")
    detail = _l("Requests for proof work for a few minutes. Make a new request.")


class RequestAnswered(DomainError):
    status = 409
    slug = "vp-request-answered"
    title = _l("This request has already been answered")
    detail = _l("Each request takes one answer. Make a new request to ask again.")


# -- the verifier's identity -----------------------------------------------------------------


def verifier_private_key() -> Ed25519PrivateKey:
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"eigendossier",
                info=b"openid4vp verifier key").derive(
        str(current_app.config["SECRET_KEY"]).encode("utf-8"))
    return Ed25519PrivateKey.from_private_bytes(seed)


def verifier_did() -> str:
    """did:web of this installation's verifier: <host>[%3A<port>][:<path>]:openid4vp:verifier."""
    parts = urlsplit(public_base_url(current_app.config))
    host = quote(parts.netloc, safe="")
    path = [segment for segment in parts.path.split("/") if segment]
    return ":".join(["did:web", host, *path, "openid4vp", "verifier"])


def client_id() -> str:
    return DID_PREFIX + verifier_did()


def _multikey() -> str:
    return PublicKey("Ed25519", verifier_private_key().public_key()).to_multikey()


def did_document() -> dict:
    did = verifier_did()
    method = f"{did}#{KEY_FRAGMENT}"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [{"id": method, "type": "Multikey", "controller": did,
                                "publicKeyMultibase": _multikey()}],
        "authentication": [method],
        "assertionMethod": [method],
    }


def did_document_url() -> str:
    """Where did:web says the document is (always https, also when we serve plain http in
    tests: our own wallet reads it locally)."""
    return did_web_url(verifier_did())


def local_document(url: str) -> tuple[bytes, str] | None:
    """Our verifier's DID document, for our own wallet, without a network trip to ourselves."""
    if url != did_document_url():
        return None
    return json.dumps(did_document()).encode(), "application/did+json"


# -- asking ------------------------------------------------------------------------------------


def lifetime() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("OPENID4VP_REQUEST_SECONDS", 600)))


def create_request(*, achievement: str = "", verifier_name: str = "",
                   ) -> tuple[PresentationRequest, str]:
    """A new request; returns it and the secret of the employer's page (stored as a hash)."""
    now = utcnow()
    _forget_old(now)
    page_token = secrets.token_urlsafe(24)
    request = PresentationRequest(
        request_id=secrets.token_urlsafe(24), page_hash=hash_token(page_token),
        nonce=secrets.token_urlsafe(24), query=dcql.employer_query(achievement.strip() or None),
        verifier_name=verifier_name.strip(), created_at=now, expires_at=now + lifetime())
    db.session.add(request)
    db.session.commit()
    return request, page_token


def _forget_old(now) -> None:
    db.session.execute(db.delete(PresentationRequest)
                       .where(PresentationRequest.expires_at < now - KEEP_AFTER_EXPIRY))


def _base() -> str:
    return public_base_url(current_app.config)


def request_uri(request: PresentationRequest) -> str:
    return f"{_base()}/openid4vp/requests/{request.request_id}"


def response_uri(request: PresentationRequest) -> str:
    return f"{_base()}/openid4vp/responses/{request.request_id}"


def wallet_link(request: PresentationRequest) -> str:
    """What the QR code holds: ``openid4vp://?client_id=…&request_uri=…``."""
    return "openid4vp://?" + urlencode({"client_id": client_id(),
                                         "request_uri": request_uri(request)})


def _open(request_id: str) -> PresentationRequest:
    found = db.session.scalar(db.select(PresentationRequest)
                              .filter_by(request_id=request_id[:64]))
    if found is None:
        raise RequestUnknown()
    if found.answered_at is not None:
        raise RequestAnswered()
    if found.expires_at <= utcnow():
        raise RequestExpired()
    return found


def request_object(request_id: str) -> str:
    """The signed request object a wallet fetches from ``request_uri``."""
    request = _open(request_id)
    now = utcnow().replace(tzinfo=UTC)
    metadata: dict = {"vp_formats_supported": {
        "ldp_vc": {"proof_type_values": ["DataIntegrityProof"],
                   "cryptosuite_values": ["eddsa-rdfc-2022", "eddsa-jcs-2022"]},
        "jwt_vc_json": {"alg_values": ["EdDSA", "ES256"]}}}
    if request.verifier_name:
        metadata["client_name"] = request.verifier_name
    claims = {
        "iss": client_id(), "aud": SELF_ISSUED, "client_id": client_id(),
        "response_type": "vp_token", "response_mode": "direct_post",
        "response_uri": response_uri(request), "nonce": request.nonce,
        "state": request.request_id, "dcql_query": request.query, "client_metadata": metadata,
        "iat": int(now.timestamp()),
        "exp": int(request.expires_at.replace(tzinfo=UTC).timestamp()),
    }
    header = {"alg": "EdDSA", "typ": REQUEST_TYPE, "kid": f"{verifier_did()}#{KEY_FRAGMENT}"}
    return sign_compact(header, json.dumps(claims, ensure_ascii=False).encode("utf-8"),
                        verifier_private_key())


# -- the answer ---------------------------------------------------------------------------------


def receive(request_id: str, form: dict[str, list[str]], *, form_encoded: bool = True) -> None:
    """A wallet's ``direct_post``: verified completely before anything is written; kept only
    when it holds, and only once (a second answer, also a replay of the first, is refused)."""
    request = _open(request_id)
    if not form_encoded:
        raise AnswerRefused(detail=_l("Send the answer as application/x-www-form-urlencoded."))
    values = _form(form)
    if values.get("state") != request.request_id:
        raise AnswerRefused(detail=_l("The state is not the one of this request."))
    if "error" in values:
        outcome, result = "declined", {"error": values["error"][:64]}
    else:
        answer = check_answer(values.get("vp_token", ""), dcql.parse_query(request.query),
                              nonce=request.nonce, audience=client_id())
        outcome, result = _outcome(answer)
    _keep(request, outcome, result)


def _form(form: dict[str, list[str]]) -> dict[str, str]:
    unknown = set(form) - ANSWER_FIELDS
    if unknown:
        raise AnswerRefused(detail=_l("Unknown fields: %(fields)s.",
                                      fields=", ".join(sorted(unknown)[:10])))
    if any(len(values) != 1 for values in form.values()):
        raise AnswerRefused(detail=_l("Each field is sent once."))
    values = {name: values[0] for name, values in form.items()}
    if "error" not in values and "vp_token" not in values:
        raise AnswerRefused(detail=_l("The answer holds no vp_token."))
    return values


def _outcome(answer: Answer) -> tuple[str, dict]:
    verified = all(c["trusted"] for c in answer.credentials)
    return ("verified" if verified else "failed"), {
        "holder": answer.holder, "credentials": answer.credentials}


def _keep(request: PresentationRequest, outcome: str, result: dict) -> None:
    """Store the answer if nobody answered first (one conditional UPDATE)."""
    kept = db.session.execute(
        db.update(PresentationRequest)
        .where(PresentationRequest.id == request.id, PresentationRequest.answered_at.is_(None))
        .values(answered_at=utcnow(), outcome=outcome, result=result)
        .execution_options(synchronize_session=False)).rowcount == 1
    if not kept:
        db.session.rollback()
        raise RequestAnswered()
    db.session.commit()


# -- the employer's page -----------------------------------------------------------------------


def for_page(page_token: str) -> PresentationRequest:
    """The request behind the employer's page secret (404 when unknown). An expired,
    unanswered request is still shown (as expired)."""
    found = db.session.scalar(db.select(PresentationRequest)
                              .filter_by(page_hash=hash_token(page_token[:128])))
    if found is None:
        raise RequestUnknown()
    return found


def state_of(request: PresentationRequest) -> str:
    if request.answered_at is not None:
        return request.outcome or "failed"
    return "expired" if request.expires_at <= utcnow() else "waiting"


def asked_achievement(request: PresentationRequest) -> str | None:
    query = dcql.parse_query(request.query)
    values = dcql.asked_values(query.credentials[0])
    return values[0] if values else None


