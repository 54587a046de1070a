"""DCQL, the Digital Credentials Query Language of OpenID4VP 1.0 (section 6): read a query
strictly, build the ones our employer form asks, and match credentials against it.

The formats ``ldp_vc`` (Data Integrity), ``jwt_vc_json`` (VC-JWT) with ``meta.type_values``
and ``dc+sd-jwt`` (SD-JWT VC, Appendix B.3) with ``meta.vct_values``; ``claims`` with ``path``
and ``values``,
``claim_sets`` and ``credential_sets``. Anything else in a query (an unknown format, an
unknown member, ``trusted_authorities`` we cannot evaluate) is refused rather than ignored:
a wallet that ignored a constraint would hand over more than was asked, or the wrong thing.

Pure: no Flask, no database. Credentials are matched as plain JSON documents."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

SD_JWT = "dc+sd-jwt"
FORMATS = ("ldp_vc", "jwt_vc_json", SD_JWT)
IDENTIFIER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_CREDENTIAL_QUERIES = 10
MAX_CLAIMS = 20
MAX_PATH = 10
MAX_VALUES = 20
QUERY_MEMBERS = frozenset({"credentials", "credential_sets"})
CREDENTIAL_MEMBERS = frozenset({"id", "format", "meta", "claims", "claim_sets", "multiple",
                                "require_cryptographic_holder_binding"})
CLAIM_MEMBERS = frozenset({"id", "path", "values"})
SET_MEMBERS = frozenset({"options", "required"})


class QueryRefused(ValueError):
    """The DCQL query breaks the specification or asks what we cannot evaluate."""


@dataclass(frozen=True)
class ClaimQuery:
    path: tuple[str | int | None, ...]
    values: tuple[str | int | bool, ...] = ()
    id: str | None = None


@dataclass(frozen=True)
class CredentialQuery:
    id: str
    format: str
    type_values: tuple[tuple[str, ...], ...] = ()
    claims: tuple[ClaimQuery, ...] = ()
    claim_sets: tuple[tuple[str, ...], ...] = ()
    multiple: bool = False
    vct_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class CredentialSet:
    options: tuple[tuple[str, ...], ...]
    required: bool = True


@dataclass(frozen=True)
class Query:
    credentials: tuple[CredentialQuery, ...]
    credential_sets: tuple[CredentialSet, ...] = field(default=())

    def by_id(self, query_id: str) -> CredentialQuery | None:
        return next((c for c in self.credentials if c.id == query_id), None)


def _refuse(message: str) -> QueryRefused:
    return QueryRefused(message)


def _object(value: Any, members: frozenset[str], what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _refuse(f"{what} must be an object")
    unknown = set(value) - members
    if unknown:
        raise _refuse(f"{what} has members we do not know: {', '.join(sorted(unknown))}")
    return value


def _list(value: Any, what: str, low: int, high: int) -> list[Any]:
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise _refuse(f"{what} must be a list of {low} to {high} entries")
    return value


def _identifier(value: Any, what: str) -> str:
    if not isinstance(value, str) or not IDENTIFIER.match(value):
        raise _refuse(f"{what} must be 1 to 64 letters, digits, _ or -")
    return value


def _path(value: Any) -> tuple[str | int | None, ...]:
    steps = _list(value, "a claim's path", 1, MAX_PATH)
    for step in steps:
        if not (step is None or (isinstance(step, str) and step)
                or (isinstance(step, int) and not isinstance(step, bool) and step >= 0)):
            raise _refuse("a path holds names, non-negative indexes or null")
    return tuple(steps)


def _values(value: Any) -> tuple[str | int | bool, ...]:
    values = _list(value, "a claim's values", 1, MAX_VALUES)
    if not all(isinstance(v, str | int | bool) for v in values):
        raise _refuse("a claim's values are strings, integers or booleans")
    return tuple(values)


def _claim(value: Any) -> ClaimQuery:
    raw = _object(value, CLAIM_MEMBERS, "a claim query")
    if "path" not in raw:
        raise _refuse("a claim query needs a path")
    return ClaimQuery(_path(raw["path"]), _values(raw["values"]) if "values" in raw else (),
                      _identifier(raw["id"], "a claim id") if "id" in raw else None)


def _type_values(meta: Any) -> tuple[tuple[str, ...], ...]:
    raw = _object(meta, frozenset({"type_values"}), "meta")
    if "type_values" not in raw:
        raise _refuse("meta of a W3C credential query needs type_values")
    outer = _list(raw["type_values"], "type_values", 1, 10)
    found = []
    for inner in outer:
        types = _list(inner, "each entry of type_values", 1, 10)
        if not all(isinstance(t, str) and t for t in types):
            raise _refuse("type_values holds lists of type names")
        found.append(tuple(types))
    return tuple(found)


def _vct_values(meta: Any) -> tuple[str, ...]:
    raw = _object(meta, frozenset({"vct_values"}), "meta")
    values = _list(raw.get("vct_values"), "vct_values", 1, 10)
    if not all(isinstance(v, str) and v for v in values):
        raise _refuse("vct_values holds type names")
    return tuple(values)


def _credential(value: Any) -> CredentialQuery:
    raw = _object(value, CREDENTIAL_MEMBERS, "a credential query")
    query_id = _identifier(raw.get("id"), "a credential query's id")
    if raw.get("format") not in FORMATS:
        raise _refuse(f"format must be one of {', '.join(FORMATS)}")
    if "meta" not in raw:
        raise _refuse("a credential query needs meta")
    sd_jwt = raw["format"] == SD_JWT
    claims = tuple(_claim(c) for c in _list(raw["claims"], "claims", 1, MAX_CLAIMS)) \
        if "claims" in raw else ()
    claim_ids = {c.id for c in claims if c.id}
    if len(claim_ids) != len([c for c in claims if c.id]):
        raise _refuse("claim ids must be unique")
    claim_sets = ()
    if "claim_sets" in raw:
        if not claim_ids:
            raise _refuse("claim_sets needs claims with ids")
        claim_sets = tuple(tuple(_known(option, claim_ids, "claim_sets"))
                           for option in _list(raw["claim_sets"], "claim_sets", 1, 10))
    multiple = raw.get("multiple", False)
    binding = raw.get("require_cryptographic_holder_binding", True)
    if not isinstance(multiple, bool) or not isinstance(binding, bool):
        raise _refuse("multiple and require_cryptographic_holder_binding are booleans")
    if sd_jwt:
        return CredentialQuery(query_id, SD_JWT, (), claims, claim_sets, multiple,
                               _vct_values(raw["meta"]))
    return CredentialQuery(query_id, raw["format"], _type_values(raw["meta"]), claims,
                           claim_sets, multiple)


def _known(option: Any, ids: set[str], what: str) -> list[str]:
    names = _list(option, f"an option of {what}", 1, MAX_CREDENTIAL_QUERIES)
    if not all(isinstance(n, str) and n in ids for n in names):
        raise _refuse(f"{what} names an id that is not in the query")
    return names


def parse_query(value: Any) -> Query:
    """A DCQL query from its JSON, or QueryRefused saying what is wrong."""
    raw = _object(value, QUERY_MEMBERS, "the DCQL query")
    credentials = tuple(_credential(c) for c in _list(raw.get("credentials"), "credentials",
                                                      1, MAX_CREDENTIAL_QUERIES))
    ids = [c.id for c in credentials]
    if len(set(ids)) != len(ids):
        raise _refuse("credential query ids must be unique")
    sets = ()
    if "credential_sets" in raw:
        sets = tuple(_credential_set(s, set(ids))
                     for s in _list(raw["credential_sets"], "credential_sets", 1, 10))
    return Query(credentials, sets)


def _credential_set(value: Any, ids: set[str]) -> CredentialSet:
    raw = _object(value, SET_MEMBERS, "a credential set")
    options = tuple(tuple(_known(o, ids, "credential_sets"))
                    for o in _list(raw.get("options"), "options", 1, 10))
    required = raw.get("required", True)
    if not isinstance(required, bool):
        raise _refuse("required is a boolean")
    return CredentialSet(options, required)


# -- building the employer's queries ---------------------------------------------------------

OPEN_BADGE = "OpenBadgeCredential"
ACHIEVEMENT_NAME = ("credentialSubject", "achievement", "name")


AWARD_VCT = "urn:eigendossier:vct:mbo-award:1"  # credentials.sdjwtvc.AWARD_VCT
# What the employer asks of an SD-JWT award beyond the achievement, most wanted first: the
# learner may withhold these (the options of claim_sets, section 6.4.1, are in preference).
ASKED_FIELDS = (("learner_name", ("learner", "name")), ("grade", ("grade",)))


def employer_query(achievement: str | None = None) -> dict[str, Any]:
    """An Open Badges 3.0 credential (a microcredential or edubadge), optionally of one named
    achievement, in any format: Data Integrity, VC-JWT, or an SD-JWT VC award of which the
    learner's name and grade are asked (and may be withheld)."""
    claims = [{"path": list(ACHIEVEMENT_NAME), "values": [achievement]}] if achievement else []
    queries = []
    for query_id, fmt in (("badge_ldp", "ldp_vc"), ("badge_jwt", "jwt_vc_json")):
        query: dict[str, Any] = {"id": query_id, "format": fmt,
                                 "meta": {"type_values": [[OPEN_BADGE]]}}
        if claims:
            query["claims"] = claims
        queries.append(query)
    sd_claims: list[dict[str, Any]] = [{"id": "achievement", "path": ["achievement", "name"]}]
    if achievement:
        sd_claims[0]["values"] = [achievement]
    sd_claims += [{"id": name, "path": list(path)} for name, path in ASKED_FIELDS]
    names = [name for name, _ in ASKED_FIELDS]
    options = [["achievement", *chosen] for n in range(len(names), -1, -1)
               for chosen in combinations(names, n)]
    queries.append({"id": "award_sd_jwt", "format": SD_JWT,
                    "meta": {"vct_values": [AWARD_VCT]}, "claims": sd_claims,
                    "claim_sets": options})
    return {"credentials": queries,
            "credential_sets": [{"options": [["badge_ldp"], ["badge_jwt"], ["award_sd_jwt"]]}]}


