"""Security headers on every response (the CSRF token, bound to the sign-in session, is
`accounts.cookies`')."""
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


def mark_static_file():
    """The response is one of the PWA's files: no page headers, no CSRF cookie."""
    g.static_file = True


_LOWER = {key: key.lower() for key, _ in (*SECURITY_HEADERS, *FILE_HEADERS)}
_SECURITY_NAMES = frozenset(_LOWER[key] for key, _ in SECURITY_HEADERS)


def add_security_headers(response):
    """Every header a view did not set itself (one pass over the response's headers: this
    runs on every request, and each ``setdefault`` scanned them all again). A response
    without any of them (most) gets the whole precomputed set at once."""
    headers = response.headers
    present = {key.lower() for key, _ in headers.items()}
    static_file = g.get("static_file", False)
    if not static_file and present.isdisjoint(_SECURITY_NAMES):
        headers.extend(SECURITY_HEADERS)
    else:
        for key, value in FILE_HEADERS if static_file else SECURITY_HEADERS:
            if _LOWER[key] not in present:
                headers.add(key, value)
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    return response
