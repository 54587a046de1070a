"""Open Badges 2.0 extensions: validate the ones we know against their JSON Schema.

An extension node (a property named ``extensions:…``) is compacted with the extension's own
pinned context, so a value written with a full IRI (``http://schema.org/text``) is checked
under its short name (``exampleProperty``). The extension is recognised by a type IRI or by
its property name (``extensions:exampleExtension`` ↔ ``ExampleExtension``). Unknown
extensions (edubadges' ECTS, EQF, … among them) are read, not validated.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from pyld.jsonld import JsonLdError

from .errors import CredentialError
from .linkeddata import compact

EXTENSIONS_NS = "https://w3id.org/openbadges/extensions#"
OBI_NS = "https://w3id.org/openbadges#"
SCHEMA_FILE = Path(__file__).with_name("schemas") / "ob2-extensions.json"


@cache
def known_extensions() -> dict[str, dict[str, Any]]:
    data = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("$")}


def _expand(term: str) -> str:
    if term.startswith("extensions:"):
        return EXTENSIONS_NS + term.split(":", 1)[1]
    if term.startswith("obi:"):
        return OBI_NS + term.split(":", 1)[1]
    return term


def _extension_types(prop: str, node: dict[str, Any]) -> set[str]:
    types = node.get("type", [])
    types = [types] if isinstance(types, str) else types
    found = {_expand(t) for t in types if isinstance(t, str)} & set(known_extensions())
    local = prop.split(":", 1)[1].lower()
    found |= {iri for iri in known_extensions() if iri.rsplit("#", 1)[1].lower() == local}
    return found


def extension_errors(node: dict[str, Any], document_context: Any) -> list[str]:
    """Errors of every known extension found in the properties of ``node``."""
    errors: list[str] = []
    for prop, value in node.items():
        if not prop.startswith("extensions:") or not isinstance(value, dict):
            continue
        for iri in sorted(_extension_types(prop, value)):
            errors += _validate(prop, value, iri, document_context)
    return errors


def _validate(prop: str, value: dict[str, Any], iri: str, document_context: Any) -> list[str]:
    spec = known_extensions()[iri]
    contexts = _as_list(document_context) + _as_list(value.get("@context"))
    node = {**{k: v for k, v in value.items() if k != "@context"}, "@context": contexts}
    try:
        compacted = compact(node, spec["context"])
    except (CredentialError, JsonLdError) as exc:
        return [f"{prop}: extension could not be read ({type(exc).__name__})"]
    compacted.pop("@context", None)
    validator = Draft4Validator(spec["schema"])
    return [f"{prop}: {e.message}" for e in validator.iter_errors(compacted)]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
