"""Download all my data: one zip with the originals, a signed presentation, JSON of the rest,
a readable index.html and a manifest of checksums."""
import hashlib
import json

import pytest

from eigendossier.credentials import dataintegrity
from tests.api.privacy.conftest import (
    PASSPHRASE,
    PDF,
    PRIVACY,
    add_credentials,
    add_experience,
    export,
    import_zip,
    manifest_of,
    open_zip,
    push_subscription,
    row_counts,
)
from tests.support import assert_problem, sign_up


def test_the_export_holds_every_credential_as_imported_and_everything_else(app, client, learner):
    credentials = add_credentials(client)
    item = add_experience(client)
    assert client.post("/api/v1/push/subscriptions", json=push_subscription()).status_code == 201
    share = client.post("/api/v1/shares", json={"credential_ids": [credentials[0]["id"]],
                                                "label": "Sollicitatie"}).get_json()

    response = export(client)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    files = open_zip(response.data)

    for credential in credentials:  # the original bytes, byte for byte
        original = client.get(credential["original_url"]).data
        name = next(n for n, d in files.items() if n.startswith("credentials/") and d == original)
        assert name.rsplit(".", 1)[1] in ("png", "svg", "jwt")
    listed = json.loads(files["credentials.json"])
    assert sorted(c["id"] for c in listed) == sorted(c["id"] for c in credentials)
    assert all(c["verification"]["status"] == "verified" for c in listed)

    presentation = json.loads(files["presentation.json"])
    assert presentation["type"] == ["VerifiablePresentation"]
    assert presentation["holder"].startswith("did:key:")
    assert len(presentation["verifiableCredential"]) == 3
    assert dataintegrity.proofs_of(presentation)[0]["proofPurpose"] == "authentication"

    experience = json.loads(files["experience.json"])
    assert [e["role"] for e in experience] == ["Monteur"]
    assert files[experience[0]["evidence_file"]] == PDF
    assert experience[0]["id"] == item["id"]

    notifications = json.loads(files["notifications.json"])
    assert [d["label"] for d in notifications["devices"]] == ["Telefoon"]
    assert notifications["settings"]["quiet_hours"]
    shares = json.loads(files["shares.json"])
    assert [s["label"] for s in shares] == ["Sollicitatie"]
    for name in ("routes.json", "enrolments.json", "vouchers.json", "recognition-requests.json"):
        assert json.loads(files[name]) == []
    assert json.loads(files["profile.json"])["email"] == "sanne@example.nl"

    everything = b"".join(files.values())
    assert b"push.example.net/send" not in everything, "no push endpoint (a secret)"
    assert b"p256dh" not in everything
    assert share["url"].encode() not in everything
    assert share["url"].rsplit("/", 1)[1].encode() not in everything, "no share token"

    manifest = manifest_of(files)
    assert manifest["format"] == "eigendossier-export"
    assert manifest["format_version"] == 1
    assert manifest["app_version"]
    assert set(manifest["files"]) == set(files) - {"manifest.json"}
    for name, entry in manifest["files"].items():
        assert entry["sha256"] == hashlib.sha256(files[name]).hexdigest()

    index = files["index.html"].decode()
    assert '<html lang="nl">' in index
    assert "Mijn gegevens in Eigen Dossier" in index
    assert "Veilig werken met elektriciteit" in index
    assert "Monteur" in index
    assert "http://" not in index, "readable offline: no assets"
    assert "https://" not in index, "readable offline: no assets"

    trail = client.get(f"{PRIVACY}/audit").get_json()["items"]
    assert trail[0]["action"] == "privacy.exported"


def test_an_english_learner_gets_english(client):
    sign_up(client, locale="en")
    data = export(client, PASSPHRASE).data
    index = open_zip(data, PASSPHRASE)["index.html"].decode()
    assert '<html lang="en">' in index
    assert "My data in Eigen Dossier" in index
    body = assert_problem(import_zip(client, data, "not the right passphrase"), 422)
    assert body["title"] == "The passphrase is not correct"


def test_with_a_passphrase_the_zip_is_aes_encrypted(app, client, learner):
    add_credentials(client)
    response = export(client, PASSPHRASE)
    assert response.status_code == 200
    with pytest.raises(RuntimeError):
        open_zip(response.data)  # no passphrase: nothing readable
    with pytest.raises(RuntimeError):
        open_zip(response.data, "not the passphrase at all")
    files = open_zip(response.data, PASSPHRASE)
    assert "index.html" in files
    assert len(json.loads(files["credentials.json"])) == 3
    assert b"Sanne" not in response.data
    assert b"sanne@example.nl" not in response.data

    before = row_counts(app)
    body = assert_problem(export(client, "kort"), 422, "passphrase-weak")
    assert "passphrase" in body["errors"]
    assert row_counts(app) == before, "a refused export records nothing"
