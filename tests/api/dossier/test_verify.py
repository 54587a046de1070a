"""Verifying again (on demand and by `flask dossier reverify`), messages in the learner's
language, and the achievement ids the catalogue and planner count."""
import json
from datetime import timedelta

import pytest

from eigendossier.accounts.models import Account
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.dossier import service
from eigendossier.dossier.models import VerificationCheck, VerificationResult
from tests.api.dossier.conftest import CREDENTIALS, EMAIL, upload
from tests.credentials_support import baked_png, signed_di, unlinked_png, with_status_list
from tests.support import sign_up

# On SQLite and PostgreSQL: verifying again takes a row lock.
pytestmark = pytest.mark.both_databases


def age_results(app, hours):
    with app.app_context():
        for result in db.session.scalars(db.select(VerificationResult)):
            result.checked_at = utcnow() - timedelta(hours=hours)
        db.session.commit()


def test_verify_again_keeps_only_the_latest_result(app, client, learner):
    created = upload(client, baked_png(EMAIL)).get_json()
    age_results(app, 30)
    response = client.post(f"{CREDENTIALS}/{created['id']}/verify")
    assert response.status_code == 200
    again = response.get_json()
    assert again["verification"]["status"] == "verified"
    assert again["verification"]["checked_at"] > created["verification"]["checked_at"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(VerificationResult.id))) == 1
        assert db.session.scalar(db.select(db.func.count(VerificationCheck.id))) == len(
            again["verification"]["checks"])


def test_a_withdrawn_hosted_badge_changes_status_on_reverify(app, client, learner, badge_host):
    created = client.post(CREDENTIALS, json={"url": badge_host.hosted_badge()}).get_json()
    assert created["verification"]["status"] == "verified"
    with app.app_context():
        account = db.session.scalar(db.select(Account).filter_by(email=EMAIL))
        assert service.verified_achievement_ids(account.id) == {badge_host.url + "/badge.json"}
    badge_host.documents.pop("/assertion.json")  # the issuer took it down
    again = client.post(f"{CREDENTIALS}/{created['id']}/verify").get_json()
    assert again["verification"]["status"] not in ("verified", "verified_with_warnings")
    with app.app_context():
        assert service.verified_achievement_ids(account.id) == set()


def test_cli_reverifies_results_older_than_the_configured_age(app, client, runner, learner,
                                                             badge_host):
    client.post(CREDENTIALS, json={"url": badge_host.hosted_badge()})
    upload(client, baked_png(EMAIL))
    result = runner.invoke(args=["dossier", "reverify"])
    assert result.exit_code == 0, result.output
    assert "checked 0" in result.output  # both fresh (default: 24 hours)

    age_results(app, 30)
    badge_host.documents.pop("/assertion.json")
    requests_before = len(badge_host.requests)
    result = runner.invoke(args=["dossier", "reverify"])
    assert result.exit_code == 0, result.output
    assert "checked 2; status changed 1; errors 0" in result.output
    assert len(badge_host.requests) > requests_before
    listed = client.get(CREDENTIALS).get_json()
    assert sorted(c["verification"]["status"] for c in listed)[1] == "verified"

    age_results(app, 30)
    assert "checked 0" in runner.invoke(args=["dossier", "reverify", "--older-than",
                                              "48"]).output
    assert "checked 2" in runner.invoke(args=["dossier", "reverify", "--older-than",
                                              "12"]).output


@pytest.mark.parametrize("app_settings", [{"DOSSIER_REVERIFY_AFTER_HOURS": 1}], indirect=True)
def test_reverify_age_is_configurable(app, client, runner, learner):
    upload(client, baked_png(EMAIL))
    age_results(app, 2)
    assert "checked 1" in runner.invoke(args=["dossier", "reverify"]).output


def test_messages_follow_the_learners_language(client, learner):
    created = upload(client, unlinked_png()).get_json()
    checks = {c["id"]: c for c in created["verification"]["checks"]}
    assert checks["recipient"]["message"].startswith("Uitgegeven aan een kenmerk")
    assert checks["proof"]["message_code"] == "proof.valid"
    assert client.patch("/api/v1/me", json={"locale": "en"}).status_code == 200
    detail = client.get(f"{CREDENTIALS}/{created['id']}").get_json()
    checks = {c["id"]: c for c in detail["verification"]["checks"]}
    assert checks["recipient"]["message"].startswith("Issued to an identifier")
    assert checks["proof"]["message"].startswith("The signature is valid")


