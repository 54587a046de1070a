import pytest

from eigendossier.credentials.checks import failed, overall_status, passed, skipped, warned

PROOF = passed("proof", "proof.valid", "")


@pytest.mark.parametrize(
    ("checks", "status"),
    [
        ([PROOF], "verified"),
        ([PROOF, warned("format", "format.vc_v1", "")], "verified_with_warnings"),
        ([PROOF, failed("validity", "validity.expired", "")], "expired"),
        ([PROOF, failed("validity", "validity.not_yet_valid", "")], "failed"),
        (
            [
                PROOF,
                failed("revocation", "revocation.revoked", ""),
                failed("validity", "validity.expired", ""),
            ],
            "revoked",
        ),
        (
            [skipped("proof", "proof.not_checked", ""), failed("validity", "validity.expired", "")],
            "unverifiable",
        ),
        (
            [skipped("proof", "proof.not_checked", ""), failed("schema", "schema.invalid", "")],
            "failed",
        ),
        ([PROOF, skipped("issuer_identity", "issuer_identity.unconfirmed", "")], "verified"),
    ],
)
def test_overall_status(checks, status):
    assert overall_status(checks) == status
