"""`flask privacy rotate-key`: every sealed row moves to a new key in committed batches, an
interrupted rotation loses nothing and continues, and an old key is retired only when no row
uses it."""
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text, update

from eigendossier.core import rotation
from eigendossier.core.encryption import KEY_FILE, keyring, new_key
from eigendossier.core.extensions import db
from eigendossier.dossier.models import Credential
from tests.api.dossier.conftest import CREDENTIALS, EMAIL, EXPERIENCE, upload
from tests.credentials_support import baked_png, signed_jwt

# On SQLite and PostgreSQL: batches under FOR UPDATE SKIP LOCKED.
pytestmark = pytest.mark.both_databases

PDF = b"%PDF-1.7\n% a scanned reference letter\n%%EOF\n"
KEY_COLUMNS = {"credential": "key_id", "experience_item": "evidence_key_id",
               "holder_key": "key_id"}


@dataclass
class Dossier:
    credentials: dict  # id -> summary as the learner saw it
    evidence: str  # the evidence download path
    updated_at: str  # of the experience item
    share_path: str
    holder: str  # the did that signs the learner's presentations


@pytest.fixture
def dossier(app, client, learner) -> Dossier:
    """Two credentials, an experience item with evidence (and one without), a share whose
    presentation was downloaded (so the learner has a holder key): four sealed rows."""
    made = [upload(client, baked_png(EMAIL), "elektra.png").get_json(),
            upload(client, signed_jwt(EMAIL).encode(), "hoogte.jwt").get_json()]
    item = client.post(EXPERIENCE, json={"role": "Monteur", "start_date": "2019-03-01"})
    client.post(EXPERIENCE, json={"role": "Vrijwilliger", "start_date": "2020-01-01"})
    evidence = f"{EXPERIENCE}/{item.get_json()['id']}/evidence"
    assert upload(client, PDF, "brief.pdf", path=evidence, method="put").status_code == 200
    share = client.post("/api/v1/shares", json={
        "credential_ids": [c["id"] for c in made], "label": "Sollicitatie"}).get_json()
    path = "/s/" + share["url"].rsplit("/s/", 1)[1]
    return Dossier({c["id"]: c["summary"] for c in made}, evidence,
                   client.get(EXPERIENCE).get_json()[0]["updated_at"], path, holder(app, path))


def holder(app, share_path) -> str:
    response = app.test_client().get(share_path + "/presentation.json")
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.get_data())["holder"]


