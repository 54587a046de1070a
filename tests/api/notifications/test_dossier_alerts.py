"""Alerts about the dossier itself: a credential revoked, expiring within 30 days, or not
verifiable for a week. One push and one inbox entry per event, never in quiet hours, and
only to the credential's owner."""
import json
from datetime import UTC, datetime, time, timedelta

import pytest

from eigendossier.core.extensions import db
from eigendossier.dossier import service as dossier_service
from eigendossier.dossier import verification
from eigendossier.dossier.models import VerificationResult
from tests.api.notifications.conftest import Notification, Reminder, count, local, subscribe, tick
from tests.credentials_support import signed_di
from tests.support import sign_up

# On SQLite and PostgreSQL: alerts are claimed by unique rows (an upsert per dialect).
pytestmark = pytest.mark.both_databases

EMAIL = "sanne@example.nl"
CREDENTIALS = "/api/v1/dossier/credentials"


@pytest.fixture
def app_settings():
    return {"OUTBOUND_ALLOW_HTTP": True, "OUTBOUND_ALLOW_PRIVATE": True,
            "PUSH_BACKOFF_BASE": 0.01, "PUSH_RETRY_INLINE_MAX": 1.0}


def import_credential(client, **options) -> int:
    response = client.post(CREDENTIALS, json={"text": json.dumps(signed_di(EMAIL, **options))})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def set_result(app, credential_id, **values):
    with app.app_context():
        result = db.session.scalar(db.select(VerificationResult)
                                   .filter_by(credential_id=credential_id))
        for name, value in values.items():
            setattr(result, name, value)
        db.session.commit()


def inbox(client) -> list[dict]:
    return client.get("/api/v1/notifications").get_json()["items"]


def test_a_revoked_credential_is_told_once_and_to_its_owner_only(
        app, client, learner, push, clock):
    subscribe(client, push)
    credential_id = import_credential(client)
    other = app.test_client()
    sign_up(other, email="kim@example.nl")
    import_credential(other)  # Kim's own credential, still fine
    clock.set(local(2027, 1, 4, 12, 0))
    assert tick(app).claimed == 0, "nothing wrong yet"
    set_result(app, credential_id, status="revoked")  # what the re-verification found
    assert tick(app).claimed == 1
    [message] = push.delivered("phone")
    assert message.payload["title"] == "Een bewijs in je dossier is ingetrokken"
    assert "Veilig werken met elektriciteit" in message.payload["body"]
    assert message.payload["url"] == f"/dossier/{credential_id}"
    clock.advance(days=3)
    assert tick(app).claimed == 0, "one alert per revocation"
    assert [n["title"] for n in inbox(client)] == ["Een bewijs in je dossier is ingetrokken"]
    assert inbox(other) == []
    assert count(app, Reminder, kind="credential_revoked") == 1


def test_an_expiry_within_thirty_days_is_told_once(app, client, learner, clock):
    client.patch("/api/v1/me", json={"locale": "en"})
    credential_id = import_credential(client, valid_until="2027-02-15T12:00:00Z")
    clock.set(datetime(2027, 1, 15, 12, 0, tzinfo=UTC))  # 31 days before
    assert tick(app).claimed == 0
    clock.set(datetime(2027, 1, 16, 13, 0, tzinfo=UTC))
    assert tick(app).claimed == 1
    clock.advance(days=10)
    assert tick(app).claimed == 0
    [note] = inbox(client)
    assert note["title"] == "A credential in your dossier expires soon"
    assert "valid until February 15, 2027" in note["body"]
    assert note["url"] == f"/dossier/{credential_id}"
    clock.set(datetime(2027, 2, 16, 12, 0, tzinfo=UTC))
    assert tick(app).claimed == 0, "expired, no second alert"


def test_a_week_without_verification_is_told_once_per_episode(
        app, client, learner, clock, monkeypatch):
    credential_id = import_credential(client)

    def unreachable(*args, **kwargs):
        raise OSError("the issuer's DID document cannot be fetched")

    with monkeypatch.context() as patched:
        patched.setattr(verification, "verify", unreachable)
        with app.app_context():
            assert dossier_service.reverify_stale(0)["errors"] == 1
    with app.app_context():
        since = db.session.scalar(db.select(VerificationResult.unverifiable_since)
                                  .filter_by(credential_id=credential_id))
    assert since is not None, "the failed re-verification is remembered"
    noon = datetime.combine(since.date(), time(12, 0), tzinfo=UTC)  # outside quiet hours
    clock.set(noon + timedelta(days=6))
    assert tick(app).claimed == 0
    clock.set(noon + timedelta(days=8))
    assert tick(app).claimed == 1
    [note] = inbox(client)
    assert note["title"] == "Een bewijs in je dossier kan niet worden gecontroleerd"
    clock.advance(days=2)
    assert tick(app).claimed == 0
    with app.app_context():  # the issuer is back: verifying works again
        dossier_service.reverify_stale(0)
        assert db.session.scalar(db.select(VerificationResult.unverifiable_since)
                                 .filter_by(credential_id=credential_id)) is None


def test_alerts_wait_for_the_end_of_quiet_hours(app, client, learner, clock):
    credential_id = import_credential(client)
    set_result(app, credential_id, status="revoked")
    clock.set(local(2027, 1, 4, 21, 30))  # default quiet hours: 21:00 to 08:00
    assert tick(app).claimed == 0
    clock.set(local(2027, 1, 5, 7, 59))
    assert tick(app).claimed == 0
    clock.set(local(2027, 1, 5, 8, 0))
    assert tick(app).claimed == 1
    assert count(app, Notification) == 1
