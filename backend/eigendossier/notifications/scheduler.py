"""The scheduler tick: `flask notifications tick` from cron or a systemd timer every minute,
or, in the embedded single-process setup, a background thread of the web process.

The thread starts with the first request (so `flask db upgrade` and other commands never
start one), only when NOTIFICATIONS_INPROCESS_TICK is true, never under TESTING and never
when REDIS_URL is set: with Redis there are many processes, and one tick process (or a few,
claims make that safe) belongs outside them."""
import logging
import threading

from flask import Flask

log = logging.getLogger(__name__)


def tick_once(app: Flask):
    from eigendossier.core.extensions import db
    from eigendossier.notifications import reminders

    with app.app_context():
        try:
            return reminders.tick()
        finally:
            db.session.remove()


class TickThread(threading.Thread):
    def __init__(self, app: Flask, interval: float):
        super().__init__(name="notifications-tick", daemon=True)
        self.app = app
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                result = tick_once(self.app)
                if result.claimed or result.dispatched:
                    log.info("tick: claimed %s, dispatched %s", result.claimed,
                             result.dispatched)
            except Exception:  # keep ticking: the next tick retries what this one missed
                log.exception("notifications tick failed")

    def stop(self) -> None:
        self.stopped.set()


def wants_inprocess_tick(config) -> bool:
    return bool(config.get("NOTIFICATIONS_INPROCESS_TICK")) and not config.get("TESTING") \
        and not config.get("REDIS_URL")


def init_app(app: Flask) -> None:
    if not wants_inprocess_tick(app.config):
        return
    lock = threading.Lock()

    def start_ticking():
        if "eigendossier.tick" in app.extensions:
            return
        with lock:
            if "eigendossier.tick" not in app.extensions:
                thread = TickThread(app, float(app.config.get("NOTIFICATIONS_TICK_SECONDS")
                                               or 60))
                app.extensions["eigendossier.tick"] = thread
                thread.start()

    app.before_request(start_ticking)
