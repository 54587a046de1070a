"""Who may keep an API answer. An answer under /api/v1 is taken to hold a learner's data, so
it gets `Cache-Control: no-store` (kept by neither the browser's HTTP cache nor a proxy)
unless its view is marked with :func:`public_answer`. The service worker keeps the last
answers for offline use in a cache of its own, which it empties on sign-out."""
from functools import wraps

from flask import g, request

API_PREFIX = "/api/v1/"
PERSONAL = "no-store"
# Public answers may be kept, but are checked again before each use (the catalogue changes).
PUBLIC = "public, no-cache"


def public_answer(view):
    """Mark a view whose answers hold no personal data."""
    @wraps(view)
    def marked(*args, **kwargs):
        g.public_answer = True
        return view(*args, **kwargs)

    return marked


def add_cache_headers(response):
    """no-store on every API answer but the successful ones of views marked public; a view's
    own `public` Cache-Control is kept."""
    if not request.path.startswith(API_PREFIX):
        return response
    # getlist, not get: get raises and catches a KeyError (a Werkzeug exception, built) when
    # the header is missing, as on most answers.
    own = response.headers.getlist("Cache-Control")
    if own and own[0].startswith("public") and response.status_code < 400:
        return response
    if g.get("public_answer") and response.status_code < 400:
        response.headers["Cache-Control"] = PUBLIC
    else:
        response.headers["Cache-Control"] = PERSONAL
    return response
