"""Every OB 3.0 vector of ``shared/vectors/README.md`` gives its stated outcome."""

from __future__ import annotations

import json

import pytest

from eigendossier.credentials import parse_credential, verify_credential

from .support import NOW, OB30, FileFetcher

BITSTRING_LIST = (
    "https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/"
    "main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist"
)
WELLSPRING_DID = (
    "did:web:dc.1edtech.org:wellspring2022:wellspring-portal:org:"
    "da1e96e9-afcc-4eed-b9a2-2ddf7353214c"
)
WELLSPRING_DID_URL = (
    "https://dc.1edtech.org/wellspring2022/wellspring-portal/org/"
    "da1e96e9-afcc-4eed-b9a2-2ddf7353214c/did.json"
)
WELLSPRING_REVOCATIONS = (
    "https://dc.1edtech.org/wellspring2022/wellspring-portal/api/revocations/"
    "da1e96e9-afcc-4eed-b9a2-2ddf7353214c"
)
WELLSPRING_CREDENTIAL = (
    "https://dc.1edtech.org/wellspring2022/wellspring-portal/credential/"
    "54418d3f-ec01-4652-800a-861c890a51a1"
)
VECTOR_KEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


def wellspring_did_document() -> dict:
    """The DID document dc.1edtech.org would serve (the vector's test used the live site)."""
    method = f"{WELLSPRING_DID}#{VECTOR_KEY}"
    return {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": WELLSPRING_DID,
        "verificationMethod": [
            {
                "id": method,
                "type": "Ed25519VerificationKey2020",
                "controller": WELLSPRING_DID,
                "publicKeyMultibase": VECTOR_KEY,
            }
        ],
        "assertionMethod": [method],
    }


def routes(revoked: list[str]) -> dict:
    return {
        BITSTRING_LIST: OB30 / "bit-string-list" / "testlist",
        WELLSPRING_DID_URL: wellspring_did_document(),
        WELLSPRING_REVOCATIONS: {"revokedCredentials": [{"id": i} for i in revoked]},
    }


VALID = "verified"
WARN = "verified_with_warnings"

# (file, expected status, message codes that must appear among the checks)
TABLE = [
    ("simple.json", VALID, ["proof.valid"]),
    ("simple-did-key-method.json", VALID, ["proof.valid", "key.resolved"]),
    ("simple-context-alias.json", VALID, ["proof.valid"]),
    ("simple.1ob", VALID, ["proof.valid"]),
    ("simple-json.png", VALID, ["proof.valid"]),
    ("simple-json.svg", VALID, ["proof.valid"]),
    ("simple-jwt.png", VALID, ["proof.valid"]),
    ("simple-jwt.svg", VALID, ["proof.valid"]),
    ("simple-did-web-method.json", VALID, ["proof.valid"]),
    ("simple_v1.json", WARN, ["format.vc_v1", "proof.valid"]),
    ("simple-jwt_v1.png", WARN, ["format.vc_v1"]),
    ("simple-jwt_v1.svg", WARN, ["format.vc_v1"]),
    ("simple-eddsa-2022.json", WARN, ["proof.legacy_suite", "proof.valid"]),
    ("simple-multiple-proofs.json", WARN, ["proof.type_unsupported", "proof.valid"]),
    ("simple-err-type.json", "failed", ["format.type_invalid"]),
    ("simple-err-proof-method.json", "failed", ["key.malformed"]),
    ("simple-err-proof-method-no-scheme.json", "failed", ["key.invalid_reference"]),
    # A key we cannot resolve is no evidence against the credential (issue 14's policy).
    ("simple-err-proof-method-unknown-scheme.json", "unverifiable", ["key.unsupported_scheme"]),
    (
        "simple-err-proof-method-unknown-did-method.json",
        "unverifiable",
        ["key.unsupported_did_method"],
    ),
    ("simple-err-proof-value.json", "failed", ["proof.signature_invalid"]),
    ("simple-err-expired.json", "expired", ["validity.expired", "proof.valid"]),
    ("simple-err-issued.json", "failed", ["validity.not_yet_valid", "proof.valid"]),
    ("simple-err-context.json", "failed", ["format.context_invalid"]),
    ("simple-err-issuer.json", "failed", ["schema.invalid"]),
    ("simple-err-issuer-type.json", "failed", ["schema.invalid"]),
    ("simple-err-issuer-parentorg-type.json", "failed", ["schema.invalid"]),
    ("simple-err-issuer-otheridentifier-type.json", "failed", ["schema.invalid"]),
    ("simple-err-credential-subject-type.json", "failed", ["schema.invalid"]),
    ("simple-err-credential-subject-identifier-type.json", "failed", ["schema.invalid"]),
    ("simple-err-credential-subject-result-type.json", "failed", ["schema.invalid"]),
    ("simple-err-credential-subject-profile-type.json", "failed", ["schema.invalid"]),
    (
        "simple-err-credential-subject-achievement-result-description-type.json",
        "failed",
        ["schema.invalid"],
    ),
    ("simple-err-evidence-type.json", "failed", ["schema.invalid"]),
    ("bit-string-list/credential-status-revoked.json", "revoked", ["revocation.revoked"]),
    (
        "bit-string-list/credential-status-revoked-blank-nodes.json",
        "revoked",
        ["revocation.revoked"],
    ),
    (
        "credential-status-revoked.json",
        "revoked",
        ["revocation.revoked", "issuer_identity.confirmed"],
    ),
    ("velocity.jwt", "failed", ["key.unsupported_did_method"]),
    ("sd/derivedcredential.json", "failed", ["proof.selective_disclosure_unsupported"]),
]


