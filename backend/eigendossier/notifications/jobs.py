"""Where sending runs: RQ jobs on Redis when ``REDIS_URL`` is set (any number of workers on
any machines), in-process otherwise. A job carries only a lease token; the deliveries are
in the database.

Workers: ``flask notifications worker`` (an RQ SimpleWorker inside the app, so the push
sender's HTTP connections and the database pool live across jobs), or plain
``rq worker -w rq.worker.SimpleWorker notifications`` with the EIGENDOSSIER_* environment:
the job then builds the app itself, once per process.
"""
import threading

from flask import Flask, current_app, has_app_context

from eigendossier.core.outbound import policy_from_config
from eigendossier.notifications import vapid

QUEUE = "notifications"
_SENDER = "eigendossier.push_sender"
_worker_app: Flask | None = None
_lock = threading.Lock()


def send_batch(token: str) -> dict:
    """The job: send the deliveries leased under `token`."""
    from eigendossier.notifications import delivery

    if has_app_context():
        return delivery.deliver(token)
    with _app().app_context():
        return delivery.deliver(token)


def _app() -> Flask:
    global _worker_app
    with _lock:
        if _worker_app is None:
            from eigendossier import create_app

            _worker_app = create_app()
        return _worker_app


class InProcessJobs:
    """Runs each job at once, in the caller's thread (the embedded setup, and tests)."""

    def enqueue(self, token: str) -> None:
        send_batch(token)


class RQJobs:
    def __init__(self, redis_url: str, lease_seconds: int = 300, queue: str = QUEUE):
        from redis import Redis
        from rq import Queue

        self.connection = Redis.from_url(redis_url)
        self.queue = Queue(queue, connection=self.connection)
        self.lease_seconds = lease_seconds

    def enqueue(self, token: str) -> None:
        # The job may run at most as long as the lease it holds. Its result (the counts)
        # expires after a minute: deleting it at once (result_ttl=0) cost RQ a fifth more
        # CPU per job, in removals from every registry.
        self.queue.enqueue(send_batch, token, job_timeout=self.lease_seconds, result_ttl=60,
                           failure_ttl=7 * 86400, description=f"push batch {token[:8]}")


def jobs_for(app: Flask):
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        return RQJobs(redis_url, int(app.config.get("PUSH_LEASE_SECONDS") or 300),
                      app.config.get("NOTIFICATIONS_QUEUE") or QUEUE)
    return InProcessJobs()


def sender_for(app: Flask | None = None):
    """The process's push sender for this app: one HTTP session, one VAPID cache."""
    from eigendossier.notifications.sender import PushSender

    app = app or current_app._get_current_object()
    sender = app.extensions.get(_SENDER)
    if sender is None:
        with _lock:
            sender = app.extensions.get(_SENDER)
            if sender is None:
                config = app.config
                sender = app.extensions[_SENDER] = PushSender(
                    vapid.key(app), config["VAPID_SUBJECT"], policy_from_config(config),
                    concurrency=int(config.get("PUSH_CONCURRENCY") or 16),
                    timeout=(float(config.get("PUSH_CONNECT_TIMEOUT") or 3.05),
                             float(config.get("PUSH_READ_TIMEOUT") or 10)),
                    max_attempts=int(config.get("PUSH_MAX_ATTEMPTS") or 5),
                    backoff_base=float(config.get("PUSH_BACKOFF_BASE") or 1.0),
                    inline_wait_max=float(config.get("PUSH_RETRY_INLINE_MAX") or 10),
                    group_window=float(config.get("PUSH_GROUP_WINDOW") or 0.1))
    return sender


def run_worker(app: Flask, burst: bool = False, name: str | None = None) -> bool:
    """An RQ SimpleWorker on the notifications queue and the queue of other background jobs
    (mail, core/jobs.py), inside `app` (no fork per job)."""
    from redis import Redis
    from rq import Queue, SimpleWorker

    redis_url = app.config.get("REDIS_URL")
    if not redis_url:
        raise RuntimeError("set REDIS_URL (EIGENDOSSIER_REDIS_URL) to run a worker")
    connection = Redis.from_url(redis_url)
    names = [app.config.get("NOTIFICATIONS_QUEUE") or QUEUE, app.config.get("JOBS_QUEUE") or "jobs"]
    queues = [Queue(queue_name, connection=connection) for queue_name in names]
    worker = SimpleWorker(queues, connection=connection, name=name)
    return worker.work(burst=burst, logging_level="WARNING")
