"""The fast JSON-LD → RDF path gives byte-identical canonical N-Quads to plain pyld.

Documents are generated over the bundled contexts: context sets real issuers use, keys drawn
from every term the pinned contexts define (type names with their scoped contexts among
them) plus undefined ones, values that are strings, numbers, booleans, dates, IRIs and nested
nodes, with ``id`` and ``type`` anywhere. Whenever the fast path takes a document its dataset,
canonicalised, must equal pyld's whole pipeline; when pyld refuses a document the fast path
must not accept it. What the fast path declines goes to pyld, which the other tests cover.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld

from eigendossier.credentials import fastrdf, linkeddata
from tests.support_examples import examples
from tests.unit.credentials import corpus
from tests.unit.credentials.test_cred_linkeddata_fast import BASES, plain

V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXT_SETS = [
    [V2],
    [V2, OB3],
    [V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"],
    [V1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"],
    [V1, "https://purl.imsglobal.org/spec/ob/v3p0/context.json"],
    [V2, OB3, "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"],
    [V2, "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json", OB3],
    [V1, "https://www.w3.org/2018/credentials/examples/v1"],
    [V1, "https://w3id.org/security/suites/ed25519-2020/v1"],
    [V1, "https://w3id.org/vc/status-list/2021/v1", "https://w3id.org/security/data-integrity/v2"],
    [V2, "https://www.w3.org/ns/credentials/examples/v2"],
    [V2, "https://w3id.org/dcc/v1"],
    [V1, "https://w3id.org/citizenship/v4rc1"],
    [V2, "https://w3id.org/security/multikey/v1"],
]


def defined_terms(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if not key.startswith("@") and ":" not in key:
                yield key
            yield from defined_terms(value)
    elif isinstance(node, list):
        for value in node:
            yield from defined_terms(value)


TERMS = sorted(
    {
        term
        for url in linkeddata.pinned_urls()
        for term in defined_terms(linkeddata._load_pinned(url))
    }
)
KEYS = st.one_of(
    st.sampled_from(TERMS),
    st.sampled_from(["name", "description", "undefinedThing", "schema:name", "xsd:x"]),
)
SCALARS = st.one_of(
    st.text(max_size=5),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.sampled_from([
        "did:example:1", "https://example.org/a", "urn:uuid:1", "relative/path",
        "2024-01-01T00:00:00Z", "name", "Achievement",
    ]),
)
IDS = st.sampled_from(["did:example:1", "https://example.org/a", "urn:uuid:2", "relative"])


def nodes(depth):
    children = SCALARS if depth == 0 else st.one_of(SCALARS, nodes(depth - 1))
    return st.builds(
        lambda entries, kinds, node_id: {
            **entries,
            **({"type": kinds} if kinds is not None else {}),
            **({"id": node_id} if node_id is not None else {}),
        },
        st.dictionaries(
            KEYS, st.one_of(children, st.lists(children, max_size=3)), min_size=1, max_size=6
        ),
        st.none() | st.sampled_from(TERMS) | st.lists(st.sampled_from(TERMS), max_size=3),
        st.none() | IDS,
    )


@st.composite
def documents(draw):
    document = draw(nodes(2))
    document["@context"] = draw(st.sampled_from(CONTEXT_SETS))
    return document


def fast_outcome(document):
    """("ok", N-Quads) from the fast path, or None when it declines the document."""
    options = linkeddata._options()
    try:
        dataset = fastrdf.to_dataset(linkeddata._MemoProcessor(), document, options)
    except fastrdf.Unsupported:
        return None
    return ("ok", fastrdf.canonical_nquads(dataset))


def pyld_outcome(document):
    try:
        return ("ok", plain(json.loads(json.dumps(document))))
    except jsonld.JsonLdError:
        return ("error",)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=documents())
def test_fast_path_equals_pyld_on_generated_documents(document):
    fast = fast_outcome(document)
    if fast is not None:
        assert fast == pyld_outcome(document)


@pytest.mark.parametrize("document", BASES, ids=lambda d: str(d.get("id", "?"))[:40])
def test_fast_path_takes_every_signed_corpus_credential_and_agrees(document):
    """Real credentials from other issuers must not fall back: that is the speed-up."""
    assert fast_outcome(document) == pyld_outcome(document)


def test_fast_path_declines_what_it_does_not_reproduce():
    base = {"@context": [V2, OB3], "type": ["VerifiableCredential"], "name": "x"}
    declined = [
        {**base, "credentialSubject": {"@context": {"a": "https://example.org/a"}, "a": 1}},
        {**base, "name": {"@value": "x", "@language": "nl"}},
        {**base, "id": "_:b0"},
        {"@context": {"name": "https://schema.org/name"}, "name": "x"},
        {**base, "credentialSubject": [{"id": "did:example:1", "name": True},
                                       {"id": "did:example:1", "name": 1}]},
    ]
    for document in declined:
        assert fast_outcome(document) is None
        assert linkeddata.canonicalize(document) == plain(json.loads(json.dumps(document)))


def test_corpus_is_not_empty():
    assert len(BASES) >= 10
    assert corpus.entries()


SIGNED = [entry.document() for entry in corpus.entries() if "proof" in entry.document()]


@pytest.mark.parametrize(
    "document",
    [
        # Two blank nodes with the same first-degree hash: the full RDFC-1.0 path.
        {"@context": [V2, OB3], "type": ["VerifiableCredential"],
         "credentialSubject": [{"name": "x"}, {"name": "x"}]},
        # Proofs are @graph containers: named graphs with blank node names.
        *SIGNED[:6],
    ],
)
def test_fast_canonical_form_equals_pyld_for_graphs_and_shared_hashes(document):
    assert fast_outcome(document) == pyld_outcome(document)


def test_presentation_resets_context_for_its_credentials_as_pyld_does():
    """v2's ``verifiableCredential`` scopes ``@context: null``; the walk leaves that to pyld."""
    inner = {k: v for k, v in SIGNED[0].items() if k != "@context"}
    document = {"@context": [V2], "type": ["VerifiablePresentation"],
                "verifiableCredential": [inner]}
    assert fast_outcome(document) is None
    assert linkeddata.canonicalize(document) == plain(json.loads(json.dumps(document)))