def codes(result) -> set[str]:
    return {check.message_code for check in result.checks}


def verify_vector(name: str, revoked: list[str] | None = None):
    fetch = FileFetcher(routes(revoked if revoked is not None else [WELLSPRING_CREDENTIAL]))
    parsed = parse_credential((OB30 / name).read_bytes())
    return verify_credential(parsed, fetch=fetch, now=NOW)


@pytest.mark.parametrize(("name", "status", "required"), TABLE, ids=[row[0] for row in TABLE])
def test_vector_outcome(name, status, required):
    result = verify_vector(name)
    assert result.status == status, [(c.id, c.outcome, c.message_code) for c in result.checks]
    assert set(required) <= codes(result)


@pytest.mark.parametrize("name", ["complete.json", "complete_v1.json"])
def test_complete_credentials_say_what_they_could_not_check(name):
    result = verify_vector(name)
    assert any(check.outcome in ("warn", "skipped") for check in result.checks)
    assert result.status != "verified"
    assert result.summary.title


def test_complete_json_is_unverifiable_while_its_status_list_is_out_of_reach():
    result = verify_vector("complete.json")
    assert result.status == "unverifiable"
    assert "revocation.unavailable" in codes(result)


def test_complete_v1_names_a_schema_it_cannot_check_offline():
    assert "schema.declared_not_checked" in codes(verify_vector("complete_v1.json"))


def test_did_web_credential_is_not_revoked_when_absent_from_the_list():
    result = verify_vector("credential-status-revoked.json", revoked=[])
    assert result.status == WARN  # VC 1.1 context and the legacy Ed25519Signature2020 suite
    assert result.outcome("revocation") == "pass"
    assert result.outcome("issuer_identity") == "pass"


def test_every_vector_of_the_readme_table_exists():
    for name, _, _ in TABLE:
        assert (OB30 / name).is_file(), name


def test_simple_1ob_is_json_not_a_jwt():
    """The README calls simple.1ob a VC-JWT; the file holds the JSON of simple.json."""
    assert json.loads((OB30 / "simple.1ob").read_text()) == json.loads(
        (OB30 / "simple.json").read_text()
    )
