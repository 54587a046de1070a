"""Resolve a verification method reference to a public key.

Accepted references: ``did:key`` (Ed25519, P-256), ``did:web`` (DID document fetched through
the injected fetcher, cached for a short time), an HTTPS key or controller document, and the
``<controller>#<multikey>`` form the 1EdTech validator accepts, where the key is written in
the fragment. The last form proves nothing about who controls the key, so the result says
``confirmed=False`` unless the controller document, when it can be fetched, lists the key.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urldefrag

from .errors import FetchError, KeyResolutionError
from .fetching import Fetcher, fetch_json, no_fetch
from .keys import PublicKey, from_multikey, from_verification_method
from .limits import DEFAULT_LIMITS, Limits

MULTIKEY_PREFIXES = ("z6Mk", "zDn", "z82")


@dataclass(frozen=True)
class ResolvedKey:
    """A key and what is known about it.

    ``controller`` is who the key's source says controls it; ``confirmed`` is true when that
    claim comes from the controller itself (did:key is self-certifying; did:web and key
    documents are served by the controller's host).
    """

    key: PublicKey
    method_id: str
    controller: str | None
    confirmed: bool
    source: str
    checked_at: datetime | None = None  # when a fetched document was read (did:web)


class DidResolver:
    """Resolve DIDs and key URLs through a fetcher, with a cache of the documents read.

    A copy younger than ``ttl_seconds`` is reused as it is. When a fetch fails, a copy up to
    ``max_stale_seconds`` old stands in for it (an offline phone still gets a result), and
    the result says when that copy was read (``checked_at``), so the app can show its age.
    The cache also serves status lists (:meth:`fetch_dated`).
    """

    def __init__(
        self,
        fetch: Fetcher | None = None,
        *,
        limits: Limits = DEFAULT_LIMITS,
        ttl_seconds: float = 300.0,
        max_stale_seconds: float = 30 * 24 * 3600.0,
        max_entries: int = 256,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.fetch = fetch or no_fetch
        self.limits = limits
        self.ttl = ttl_seconds
        self.max_stale = max_stale_seconds
        self.max_entries = max_entries
        self.clock = clock
        self.wall_clock = wall_clock
        self._cache: dict[str, tuple[float, Any, datetime]] = {}
        self._lock = threading.Lock()

    # -- documents -------------------------------------------------------------------------

    def fetch_document(self, url: str) -> Any:
        """Fetch JSON at ``url``; a fresh cached copy is reused (failures are not cached)."""
        return self.fetch_dated(url)[0]

    def fetch_dated(self, url: str) -> tuple[Any, datetime]:
        """(document, when it was read): fresh from cache, fetched, or a stale copy when the
        fetch fails."""
        now = self.clock()
        with self._lock:
            hit = self._cache.get(url)
        if hit and hit[0] > now:
            return hit[1], hit[2]
        try:
            document = fetch_json(self.fetch, url, self.limits)
        except FetchError:
            kept = self.recall(url)
            if kept is None:
                raise
            return kept
        return document, self.remember(url, document)

    def remember(self, url: str, document: Any) -> datetime:
        """Keep a document read just now; returns when."""
        now, read_at = self.clock(), self.wall_clock()
        with self._lock:
            if len(self._cache) >= self.max_entries:
                self._evict(now)
            self._cache[url] = (now + self.ttl, document, read_at)
        return read_at

    def recall(self, url: str) -> tuple[Any, datetime] | None:
        """A copy read at most ``max_stale_seconds`` ago, with when it was read."""
        now = self.clock()
        with self._lock:
            hit = self._cache.get(url)
        if hit and now - (hit[0] - self.ttl) <= self.max_stale:
            return hit[1], hit[2]
        return None

    def _read_at(self, url: str) -> datetime | None:
        with self._lock:
            hit = self._cache.get(url)
        return hit[2] if hit else None

    def _evict(self, now: float) -> None:
        stale = now - self.max_stale
        for key in [k for k, (expiry, *_) in self._cache.items() if expiry - self.ttl < stale]:
            del self._cache[key]
        while len(self._cache) >= self.max_entries:
            del self._cache[next(iter(self._cache))]

    def resolve_did(self, did: str) -> dict[str, Any]:
        """The DID document of a ``did:key`` or ``did:web``."""
        if did.startswith("did:key:"):
            return did_key_document(did)
        if did.startswith("did:web:"):
            return self._did_web_document(did)
        raise _unsupported_did(did)

    def _did_web_document(self, did: str) -> dict[str, Any]:
        url = did_web_url(did)
        try:
            document = self.fetch_document(url)
        except FetchError as exc:
            raise KeyResolutionError(
                "key.unavailable", f"DID document {url} unavailable", retryable=True, url=url
            ) from exc
        if not isinstance(document, dict) or document.get("id") != did:
            raise KeyResolutionError(
                "key.did_document_invalid", f"{url} is not the DID document of {did}", did=did
            )
        return document

    # -- verification methods ----------------------------------------------------------------

    def resolve(self, reference: Any) -> ResolvedKey:
        """Resolve a ``verificationMethod`` / ``kid`` reference for assertion."""
        if not isinstance(reference, str) or not reference:
            raise _invalid_reference(str(reference))
        scheme = reference.split(":", 1)[0] if ":" in reference else ""
        if scheme == "did":
            if reference.startswith("did:key:"):
                return resolve_did_key(reference)
            resolved = self._resolve_did_url(reference)
            if reference.startswith("did:web:"):
                read_at = self._read_at(did_web_url(reference.split("#", 1)[0]))
                resolved = replace(resolved, checked_at=read_at)
            return resolved
        if scheme in ("https", "http"):
            return self._resolve_http(reference)
        if not scheme:
            raise _invalid_reference(reference)
        raise KeyResolutionError(
            "key.unsupported_scheme",
            f"Verification method {reference} uses an unsupported scheme.",
            reference=reference,
            scheme=scheme,
        )

    def _resolve_did_url(self, reference: str) -> ResolvedKey:
        did, fragment = urldefrag(reference)
        return _method_key(self.resolve_did(did), did, reference, fragment)

    def _resolve_http(self, reference: str) -> ResolvedKey:
        base, fragment = urldefrag(reference)
        if fragment.startswith(MULTIKEY_PREFIXES):
            return self._resolve_fragment_key(reference, base, fragment)
        try:
            document = self.fetch_document(base)
        except FetchError as exc:
            raise KeyResolutionError(
                "key.unavailable",
                f"Key document {base} unavailable",
                retryable=True,
                url=base,
            ) from exc
        method = _method_in_document(document, reference, fragment)
        controller = method.get("controller") or method.get("owner")
        return ResolvedKey(from_verification_method(method), reference, controller, True, "url")

    def _resolve_fragment_key(self, reference: str, base: str, fragment: str) -> ResolvedKey:
        key = from_multikey(fragment)  # raises key.malformed for a damaged multikey
        confirmed = self._controller_lists(base, reference, key)
        return ResolvedKey(key, reference, base, confirmed, "fragment")

    def _controller_lists(self, base: str, reference: str, key: PublicKey) -> bool:
        """Best effort: does the controller's own document list this key?"""
        try:
            document = self.fetch_document(base)
            method = _method_in_document(document, reference, urldefrag(reference)[1])
            return _same_key(method, key)
        except (FetchError, KeyResolutionError):
            return False


@lru_cache(maxsize=256)
def resolve_did_key(reference: str) -> ResolvedKey:
    """The key a ``did:key`` URL names. It depends on the string alone (the key is the
    identifier), so the result is kept, keyed by the whole reference: an issuer's key is
    decoded once, not on every verification. A refusal (malformed key, a fragment naming
    another key) raises and is not kept."""
    did, fragment = urldefrag(reference)
    if not fragment:
        fragment = did[len("did:key:") :]
        reference = f"{did}#{fragment}"
    return _method_key(did_key_document(did), did, reference, fragment)


def _method_key(document: dict[str, Any], did: str, reference: str, fragment: str) -> ResolvedKey:
    method = find_method(document, reference, fragment)
    return ResolvedKey(
        key=from_verification_method(method),
        method_id=_absolute_id(method.get("id", reference), did),
        controller=method.get("controller", did),
        confirmed=True,
        source=did.split(":")[1] if did.count(":") >= 2 else "did",
    )


def _same_key(method: dict[str, Any], key: PublicKey) -> bool:
    try:
        return from_verification_method(method).to_multikey() == key.to_multikey()
    except (KeyResolutionError, ValueError):
        return False


def _method_in_document(document: Any, reference: str, fragment: str) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise KeyResolutionError("key.document_invalid", "Key document is not an object.")
    if document.get("id") == reference and _has_key_material(document):
        return document
    return find_method(document, reference, fragment, require_assertion=False)


def _has_key_material(node: dict[str, Any]) -> bool:
    return any(k in node for k in ("publicKeyMultibase", "publicKeyJwk", "publicKeyPem"))


def _absolute_id(method_id: str, did: str) -> str:
    return did + method_id if method_id.startswith("#") else method_id


def find_method(
    document: dict[str, Any], reference: str, fragment: str, *, require_assertion: bool = True
) -> dict[str, Any]:
    """Find the verification method ``reference`` in a DID / controller document.

    With ``require_assertion`` the method must also be listed under ``assertionMethod``.
    """
    base = document.get("id", "")
    wanted = {reference, "#" + fragment} if fragment else {reference}
    candidates = _as_list(document.get("verificationMethod")) + [
        m for m in _as_list(document.get("assertionMethod")) if isinstance(m, dict)
    ]
    for method in candidates:
        if isinstance(method, dict) and (
            method.get("id") in wanted or _absolute_id(str(method.get("id")), base) == reference
        ):
            if require_assertion and not _listed_for_assertion(document, method, base):
                raise KeyResolutionError(
                    "key.not_assertion_method",
                    f"{reference} is not an assertion method of its controller.",
                    reference=reference,
                )
            return method
    raise KeyResolutionError(
        "key.method_not_found",
        f"Verification method {reference} not found in its controller document.",
        reference=reference,
    )


def _listed_for_assertion(document: dict[str, Any], method: dict[str, Any], base: str) -> bool:
    method_id = _absolute_id(str(method.get("id")), base)
    for entry in _as_list(document.get("assertionMethod")):
        entry_id = entry.get("id") if isinstance(entry, dict) else entry
        if isinstance(entry_id, str) and _absolute_id(entry_id, base) == method_id:
            return True
    return False


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def did_key_document(did: str) -> dict[str, Any]:
    """Expand a ``did:key`` into its DID document (the key is the identifier itself)."""
    multikey = did[len("did:key:") :]
    if not multikey.startswith(MULTIKEY_PREFIXES):
        raise KeyResolutionError("key.malformed", f"Unsupported did:key {did}", detail=did)
    from_multikey(multikey)
    method_id = f"{did}#{multikey}"
    method = {
        "id": method_id,
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": multikey,
    }
    return {
        "id": did,
        "verificationMethod": [method],
        "assertionMethod": [method_id],
        "authentication": [method_id],
    }


def did_web_url(did: str) -> str:
    """The HTTPS URL of a ``did:web`` DID document (W3C CCG did:web, "Read")."""
    parts = did[len("did:web:") :].split(":")
    host = unquote(parts[0])
    if not host or "/" in host or "@" in host:
        raise KeyResolutionError("key.malformed", f"Invalid did:web {did}", detail=did)
    path = "/".join(unquote(p) for p in parts[1:])
    if ".." in path.split("/"):
        raise KeyResolutionError("key.malformed", f"Invalid did:web {did}", detail=did)
    return f"https://{host}/{path}/did.json" if path else f"https://{host}/.well-known/did.json"


def _unsupported_did(did: str) -> KeyResolutionError:
    method = did.split(":")[1] if did.count(":") >= 2 else did
    return KeyResolutionError(
        "key.unsupported_did_method",
        f"DID method {method} is not supported.",
        did=did,
        method=method,
    )


def _invalid_reference(reference: str) -> KeyResolutionError:
    return KeyResolutionError(
        "key.invalid_reference",
        f"Verification method {reference!r} is not a URI.",
        reference=reference,
    )
