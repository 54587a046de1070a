"""Work done after the request: sending mail, and work whose duration must not show in the
answer (a reset link for an address that may have no account).

`after_commit(func, *args)` holds a call on the database session: it runs once the session
commits, never when it rolls back. `enqueue(func, *args)` runs it regardless. Where it runs:
an RQ queue (``JOBS_QUEUE``, any number of ``flask notifications worker`` processes) when
``REDIS_URL`` is set, else one background thread of this process, inside an app context.
Arguments must pickle; `func` is named by its import path so a worker finds it.
"""
import importlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

from flask import Flask, current_app, has_app_context
from sqlalchemy import event

from eigendossier.core.extensions import db

log = logging.getLogger(__name__)

_PENDING = "eigendossier.jobs.pending"
_RUNNER = "eigendossier.jobs.runner"
_lock = threading.Lock()
_job_app: Flask | None = None
QUEUE = "jobs"


def after_commit(func: Callable, *args, retries: int = 0) -> None:
    """Run `func(*args)` after the current transaction commits (dropped on rollback)."""
    db.session.info.setdefault(_PENDING, []).append((_name_of(func), args, retries))


def enqueue(func: Callable, *args, retries: int = 0) -> None:
    """Run `func(*args)` in the background, now."""
    runner_for(current_app._get_current_object()).submit([(_name_of(func), args, retries)])


def _name_of(func: Callable) -> str:
    return f"{func.__module__}:{func.__qualname__}"


def run(name: str, *args):
    """Call a job by its import path, inside an app context (a plain `rq worker` has none)."""
    module, _, attribute = name.partition(":")
    func = getattr(importlib.import_module(module), attribute)
    if has_app_context():
        return func(*args)
    with _app_for_job().app_context():
        return func(*args)


@event.listens_for(db.session, "after_commit")
def _submit_pending(session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        runner_for(current_app._get_current_object()).submit(pending)


@event.listens_for(db.session, "after_rollback")
def _drop_pending(session) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(db.session, "after_transaction_end")
def _drop_uncommitted(session, transaction) -> None:
    """A session closed without commit (end of a request) drops what it held."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


class ThreadRunner:
    """One background thread of this process, in order (the embedded setup)."""

    def __init__(self, app: Flask):
        self.app = app
        self.backoff = float(app.config.get("JOBS_BACKOFF_SECONDS") or 5)
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobs")
        self.futures: set[Future] = set()

    def submit(self, calls) -> None:
        for name, args, retries in calls:
            future = self.executor.submit(self._run, name, args, retries)
            self.futures.add(future)
            future.add_done_callback(self.futures.discard)

    def _run(self, name, args, retries) -> None:
        for attempt in range(retries + 1):
            with self.app.app_context():
                try:
                    run(name, *args)
                    return
                except Exception as error:
                    # The type only: a message may quote personal data.
                    log.warning("job %s: attempt %d of %d failed (%s)", name, attempt + 1,
                                retries + 1, type(error).__name__)
                finally:
                    db.session.remove()
            if attempt < retries:
                time.sleep(self.backoff * 4 ** attempt)
        log.error("job %s given up after %d attempts", name, retries + 1)

    def drain(self, timeout: float = 10) -> None:
        """Wait until every job submitted so far has run, and the jobs they submitted (tests)."""
        deadline = time.monotonic() + timeout
        while self.futures and time.monotonic() < deadline:
            wait(list(self.futures), timeout=max(0.0, deadline - time.monotonic()))


class QueueRunner:
    """RQ on Redis: many processes on many machines."""

    def __init__(self, app: Flask):
        from redis import Redis
        from rq import Queue

        self.queue = Queue(app.config.get("JOBS_QUEUE") or QUEUE,
                           connection=Redis.from_url(app.config["REDIS_URL"]))
        self.backoff = float(app.config.get("JOBS_BACKOFF_SECONDS") or 5)

    def submit(self, calls) -> None:
        from rq import Retry

        for name, args, retries in calls:
            retry = Retry(max=retries, interval=[max(1, int(self.backoff * 4 ** i))
                                                 for i in range(retries)]) if retries else None
            # Results are not kept; a failed job one hour, long enough to look at, short
            # enough that a link in it has expired.
            self.queue.enqueue(run, name, *args, retry=retry, result_ttl=0, failure_ttl=3600,
                               description=name)

    def drain(self, timeout: float = 10) -> None:
        """Nothing to wait for here: a worker runs the jobs."""


def runner_for(app: Flask):
    runner = app.extensions.get(_RUNNER)
    if runner is None:
        with _lock:
            runner = app.extensions.get(_RUNNER)
            if runner is None:
                kind = QueueRunner if app.config.get("REDIS_URL") else ThreadRunner
                runner = app.extensions[_RUNNER] = kind(app)
    return runner


def finish(app: Flask, timeout: float = 10) -> None:
    """Wait for the jobs this process's thread still holds for `app`, then stop the thread.
    Tests call it when an app is done with, so a late mail cannot land in the next test."""
    runner = app.extensions.pop(_RUNNER, None)
    if isinstance(runner, ThreadRunner):
        runner.drain(timeout)
        runner.executor.shutdown(wait=False, cancel_futures=True)


def _app_for_job() -> Flask:
    """A plain `rq worker` process has no app: build one from the environment, once."""
    global _job_app
    with _lock:
        if _job_app is None:
            from eigendossier import create_app

            _job_app = create_app()
        return _job_app
