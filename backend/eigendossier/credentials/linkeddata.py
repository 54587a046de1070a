"""JSON-LD processing with pinned contexts only, and RDFC-1.0 canonicalisation.

The VC specifications expect verifiers to use local copies of well-known contexts: a remote
context is code that changes what a signature means. The loader below serves only the files
shipped in ``contexts/`` (see ``contexts/URLS.txt``, licence in ``contexts/LICENSE``) and
refuses every other URL.

pyld is slow at processing large contexts, so resolved contexts are kept in a process-wide,
lock-protected LRU cache of our own (not pyld's global one, which another loader could fill).
"""

from __future__ import annotations

import hashlib
import json
import threading
from functools import cache
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from pyld import jsonld
from pyld.context_resolver import ContextResolver

from .errors import CredentialError

CONTEXT_DIR = Path(__file__).with_name("contexts")


class ContextRefused(CredentialError):
    """A document names a JSON-LD context that is not pinned in the package."""


class _LockedLRU(LRUCache):
    """pyld's ContextResolver mutates its shared cache; guard it for threaded servers."""

    def __init__(self, maxsize: int) -> None:
        super().__init__(maxsize=maxsize)
        self._lock = threading.RLock()

    def __getitem__(self, key: Any) -> Any:
        with self._lock:
            return super().__getitem__(key)

    def __setitem__(self, key: Any, value: Any) -> None:
        with self._lock:
            super().__setitem__(key, value)

    def get(self, key: Any, default: Any = None) -> Any:
        with self._lock:
            return super().get(key, default)


_SHARED_CACHE = _LockedLRU(maxsize=256)


@cache
def pinned_urls() -> dict[str, Path]:
    """Context URL → local file, from ``contexts/URLS.txt``."""
    mapping: dict[str, Path] = {}
    for line in (CONTEXT_DIR / "URLS.txt").read_text(encoding="utf-8").splitlines():
        if line.strip():
            url, name = line.split()
            mapping[url] = CONTEXT_DIR / Path(name).name
    return mapping


@cache
def pinned_hashes() -> dict[str, str]:
    """File name → SHA-256 hex digest, from ``contexts/SHA256SUMS``."""
    lines = (CONTEXT_DIR / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (line.split() for line in lines if line.strip())}


@cache
def _load_pinned(url: str) -> dict[str, Any]:
    """Load a pinned context, refusing a file that is not the one pinned by hash."""
    path = pinned_urls()[url]
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != pinned_hashes().get(path.name):
        raise ContextRefused(
            "proof.context_refused", f"The bundled context for {url} has changed.", url=url
        )
    return json.loads(data)


def is_pinned(url: str) -> bool:
    return url in pinned_urls()


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld document loader that serves only pinned contexts."""
    if not is_pinned(url):
        raise ContextRefused(
            "proof.context_refused", f"JSON-LD context {url} is not a pinned context.", url=url
        )
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": _load_pinned(url),
        "tag": "static",
    }


def unknown_contexts(document: dict[str, Any]) -> list[str]:
    """Context URLs in a document's top-level ``@context`` that are not pinned."""
    contexts = document.get("@context", [])
    if not isinstance(contexts, list):
        contexts = [contexts]
    return [c for c in contexts if isinstance(c, str) and not is_pinned(c)]


def _options() -> dict[str, Any]:
    return {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": document_loader,
        "contextResolver": ContextResolver(_SHARED_CACHE, document_loader),
    }


def canonicalize(document: dict[str, Any]) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document (URDNA2015 in pyld's naming)."""
    try:
        return jsonld.normalize(document, _options())
    except jsonld.JsonLdError as exc:
        refused = _refused_cause(exc)
        if refused is not None:
            raise refused from exc
        raise CredentialError(
            "proof.canonicalization_failed", f"JSON-LD processing failed: {exc}", detail=str(exc)
        ) from exc


def _refused_cause(exc: BaseException) -> ContextRefused | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ContextRefused):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def compact(document: dict[str, Any], context: Any) -> dict[str, Any]:
    """Compact ``document`` against ``context`` with the pinned loader."""
    options = _options()
    for name in ("algorithm", "format"):
        options.pop(name)
    return jsonld.compact(document, context, options)
