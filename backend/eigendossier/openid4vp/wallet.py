"""The wallet: the learner opens an employer's ``openid4vp://`` link, sees who asks for what,
picks credentials and answers by ``direct_post`` with presentations signed by their holder
key over the verifier's nonce and client id.

The request is fetched only through the guarded outbound client and read strictly: a signed
request object (``typ: oauth-authz-req+jwt``) for the ``decentralized_identifier:`` prefix
(did:key, did:web: the signing key must be the DID's), or parameters by value for the
``redirect_uri:`` prefix (unsigned by definition; the answer then goes to that very URI), or
``x509_san_dns:`` (a certificate chain to configured anchors, see x509.py). Other prefixes
(``x509_hash:``, federation, attestation, pre-registered) are refused plainly.

Between opening and answering nothing is stored: the checked request travels to the PWA and
back in a handle signed with SECRET_KEY, bound to the account and valid for ten minutes."""
import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from eigendossier.accounts.models import Account
from eigendossier.core import audit, outbound
from eigendossier.core.errors import DomainError, InvalidInput
from eigendossier.core.extensions import db
from eigendossier.credentials import FetchError, parse_credential, sdjwt, sdjwtvc
from eigendossier.credentials.errors import CredentialError, ParseError
from eigendossier.credentials.jws import parse_compact
from eigendossier.credentials.keys import from_multikey
from eigendossier.credentials.limits import load_json
from eigendossier.dossier import service as dossier
from eigendossier.dossier import verification
from eigendossier.dossier.holder import holder_key
from eigendossier.openid4vp import dcql, x509
from eigendossier.openid4vp.models import SentPresentation
from eigendossier.sharing import presentation, presenting

SCHEME = "openid4vp"
MAX_LINK = 8 * 1024
MAX_REQUEST_OBJECT = 64 * 1024
HANDLE_SECONDS = 600
REQUEST_TYPE = "oauth-authz-req+jwt"
BY_REFERENCE = frozenset({"client_id", "request_uri", "request_uri_method"})
PROTOCOL = frozenset({"client_id", "response_type", "response_mode", "response_uri", "nonce",
                      "state", "dcql_query", "client_metadata"})
JWT_CLAIMS = frozenset({"iss", "aud", "iat", "exp", "nbf", "jti"})
DID_PREFIX = "decentralized_identifier:"
REDIRECT_PREFIX = "redirect_uri:"
X509_PREFIX = "x509_san_dns:"


class RequestRefused(DomainError):
    status = 422
    slug = "vp-request-refused"
    title = _l("This request for proof cannot be answered")


class RequestUnreachable(DomainError):
    status = 502
    slug = "vp-request-unreachable"
    title = _l("The request for proof could not be fetched")


class HandleInvalid(DomainError):
    status = 410
    slug = "vp-handle-expired"
    title = _l("This request for proof is no longer open")
    detail = _l("Open the link or scan the QR code again.")


class VerifierRefused(DomainError):
    status = 502
    slug = "vp-verifier-refused"
    title = _l("The employer's service did not accept the answer")


def _refuse(detail) -> RequestRefused:
    return RequestRefused(detail=detail)


# -- opening a request -------------------------------------------------------------------------


def _parameters(link: str) -> dict[str, str]:
    link = (link or "").strip()
    if len(link) > MAX_LINK:
        raise _refuse(_l("The link is too long."))
    parts = urlsplit(link)
    if parts.scheme != SCHEME:
        raise _refuse(_l("This is not an openid4vp:// link."))
    try:
        raw = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True,
                       max_num_fields=20)
    except ValueError:
        raise _refuse(_l("The link's parameters cannot be read.")) from None
    if any(len(values) != 1 for values in raw.values()):
        raise _refuse(_l("A parameter appears more than once in the link."))
    return {name: values[0] for name, values in raw.items()}


def _unknown(names, allowed: frozenset) -> None:
    unknown = set(names) - allowed
    if unknown:
        raise _refuse(_l("The request holds parameters we do not support: %(names)s.",
                         names=", ".join(sorted(unknown)[:10])))


def _fetch_request(uri: str) -> str:
    try:
        body, _type = outbound.fetcher().fetch(
            uri, max_bytes=MAX_REQUEST_OBJECT,
            accept="application/oauth-authz-req+jwt, application/jwt;q=0.9")
    except FetchError as error:
        detail = _l("The request object is larger than 64 kB.") \
            if "too large" in str(error) else _l("Its address cannot be reached (%(reason)s).",
                                                  reason=error.params.get("reason", ""))
        raise RequestUnreachable(detail=detail) from None
    return body.decode("utf-8", errors="replace").strip()


