"""Encryption at rest: AES-256-GCM with a key id stored beside every ciphertext.

Keys come from config ``ENCRYPTION_KEYS`` (key id → base64 of 32 random bytes) and
``ENCRYPTION_KEY_ID`` (the key new data is sealed with). Without configured keys, one key is
generated on first use into ``instance/encryption_keys.json``: fine for one machine. A shared
database refuses to start without configured keys (``eigendossier.core.keys``): each machine
would generate its own. A blob that does not open is a 503 problem (``core.errors``).

To rotate: ``flask privacy rotate-key`` (see ``eigendossier.core.rotation``). With the
instance key file it makes a new key current itself; with configured keys, add the new key to
``ENCRYPTION_KEYS``, point ``ENCRYPTION_KEY_ID`` at it, then run ``flask privacy rotate-key
--resume``. Old keys stay until no row uses them. A process notices a rewritten key file on
its next use of the keyring, so running workers seal with the new key at once.

A sealed blob is ``nonce (12 bytes) || ciphertext || tag``. The associated data binds it to
its row and column (e.g. ``credential:<uuid>:<account id>:original``) and to the key id, so a
ciphertext copied to another row or relabelled with another key id does not decrypt.
"""
import base64
import binascii
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, current_app

NONCE_BYTES = 12
KEY_BYTES = 32
KEY_FILE = "encryption_keys.json"
_EXTENSION = "eigendossier.keyring"


class EncryptionConfigError(RuntimeError):
    """The configured keys are unusable; the message says which setting to fix."""


class DecryptionError(Exception):
    """A blob does not open: unknown key id, wrong key, wrong row, or tampered."""


@dataclass(frozen=True)
class Sealed:
    key_id: str
    blob: bytes


class Keyring:
    """Named AES-256-GCM keys; seals with the current one, opens with any."""

    def __init__(self, keys: dict[str, bytes], current: str):
        if not keys:
            raise EncryptionConfigError("ENCRYPTION_KEYS is empty")
        for key_id, key in keys.items():
            if not key_id or len(key_id) > 32:
                raise EncryptionConfigError(f"key id {key_id!r}: use 1 to 32 characters")
            if len(key) != KEY_BYTES:
                raise EncryptionConfigError(
                    f"ENCRYPTION_KEYS[{key_id!r}] must be {KEY_BYTES} bytes (base64), "
                    f"not {len(key)}")
        if current not in keys:
            raise EncryptionConfigError(
                f"ENCRYPTION_KEY_ID {current!r} is not one of ENCRYPTION_KEYS")
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.current = current
        # The instance key file this ring was read from (None: keys from config).
        self.source: Path | None = None
        self.signature: tuple | None = None

    @property
    def key_ids(self) -> list[str]:
        return list(self._ciphers)

    def seal(self, plaintext: bytes, aad: str) -> Sealed:
        nonce = os.urandom(NONCE_BYTES)
        blob = nonce + self._ciphers[self.current].encrypt(
            nonce, plaintext, _aad(self.current, aad))
        return Sealed(self.current, blob)

    def open(self, key_id: str, blob: bytes, aad: str) -> bytes:
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise DecryptionError(f"unknown key id {key_id!r}: keep retired keys configured")
        if len(blob) < NONCE_BYTES + 16:
            raise DecryptionError("blob too short")
        try:
            return cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], _aad(key_id, aad))
        except InvalidTag:
            raise DecryptionError("the blob does not open with its key and row") from None

    def seal_json(self, value, aad: str) -> Sealed:
        return self.seal(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(),
                         aad)

    def open_json(self, key_id: str, blob: bytes, aad: str):
        return json.loads(self.open(key_id, blob, aad))


def _aad(key_id: str, aad: str) -> bytes:
    return f"eigendossier/v1|{key_id}|{aad}".encode()


def new_key() -> str:
    """A fresh key, base64 as ENCRYPTION_KEYS wants it."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def _decode_keys(raw: dict) -> dict[str, bytes]:
    keys = {}
    for key_id, value in raw.items():
        try:
            keys[str(key_id)] = base64.b64decode(str(value), validate=True)
        except (binascii.Error, ValueError):
            raise EncryptionConfigError(
                f"ENCRYPTION_KEYS[{key_id!r}] is not base64") from None
    return keys


def instance_keys(instance_path: str) -> dict:
    """The instance folder's key file, created once (atomically: safe with many workers)."""
    path = Path(instance_path) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{KEY_FILE}.{secrets.token_hex(8)}")
        temporary.write_text(json.dumps({"current": "k1", "keys": {"k1": new_key()}}))
        temporary.chmod(0o600)
        try:
            os.link(temporary, path)  # fails when another process was first: use theirs
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return json.loads(path.read_text())


def keyring_from_config(config, instance_path: str) -> Keyring:
    configured = config.get("ENCRYPTION_KEYS") or {}
    if configured:
        current = config.get("ENCRYPTION_KEY_ID") or ""
        if not current and len(configured) == 1:
            current = next(iter(configured))
        return Keyring(_decode_keys(configured), str(current))
    stored = instance_keys(instance_path)
    ring = Keyring(_decode_keys(stored["keys"]), stored["current"])
    ring.source = Path(instance_path) / KEY_FILE
    ring.signature = _file_signature(ring.source)
    return ring


def _file_signature(path: Path) -> tuple | None:
    """What changes when the key file is replaced (rotation writes a new file)."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_ino, found.st_mtime_ns, found.st_size


def keyring(app: Flask | None = None) -> Keyring:
    """The app's keyring, built on first use and again when the instance key file changed."""
    app = app or current_app._get_current_object()
    found = app.extensions.get(_EXTENSION)
    if found is None or (found.source is not None
                         and _file_signature(found.source) != found.signature):
        found = app.extensions[_EXTENSION] = keyring_from_config(app.config, app.instance_path)
    return found


class SealedPrivateKey:
    """Mixin for a model keeping a private signing key sealed in ``private_sealed`` under
    ``key_id``; the model's ``_aad()`` names the row the ciphertext belongs to."""

    def seal(self, private_bytes: bytes) -> None:
        sealed = keyring().seal(private_bytes, self._aad())
        self.key_id, self.private_sealed = sealed.key_id, sealed.blob

    @property
    def private_bytes(self) -> bytes:
        return keyring().open(self.key_id, self.private_sealed, self._aad())
