import copy
import hashlib
import json

from eigendossier.credentials import Limits, parse_credential, verify_credential

from .helpers import NOW, VC2, Fetcher, Issuer, badge
from .test_cred_dids import WEB_DID, WEB_URL, did_document


def codes(result) -> set[str]:
    return {check.message_code for check in result.checks}


def verify(document: dict, **kwargs):
    return verify_credential(json.dumps(document), now=NOW, **kwargs)


def test_own_did_key_credential_verifies_and_summarises():
    issuer = Issuer()
    result = verify(issuer.sign_di(badge(issuer.id)))
    assert result.status == "verified", [(c.id, c.message_code, c.params) for c in result.checks]
    summary = result.summary
    assert (summary.format, summary.kind, summary.title) == (
        "ob3_data_integrity",
        "open_badge",
        "Basis veiligheid VCA",
    )
    assert summary.issuer_name == "ROC Voorbeeld"
    assert (summary.achievement.ec, summary.achievement.nlqf_level) == (2.5, "3")
    assert summary.issued_on.year == 2024


def test_tampering_breaks_the_proof():
    issuer = Issuer()
    signed = issuer.sign_di(badge(issuer.id))
    signed["name"] = "Lasser niveau 4"
    result = verify(signed)
    assert result.status == "failed"
    assert "proof.signature_invalid" in codes(result)


def test_unpinned_remote_context_is_refused():
    issuer = Issuer()
    document = badge(issuer.id)
    document["@context"].append("https://evil.example/context.jsonld")
    result = verify(_unsafe_sign(issuer, document))
    assert "proof.context_refused" in codes(result)
    assert result.status == "unverifiable"


def _unsafe_sign(issuer: Issuer, document: dict) -> dict:
    """A proof over a document we cannot canonicalise: attach a syntactically valid proof."""
    signed = issuer.sign_di(badge(issuer.id))
    return {**document, "proof": signed["proof"]}


def test_wrong_proof_purpose():
    issuer = Issuer()
    signed = issuer.sign_di(badge(issuer.id))
    signed["proof"]["proofPurpose"] = "authentication"
    assert "proof.purpose_invalid" in codes(verify(signed))


def test_did_web_issuer_is_confirmed():
    issuer = Issuer(WEB_DID)
    signed = issuer.sign_di(badge(WEB_DID), method=f"{WEB_DID}#key-1")
    result = verify(signed, fetch=Fetcher({WEB_URL: did_document(issuer)}))
    assert result.status == "verified"
    assert "issuer_identity.confirmed" in codes(result)


def test_did_key_signature_for_an_https_issuer_is_not_tied_to_the_issuer():
    """A web-address issuer could list the did:key in its own documents: not evidence of
    forgery, but not verified either."""
    issuer = Issuer("https://roc.example/issuer")
    result = verify(issuer.sign_di(badge(issuer.id)))
    assert result.outcome("proof") == "pass"
    assert "issuer_identity.unbound" in codes(result)
    assert result.status == "unverifiable"


def test_signature_by_another_did_than_the_issuer_fails():
    issuer, stranger = Issuer(), Issuer()
    document = stranger.sign_di(badge(issuer.id))
    result = verify(document)
    assert result.outcome("proof") == "pass"
    assert "issuer_identity.controller_mismatch" in codes(result)
    assert result.status == "failed"


def test_other_verifiable_credentials_get_the_same_checks():
    issuer = Issuer()
    document = {
        "@context": [VC2],
        "type": ["VerifiableCredential"],
        "issuer": issuer.id,
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "employer": "Bouwbedrijf B.V."},
    }
    parsed = parse_credential(json.dumps(issuer.sign_di(document)))
    assert (parsed.format, parsed.summary.kind) == ("other_vc", "other_credential")
    result = verify_credential(parsed, now=NOW)
    assert result.status == "verified"
    assert result.outcome("schema") == "skipped"


def test_missing_proof_fails():
    result = verify(badge("did:example:issuer"))
    assert "proof.missing" in codes(result)
    assert result.status == "failed"


def test_recipient_by_subject_id():
    issuer = Issuer()
    signed = issuer.sign_di(badge(issuer.id))
    assert verify(signed, recipient_ids=["did:example:learner"]).outcome("recipient") == "pass"
    other = verify(signed, recipient_ids=["did:example:other"])
    assert (other.outcome("recipient"), other.status) == ("warn", "verified_with_warnings")


def test_recipient_by_hashed_email_identifier():
    issuer = Issuer()
    document = badge(issuer.id)
    subject = document["credentialSubject"]
    del subject["id"]
    subject["identifier"] = [
        {
            "type": "IdentityObject",
            "identityType": "emailAddress",
            "hashed": True,
            "salt": "s@lt",
            "identityHash": "sha256$" + hashlib.sha256(b"jan@roc.example" + b"s@lt").hexdigest(),
        }
    ]
    signed = issuer.sign_di(document)
    assert verify(signed, recipient_emails=["Jan@ROC.example"]).outcome("recipient") == "pass"
    assert verify(signed, recipient_emails=["piet@roc.example"]).outcome("recipient") == "fail"


def test_signing_does_not_mutate_its_input():
    issuer = Issuer()
    document = badge(issuer.id)
    before = copy.deepcopy(document)
    issuer.sign_di(document)
    assert document == before


def test_oversized_graphs_are_not_canonicalised():
    issuer = Issuer()
    document = badge(issuer.id)
    document["credentialSubject"]["achievement"]["tag"] = [{"n": i} for i in range(20)]
    signed = issuer.sign_di(document)
    result = verify_credential(json.dumps(signed), now=NOW, limits=Limits(max_jsonld_objects=10))
    assert "proof.too_complex" in codes(result)
    assert result.status == "failed"
