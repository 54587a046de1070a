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
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from pyld import jsonld
from pyld.context_resolver import ContextResolver

from . import fastrdf
from .errors import CredentialError
from .memo import DocumentMemo

CONTEXT_DIR = Path(__file__).with_name("contexts")


class ContextRefused(CredentialError):
    """A document names a JSON-LD context that is not pinned in the package."""


class _LockedLRU(LRUCache[Any, Any]):
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
_INLINE_BY_ID = _LockedLRU(maxsize=1024)


class _PinnedContextResolver(ContextResolver):  # type: ignore[misc]  # pyld is untyped
    """pyld keys every inline (scoped) context by its JCS canonical form, recomputed on every
    use: a third of a verification. The inline contexts of pinned documents are the same
    objects each time, so they are looked up by identity first. The cache holds the object
    itself, so its id cannot be reused while the entry lives."""

    def resolve(
        self, active_ctx: dict[str, Any], context: Any, base: str, cycles: set[str] | None = None
    ) -> list[Any]:
        if isinstance(context, dict) and "@context" in context:
            context = context["@context"]
        if not isinstance(context, list):
            context = [context]
        out: list[Any] = []
        for ctx in context:
            hit = _INLINE_BY_ID.get(id(ctx)) if isinstance(ctx, dict) else None
            if hit is not None and hit[0] is ctx:
                out.append(hit[1])
                continue
            resolved = super().resolve(active_ctx, ctx, base, cycles)
            if isinstance(ctx, dict) and len(resolved) == 1:
                _INLINE_BY_ID[id(ctx)] = (ctx, resolved[0])
            out.extend(resolved)
        return out


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
    document: dict[str, Any] = json.loads(data)
    _register_inline(document)
    return document


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


_PROCESSED = _LockedLRU(maxsize=4096)


class _MemoProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]  # pyld is untyped
    """pyld with processed contexts memoised across documents.

    pyld caches a processed context per (resolved context, active context id), but a
    type-scoped context is applied to a fresh clone with a fresh id, so a credential's
    ``AchievementSubject``, ``Achievement``… contexts are processed anew on every call: most
    of a verification. Processing is a pure function of the active context, the local context
    and the flags, and pyld's results are frozen, so the result is kept keyed by the active
    context's id and the local context: by value for URLs, by identity for the inline
    contexts of pinned documents (the key holds the object, so its id is not reused). Local
    contexts written inside a credential are not memoised. ``test_cred_linkeddata_fast``
    checks that the canonical N-Quads equal plain pyld's on generated credentials.
    """

    def _process_context(
        self,
        active_ctx: dict[str, Any],
        local_ctx: Any,
        options: dict[str, Any],
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: set[str] | None = None,
    ) -> dict[str, Any]:
        key = _memo_key(active_ctx, local_ctx, options, override_protected, propagate)
        if key is None or validate_scoped is not True or cycles:
            processed: dict[str, Any] = super()._process_context(
                active_ctx,
                local_ctx,
                options,
                override_protected,
                propagate,
                validate_scoped,
                cycles,
            )
            return processed
        hit = _PROCESSED.get(key[0])
        if hit is not None and all(a is b for a, b in zip(hit[0], key[1], strict=True)):
            remembered: dict[str, Any] = hit[1]
            return remembered
        result: dict[str, Any] = super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped
        )
        _PROCESSED[key[0]] = (key[1], result)
        return result


def _memo_key(
    active_ctx: Any,
    local_ctx: Any,
    options: dict[str, Any],
    override_protected: bool,
    propagate: bool,
) -> tuple[tuple[Any, ...], tuple[Any, ...]] | None:
    """(hashable key, objects that must be identical) or None when not memoisable."""
    uuid = active_ctx.get("_uuid") if isinstance(active_ctx, dict) else None
    if uuid is None:
        return None
    items = local_ctx if isinstance(local_ctx, list) else [local_ctx]
    parts: list[Any] = []
    held: list[Any] = [active_ctx]
    for item in items:
        if isinstance(item, str) and is_pinned(item):
            parts.append(item)
        elif isinstance(item, dict) and id(item) in _PINNED_INLINE:
            parts.append(("inline", id(item)))
            held.append(item)
        else:
            return None
    key = (uuid, tuple(parts), options.get("base", ""), override_protected, propagate)
    return key, tuple(held)


