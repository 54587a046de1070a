"""Fixtures for notifications: a real push service on 127.0.0.1, a clock the service reads,
learners with devices, enrolments and vouchers whose reminders are due when we say."""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from eigendossier.accounts.models import Account
from eigendossier.catalog.models import Run
from eigendossier.core.extensions import db
from eigendossier.notifications import delivery, reminders, service, vapid
from eigendossier.notifications.models import (
    Delivery,
    Notification,
    NotificationSettings,
    PushSubscription,
    Reminder,
)
from eigendossier.routes.models import Enrolment
from tests.support import set_seats_taken
from tests.support_push import PushService

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PUSH_SETTINGS = {
    "OUTBOUND_ALLOW_HTTP": True,
    "OUTBOUND_ALLOW_PRIVATE": True,
    "PUSH_BACKOFF_BASE": 0.01,
    "PUSH_RETRY_INLINE_MAX": 1.0,
    "PUSH_CONCURRENCY": 4,
    "PUSH_READ_TIMEOUT": 2.0,
}


@pytest.fixture
def app_settings():
    return dict(PUSH_SETTINGS)


@pytest.fixture
def other_app(database_url, tmp_path):
    """Build another app on the same database (and instance folder unless told otherwise);
    its connections are closed after the test."""
    from tests.conftest import make_app

    apps = []

    def make(**overrides):
        apps.append(make_app(database_url, tmp_path, **overrides))
        return apps[-1]

    yield make
    for made in apps:
        with made.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def push(app):
    """The push service, trusting the app's VAPID public key only."""
    with app.app_context():
        key = vapid.public_key()
    with PushService(key) as service_:
        yield service_


class Clock:
    """What `utcnow()` returns inside the notifications service (aware, UTC)."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> datetime:
        self.now = moment.astimezone(UTC)
        return self.now

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(datetime(2027, 1, 1, 12, 0, tzinfo=UTC))
    monkeypatch.setattr(service, "utcnow", clock)
    monkeypatch.setattr(reminders, "utcnow", clock)
    monkeypatch.setattr(delivery, "utcnow", clock)
    return clock


def local(year, month, day, hour=9, minute=0, zone=AMSTERDAM) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone)


def account_id(app, email="sanne@example.nl") -> int:
    with app.app_context():
        return db.session.scalar(db.select(Account.id).filter_by(email=email))


def subscribe(client, push, name="phone", label=""):
    """Register a fake browser subscription through the API; returns it."""
    fake = push.subscribe(name)
    response = client.post("/api/v1/push/subscriptions", json={**fake.to_json(), "label": label})
    assert response.status_code == 201, response.get_json()
    fake.id = response.get_json()["id"]
    return fake


def enrol(app, email="sanne@example.nl", code="R-EVE", start: date | None = None,
          starts_at: str | None = None, enrolled_at: datetime | None = None) -> int:
    """Enrol the learner in the run directly, moving the run to `start` (a seat is taken)."""
    with app.app_context():
        run = db.session.scalar(db.select(Run).filter_by(code=code))
        if start is not None:
            run.start_date, run.end_date = start, start + timedelta(days=35)
        if starts_at is not None:
            run.starts_at = starts_at
        run.seats_total = max(run.seats_total, run.seats_taken + 1)
        set_seats_taken(run, run.seats_taken + 1)
        enrolment = Enrolment(account_id=account_id(app, email), run_id=run.id,
                              created_at=enrolled_at or datetime(2020, 1, 1, tzinfo=UTC))
        db.session.add(enrolment)
        db.session.commit()
        return enrolment.id


def enrol_due_now(app, email="sanne@example.nl", code="R-EVE") -> int:
    """Enrol so that a reminder is due right now by the real clock: lead time 1 day, no quiet
    hours, a run starting today or tomorrow at 23:59 (for tests with other processes)."""
    now = datetime.now(AMSTERDAM)
    start = now.date() + timedelta(days=1) if now.hour >= 9 else now.date()
    with app.app_context():
        db.session.merge(NotificationSettings(
            account_id=account_id(app, email), module_lead_days=[1], voucher_lead_days=[],
            quiet_start="00:00", quiet_end="00:00"))
        db.session.commit()
    return enrol(app, email, code, start=start, starts_at="23:59")


def add_learner(app, push, email: str, device: str | None = None) -> int:
    """A learner (no password) with a device, straight into the database."""
    with app.app_context():
        account = Account(email=email, display_name=email.split("@")[0])
        db.session.add(account)
        db.session.flush()
        if device:
            fake = push.subscribe(device)
            db.session.add(PushSubscription(account_id=account.id, endpoint=fake.endpoint,
                                            p256dh=fake.p256dh, auth=fake.auth))
        db.session.commit()
        return account.id


def tick(app, now=None, jobs=None):
    with app.app_context():
        try:
            return reminders.tick(now, jobs=jobs)
        finally:
            db.session.remove()


def count(app, model, **filters) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model)
                                 .filter_by(**filters))


def deliveries(app) -> list[Delivery]:
    with app.app_context():
        rows = db.session.scalars(db.select(Delivery).order_by(Delivery.id)).all()
        db.session.expunge_all()
        return rows


__all__ = ["Notification", "Reminder", "count", "deliveries", "enrol", "local", "subscribe",
           "tick"]
