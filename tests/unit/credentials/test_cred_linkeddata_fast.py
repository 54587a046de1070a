"""The memoised JSON-LD processing gives byte-identical canonical N-Quads to plain pyld.

Credentials are generated from the real corpus: terms renamed to undefined ones, values
changed, nodes dropped, inline contexts added (never memoised), types swapped (type-scoped
contexts change), run one after the other so the memo is warm with other documents.
"""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld
from pyld.context_resolver import ContextResolver

from eigendossier.credentials import linkeddata
from eigendossier.credentials.errors import CredentialError
from tests.support_examples import examples
from tests.unit.credentials import corpus

BASES = [
    {k: v for k, v in entry.document().items() if k != "proof"}
    for entry in corpus.entries()
    if "proof" in entry.document()
]
TYPES = ["Achievement", "AchievementSubject", "Profile", "Result", "Evidence", "Alignment", "X"]
VALUES = st.one_of(
    st.text(max_size=6),
    st.integers(),
    st.booleans(),
    st.sampled_from(["did:example:1", "https://example.org/a", "2024-01-01T00:00:00Z"]),
    st.builds(lambda t: {"type": t, "name": "n"}, st.sampled_from(TYPES)),
)


def plain(document):
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": linkeddata.document_loader,
        "contextResolver": ContextResolver({}, linkeddata.document_loader),
    }
    return jsonld.normalize(document, options)


def outcome(function, document):
    """The N-Quads, or that it failed (canonicalize wraps pyld's error in its own)."""
    try:
        return ("ok", function(json.loads(json.dumps(document))))
    except (CredentialError, jsonld.JsonLdError):
        return ("error",)


def nodes(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from nodes(value)


@st.composite
def credentials(draw):
    document = json.loads(json.dumps(draw(st.sampled_from(BASES))))
    objects = list(nodes(document))
    for _ in range(draw(st.integers(0, 4))):
        node = draw(st.sampled_from(objects))
        keys = [k for k in node if k != "@context"]
        action = draw(st.sampled_from(["set", "drop", "rename", "type", "inline"]))
        if action == "set" or not keys:
            node[draw(st.sampled_from(["name", "description", "extra", "id"]))] = draw(VALUES)
        elif action == "drop":
            node.pop(draw(st.sampled_from(keys)))
        elif action == "rename":
            key = draw(st.sampled_from(keys))
            node["undefinedTerm" + key] = node.pop(key)
        elif action == "type":
            node["type"] = draw(st.sampled_from(TYPES))
        else:
            node["@context"] = {"extra": "https://example.org/vocab#extra"}
            node["extra"] = draw(VALUES)
    return document


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=credentials())
def test_memoised_canonical_form_equals_pyld(document):
    assert outcome(linkeddata.canonicalize, document) == outcome(plain, document)


def test_every_corpus_document_canonicalises_identically():
    for document in BASES:
        assert outcome(linkeddata.canonicalize, document) == outcome(plain, document)
