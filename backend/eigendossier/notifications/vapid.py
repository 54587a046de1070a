"""The server's VAPID key pair (RFC 8292): given by config, or created on first start and
kept in the instance folder. Its public key is the PWA's applicationServerKey."""
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask, current_app
from py_vapid import Vapid02

from eigendossier.credentials.keys import b64url_encode

KEY_FILE = "vapid_private_key.pem"
_EXTENSION = "eigendossier.vapid"


def _from_config(value: str) -> Vapid02:
    """PEM, or base64url of the raw 32-byte private number or of DER (as py_vapid prints)."""
    value = value.strip()
    if value.startswith("-----BEGIN"):
        return _from_pem(value.encode())
    return Vapid02.from_string(value)


def _from_pem(pem: bytes) -> Vapid02:
    private = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(private, ec.EllipticCurvePrivateKey) or private.curve.name != "secp256r1":
        raise ValueError("VAPID needs a P-256 (prime256v1) private key")
    return Vapid02(private)


def _create_file(path: Path) -> None:
    """Write a new key so that concurrent first starts agree on one (link fails if taken)."""
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


def init_app(app: Flask) -> Vapid02:
    configured = app.config.get("VAPID_PRIVATE_KEY") or ""
    if configured:
        key = _from_config(configured)
    else:
        path = Path(app.instance_path) / KEY_FILE
        if not path.exists():
            _create_file(path)
        key = _from_pem(path.read_bytes())
    app.extensions[_EXTENSION] = key
    return key


def key(app: Flask | None = None) -> Vapid02:
    app = app or current_app._get_current_object()
    return app.extensions.get(_EXTENSION) or init_app(app)


def public_key(app: Flask | None = None) -> str:
    """The uncompressed P-256 public point, base64url without padding."""
    return b64url_encode(key(app).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
