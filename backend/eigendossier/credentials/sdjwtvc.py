"""SD-JWT VC as a credential of the dossier: read, check and summarise, and the award's shape.

The issuer is found as for a VC-JWT: ``kid`` (a DID URL, or ``#fragment`` of ``iss``) or a DID
``iss``; its key is resolved by the same resolver. A dossier keeps the credential with every
disclosure (the learner's own copy); what is shown to others is chosen when sharing
(:func:`choose`), and the disclosable claims of an award have names a person can read
(:data:`AWARD_FIELDS`).
"""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime
from typing import Any

from . import checks as c
from . import sdjwt
from .context import VerifyContext
from .errors import CredentialError, FetchError, ParseError
from .fetching import fetch_bytes
from .jws import parse_compact, sign_compact
from .keys import b64url_decode, b64url_encode
from .limits import Limits
from .model import Achievement, Check, CredentialSummary, ParsedCredential
from .ob3 import dates_check, identity_check, resolve_key

FORMAT = "sd_jwt_vc"
CONTAINER = "sd-jwt"
AWARD_VCT = "urn:eigendossier:vct:mbo-award:1"

# The award's selectively disclosable claims: field name (in the API) → path in the claims.
# Everything else (issuer, achievement, EC, dates) is always disclosed.
AWARD_FIELDS: dict[str, sdjwt.Path] = {
    "learner_name": ("learner", "name"),
    "birth_date": ("learner", "birthdate"),
    "completion_date": ("completion_date",),
    "grade": ("grade",),
    "evidence": ("evidence",),
}


def award_claims(*, issuer: str, issuer_name: str, credential_id: str, issued_at: datetime,
                 achievement: dict[str, Any], learner_name: str | None = None,
                 birth_date: str | None = None, completion_date: str | None = None,
                 grade: str | None = None, evidence: list[str] | None = None,
                 status: tuple[str, int] | None = None,
                 ) -> tuple[dict[str, Any], list[sdjwt.Path]]:
    """The claims of an award as an SD-JWT VC and the paths to disclose selectively;
    ``status`` is (Status List Token URI, index) for revocation."""
    seconds = int(issued_at.astimezone(UTC).timestamp())
    claims: dict[str, Any] = {"iss": issuer, "iat": seconds, "nbf": seconds, "vct": AWARD_VCT,
                              "jti": credential_id, "issuer_name": issuer_name,
                              "achievement": achievement}
    if status is not None:
        claims["status"] = {"status_list": {"idx": status[1], "uri": status[0]}}
    learner = {k: v for k, v in (("name", learner_name), ("birthdate", birth_date)) if v}
    if learner:
        claims["learner"] = learner
    for name, value in (("completion_date", completion_date), ("grade", grade),
                        ("evidence", evidence)):
        if value:
            claims[name] = value
    paths = [p for p in AWARD_FIELDS.values() if _has(claims, p)]
    paths += [("evidence", i) for i in range(len(evidence or []))]
    return claims, paths


def _has(claims: dict[str, Any], path: sdjwt.Path) -> bool:
    node: Any = claims
    for step in path:
        if not isinstance(node, dict) or step not in node:
            return False
        node = node[step]
    return True


def text_of(original: bytes) -> str:
    """A stored SD-JWT as text (as parse read it: a BOM and surrounding space dropped)."""
    return original.decode("utf-8").lstrip("\ufeff").strip()


def looks_like(text: str) -> bool:
    return sdjwt.looks_like_sd_jwt(text)


def parse(text: str, container: str, raw: bytes, limits: Limits) -> ParsedCredential:
    """An SD-JWT VC with its disclosures put back; refused (ParseError) when it is not one
    or its disclosures do not fit."""
    try:
        sd = sdjwt.parse(text, limits)
        if not sdjwt.is_vc(sd):
            raise ParseError("parse.not_a_credential",
                             "The SD-JWT is not an SD-JWT VC (typ dc+sd-jwt and a vct).")
        claims = sdjwt.resolve(sd).claims
    except sdjwt.SdJwtError as error:
        raise ParseError("parse.sd_jwt_invalid", error.message, reason=error.code) from None
    envelope: dict[str, Any] = {k: sd.payload[k] for k in ("iss", "iat", "nbf", "exp")
                                if k in sd.payload}
    return ParsedCredential(FORMAT, container, claims, raw, summary(claims), sd.issuer_jwt,
                            sd.jws.header, envelope)


