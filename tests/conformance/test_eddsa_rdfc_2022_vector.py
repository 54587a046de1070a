"""The OB 3.0 specification's eddsa-rdfc-2022 test vector, reproduced byte for byte."""

from __future__ import annotations

import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from eigendossier.credentials import dataintegrity as di
from eigendossier.credentials import verify_credential
from eigendossier.credentials.keys import ed25519_key, from_multikey, multibase_decode

from .support import EDTECH, NOW, FileFetcher

VECTOR = EDTECH / "eddsa-rdfc-2022-vector"


@pytest.fixture(scope="module")
def vector() -> dict:
    return json.loads((VECTOR / "vector.json").read_text())


@pytest.fixture(scope="module")
def signed() -> dict:
    return json.loads((VECTOR / "signed-credential.json").read_text())


@pytest.fixture(scope="module")
def canonical(signed) -> tuple[str, str]:
    return di.canonical_forms(signed, signed["proof"])


def test_document_canonical_nquads(canonical):
    assert canonical[1] == (VECTOR / "document-canon.txt").read_text(encoding="utf-8")


def test_proof_canonical_nquads(canonical):
    assert canonical[0] == (VECTOR / "proof-canon.txt").read_text(encoding="utf-8")


def test_document_hash(canonical, vector):
    assert hashlib.sha256(canonical[1].encode()).hexdigest() == vector["document_hash_hex"]


def test_proof_hash(canonical, vector):
    assert hashlib.sha256(canonical[0].encode()).hexdigest() == vector["proof_hash_hex"]


def test_verify_data_is_proof_hash_then_document_hash(signed, vector):
    expected = bytes.fromhex(vector["proof_hash_hex"] + vector["document_hash_hex"])
    assert di.verify_data(signed, signed["proof"]) == expected


def test_proof_value_is_the_signature(vector):
    assert multibase_decode(vector["proof_value"]).hex() == vector["signature_hex"]


def test_public_key_multibase(vector):
    key = ed25519_key(bytes.fromhex(vector["public_key_hex"]))
    assert key.to_multikey() == vector["public_key_multibase"]


def test_signing_reproduces_the_signature(signed, vector):
    seed = bytes.fromhex(vector["private_key_hex"])[:32]
    private = Ed25519PrivateKey.from_private_bytes(seed)
    resigned = di.sign(signed, private, vector["verification_method"], signed["proof"]["created"])
    assert resigned["proof"]["proofValue"] == vector["proof_value"]


def test_signature_verifies(signed, vector):
    di.verify_proof(signed, signed["proof"], from_multikey(vector["public_key_multibase"]))


def test_signed_credential_verifies_end_to_end(signed):
    result = verify_credential(json.dumps(signed), fetch=FileFetcher({}), now=NOW)
    assert result.status == "verified"
    assert result.outcome("proof") == "pass"
