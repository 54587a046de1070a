"""The browser's two cookies: the sign-in session and the CSRF token bound to it.

CSRF protection is a double submit: a `csrf_token` cookie that scripts of our own origin can
read and echo in the `X-CSRF-Token` header. While a session cookie is present the token is an
HMAC of that cookie under the app's secret key, so a token taken from one session is refused
with another, and signing in (a new session) gives a new token, set with the session cookie.
Without a session the cookie holds a random token of its own."""
import hmac
import secrets
from functools import lru_cache

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l
from werkzeug.http import dump_cookie

from eigendossier.accounts import sessions
from eigendossier.core.arguments import SAFE_METHODS
from eigendossier.core.errors import DomainError

SESSION_COOKIE = "ed_session"
CSRF_COOKIE = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class CsrfFailed(DomainError):
    status = 403
    slug = "csrf"
    title = _l("The request could not be confirmed")
    detail = _l("Reload the page and try again.")


def cookie_secure() -> bool:
    setting = current_app.config["SESSION_COOKIE_SECURE"]
    return request.is_secure if setting == "auto" else bool(setting)


def csrf_token_of(session_token: str) -> str:
    """The CSRF token that goes with a session cookie (nothing to store: it is derived)."""
    key = current_app.secret_key
    key = key.encode() if isinstance(key, str) else key
    return hmac.digest(key, b"csrf:" + session_token.encode(), "sha256").hex()


def _set_csrf_cookie(response, token: str) -> None:
    response.set_cookie(CSRF_COOKIE, token, samesite="Lax", secure=cookie_secure(), path="/")


@lru_cache(maxsize=1024)
def _csrf_cookie_header(token: str, secure: bool) -> str:
    """The Set-Cookie header of a session's CSRF token: the same on every request of that
    session, so written once per process (keep_csrf_cookie runs on every request). The token
    is no secret of ours (scripts read it); the session cookie is not kept."""
    return dump_cookie(CSRF_COOKIE, token, samesite="Lax", secure=secure, path="/")


def set_session_cookie(response, token: str):
    """Sign this browser in with the session `token`, and give it that session's CSRF token."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=current_app.config["SESSION_LIFETIME_DAYS"] * 86400,
        httponly=True,
        samesite="Lax",
        secure=cookie_secure(),
        path="/",
    )
    _set_csrf_cookie(response, csrf_token_of(token))
    return response


def clear_session_cookie(response):
    """Sign this browser out; the ended session's CSRF token gives way to a random one."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="Lax")
    _set_csrf_cookie(response, secrets.token_urlsafe(32))
    return response


def _expected_csrf_token() -> str:
    session = request.cookies.get(SESSION_COOKIE)
    if not session:
        return request.cookies.get(CSRF_COOKIE, "")
    found = sessions.remembered(session)
    return _remembered_csrf_token(session, found.memo if found is not None else None)


CSRF_FREE = "eigendossier.csrf_free_blueprints"


def free_of_csrf(app, blueprint_name: str) -> None:
    """Machine-to-machine endpoints (the VC-API) that never read a cookie: a forged request
    from a browser gains nothing there, and their callers have no CSRF cookie to echo."""
    app.extensions.setdefault(CSRF_FREE, set()).add(blueprint_name)


def check_csrf():
    """Refuse an unsafe request whose header is not the token of this browser's session
    (signed out: the token of its cookie)."""
    if request.method in SAFE_METHODS:
        return
    if request.blueprint in current_app.extensions.get(CSRF_FREE, ()):
        return
    expected = _expected_csrf_token()
    header = request.headers.get(CSRF_HEADER, "")
    if not expected or not hmac.compare_digest(expected.encode(), header.encode()):
        raise CsrfFailed()


def _remembered_csrf_token(session_token: str, memo: dict | None) -> str:
    """The session's CSRF token, derived once per remembered sign-in answer: kept in its memo
    (see ``sessions.SignedIn``), which belongs to this same session cookie. The HMAC was a
    twentieth of the CPU of a signed-in GET, and as much of checking an unsafe request's
    header (before the view, so the memo is looked up here, not taken from ``g``)."""
    if memo is None:
        return csrf_token_of(session_token)
    token = memo.get("csrf_token")
    if token is None:
        token = memo["csrf_token"] = csrf_token_of(session_token)
    return token


def keep_csrf_cookie(response):
    """The CSRF cookie holds the token this browser must echo: set when it is missing or
    belongs to another session, unless the view just signed in or out (and set it). The
    PWA's own files (modules, styles, images) carry no cookie: they are cached for a year."""
    if g.get("static_file", False):
        return response
    if any(h.startswith(f"{CSRF_COOKIE}=") for h in response.headers.getlist("Set-Cookie")):
        return response
    cookies = request.cookies
    session = cookies.get(SESSION_COOKIE)
    if session:
        token = _remembered_csrf_token(session, g.get("sign_in_memo"))
        if cookies.get(CSRF_COOKIE) != token:
            response.headers.add("Set-Cookie", _csrf_cookie_header(token, cookie_secure()))
    elif CSRF_COOKIE not in cookies:
        _set_csrf_cookie(response, secrets.token_urlsafe(32))
    return response
