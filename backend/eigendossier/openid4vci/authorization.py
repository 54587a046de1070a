"""The authorization code flow with PKCE at an institution's issuer: a wallet sends the
learner to ``/issuers/<slug>/openid4vci/authorize``; the learner, signed in to Eigen Dossier,
sees which wallet (by its redirect address) asks for which of their awards, and gives or
refuses it. A given award becomes a short-lived, single-use authorization code bound to the
wallet's client id, redirect URI and S256 code challenge; the token endpoint (``oauth.py``)
trades it for the same one-credential token as a pre-authorized code.

Wallets are public clients without registration: the client id is what the wallet calls
itself, and the learner decides, seeing where the answer goes.
"""
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from eigendossier.accounts.models import Account
from eigendossier.core import audit
from eigendossier.core.errors import DomainError
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.credentials.oid4vci import pkce_challenge
from eigendossier.issuing import service as issuing
from eigendossier.issuing.models import IssuedCredential, IssuerProfile
from eigendossier.openid4vci import issuer
from eigendossier.openid4vci.models import AUTHORIZATION_CODE, VciOffer, digest

CODE_SECONDS = 300
SCOPE = "OpenBadgeCredential"
REFUSED_SCHEMES = {"javascript", "data", "file", "vbscript", "blob", "about"}


class AuthorizationRequestInvalid(DomainError):
    status = 400
    slug = "openid4vci-authorization-invalid"
    title = _l("This request from a wallet is not valid")
    detail = _l("Nothing was given to the wallet. Start again from your wallet.")


@dataclass(frozen=True)
class AuthorizationRequest:
    client_id: str
    redirect_uri: str
    code_challenge: str
    state: str

    @property
    def wallet_host(self) -> str:
        parts = urlsplit(self.redirect_uri)
        return parts.hostname or f"{parts.scheme}:"

    def fields(self) -> dict:
        return {"client_id": self.client_id, "redirect_uri": self.redirect_uri,
                "code_challenge": self.code_challenge, "state": self.state}


def _bad(reason: str) -> AuthorizationRequestInvalid:
    return AuthorizationRequestInvalid(errors={"request": [reason]})


def read_request(args) -> AuthorizationRequest:
    """The wallet's authorization request, checked; errors are shown to the learner, never
    sent to a redirect URI nobody has vouched for."""
    if args.get("response_type") != "code":
        raise _bad("response_type must be code")
    client_id = args.get("client_id") or ""
    if not 0 < len(client_id) <= 200:
        raise _bad("client_id is required")
    redirect_uri = args.get("redirect_uri") or ""
    parts = urlsplit(redirect_uri)
    if (not 0 < len(redirect_uri) <= 1000 or not parts.scheme or parts.fragment
            or parts.scheme.lower() in REFUSED_SCHEMES
            or (parts.scheme in ("http", "https") and not parts.hostname)
            or (parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost",
                                                                  "::1"))):
        raise _bad("redirect_uri must be https, a loopback http address or an app's scheme")
    if args.get("code_challenge_method") != "S256":
        raise _bad("PKCE with code_challenge_method S256 is required")
    challenge = args.get("code_challenge") or ""
    if not 43 <= len(challenge) <= 128:
        raise _bad("code_challenge is required")
    scopes = (args.get("scope") or "").split()
    if SCOPE not in scopes and "openid_credential" not in (args.get("authorization_details")
                                                            or ""):
        raise _bad(f"ask for scope {SCOPE} (or authorization_details openid_credential)")
    state = args.get("state") or ""
    if len(state) > 500:
        raise _bad("state is too long")
    return AuthorizationRequest(client_id, redirect_uri, challenge, state)


def consent_token(account: Account, request: AuthorizationRequest) -> str:
    """Ties the consent form to this learner and this request: a page elsewhere cannot post
    a consent, and a changed field does not pass."""
    key = hashlib.sha256(b"eigendossier/openid4vci-consent|"
                         + str(current_app.config["SECRET_KEY"]).encode()).digest()
    message = "|".join([str(account.id), *request.fields().values()]).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def awards_for(account: Account, slug: str) -> tuple[IssuerProfile, list[IssuedCredential]]:
    """The learner's awards from this institution that can still be handed out."""
    profile = issuing.public_profile(slug)
    rows = db.session.scalars(
        db.select(IssuedCredential).filter_by(profile_id=profile.id, account_id=account.id,
                                              revoked_at=None)
        .order_by(IssuedCredential.issued_at.desc())).all()
    return profile, list(rows)


def redirect_with(request: AuthorizationRequest, **params: str) -> str:
    if request.state:
        params["state"] = request.state
    separator = "&" if urlsplit(request.redirect_uri).query else "?"
    return request.redirect_uri + separator + urlencode(params)


def decide(account: Account, slug: str, request: AuthorizationRequest, token: str,
           issued_id: int | None) -> str:
    """The learner's answer: the URL the browser goes to next (the wallet's redirect URI,
    with a code, or with error=access_denied)."""
    if not hmac.compare_digest(consent_token(account, request), token or ""):
        raise _bad("the consent form does not belong to this request")
    profile, rows = awards_for(account, slug)
    if issued_id is None:
        return redirect_with(request, error="access_denied")
    row = next((r for r in rows if r.id == issued_id), None)
    if row is None:
        raise _bad("choose one of your credentials")
    code = secrets.token_urlsafe(32)
    db.session.add(VciOffer(
        issued_credential_id=row.id, code_digest=digest(code), flow=AUTHORIZATION_CODE,
        client_id=request.client_id, redirect_uri=request.redirect_uri,
        code_challenge=request.code_challenge, created_by_id=account.id,
        expires_at=utcnow() + timedelta(seconds=CODE_SECONDS)))
    audit.record("credential.authorized", account.id, subject=row, wallet=request.wallet_host,
                 institution=profile.institution.name)
    db.session.commit()
    return redirect_with(request, code=code, iss=issuer.issuer_id(profile))


def redeem_authorization_code(slug: str, code: str, client_id: str, redirect_uri: str,
                              verifier: str) -> VciOffer:
    """Token endpoint, grant authorization_code: the code of this client, sent back to the
    same redirect URI, with the verifier of its PKCE challenge; once."""
    profile = issuing.public_profile(slug)
    offer = issuer.live_offer(profile, code, AUTHORIZATION_CODE)
    if offer is None:
        raise issuer.ProtocolError("invalid_grant", "The code is unknown, used or expired.")
    if not hmac.compare_digest(offer.client_id, client_id or "") \
            or not hmac.compare_digest(offer.redirect_uri, redirect_uri or ""):
        raise issuer.ProtocolError("invalid_grant", "The code was given to another client or "
                                                    "redirect URI.")
    if not 43 <= len(verifier or "") <= 128:
        raise issuer.ProtocolError("invalid_request", "code_verifier is required.")
    expected = pkce_challenge(verifier)
    if not hmac.compare_digest(expected, offer.code_challenge):
        raise issuer.ProtocolError("invalid_grant", "The code_verifier does not match.")
    return issuer.claim(offer)
