"""Parse and verify Open Badges 2.0 / 3.0 and other W3C Verifiable Credentials.

A pure library: no Flask, no database, no network of its own (pass a ``fetch`` callable).

    parsed = parse_credential(upload_bytes)             # ParseError when unreadable
    result = verify_credential(parsed, fetch=guarded_fetch, recipient_emails=[...])
    result.status, result.checks, result.summary
"""

from .baking import bake_png, bake_svg, unbake_png, unbake_svg
from .dids import DidResolver, ResolvedKey
from .errors import CredentialError, FetchError, KeyResolutionError, ParseError
from .fetching import Fetcher, no_fetch
from .limits import DEFAULT_LIMITS, Limits
from .model import (
    CHECK_IDS,
    Achievement,
    Check,
    CredentialSummary,
    ParsedCredential,
    VerificationResult,
)
from .parse import parse_credential
from .verify import verify_credential

__all__ = [
    "CHECK_IDS",
    "DEFAULT_LIMITS",
    "Achievement",
    "Check",
    "CredentialError",
    "CredentialSummary",
    "DidResolver",
    "FetchError",
    "Fetcher",
    "KeyResolutionError",
    "Limits",
    "ParseError",
    "ParsedCredential",
    "ResolvedKey",
    "VerificationResult",
    "bake_png",
    "bake_svg",
    "no_fetch",
    "parse_credential",
    "unbake_png",
    "unbake_svg",
    "verify_credential",
]
