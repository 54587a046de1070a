"""W3C Data Integrity proofs: ``eddsa-rdfc-2022`` and the legacy ``eddsa-2022`` and
``Ed25519Signature2020`` suites (same transformation: RDFC-1.0, SHA-256, Ed25519).

Verification data = SHA-256(canonical proof options) ‖ SHA-256(canonical document without
proof), where the proof options are the proof minus ``proofValue`` with the document's
``@context`` (VC Data Integrity EdDSA Cryptosuites v1.0, section 3.3).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .errors import SignatureError
from .keys import PublicKey, b58encode, multibase_decode
from .linkeddata import canonicalize

CURRENT_SUITE = "eddsa-rdfc-2022"
LEGACY_SUITES = ("eddsa-2022", "Ed25519Signature2020")
SELECTIVE_DISCLOSURE_SUITES = ("ecdsa-sd-2023", "bbs-2023")


@dataclass(frozen=True)
class ProofInfo:
    proof: dict[str, Any]
    suite: str | None  # eddsa-rdfc-2022, eddsa-2022, Ed25519Signature2020 or None (unsupported)
    label: str  # type/cryptosuite as written, for messages


def proofs_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    proof = document.get("proof")
    if proof is None:
        return []
    proofs = proof if isinstance(proof, list) else [proof]
    return [p for p in proofs if isinstance(p, dict)]


def classify(proof: dict[str, Any]) -> ProofInfo:
    kind, suite = proof.get("type"), proof.get("cryptosuite")
    label = f"{kind}/{suite}" if suite else str(kind)
    if kind == "DataIntegrityProof" and suite in (CURRENT_SUITE, "eddsa-2022"):
        return ProofInfo(proof, suite, label)
    if kind == "Ed25519Signature2020":
        return ProofInfo(proof, kind, label)
    return ProofInfo(proof, None, label)


def unsecured(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "proof"}


def proof_options(document: dict[str, Any], proof: dict[str, Any]) -> dict[str, Any]:
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in proof and proof["@context"] != document.get("@context"):
        raise SignatureError("proof.context_mismatch", "The proof's @context differs.")
    options["@context"] = document.get("@context")
    return options


def canonical_forms(document: dict[str, Any], proof: dict[str, Any]) -> tuple[str, str]:
    """(canonical N-Quads of the proof options, of the document without its proofs)."""
    return canonicalize(proof_options(document, proof)), canonicalize(unsecured(document))


def verify_data(document: dict[str, Any], proof: dict[str, Any]) -> bytes:
    proof_canon, doc_canon = canonical_forms(document, proof)
    return (
        hashlib.sha256(proof_canon.encode("utf-8")).digest()
        + hashlib.sha256(doc_canon.encode("utf-8")).digest()
    )


def signature_bytes(proof: dict[str, Any]) -> bytes:
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise SignatureError("proof.value_malformed", "proofValue must be base58btc multibase.")
    try:
        signature = multibase_decode(value)
    except ValueError as exc:
        raise SignatureError("proof.value_malformed", "proofValue is not base58btc.") from exc
    if len(signature) != 64:
        raise SignatureError("proof.value_malformed", "An Ed25519 signature has 64 bytes.")
    return signature


def check_purpose(proof: dict[str, Any]) -> None:
    if proof.get("proofPurpose") != "assertionMethod":
        raise SignatureError(
            "proof.purpose_invalid",
            "The proof purpose must be assertionMethod.",
            purpose=str(proof.get("proofPurpose")),
        )


def verify_proof(document: dict[str, Any], proof: dict[str, Any], key: PublicKey) -> None:
    """Raise :class:`SignatureError` (or a JSON-LD :class:`CredentialError`) unless valid."""
    check_purpose(proof)
    signature = signature_bytes(proof)
    if key.kind != "Ed25519":
        raise SignatureError("proof.key_type_mismatch", "These suites need an Ed25519 key.")
    data = verify_data(document, proof)
    if not key.verify("Ed25519", data, signature):
        raise SignatureError("proof.signature_invalid", "The Data Integrity proof does not verify.")


def is_selective_disclosure(proof: dict[str, Any]) -> bool:
    return proof.get("cryptosuite") in SELECTIVE_DISCLOSURE_SUITES


def sign(
    document: dict[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    *,
    proof_purpose: str = "assertionMethod",
    **options: str,
) -> dict[str, Any]:
    """Return ``document`` with an ``eddsa-rdfc-2022`` proof (for issuing and for tests).

    A presentation is signed with ``proof_purpose="authentication"``; ``options`` adds proof
    options such as ``domain`` and ``challenge``."""
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": CURRENT_SUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
        **options,
    }
    unsigned = unsecured(document)
    signature = private_key.sign(verify_data(unsigned, proof))
    return {**unsigned, "proof": {**proof, "proofValue": "z" + b58encode(signature)}}
