"""Real third-party credentials come out as their makers intend (issue 14).

The corpus, its sources and licences: ``tests/fixtures/credentials/corpus/``. No validly
signed credential may ever be ``failed``.
"""

import pytest

from tests.unit.credentials import corpus

# Where our policy deliberately differs from what a maker's file expects, and why.
DIFFERENT_BY_POLICY = {
    "eddsa-rdfc-2022-employ-signedDataInt": "issuer is another did:key than the signing key",
    "ecdsa-rdfc-2019-p256-employ-signedECDSAP256": "issuer is another did:key than the signing key",
}
ENTRIES = {entry.name: entry for entry in corpus.entries()}


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_credential_comes_out_as_its_maker_intends(name):
    entry = ENTRIES[name]
    result = corpus.run(entry)
    if name in DIFFERENT_BY_POLICY:
        assert result.outcome("proof") == "pass"
        assert result.status == "failed"
        assert result.outcome("issuer_identity") == "fail"
    else:
        assert corpus.as_intended(entry, result), (result.status, result.checks)


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_a_valid_proof_is_never_failed_for_a_missing_resource(name):
    """Offline (no DID document, only the shipped status list) nothing valid turns red."""
    result = corpus.run(ENTRIES[name], offline=True)
    if result.status == "failed":
        codes = {c.message_code for c in result.checks if c.outcome == "fail"}
        assert codes & {
            "proof.signature_invalid",
            "proof.missing",
            "issuer_identity.controller_mismatch",
            "validity.not_yet_valid",
        }, codes


@pytest.mark.parametrize("name", ["v2didWebWithValidStatus", "v2didWebMultikeyWithValidStatus"])
def test_did_web_issuer_offline_is_unverifiable_with_the_reason(name):
    result = corpus.run(ENTRIES[name], offline=True)
    assert result.status == "unverifiable"
    assert "key.unavailable" in {c.message_code for c in result.checks}


def test_schema_deviations_are_listed_in_plain_words():
    result = corpus.run(ENTRIES["v2SimpleIssuerId"])
    assert result.status == "verified_with_warnings"
    (schema,) = result.checks_for("schema")
    assert schema.outcome == "warn"
    assert "issuer" in schema.message
