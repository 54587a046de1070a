"""Structural checks of OB 3.0 credentials: the 1EdTech JSON Schema plus the type checks it
leaves out (an issuer's ``type`` must include ``Profile``, and so on).

The shipped schema (``schemas/``, 1EdTech, Apache-2.0) was written for VC data model 1.1
(``issuanceDate``/``expirationDate``). Two deliberate adaptations:

- for VC 2.0 credentials the derived variant asks for ``validFrom``/``validUntil`` instead;
- ``additionalProperties: false`` is relaxed: OB 3.0 is extensible through JSON-LD contexts
  (the later 3.0.x schemas allow additional properties), and the signature covers them.

Embedded endorsements are separate credentials with their own proofs and are not validated as
part of the badge: the adapted schema leaves ``endorsement`` and ``endorsementJwt`` open
(the schema has no pattern properties, dependencies or property counts that could still see
them), and the error messages are made for the credential without them. No ``$ref`` is ever
fetched.

Speed: a valid credential is the common case, so jsonschema-rs (compiled, ~200× faster) says
yes or no first, on the credential as it is, and nothing more is done; only a credential it
finds invalid goes through ``jsonschema`` and the type walk for the error messages (the
schema's remembered per document). The compiled schema is the adapted one without format
assertions, plus the type rules written out in draft 4 (``contains`` as ``not items not``);
a hypothesis test checks that it says yes exactly when both explanations find nothing.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft4Validator

from .memo import DocumentMemo

SCHEMA_DIR = Path(__file__).with_name("schemas")
ACHIEVEMENT_SCHEMA = "ob_v3p0_achievementcredential_schema_draft4.json"
_RENAMES = {"issuanceDate": "validFrom", "expirationDate": "validUntil"}
_ENDORSEMENTS = ("endorsement", "endorsementJwt")

# property → required type, per class of the object holding the property
_EXPECTED_TYPES: dict[str, dict[str, str]] = {
    "credential": {
        "issuer": "Profile",
        "credentialSubject": "AchievementSubject",
        "evidence": "Evidence",
    },
    "Profile": {"parentOrg": "Profile", "otherIdentifier": "IdentifierEntry"},
    "AchievementSubject": {
        "identifier": "IdentityObject",
        "result": "Result",
        "source": "Profile",
        "achievement": "Achievement",
    },
    "Achievement": {
        "creator": "Profile",
        "resultDescription": "ResultDescription",
        "otherIdentifier": "IdentifierEntry",
        "alignment": "Alignment",
    },
    "Result": {"alignment": "Alignment"},
    "ResultDescription": {"alignment": "Alignment"},
}
_NO_EXPECTATIONS: dict[str, str] = {}


@cache
def _base_schema() -> dict[str, Any]:
    text = (SCHEMA_DIR / ACHIEVEMENT_SCHEMA).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def shipped_schema_ids() -> set[str]:
    return {_base_schema()["$id"]}


def _adapt(node: Any, rename: bool) -> Any:
    if isinstance(node, dict):
        out = {k: _adapt(v, rename) for k, v in node.items()}
        if out.get("additionalProperties") is False:
            out["additionalProperties"] = True
        props = out.get("properties")
        if isinstance(props, dict):
            for name in _ENDORSEMENTS:
                props.pop(name, None)
        if not rename:
            return out
        props = out.get("properties")
        if isinstance(props, dict):
            for old, new in _RENAMES.items():
                if old in props:
                    props[new] = props.pop(old)
        if isinstance(out.get("required"), list):
            out["required"] = [_RENAMES.get(r, r) for r in out["required"]]
        return out
    if isinstance(node, list):
        return [_adapt(v, rename) for v in node]
    return node


@cache
def validator(vc_version: str) -> Draft4Validator:
    """A validator for VC data model ``1.1`` or ``2.0`` credentials."""
    return Draft4Validator(_adapt(_base_schema(), rename=vc_version != "1.1"))


def _no_retrieval(uri: str) -> Any:
    raise ValueError(f"schema references are not fetched: {uri}")


@cache
def fast_validator(vc_version: str) -> Any:
    """The same schema and the type rules compiled by jsonschema-rs, for the yes/no answer."""
    schema = _adapt(_base_schema(), rename=vc_version != "1.1")
    schema["$defs"].update(_type_rules())
    schema["allOf"] = [_rule_ref("credential")]
    return jsonschema_rs.Draft4Validator(schema, validate_formats=False, retriever=_no_retrieval)


def _type_rules() -> dict[str, Any]:
    """:data:`_EXPECTED_TYPES` as draft-4 definitions: ``props:<class>`` for what an object
    of a class holds, ``node:<class>`` for a value that must be of a class (a non-object
    passes, as in :func:`type_errors`)."""
    rules: dict[str, Any] = {}
    for cls, props in _EXPECTED_TYPES.items():
        rules[f"{_RULE}props:{cls}"] = {
            "properties": {
                prop: {"anyOf": [{"type": "array", "items": _node_ref(expected)},
                                 {"not": {"type": "array"}, "allOf": [_node_ref(expected)]}]}
                for prop, expected in props.items()
            }
        }
    for expected in {e for props in _EXPECTED_TYPES.values() for e in props.values()}:
        named = {"enum": [expected]}
        typed: dict[str, Any] = {
            "required": ["type"],
            "properties": {"type": {"anyOf": [
                named, {"type": "array", "not": {"items": {"not": named}}}
            ]}},
        }
        if expected in _EXPECTED_TYPES:
            typed["allOf"] = [_rule_ref(expected)]
        rules[f"{_RULE}node:{expected}"] = {"anyOf": [{"not": {"type": "object"}}, typed]}
    return rules


_RULE = "eigendossier-types:"


def _rule_ref(cls: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{_RULE}props:{cls}"}


def _node_ref(cls: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{_RULE}node:{cls}"}


def schema_errors(credential: dict[str, Any], vc_version: str, limit: int = 5) -> list[str]:
    """Human-readable JSON Schema violations (at most ``limit``), then the paths whose type
    lacks its class (:func:`type_errors`). Those of an invalid credential are remembered per
    document; a valid one costs one compiled check, less than its memo key."""
    if fast_validator(vc_version).is_valid(credential):
        return []
    return [
        *_SCHEMA_ERRORS.get_or_compute(
            [credential, vc_version, limit], lambda: _schema_errors(credential, vc_version, limit)
        ),
        *type_errors(credential),
    ]


_SCHEMA_ERRORS = DocumentMemo(maxsize=512)


def _schema_errors(credential: dict[str, Any], vc_version: str, limit: int) -> tuple[str, ...]:
    document = _without_endorsements(credential)
    errors = sorted(validator(vc_version).iter_errors(document), key=lambda e: list(e.path))
    return tuple(
        f"{'/'.join(str(p) for p in e.path) or '(root)'}: {e.message}" for e in errors[:limit]
    )


def _without_endorsements(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: _without_endorsements(v)
            for k, v in node.items()
            if k not in _ENDORSEMENTS
        }
    if isinstance(node, list):
        return [_without_endorsements(v) for v in node]
    return node


def _has_type(node: dict[str, Any], expected: str) -> bool:
    value = node.get("type")
    return value == expected or (isinstance(value, list) and expected in value)


def type_errors(credential: dict[str, Any]) -> list[str]:
    """Paths whose ``type`` lacks the class OB 3.0 requires there."""
    errors: list[str] = []
    _walk(credential, "credential", "", errors)
    return errors


def _walk(node: dict[str, Any], cls: str, path: str, errors: list[str]) -> None:
    for prop, expected in _EXPECTED_TYPES.get(cls, _NO_EXPECTATIONS).items():
        values = node.get(prop)
        if isinstance(values, dict):
            _visit(values, expected, f"{path}/{prop}", errors)
        elif isinstance(values, list):
            for index, child in enumerate(values):
                if isinstance(child, dict):
                    _visit(child, expected, f"{path}/{prop}/{index}", errors)


def _visit(node: dict[str, Any], expected: str, where: str, errors: list[str]) -> None:
    if not _has_type(node, expected):
        errors.append(f"{where.lstrip('/')}: type must include {expected}")
    _walk(node, expected, where, errors)
