"""Checking a wallet's ``vp_token`` against what we asked: its shape (a JSON object keyed by
the DCQL credential query ids), the holder binding of each presentation (signed by the holder
over our nonce and our client id) and each credential (the VC-API's verification, and does it
answer the query). A refusal is an :class:`AnswerRefused`; a credential that is genuine but,
say, revoked is not a refusal: the employer sees it as not valid."""
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l

from eigendossier.core.errors import DomainError
from eigendossier.credentials import ParseError, parse_credential, sdjwt, sdjwtvc
from eigendossier.credentials.errors import CredentialError
from eigendossier.credentials.jws import looks_like_jws, parse_compact
from eigendossier.credentials.keys import b64url_encode
from eigendossier.credentials.limits import load_json
from eigendossier.dossier import verification
from eigendossier.openid4vp import dcql
from eigendossier.vcapi import service as vcapi

TRUSTED = ("verified", "verified_with_warnings")
CLOCK_SKEW_SECONDS = 300


class AnswerRefused(DomainError):
    status = 400
    slug = "vp-answer-refused"
    title = _l("This answer is not accepted")


@dataclass
class Answer:
    holder: str
    credentials: list[dict]


def _refuse(detail) -> AnswerRefused:
    return AnswerRefused(detail=detail)


def max_answer_bytes() -> int:
    return int(current_app.config.get("OPENID4VP_MAX_ANSWER_BYTES", 2 * 1024 * 1024))


def check_answer(vp_token: str, query: dcql.Query, *, nonce: str, audience: str) -> Answer:
    """The verified answer, or AnswerRefused saying what is wrong with it."""
    limits = verification.limits()
    if len(vp_token) > max_answer_bytes():
        raise _refuse(_l("The vp_token is too large."))
    try:
        token = load_json(vp_token.encode("utf-8"), limits, what="vp_token")
    except ParseError:
        raise _refuse(_l("The vp_token is not a JSON object.")) from None
    if not isinstance(token, dict) or not token:
        raise _refuse(_l("The vp_token is not a JSON object keyed by credential query ids."))
    holders: set[str] = set()
    credentials: list[dict] = []
    for query_id, presentations in token.items():
        asked = query.by_id(query_id)
        if asked is None:
            raise _refuse(_l("The vp_token answers a query we did not ask: %(id)s.",
                             id=query_id[:64]))
        if not isinstance(presentations, list) or not presentations or (
                len(presentations) > 1 and not asked.multiple):
            raise _refuse(_l("Each answer is a list of presentations (one, unless more "
                             "were asked for)."))
        for presented in presentations:
            holder, found = _presentation(presented, asked, nonce, audience)
            holders.add(holder)
            credentials += found
    if not dcql.satisfied(query, set(token)):
        raise _refuse(_l("The answer does not hold every credential that was asked for."))
    if len(holders) != 1:
        raise _refuse(_l("All presentations must come from one holder."))
    return Answer(holders.pop(), credentials)


def _presentation(presented, asked: dcql.CredentialQuery, nonce: str,
                  audience: str) -> tuple[str, list[dict]]:
    if asked.format == dcql.SD_JWT:
        return _sd_jwt(presented, asked, nonce, audience)
    if asked.format == "ldp_vc":
        holder, members = _data_integrity(presented, nonce, audience)
    else:
        holder, members = _vp_jwt(presented, nonce, audience)
    if not isinstance(members, list) or not members:
        raise _refuse(_l("A presentation holds no credential."))
    return holder, [_credential(member, asked) for member in members]


def _data_integrity(presented, nonce: str, audience: str) -> tuple[str, list]:
    if not isinstance(presented, dict):
        raise _refuse(_l("An ldp_vc answer is a presentation as a JSON object."))
    try:
        vcapi.presentation_format(presented)
        checks = vcapi.presentation_proof_checks(presented, {"challenge": nonce,
                                                             "domain": audience})
    except DomainError as error:
        raise _refuse(error.detail) from None
    if not checks or any(c.outcome != "pass" for c in checks):
        raise _refuse(_l("The presentation is not signed by its holder for this request "
                         "(nonce and client id)."))
    holder = presented.get("holder")
    holder = holder.get("id") if isinstance(holder, dict) else holder
    if not isinstance(holder, str):
        raise _refuse(_l("The presentation names no holder."))
    members = presented.get("verifiableCredential")
    return holder, members if isinstance(members, list) else [members]


