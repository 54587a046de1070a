"""Step 3 of the reminder pipeline (see `reminders`): ``deliver(token)``, the job. It takes the
deliveries leased under the batch's token, sends them, and records every attempt and the
outcome of each delivery as they come in, one transaction per group of outcomes that finished
together (on PostgreSQL one statement, too); it writes only deliveries that still carry its
token, so a worker whose lease ran out changes no delivery."""
import functools
import json
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import Connection, and_, bindparam, text

from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.notifications.models import (
    EXPIRED,
    FAILED,
    GONE,
    PENDING,
    SENDING,
    SENT,
    Delivery,
    Notification,
    PushAttempt,
    PushSubscription,
)

if TYPE_CHECKING:  # the sender (and the cryptography it needs) loads when a job first runs
    from eigendossier.notifications.sender import Outcome, PushMessage

# Per delivery id: its device's id and the origin of the device's push service.
Devices = dict[int, tuple[int, str]]


def _payload(row) -> bytes:
    """The message as the service worker reads it: what ``_json`` makes of the dict, put
    together from its escaped strings (a third of the CPU of encoding the dict)."""
    note = int(row.note_id)
    return (f'{{"id":{note},"title":{_string(row.title)},"body":{_string(row.body)},'
            f'"url":{_string(row.url)},"tag":"ed-{note}"}}').encode()


_string = json.encoder.encode_basestring  # a str as JSON, with ensure_ascii=False


# One encoder for every payload and record: json.dumps with options builds a new one a call.
_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def _ttl_left(row, now: datetime) -> float:
    """What is left of the TTL, never more than all of it (clocks of machines differ)."""
    elapsed = max(0.0, (now - row.created_at).total_seconds())
    return row.ttl_seconds - elapsed


def deliver(token: str, sender=None) -> dict:
    """Send the deliveries leased under `token`. Outcomes are committed in small groups as
    they come in (see ``PushSender.send_many``), so a worker that dies mid-batch leaves only
    the messages in flight or in the last fraction of a second to be sent again.

    The job holds one connection throughout and commits on it: the session's bookkeeping
    around each transaction (a checkout from the pool and back for each) cost more CPU than
    the statements it ran."""
    from eigendossier.notifications.jobs import sender_for
    from eigendossier.notifications.sender import UNSENT

    sender = sender or sender_for(current_app)
    lease = timedelta(seconds=int(current_app.config.get("PUSH_LEASE_SECONDS") or 300))
    with db.engine.connect() as connection:
        stop_at = time.time() + _sending_time(lease, sender)
        outbox, devices, counts = _take(connection, token, lease)
        for outcomes in sender.send_many(outbox, stop_at):
            tried = [outcome for outcome in outcomes if outcome.result != UNSENT]
            if tried:
                _record(connection, tried, token, devices)
            for outcome in outcomes:
                counts[outcome.result] += 1
    return counts


def _sending_time(lease: timedelta, sender) -> float:
    """How long into its lease a job may start attempts: until the longest attempt (connect
    and read timeouts) would still end within it, and at least half of it. A message not
    tried by then stays leased and untouched (`UNSENT`); the first tick after the lease
    sends it, and no attempt of this job can still be under way by then."""
    seconds = lease.total_seconds()
    longest_attempt = sum(sender.timeout)
    return max(seconds / 2, seconds - longest_attempt)


def _take(connection: Connection, token: str,
          lease: timedelta) -> tuple[list["PushMessage"], Devices, dict]:
    """Take the batch: its messages, its devices, and the counts so far (deliveries whose
    device is gone finish at once)."""
    from eigendossier.notifications.sender import UNSENT, PushMessage, origin_of

    now, wall = utcnow(), time.time()  # the TTL runs on the service's clock, then the sender's
    statements = _taking()
    connection.execute(statements.start, {"b_token": token, "b_until": now + lease})
    connection.commit()
    rows = connection.execute(statements.rows, {"b_token": token}).all()
    counts = {SENT: 0, GONE: 0, FAILED: 0, EXPIRED: 0, "retry": 0, UNSENT: 0}
    outbox = []
    devices: Devices = {}
    gone = []
    for row in rows:
        if row.subscription_id is None:
            gone.append({"b_id": row.id, "b_token": token, "b_status": None, "b_now": now,
                         "b_attempts": 0, "b_state": GONE})
            continue
        outbox.append(PushMessage(
            key=row.id, endpoint=row.endpoint, p256dh=row.p256dh, auth=row.auth,
            payload=_payload(row), deadline=wall + _ttl_left(row, now),
            urgency=row.urgency, topic=row.topic, attempts_before=row.attempts))
        devices[row.id] = (row.subscription_id, origin_of(row.endpoint)[:200])
    if gone:
        connection.execute(_recording().finished, gone)
        counts[GONE] = len(gone)
    connection.commit()
    return outbox, devices, counts


@functools.cache
def _taking() -> SimpleNamespace:
    """The statements that take a batch, built once and run as Core statements: plain
    columns, not entities (the rows are only read, and building and tracking three ORM
    objects per message was a good part of the CPU a message cost)."""
    table = Delivery.__table__
    return SimpleNamespace(
        start=table.update()
        .where(table.c.lease_token == bindparam("b_token"), table.c.state == PENDING)
        .values(state=SENDING, lease_until=bindparam("b_until")),
        rows=db.select(Delivery.id, Delivery.created_at, Delivery.ttl_seconds,
                       Delivery.urgency, Delivery.topic, Delivery.attempts,
                       Notification.id.label("note_id"), Notification.title,
                       Notification.body, Notification.url,
                       PushSubscription.id.label("subscription_id"),
                       PushSubscription.endpoint, PushSubscription.p256dh,
                       PushSubscription.auth)
        .join(Notification, Delivery.notification_id == Notification.id)
        .outerjoin(PushSubscription, Delivery.subscription_id == PushSubscription.id)
        .where(Delivery.lease_token == bindparam("b_token"), Delivery.state == SENDING)
        .order_by(Delivery.id))