def test_verified_achievement_ids(app, client, learner):
    upload(client, baked_png(EMAIL, achievement_id="https://roc.example/a/1"))
    upload(client, baked_png(EMAIL, achievement_id="https://roc.example/a/2",
                             valid_until="2025-01-01T00:00:00Z"))  # expired
    upload(client, unlinked_png())  # issued to a DID, not linked
    client.post(CREDENTIALS, json={"text": json.dumps(signed_di(EMAIL, achievement_id=
                                                                "https://roc.example/a/3"))})
    statuses = sorted(c["verification"]["status"] for c in client.get(CREDENTIALS).get_json())
    assert statuses == ["expired", "verified", "verified", "verified_with_warnings"]
    client.delete("/api/v1/session")
    sign_up(client, email="ander@example.nl")
    upload(client, baked_png("ander@example.nl", achievement_id="https://roc.example/a/9"))
    with app.app_context():
        ids = {a.email: service.verified_achievement_ids(a.id)
               for a in db.session.scalars(db.select(Account))}
    assert ids == {EMAIL: {"https://roc.example/a/1", "https://roc.example/a/3"},
                   "ander@example.nl": {"https://roc.example/a/9"}}


def test_delete_removes_the_credential_and_its_checks(app, client, learner):
    created = upload(client, baked_png(EMAIL)).get_json()
    assert client.delete(f"{CREDENTIALS}/{created['id']}").status_code == 204
    assert client.get(CREDENTIALS).get_json() == []
    assert client.get(f"{CREDENTIALS}/{created['id']}").status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(VerificationCheck.id))) == 0
    # and it can be imported again
    assert upload(client, baked_png(EMAIL)).status_code == 201


def test_reencrypt_after_adding_a_key(app, client, runner, learner):
    from eigendossier.core.encryption import instance_keys, new_key

    created = upload(client, baked_png(EMAIL)).get_json()
    generated = instance_keys(app.instance_path)  # made on first use: {"k1": ...}
    app.config["ENCRYPTION_KEYS"] = {**generated["keys"], "k2": new_key()}
    app.config["ENCRYPTION_KEY_ID"] = "k2"
    app.extensions.pop("eigendossier.keyring")
    assert client.get(f"{CREDENTIALS}/{created['id']}").status_code == 200  # old key opens
    result = runner.invoke(args=["dossier", "reencrypt"])
    assert "re-encrypted 1 payloads" in result.output
    with app.app_context():
        assert db.session.execute(db.text("SELECT key_id FROM credential")).scalar() == "k2"
    app.config["ENCRYPTION_KEYS"].pop("k1")  # the old key retired
    app.extensions.pop("eigendossier.keyring")
    detail = client.get(f"{CREDENTIALS}/{created['id']}").get_json()
    assert detail["summary"] == created["summary"]


def test_offline_reverify_uses_the_kept_status_list_and_says_when_it_was_read(
        app, client, learner, badge_host):
    """An offline phone (the issuer's list unreachable) still gets a result, dated: the
    revocation check carries when the list it used was read, for the app to show its age."""
    credential, status_list = with_status_list(EMAIL, badge_host.url + "/status/1")
    badge_host.put("/status/1", status_list)
    created = client.post(CREDENTIALS, json={"text": json.dumps(credential)}).get_json()
    (first,) = [c for c in created["verification"]["checks"] if c["id"] == "revocation"]
    assert first["outcome"] == "pass"
    read_at = first["params"]["checked_at"]
    assert read_at[:10] == created["verification"]["checked_at"][:10]
    badge_host.documents.clear()  # the list cannot be reached any more
    again = client.post(f"{CREDENTIALS}/{created['id']}/verify").get_json()
    (check,) = [c for c in again["verification"]["checks"] if c["id"] == "revocation"]
    assert check["outcome"] == "pass"
    assert check["params"]["checked_at"] == read_at
    assert again["verification"]["checked_at"] > read_at
    assert again["verification"]["status"] == created["verification"]["status"]
