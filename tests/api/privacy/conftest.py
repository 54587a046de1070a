"""Privacy API fixtures: a learner with something in every domain, exports and zip helpers."""
import base64
import io
import json

import pytest
import pyzipper
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import text

from eigendossier.core.extensions import db
from tests.api.dossier.conftest import (  # noqa: F401  (fixtures)
    EMAIL,
    OPEN_OUTBOUND,
    _badge_server,
    badge_host,
    upload,
)
from tests.credentials_support import baked_png, baked_svg, signed_jwt

PRIVACY = "/api/v1/privacy"
SETTINGS = {**OPEN_OUTBOUND, "RATELIMIT_PRIVACY": "1000 per minute",
            "RATELIMIT_PRIVACY_ERASE": "1000 per minute", "PRIVACY_IMPORT_MAX_TOTAL": 4_000_000,
            "PRIVACY_IMPORT_MAX_ENTRIES": 50}
PASSPHRASE = "paard batterij nietje"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
COUNTED = ("credential", "verification_result", "experience_item", "audit_event")


@pytest.fixture
def app_settings():
    return dict(SETTINGS)


def add_credentials(client, email=EMAIL) -> list[dict]:
    """A baked PNG (Data Integrity), a baked SVG (VC-JWT) and a bare VC-JWT, all verified."""
    added = [
        upload(client, baked_png(email), "elektra.png").get_json(),
        upload(client, baked_svg(email, name="Werken op hoogte",
                                 achievement_id="https://roc.example/a/hoogte"),
               "hoogte.svg").get_json(),
        upload(client, signed_jwt(email, name="Klantgericht werken",
                                  achievement_id="https://roc.example/a/klant").encode(),
               "klant.jwt").get_json(),
    ]
    assert [c["verification"]["status"] for c in added] == ["verified"] * 3, added
    return added


def add_experience(client, with_evidence=True) -> dict:
    item = client.post("/api/v1/dossier/experience", json={
        "role": "Monteur", "employer": "Installatiebedrijf Jansen",
        "start_date": "2019-03-01", "end_date": "2022-06-30",
        "description": "Groepenkasten aangelegd."}).get_json()
    if with_evidence:
        response = upload(client, PDF, "getuigschrift.pdf",
                          path=f"/api/v1/dossier/experience/{item['id']}/evidence", method="put")
        assert response.status_code == 200, response.get_json()
        item = response.get_json()
    return item


def export(client, passphrase=None):
    """POST the export; the body is read and the response closed (it holds a file)."""
    body = {"passphrase": passphrase} if passphrase is not None else {}
    response = client.post(f"{PRIVACY}/export", json=body)
    response.get_data()
    response.close()
    return response


def open_zip(data: bytes, passphrase: str | None = None) -> dict[str, bytes]:
    with pyzipper.AESZipFile(io.BytesIO(data)) as archive:
        if passphrase:
            archive.setpassword(passphrase.encode())
        return {name: archive.read(name) for name in archive.namelist()}


def make_zip(files: dict[str, bytes], passphrase: str | None = None) -> bytes:
    out = io.BytesIO()
    options = {"encryption": pyzipper.WZ_AES} if passphrase else {}
    with pyzipper.AESZipFile(out, "w", compression=pyzipper.ZIP_DEFLATED, **options) as archive:
        if passphrase:
            archive.setpassword(passphrase.encode())
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def import_zip(client, data: bytes, passphrase: str | None = None):
    form = {"file": (io.BytesIO(data), "eigendossier.zip")}
    if passphrase is not None:
        form["passphrase"] = passphrase
    return client.post(f"{PRIVACY}/import", content_type="multipart/form-data", data=form)


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        return {table: db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608 - table names of our own
                for table in COUNTED}


def push_subscription() -> dict:
    """A browser's PushSubscription.toJSON(): a real P-256 key and auth secret."""
    key = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return {"endpoint": "https://push.example.net/send/abc123",
            "keys": {"p256dh": b64(key), "auth": b64(b"0123456789abcdef")},
            "label": "Telefoon"}


def manifest_of(files: dict[str, bytes]) -> dict:
    return json.loads(files["manifest.json"])
