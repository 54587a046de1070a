"""The document memo gives what the work gives: a document's key tells every JSON value
apart, so one credential's canonical form is never handed out for another."""

import json

from eigendossier.credentials import linkeddata
from eigendossier.credentials.memo import DocumentMemo, document_key

VC2 = "https://www.w3.org/ns/credentials/v2"


def test_documents_that_differ_in_any_value_or_json_type_get_different_keys():
    base = {"@context": [VC2], "type": ["VerifiableCredential"], "credentialSubject": {}}
    variants = [
        {**base, "credentialSubject": {"n": value}}
        for value in (1, 1.0, True, "1", None, [1], {"n": 1}, -0.0, 0.0, "1 ", "é", "e")
    ]
    keys = [document_key(variant) for variant in variants]
    assert None not in keys
    assert len(set(keys)) == len(variants)


def test_the_same_document_parsed_again_has_the_same_key():
    document = {"@context": [VC2], "id": "urn:uuid:1", "name": "Veilig \"werken\"\n",
                "credentialSubject": {"a": [1, 2.5, False, None, {"b": "c"}]}}
    assert document_key(json.loads(json.dumps(document))) == document_key(document)


def test_what_is_not_plain_json_is_not_remembered():
    class Text(str):
        pass

    memo, calls = DocumentMemo(maxsize=4), []
    for document in ({"name": Text("x")}, {"when": object()}):
        assert document_key(document) is None
        memo.get_or_compute(document, lambda: calls.append(1))
        memo.get_or_compute(document, lambda: calls.append(1))
    assert len(calls) == 4


def test_canonical_forms_follow_the_document_not_the_memo():
    first = {"@context": [VC2], "type": ["VerifiableCredential"], "id": "urn:uuid:1",
             "credentialSubject": {"id": "did:example:learner", "name": "Sanne"}}
    reordered = dict(reversed(list(first.items())))
    other = {**first, "credentialSubject": {"id": "did:example:learner", "name": "Daan"}}
    forms = [linkeddata.canonicalize(d) for d in (first, reordered, other, first)]
    assert forms[0] == forms[1] == forms[3] == linkeddata._normalize(first)
    assert forms[2] == linkeddata._normalize(other) != forms[0]
    assert '"Daan"' in forms[2]
