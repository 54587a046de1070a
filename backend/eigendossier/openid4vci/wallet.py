"""The learner's dossier as an OpenID4VCI wallet: read an offer link (scanned or pasted), show
who offers what, and on the learner's yes trade the pre-authorized code (and the transaction
code they were sent) for a token, prove possession of their holder key (did:key, Ed25519)
and put the credential through the dossier's normal import: verified, check by check.

Every request to the issuer goes through the guarded outbound client (HTTPS, public
addresses, capped size and time). No database transaction is held open while the issuer is
asked: a slow issuer blocks no one else's writes.
"""
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete

from eigendossier.accounts.models import Account
from eigendossier.core import audit, outbound
from eigendossier.core.errors import DomainError
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.credentials import FetchError, keyproofs, oid4vci
from eigendossier.dossier import service as dossier
from eigendossier.dossier import verification
from eigendossier.dossier.holder import holder_key
from eigendossier.dossier.models import Credential
from eigendossier.openid4vci.models import VciWalletFlow, digest

log = logging.getLogger(__name__)

MAX_METADATA = 256 * 1024
MAX_RESPONSE = 64 * 1024


class OfferUnusable(DomainError):
    status = 422
    slug = "openid4vci-offer-invalid"
    title = _l("This credential offer cannot be used")
    detail = _l("The link is not a valid credential offer. Nothing was added to your dossier.")


class IssuerUnavailable(DomainError):
    status = 422
    slug = "openid4vci-issuer-unavailable"
    title = _l("The issuer could not be reached")
    detail = _l("Nothing was added to your dossier. Try again later.")


class IssuerRefused(DomainError):
    status = 422
    slug = "openid4vci-issuer-refused"
    title = _l("The issuer did not hand out the credential")
    detail = _l("The offer may have been used already or have expired. Ask your school for a "
                "new one. Nothing was added to your dossier.")


class OfferGone(DomainError):
    status = 422
    slug = "openid4vci-offer-gone"
    title = _l("This offer has been used or has expired")
    detail = _l("Ask your school for a new one. Nothing was added to your dossier.")


class TxCodeRefused(DomainError):
    status = 422
    slug = "openid4vci-tx-code"
    title = _l("The code was not accepted")
    detail = _l("Check the code your school sent you separately and try again. If it is "
                "right, the offer may have been used or have expired.")


DETAILS = {
    "offer.link_invalid": _l("The link is not a credential offer (openid-credential-offer://…)."),
    "offer.uri_invalid": _l("The offer's web address is not a safe https address."),
    "offer.invalid": _l("The offer is not complete or not valid."),
    "offer.issuer_invalid": _l("The offer does not name its issuer with an https address."),
    "offer.unsupported": _l("None of the offered credentials is in a format this dossier "
                            "receives (ldp_vc or jwt_vc_json)."),
    "offer.no_pre_authorized_code": _l("The offer asks to sign in at the issuer; this dossier "
                                       "receives offers with a pre-authorized code."),
    "metadata.invalid": _l("The issuer's description of itself is not valid."),
    "metadata.issuer_mismatch": _l("The issuer's description belongs to another issuer."),
}


def _unusable(error: oid4vci.OfferError) -> OfferUnusable:
    return OfferUnusable(detail=DETAILS.get(error.code, OfferUnusable.detail))


def _allow_http() -> bool:
    return bool(current_app.config.get("OUTBOUND_ALLOW_HTTP"))


# -- reading an offer -------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolved:
    offer: oid4vci.CredentialOffer
    metadata: oid4vci.IssuerMetadata
    configuration: oid4vci.Configuration


def _get(url: str, max_bytes: int, *, offer: bool = False) -> bytes:
    try:
        body, _ = outbound.fetcher().fetch(url, max_bytes=max_bytes, accept="application/json")
    except FetchError as error:
        log.info("openid4vci fetch refused: %s", error.params.get("reason"))
        if offer and error.params.get("reason") in ("HTTP 404", "HTTP 410"):
            raise OfferGone() from None
        if error.params.get("reason") == "response too large":
            raise OfferUnusable(detail=_l("The issuer sent more than a credential offer may "
                                          "hold.")) from None
        if str(error.params.get("reason", "")).startswith(("address not allowed",
                                                           "only https")):
            raise OfferUnusable(detail=_l("The offer points at an address this server may "
                                          "not contact.")) from None
        raise IssuerUnavailable() from None
    return body


