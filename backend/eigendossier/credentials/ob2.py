"""Open Badges 2.0: hosted and signed assertions.

Hosted: the assertion is fetched again from its ``id`` and that hosted copy is what counts
(a baked or pasted copy may be stale or forged); the ``id`` must lie within the issuer's
verification policy (``startsWith``, ``allowedOrigins``; by default the issuer id's host).
Signed: a JWS verified with the issuer's ``CryptographicKey``, which must name the issuer as
owner and be listed in the issuer profile's ``publicKey``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from . import checks as c
from .context import VerifyContext, identity_matches
from .errors import FetchError, KeyResolutionError, ParseError
from .extensions import extension_errors
from .jws import parse_compact
from .keys import PublicKey, from_pem
from .model import Check, CredentialSummary, ParsedCredential
from .ob3 import dates_check
from .status import check_ob2_revocation
from .summary import as_object, ob2_summary, parse_datetime, types_of

OB2_CONTEXTS = ("https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json")
ISSUER_TYPES = ("Issuer", "Profile")


def verify_ob2(
    parsed: ParsedCredential, ctx: VerifyContext
) -> tuple[list[Check], CredentialSummary]:
    assertion = parsed.document
    checks = format_checks(assertion)
    if parsed.format == "ob2_hosted":
        assertion, location, proof = hosted_copy(assertion, ctx)
    else:
        location, proof = assertion.get("id"), []
    # Only the issuer's own copy says it still stands; a presented copy proves nothing.
    hosted_seen = any(x.message_code == "proof.hosted" for x in proof)
    badge = load_node(assertion.get("badge"), ctx)
    issuer = load_node(badge.get("issuer"), ctx) if badge else None
    checks += schema_checks(assertion, badge, issuer)
    if badge is None or issuer is None:
        checks += _graph_unavailable(proof)
    elif parsed.format == "ob2_hosted":
        checks += proof + _hosted_identity(location, issuer)
    else:
        checks += signed_checks(parsed, issuer, ctx)
    checks.append(recipient_check(assertion, ctx))
    checks.append(dates_check(_date(assertion, "issuedOn"), _date(assertion, "expires"), ctx.now))
    checks.append(revocation_check(parsed.format, assertion, issuer or {}, ctx, hosted_seen))
    checks.append(c.skipped("refresh", "refresh.none", "Open Badges 2.0 has no refresh service."))
    return checks, ob2_summary(assertion, badge or {}, issuer or _issuer_reference(badge),
                               parsed.format)


def _issuer_reference(badge: dict[str, Any] | None) -> dict[str, Any]:
    """What the badge class says of an issuer profile that could not be fetched: its id."""
    reference = (badge or {}).get("issuer")
    if isinstance(reference, dict):
        reference = reference.get("id")
    return {"id": reference} if isinstance(reference, str) else {}


def _date(node: dict[str, Any], name: str) -> datetime | None:
    return parse_datetime(node.get(name))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


# -- graph ----------------------------------------------------------------------------------


def load_node(reference: Any, ctx: VerifyContext) -> dict[str, Any] | None:
    """An embedded node, or the node fetched from its URL (None when unavailable)."""
    if isinstance(reference, dict) and len(reference) > 1:
        return reference
    url = reference.get("id") if isinstance(reference, dict) else reference
    try:
        node = ctx.fetch_json(url)
    except (FetchError, TypeError):
        return None
    return node if isinstance(node, dict) else None


def _graph_unavailable(proof: list[Check]) -> list[Check]:
    """One proof check: the hosted copy's failure when there is one (it is the cause), else
    that the badge class or issuer could not be fetched."""
    kept = [x for x in proof if x.id == "proof" and x.outcome != "pass"] or [
        c.skipped(
            "proof",
            "proof.issuer_unavailable",
            "The badge class or issuer profile could not be fetched.",
        )
    ]
    return [
        *kept,
        c.skipped("issuer_key", "key.not_checked", "The issuer profile is unavailable."),
        c.skipped(
            "issuer_identity", "issuer_identity.not_checked", "The issuer profile is unavailable."
        ),
    ]


# -- format and schema ----------------------------------------------------------------------


def format_checks(assertion: dict[str, Any]) -> list[Check]:
    out = []
    if not any(x in OB2_CONTEXTS for x in _as_list(assertion.get("@context"))):
        out.append(
            c.failed("format", "format.context_invalid", "The Open Badges 2.0 @context is missing.")
        )
    if "Assertion" not in types_of(assertion):
        out.append(
            c.failed(
                "format",
                "format.type_invalid",
                "type must be Assertion.",
                types=types_of(assertion),
            )
        )
    return out or [c.passed("format", "format.ok", "The badge is well-formed.", ob_version="2.0")]


def schema_checks(
    assertion: dict[str, Any], badge: dict[str, Any] | None, issuer: dict[str, Any] | None
) -> list[Check]:
    errors = _assertion_errors(assertion)
    if badge is not None:
        errors += _node_errors(
            badge, "badge", ("BadgeClass",), ("name", "description", "image", "criteria", "issuer")
        )
        errors += extension_errors(badge, badge.get("@context"))
    if issuer is not None:
        errors += profile_errors(issuer)
    errors += extension_errors(assertion, assertion.get("@context"))
    if errors:
        return [
            c.failed(
                "schema",
                "schema.invalid",
                "The badge does not match Open Badges 2.0.",
                errors=errors,
            )
        ]
    return [c.passed("schema", "schema.valid", "The badge matches Open Badges 2.0.")]


def profile_errors(issuer: dict[str, Any]) -> list[str]:
    """Problems of an OB 2.0 Issuer profile (type, name, known extensions)."""
    return _node_errors(issuer, "issuer", ISSUER_TYPES, ("name",)) + extension_errors(
        issuer, issuer.get("@context")
    )


def _assertion_errors(assertion: dict[str, Any]) -> list[str]:
    errors = [
        f"{p}: required"
        for p in ("id", "recipient", "badge", "verification", "issuedOn")
        if p not in assertion
    ]
    recipient = assertion.get("recipient")
    if "recipient" in assertion and not (
        isinstance(recipient, dict) and isinstance(recipient.get("identity"), str)
    ):
        errors.append("recipient: must be an IdentityObject with an identity")
    if "issuedOn" in assertion and _date(assertion, "issuedOn") is None:
        errors.append("issuedOn: not a date-time")
    image = assertion.get("image")
    image = image.get("id") if isinstance(image, dict) else image
    if isinstance(image, str) and image.startswith("data:"):
        errors.append("image: an assertion image must be a URL, not a data URI")
    return errors


def _node_errors(
    node: dict[str, Any], name: str, types: tuple[str, ...], required: tuple[str, ...]
) -> list[str]:
    errors = [f"{name}.{p}: required" for p in required if p not in node]
    if not any(t in types_of(node) for t in types):
        errors.append(f"{name}: type must be {' or '.join(types)}")
    return errors


# -- hosted ---------------------------------------------------------------------------------


def hosted_copy(
    assertion: dict[str, Any], ctx: VerifyContext
) -> tuple[dict[str, Any], str | None, list[Check]]:
    """The issuer's hosted copy of the assertion, where it was found, and the proof checks."""
    url = assertion.get("id")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return (
            assertion,
            None,
            [
                c.failed(
                    "proof", "proof.hosted_id_invalid", "A hosted assertion's id must be its URL."
                )
            ],
        )
    try:
        hosted = ctx.fetch_json(url)
    except FetchError:
        return (
            assertion,
            url,
            [
                c.skipped(
                    "proof",
                    "proof.hosted_unavailable",
                    "The issuer's copy of the badge is unavailable.",
                    url=url,
                )
            ],
        )
    if not isinstance(hosted, dict) or "Assertion" not in types_of(hosted):
        return (
            assertion,
            url,
            [
                c.failed(
                    "proof", "proof.hosted_invalid", "The URL does not serve this badge.", url=url
                )
            ],
        )
    return hosted, url, _hosted_checks(assertion, hosted, url)


