"""The compiled schema validator (jsonschema-rs) agrees with jsonschema and the type walk on
every credential: it only answers yes/no on the fast path, they explain the no."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eigendossier.credentials import schema, verify_credential
from tests.support_examples import examples
from tests.unit.credentials import corpus
from tests.unit.credentials.helpers import NOW, Issuer, badge

BASES = [
    entry.document()
    for entry in corpus.entries()
    if "OpenBadgeCredential" in json.dumps(entry.document().get("type"))
]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)


def paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths(value, (*prefix, index))


@st.composite
def mutated_credentials(draw):
    document = json.loads(json.dumps(draw(st.sampled_from(BASES))))
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(list(paths(document))[1:]))
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(JSON_VALUES)
    return document


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=mutated_credentials(), version=st.sampled_from(["1.1", "2.0"]))
def test_fast_validator_agrees_with_jsonschema_and_the_type_walk(document, version):
    slow = list(schema.validator(version).iter_errors(document))
    assert schema.fast_validator(version).is_valid(document) == (
        not slow and not schema.type_errors(document)
    )


def test_bases_cover_valid_and_invalid_credentials():
    answers = {schema.fast_validator("2.0").is_valid(d) for d in BASES}
    assert answers == {True, False}


def test_embedded_endorsements_are_not_held_to_the_badge_schema():
    issuer = Issuer()
    document = badge(issuer.did, endorsement=[{"type": 5}, "not a credential"], endorsementJwt=7)
    document["issuer"]["endorsement"] = {"proof": []}
    document["credentialSubject"]["achievement"]["endorsementJwt"] = [{"iss": None}]
    token = issuer.sign_jwt({**document, "iss": issuer.did}, {"kid": issuer.method})
    result = verify_credential(token, now=NOW)
    assert result.status == "verified"
    assert result.outcome("schema") == "pass"

    document["credentialSubject"]["achievement"]["name"] = 5
    errors = schema.schema_errors(document, "2.0")
    assert errors == ["credentialSubject/achievement/name: 5 is not of type 'string'"]


@pytest.mark.parametrize("where", ["issuer", "achievement", "alignment"])
def test_a_type_without_its_class_is_found_by_the_compiled_check(where):
    document = badge("did:example:issuer")
    achievement = document["credentialSubject"]["achievement"]
    achievement["alignment"] = [{"type": ["Alignment"], "targetName": "NLQF 3",
                                 "targetUrl": "https://nlqf.nl/"}]
    assert schema.schema_errors(document, "2.0") == []
    node, path = {
        "issuer": (document["issuer"], "issuer"),
        "achievement": (achievement, "credentialSubject/achievement"),
        "alignment": (achievement["alignment"][0], "credentialSubject/achievement/alignment/0"),
    }[where]
    node["type"] = ["Thing"]
    assert not schema.fast_validator("2.0").is_valid(document)
    assert schema.schema_errors(document, "2.0")[-1].startswith(f"{path}: type must include")
