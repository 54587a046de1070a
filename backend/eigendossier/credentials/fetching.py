"""The injected fetcher: the library never opens a network connection itself.

A fetcher is any callable ``fetch(url) -> (body_bytes, content_type)`` that raises on failure.
The Flask app passes a guarded HTTP client (no private addresses, time limits); tests pass a
URL → file map. Whatever the fetcher raises is reported as a :class:`FetchError`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import FetchError, ParseError
from .limits import DEFAULT_LIMITS, Limits, load_json

Fetcher = Callable[[str], tuple[bytes, str]]


def no_fetch(url: str) -> tuple[bytes, str]:
    """The default fetcher: offline, every URL is unavailable."""
    raise FetchError(url, "offline")


def fetch_bytes(fetch: Fetcher, url: str, limits: Limits = DEFAULT_LIMITS) -> tuple[bytes, str]:
    """Call the fetcher and apply the response size limit."""
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise FetchError(str(url), "not an http(s) URL")
    try:
        body, content_type = fetch(url)
    except FetchError:
        raise
    except Exception as exc:  # the fetcher is foreign code: any failure means "unavailable"
        raise FetchError(url, type(exc).__name__) from exc
    if len(body) > limits.max_fetch_bytes:
        raise FetchError(url, "response too large")
    return body, content_type or ""


def fetch_json(fetch: Fetcher, url: str, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Fetch a URL and parse it as JSON under the JSON limits."""
    body, _ = fetch_bytes(fetch, url, limits)
    try:
        return load_json(body, limits, what="fetched document")
    except ParseError as exc:
        raise FetchError(url, exc.code) from exc
