"""The tick: `flask notifications tick`, and the embedded in-process thread (started by the
first request, only when configured, never under tests or with Redis)."""
import threading
from datetime import date

import pytest

from eigendossier.core.extensions import db
from eigendossier.core.models import AuditEvent
from eigendossier.notifications import reminders, scheduler
from eigendossier.notifications.models import Notification
from tests.api.notifications.conftest import count, enrol, subscribe

# On SQLite and PostgreSQL: ticks claim reminders by unique rows.
pytestmark = pytest.mark.both_databases


def test_the_tick_command(app, runner, client, learner, catalog, push):
    subscribe(client, push)
    enrol(app, start=date(2027, 3, 30))
    result = runner.invoke(args=["notifications", "tick", "--at", "2027-03-29T09:00:00+02:00"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "claimed 1; dispatched 1"
    again = runner.invoke(args=["notifications", "tick", "--at", "2027-03-29T07:05:00"])
    assert again.output.strip() == "claimed 0; dispatched 0"
    assert len(push.delivered()) == 1
    assert count(app, Notification) == 1


def test_public_key_and_worker_commands(app, runner, client):
    key = client.get("/api/v1/push/key").get_json()["public_key"]
    assert runner.invoke(args=["notifications", "public-key"]).output.strip() == key
    result = runner.invoke(args=["notifications", "worker", "--burst"])
    assert result.exit_code != 0
    assert "REDIS_URL" in str(result.exception)


def test_devices_are_in_the_audit_trail(app, client, learner, push):
    phone = subscribe(client, push)
    client.delete(f"/api/v1/push/subscriptions/{phone.id}")
    with app.app_context():
        events = db.session.execute(db.select(AuditEvent.action, AuditEvent.details)
                                    .where(AuditEvent.action.like("push.%"))
                                    .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["push.subscribed", "push.unsubscribed"]
    assert events[0].details == {"push_service": push.origin}


def test_the_thread_starts_with_the_first_request_only_when_wanted(other_app, monkeypatch):
    ticked = threading.Event()
    monkeypatch.setattr(reminders, "tick", lambda *args, **kwargs: ticked.set())
    embedded = other_app(TESTING=False, NOTIFICATIONS_INPROCESS_TICK=True,
                         NOTIFICATIONS_TICK_SECONDS=0.05)
    assert "eigendossier.tick" not in embedded.extensions, "not before a request"
    embedded.test_client().get("/api/v1/meta")
    thread = embedded.extensions["eigendossier.tick"]
    try:
        assert ticked.wait(5)
        embedded.test_client().get("/api/v1/meta")
        assert embedded.extensions["eigendossier.tick"] is thread, "one thread per app"
    finally:
        thread.stop()
        thread.join(5)
    for settings in ({"TESTING": True}, {"NOTIFICATIONS_INPROCESS_TICK": False},
                     {"REDIS_URL": "redis://127.0.0.1:1/0"}):
        config = {"TESTING": False, "NOTIFICATIONS_INPROCESS_TICK": True, **settings}
        assert not scheduler.wants_inprocess_tick(config), settings
    quiet = other_app(TESTING=True, NOTIFICATIONS_INPROCESS_TICK=True)
    quiet.test_client().get("/api/v1/meta")
    assert "eigendossier.tick" not in quiet.extensions