def key_ids(app) -> dict[str, list[str]]:
    with app.app_context():
        return {table: sorted(db.session.execute(text(
            f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")).scalars())  # noqa: S608 - table names of our own
            for table, column in KEY_COLUMNS.items()}


def key_file(app) -> dict:
    return json.loads((Path(app.instance_path) / KEY_FILE).read_text())


def assert_readable(app, client, dossier):
    """What the learner and the employer see is what they saw before the rotation."""
    for credential_id, summary in dossier.credentials.items():
        detail = client.get(f"{CREDENTIALS}/{credential_id}")
        assert detail.status_code == 200
        assert detail.get_json()["summary"] == summary
    assert client.get(dossier.evidence).data == PDF
    assert holder(app, dossier.share_path) == dossier.holder


def rotate(runner, *args):
    return runner.invoke(args=["privacy", "rotate-key", *args])


def test_rotation_reseals_every_row_and_retires_the_old_key(app, client, runner, dossier):
    status = runner.invoke(args=["privacy", "key-status"]).output
    assert "current key: k1" in status
    assert "k1: 4 rows (dossier.credentials 2, dossier.evidence 1, sharing.holder_keys 1)" \
        in status

    result = rotate(runner)
    assert result.exit_code == 0, result.output
    assert "New key k2 is now current" in result.output
    assert "dossier.credentials: 2/2" in result.output
    assert "Sealed 4 rows again with key k2." in result.output
    assert "Retired key k1" in result.output
    assert key_ids(app) == {"credential": ["k2", "k2"], "experience_item": ["k2"],
                            "holder_key": ["k2"]}
    stored = key_file(app)
    assert stored["current"] == "k2"
    assert list(stored["keys"]) == ["k2"]
    assert stored["retired"] == ["k1"]
    assert_readable(app, client, dossier)
    # sealing again is not an edit the learner made
    assert client.get(EXPERIENCE).get_json()[0]["updated_at"] == dossier.updated_at
    assert "k2: 4 rows" in runner.invoke(args=["privacy", "key-status"]).output

    again = rotate(runner)  # the next rotation takes a new id, never a retired one
    assert "New key k3 is now current" in again.output
    assert "Retired key k2" in again.output
    assert_readable(app, client, dossier)


def test_an_interrupted_rotation_keeps_the_old_key_and_resumes(app, client, runner, dossier,
                                                               monkeypatch):
    stopped = rotate(runner, "--batch-size", "1", "--max-batches", "1")
    assert stopped.exit_code == 0, stopped.output
    assert "Stopped after 1 batches" in stopped.output
    assert key_ids(app)["credential"] == ["k1", "k2"]
    assert set(key_file(app)["keys"]) == {"k1", "k2"}
    assert_readable(app, client, dossier)

    # A crash in the middle of a batch: that batch is rolled back, earlier ones stay.
    real = rotation._stores["dossier.evidence"]

    def crash(limit, current):
        real.reseal(limit, current)
        raise KeyboardInterrupt

    monkeypatch.setitem(rotation._stores, "dossier.evidence",
                        rotation.Store(real.name, real.count, crash))
    crashed = rotate(runner, "--batch-size", "1")  # no new key: continues the rotation
    assert "A rotation to key k2 is in progress (old keys: k1): continuing it." \
        in crashed.output
    assert crashed.exit_code != 0
    # (the app itself sealed the holder key again when it signed the presentation above)
    assert key_ids(app) == {"credential": ["k2", "k2"], "experience_item": ["k1"],
                            "holder_key": ["k2"]}
    assert set(key_file(app)["keys"]) == {"k1", "k2"}  # k1 still seals the evidence
    assert_readable(app, client, dossier)

    monkeypatch.setitem(rotation._stores, "dossier.evidence", real)
    resumed = rotate(runner, "--resume", "--batch-size", "1")
    assert resumed.exit_code == 0, resumed.output
    assert "Sealed 1 rows again with key k2." in resumed.output
    assert "Retired key k1" in resumed.output
    assert key_ids(app) == {"credential": ["k2", "k2"], "experience_item": ["k2"],
                            "holder_key": ["k2"]}
    assert list(key_file(app)["keys"]) == ["k2"]
    assert_readable(app, client, dossier)


def test_a_row_the_app_changed_meanwhile_is_not_overwritten(app, client, learner):
    old = new_key()
    app.config.update(ENCRYPTION_KEYS={"a": old}, ENCRYPTION_KEY_ID="a")
    created = upload(client, baked_png(EMAIL)).get_json()
    app.config.update(ENCRYPTION_KEYS={"a": old, "b": new_key()}, ENCRYPTION_KEY_ID="b")
    app.extensions.pop("eigendossier.keyring")

    def app_writes_first(credential):
        """The learner's re-verification commits between the rotation's read and write."""
        ring = keyring()
        newer = ring.seal_json({**credential.summary, "title": "Nieuwer"},
                               credential._aad("summary"))
        original = ring.seal(credential.original, credential._aad("original"))
        db.session.execute(update(Credential).where(Credential.id == credential.id).values(
            key_id=newer.key_id, summary_sealed=newer.blob, original_sealed=original.blob))
        credential.seal(credential.original, credential.summary)

    rotation.register_rows("test.credentials", Credential.key_id, app_writes_first)
    try:
        with app.app_context():
            assert rotation._stores["test.credentials"].reseal(10, "b") == 0
            db.session.commit()
    finally:
        rotation._stores.pop("test.credentials")
    assert client.get(f"{CREDENTIALS}/{created['id']}").get_json()["summary"]["title"] \
        == "Nieuwer"


def test_configured_keys_are_added_by_the_operator(app, client, runner, learner):
    first = new_key()
    app.config.update(ENCRYPTION_KEYS={"2026-01": first}, ENCRYPTION_KEY_ID="2026-01")
    created = upload(client, baked_png(EMAIL)).get_json()

    refused = rotate(runner)
    assert refused.exit_code == 1
    assert "The keys come from config (ENCRYPTION_KEYS)" in refused.output
    assert "set ENCRYPTION_KEY_ID to the new key's id" in refused.output
    assert "flask privacy rotate-key --resume" in refused.output
    assert not (Path(app.instance_path) / KEY_FILE).exists()
    assert key_ids(app)["credential"] == ["2026-01"]

    app.config.update(ENCRYPTION_KEYS={"2026-01": first, "2026-07": new_key()},
                      ENCRYPTION_KEY_ID="2026-07")
    app.extensions.pop("eigendossier.keyring")  # the restart after the config change
    resumed = rotate(runner, "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert "No row uses key 2026-01 any more: remove it from ENCRYPTION_KEYS" \
        in resumed.output
    assert key_ids(app)["credential"] == ["2026-07"]

    del app.config["ENCRYPTION_KEYS"]["2026-01"]
    app.extensions.pop("eigendossier.keyring")
    assert client.get(f"{CREDENTIALS}/{created['id']}").get_json()["summary"] \
        == created["summary"]
    assert "2026-07: 1 rows (dossier.credentials 1) [current]" in runner.invoke(
        args=["privacy", "key-status"]).output


def test_rows_under_a_key_the_keyring_lacks_stop_the_rotation(app, client, runner, learner):
    app.config.update(ENCRYPTION_KEYS={"old": new_key()}, ENCRYPTION_KEY_ID="old")
    upload(client, baked_png(EMAIL))
    app.config.update(ENCRYPTION_KEYS={"new": new_key()}, ENCRYPTION_KEY_ID="new")
    app.extensions.pop("eigendossier.keyring")

    assert "old: 1 rows (dossier.credentials 1) [NOT IN THE KEYRING" in runner.invoke(
        args=["privacy", "key-status"]).output
    refused = rotate(runner, "--resume")
    assert refused.exit_code == 1
    assert "key ids old that are not in the keyring: restore those keys" in refused.output
    assert key_ids(app)["credential"] == ["old"]


def test_a_row_that_does_not_open_stops_the_rotation_clearly(app, client, runner, learner):
    old = new_key()
    app.config.update(ENCRYPTION_KEYS={"a": old}, ENCRYPTION_KEY_ID="a")
    created = upload(client, baked_png(EMAIL)).get_json()
    with app.app_context():
        db.session.execute(text("UPDATE credential SET summary_sealed = :blob"),
                           {"blob": b"\0" * 40})
        db.session.commit()
    app.config.update(ENCRYPTION_KEYS={"a": old, "b": new_key()}, ENCRYPTION_KEY_ID="b")
    app.extensions.pop("eigendossier.keyring")

    refused = rotate(runner, "--resume")
    assert refused.exit_code == 1
    assert f"credential row {created['id']} does not open" in refused.output
    assert key_ids(app)["credential"] == ["a"]
    assert "remove it from ENCRYPTION_KEYS" not in refused.output
