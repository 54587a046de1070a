"""OpenID for Verifiable Credential Issuance 1.0, the parts that need no server: reading a
credential offer (by value or by reference), where an issuer's metadata lives, reading that
metadata, and the PKCE challenge; the ``jwt`` key proof is :mod:`.keyproofs`.

Pure: the caller fetches, stores and keeps the clock. Every refusal is an
:class:`OfferError` with a stable code, so the app says in the learner's language what was
wrong; unknown members of offers and metadata are ignored, as the specification says.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit, urlunsplit

from .errors import CredentialError, ParseError
from .keys import b64url_encode
from .limits import Limits, load_json

OFFER_SCHEME = "openid-credential-offer"
PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
ISSUER_WELL_KNOWN = "/.well-known/openid-credential-issuer"
AS_WELL_KNOWN = "/.well-known/oauth-authorization-server"
FORMATS = ("ldp_vc", "jwt_vc_json", "dc+sd-jwt")
MAX_LINK = 16 * 1024
MAX_TX_CODE = 64
OFFER_LIMITS = Limits(max_json_bytes=64 * 1024, max_json_depth=16)


class OfferError(CredentialError):
    """An offer, metadata document or key proof that cannot be used. Codes start with
    ``offer.``, ``metadata.`` or ``proof.``."""


# -- offers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferLink:
    """What a scanned or pasted link holds: the offer itself, or where to fetch it."""

    offer: dict[str, Any] | None = None
    offer_uri: str | None = None


@dataclass(frozen=True)
class TxCode:
    input_mode: str = "numeric"
    length: int | None = None
    description: str = ""


@dataclass(frozen=True)
class CredentialOffer:
    credential_issuer: str
    configuration_ids: tuple[str, ...]
    pre_authorized_code: str | None = None
    tx_code: TxCode | None = None
    issuer_state: str | None = None
    grants: tuple[str, ...] = field(default_factory=tuple)


def parse_offer_link(text: str, *, allow_http: bool = False) -> OfferLink:
    """``openid-credential-offer://?credential_offer=…`` or ``…?credential_offer_uri=…`` (any
    scheme: wallets are also opened through https links); exactly one of the two."""
    link = (text or "").strip()
    if not link or len(link) > MAX_LINK:
        raise OfferError("offer.link_invalid", "Not a credential offer link.")
    try:
        query = parse_qs(urlsplit(link).query, keep_blank_values=True, strict_parsing=False)
    except ValueError:
        raise OfferError("offer.link_invalid", "Not a credential offer link.") from None
    by_value, by_reference = query.get("credential_offer"), query.get("credential_offer_uri")
    if bool(by_value) == bool(by_reference) or len(by_value or by_reference or []) != 1:
        raise OfferError("offer.link_invalid",
                         "The link must hold exactly one credential_offer or credential_offer_uri.")
    if by_reference:
        uri = by_reference[0]
        _https_url(uri, "offer.uri_invalid", "credential_offer_uri", allow_http=allow_http,
                   allow_query=True)
        return OfferLink(offer_uri=uri)
    try:
        offer = load_json(by_value[0] if by_value else "", OFFER_LIMITS, what="credential offer")
    except ParseError as error:
        raise OfferError("offer.invalid", "The credential offer is not JSON.",
                         detail=error.message) from None
    if not isinstance(offer, dict):
        raise OfferError("offer.invalid", "The credential offer is not a JSON object.")
    return OfferLink(offer=offer)


def offer_link(offer_uri: str) -> str:
    """The link (and QR text) of an offer passed by reference."""
    return f"{OFFER_SCHEME}://?credential_offer_uri={quote(offer_uri, safe='')}"


def load_offer(data: bytes) -> dict[str, Any]:
    """A fetched offer document (``credential_offer_uri``), under the offer's size caps."""
    try:
        offer = load_json(data, OFFER_LIMITS, what="credential offer")
    except ParseError as error:
        raise OfferError("offer.invalid", "The credential offer is not JSON.",
                         detail=error.message) from None
    if not isinstance(offer, dict):
        raise OfferError("offer.invalid", "The credential offer is not a JSON object.")
    return offer