def resolve(link: str) -> Resolved:
    """The offer (fetched when passed by reference) and its issuer's metadata, checked."""
    db.session.rollback()  # no transaction open while the issuer is asked
    try:
        found = oid4vci.parse_offer_link(link, allow_http=_allow_http())
        document = found.offer
        if document is None:
            document = oid4vci.load_offer(_get(str(found.offer_uri),
                                               oid4vci.OFFER_LIMITS.max_json_bytes, offer=True))
        offer = oid4vci.read_offer(document, allow_http=_allow_http())
        raw = _get(oid4vci.well_known_url(offer.credential_issuer), MAX_METADATA)
        metadata = oid4vci.read_issuer_metadata(oid4vci.load_metadata(raw, MAX_METADATA),
                                                offer.credential_issuer,
                                                allow_http=_allow_http())
        configuration = oid4vci.choose_configuration(offer, metadata)
    except oid4vci.OfferError as error:
        raise _unusable(error) from None
    return Resolved(offer, metadata, configuration)


def preview(link: str, language: str) -> dict:
    """Who offers what, and whether a transaction code is needed: for the learner to decide."""
    resolved = resolve(link)
    offer, metadata = resolved.offer, resolved.metadata
    offered = []
    for config_id in offer.configuration_ids:
        config = metadata.configurations.get(config_id)
        name = oid4vci.display_name(config.display, language) if config else None
        offered.append({"id": config_id, "name": name or config_id,
                        "format": config.format if config else "",
                        "supported": config is resolved.configuration})
    tx = offer.tx_code
    return {
        "issuer": {"id": offer.credential_issuer,
                   "name": metadata.display_name(language) or offer.credential_issuer},
        "credentials": offered,
        "tx_code": None if tx is None else {"input_mode": tx.input_mode, "length": tx.length,
                                            "description": tx.description},
        "pre_authorized": offer.pre_authorized_code is not None,
    }


# -- accepting it -------------------------------------------------------------------------------


def _post(url: str, max_bytes: int = MAX_RESPONSE, **kwargs) -> tuple[int, dict]:
    try:
        status, body, _ = outbound.fetcher().post(url, max_bytes=max_bytes, **kwargs)
    except FetchError as error:
        log.info("openid4vci request refused: %s", error.params.get("reason"))
        if error.params.get("reason") == "response too large":
            raise IssuerRefused() from None
        raise IssuerUnavailable() from None
    try:
        answer = oid4vci.load_object(body, max_bytes, "offer.invalid")
    except oid4vci.OfferError:
        raise IssuerRefused() from None
    return status, answer


def _server_metadata(resolved: Resolved) -> tuple[str, dict]:
    """The authorization server's identifier and its RFC 8414 metadata."""
    server = (resolved.metadata.authorization_servers or (resolved.offer.credential_issuer,))[0]
    try:
        raw = _get(oid4vci.well_known_url(server, oid4vci.AS_WELL_KNOWN), MAX_METADATA)
        document = oid4vci.load_metadata(raw, MAX_METADATA)
        if document.get("issuer") != server:
            raise oid4vci.OfferError("metadata.issuer_mismatch", "Another server's metadata.")
    except oid4vci.OfferError as error:
        raise _unusable(error) from None
    return server, document


def _endpoint(document: dict, name: str) -> str:
    try:
        return oid4vci.checked_url(document.get(name), allow_http=_allow_http())
    except oid4vci.OfferError as error:
        raise _unusable(error) from None


def _token_endpoint(resolved: Resolved) -> str:
    return _endpoint(_server_metadata(resolved)[1], "token_endpoint")


def accept(account: Account, link: str, tx_code: str | None) -> Credential:
    """Receive the offered credential into the learner's dossier (verified on the way in)."""
    account_id = account.id
    resolved = resolve(link)
    offer = resolved.offer
    if offer.pre_authorized_code is None:
        raise OfferUnusable(detail=DETAILS["offer.no_pre_authorized_code"])
    if offer.tx_code is not None and not oid4vci.check_tx_code(offer.tx_code, tx_code or ""):
        raise TxCodeRefused(errors={"tx_code": [TxCodeRefused.detail]})
    form = {"grant_type": oid4vci.PRE_AUTHORIZED_GRANT,
            "pre-authorized_code": offer.pre_authorized_code}
    if offer.tx_code is not None:
        form["tx_code"] = tx_code or ""
    status, token = _post(_token_endpoint(resolved), data=form)
    if status != 200 or not isinstance(token.get("access_token"), str):
        if offer.tx_code is not None and token.get("error") == "invalid_grant":
            raise TxCodeRefused(errors={"tx_code": [TxCodeRefused.detail]})
        raise IssuerRefused()
    return _receive(account_id, resolved, token["access_token"])