_PINNED_INLINE: set[int] = set()


def _register_inline(node: Any) -> None:
    """Remember the ids of every object inside a pinned context (they live forever)."""
    if isinstance(node, dict):
        _PINNED_INLINE.add(id(node))
        for value in node.values():
            _register_inline(value)
    elif isinstance(node, list):
        for value in node:
            _register_inline(value)


def _options() -> dict[str, Any]:
    return {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": document_loader,
        "contextResolver": _PinnedContextResolver(_SHARED_CACHE, document_loader),
    }


def canonicalize(document: dict[str, Any]) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document (URDNA2015 in pyld's naming).

    Only pinned contexts ever load, so the result is a function of the document alone: it is
    remembered per document (a few hundred), which makes checking the same credential again
    (the employer's page re-verifying stale results) cost a signature check, not a
    canonicalisation of tens of milliseconds.
    """
    return _CANONICAL.get_or_compute(document, lambda: _normalize(document))


_CANONICAL = DocumentMemo(maxsize=512)


def _normalize(document: dict[str, Any]) -> str:
    """RDFC-1.0 of the fast dataset when ``fastrdf`` handles the document, else pyld's."""
    processor, options = _MemoProcessor(), _options()
    try:
        dataset = fastrdf.to_dataset(processor, document, options)
    except fastrdf.Unsupported:
        return _normalize_with_pyld(processor, document, options)
    return fastrdf.canonical_nquads(dataset)


def _normalize_with_pyld(processor: Any, document: dict[str, Any], options: dict[str, Any]) -> str:
    with _pyld_errors():
        canonical: str = processor.normalize(document, options)
    return canonical


@contextmanager
def _pyld_errors() -> Iterator[None]:
    """pyld's failures in our words: a refused context as itself, the rest as a failed
    canonicalisation (pyld does not check every shape: an @context of 4 or of [4] fails
    inside it with a TypeError or the like)."""
    try:
        yield
    except jsonld.JsonLdError as exc:
        refused = _refused_cause(exc)
        if refused is not None:
            raise refused from exc
        raise CredentialError(
            "proof.canonicalization_failed", f"JSON-LD processing failed: {exc}", detail=str(exc)
        ) from exc
    except (TypeError, ValueError, IndexError, KeyError, AttributeError) as exc:
        raise CredentialError(
            "proof.canonicalization_failed", "The JSON-LD is malformed.", detail=type(exc).__name__
        ) from exc


def _refused_cause(exc: BaseException) -> ContextRefused | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ContextRefused):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def dropped_terms(document: dict[str, Any]) -> list[str]:
    """Properties and types of ``document`` that its contexts do not define: JSON-LD drops
    them (or keeps a type as a relative IRI), so an RDFC proof does not cover them (Data
    Integrity 1.0, 4.1: a DATA_LOSS_DETECTION_ERROR). Empty when every term is defined."""
    dropped: list[str] = []
    processor = jsonld.JsonLdProcessor(
        on_property_dropped=lambda term: dropped.append(str(term))
    )
    options = _options()
    for name in ("algorithm", "format"):
        options.pop(name)
    options["base"] = None  # an undefined type stays relative instead of joining a base
    with _pyld_errors():
        expanded = processor.expand(document, options)
    return dropped + _relative_types(expanded)


def _relative_types(node: Any) -> list[str]:
    found: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            types = item.get("@type", [])
            for value in types if isinstance(types, list) else [types]:
                if isinstance(value, str) and ":" not in value:
                    found.append(value)
            stack.extend(v for k, v in item.items() if k != "@type")
    return found


def compact(document: dict[str, Any], context: Any) -> dict[str, Any]:
    """Compact ``document`` against ``context`` with the pinned loader."""
    options = _options()
    for name in ("algorithm", "format"):
        options.pop(name)
    compacted: dict[str, Any] = jsonld.compact(document, context, options)
    return compacted
