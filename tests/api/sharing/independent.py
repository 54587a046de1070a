"""A verifier written apart from the app's credentials library, as an employer's tool would
be: base58 and did:key decoded here, RDFC-1.0 (URDNA2015) by pyld directly over the published
W3C and 1EdTech context files, Ed25519 by `cryptography`. Used to check the presentations."""
import base64
import hashlib
import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld

ROOT = Path(__file__).resolve().parents[3]
CONTEXTS = ROOT / "backend" / "eigendossier" / "credentials" / "contexts"
ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _contexts() -> dict:
    mapping = {}
    for line in (CONTEXTS / "URLS.txt").read_text().splitlines():
        if line.strip():
            url, name = line.split()
            mapping[url] = CONTEXTS / Path(name).name
    return mapping


FILES = _contexts()


def loader(url, options=None):
    return {"contextUrl": None, "documentUrl": url,
            "document": json.loads(FILES[url].read_text())}


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + ALPHABET.index(char)
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + raw


def did_key(verification_method: str) -> Ed25519PublicKey:
    """The Ed25519 key of a did:key verification method (multicodec 0xed01)."""
    did, fragment = verification_method.split("#")
    assert did.startswith("did:key:z")
    assert fragment == did[len("did:key:"):]
    decoded = b58decode(fragment[1:])
    assert decoded[:2] == b"\xed\x01"
    assert len(decoded) == 34
    return Ed25519PublicKey.from_public_bytes(decoded[2:])


def canonical(document: dict) -> bytes:
    return jsonld.normalize(document, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                       "documentLoader": loader}).encode()


def verify_data_integrity(document: dict) -> dict:
    """Verify an eddsa-rdfc-2022 proof; returns the proof. Raises on any mismatch."""
    proof = document["proof"]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options["@context"] = document["@context"]
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    data = (hashlib.sha256(canonical(options)).digest()
            + hashlib.sha256(canonical(unsigned)).digest())
    assert proof["proofValue"].startswith("z")
    did_key(proof["verificationMethod"]).verify(b58decode(proof["proofValue"][1:]), data)
    return proof


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def verify_jwt(token: str) -> tuple[dict, dict]:
    """Verify a compact JWS signed with EdDSA by a did:key; returns (header, payload)."""
    header_b64, payload_b64, signature_b64 = token.split(".")
    header = json.loads(_b64(header_b64))
    assert header["alg"] == "EdDSA"
    did_key(header["kid"]).verify(_b64(signature_b64), f"{header_b64}.{payload_b64}".encode())
    return header, json.loads(_b64(payload_b64))
