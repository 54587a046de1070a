"""Sending: what the push service answers, retries, and exactly once through crashes."""
import time
from datetime import UTC, date, datetime

import pytest

from eigendossier.core.extensions import db
from eigendossier.notifications import delivery
from eigendossier.notifications.models import (
    Delivery,
    Notification,
    PushAttempt,
    PushSubscription,
    Reminder,
)
from eigendossier.notifications.reminders import TickResult
from tests.api.notifications.conftest import count, deliveries, enrol, subscribe, tick

# On SQLite and PostgreSQL: deliveries claimed by leases and unique rows.
pytestmark = pytest.mark.both_databases

# The 1-day reminder of a module starting 30 March 2027.
DUE = datetime(2027, 3, 29, 7, 0, tzinfo=UTC)


@pytest.fixture
def due(app, client, learner, catalog, push, clock):
    """Sanne has a phone and a module whose 1-day reminder is due at DUE."""
    phone = subscribe(client, push)
    enrol(app, start=date(2027, 3, 30))
    clock.set(DUE)
    return phone


def attempts(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(db.select(PushAttempt.number, PushAttempt.status,
                                            PushAttempt.origin)
                                  .order_by(PushAttempt.id)).all()


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_deleted_at_once(app, client, due, push, status):
    push.answer("phone", status)
    assert tick(app) == TickResult(1, 1)
    assert count(app, PushSubscription) == 0
    assert client.get("/api/v1/push/subscriptions").get_json() == []
    [delivery] = deliveries(app)
    assert (delivery.state, delivery.last_status, delivery.subscription_id) == ("gone", status,
                                                                               None)
    assert attempts(app) == [(1, status, push.origin)]
    assert client.get("/api/v1/notifications").get_json()["unread"] == 1, "the inbox keeps it"


def test_429_and_500_are_retried_then_sent(app, due, push):
    push.answer("phone", (429, {"Retry-After": "0"}), 503)
    tick(app)
    [delivery] = deliveries(app)
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("sent", 3, 201)
    assert [a[:2] for a in attempts(app)] == [(1, 429), (2, 503), (3, 201)]
    assert len(push.delivered()) == 1


def test_at_most_five_attempts(app, due, push):
    push.answer("phone", 500, 500, 500, 500, 500, 500)
    tick(app)
    [delivery] = deliveries(app)
    assert (delivery.state, delivery.attempts) == ("failed", 5)
    assert len(attempts(app)) == 5
    assert push.delivered() == []


def test_a_refusal_is_not_retried(app, due, push):
    push.answer("phone", 403)
    tick(app)
    assert deliveries(app)[0].state == "failed"
    assert [a[:2] for a in attempts(app)] == [(1, 403)]
    assert count(app, PushSubscription) == 1, "only 404 and 410 remove a device"


def test_a_long_retry_after_is_left_to_a_later_tick(app, due, push, clock):
    push.answer("phone", (429, {"Retry-After": "120"}))
    tick(app)
    [delivery] = deliveries(app)
    assert (delivery.state, delivery.attempts, delivery.lease_token) == ("pending", 1, None)
    assert delivery.next_attempt_at == datetime(2027, 3, 29, 7, 2, tzinfo=UTC)
    clock.advance(seconds=60)
    assert tick(app) == TickResult(0, 0), "not before Retry-After"
    clock.advance(seconds=61)
    assert tick(app) == TickResult(0, 1)
    assert deliveries(app)[0].state == "sent"
    assert [a[:2] for a in attempts(app)] == [(1, 429), (2, 201)]
    assert len(push.delivered()) == 1


def test_never_past_the_ttl(app, due, push):
    push.answer("phone", (503, {"Retry-After": str(13 * 3600)}))
    tick(app)
    [delivery] = deliveries(app)
    assert (delivery.state, delivery.attempts) == ("expired", 1)


def test_an_endless_retry_after_is_recorded_and_expires(app, due, push):
    push.answer("phone", (503, {"Retry-After": "9" * 400}))
    tick(app)
    [delivery] = deliveries(app)
    assert (delivery.state, delivery.attempts) == ("expired", 1)
    assert attempts(app) == [(1, 503, push.origin)]


def test_a_timeout_is_retried(app, due, push):
    push.answer("phone", (201, {}, 2.5))  # longer than PUSH_READ_TIMEOUT (2 s) in these tests
    tick(app)
    [delivery] = deliveries(app)
    assert delivery.state == "sent"
    with app.app_context():
        errors = db.session.scalars(db.select(PushAttempt.error).order_by(PushAttempt.id)).all()
    assert errors == ["timeout", ""]


def test_a_sent_message_is_recorded_in_full(app, due, push):
    before = datetime.now(UTC)
    tick(app)
    [delivery] = deliveries(app)
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("sent", 1, 201)
    assert (delivery.lease_token, delivery.lease_until, delivery.finished_at) == (None, None, DUE)
    with app.app_context():
        [attempt] = db.session.scalars(db.select(PushAttempt)).all()
        device = db.session.get(PushSubscription, delivery.subscription_id)
        assert (attempt.delivery_id, attempt.number, attempt.status, attempt.error,
                attempt.retry_after, attempt.origin) == (delivery.id, 1, 201, "", None,
                                                         push.origin)
        assert before <= attempt.created_at <= datetime.now(UTC)
        assert device.last_success_at == DUE


# -- exactly once through crashes -----------------------------------------------------------


class LostJobs:
    """A queue that loses every job (Redis flushed, the worker never started)."""

    def __init__(self):
        self.tokens = []

    def enqueue(self, token):
        self.tokens.append(token)


class WorkerKilled(BaseException):
    """What SIGKILL looks like from inside: nothing after it runs."""


class DyingSender:
    """Sends `survive` messages, then the worker dies (before or mid-batch)."""

    def __init__(self, real, survive=0):
        self.real, self.survive = real, survive
        self.timeout = real.timeout

    def send_many(self, messages, stop_at=None):
        for index, message in enumerate(messages):
            if index >= self.survive:
                raise WorkerKilled()
            yield [self.real.send(message)]


class DyingJobs:
    def __init__(self, app, survive=0):
        self.app, self.survive = app, survive

    def enqueue(self, token):
        from eigendossier.notifications.jobs import sender_for

        try:
            delivery.deliver(token, sender=DyingSender(sender_for(self.app), self.survive))
        except WorkerKilled:
            db.session.rollback()


def test_a_lost_job_is_driven_again_after_its_lease(app, due, push, clock):
    lost = LostJobs()
    assert tick(app, jobs=lost) == TickResult(1, 1)
    assert len(lost.tokens) == 1
    assert push.delivered() == []
    [delivery] = deliveries(app)
    assert (delivery.state, delivery.lease_token) == ("pending", lost.tokens[0])
    clock.advance(seconds=299)
    assert tick(app) == TickResult(0, 0), "the lease still holds"
    clock.advance(seconds=2)
    assert tick(app) == TickResult(0, 1)
    assert len(push.delivered()) == 1
    assert count(app, Reminder) == count(app, Notification) == 1
    clock.advance(seconds=600)
    assert tick(app) == TickResult(0, 0)
    assert len(push.delivered()) == 1


def test_a_worker_killed_after_taking_the_batch(app, due, push, clock):
    assert tick(app, jobs=DyingJobs(app)) == TickResult(1, 1)
    assert deliveries(app)[0].state == "sending"
    assert push.delivered() == []
    clock.advance(seconds=301)
    assert tick(app) == TickResult(0, 1)
    assert deliveries(app)[0].state == "sent"
    assert len(push.delivered()) == 1


def test_a_worker_killed_mid_batch_loses_and_repeats_nothing(app, client, due, push, clock):
    from tests.support import sign_up

    learners = []
    for n in range(5):
        other = app.test_client()
        sign_up(other, email=f"l{n}@example.nl")
        subscribe(other, push, f"device{n}")
        enrol(app, email=f"l{n}@example.nl", code="R-EVE")
        learners.append(other)
    assert tick(app, jobs=DyingJobs(app, survive=3)) == TickResult(6, 6)
    assert len(push.delivered()) == 3
    assert sorted(d.state for d in deliveries(app)) == ["sending"] * 3 + ["sent"] * 3
    clock.advance(seconds=301)
    assert tick(app) == TickResult(0, 3)
    names = [m.name for m in push.delivered()]
    assert sorted(names) == sorted(["phone"] + [f"device{n}" for n in range(5)])
    assert {d.state for d in deliveries(app)} == {"sent"}
    assert count(app, Notification) == 6


class LeaseLostSender:
    """Sends, but meanwhile the lease runs out and another worker takes the batch."""

    def __init__(self, app, real):
        self.app, self.real = app, real
        self.timeout = real.timeout

    def send_many(self, messages, stop_at=None):
        outcomes = [self.real.send(message) for message in messages]
        with self.app.app_context():
            db.session.execute(db.update(Delivery).values(lease_token="another-worker"))
            db.session.commit()
        yield outcomes


def test_a_worker_whose_lease_ran_out_changes_no_delivery(app, due, push):
    from eigendossier.notifications.jobs import sender_for

    class Jobs:
        def enqueue(self, token):
            delivery.deliver(token, sender=LeaseLostSender(app, sender_for(app)))

    assert tick(app, jobs=Jobs()) == TickResult(1, 1)
    [row] = deliveries(app)
    assert (row.state, row.lease_token, row.attempts, row.finished_at) == (
        "sending", "another-worker", 0, None), "the other worker owns it now"
    assert attempts(app) == [(1, 201, push.origin)], "what was sent is still on record"


def test_a_job_near_the_end_of_its_lease_starts_no_send(app, due, push, clock):
    """A job whose lease is nearly over (here: its sender's clock says so) tries nothing:
    the delivery keeps its lease untouched, and the first tick after the lease sends it once."""
    from eigendossier.notifications.jobs import sender_for
    from eigendossier.notifications.sender import PushSender

    real = sender_for(app)
    late = PushSender(real.vapid, real.subject, real.policy, timeout=real.timeout,
                      clock=lambda: time.time() + 299)

    class Jobs:
        def enqueue(self, token):
            assert delivery.deliver(token, sender=late)["unsent"] == 1

    assert tick(app, jobs=Jobs()) == TickResult(1, 1)
    late.close()
    assert push.delivered() == []
    assert attempts(app) == []
    [row] = deliveries(app)
    assert (row.state, row.attempts, row.finished_at) == ("sending", 0, None)
    assert tick(app) == TickResult(0, 0), "the lease still holds"
    clock.advance(seconds=301)
    assert tick(app) == TickResult(0, 1)
    assert [m.name for m in push.delivered()] == ["phone"]
    assert attempts(app) == [(1, 201, push.origin)]
    assert deliveries(app)[0].state == "sent"
