"""Compact JWS: parse under limits, allow only asymmetric algorithms, verify.

Written against ``cryptography`` directly rather than joserfc: we need a header cap well above
joserfc's 512-byte default (OB 3.0 VC-JWTs embed an RSA ``jwk``: about 600 bytes encoded) while
keeping a cap, an allow-list with no ``none``/``HS*``, and the legacy ``EdDSA`` name without
joserfc's deprecation warning (pytest runs with warnings as errors). Its checks need the
strict JSON parser and the keys that Data Integrity proofs verify with too, so joserfc would
only replace the base64 split and the signing, and need its errors mapped back to our codes.
This is the project's one JWS code; joserfc is installed only as authlib's engine for the
OpenID Connect ID token (accounts/oidc.py catches its errors).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from .errors import ParseError
from .keys import PublicKey, b64url_decode, b64url_encode
from .limits import DEFAULT_LIMITS, Limits, load_json

ALLOWED_ALGS = frozenset({"RS256", "ES256", "ES384", "EdDSA", "Ed25519"})
_COMPACT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class CompactJws:
    header: dict[str, Any]
    payload: bytes
    signing_input: bytes
    signature: bytes

    @property
    def alg(self) -> str:
        alg: str = self.header["alg"]  # parse_compact refuses a header without one
        return alg

    def payload_json(self, limits: Limits = DEFAULT_LIMITS) -> Any:
        return load_json(self.payload, limits, what="JWS payload")

    def verify(self, key: PublicKey) -> bool:
        return key.verify(self.alg, self.signing_input, self.signature)


def looks_like_jws(text: str) -> bool:
    return bool(_COMPACT.match(text.strip()))


def parse_compact(token: str, limits: Limits = DEFAULT_LIMITS) -> CompactJws:
    """Split and decode a compact JWS, refusing oversize parts and disallowed algorithms."""
    token = token.strip()
    if len(token) > limits.max_jws_bytes:
        raise ParseError(
            "parse.too_large",
            "The JWS is too large.",
            what="JWS",
            limit=limits.max_jws_bytes,
            size=len(token),
        )
    if not _COMPACT.match(token):
        raise ParseError("parse.jws_invalid", "Not a compact JWS.")
    header_b64, payload_b64, signature_b64 = token.split(".")
    if len(header_b64) > limits.max_jws_header_bytes:
        raise ParseError(
            "parse.jws_header_too_large",
            f"The JWS header is larger than {limits.max_jws_header_bytes} bytes.",
            limit=limits.max_jws_header_bytes,
        )
    header = _decode_header(header_b64, limits)
    try:
        payload, signature = b64url_decode(payload_b64), b64url_decode(signature_b64)
    except ValueError as exc:
        raise ParseError("parse.jws_invalid", "JWS payload or signature is not base64url.") from exc
    return CompactJws(header, payload, f"{header_b64}.{payload_b64}".encode("ascii"), signature)


def _decode_header(header_b64: str, limits: Limits) -> dict[str, Any]:
    try:
        raw = b64url_decode(header_b64)
    except ValueError as exc:
        raise ParseError("parse.jws_invalid", "JWS header is not base64url.") from exc
    header = load_json(raw, limits, what="JWS header")
    if not isinstance(header, dict) or not isinstance(header.get("alg"), str):
        raise ParseError("parse.jws_invalid", "JWS header has no algorithm.")
    if header["alg"] not in ALLOWED_ALGS:
        raise ParseError(
            "parse.jws_alg_refused",
            f"JWS algorithm {header['alg']!r} is not allowed.",
            alg=header["alg"],
            allowed=sorted(ALLOWED_ALGS),
        )
    if header.get("crit"):
        raise ParseError("parse.jws_crit_unsupported", "JWS uses critical header extensions.")
    if "jku" in header or "x5u" in header:
        # A key to fetch from a URL the token itself names: an attacker's key, or a request
        # to an address of their choice (RFC 8725, 3.10). Keys come from jwk, kid or the issuer.
        raise ParseError("parse.jws_key_url_refused", "JWS names its key by URL (jku/x5u).")
    if header.get("b64") is False:
        raise ParseError("parse.jws_invalid", "Unencoded JWS payloads are not supported.")
    return header


def sign_compact(header: dict[str, Any], payload: bytes, private_key: Any) -> str:
    """Sign a compact JWS with an Ed25519, P-256, P-384 or RSA key (issuing and tests)."""
    header_b64 = b64url_encode(json.dumps(header, separators=(",", ":")).encode("utf-8"))
    signing_input = f"{header_b64}.{b64url_encode(payload)}".encode("ascii")
    signature = _sign(header["alg"], signing_input, private_key)
    return f"{signing_input.decode('ascii')}.{b64url_encode(signature)}"


def _sign(alg: str, data: bytes, private_key: Any) -> bytes:
    signature: bytes
    if alg in ("EdDSA", "Ed25519"):
        signature = private_key.sign(data)
        return signature
    if alg in ("ES256", "ES384"):
        digest, size = (hashes.SHA256, 32) if alg == "ES256" else (hashes.SHA384, 48)
        r, s = decode_dss_signature(private_key.sign(data, ec.ECDSA(digest())))
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    if alg == "RS256":
        signature = private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return signature
    raise ValueError(f"cannot sign with {alg}")