# -- matching ----------------------------------------------------------------------------------


def select(document: Any, path: tuple[str | int | None, ...]) -> list[Any]:
    """The values at ``path`` (section 7: a name, an index, or null for every element)."""
    current = [document]
    for step in path:
        following: list[Any] = []
        for node in current:
            if step is None and isinstance(node, list):
                following.extend(node)
            elif _has(node, step):
                following.append(node[step])
        current = following
    return current


def _has(node: Any, step: str | int | None) -> bool:
    if isinstance(step, int):
        return isinstance(node, list) and step < len(node)
    return isinstance(step, str) and isinstance(node, dict) and step in node


def _types(document: dict[str, Any]) -> set[str]:
    types = document.get("type")
    found = set(types if isinstance(types, list) else [types])
    # OB 3.0 contexts name the type in full sometimes; its last segment is what is asked.
    return found | {t.rsplit("/", 1)[-1].rsplit("#", 1)[-1] for t in found if isinstance(t, str)}


def _claim_holds(document: dict[str, Any], claim: ClaimQuery) -> bool:
    found = select(document, claim.path)
    if not claim.values:
        return bool(found)
    return any(value == wanted and type(value) is type(wanted)
               for value in found for wanted in claim.values)


def matches(query: CredentialQuery, fmt: str, document: dict[str, Any]) -> bool:
    """Does a credential (its format and its JSON) answer this credential query?"""
    if fmt != query.format:
        return False
    if fmt == SD_JWT:
        if document.get("vct") not in query.vct_values:
            return False
    else:
        types = _types(document)
        if query.type_values and not any(set(wanted) <= types for wanted in query.type_values):
            return False
    if not query.claims:
        return True
    if not query.claim_sets:
        return all(_claim_holds(document, claim) for claim in query.claims)
    by_id = {claim.id: claim for claim in query.claims}
    return any(all(_claim_holds(document, by_id[name]) for name in option)
               for option in query.claim_sets)


