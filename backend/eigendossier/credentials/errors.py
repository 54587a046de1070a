"""Exceptions of the credentials library.

Every exception carries a stable ``code`` (for the app to translate) and ``params`` (values to
fill into the translated message); ``str(exc)`` is an English default.
"""

from __future__ import annotations

from typing import Any


class CredentialError(Exception):
    """Base class: a code, its parameters and an English default message."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params
        self.message = message


class ParseError(CredentialError):
    """The input cannot be read as a credential at all; nothing should be stored.

    Codes start with ``parse.``, e.g. ``parse.too_large``, ``parse.unknown_format``,
    ``parse.json_invalid``, ``parse.png_no_credential``, ``parse.svg_unsafe``.
    """


class FetchError(CredentialError):
    """The injected fetcher could not (or may not) retrieve a URL."""

    def __init__(self, url: str, reason: str = "unavailable") -> None:
        super().__init__("fetch.failed", f"Could not fetch {url}: {reason}", url=url, reason=reason)
        self.url = url


class KeyResolutionError(CredentialError):
    """A verification key could not be found or is malformed.

    ``retryable`` is true when the cause was a failed fetch (the key may resolve later), false
    when the reference itself is wrong (unknown scheme, malformed key, mismatching controller).
    """

    def __init__(self, code: str, message: str, *, retryable: bool = False, **params: Any):
        super().__init__(code, message, **params)
        self.retryable = retryable


class SignatureError(CredentialError):
    """A signature or JWS is malformed or does not verify."""
