"""Security headers on every response, added by a WSGI middleware on the way out (the CSRF
token, bound to the sign-in session, is `accounts.cookies`')."""
from flask import g, request

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
])

PERMISSIONS_POLICY = "camera=(self), geolocation=(), microphone=(), payment=(), usb=()"


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


# What a file that is not a page or a worker needs (a module, a style sheet, an image): the
# other headers act on documents only, and sent with each of the PWA's files they were a
# third of what a phone downloaded for them.
FILE_HEADERS = (("X-Content-Type-Options", "nosniff"),)


STATIC_FILE = "eigendossier.static_file"
HSTS = ("Strict-Transport-Security", "max-age=63072000; includeSubDomains")


def mark_static_file():
    """The response is one of the PWA's files: no page headers, no CSRF cookie."""
    g.static_file = True
    request.environ[STATIC_FILE] = True


_SECURITY_NAMES = frozenset(key.lower() for key, _ in SECURITY_HEADERS)


def secured(headers: list[tuple[str, str]], static_file: bool, https: bool) -> list:
    """The response's headers with every security header it does not set itself. A
    response without any of them (most) gets the whole precomputed set at once."""
    present = {key.lower() for key, _ in headers}
    wanted = FILE_HEADERS if static_file else SECURITY_HEADERS
    if static_file or not present.isdisjoint(_SECURITY_NAMES):
        wanted = tuple((key, value) for key, value in wanted if key.lower() not in present)
    if https and HSTS[0].lower() not in present:
        wanted = (*wanted, HSTS)
    return [*headers, *wanted]


class SecurityHeaders:
    """WSGI middleware: the security headers, added to the header list as the response
    starts, after Flask and Werkzeug are done with it. In an after-request hook each header
    was checked for newlines when added and again when Werkzeug copied the headers for
    sending, on every request: a tenth of a small GET's CPU."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            headers = secured(headers, environ.get(STATIC_FILE, False),
                              environ.get("wsgi.url_scheme") == "https")
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)