def satisfied(query: Query, answered: set[str]) -> bool:
    """Do answers to the credential queries in ``answered`` satisfy the whole query? Without
    credential sets every credential query is needed; with them, each required set needs one
    option whose queries are all answered."""
    if not query.credential_sets:
        return {c.id for c in query.credentials} <= answered
    return all(any(set(option) <= answered for option in s.options)
               for s in query.credential_sets if s.required)


def disclosure_for(query: CredentialQuery, document: dict[str, Any],
                   withheld: set[str] = frozenset()) -> tuple[tuple[str | int | None, ...], ...]:
    """The claim paths of an SD-JWT credential to disclose for ``query``: those of the first
    claim set (in the verifier's preference) the credential holds without the claims the
    learner withholds; all the claims asked without claim sets. Empty when none fits."""
    if not query.claims:
        return ()
    if not query.claim_sets:
        wanted = [c for c in query.claims if c.id not in withheld]
        return tuple(c.path for c in wanted) if len(wanted) == len(query.claims) else ()
    by_id = {claim.id: claim for claim in query.claims}
    for option in query.claim_sets:
        if withheld & set(option):
            continue
        if all(_claim_holds(document, by_id[name]) for name in option):
            return tuple(by_id[name].path for name in option)
    return ()


def withholdable(query: CredentialQuery) -> list[str]:
    """Ids of an SD-JWT query's claims that some claim set lets the holder leave out."""
    if query.format != SD_JWT or not query.claim_sets:
        return []
    return [c.id for c in query.claims
            if c.id and any(c.id not in option for option in query.claim_sets)]


def asked_values(query: CredentialQuery) -> list[str]:
    """The values a query asks for, to show the learner (e.g. an achievement's name)."""
    return [str(v) for claim in query.claims for v in claim.values]
