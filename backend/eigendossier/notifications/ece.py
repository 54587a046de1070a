"""Web Push message encryption (RFC 8291: ECDH on P-256 and the browser's auth secret, then
RFC 8188 ``aes128gcm``), done with ``cryptography`` directly.

pywebpush builds a ``WebPusher`` per message and goes through http_ece's general record
code; a push message is one record, so the whole of it is one ECDH exchange, four HMACs
and one AES-GCM call. The ephemeral key pair and the salt are new for every message, as the
RFCs require: nothing secret is shared between two messages.
"""
import hmac
import os
import struct

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from eigendossier.credentials.keys import b64url_decode

RECORD_SIZE = 4096
TAG_SIZE = 16
MAX_PAYLOAD = RECORD_SIZE - TAG_SIZE - 1  # one record, its padding delimiter included
_CURVE = ec.SECP256R1()
_ECDH = ec.ECDH()
_POINT = (serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def _hmac(key: bytes, data: bytes) -> bytes:
    return hmac.digest(key, data, "sha256")


def encrypt(payload: bytes, p256dh: str, auth: str) -> bytes:
    """The ``aes128gcm`` body for one subscription (keys as the browser gives them)."""
    if len(payload) > MAX_PAYLOAD:
        raise ValueError("a push message is at most one record")
    receiver_bytes = b64url_decode(p256dh)
    receiver = ec.EllipticCurvePublicKey.from_encoded_point(_CURVE, receiver_bytes)
    ephemeral = ec.generate_private_key(_CURVE)
    sender_bytes = ephemeral.public_key().public_bytes(*_POINT)
    shared = ephemeral.exchange(_ECDH, receiver)
    # RFC 8291 §3.3-3.4: HKDF with the auth secret as salt gives the input keying material.
    prk_key = _hmac(b64url_decode(auth), shared)
    ikm = _hmac(prk_key, b"WebPush: info\x00" + receiver_bytes + sender_bytes + b"\x01")
    # RFC 8188 §2.2-2.3: HKDF with a random salt gives the content key and the nonce.
    salt = os.urandom(16)
    prk = _hmac(salt, ikm)
    key = _hmac(prk, b"Content-Encoding: aes128gcm\x00\x01")[:16]
    nonce = _hmac(prk, b"Content-Encoding: nonce\x00\x01")[:12]
    record = AESGCM(key).encrypt(nonce, payload + b"\x02", None)  # 0x02: the last record
    header = salt + struct.pack("!IB", RECORD_SIZE, len(sender_bytes)) + sender_bytes
    return header + record
