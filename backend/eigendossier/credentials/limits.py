"""Size and shape limits applied before anything is parsed, and the project's one strict JSON
parser (the app's request bodies go through it too)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .errors import ParseError

MB = 1024 * 1024
# A credential's numbers: at most 100 digits (badges count credits and hours, not atoms).
MAX_JSON_INT = 10**100 - 1


@dataclass(frozen=True)
class Limits:
    """Caps on hostile input. Defaults suit a learner's upload; tests may lower them."""

    max_file_bytes: int = 5 * MB
    max_json_bytes: int = 1 * MB
    max_json_depth: int = 64
    max_png_chunks: int = 1024
    # A badge image's size as its header declares it (a decompression bomb for whoever shows it).
    max_png_pixels: int = 8192 * 8192
    max_inflated_bytes: int = 1 * MB
    max_jws_header_bytes: int = 8 * 1024
    max_jws_bytes: int = 1 * MB
    max_fetch_bytes: int = 1 * MB
    max_status_list_bits: int = 16 * 1024 * 1024 * 8
    max_jsonld_objects: int = 1000


DEFAULT_LIMITS = Limits()

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def check_size(data: bytes | str, limit: int, what: str) -> None:
    """Refuse ``data`` longer than ``limit`` bytes (or characters) before touching it."""
    if len(data) > limit:
        raise ParseError(
            "parse.too_large",
            f"The {what} is larger than the limit of {limit} bytes.",
            what=what,
            limit=limit,
            size=len(data),
        )


def json_depth(text: str) -> int:
    """Maximum nesting of ``text`` measured without parsing it (strings are skipped)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def count_objects(value: Any) -> int:
    """Number of JSON objects in ``value``.

    RDF canonicalisation can be driven into exponential work by crafted blank-node graphs and
    pyld has no work budget; real badges have a few dozen objects, so a cap keeps
    canonicalisation to documents of a sane shape.
    """
    count, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            count += 1
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Duplicate keys make a signed document mean different things to different parsers."""
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise ParseError("parse.json_duplicate_key", f"Duplicate JSON key {key!r}.", key=key)
        obj[key] = value
    return obj


def _no_constants(name: str) -> Any:
    raise ParseError("parse.json_invalid", f"JSON constant {name} is not allowed.", detail=name,
                     refused="constant")


def _finite_float(text: str) -> float:
    """``1e999`` is valid JSON but no number: Python reads it as infinity, which a database's
    JSON column refuses."""
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ParseError("parse.json_invalid", f"The number {text[:20]} is too large.",
                         detail=text[:20], refused="number")
    return value


def _bounded_int(largest: int) -> Callable[[str], int]:
    """Integers up to ``largest``, refused by their digits before Python reads them (it gives
    up on over 4300 digits with a message about its own settings)."""

    def read(text: str) -> int:
        digits = len(text.lstrip("-"))
        if digits > len(str(largest)) or abs(int(text)) > largest:
            raise ParseError("parse.json_invalid", "A number is too long.",
                             detail=f"{text[:20]}… ({digits} digits)", refused="number")
        return int(text)

    return read


def strict_loads(text: str, max_depth: int, max_int: int = MAX_JSON_INT,
                 max_values: int | None = None) -> Any:
    """Parse JSON text, refusing what the standard parser lets through but means trouble: a
    key twice, NaN and Infinity, numbers beyond ``max_int`` or infinity, nesting deeper than
    ``max_depth`` (measured before parsing) and, with ``max_values``, more objects, keys and
    numbers than that (counted as the parser meets them, so 400,000 keys stop a quarter of
    the way in instead of costing the parser and the garbage collector a second). Every
    refusal is a ParseError; the refused values (``refused`` in its params) tell them apart
    from text that is not JSON at all."""
    depth = json_depth(text)
    if depth > max_depth:
        raise ParseError(
            "parse.json_too_deep",
            f"JSON is nested {depth} levels deep; the limit is {max_depth}.",
            depth=depth,
            limit=max_depth,
        )
    try:
        if max_values is None and isinstance(text, str) and not text.startswith("\ufeff"):
            # json.loads refuses a leading byte order mark itself, before its decoder.
            return _strict_decoder(max_int).decode(text)
        pairs: Callable[[list[tuple[str, Any]]], dict[str, Any]] = _no_duplicates
        integer: Callable[[str], int] = _bounded_int(max_int)
        number: Callable[[str], float] = _finite_float
        if max_values is not None:
            pairs, integer, number = _budgeted(max_values, pairs, integer, number)
        return json.loads(text, object_pairs_hook=pairs, parse_constant=_no_constants,
                          parse_float=number, parse_int=integer)
    except (ValueError, RecursionError) as exc:
        raise ParseError("parse.json_invalid", f"Not valid JSON: {exc}", detail=str(exc)) from exc


@lru_cache(maxsize=8)
def _strict_decoder(max_int: int) -> json.JSONDecoder:
    """The strict decoder without a budget, made once per bound: making one cost as much as
    parsing a small body with it. It keeps no state between documents (json.loads shares
    its own between threads the same way)."""
    return json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_no_constants,
                            parse_float=_finite_float, parse_int=_bounded_int(max_int))


def _budgeted(max_values: int, pairs: Callable[[list[tuple[str, Any]]], dict[str, Any]],
              integer: Callable[[str], int], number: Callable[[str], float],
              ) -> tuple[Callable[[list[tuple[str, Any]]], dict[str, Any]],
                         Callable[[str], int], Callable[[str], float]]:
    """The parser's hooks, each spending from one budget of ``max_values``."""
    left = [max_values]

    def spend(count: int) -> None:
        left[0] -= count
        if left[0] < 0:
            raise ParseError("parse.json_too_many_values",
                             f"JSON holds more than {max_values} keys and values.",
                             limit=max_values, refused="values")

    def counted_pairs(found: list[tuple[str, Any]]) -> dict[str, Any]:
        spend(len(found) + 1)  # the object and its keys
        return pairs(found)

    def counted_integer(text: str) -> int:
        spend(1)
        return integer(text)

    def counted_number(text: str) -> float:
        spend(1)
        return number(text)

    return counted_pairs, counted_integer, counted_number


def load_json(data: bytes | str, limits: Limits = DEFAULT_LIMITS, what: str = "JSON") -> Any:
    """Parse JSON with the size and depth limits, refusing duplicate keys and NaN/Infinity."""
    check_size(data, limits.max_json_bytes, what)
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ParseError("parse.json_invalid", "JSON is not UTF-8.", detail=str(exc)) from exc
    return strict_loads(data, limits.max_json_depth)