def _signed_request(token: str, client_id: str) -> dict:
    """The claims of a request object signed by the key the ``client_id`` names."""
    limits = verification.limits()
    try:
        jws = parse_compact(token, limits)
        claims = jws.payload_json(limits)
    except CredentialError:
        raise _refuse(_l("The request object is not a signed JWT.")) from None
    if jws.header.get("typ") != REQUEST_TYPE:
        raise _refuse(_l("The request object is not typed oauth-authz-req+jwt."))
    if not isinstance(claims, dict) or claims.get("client_id") != client_id:
        raise _refuse(_l("The request object names another client_id than the link."))
    if client_id.startswith(REDIRECT_PREFIX):
        raise _refuse(_l("A redirect_uri client may not sign its request: it has no key."))
    if client_id.startswith(DID_PREFIX):
        _did_signed(jws, client_id.removeprefix(DID_PREFIX))
    elif client_id.startswith(X509_PREFIX):
        _certificate_signed(jws, claims, client_id.removeprefix(X509_PREFIX))
    else:
        raise _refuse(_l("This kind of verifier identifier is not supported: %(id)s.",
                         id=client_id.split(":", 1)[0][:40]))
    _unknown(claims, PROTOCOL | JWT_CLAIMS)
    _check_times(claims)
    return claims


def _did_signed(jws, did: str) -> None:
    kid = jws.header.get("kid")
    if not isinstance(kid, str) or not kid.startswith(did + "#"):
        raise _refuse(_l("The request object is not signed with a key of %(did)s.", did=did))
    try:
        resolved = verification.resolver().resolve(kid)
    except CredentialError:
        raise _refuse(_l("The verifier's key cannot be found.")) from None
    if resolved.controller != did or not jws.verify(resolved.key):
        raise _refuse(_l("The request object's signature does not hold."))


def _certificate_signed(jws, claims: dict, dns_name: str) -> None:
    """x509_san_dns: a chain to our anchors naming the DNS name, and the answer goes there."""
    try:
        key = x509.signing_key(jws.header.get("x5c"), dns_name)
    except x509.CertificateRefused as error:
        raise _refuse(_l("The verifier's certificate is not accepted: %(reason)s.",
                         reason=str(error))) from None
    if not jws.verify(key):
        raise _refuse(_l("The request object's signature does not hold."))
    response_uri = claims.get("response_uri")
    if urlsplit(response_uri if isinstance(response_uri, str) else "").hostname != dns_name:
        raise _refuse(_l("The answer would go to another host than the certificate names."))


def _check_times(claims: dict) -> None:
    now = datetime.now(UTC).timestamp()
    expires, not_before = claims.get("exp"), claims.get("nbf")
    if isinstance(expires, int | float) and expires <= now:
        raise _refuse(_l("The request has expired. Ask for a new QR code."))
    if isinstance(not_before, int | float) and not_before > now + 300:
        raise _refuse(_l("The request is not valid yet."))


def _by_value(params: dict[str, str]) -> dict:
    """Parameters in the link itself: only for a ``redirect_uri:`` client, unsigned."""
    _unknown(params, PROTOCOL)
    if not params.get("client_id", "").startswith(REDIRECT_PREFIX):
        raise _refuse(_l("A request in the link itself is only accepted from a redirect_uri "
                         "client; others must sign theirs."))
    claims: dict = dict(params)
    for name in ("dcql_query", "client_metadata"):
        if name in claims:
            try:
                claims[name] = load_json(claims[name], what=name)
            except ParseError:
                raise _refuse(_l("%(name)s is not JSON.", name=name)) from None
    if claims.get("response_uri") != claims["client_id"].removeprefix(REDIRECT_PREFIX):
        raise _refuse(_l("A redirect_uri client must receive the answer at that very URI."))
    return claims


def _checked(claims: dict) -> dict:
    """What we use of a request, checked."""
    if claims.get("response_type") != "vp_token":
        raise _refuse(_l("Only response_type vp_token is supported."))
    if claims.get("response_mode") != "direct_post":
        raise _refuse(_l("Only response_mode direct_post is supported."))
    nonce, state = claims.get("nonce"), claims.get("state")
    if not isinstance(nonce, str) or not 1 <= len(nonce) <= 512:
        raise _refuse(_l("The request has no nonce."))
    if state is not None and (not isinstance(state, str) or len(state) > 512):
        raise _refuse(_l("The request's state is not valid."))
    response_uri = claims.get("response_uri")
    parts = urlsplit(response_uri if isinstance(response_uri, str) else "")
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise _refuse(_l("The request has no valid response_uri."))
    try:
        dcql.parse_query(claims.get("dcql_query"))
    except dcql.QueryRefused as error:
        raise _refuse(_l("The request's DCQL query is not valid: %(reason)s.",
                         reason=str(error))) from None
    metadata = claims.get("client_metadata") or {}
    name = metadata.get("client_name") if isinstance(metadata, dict) else None
    return {"client_id": claims["client_id"], "response_uri": response_uri, "nonce": nonce,
            "state": state, "query": claims["dcql_query"],
            "name": name[:120] if isinstance(name, str) else ""}