@functools.cache
def _recording() -> SimpleNamespace:
    """The statements that record outcomes, built once: building and cache-keying them anew
    for every group cost more CPU than running them."""
    table = Delivery.__table__
    devices = PushSubscription.__table__
    mine = and_(table.c.id == bindparam("b_id"), table.c.lease_token == bindparam("b_token"))
    common = {"lease_token": None, "lease_until": None, "last_status": bindparam("b_status"),
              "attempts": table.c.attempts + bindparam("b_attempts")}
    some_devices = devices.c.id.in_(bindparam("b_devices", expanding=True))
    return SimpleNamespace(
        attempts=PushAttempt.__table__.insert(),
        finished=table.update().where(mine).values(
            **common, state=bindparam("b_state"), finished_at=bindparam("b_now")),
        retried=table.update().where(mine).values(
            **common, state=PENDING, next_attempt_at=bindparam("b_next")),
        reached=devices.update().where(some_devices)
        .values(last_success_at=bindparam("b_now")),
        forgotten=devices.delete().where(some_devices))


# On PostgreSQL a group is recorded by one statement that takes its rows as JSON documents:
# the rows as parameter sets, one per row, and the devices as an expanding IN cost SQLAlchemy
# and psycopg more CPU than sending the messages did.
_RECORD_PG = text(
    "WITH attempts AS (INSERT INTO push_attempt (delivery_id, number, origin, status, error,"
    " retry_after, duration_ms, created_at) SELECT a.d, a.n, a.o, a.s, a.e, a.r, a.ms, a.at"
    " FROM json_to_recordset(CAST(:attempts AS json)) AS a(d integer, n integer, o varchar,"
    " s integer, e varchar, r float8, ms integer, at timestamp)),"
    " finished AS (UPDATE push_delivery AS d SET state = v.state, lease_token = NULL,"
    " lease_until = NULL, last_status = v.status, attempts = d.attempts + v.n,"
    " finished_at = :now FROM json_to_recordset(CAST(:finished AS json))"
    " AS v(id integer, state varchar, status integer, n integer)"
    " WHERE d.id = v.id AND d.lease_token = :token)"
    " UPDATE push_subscription SET last_success_at = :now WHERE id IN"
    " (SELECT CAST(value AS integer) FROM json_array_elements_text(CAST(:sent AS json)))")


def _naive(moment: datetime) -> datetime:
    """How UTCDateTime stores a moment: UTC, without its offset."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def _record(connection: Connection, outcomes: list["Outcome"], token: str,
            devices: Devices) -> None:
    """Record outcomes that finished together, in one transaction: every attempt, each
    delivery's new state (only while it still carries our token), and the devices."""
    now = utcnow()
    statements = _recording()
    if connection.dialect.name == "postgresql":
        _record_json(connection, outcomes, token, devices, now)
    else:
        _record_rows(connection, statements, outcomes, token, devices, now)
    retried = [{"b_id": o.key, "b_token": token, "b_status": o.status,
                "b_attempts": len(o.attempts),
                "b_next": now + timedelta(seconds=o.retry_in or 0)}
               for o in outcomes if o.result == "retry"]
    if retried:
        connection.execute(statements.retried, retried)
    gone = {devices[o.key][0] for o in outcomes if o.result == GONE}
    if gone:
        # The push service forgot these browsers (404 and 410 alike): forget them at once.
        connection.execute(statements.forgotten, {"b_devices": sorted(gone)})
    connection.commit()


def _record_rows(connection: Connection, statements: SimpleNamespace, outcomes: list["Outcome"],
                 token: str, devices: Devices, now: datetime) -> None:
    attempts = [{"delivery_id": o.key, "number": a.number, "origin": devices[o.key][1],
                 "status": a.status, "error": a.error, "retry_after": a.retry_after,
                 "duration_ms": a.duration_ms, "created_at": a.at}
                for o in outcomes for a in o.attempts]
    if attempts:
        connection.execute(statements.attempts, attempts)
    finished = [{"b_id": o.key, "b_token": token, "b_status": o.status, "b_now": now,
                 "b_attempts": len(o.attempts), "b_state": o.result}
                for o in outcomes if o.result != "retry"]
    if finished:
        connection.execute(statements.finished, finished)
    sent = {devices[o.key][0] for o in outcomes if o.result == SENT}
    if sent:
        connection.execute(statements.reached, {"b_devices": sorted(sent), "b_now": now})


def _record_json(connection: Connection, outcomes: list["Outcome"], token: str,
                 devices: Devices, now: datetime) -> None:
    """The same rows as `_record_rows`, in one statement (`_RECORD_PG`)."""
    attempts = [{"d": o.key, "n": a.number, "o": devices[o.key][1], "s": a.status,
                 "e": a.error, "r": a.retry_after, "ms": a.duration_ms,
                 "at": _naive(a.at).isoformat()}
                for o in outcomes for a in o.attempts]
    finished = [{"id": o.key, "state": o.result, "status": o.status, "n": len(o.attempts)}
                for o in outcomes if o.result != "retry"]
    sent = sorted({devices[o.key][0] for o in outcomes if o.result == SENT})
    connection.execute(_RECORD_PG, {"attempts": _json(attempts), "finished": _json(finished),
                                    "sent": _json(sent), "token": token, "now": _naive(now)})