def _vp_jwt(presented, nonce: str, audience: str) -> tuple[str, list]:
    if not isinstance(presented, str) or not looks_like_jws(presented):
        raise _refuse(_l("A jwt_vc_json answer is a VP-JWT."))
    try:
        jws = parse_compact(presented, verification.limits())
        payload = jws.payload_json(verification.limits())
        kid = jws.header.get("kid")
        resolved = verification.resolver().resolve(kid)
    except CredentialError:
        raise _refuse(_l("The VP-JWT cannot be read, or its key cannot be found.")) from None
    if not isinstance(payload, dict) or not jws.verify(resolved.key):
        raise _refuse(_l("The VP-JWT's signature does not hold."))
    audiences = payload.get("aud")
    audiences = audiences if isinstance(audiences, list) else [audiences]
    if payload.get("nonce") != nonce or audience not in audiences:
        raise _refuse(_l("The presentation is not signed by its holder for this request "
                         "(nonce and client id)."))
    _check_times(payload)
    document = payload.get("vp") if isinstance(payload.get("vp"), dict) else payload
    holder = document.get("holder") or payload.get("iss")
    if holder != resolved.controller or payload.get("iss", holder) != holder:
        raise _refuse(_l("The presentation is not signed by its holder."))
    members = document.get("verifiableCredential")
    return holder, members if isinstance(members, list) else [members]


def _sd_jwt(presented, asked: dcql.CredentialQuery, nonce: str,
            audience: str) -> tuple[str, list[dict]]:
    """An SD-JWT VC presentation (OpenID4VP B.3.5): the issuer's JWT with the disclosures
    the learner chose and a KB-JWT of the ``cnf`` key over them, our nonce and client id."""
    if not isinstance(presented, str) or not sdjwt.looks_like_sd_jwt(presented):
        raise _refuse(_l("A dc+sd-jwt answer is an SD-JWT with a key binding JWT."))
    limits = verification.limits()
    try:
        sd = sdjwtvc.verify_presentation(presented, audience=audience, nonce=nonce,
                                         now=int(datetime.now(UTC).timestamp()), limits=limits)
        parsed = parse_credential(presented.encode("ascii"), limits=limits)
        holder_jwk = sdjwt.public_jwk(sdjwt.holder_key(sd.payload))  # bound: checked above
    except CredentialError as error:
        raise _refuse(_l("The SD-JWT presentation does not hold: %(reason)s",
                         reason=error.message)) from None
    if not dcql.matches(asked, dcql.SD_JWT, parsed.document):
        raise _refuse(_l("A presented credential is not what was asked for."))
    holder = "did:jwk:" + b64url_encode(json.dumps(holder_jwk, separators=(",", ":"),
                                                   sort_keys=True).encode("utf-8"))
    shown = _shown(parsed.document, vcapi.verify(parsed), parsed.summary)
    disclosed = {c.id for c in asked.claims if c.id and dcql.select(parsed.document, c.path)}
    shown["withheld"] = [c.id for c in asked.claims if c.id and c.id not in disclosed]
    shown["disclosed"] = {c.id: _text(dcql.select(parsed.document, c.path))
                          for c in asked.claims if c.id in disclosed and c.id != "achievement"}
    return holder, [shown]


def _text(values: list) -> str:
    return ", ".join(str(v) for v in values if isinstance(v, str | int | float))


def _check_times(payload: dict) -> None:
    now = datetime.now(UTC).timestamp()
    expires, issued = payload.get("exp"), payload.get("iat")
    if isinstance(expires, int | float) and expires < now - CLOCK_SKEW_SECONDS:
        raise _refuse(_l("The presentation has expired."))
    if isinstance(issued, int | float) and issued > now + CLOCK_SKEW_SECONDS:
        raise _refuse(_l("The presentation was made in the future."))


def _credential(member, asked: dcql.CredentialQuery) -> dict:
    """One presented credential, verified, as the employer's page shows it."""
    try:
        parsed = vcapi.parse(member)
    except DomainError as error:
        raise _refuse(error.detail) from None
    fmt = "jwt_vc_json" if parsed.jws else "ldp_vc"
    if not dcql.matches(asked, fmt, parsed.document):
        raise _refuse(_l("A presented credential is not what was asked for."))
    return _shown(parsed.document, vcapi.verify(parsed), parsed.summary)


def _shown(document: dict, result, summary) -> dict:
    return {
        "title": summary.title or "",
        "issuer_name": summary.issuer_name or summary.issuer_id or "",
        "issuer_id": summary.issuer_id or "",
        "issued_on": summary.issued_on.isoformat() if summary.issued_on else None,
        "ec": summary.achievement.ec if summary.achievement else None,
        "status": result.status,
        "trusted": result.status in TRUSTED,
        "checks": [{"id": c.id, "outcome": c.outcome, "code": c.message_code,
                    "params": _plain(c.params), "message": c.message}
                   for c in result.checks if c.id != "recipient"],
    }


def _plain(params: dict) -> dict:
    return {k: v if isinstance(v, str | int | float | bool) or v is None else str(v)
            for k, v in params.items()}
