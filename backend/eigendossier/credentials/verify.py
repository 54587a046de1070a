"""Entry point: verify a parsed credential (or raw input) and derive its status."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from .checks import overall_status
from .context import VerifyContext
from .dids import DidResolver
from .fetching import Fetcher, no_fetch
from .limits import DEFAULT_LIMITS, Limits
from .model import CHECK_IDS, Check, ParsedCredential, VerificationResult
from .ob2 import verify_ob2
from .ob3 import verify_vc
from .parse import parse_credential
from .sdjwtvc import FORMAT as SD_JWT_VC
from .sdjwtvc import verify as verify_sd_jwt_vc


def verify_credential(
    credential: ParsedCredential | bytes | str,
    *,
    fetch: Fetcher | None = None,
    now: datetime | None = None,
    recipient_emails: Iterable[str] = (),
    recipient_ids: Iterable[str] = (),
    limits: Limits = DEFAULT_LIMITS,
    resolver: DidResolver | None = None,
) -> VerificationResult:
    """Verify a credential. Raises :class:`ParseError` only for unparseable raw input.

    ``fetch(url) -> (bytes, content_type)`` is the only way out to the network (default:
    offline). ``now`` fixes the clock for tests. ``recipient_emails`` are the learner's
    verified addresses, ``recipient_ids`` their DIDs/URLs, for the recipient check.
    ``resolver`` lets the app share a :class:`DidResolver` (and its TTL cache) between runs.
    """
    fetch = fetch or no_fetch
    parsed = credential
    if not isinstance(parsed, ParsedCredential):
        parsed = parse_credential(parsed, limits=limits, fetch=fetch)
    ctx = VerifyContext(
        fetch=fetch,
        resolver=resolver or DidResolver(fetch, limits=limits),
        now=(now or datetime.now(UTC)).astimezone(UTC),
        limits=limits,
        recipient_emails=tuple(recipient_emails),
        recipient_ids=tuple(recipient_ids),
    )
    run = (verify_ob2 if parsed.format.startswith("ob2")
           else verify_sd_jwt_vc if parsed.format == SD_JWT_VC else verify_vc)
    checks, summary = run(parsed, ctx)
    checks = ordered(checks)
    return VerificationResult(overall_status(checks), checks, summary)


_POSITION = {check_id: position for position, check_id in enumerate(CHECK_IDS)}


def ordered(checks: list[Check]) -> list[Check]:
    """Checks in the fixed order of :data:`CHECK_IDS` (stable within one id)."""
    return sorted(checks, key=lambda check: _POSITION[check.id])