def _material(node: dict[str, Any]) -> tuple[Any, ...]:
    badge = node.get("badge")
    badge = badge.get("id") if isinstance(badge, dict) else badge
    return badge, node.get("recipient"), node.get("issuedOn"), node.get("expires")


def _hosted_checks(presented: dict[str, Any], hosted: dict[str, Any], url: str) -> list[Check]:
    out = [c.passed("proof", "proof.hosted", "The issuer hosts this badge at its id.", url=url)]
    if hosted.get("id") != url:
        out.append(
            c.warned(
                "proof",
                "proof.hosted_id_differs",
                "The hosted badge declares a different id (redirected).",
                url=url,
                declared=str(hosted.get("id")),
            )
        )
    if _material(hosted) != _material(presented):
        out.append(
            c.warned(
                "proof",
                "proof.hosted_copy_differs",
                "The presented copy differs from the issuer's; the issuer's is used.",
            )
        )
    return out


def _hosted_identity(location: str | None, issuer: dict[str, Any]) -> list[Check]:
    return [
        c.skipped("issuer_key", "key.not_applicable", "Hosted badges are not signed."),
        scope_check(location or "", issuer),
    ]


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def scope_check(location: str, issuer: dict[str, Any]) -> Check:
    """Is the hosted assertion's URL inside the issuer's verification policy?"""
    issuer_id = str(issuer.get("id", ""))
    policy = as_object(issuer.get("verification"))
    starts = [s for s in _as_list(policy.get("startsWith")) if isinstance(s, str)]
    if starts and not any(location.startswith(s) for s in starts):
        return c.failed(
            "issuer_identity",
            "issuer_identity.out_of_scope",
            "The badge is not hosted where its issuer allows.",
            url=location,
        )
    if not issuer_id.startswith(("https://", "http://")):
        return c.warned(
            "issuer_identity",
            "issuer_identity.no_http_origin",
            "The issuer id is not a web address; hosting cannot be tied to it.",
            issuer=issuer_id,
        )
    origins = [o for o in _as_list(policy.get("allowedOrigins")) if isinstance(o, str)]
    if _host(location) not in [o.lower() for o in origins or [_host(issuer_id)]]:
        return c.failed(
            "issuer_identity",
            "issuer_identity.out_of_scope",
            "The badge is not hosted where its issuer allows.",
            url=location,
        )
    return c.passed(
        "issuer_identity",
        "issuer_identity.in_scope",
        "The badge is hosted by its issuer.",
        issuer=issuer_id,
    )


