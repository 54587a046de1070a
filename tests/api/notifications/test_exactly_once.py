"""Exactly once with real concurrency: two ticks at once (on SQLite and PostgreSQL)."""
import threading
from datetime import UTC, date, datetime

import pytest

from eigendossier.notifications import reminders
from eigendossier.notifications.jobs import InProcessJobs
from eigendossier.notifications.models import Notification, Reminder
from tests.api.notifications.conftest import (
    add_learner,
    count,
    deliveries,
    enrol,
    tick,
)

pytestmark = pytest.mark.both_databases

DUE = datetime(2027, 3, 29, 7, 0, tzinfo=UTC)


def test_two_ticks_at_once_send_every_reminder_once(app, catalog, push, monkeypatch, clock):
    for n in range(30):
        add_learner(app, push, f"l{n}@example.nl", device=f"d{n}")
        enrol(app, email=f"l{n}@example.nl", start=date(2027, 3, 30))
    clock.set(DUE)
    # Both ticks find the same 30 due reminders before either claims one.
    barrier = threading.Barrier(2, timeout=30)
    found = reminders.due_reminders

    def together(now):
        due = found(now)
        barrier.wait()
        return due

    monkeypatch.setattr(reminders, "due_reminders", together)
    results, errors = [], []

    def run():
        try:
            results.append(tick(app, jobs=InProcessJobs()))
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sum(r.claimed for r in results) == 30
    assert sum(r.dispatched for r in results) == 30
    names = [m.name for m in push.delivered()]
    assert sorted(names) == sorted(f"d{n}" for n in range(30)), "each device exactly once"
    assert count(app, Reminder) == count(app, Notification) == 30
    assert {d.state for d in deliveries(app)} == {"sent"}