def test_caches_stay_bounded_when_every_credential_has_new_identifiers():
    """An issuer signs thousands of credentials, each with its own ids: memory must not grow."""
    for n in range(fastrdf._CACHES_MAX + 50):
        document = {"@context": [V2], "id": f"urn:uuid:{n}", "type": ["VerifiableCredential"],
                    f"term{n}": "x", "credentialSubject": {"type": f"Kind{n}", "name": "x"}}
        fastrdf.to_dataset(linkeddata._MemoProcessor(), document, linkeddata._options())
    for entry in fastrdf._CACHES.values():
        assert max(len(cache) for cache in entry[1:]) <= fastrdf._CACHES_MAX
        assert sum(len(shape[2]) for shape in entry[6].values()) <= fastrdf._CACHES_MAX
    assert len(fastrdf._ABSOLUTE) <= fastrdf._CACHES_MAX
    assert len(fastrdf._TOP_SHAPES) <= fastrdf._SHAPES_MAX


def same_keys_other_meanings():
    """Nodes with the very same keys in the same order, whose meaning differs by the
    document's contexts, the node's type (type-scoped contexts) or the property it hangs
    under (property-scoped contexts): what the walk remembers per shape must follow."""
    subject = {"type": ["AchievementSubject"], "name": "Sanne", "kid": "did:example:1#key-1",
               "achievement": {"id": "https://example.org/a", "type": ["Achievement"],
                               "name": "Veilig werken", "criteria": {"narrative": "x"}}}
    for contexts in ([V2, OB3], [V1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"],
                     [V2], [V1, "https://www.w3.org/2018/credentials/examples/v1"]):
        for kind in (["AchievementSubject"], ["Profile"], ["Achievement"], ["X"], []):
            node = {**subject, "type": kind}
            yield {"@context": contexts, "id": "urn:uuid:1",
                   "type": ["VerifiableCredential", "OpenBadgeCredential"],
                   "credentialSubject": node, "issuer": node, "credentialSchema": node,
                   "cnf": node}


def test_remembered_shapes_do_not_carry_over_to_documents_that_mean_otherwise():
    documents = list(same_keys_other_meanings())
    for document in [*documents, *reversed(documents)]:
        fast = fast_outcome(document)
        assert fast is None or fast == pyld_outcome(document)


def test_issued_credentials_of_other_issuers_keys_and_blocks_keep_their_own_forms():
    """What one issuing leaves in the walk's caches never shows in another's N-Quads."""
    from datetime import UTC, datetime

    from cryptography.hazmat.primitives.asymmetric import ed25519

    from eigendossier.credentials import dataintegrity
    from eigendossier.credentials.memo import forget_all
    from eigendossier.issuing import documents

    moment = datetime(2025, 6, 1, 12, tzinfo=UTC)
    issuers = [documents.Issuer("did:web:a.example:issuers:tcr", "TCR", "https://tcr.example"),
               documents.Issuer("did:web:b.example:issuers:roc", "ROC", "", "info@roc.example",
                                "https://roc.example/logo.png")]
    blocks = [documents.Facts(
        id=f"https://a.example/achievements/{code}", code=code, name={"nl": code, "en": code},
        qualification={"nl": "Timmerman", "en": "Carpenter"}, crebo="25655", level=2, ec=ec,
        hours=hours, learning_outcomes=outcomes)
        for code, ec, hours, outcomes in (("TIM-01", 3, 84, [{"nl": "a", "en": "b"}]),
                                          ("TIM-02", 2.5, 70, []))]
    issued = []
    for n in range(8):
        issuer, block = issuers[n % 2], blocks[(n // 2) % 2]
        key = ed25519.Ed25519PrivateKey.from_private_bytes(bytes([n]) * 32)
        unsigned = documents.credential(
            issuer, block, language=("nl", "en")[n // 4], credential_id=f"urn:uuid:{n}",
            email=f"learner{n}@example.nl", salt=f"salt{n}", valid_from=moment,
            list_url="https://a.example/status/1", index=n,
            completed_on=moment.date() if n % 3 else None)
        signer = documents.Signer(key, f"{issuer.did}#key-{n}")
        issued.append((documents.sign_data_integrity(unsigned, signer, moment), key))
    for signed, key in [*issued, *reversed(issued)]:
        forget_all()
        proof = signed["proof"]
        for part in (dataintegrity.unsecured(signed), dataintegrity.proof_options(signed, proof)):
            assert fast_outcome(part) == pyld_outcome(part)
        key.public_key().verify(dataintegrity.signature_bytes(proof),
                                dataintegrity.verify_data(signed, proof))