def _receive(account_id: int, resolved: Resolved, access_token: str) -> Credential:
    """With a token: a nonce, a proof of the holder key, the credential, the import."""
    offer = resolved.offer
    nonce = _nonce(resolved.metadata)
    key = holder_key(account_id)
    private = Ed25519PrivateKey.from_private_bytes(key.private_bytes)
    proof = keyproofs.build_proof(private, key.verification_method,
                                audience=offer.credential_issuer,
                                issued_at=int(utcnow().timestamp()), nonce=nonce)
    status, answer = _post(
        resolved.metadata.credential_endpoint, max_bytes=verification.max_json(),
        json_body={"credential_configuration_id": resolved.configuration.id,
                   "proofs": {"jwt": [proof]}},
        headers={"Authorization": f"Bearer {access_token}"})
    data = _credential_bytes(status, answer)
    account = db.session.get(Account, account_id)
    credential = dossier.add_credential(account, data)
    audit.record("credential.received", account_id, subject=credential,
                 issuer=resolved.metadata.display_name("nl") or offer.credential_issuer)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return credential


# -- the authorization code flow (the learner signs in at the issuer) ----------------------


FLOW_SECONDS = 600


def start_authorization(account: Account, link: str, redirect_uri: str, client_id: str) -> str:
    """Where to send the learner to sign in at the issuer (PKCE S256, a fresh state); the
    flow waits in the database for the issuer to send them back."""
    account_id = account.id
    resolved = resolve(link)
    server, document = _server_metadata(resolved)
    endpoint = _endpoint(document, "authorization_endpoint")
    token_endpoint = _endpoint(document, "token_endpoint")
    if "S256" not in (document.get("code_challenge_methods_supported") or []):
        raise OfferUnusable(detail=DETAILS["offer.no_pre_authorized_code"])
    verifier, state = secrets.token_urlsafe(48), secrets.token_urlsafe(32)
    config = resolved.metadata.configurations[resolved.configuration.id]
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
              "code_challenge": oid4vci.pkce_challenge(verifier),
              "code_challenge_method": "S256", "state": state,
              "authorization_details": json.dumps([{
                  "type": "openid_credential",
                  "credential_configuration_id": config.id}])}
    if resolved.offer.issuer_state:
        params["issuer_state"] = resolved.offer.issuer_state
    if config.scope:
        params["scope"] = config.scope
    db.session.add(VciWalletFlow(
        account_id=account_id, state_digest=digest(state), code_verifier=verifier,
        link=link, token_endpoint=token_endpoint, authorization_issuer=server,
        expires_at=utcnow() + timedelta(seconds=FLOW_SECONDS)))
    db.session.commit()
    separator = "&" if urlsplit(endpoint).query else "?"
    return endpoint + separator + urlencode(params)


def finish_authorization(account: Account, args, redirect_uri: str,
                         client_id: str) -> Credential:
    """The issuer sent the learner back: the state finds the flow (once, this learner's
    only), the code and verifier buy a token, and the credential is received."""
    account_id = account.id
    flow = db.session.scalar(db.select(VciWalletFlow).filter_by(
        state_digest=digest(args.get("state") or ""), account_id=account_id))
    if flow is None or flow.expires_at <= utcnow():
        raise OfferGone()
    gone = db.session.execute(delete(VciWalletFlow).where(VciWalletFlow.id == flow.id))
    db.session.commit()
    if gone.rowcount != 1:
        raise OfferGone()
    if args.get("error") or not args.get("code"):
        raise IssuerRefused()
    if args.get("iss") is not None and args.get("iss") != flow.authorization_issuer:
        raise IssuerRefused()  # an answer from another server than the one asked (mix-up)
    resolved = resolve(flow.link)
    status, token = _post(flow.token_endpoint, data={
        "grant_type": "authorization_code", "code": args["code"], "client_id": client_id,
        "redirect_uri": redirect_uri, "code_verifier": flow.code_verifier})
    if status != 200 or not isinstance(token.get("access_token"), str):
        raise IssuerRefused()
    return _receive(account_id, resolved, token["access_token"])


def _nonce(metadata: oid4vci.IssuerMetadata) -> str | None:
    if metadata.nonce_endpoint is None:
        return None
    status, answer = _post(metadata.nonce_endpoint)
    nonce = answer.get("c_nonce")
    if status != 200 or not isinstance(nonce, str) or not nonce:
        raise IssuerRefused()
    return nonce


def _credential_bytes(status: int, answer: dict) -> bytes:
    credentials = answer.get("credentials")
    if status != 200 or not isinstance(credentials, list) or len(credentials) != 1 \
            or not isinstance(credentials[0], dict):
        log.info("openid4vci credential refused: %s", str(answer.get("error"))[:60])
        raise IssuerRefused()
    credential = credentials[0].get("credential")
    if isinstance(credential, str):
        return credential.strip().encode("ascii", errors="replace")
    if isinstance(credential, dict):
        return json.dumps(credential, ensure_ascii=False).encode("utf-8")
    raise IssuerRefused()
