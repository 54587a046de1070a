"""Bring an export back: into a fresh account here or on another installation, every
credential verified again, nothing doubled, a bad archive refused whole."""
import io
import json
import zipfile

import pytest

from eigendossier.core.extensions import db
from tests.api.privacy.conftest import (
    PASSPHRASE,
    PDF,
    PRIVACY,
    add_credentials,
    add_experience,
    export,
    import_zip,
    make_zip,
    row_counts,
)
from tests.conftest import make_app
from tests.support import PASSWORD, assert_problem, at_once, sign_up

# On SQLite and PostgreSQL: an export taken from either database.
pytestmark = pytest.mark.both_databases


@pytest.fixture
def exported(client, learner) -> bytes:
    """Sanne's dossier (three credentials, an experience item with evidence), exported
    with a passphrase."""
    add_credentials(client)
    add_experience(client)
    response = export(client, PASSPHRASE)
    assert response.status_code == 200
    return response.data


def erase(client, email="sanne@example.nl"):
    response = client.post(f"{PRIVACY}/erase", json={"confirm": email, "password": PASSWORD})
    assert response.status_code == 204, response.get_json()


def test_moving_out_and_back_in_brings_everything_back_verified(app, client, exported):
    erase(client)
    sign_up(client)  # a fresh account with the same address
    assert client.get("/api/v1/dossier/credentials").get_json() == []

    response = import_zip(client, exported, PASSPHRASE)
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert report["credentials"] == {"imported": 3, "duplicates": 0, "failed": []}
    assert report["experience"] == {"imported": 1, "duplicates": 0, "failed": []}
    assert (report["imported"], report["duplicates"], report["failed"]) == (4, 0, [])

    credentials = client.get("/api/v1/dossier/credentials").get_json()
    assert sorted(c["summary"]["title"] for c in credentials) == [
        "Klantgericht werken", "Veilig werken met elektriciteit", "Werken op hoogte"]
    assert {c["verification"]["status"] for c in credentials} == {"verified"}
    assert {c["container"] for c in credentials} == {"png", "svg", "jws"}
    items = client.get("/api/v1/dossier/experience").get_json()
    assert [(i["role"], i["evidence"]["content_type"]) for i in items] == [
        ("Monteur", "application/pdf")]
    assert client.get(f"/api/v1/dossier/experience/{items[0]['id']}/evidence").data == PDF

    trail = client.get(f"{PRIVACY}/audit").get_json()["items"]
    assert trail[0]["action"] == "privacy.imported"


def test_importing_twice_doubles_nothing(app, client, exported):
    before = row_counts(app)
    report = import_zip(client, exported, PASSPHRASE).get_json()
    assert (report["imported"], report["duplicates"], report["failed"]) == (0, 4, [])
    again = import_zip(client, exported, PASSPHRASE).get_json()
    assert (again["imported"], again["duplicates"]) == (0, 4)
    after = row_counts(app)
    assert {k: after[k] for k in after if k != "audit_event"} == \
        {k: before[k] for k in before if k != "audit_event"}


def test_another_installation_takes_the_export(exported, tmp_path):
    other = make_app(f"sqlite:///{tmp_path}/other.db", tmp_path / "other",
                     SECRET_KEY="another-secret", OUTBOUND_ALLOW_HTTP=True,
                     OUTBOUND_ALLOW_PRIVATE=True, RATELIMIT_PRIVACY="1000 per minute")
    with other.app_context():
        db.create_all()
    try:
        there = other.test_client()
        sign_up(there)
        report = import_zip(there, exported, PASSPHRASE).get_json()
        assert (report["imported"], report["duplicates"], report["failed"]) == (4, 0, [])
        statuses = {c["verification"]["status"]
                    for c in there.get("/api/v1/dossier/credentials").get_json()}
        assert statuses == {"verified"}
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_credential_that_does_not_parse_is_reported_and_the_rest_imported(client, learner):
    files = {"credentials/credential-1.json": b'{"not": "a credential"}',
             "experience.json": json.dumps([{"role": "Kok", "start_date": "2020-01-01"},
                                            {"employer": "zonder functie"}]).encode()}
    response = import_zip(client, _archive(files))
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert report["imported"] == 1
    assert len(report["failed"]) == 2
    assert {f["file"] for f in report["failed"]} == {
        "credentials/credential-1.json", "experience.json #2"}
    assert all(f["reason"] for f in report["failed"])