def summary(claims: dict[str, Any]) -> CredentialSummary:
    achievement = _object(claims.get("achievement"))
    learner = _object(claims.get("learner"))
    ec = achievement.get("ec")
    return CredentialSummary(
        format=FORMAT,
        kind="open_badge" if claims.get("vct") == AWARD_VCT else "other_credential",
        credential_id=_str(claims.get("jti")),
        title=_str(achievement.get("name")) or _str(claims.get("name")) or _str(claims.get("vct")),
        description=_str(achievement.get("description")),
        issuer_id=_str(claims.get("iss")),
        issuer_name=_str(claims.get("issuer_name")),
        issued_on=_epoch(claims.get("iat")),
        expires_on=_epoch(claims.get("exp")),
        recipient=_str(learner.get("name")),
        achievement=Achievement(
            id=_str(achievement.get("id")), name=_str(achievement.get("name")),
            description=_str(achievement.get("description")),
            achievement_type=_str(achievement.get("type")),
            ec=float(ec) if isinstance(ec, int | float) and not isinstance(ec, bool) else None,
            nlqf_level=_str(achievement.get("nlqf_level")),
            education_program_id=_str(achievement.get("crebo")),
        ),
    )


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _epoch(value: Any) -> datetime | None:
    """A JWT time as a moment; ``None`` when absent, not a whole number, or beyond the years
    a datetime holds (an issuer may write any number: the summary shows no date then, and
    :func:`verify` calls the dates malformed)."""
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    return None


def _dates_check(claims: dict[str, Any], now: datetime) -> Check:
    """``nbf`` and ``exp`` against ``now``: a whole number out of a datetime's range is a
    malformed date, not a credential without one."""
    start, end = _epoch(claims.get("nbf")), _epoch(claims.get("exp"))
    for name, moment in (("nbf", start), ("exp", end)):
        value = claims.get(name)
        if moment is None and isinstance(value, int) and not isinstance(value, bool):
            return c.failed("validity", "validity.date_invalid", "A validity date is malformed.")
    return dates_check(start, end, now)


def verify(parsed: ParsedCredential, ctx: VerifyContext) -> tuple[list[Check], CredentialSummary]:
    out = [c.passed("format", "format.sd_jwt_vc", "A well-formed SD-JWT VC.",
                    vct=str(parsed.document.get("vct")))]
    out.append(c.skipped("schema", "schema.not_applicable", "No Open Badges schema applies."))
    out += proof_checks(parsed, ctx)
    out.append(c.skipped("recipient", "recipient.not_checked", "No learner identifiers given."))
    claims = parsed.jwt_claims or {}
    out.append(_dates_check(claims, ctx.now))
    out.append(status_check(parsed, ctx))
    out.append(c.skipped("refresh", "refresh.none", "No refresh service."))
    return out, summary(parsed.document)


def proof_checks(parsed: ParsedCredential, ctx: VerifyContext) -> list[Check]:
    header, issuer = parsed.jws_header or {}, (parsed.jwt_claims or {}).get("iss")
    kid = header.get("kid")
    if isinstance(kid, str) and kid.startswith("#") and isinstance(issuer, str):
        kid = issuer + kid
    if kid is None and isinstance(issuer, str) and issuer.startswith("did:"):
        kid = issuer
    if not isinstance(kid, str):
        return [c.failed("proof", "proof.key_missing", "The JWT names no key (no jwk, no kid)."),
                c.skipped("issuer_key", "key.not_checked", "No key reference.")]
    resolved, out = resolve_key(kid, ctx)
    if resolved is None:
        return out
    jws = parse_compact(parsed.jws or "", ctx.limits)
    if not jws.verify(resolved.key):
        return [c.failed("proof", "proof.signature_invalid", "The JWT signature does not verify.",
                         alg=jws.alg), *out]
    return [c.passed("proof", "proof.valid", "The signature is valid.", alg=jws.alg), *out,
            identity_check(resolved, issuer if isinstance(issuer, str) else None)]


# -- revocation: Token Status List (draft-ietf-oauth-status-list) ------------------------------

STATUS_TYP = "statuslist+jwt"


def _lsb_first(bits: bytes) -> bytes:
    """A W3C Bitstring (index 0 = the first byte's most significant bit) as a Token Status
    List with one bit per entry (index 0 = the first byte's least significant bit)."""
    return bytes(int(f"{byte:08b}"[::-1], 2) for byte in bits)


def status_list_token(uri: str, issuer: str, bits: bytes, private_key: Any, kid: str,
                      issued_at: int, ttl: int = 300) -> str:
    """A Status List Token of revocation bits (W3C order in, one bit per entry)."""
    payload = {"sub": uri, "iss": issuer, "iat": issued_at, "ttl": ttl,
               "status_list": {"bits": 1,
                               "lst": b64url_encode(zlib.compress(_lsb_first(bits), 9))}}
    return sign_compact({"alg": "EdDSA", "typ": STATUS_TYP, "kid": kid},
                        json.dumps(payload).encode("utf-8"), private_key)


