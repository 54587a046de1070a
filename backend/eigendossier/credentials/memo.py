"""Remember results that are a function of a JSON document alone (canonical forms, schema
violations), so checking the same credential again costs a hash, not the work.

Keys are the SHA-256 of the document's marshal serialisation (version 0: no references, no
interned strings, so equal documents give equal bytes whatever objects they share). It tells
the JSON types apart (``1``, ``1.0``, ``True``, ``"1"``) and follows the order of the keys, so
the same document with its keys in another order is worked out again: a miss, never a wrong
hit. It is a quarter of the cost of the JSON with sorted keys, which issuing paid for every
credential. A document that is not plain JSON types (subclasses included) gets no key and is
simply not remembered.
"""

from __future__ import annotations

import hashlib
import marshal
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

from cachetools import LRUCache

T = TypeVar("T")


class DocumentMemo:
    """A bounded, thread-safe memo: ``memo.get_or_compute(parts, compute)``."""

    def __init__(self, maxsize: int = 512) -> None:
        self._cache: LRUCache[bytes, Any] = LRUCache(maxsize=maxsize)
        self._lock = threading.Lock()
        _ALL.append(self)

    def get_or_compute(self, parts: Any, compute: Callable[[], T]) -> T:
        key = document_key(parts)
        if key is None:
            return compute()
        with self._lock:
            if key in self._cache:
                # The key is a hash of the parts, and one memo serves one kind of compute.
                return cast(T, self._cache[key])
        value = compute()
        with self._lock:
            self._cache[key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()


_ALL: list[DocumentMemo] = []


def forget_all() -> None:
    """Empty every memo (benchmarks of a first verification call this each time)."""
    for memo in _ALL:
        memo.clear()


def document_key(parts: Any) -> bytes | None:
    try:
        data = marshal.dumps(parts, 0)
    except ValueError:  # not marshallable, or nested too deeply
        return None
    return hashlib.sha256(data).digest()