def read_offer(offer: dict[str, Any], *, allow_http: bool = False) -> CredentialOffer:
    """The offer's members this wallet uses, checked; unknown members are ignored."""
    issuer = offer.get("credential_issuer")
    _issuer_identifier(issuer, allow_http)
    ids = offer.get("credential_configuration_ids")
    if (not isinstance(ids, list) or not ids or len(ids) > 20
            or not all(isinstance(i, str) and 0 < len(i) <= 200 for i in ids)
            or len(set(ids)) != len(ids)):
        raise OfferError("offer.invalid",
                         "credential_configuration_ids must be a non-empty list of unique names.")
    grants = offer.get("grants") or {}
    if not isinstance(grants, dict):
        raise OfferError("offer.invalid", "grants must be an object.")
    pre = grants.get(PRE_AUTHORIZED_GRANT)
    code, tx_code = None, None
    if pre is not None:
        if not isinstance(pre, dict):
            raise OfferError("offer.invalid", "The pre-authorized code grant must be an object.")
        code = pre.get("pre-authorized_code")
        if not isinstance(code, str) or not 0 < len(code) <= 512:
            raise OfferError("offer.invalid", "The pre-authorized code is missing.")
        if "tx_code" in pre:
            tx_code = _tx_code(pre["tx_code"])
    state = None
    authorization = grants.get("authorization_code")
    if isinstance(authorization, dict) and isinstance(authorization.get("issuer_state"), str):
        state = authorization["issuer_state"]
    return CredentialOffer(str(issuer), tuple(ids), code, tx_code, state,
                           tuple(sorted(k for k in grants if isinstance(k, str))))


def _tx_code(value: Any) -> TxCode:
    if not isinstance(value, dict):
        raise OfferError("offer.invalid", "tx_code must be an object.")
    mode = value.get("input_mode", "numeric")
    length = value.get("length")
    description = value.get("description", "")
    if mode not in ("numeric", "text"):
        raise OfferError("offer.invalid", "tx_code input_mode must be numeric or text.")
    if length is not None and (not isinstance(length, int) or isinstance(length, bool)
                               or not 0 < length <= MAX_TX_CODE):
        raise OfferError("offer.invalid", "tx_code length must be a small positive number.")
    if not isinstance(description, str) or len(description) > 300:
        raise OfferError("offer.invalid", "tx_code description must be at most 300 characters.")
    return TxCode(mode, length, description)


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge of a PKCE verifier (RFC 7636): what the wallet sends with its
    authorization request and the issuer recomputes from the verifier at the token endpoint."""
    return b64url_encode(hashlib.sha256(verifier.encode("utf-8")).digest())


def check_tx_code(tx_code: TxCode, value: str) -> bool:
    """Whether what the learner typed fits the offer's description of the code."""
    if not value or len(value) > MAX_TX_CODE:
        return False
    if tx_code.input_mode == "numeric" and not value.isdigit():
        return False
    return tx_code.length is None or len(value) == tx_code.length


# -- metadata -----------------------------------------------------------------------------------


def _https_url(value: Any, code: str, what: str, *, allow_http: bool = False,
               allow_query: bool = False) -> str:
    if not isinstance(value, str) or len(value) > 2000:
        raise OfferError(code, f"{what} is not a URL.", what=what)
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise OfferError(code, f"{what} is not a URL.", what=what) from None
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes or not parts.hostname or parts.fragment \
            or (parts.query and not allow_query) or parts.username is not None:
        raise OfferError(code, f"{what} must be an https URL.", what=what)
    return value


def _issuer_identifier(value: Any, allow_http: bool) -> str:
    return _https_url(value, "offer.issuer_invalid", "credential_issuer", allow_http=allow_http)


def well_known_url(identifier: str, well_known: str = ISSUER_WELL_KNOWN) -> str:
    """The well-known URL of an issuer (or authorization server) identifier: the well-known
    path goes between the host and the identifier's own path."""
    parts = urlsplit(identifier)
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, well_known + path, "", ""))


@dataclass(frozen=True)
class Configuration:
    id: str
    format: str
    types: tuple[str, ...]
    proof_algs: tuple[str, ...]
    binding_methods: tuple[str, ...]
    display: tuple[dict[str, Any], ...]
    scope: str | None = None


@dataclass(frozen=True)
class IssuerMetadata:
    credential_issuer: str
    credential_endpoint: str
    nonce_endpoint: str | None
    authorization_servers: tuple[str, ...]
    display: tuple[dict[str, Any], ...]
    configurations: dict[str, Configuration]

    def display_name(self, language: str) -> str | None:
        return display_name(self.display, language)


