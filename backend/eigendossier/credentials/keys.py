"""Public keys from JWK, Multikey (multibase + multicodec) and PEM, and signature checks.

Only the algorithms credential issuers use are accepted: Ed25519 (EdDSA), ECDSA P-256 with
SHA-256 (ES256), ECDSA P-384 with SHA-384 (ES384, ecdsa-rdfc-2019 on P-384) and RSA PKCS#1
v1.5 with SHA-256 (RS256, the OB 3.0 VC-JWT baseline).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from .errors import KeyResolutionError

MIN_RSA_BITS = 2048
MAX_RSA_BITS = 8192  # larger keys only cost verification time
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}
_B58_PAIRS = [high + low for high in _B58 for low in _B58]
ED25519_PREFIX = b"\xed\x01"
P256_PREFIX = b"\x80\x24"
P384_PREFIX = b"\x81\x24"
ALG_FOR_KIND = {
    "Ed25519": ("EdDSA", "Ed25519"),
    "P-256": ("ES256",),
    "P-384": ("ES384",),
    "RSA": ("RS256",),
}
_CURVES = {
    "P-256": (ec.SECP256R1(), hashes.SHA256, 32),
    "P-384": (ec.SECP384R1(), hashes.SHA384, 48),
}


def b58decode(text: str) -> bytes:
    """Decode base58btc (Bitcoin alphabet) as used by multibase ``z`` strings."""
    if len(text) > 256:
        raise ValueError("base58 string too long")
    num = 0
    for char in text:
        if char not in _B58_INDEX:
            raise ValueError(f"invalid base58 character {char!r}")
        num = num * 58 + _B58_INDEX[char]
    body = num.to_bytes((num.bit_length() + 7) // 8, "big") if num else b""
    zeros = len(text) - len(text.lstrip("1"))
    return b"\x00" * zeros + body


def b58encode(data: bytes) -> str:
    """Encode base58btc, two digits per division (a signature in half the time)."""
    num = int.from_bytes(data, "big")
    pairs: list[str] = []
    while num:
        num, rem = divmod(num, 58 * 58)
        pairs.append(_B58_PAIRS[rem])
    digits = "".join(reversed(pairs)).lstrip("1")  # a leading pair may start with a zero
    zeros = len(data) - len(data.lstrip(b"\x00"))
    return "1" * zeros + digits


def multibase_decode(value: str) -> bytes:
    """Decode a multibase string; base58btc (``z``) and base64url (``u``) are supported."""
    if value.startswith("z"):
        return b58decode(value[1:])
    if value.startswith("u"):
        return b64url_decode(value[1:])
    raise ValueError("unsupported multibase prefix")


def b64url_decode(value: str) -> bytes:
    if not isinstance(value, str) or "=" in value.rstrip("="):
        raise ValueError("invalid base64url")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("invalid base64url") from exc


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class PublicKey:
    """A verification key. ``kind`` is ``Ed25519``, ``P-256`` or ``RSA``."""

    kind: str
    key: Any

    def verify(self, alg: str, data: bytes, signature: bytes) -> bool:
        """True when ``signature`` over ``data`` verifies under ``alg`` with this key."""
        if alg not in ALG_FOR_KIND[self.kind]:
            return False
        try:
            self._verify(data, signature)
        except (InvalidSignature, ValueError):
            return False
        return True

    def _verify(self, data: bytes, signature: bytes) -> None:
        if self.kind == "Ed25519":
            self.key.verify(signature, data)
        elif self.kind in _CURVES:
            _, digest, size = _CURVES[self.kind]
            if len(signature) != 2 * size:
                raise InvalidSignature()
            der = encode_dss_signature(
                int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
            )
            self.key.verify(der, data, ec.ECDSA(digest()))
        else:
            self.key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())

    def to_multikey(self) -> str:
        """The Multikey (``z6Mk…`` / ``zDn…``) form; RSA keys have none."""
        if self.kind == "Ed25519":
            raw = self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            return "z" + b58encode(ED25519_PREFIX + raw)
        if self.kind in _CURVES:
            point = self.key.public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
            )
            prefix = P256_PREFIX if self.kind == "P-256" else P384_PREFIX
            return "z" + b58encode(prefix + point)
        raise ValueError("RSA keys have no Multikey form")


def _bad_key(detail: str) -> KeyResolutionError:
    return KeyResolutionError("key.malformed", f"Malformed public key: {detail}", detail=detail)


def ed25519_key(raw: bytes) -> PublicKey:
    if len(raw) != 32:
        raise _bad_key("an Ed25519 key has 32 bytes")
    return PublicKey("Ed25519", ed25519.Ed25519PublicKey.from_public_bytes(raw))


def p256_key(point: bytes) -> PublicKey:
    return ec_key("P-256", point)


def ec_key(kind: str, point: bytes) -> PublicKey:
    try:
        curve = _CURVES[kind][0]
        return PublicKey(kind, ec.EllipticCurvePublicKey.from_encoded_point(curve, point))
    except ValueError as exc:
        raise _bad_key(f"not a {kind} point") from exc


@lru_cache(maxsize=1024)
def from_multikey(value: str) -> PublicKey:
    """Decode a Multikey ``publicKeyMultibase`` (Ed25519, P-256 or P-384).

    Cached: the same issuer's key is decoded for every credential it signed (and twice per
    did:key resolution); a PublicKey is immutable."""
    try:
        data = multibase_decode(value)
    except ValueError as exc:
        raise _bad_key(str(exc)) from exc
    if data.startswith(ED25519_PREFIX):
        return ed25519_key(data[2:])
    if data.startswith(P256_PREFIX):
        return p256_key(data[2:])
    if data.startswith(P384_PREFIX):
        return ec_key("P-384", data[2:])
    raise _bad_key("unsupported multicodec key type")


def _jwk_bytes(jwk: dict[str, Any], name: str) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise _bad_key(f"JWK member {name} is missing")
    try:
        return b64url_decode(value)
    except ValueError as exc:
        raise _bad_key(f"JWK member {name} is not base64url") from exc


def from_jwk(jwk: Any) -> PublicKey:
    """Import a public JWK: OKP/Ed25519, EC/P-256 or RSA (at least 2048 bits)."""
    if not isinstance(jwk, dict):
        raise _bad_key("a JWK must be an object")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "OKP" and crv == "Ed25519":
        return ed25519_key(_jwk_bytes(jwk, "x"))
    if kty == "EC" and crv in _CURVES:
        x, y, size = _jwk_bytes(jwk, "x"), _jwk_bytes(jwk, "y"), _CURVES[crv][2]
        if len(x) != size or len(y) != size:
            raise _bad_key(f"{crv} coordinates have {size} bytes")
        return ec_key(crv, b"\x04" + x + y)
    if kty == "RSA":
        return _rsa_key(
            int.from_bytes(_jwk_bytes(jwk, "n"), "big"), int.from_bytes(_jwk_bytes(jwk, "e"), "big")
        )
    raise _bad_key(f"unsupported JWK type {kty}/{crv}")


def _rsa_key(n: int, e: int) -> PublicKey:
    if not MIN_RSA_BITS <= n.bit_length() <= MAX_RSA_BITS:
        raise _bad_key(f"RSA keys need {MIN_RSA_BITS} to {MAX_RSA_BITS} bits")
    try:
        return PublicKey("RSA", rsa.RSAPublicNumbers(e, n).public_key())
    except ValueError as exc:
        raise _bad_key("invalid RSA numbers") from exc


def from_pem(pem: str) -> PublicKey:
    """Import a PEM ``SubjectPublicKeyInfo`` (OB 2.0 ``publicKeyPem``)."""
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, UnsupportedAlgorithm, UnicodeEncodeError) as exc:
        raise _bad_key("not a PEM public key") from exc
    if isinstance(key, ed25519.Ed25519PublicKey):
        return PublicKey("Ed25519", key)
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return PublicKey("P-256", key)
    if isinstance(key, rsa.RSAPublicKey):
        numbers = key.public_numbers()
        return _rsa_key(numbers.n, numbers.e)
    raise _bad_key("unsupported PEM key type")


def from_verification_method(vm: dict[str, Any]) -> PublicKey:
    """The key of a DID / controller-document verification method object."""
    if isinstance(vm.get("publicKeyMultibase"), str):
        return from_multikey(vm["publicKeyMultibase"])
    if isinstance(vm.get("publicKeyJwk"), dict):
        return from_jwk(vm["publicKeyJwk"])
    if isinstance(vm.get("publicKeyPem"), str):
        return from_pem(vm["publicKeyPem"])
    raise _bad_key("verification method has no publicKeyMultibase or publicKeyJwk")