# -- signed ---------------------------------------------------------------------------------


def signed_checks(
    parsed: ParsedCredential, issuer: dict[str, Any], ctx: VerifyContext
) -> list[Check]:
    if not parsed.jws:
        return [
            c.failed(
                "proof",
                "proof.jws_missing",
                "A signed Open Badges 2.0 assertion must be presented as a JWS.",
            ),
            c.skipped("issuer_key", "key.not_checked", "No signature."),
            c.skipped("issuer_identity", "issuer_identity.not_checked", "No signature."),
        ]
    key_url = _key_url(parsed.document, issuer)
    try:
        key_doc = ctx.fetch_json(key_url)
        key = from_pem(key_doc.get("publicKeyPem", "") if isinstance(key_doc, dict) else "")
    except (FetchError, TypeError):
        return [
            c.skipped("proof", "proof.not_checked", "The signature could not be checked."),
            c.skipped(
                "issuer_key",
                "key.unavailable",
                "The issuer's key is unavailable.",
                url=str(key_url),
            ),
        ]
    except KeyResolutionError as exc:
        return [
            c.skipped("proof", "proof.not_checked", "No usable key."),
            c.from_error("issuer_key", exc),
        ]
    return [
        _signature_check(parsed.jws, key, ctx),
        c.passed(
            "issuer_key",
            "key.resolved",
            "The issuer's key was found.",
            method=key_url,
            source="url",
        ),
        _key_owner_check(key_doc, key_url, issuer),
    ]