def open_request(account: Account, link: str) -> dict:
    """Read a link, fetch and check its request, and say who asks for what and which of the
    learner's credentials fit; nothing is stored."""
    params = _parameters(link)
    if "request_uri" in params:
        _unknown(params, BY_REFERENCE)
        if params.get("request_uri_method", "get") != "get":
            raise _refuse(_l("Only request_uri_method get is supported."))
        if "client_id" not in params:
            raise _refuse(_l("The link has no client_id."))
        claims = _signed_request(_fetch_request(params["request_uri"]), params["client_id"])
    else:
        claims = _by_value(params)
    request = _checked(claims)
    return {**describe(request), "handle": _serializer().dumps({**request, "a": account.id}),
            "candidates": candidates(account, dcql.parse_query(request["query"]))}


def verifier_host(client_id: str, response_uri: str) -> str:
    """Who asks, as far as it can be checked: the host of a did:web or redirect URI."""
    if client_id.startswith(DID_PREFIX + "did:web:"):
        return unquote(client_id.removeprefix(DID_PREFIX + "did:web:").split(":")[0])
    if client_id.startswith(REDIRECT_PREFIX):
        return urlsplit(client_id.removeprefix(REDIRECT_PREFIX)).netloc
    if client_id.startswith(X509_PREFIX):
        return client_id.removeprefix(X509_PREFIX)
    return ""


def describe(request: dict) -> dict:
    query = dcql.parse_query(request["query"])
    return {
        "client_id": request["client_id"],
        "verifier_host": verifier_host(request["client_id"], request["response_uri"]),
        "verifier_name": request["name"],
        "response_host": urlsplit(request["response_uri"]).netloc,
        "asks": [{"id": q.id, "format": q.format,
                  "types": [t for group in q.type_values for t in group] or list(q.vct_values),
                  "values": dcql.asked_values(q), "withholdable": dcql.withholdable(q)}
                 for q in query.credentials],
    }


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="openid4vp-wallet")


# -- which credentials fit ---------------------------------------------------------------------


def _presentable(account: Account):
    """(credential, format, parsed, carried) of each Verifiable Credential in the dossier; an
    SD-JWT VC only when bound (cnf) to the learner's holder key, which signs its KB-JWT."""
    holder_public = None
    for found in dossier.credentials(account):
        if found.format == sdjwtvc.FORMAT:
            if holder_public is None:
                holder_public = from_multikey(holder_key(account.id).public_multikey)
            text = sdjwtvc.text_of(found.original)
            try:
                parsed = parse_credential(found.original, limits=verification.limits())
                bound = sdjwt.holder_key(sdjwt.parse(text).payload) == holder_public
            except CredentialError:
                continue
            if bound:
                yield found, dcql.SD_JWT, parsed, text
            continue
        if found.format not in presentation.VC_FORMATS:
            continue
        try:
            parsed = parse_credential(found.original, limits=verification.limits())
        except CredentialError:
            continue
        carried = presentation.embeddable(parsed)
        if carried is not None:
            yield found, ("jwt_vc_json" if parsed.jws else "ldp_vc"), parsed, carried


def candidates(account: Account, query: dcql.Query) -> list[dict]:
    out = []
    for found, fmt, parsed, _carried in _presentable(account):
        fits = [q.id for q in query.credentials if dcql.matches(q, fmt, parsed.document)]
        if fits:
            verdict = found.verification.status if found.verification else "unverifiable"
            out.append({"credential_id": found.id, "title": found.summary.get("title") or "",
                        "issuer_name": found.summary.get("issuer_name") or "",
                        "status": verdict, "query_id": fits[0]})
    return out


# -- answering -----------------------------------------------------------------------------------


def _request_of(account: Account, handle: str) -> dict:
    try:
        request = _serializer().loads(handle, max_age=HANDLE_SECONDS)
    except SignatureExpired:
        raise HandleInvalid() from None
    except BadSignature:
        raise HandleInvalid() from None
    if request.get("a") != account.id:
        raise HandleInvalid()
    return request


