from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from eigendossier.notifications import jobs, reminders, vapid

group = AppGroup("notifications", help="Reminders: the scheduler tick, workers, the VAPID key.")


@group.command("tick")
@click.option("--at", "at", default=None,
              help="Act as if it were this moment (ISO 8601, UTC unless an offset is given).")
def tick_command(at):
    """Claim due reminders and send them (cron: every minute; safe to run twice)."""
    now = None
    if at:
        moment = datetime.fromisoformat(at)
        now = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    result = reminders.tick(now)
    click.echo(f"claimed {result.claimed}; dispatched {result.dispatched}")


@group.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--name", default=None, help="Worker name (default: RQ's).")
def worker_command(burst, name):
    """Run an RQ worker for push, mail and other background jobs (needs REDIS_URL)."""
    jobs.run_worker(current_app._get_current_object(), burst=burst, name=name)


@group.command("public-key")
def public_key_command():
    """Print the VAPID public key (applicationServerKey)."""
    click.echo(vapid.public_key())