def status_check(parsed: ParsedCredential, ctx: VerifyContext) -> Check:
    reference = parsed.document.get("status")
    if reference is None:
        return c.skipped("revocation", "revocation.none", "The credential declares no status.")
    entry = reference.get("status_list") if isinstance(reference, dict) else None
    index = entry.get("idx") if isinstance(entry, dict) else None
    uri = entry.get("uri") if isinstance(entry, dict) else None
    if not isinstance(index, int) or isinstance(index, bool) or index < 0 or \
            not isinstance(uri, str):
        return c.failed("revocation", "revocation.entry_invalid", "The status entry is invalid.")
    try:
        body, _ = fetch_bytes(ctx.fetch, uri, ctx.limits)
    except FetchError:
        return c.skipped("revocation", "revocation.unavailable",
                         "The status list could not be fetched.", url=uri)
    try:
        return _token_check(body, uri, index, parsed, ctx)
    except (CredentialError, UnicodeDecodeError, zlib.error):
        return c.failed("revocation", "revocation.list_invalid", "The status list is invalid.")


def _token_check(body: bytes, uri: str, index: int, parsed: ParsedCredential,
                 ctx: VerifyContext) -> Check:
    jws = parse_compact(body.decode("ascii"), ctx.limits)
    payload = jws.payload_json(ctx.limits)
    if jws.header.get("typ") != STATUS_TYP or not isinstance(payload, dict) or \
            payload.get("sub") != uri:
        raise CredentialError("revocation.list_invalid", "Not the Status List Token named.")
    issuer = (parsed.jwt_claims or {}).get("iss")
    resolved, _ = resolve_key(jws.header.get("kid"), ctx)
    if resolved is None or not jws.verify(resolved.key):
        raise CredentialError("revocation.list_invalid", "The status list is not signed.")
    if resolved.controller != issuer:
        return c.warned("revocation", "revocation.list_issuer_mismatch",
                        "The status list was issued by someone other than the credential's "
                        "issuer.", list_issuer=str(resolved.controller))
    status_list = payload.get("status_list")
    if not isinstance(status_list, dict) or status_list.get("bits") != 1:
        raise CredentialError("revocation.list_invalid", "Only one-bit status lists are read.")
    inflater = zlib.decompressobj()
    bits = inflater.decompress(b64url_decode(str(status_list.get("lst"))),
                               ctx.limits.max_status_list_bits // 8)
    if inflater.unconsumed_tail:
        raise CredentialError("revocation.list_invalid", "The status list is too large.")
    if index // 8 >= len(bits):
        return c.failed("revocation", "revocation.index_out_of_range",
                        "The credential is not on the status list.")
    if bits[index // 8] >> (index % 8) & 1:
        return c.failed("revocation", "revocation.revoked", "The issuer revoked this credential.")
    return c.passed("revocation", "revocation.not_revoked", "Not on the issuer's revocation list.")


# -- sharing ----------------------------------------------------------------------------------


def disclosable(text: str) -> list[str]:
    """The award fields this SD-JWT VC can show or withhold (those it has)."""
    sd = sdjwt.parse(text)
    paths = {d.path for d in sdjwt.resolve(sd).disclosed}
    return [name for name, path in AWARD_FIELDS.items() if path in paths]


def held_fields(text: str) -> list[tuple[str, str | list[str], bool]]:
    """Every award field this SD-JWT VC holds, in :data:`AWARD_FIELDS` order: (name, value as
    text or a list of texts, may the learner withhold it when sharing)."""
    resolved = sdjwt.resolve(sdjwt.parse(text))
    withholdable = {d.path for d in resolved.disclosed}
    out: list[tuple[str, str | list[str], bool]] = []
    for name, path in AWARD_FIELDS.items():
        if not _has(resolved.claims, path):
            continue
        value: Any = resolved.claims
        for step in path:
            value = value[step]
        shown = [_text(item) for item in value] if isinstance(value, list) else _text(value)
        out.append((name, shown, path in withholdable))
    return out


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def choose(text: str, fields: set[str]) -> tuple[str, list[str]]:
    """The SD-JWT with only the chosen award fields disclosed (no key binding), and the names
    of the fields withheld."""
    sd = sdjwt.parse(text)
    chosen_paths = {AWARD_FIELDS[f] for f in fields if f in AWARD_FIELDS}

    def keep(item: sdjwt.Disclosed) -> bool:
        # an evidence item goes with the evidence list; anything else by its own path
        return item.path in chosen_paths or (
            item.path[:1] == ("evidence",) and ("evidence",) in chosen_paths)

    shown = sdjwt.select(sd, keep).presentation_without_kb
    withheld = [name for name in disclosable(text) if name not in fields]
    return shown, withheld


def shown_fields(claims: dict[str, Any]) -> list[str]:
    return [name for name, path in AWARD_FIELDS.items() if _has(claims, path)]


def verify_presentation(text: str, *, audience: str, nonce: str, now: int,
                        limits: Limits) -> sdjwt.SdJwt:
    """A presentation with the key binding OpenID4VP asks for (sd_hash, aud, nonce)."""
    sd = sdjwt.parse(text, limits)
    sdjwt.verify_key_binding(sd, audience=audience, nonce=nonce, now=now, limits=limits)
    return sd
