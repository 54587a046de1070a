"""Run a call with the fast JSON-LD → RDF path switched off, so a benchmark can print the
plain-pyld ratio next to the fast one in the same run (same machine, same load)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from eigendossier.credentials import fastrdf, linkeddata


def _decline(*args: Any, **kwargs: Any) -> Any:
    raise fastrdf.Unsupported("benchmark: pyld only")


@contextmanager
def pyld_only() -> Iterator[None]:
    original = linkeddata.fastrdf.to_dataset
    linkeddata.fastrdf.to_dataset = _decline
    try:
        yield
    finally:
        linkeddata.fastrdf.to_dataset = original


def slow(call: Callable[[], object]) -> Callable[[], object]:
    """``call`` with every canonicalisation done by pyld alone."""
    def wrapped() -> object:
        with pyld_only():
            return call()
    return wrapped
