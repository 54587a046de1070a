"""Open Badges 3.0 and other W3C Verifiable Credentials: VC-JWT and Data Integrity.

Every check runs even when an earlier one fails, so the learner sees all problems at once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from . import checks as c
from . import dataintegrity as di
from .context import CLOCK_SKEW, VerifyContext, identity_matches
from .dids import ResolvedKey
from .errors import CredentialError, KeyResolutionError, ParseError
from .jws import CompactJws, parse_compact
from .keys import from_jwk
from .limits import Limits, count_objects
from .linkeddata import ContextRefused
from .model import Achievement, Check, CredentialSummary, Outcome, ParsedCredential
from .schema import schema_errors, shipped_schema_ids
from .status import ListVerifier, check_vc_status, issuer_id
from .summary import BADGE_TYPES, parse_datetime, types_of, vc_summary

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/"
OB3_TYPES = (*BADGE_TYPES, "EndorsementCredential")
_OB3_TYPES = frozenset(OB3_TYPES)
_BADGE_TYPES = frozenset(BADGE_TYPES)
# A 1EdTech CLR 2.0 uses the OB 3.0 context for the achievements and awards it holds.
CLR_TYPES = ("ClrCredential",)
_OB3_OR_CLR_TYPES = frozenset((*OB3_TYPES, *CLR_TYPES))
# A DID method we do not resolve is not evidence against the credential.
UNRESOLVABLE = ("key.unsupported_did_method", "key.unsupported_scheme")
JWT_CLAIMS = ("iss", "sub", "aud", "jti", "nbf", "exp", "iat", "cnf")


def contexts_of(document: dict[str, Any]) -> list[Any]:
    value = document.get("@context", [])
    return value if isinstance(value, list) else [value]


def vc_version(document: dict[str, Any]) -> str:
    return _version(contexts_of(document))


def _version(contexts: list[Any]) -> str:
    return "1.1" if contexts[:1] == [VC_V1] else "2.0"


def is_vc(document: dict[str, Any]) -> bool:
    contexts = contexts_of(document)
    return VC_V1 in contexts or VC_V2 in contexts or "VerifiableCredential" in types_of(document)


def is_open_badge(document: dict[str, Any]) -> bool:
    contexts = contexts_of(document)
    return _has_ob3_context(contexts) or _has_ob3_type(types_of(document))


def _has_ob3_context(contexts: list[Any]) -> bool:
    return any(isinstance(x, str) and x.startswith(OB3_CONTEXT_PREFIX) for x in contexts)


def _has_ob3_type(types: list[str]) -> bool:
    return not _OB3_TYPES.isdisjoint(types)


def verify_vc(
    parsed: ParsedCredential, ctx: VerifyContext
) -> tuple[list[Check], CredentialSummary]:
    document = parsed.document
    checks = format_checks(document, parsed.jwt_claims)
    checks += schema_checks(document)
    proof_checks = jwt_checks(parsed, ctx) if parsed.jws else data_integrity_checks(document, ctx)
    checks += proof_checks
    checks += recipient_checks(document, ctx)
    checks += validity_checks(document, parsed.jwt_claims, ctx.now)
    status = check_vc_status(document, ctx.fetch_status_list, _list_verifier(ctx), ctx.limits)
    checks += [_dated(check, ctx.read_at.get(check.params.get("url", ""))) for check in status]
    checks.append(refresh_check(document))
    return checks, _summary(parsed)


def _summary(parsed: ParsedCredential) -> CredentialSummary:
    """The summary made at parse time (a copy: callers may change theirs)."""
    summary = parsed.summary
    if summary.format != parsed.format:
        return vc_summary(parsed.document, parsed.format)
    # Built from vars(): every field is an init field, and dataclasses.replace costs 4 us.
    outcomes = [*summary.achievement.learning_outcomes]
    achievement = Achievement(**{**vars(summary.achievement), "learning_outcomes": outcomes})
    return CredentialSummary(**{**vars(summary), "achievement": achievement})


# -- format ---------------------------------------------------------------------------------


def format_checks(document: dict[str, Any], claims: dict[str, Any] | None) -> list[Check]:
    contexts, types = contexts_of(document), types_of(document)
    ob3_context = _has_ob3_context(contexts)
    open_badge = ob3_context or _has_ob3_type(types)
    out = _context_checks(contexts, open_badge and not ob3_context)
    out += _type_checks(types, open_badge)
    if claims is not None:
        out += _claim_checks(document, claims)
    if not any(x.outcome == "fail" for x in out):
        out.append(
            c.passed(
                "format",
                "format.ok",
                "The credential is well-formed.",
                vc_version=_version(contexts),
                open_badge=open_badge,
            )
        )
    return out


def _context_checks(contexts: list[Any], ob3_context_missing: bool) -> list[Check]:
    first = contexts[0] if contexts else None
    out: list[Check] = []
    if first == VC_V1:
        out.append(
            c.warned(
                "format",
                "format.vc_v1",
                "Uses the older VC data model 1.1; OB 3.0 now uses VC 2.0.",
            )
        )
    elif first != VC_V2:
        out.append(
            c.failed(
                "format",
                "format.context_invalid",
                "The first @context must be the W3C credentials context.",
                found=str(first),
            )
        )
    if ob3_context_missing:
        out.append(
            c.warned(
                "format", "format.ob_context_missing", "The Open Badges 3.0 @context is missing."
            )
        )
    return out


def _type_checks(types: list[str], open_badge: bool) -> list[Check]:
    if "VerifiableCredential" not in types:
        return [
            c.failed(
                "format",
                "format.type_invalid",
                "type must include VerifiableCredential.",
                types=types,
            )
        ]
    if open_badge and _OB3_OR_CLR_TYPES.isdisjoint(types):
        return [
            c.warned(
                "format",
                "format.type_invalid",
                "An Open Badges 3.0 credential must have type OpenBadgeCredential or "
                "AchievementCredential.",
                types=types,
            )
        ]
    return []


def _claim_checks(document: dict[str, Any], claims: dict[str, Any]) -> list[Check]:
    subject = _subject(document)
    expected = {"iss": issuer_id(document), "jti": document.get("id"), "sub": subject.get("id")}
    out = []
    for claim, value in expected.items():
        if claim in claims and value is not None and claims[claim] != value:
            out.append(
                c.failed(
                    "format",
                    "format.jwt_claim_mismatch",
                    f"JWT claim {claim} does not match the credential.",
                    claim=claim,
                )
            )
    return out


def _subject(document: dict[str, Any]) -> dict[str, Any]:
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    return subject if isinstance(subject, dict) else {}


# -- schema ---------------------------------------------------------------------------------


def schema_checks(document: dict[str, Any]) -> list[Check]:
    if _BADGE_TYPES.isdisjoint(types_of(document)):
        return [
            c.skipped(
                "schema",
                "schema.not_applicable",
                "No Open Badges schema applies to this credential type.",
            )
        ]
    version = vc_version(document)
    errors = schema_errors(document, version)
    out = [
        c.warned(
            "schema",
            "schema.invalid",
            "The credential deviates from the Open Badges 3.0 schema: " + "; ".join(errors),
            errors=errors,
            vc_version=version,
        )
        if errors
        else c.passed("schema", "schema.valid", "The credential matches the OB 3.0 schema.")
    ]
    return out + _declared_schema_checks(document)


def _declared_schema_checks(document: dict[str, Any]) -> list[Check]:
    """``credentialSchema`` entries we do not ship are not fetched: say so."""
    declared = document.get("credentialSchema")
    entries = declared if isinstance(declared, list) else [declared] if declared else []
    out = []
    for entry in entries:
        url = entry.get("id") if isinstance(entry, dict) else None
        if url not in shipped_schema_ids():
            out.append(
                c.warned(
                    "schema",
                    "schema.declared_not_checked",
                    "A schema named by the credential was not fetched and not checked.",
                    url=str(url),
                )
            )
    return out


# -- proofs ---------------------------------------------------------------------------------


def data_integrity_checks(document: dict[str, Any], ctx: VerifyContext) -> list[Check]:
    if count_objects(document) > ctx.limits.max_jsonld_objects:
        return [
            c.failed(
                "proof",
                "proof.too_complex",
                "The credential is too large to canonicalise.",
                limit=ctx.limits.max_jsonld_objects,
            ),
            *_keys_not_checked(),
        ]
    infos = [di.classify(p) for p in di.proofs_of(document)]
    supported = [i for i in infos if i.suite]
    out = [_unsupported_proof(i, bool(supported)) for i in infos if not i.suite]
    if not infos:
        out.append(c.failed("proof", "proof.missing", "The credential has no proof."))
    per_proof = [_one_proof(document, info, ctx) for info in supported]
    for checks in _cosigned(per_proof):
        out += checks
    if not supported:
        out += _keys_not_checked()
    return out


def _cosigned(per_proof: list[list[Check]]) -> list[list[Check]]:
    """A valid proof by someone other than the issuer, next to a valid proof by the issuer
    (a proof chain: a notary or an endorser signs after the issuer), is no evidence against
    the credential: it is reported as a co-signature instead of a wrong key."""

    def issuers_own(checks: list[Check]) -> bool:
        return any(x.id == "issuer_identity" and x.outcome == "pass" for x in checks) and any(
            x.id == "proof" and x.outcome == "pass" for x in checks
        )

    if not any(issuers_own(checks) for checks in per_proof):
        return per_proof
    return [[_as_cosigner(x, checks) for x in checks] for checks in per_proof]


def _as_cosigner(check: Check, checks: list[Check]) -> Check:
    signed = any(x.id == "proof" and x.outcome == "pass" for x in checks)
    if not signed or check.message_code != "issuer_identity.controller_mismatch":
        return check
    return c.passed(
        "issuer_identity",
        "issuer_identity.cosigned",
        "A further proof is by someone other than the issuer: a co-signature.",
        controller=str(check.params.get("controller")),
    )


def _unsupported_proof(info: di.ProofInfo, has_supported: bool) -> Check:
    if di.is_selective_disclosure(info.proof):
        code, message = (
            "proof.selective_disclosure_unsupported",
            ("Selective-disclosure proofs are not supported yet."),
        )
    else:
        code, message = "proof.type_unsupported", f"Proof type {info.label} is not supported."
    if has_supported:
        return c.warned("proof", code, message + " It was ignored.", type=info.label)
    return c.failed("proof", code, message, type=info.label)


def _keys_not_checked() -> list[Check]:
    return [
        c.skipped("issuer_key", "key.not_checked", "No proof to take a key from."),
        c.skipped("issuer_identity", "issuer_identity.not_checked", "No key to tie to the issuer."),
    ]


def _one_proof(document: dict[str, Any], info: di.ProofInfo, ctx: VerifyContext) -> list[Check]:
    resolved, key_checks = resolve_key(info.proof.get("verificationMethod"), ctx)
    if resolved is None:
        return key_checks
    out = key_checks
    try:
        di.verify_proof(document, info.proof, resolved.key)
    except ContextRefused as exc:
        out.insert(0, c.from_error("proof", exc, "skipped"))
        return out
    except CredentialError as exc:
        out.insert(0, c.from_error("proof", exc))
        return out
    out.insert(0, c.passed("proof", "proof.valid", "The signature is valid.", suite=info.suite))
    if info.suite in di.LEGACY_SUITES:
        out.insert(
            1,
            c.warned(
                "proof",
                "proof.legacy_suite",
                f"The proof uses the legacy suite {info.suite}.",
                suite=info.suite,
            ),
        )
    out.append(identity_check(resolved, issuer_id(document)))
    return out


def _dated(check: Check, read_at: datetime | None) -> Check:
    """Say when the document behind a check was read (\"checked 3 days ago\" offline)."""
    if read_at is None:
        return check
    return replace(check, params={**check.params, "checked_at": read_at.isoformat()})


def resolve_key(reference: Any, ctx: VerifyContext) -> tuple[ResolvedKey | None, list[Check]]:
    """Resolve a verification method; on failure return the checks that say why."""
    try:
        resolved = ctx.resolver.resolve(reference)
    except KeyResolutionError as exc:
        outcome: Outcome = "skipped" if exc.retryable or exc.code in UNRESOLVABLE else "fail"
        return None, [
            c.skipped("proof", "proof.not_checked", "The signature could not be checked."),
            c.from_error("issuer_key", exc, outcome),
            c.skipped("issuer_identity", "issuer_identity.not_checked", "No key was found."),
        ]
    found = c.passed(
        "issuer_key",
        "key.resolved",
        "The issuer's key was found.",
        method=resolved.method_id,
        source=resolved.source,
    )
    return resolved, [_dated(found, resolved.checked_at)]


def identity_check(resolved: ResolvedKey, issuer: str | None) -> Check:
    """Is the signing key the issuer's? See :class:`ResolvedKey` for ``confirmed``."""
    if not issuer:
        return c.failed(
            "issuer_identity", "issuer_identity.missing", "The credential names no issuer."
        )
    if resolved.controller == issuer and resolved.confirmed:
        return c.passed(
            "issuer_identity",
            "issuer_identity.confirmed",
            "The key belongs to the issuer.",
            issuer=issuer,
        )
    if resolved.controller == issuer:
        return c.skipped(
            "issuer_identity",
            "issuer_identity.unconfirmed",
            "The key is given in the credential itself; the issuer's own key list could not be "
            "consulted to confirm it.",
            issuer=issuer,
        )
    if issuer.startswith(("https://", "http://")) and str(resolved.controller).startswith("did:"):
        return c.skipped(
            "issuer_identity",
            "issuer_identity.unbound",
            "The signing key is not shown to belong to the issuer: the issuer is a web address "
            "and the key a DID that does not name it.",
            issuer=issuer,
            controller=str(resolved.controller),
        )
    if issuer.startswith(("did:", "https://", "http://")):
        return c.failed(
            "issuer_identity",
            "issuer_identity.controller_mismatch",
            "The key is not controlled by the issuer.",
            issuer=issuer,
            controller=str(resolved.controller),
        )
    return c.skipped(
        "issuer_identity",
        "issuer_identity.not_resolvable",
        "The issuer's identifier cannot be tied to a key.",
        issuer=issuer,
    )


def _list_verifier(ctx: VerifyContext) -> ListVerifier:
    """Verify a status list credential's Data Integrity proof; return its issuer."""

    def verify(list_vc: dict[str, Any]) -> str | None:
        checks = data_integrity_checks(list_vc, ctx)
        bad = [x for x in checks if x.id in ("proof", "issuer_identity") and x.outcome == "fail"]
        if bad or not any(x.id == "proof" and x.outcome == "pass" for x in checks):
            raise CredentialError(
                "revocation.list_untrusted", "The status list's own proof does not verify."
            )
        return issuer_id(list_vc)

    return verify


# -- VC-JWT ---------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def parsed_jws(token: str, limits: Limits) -> CompactJws:
    """The same token is verified again on every share view: parse it once."""
    return parse_compact(token, limits)


def jwt_checks(parsed: ParsedCredential, ctx: VerifyContext) -> list[Check]:
    try:
        jws = parsed_jws(parsed.jws or "", ctx.limits)
    except ParseError as exc:
        return [c.from_error("proof", exc), *_keys_not_checked()]
    resolved, out = _jwt_key(jws, parsed, ctx)
    if resolved is None:
        return out
    if jws.verify(resolved.key):
        out.insert(0, c.passed("proof", "proof.valid", "The signature is valid.", alg=jws.alg))
        out.append(identity_check(resolved, issuer_id(parsed.document)))
    else:
        out.insert(
            0,
            c.failed(
                "proof",
                "proof.signature_invalid",
                "The JWT signature does not verify.",
                alg=jws.alg,
            ),
        )
    return out


def _jwt_key(
    jws: CompactJws, parsed: ParsedCredential, ctx: VerifyContext
) -> tuple[ResolvedKey | None, list[Check]]:
    header, issuer = jws.header, issuer_id(parsed.document)
    if "jwk" in header:
        try:
            key = from_jwk(header["jwk"])
        except KeyResolutionError as exc:
            return None, [
                c.skipped("proof", "proof.not_checked", "No usable key."),
                c.from_error("issuer_key", exc),
            ]
        resolved = ResolvedKey(key, "jwk", issuer, False, "jwk")
        return resolved, [
            c.passed(
                "issuer_key",
                "key.resolved",
                "The key is embedded in the JWT.",
                method="jwk",
                source="jwk",
            )
        ]
    kid = header.get("kid")
    if isinstance(kid, str) and kid.startswith("#") and isinstance(issuer, str):
        kid = issuer + kid
    if kid is None and isinstance(issuer, str) and issuer.startswith("did:"):
        kid = issuer
    if kid is None:
        return None, [
            c.failed("proof", "proof.key_missing", "The JWT names no key (no jwk, no kid)."),
            c.skipped("issuer_key", "key.not_checked", "No key reference."),
        ]
    return resolve_key(kid, ctx)


# -- recipient, validity, refresh -----------------------------------------------------------


def recipient_checks(document: dict[str, Any], ctx: VerifyContext) -> list[Check]:
    subject = _subject(document)
    identifiers = [i for i in _as_list(subject.get("identifier")) if isinstance(i, dict)]
    if not subject.get("id") and not identifiers:
        return [c.warned("recipient", "recipient.absent", "The credential names no recipient.")]
    if not ctx.recipient_emails and not ctx.recipient_ids:
        return [c.skipped("recipient", "recipient.not_checked", "No learner identifiers given.")]
    if subject.get("id") in ctx.recipient_ids or any(
        _identifier_matches(i, ctx) for i in identifiers
    ):
        return [
            c.passed("recipient", "recipient.matches", "The credential was issued to this learner.")
        ]
    if any(i.get("identityType") == "emailAddress" for i in identifiers):
        message = "The credential was issued to someone else."
        return [c.failed("recipient", "recipient.no_match", message)]
    # Issued to a DID or another identifier we cannot compare with the learner's: not proof
    # of someone else, only of a link we cannot make.
    return [c.warned("recipient", "recipient.unlinked",
                     "The credential was issued to an identifier not linked to this learner.")]


def _identifier_matches(identity: dict[str, Any], ctx: VerifyContext) -> bool:
    value = identity.get("identityHash")
    if not isinstance(value, str):
        return False
    candidates = (
        ctx.recipient_emails
        if identity.get("identityType") == "emailAddress"
        else ctx.recipient_ids
    )
    salt = identity.get("salt") if isinstance(identity.get("salt"), str) else None
    return identity_matches(value, salt, identity.get("hashed") is True, tuple(candidates))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _epoch(value: Any) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    return None


def validity_checks(
    document: dict[str, Any], claims: dict[str, Any] | None, now: datetime
) -> list[Check]:
    claims = claims or {}
    start_raw = document.get("validFrom", document.get("issuanceDate"))
    end_raw = document.get("validUntil", document.get("expirationDate"))
    start, end = parse_datetime(start_raw), parse_datetime(end_raw)
    malformed = (start_raw is not None and start is None) or (end_raw is not None and end is None)
    not_before = expires = None
    try:
        not_before, expires = _epoch(claims.get("nbf")), _epoch(claims.get("exp"))
    except (OverflowError, OSError, ValueError):  # beyond the years a datetime holds
        malformed = True
    if malformed:
        return [c.failed("validity", "validity.date_invalid", "A validity date is malformed.")]
    if not_before and (start is None or not_before > start):
        start = not_before
    if expires and (end is None or expires < end):
        end = expires
    return [dates_check(start, end, now)]


def dates_check(start: datetime | None, end: datetime | None, now: datetime) -> Check:
    """Shared by OB 2.0 and 3.0: not before ``start`` (with clock skew), not after ``end``."""
    if start and end and end < start:
        return c.failed(
            "validity",
            "validity.expires_before_issued",
            "The credential expires before it was issued.",
        )
    if start and start - CLOCK_SKEW > now:
        return c.failed(
            "validity",
            "validity.not_yet_valid",
            "The credential is not yet valid.",
            valid_from=start.isoformat(),
        )
    if end and end < now:
        return c.failed(
            "validity",
            "validity.expired",
            "The credential has expired.",
            expired_on=end.isoformat(),
        )
    return c.passed("validity", "validity.current", "The credential is within its validity period.")


def refresh_check(document: dict[str, Any]) -> Check:
    service = document.get("refreshService")
    if isinstance(service, dict):
        return c.skipped(
            "refresh",
            "refresh.available",
            "The issuer offers a refresh service (not contacted).",
            url=str(service.get("id")),
            type=str(service.get("type")),
        )
    return c.skipped("refresh", "refresh.none", "No refresh service.")