def display_name(display: tuple[dict[str, Any], ...], language: str) -> str | None:
    """The display name in the learner's language, else the first one given."""
    names = [(d.get("locale") or "", d["name"]) for d in display if isinstance(d.get("name"), str)]
    for locale, name in names:
        if str(locale).lower().split("-")[0] == language:
            return str(name)[:200]
    return str(names[0][1])[:200] if names else None


def load_metadata(data: bytes, max_bytes: int = 256 * 1024) -> dict[str, Any]:
    return load_object(data, max_bytes, "metadata.invalid", depth=32)


def load_object(data: bytes, max_bytes: int, code: str, depth: int = 64) -> dict[str, Any]:
    """A JSON object from an issuer (metadata, a token or credential response), capped."""
    try:
        document = load_json(data, Limits(max_json_bytes=max_bytes, max_json_depth=depth),
                             what="issuer response")
    except ParseError as error:
        raise OfferError(code, "The issuer's answer is not JSON.", detail=error.message) \
            from None
    if not isinstance(document, dict):
        raise OfferError(code, "The issuer's answer is not a JSON object.")
    return document


def checked_url(value: Any, *, allow_http: bool = False) -> str:
    """An endpoint URL from metadata: https (http only where the caller allows it)."""
    return _https_url(value, "metadata.invalid", "endpoint", allow_http=allow_http,
                      allow_query=True)


def read_issuer_metadata(document: dict[str, Any], expected_issuer: str, *,
                         allow_http: bool = False) -> IssuerMetadata:
    """Credential Issuer Metadata, which must name exactly the issuer it was fetched for (a
    simple string comparison, as the specification says)."""
    if document.get("credential_issuer") != expected_issuer:
        raise OfferError("metadata.issuer_mismatch",
                         "The metadata is for another issuer than the offer names.")
    endpoint = _https_url(document.get("credential_endpoint"), "metadata.invalid",
                          "credential_endpoint", allow_http=allow_http, allow_query=True)
    nonce = document.get("nonce_endpoint")
    if nonce is not None:
        nonce = _https_url(nonce, "metadata.invalid", "nonce_endpoint", allow_http=allow_http,
                           allow_query=True)
    servers = document.get("authorization_servers") or []
    if not isinstance(servers, list) or not all(isinstance(s, str) for s in servers):
        raise OfferError("metadata.invalid", "authorization_servers must be a list of URLs.")
    for server in servers:
        _https_url(server, "metadata.invalid", "authorization_servers", allow_http=allow_http)
    supported = document.get("credential_configurations_supported")
    if not isinstance(supported, dict) or not supported:
        raise OfferError("metadata.invalid", "credential_configurations_supported is missing.")
    configurations = {key: _configuration(key, value) for key, value in supported.items()
                      if isinstance(value, dict)}
    return IssuerMetadata(expected_issuer, endpoint, nonce, tuple(servers),
                          _display(document.get("display")), configurations)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _display(value: Any) -> tuple[dict[str, Any], ...]:
    return tuple(d for d in value if isinstance(d, dict)) if isinstance(value, list) else ()


def _configuration(key: str, value: dict[str, Any]) -> Configuration:
    definition = value.get("credential_definition")
    types = _strings(definition.get("type")) if isinstance(definition, dict) else ()
    proofs = value.get("proof_types_supported")
    jwt_proof = proofs.get("jwt") if isinstance(proofs, dict) else None
    algs = (_strings(jwt_proof.get("proof_signing_alg_values_supported"))
            if isinstance(jwt_proof, dict) else ())
    metadata = value.get("credential_metadata")
    display = value.get("display")  # drafts before 1.0 kept it here
    if isinstance(metadata, dict) and "display" in metadata:
        display = metadata["display"]
    scope = value.get("scope")
    return Configuration(key, str(value.get("format") or ""), types, algs,
                         _strings(value.get("cryptographic_binding_methods_supported")),
                         _display(display), scope if isinstance(scope, str) else None)


def choose_configuration(offer: CredentialOffer, metadata: IssuerMetadata,
                         ) -> Configuration:
    """The first offered configuration this wallet can receive (a W3C VC format, bound to a
    did:key or jwk by an EdDSA proof, or not bound at all)."""
    for config_id in offer.configuration_ids:
        config = metadata.configurations.get(config_id)
        if config is None or config.format not in FORMATS:
            continue
        if config.proof_algs and "EdDSA" not in config.proof_algs:
            continue
        if config.binding_methods and not {"did:key", "jwk"} & set(config.binding_methods):
            continue
        return config
    raise OfferError("offer.unsupported",
                     "None of the offered credentials is in a format this wallet receives.")