def _key_url(assertion: dict[str, Any], issuer: dict[str, Any]) -> Any:
    verification = assertion.get("verification")
    creator = verification.get("creator") if isinstance(verification, dict) else None
    if creator:
        return creator
    keys = _as_list(issuer.get("publicKey"))
    return keys[0].get("id") if keys and isinstance(keys[0], dict) else (keys[0] if keys else None)


def _signature_check(token: str, key: PublicKey, ctx: VerifyContext) -> Check:
    try:
        jws = parse_compact(token, ctx.limits)
    except ParseError as exc:
        return c.from_error("proof", exc)
    if jws.verify(key):
        return c.passed("proof", "proof.valid", "The signature is valid.", alg=jws.alg)
    return c.failed("proof", "proof.signature_invalid", "The signature does not verify.")


def _key_owner_check(key_doc: dict[str, Any], key_url: str, issuer: dict[str, Any]) -> Check:
    listed = [k.get("id") if isinstance(k, dict) else k for k in _as_list(issuer.get("publicKey"))]
    if key_doc.get("owner") == issuer.get("id") and key_url in listed:
        return c.passed(
            "issuer_identity",
            "issuer_identity.confirmed",
            "The key belongs to the issuer.",
            issuer=str(issuer.get("id")),
        )
    return c.failed(
        "issuer_identity",
        "issuer_identity.key_not_listed",
        "The signing key is not one of the issuer's keys.",
        url=str(key_url),
    )


# -- recipient and revocation ---------------------------------------------------------------


def recipient_check(assertion: dict[str, Any], ctx: VerifyContext) -> Check:
    recipient = assertion.get("recipient")
    if not isinstance(recipient, dict) or not isinstance(recipient.get("identity"), str):
        return c.failed("recipient", "recipient.absent", "The badge names no recipient.")
    if not ctx.recipient_emails and not ctx.recipient_ids:
        return c.skipped("recipient", "recipient.not_checked", "No learner identifiers given.")
    kind = recipient.get("type", "email")
    candidates = ctx.recipient_emails if kind == "email" else ctx.recipient_ids
    salt = recipient.get("salt") if isinstance(recipient.get("salt"), str) else None
    if identity_matches(recipient["identity"], salt, recipient.get("hashed") is True, candidates):
        return c.passed("recipient", "recipient.matches", "The badge was issued to this learner.")
    if kind == "email":
        return c.failed("recipient", "recipient.no_match", "The badge was issued to someone else.")
    return c.warned("recipient", "recipient.unlinked",
                    "The badge was issued to an identifier not linked to this learner.")


def revocation_check(
    fmt: str,
    assertion: dict[str, Any],
    issuer: dict[str, Any],
    ctx: VerifyContext,
    hosted_seen: bool = False,
) -> Check:
    if assertion.get("revoked") is True:
        return c.failed(
            "revocation",
            "revocation.revoked",
            "The issuer revoked this badge.",
            reason=str(assertion.get("revocationReason", "")),
        )
    url = issuer.get("revocationList")
    if not url:
        if fmt == "ob2_hosted" and not hosted_seen:
            return c.skipped(
                "revocation",
                "revocation.hosted_unknown",
                "Without the issuer's copy we cannot tell whether the badge was withdrawn.",
            )
        if fmt == "ob2_hosted":
            return c.passed(
                "revocation",
                "revocation.hosted_not_revoked",
                "The issuer still hosts this badge unrevoked.",
            )
        return c.skipped(
            "revocation", "revocation.none", "The issuer publishes no revocation list."
        )
    try:
        return check_ob2_revocation(str(assertion.get("id")), ctx.fetch_json(url))
    except (FetchError, TypeError):
        return c.warned(
            "revocation",
            "revocation.unavailable",
            "The revocation list could not be fetched.",
            url=str(url),
        )
