import dataclasses

import pytest

from eigendossier.credentials import Check
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


def test_a_check_is_fixed_once_made():
    check = failed("validity", "validity.expired", "Expired.", expired_on="2024-01-01")
    with pytest.raises(dataclasses.FrozenInstanceError):
        check.outcome = "pass"
    assert check == Check("validity", "fail", "validity.expired", {"expired_on": "2024-01-01"},
                          "Expired.")
    assert Check("proof", "pass", "proof.valid").params == {}
    assert Check("proof", "pass", "proof.valid").params is not Check("a", "pass", "b").params
    assert dataclasses.replace(check, outcome="skipped").outcome == "skipped"
    assert dataclasses.asdict(check)["params"] == {"expired_on": "2024-01-01"}
