"""Read any supported input into a :class:`ParsedCredential`, or raise :class:`ParseError`.

Inputs: a baked PNG or SVG, JSON text, a compact JWS or an SD-JWT. Formats: ``ob2_hosted``,
``ob2_signed``, ``ob3_jwt``, ``ob3_data_integrity``, ``sd_jwt_vc`` and ``other_vc`` (a W3C VC
that is not an Open Badge; it gets the same checks).
"""

from __future__ import annotations

from typing import Any

from . import sdjwtvc
from .baking import is_png, looks_like_svg, unbake_png, unbake_svg
from .errors import FetchError, ParseError
from .fetching import Fetcher, fetch_bytes
from .jws import looks_like_jws, parse_compact
from .limits import DEFAULT_LIMITS, Limits, check_size, load_json
from .model import CredentialSummary, ParsedCredential
from .ob3 import JWT_CLAIMS, is_open_badge, is_vc
from .summary import as_object, ob2_summary, types_of, vc_summary

OB2_CONTEXT_PREFIXES = ("https://w3id.org/openbadges", "https://openbadgespec.org/v2")
SIGNED_TYPES = ("signed", "SignedBadge")


def parse_credential(
    data: bytes | str, *, limits: Limits = DEFAULT_LIMITS, fetch: Fetcher | None = None
) -> ParsedCredential:
    """Parse an upload. ``fetch`` is only used when a baked OB 2.0 image holds a URL."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    check_size(raw, limits.max_file_bytes, "file")
    if is_png(raw):
        return _from_baked(unbake_png(raw, limits).text, "png", raw, limits, fetch)
    text = _decode(raw).lstrip("\ufeff").strip()
    if looks_like_svg(text):
        return _from_baked(unbake_svg(raw).text, "svg", raw, limits, fetch)
    return _from_text(text, "json" if text.startswith("{") else "jws", raw, limits)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError("parse.unknown_format", "Not an image, JSON or JWS.") from exc


def _from_baked(
    text: str, container: str, raw: bytes, limits: Limits, fetch: Fetcher | None
) -> ParsedCredential:
    if text.startswith(("https://", "http://")):
        if fetch is None:
            raise ParseError("parse.baked_url", "The image holds only a URL.", url=text)
        try:
            body, _ = fetch_bytes(fetch, text, limits)
        except FetchError as exc:
            raise ParseError(
                "parse.baked_url_unavailable", "The badge URL is unavailable.", url=text
            ) from exc
        text = body.decode("utf-8", errors="replace").strip()
    return _from_text(text, container, raw, limits)


def _from_text(text: str, container: str, raw: bytes, limits: Limits) -> ParsedCredential:
    if text.startswith("{"):
        return _from_json(load_json(text, limits), container, raw)
    if sdjwtvc.looks_like(text):
        if container != "jws":  # the dossier keeps an SD-JWT as text, to disclose from
            raise ParseError("parse.not_a_credential", "An image holds no SD-JWT.")
        return sdjwtvc.parse(text, sdjwtvc.CONTAINER, raw, limits)
    if looks_like_jws(text):
        return _from_jws(text, container, raw, limits)
    raise ParseError("parse.unknown_format", "Not an image, JSON or JWS.")


def is_ob2(document: dict[str, Any]) -> bool:
    contexts = document.get("@context")
    contexts = contexts if isinstance(contexts, list) else [contexts]
    return "Assertion" in types_of(document) or any(
        isinstance(x, str) and x.startswith(OB2_CONTEXT_PREFIXES) for x in contexts
    )


def _kind_of(document: dict[str, Any]) -> str:
    if not isinstance(document, dict):
        raise ParseError("parse.not_a_credential", "The JSON is not an object.")
    types = types_of(document)
    if "VerifiablePresentation" in types:
        raise ParseError(
            "parse.presentation_unsupported",
            "This is a presentation; import its credentials one by one.",
        )
    if is_vc(document):
        return "ob3" if is_open_badge(document) else "other_vc"
    if is_ob2(document):
        if any(t in types for t in ("BadgeClass", "Issuer", "Profile", "CryptographicKey")):
            raise ParseError(
                "parse.not_a_credential",
                "This is an Open Badges 2.0 description, not an awarded badge.",
                type=types[0],
            )
        return "ob2"
    raise ParseError("parse.not_a_credential", "The JSON is not a badge or credential.")


def _ob2_verification_type(document: dict[str, Any]) -> str | None:
    verification = document.get("verification")
    return verification.get("type") if isinstance(verification, dict) else verification


def _from_json(document: Any, container: str, raw: bytes) -> ParsedCredential:
    kind = _kind_of(document)
    if kind == "ob2":
        signed = _ob2_verification_type(document) in SIGNED_TYPES
        fmt = "ob2_signed" if signed else "ob2_hosted"
        return ParsedCredential(fmt, container, document, raw, _ob2_partial_summary(document, fmt))
    fmt = "ob3_data_integrity" if kind == "ob3" else "other_vc"
    return ParsedCredential(fmt, container, document, raw, vc_summary(document, fmt))


def _ob2_partial_summary(document: dict[str, Any], fmt: str) -> CredentialSummary:
    badge = as_object(document.get("badge"))
    issuer = as_object(badge.get("issuer"))
    return ob2_summary(document, badge, issuer, fmt)


def _from_jws(token: str, container: str, raw: bytes, limits: Limits) -> ParsedCredential:
    jws = parse_compact(token, limits)
    payload = jws.payload_json(limits)
    if not isinstance(payload, dict):
        raise ParseError("parse.not_a_credential", "The JWS payload is not an object.")
    if isinstance(payload.get("vc"), dict):
        document, claims = payload["vc"], payload
    else:
        document = {k: v for k, v in payload.items() if k not in JWT_CLAIMS}
        claims = {k: v for k, v in payload.items() if k in JWT_CLAIMS}
    kind = _kind_of(document)
    if kind == "ob2":
        return ParsedCredential(
            "ob2_signed",
            container,
            payload,
            raw,
            _ob2_partial_summary(payload, "ob2_signed"),
            token,
            jws.header,
        )
    fmt = "ob3_jwt" if kind == "ob3" else "other_vc"
    return ParsedCredential(
        fmt, container, document, raw, vc_summary(document, fmt), token, jws.header, claims
    )