def answer(account: Account, handle: str, credential_ids: list[int],
           consent: bool, withhold: set[str] | None = None) -> SentPresentation:
    """Send the chosen credentials, each in a presentation bound to this request. Of an
    SD-JWT VC only the claims asked and not in ``withhold`` are disclosed."""
    request = _request_of(account, handle)
    if not consent:
        raise InvalidInput(errors={"consent": [str(_l("Confirm that you want to show these "
                                                      "credentials."))]})
    query = dcql.parse_query(request["query"])
    chosen = {found.id: (fmt, parsed, carried)
              for found, fmt, parsed, carried in _presentable(account)}
    grouped: dict[str, list] = {}
    for credential_id in dict.fromkeys(credential_ids):
        dossier.credential(account, credential_id)  # another's: 404
        fits = chosen.get(credential_id)
        query_id = next((q.id for q in query.credentials
                         if fits and dcql.matches(q, fits[0], fits[1].document)), None)
        if query_id is None:
            raise InvalidInput(errors={"credential_ids": [str(_l(
                "A chosen credential is not what was asked for."))]})
        grouped.setdefault(query_id, []).append(
            (fits[2], fits[1].document) if fits[0] == dcql.SD_JWT else fits[2])
    if not dcql.satisfied(query, set(grouped)) or any(
            len(items) > 1 and not query.by_id(qid).multiple for qid, items in grouped.items()):
        raise InvalidInput(errors={"credential_ids": [str(_l(
            "Choose one credential for each question asked."))]})
    token = _vp_token(account, request, query, grouped, withhold or set())
    _post(request, {"vp_token": json.dumps(token, ensure_ascii=False)})
    return _record(account, request, list(dict.fromkeys(credential_ids)))


def _vp_token(account: Account, request: dict, query: dcql.Query, grouped: dict,
              withhold: set[str]) -> dict:
    holder = presenting.holder(account.id)
    token = {}
    for query_id, carried in grouped.items():
        asked = query.by_id(query_id)
        if asked.format == dcql.SD_JWT:
            token[query_id] = [_sd_jwt_presentation(holder, asked, text, document, request,
                                                    withhold) for text, document in carried]
        elif asked.format == "ldp_vc":
            token[query_id] = [presentation.sign_data_integrity(
                holder, carried, domain=request["client_id"], challenge=request["nonce"])]
        else:
            token[query_id] = [presentation.sign_jwt(
                holder, carried, audience=request["client_id"], nonce=request["nonce"])]
    return token


def _sd_jwt_presentation(holder, asked: dcql.CredentialQuery, text: str, document: dict,
                         request: dict, withhold: set[str]) -> str:
    """The SD-JWT with only the claims of the first claim set the learner lets through, and
    a KB-JWT over it for this verifier (aud = client_id) and request (nonce)."""
    paths = dcql.disclosure_for(asked, document, withhold)
    if asked.claims and not paths:
        raise InvalidInput(errors={"withhold": [str(_l(
            "Without these fields the credential does not answer the question."))]})

    def keep(item: sdjwt.Disclosed) -> bool:
        return any(item.path[:len(path)] == path for path in paths)

    return sdjwt.present(sdjwt.parse(text), keep, holder_key=holder.private_key, alg="EdDSA",
                         audience=request["client_id"], nonce=request["nonce"],
                         issued_at=int(datetime.now(UTC).timestamp()))


def _post(request: dict, form: dict) -> None:
    if request.get("state") is not None:
        form["state"] = request["state"]
    try:
        status, _body, _type = outbound.fetcher().post_form(request["response_uri"], form,
                                                            max_bytes=64 * 1024)
    except FetchError as error:
        raise VerifierRefused(detail=_l("Its address cannot be reached (%(reason)s).",
                                        reason=error.params.get("reason", ""))) from None
    if status != 200:
        raise VerifierRefused(detail=_l("It answered with HTTP status %(status)s.",
                                        status=status))


def _record(account: Account, request: dict, credential_ids: list[int]) -> SentPresentation:
    sent = SentPresentation(account_id=account.id, client_id=request["client_id"][:500],
                            verifier_name=request["name"],
                            response_host=urlsplit(request["response_uri"]).netloc[:255],
                            credential_ids=credential_ids)
    db.session.add(sent)
    db.session.flush()
    audit.record("openid4vp.presented", account.id, subject=sent,
                 verifier=verifier_host(request["client_id"], request["response_uri"])
                 or sent.response_host, credentials=len(credential_ids))
    db.session.commit()
    return sent


def decline(account: Account, handle: str) -> None:
    """Tell the verifier the learner said no (``error=access_denied``), and note it."""
    request = _request_of(account, handle)
    _post(request, {"error": "access_denied"})
    audit.record("openid4vp.declined", account.id,
                 verifier=verifier_host(request["client_id"], request["response_uri"])
                 or urlsplit(request["response_uri"]).netloc)
    db.session.commit()


def sent_by(account: Account) -> list[SentPresentation]:
    return db.session.scalars(db.select(SentPresentation).filter_by(account_id=account.id)
                              .order_by(SentPresentation.sent_at.desc(),
                                        SentPresentation.id.desc())).all()
