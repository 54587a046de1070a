"""Sending as RQ jobs on Redis: an in-process SimpleWorker, two real worker processes, and
a worker process killed mid-batch, then a worker restarted (on PostgreSQL, as deployed at
scale)."""
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta

import pytest
from redis import Redis
from rq import Queue, SimpleWorker

from eigendossier.core.config import PROJECT_ROOT
from eigendossier.core.extensions import db
from eigendossier.notifications import jobs as notification_jobs
from eigendossier.notifications.models import Delivery, Notification, Reminder
from tests.api.notifications.conftest import (
    PUSH_SETTINGS,
    add_learner,
    count,
    deliveries,
    enrol_due_now,
    tick,
)
from tests.conftest import service_url

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.heavy]


@pytest.fixture
def database_url(postgres_database):
    return postgres_database


@pytest.fixture
def redis_url():
    return service_url("EIGENDOSSIER_TEST_REDIS_URL", "Redis")


@pytest.fixture
def queue_name():
    return f"notifications-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def app_settings(redis_url, queue_name):
    return {**PUSH_SETTINGS, "REDIS_URL": redis_url, "NOTIFICATIONS_QUEUE": queue_name,
            "PUSH_LEASE_SECONDS": 3}


@pytest.fixture
def queue(redis_url, queue_name):
    queue = Queue(queue_name, connection=Redis.from_url(redis_url))
    yield queue
    queue.empty()
    queue.delete(delete_jobs=True)


def worker_process(app, **env):
    """`flask notifications worker --burst` in its own process, configured like `app`."""
    config = app.config
    environ = {
        **os.environ,
        "EIGENDOSSIER_DATABASE_URL": config["DATABASE_URL"],
        "EIGENDOSSIER_INSTANCE_PATH": app.instance_path,
        "EIGENDOSSIER_SECRET_KEY": config["SECRET_KEY"],
        "EIGENDOSSIER_REDIS_URL": config["REDIS_URL"],
        "EIGENDOSSIER_NOTIFICATIONS_QUEUE": config["NOTIFICATIONS_QUEUE"],
        "EIGENDOSSIER_DEMO_DATA": "false",
        "EIGENDOSSIER_SINGLE_NODE": "true",  # the app's instance folder: the same keys
        "EIGENDOSSIER_OUTBOUND_ALLOW_HTTP": "true",
        "EIGENDOSSIER_OUTBOUND_ALLOW_PRIVATE": "true",
        "EIGENDOSSIER_PUSH_LEASE_SECONDS": str(config["PUSH_LEASE_SECONDS"]),
        **{f"EIGENDOSSIER_{k}": str(v) for k, v in env.items()},
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "eigendossier", "notifications", "worker",
         "--burst"], cwd=PROJECT_ROOT, env=environ, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)


def test_sending_runs_as_rq_jobs(app, catalog, push, queue):
    for n in range(3):
        add_learner(app, push, f"l{n}@example.nl", device=f"d{n}")
        enrol_due_now(app, email=f"l{n}@example.nl")
    result = tick(app)
    assert (result.claimed, result.dispatched) == (3, 3)
    assert queue.count == 1, "one job per batch"
    assert push.delivered() == [], "nothing is sent before a worker runs"
    with app.app_context():
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    assert sorted(m.name for m in push.delivered()) == ["d0", "d1", "d2"]
    assert {d.state for d in deliveries(app)} == {"sent"}


def test_two_worker_processes_share_the_batches(app, catalog, push, queue):
    app.config["PUSH_BATCH_SIZE"] = 2
    # A lease (and so RQ's job timeout) that a busy machine cannot outrun: with 3 s a job
    # was stopped after sending and before recording, correctly left for a later lease.
    app.config["PUSH_LEASE_SECONDS"] = 120
    for n in range(8):
        add_learner(app, push, f"l{n}@example.nl", device=f"d{n}")
        enrol_due_now(app, email=f"l{n}@example.nl")
    assert tick(app).dispatched == 8
    assert queue.count == 4
    workers = [worker_process(app), worker_process(app)]
    for worker in workers:
        output, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0, output
    assert sorted(m.name for m in push.delivered()) == sorted(f"d{n}" for n in range(8))
    assert {d.state for d in deliveries(app)} == {"sent"}


def test_a_worker_killed_mid_batch_then_restarted(app, catalog, push, queue):
    # Long enough that a busy machine's slow worker still holds it when we look (and RQ's
    # job timeout, which is the lease, never stops the restarted worker): the tick that finds
    # the leases run out looks from a moment after them instead of waiting for it.
    app.config["PUSH_LEASE_SECONDS"] = 120
    for n in range(6):
        add_learner(app, push, f"l{n}@example.nl", device=f"d{n}")
        enrol_due_now(app, email=f"l{n}@example.nl")
    push.delay = 0.4
    assert tick(app).dispatched == 6
    worker = worker_process(app, PUSH_CONCURRENCY=1)
    deadline = time.monotonic() + 60
    while len(push.delivered()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.communicate(timeout=10)
    # The push service has these; the last of them may still have been waiting for its
    # answer when the worker died, so it was never recorded as sent.
    reached = {m.name for m in push.delivered()}
    assert 2 <= len(reached) < 6
    push.delay = 0
    assert tick(app).dispatched == 0, "the dead worker's lease still holds"
    redriven = tick(app, now=after_the_leases(app))
    assert redriven.claimed == 0
    assert 6 - len(reached) <= redriven.dispatched <= 6 - len(reached) + 1
    # The restarted worker runs what `flask notifications worker --burst` runs, in this
    # process: the command in a process of its own is what the test above asserts, and each
    # such process costs ~3 s CPU to import and build the app.
    with app.app_context():
        assert notification_jobs.run_worker(app, burst=True)
    names = [m.name for m in push.delivered()]
    assert set(names) == {f"d{n}" for n in range(6)}, "nothing lost"
    repeated = [name for name in set(names) if names.count(name) > 1]
    # At most the message in flight when the worker died (the push service had it, we had
    # not recorded it) goes again, under the same Topic, so the service replaces it.
    assert len(repeated) <= 1
    for name in repeated:
        assert len({m.headers["topic"] for m in push.delivered(name)}) == 1
    assert {d.state for d in deliveries(app)} == {"sent"}
    assert count(app, Reminder) == count(app, Notification) == 6
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Delivery)) == 6


def after_the_leases(app) -> datetime:
    """A moment just after every lease the dead worker held has run out: a later tick."""
    with app.app_context():
        until = db.session.scalar(db.select(db.func.max(Delivery.lease_until)))
    assert until is not None, "the dead worker left leased deliveries"
    return until + timedelta(seconds=1)
