"""Sign in with OpenID Connect (eduID and other providers), authorization-code flow.

authlib keeps `state` and `nonce` in the signed Flask session between the redirect and the
callback, and checks both, the ID token's signature (the provider's JWKS), issuer, audience
and expiry on return."""
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, abort, current_app, redirect, url_for
from flask_babel import lazy_gettext as _l
from joserfc.errors import JoseError
from requests import RequestException

from eigendossier.accounts import service
from eigendossier.accounts.api import start_session
from eigendossier.accounts.cookies import set_session_cookie
from eigendossier.core.errors import DomainError

bp = Blueprint("oidc", __name__, url_prefix="/auth/oidc")


class OidcFailed(DomainError):
    status = 401
    slug = "oidc-failed"
    title = _l("Signing in with your provider did not work")
    detail = _l("Please try again. If it keeps failing, sign in with your email address.")


def init_app(app) -> None:
    # A registry per app: authlib caches a client by name for good, so one shared registry
    # would keep serving the first app's provider settings to every later app.
    oauth = OAuth(app)
    for name, settings in (app.config.get("OIDC_PROVIDERS") or {}).items():
        oauth.register(
            name=name,
            client_id=settings["client_id"],
            client_secret=settings.get("client_secret"),
            server_metadata_url=settings["server_metadata_url"],
            client_kwargs={"scope": settings.get("scope", "openid email profile")},
            overwrite=True,
        )


def _client(provider: str):
    if provider not in (current_app.config.get("OIDC_PROVIDERS") or {}):
        abort(404)
    return current_app.extensions["authlib.integrations.flask_client"].create_client(provider)


@bp.get("/<provider>/login")
def login(provider: str):
    """Send the browser to the provider, with a fresh state and nonce."""
    redirect_uri = url_for("oidc.callback", provider=provider, _external=True)
    return _client(provider).authorize_redirect(redirect_uri)


@bp.get("/<provider>/callback")
def callback(provider: str):
    """Back from the provider: check everything, then sign in (creating the account once)."""
    client = _client(provider)
    try:
        # authlib checks only the issuer by default; the audience must be us (OIDC Core 3.1.3.7).
        token = client.authorize_access_token(claims_options={
            "iss": {"essential": True, "value": client.load_server_metadata().get("issuer")},
            "aud": {"essential": True, "value": client.client_id},
        })
    # The ID token's claim checks raise joserfc's errors, which are neither of the others.
    except (AuthlibBaseError, JoseError, ValueError, RequestException) as error:
        current_app.logger.info("oidc sign-in refused by %s: %s", provider, type(error).__name__)
        raise OidcFailed() from None
    claims = token.get("userinfo") or {}
    if not claims.get("sub"):
        raise OidcFailed()
    account = service.account_for_oidc(
        provider,
        str(claims["sub"]),
        claims.get("email"),
        bool(claims.get("email_verified")),
        claims.get("name"),
    )
    response = redirect("/")
    return set_session_cookie(response, start_session(account, method=provider))
