"""W3C Data Integrity proofs.

Cryptosuites verified here, each a transformation, a hash and a signature scheme:

- ``eddsa-rdfc-2022`` (draft name ``eddsa-2022``) and ``Ed25519Signature2020``: RDFC-1.0,
  SHA-256, Ed25519;
- ``eddsa-jcs-2022``: JCS (RFC 8785), SHA-256, Ed25519;
- ``ecdsa-rdfc-2019`` / ``ecdsa-jcs-2019``: RDFC-1.0 / JCS, SHA-256 with P-256 or SHA-384
  with P-384, ECDSA as r‖s.

Verification data = hash(canonical proof options) ‖ hash(canonical document without proof),
where the proof options are the proof minus ``proofValue`` with the document's ``@context``
(VC Data Integrity EdDSA Cryptosuites v1.0, 3.3; ECDSA Cryptosuites v1.0, 3.3). A proof that
names ``previousProof`` (a proof chain) signs the document together with the proofs it names
(Data Integrity 1.0, 4.4).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .errors import SignatureError
from .keys import PublicKey, b58encode, multibase_decode
from .linkeddata import canonicalize

CURRENT_SUITE = "eddsa-rdfc-2022"
JCS_SUITE = "eddsa-jcs-2022"
LEGACY_SUITES = ("eddsa-2022",)
SELECTIVE_DISCLOSURE_SUITES = ("ecdsa-sd-2023", "bbs-2023")


@dataclass(frozen=True)
class Suite:
    name: str
    canonical: str  # "rdfc" or "jcs"
    curves: tuple[str, ...]  # key kinds this suite signs with


SUITES = {
    "eddsa-rdfc-2022": Suite("eddsa-rdfc-2022", "rdfc", ("Ed25519",)),
    "eddsa-2022": Suite("eddsa-2022", "rdfc", ("Ed25519",)),
    "Ed25519Signature2020": Suite("Ed25519Signature2020", "rdfc", ("Ed25519",)),
    "eddsa-jcs-2022": Suite("eddsa-jcs-2022", "jcs", ("Ed25519",)),
    "ecdsa-rdfc-2019": Suite("ecdsa-rdfc-2019", "rdfc", ("P-256", "P-384")),
    "ecdsa-jcs-2019": Suite("ecdsa-jcs-2019", "jcs", ("P-256", "P-384")),
}
_HASH = {"Ed25519": hashlib.sha256, "P-256": hashlib.sha256, "P-384": hashlib.sha384}
_ALG = {"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384"}
_SIGNATURE_BYTES = {"Ed25519": 64, "P-256": 64, "P-384": 96}


@dataclass(frozen=True)
class ProofInfo:
    proof: dict[str, Any]
    suite: str | None  # a key of SUITES, or None (unsupported)
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
    if kind == "DataIntegrityProof" and suite in SUITES and suite != "Ed25519Signature2020":
        return ProofInfo(proof, suite, label)
    if kind == "Ed25519Signature2020":
        return ProofInfo(proof, kind, label)
    return ProofInfo(proof, None, label)


def unsecured(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "proof"}


def secured_part(document: dict[str, Any], proof: dict[str, Any]) -> dict[str, Any]:
    """What ``proof`` signed: the document without proofs, plus the proofs it chains to."""
    base = unsecured(document)
    previous = proof.get("previousProof")
    if previous is None:
        return base
    wanted = previous if isinstance(previous, list) else [previous]
    by_id = {p.get("id"): p for p in proofs_of(document) if p.get("id")}
    missing = [ref for ref in wanted if ref not in by_id]
    if missing:
        raise SignatureError(
            "proof.previous_missing",
            "A proof names an earlier proof that the credential does not contain.",
            missing=[str(m) for m in missing],
        )
    chained = [by_id[ref] for ref in wanted]
    return {**base, "proof": chained if isinstance(previous, list) else chained[0]}


def proof_options(document: dict[str, Any], proof: dict[str, Any]) -> dict[str, Any]:
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in proof and proof["@context"] != document.get("@context"):
        raise SignatureError("proof.context_mismatch", "The proof's @context differs.")
    if "@context" in document:
        options["@context"] = document["@context"]
    return options


def _suite_of(proof: dict[str, Any]) -> Suite:
    info = classify(proof)
    return SUITES[info.suite or CURRENT_SUITE]


def canonical_forms(document: dict[str, Any], proof: dict[str, Any]) -> tuple[str, str]:
    """(canonical proof options, canonical signed document) for ``proof``'s suite."""
    signed = secured_part(document, proof)
    options = proof_options(document, proof)
    if _suite_of(proof).canonical == "jcs":
        return jcs(options), jcs(signed)
    return canonicalize(options), canonicalize(signed)


def jcs(document: dict[str, Any]) -> str:
    """RFC 8785 JSON Canonicalization Scheme."""
    try:
        return rfc8785.dumps(document).decode("utf-8")
    except (rfc8785.CanonicalizationError, ValueError) as exc:
        raise SignatureError("proof.canonicalization_failed", f"JCS failed: {exc}") from exc


def verify_data(document: dict[str, Any], proof: dict[str, Any], kind: str = "Ed25519") -> bytes:
    digest = _HASH[kind]
    proof_canon, doc_canon = canonical_forms(document, proof)
    return digest(proof_canon.encode("utf-8")).digest() + digest(doc_canon.encode("utf-8")).digest()


def signature_bytes(proof: dict[str, Any], kind: str = "Ed25519") -> bytes:
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise SignatureError("proof.value_malformed", "proofValue must be base58btc multibase.")
    try:
        signature = multibase_decode(value)
    except ValueError as exc:
        raise SignatureError("proof.value_malformed", "proofValue is not base58btc.") from exc
    size = _SIGNATURE_BYTES[kind]
    if len(signature) != size:
        raise SignatureError(
            "proof.value_malformed", f"A {kind} signature has {size} bytes.", kind=kind
        )
    return signature


def check_purpose(proof: dict[str, Any], purpose: str = "assertionMethod") -> None:
    if proof.get("proofPurpose") != purpose:
        raise SignatureError(
            "proof.purpose_invalid",
            f"The proof purpose must be {purpose}.",
            purpose=str(proof.get("proofPurpose")),
        )


def verify_proof(
    document: dict[str, Any],
    proof: dict[str, Any],
    key: PublicKey,
    purpose: str = "assertionMethod",
) -> None:
    """Raise :class:`SignatureError` (or a JSON-LD :class:`CredentialError`) unless valid."""
    check_purpose(proof, purpose)
    suite = _suite_of(proof)
    if key.kind not in suite.curves:
        raise SignatureError(
            "proof.key_type_mismatch",
            f"{suite.name} needs a {' or '.join(suite.curves)} key.",
            suite=suite.name,
        )
    signature = signature_bytes(proof, key.kind)
    data = verify_data(document, proof, key.kind)
    if not key.verify(_ALG[key.kind], data, signature):
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
    cryptosuite: str = CURRENT_SUITE,
    **options: str,
) -> dict[str, Any]:
    """Return ``document`` with an ``eddsa-rdfc-2022`` (or ``eddsa-jcs-2022``) proof.

    A presentation is signed with ``proof_purpose="authentication"``; ``options`` adds proof
    options such as ``domain`` and ``challenge``."""
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": cryptosuite,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
        **options,
    }
    unsigned = unsecured(document)
    signature = private_key.sign(verify_data(unsigned, proof))
    return {**unsigned, "proof": {**proof, "proofValue": "z" + b58encode(signature)}}