def _archive(files: dict[str, bytes], passphrase=None, manifest=None) -> bytes:
    """A well-formed export of our format with these files."""
    import hashlib

    manifest = manifest or {"format": "eigendossier-export", "format_version": 1,
                            "files": {n: {"sha256": hashlib.sha256(d).hexdigest(),
                                          "size": len(d)} for n, d in files.items()}}
    return make_zip({"manifest.json": json.dumps(manifest).encode(), **files}, passphrase)


def _bomb() -> bytes:
    """50 MB of zeros in about 50 kB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", b"{}")
        with archive.open("credentials/credential-1.json", "w") as member:
            for _ in range(50):
                member.write(b"\0" * 1024 * 1024)
    return out.getvalue()


REFUSED = [
    ("not-zip", lambda: b"PK\x03\x04 this is no zip", None, "import-not-zip"),
    ("png", lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 100, None, "import-not-zip"),
    ("no-manifest", lambda: make_zip({"index.html": b"<p>hoi</p>"}), None, "import-not-ours"),
    ("other-format", lambda: _archive({}, manifest={"format": "other", "files": {}}), None,
     "import-not-ours"),
    ("newer", lambda: _archive({}, manifest={"format": "eigendossier-export",
                                              "format_version": 99, "files": {}}), None,
     "import-newer-format"),
    ("bomb", _bomb, None, "import-too-large"),
    ("many-files", lambda: make_zip({f"x/{n}.txt": b"x" for n in range(60)}), None,
     "import-too-large"),
    ("tampered", lambda: _archive({"experience.json": b"[]"}, manifest={
        "format": "eigendossier-export", "format_version": 1,
        "files": {"experience.json": {"sha256": "0" * 64}}}), None, "import-damaged"),
    ("missing-file", lambda: _archive({}, manifest={
        "format": "eigendossier-export", "format_version": 1,
        "files": {"credentials/credential-1.png": {"sha256": "0" * 64}}}), None,
     "import-damaged"),
    ("no-passphrase", lambda: _archive({"experience.json": b"[]"}, PASSPHRASE), None,
     "import-passphrase-required"),
    ("wrong-passphrase", lambda: _archive({"experience.json": b"[]"}, PASSPHRASE),
     "een ander lang wachtwoord", "import-passphrase-wrong"),
    ("broken-json", lambda: _archive({"experience.json": b"[{"}), None, "import-damaged"),
]


def test_a_bad_archive_is_refused_whole_and_nothing_is_written(app, client, learner):
    """One app for every case (each one is quick; building an app is not)."""
    add_experience(client, with_evidence=False)
    before = row_counts(app)
    for name, archive, passphrase, slug in REFUSED:
        body = assert_problem(import_zip(client, archive(), passphrase), 422, slug)
        assert body["detail"], name
        assert row_counts(app) == before, name
    assert_problem(client.post(f"{PRIVACY}/import", json={}), 415)
    assert_problem(client.post(f"{PRIVACY}/import", data={"passphrase": "x"},
                               content_type="multipart/form-data"), 422)
    assert row_counts(app) == before


def test_one_archive_imported_from_two_devices_at_once_doubles_nothing(app, client, learner):
    """A double tap or a second tab sends the same archive twice at the same moment (found
    by bench/bench_load.py): each experience item lands once, and the reports together
    import each item once."""
    donor = app.test_client()
    sign_up(donor, email="donor@example.nl")
    roles = [f"Monteur {i}" for i in range(6)]
    for role in roles:
        made = donor.post("/api/v1/dossier/experience", json={
            "role": role, "employer": "Installatiebedrijf Jansen", "start_date": "2019-03-01"})
        assert made.status_code == 201, made.get_json()
    archive = export(donor).data
    answers = at_once(app, client, lambda device: import_zip(device, archive))
    assert [a.status_code for a in answers] == [200] * 4, \
        [a.get_json() for a in answers]
    items = client.get("/api/v1/dossier/experience").get_json()
    assert sorted(i["role"] for i in items) == roles
    reports = [a.get_json()["experience"] for a in answers]
    assert sum(r["imported"] for r in reports) == len(roles)
    assert sum(r["duplicates"] for r in reports) == len(roles) * (4 - 1)
