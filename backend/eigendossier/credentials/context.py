"""What a verification run needs from its caller: fetcher, key resolver, clock, learner ids."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .dids import DidResolver
from .errors import FetchError
from .fetching import Fetcher, fetch_json
from .limits import DEFAULT_LIMITS, Limits

CLOCK_SKEW = timedelta(minutes=5)


@dataclass
class VerifyContext:
    fetch: Fetcher
    resolver: DidResolver
    now: datetime
    limits: Limits = DEFAULT_LIMITS
    recipient_emails: tuple[str, ...] = ()
    recipient_ids: tuple[str, ...] = ()
    _documents: dict[str, Any] = field(default_factory=dict)
    read_at: dict[str, datetime] = field(default_factory=dict)

    def fetch_json(self, url: Any) -> Any:
        """Fetch JSON once per run (OB 2.0 graphs reference the same nodes repeatedly)."""
        if not isinstance(url, str):
            raise FetchError(str(url), "not an http(s) URL")
        if url not in self._documents:
            self._documents[url] = fetch_json(self.fetch, url, self.limits)
        return self._documents[url]


    def fetch_status_list(self, url: Any) -> Any:
        """A status list, fetched anew (a revocation shows at once); when it cannot be
        fetched, a copy the resolver kept stands in. When it was read goes into the check."""
        try:
            document = self.fetch_json(url)
        except FetchError:
            kept = self.resolver.recall(url)
            if kept is None:
                raise
            document, self.read_at[url] = kept
            return document
        self.read_at[url] = self.resolver.remember(url, document)
        return document


def identity_matches(
    identity: str, salt: str | None, hashed: bool, candidates: tuple[str, ...]
) -> bool:
    """Open Badges recipient identity: plain, or ``sha256$hex`` / ``md5$hex`` of value+salt.

    Email addresses compare case-insensitively (lower-cased before hashing, as issuers do).
    """
    if not hashed:
        return identity.strip().lower() in {c.strip().lower() for c in candidates}
    algorithm, _, digest = identity.partition("$")
    if algorithm not in ("sha256", "md5") or not digest:
        return False
    for candidate in candidates:
        for value in {candidate.strip(), candidate.strip().lower()}:
            data = (value + (salt or "")).encode("utf-8")
            computed = hashlib.new(algorithm, data, usedforsecurity=False).hexdigest()
            if computed == digest.lower():
                return True
    return False
