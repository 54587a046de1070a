"""The reminder pipeline, each step safe to run any number of times at once:

1. ``claim_due`` (every tick): work out which reminders are due now and claim each through
   its unique ``reminder`` row (INSERT … ON CONFLICT DO NOTHING: a key someone else holds
   inserts nothing). In the same transaction as its claim, a reminder gets its inbox entry
   and one ``push_delivery`` per device, so a claim never exists without them.
2. ``dispatch`` (every tick): lease the deliveries that are pending (new, due for a retry,
   or left unsent by a worker that died: its lease ran out) under a batch token, and enqueue
   one job per batch (RQ, or in-process).
3. ``delivery.deliver(token)`` (the job, in its own module): take the batch's deliveries,
   send them, record every attempt and the outcome of each delivery as they come in.

Claims conflict on the unique key, leases are taken by conditional UPDATEs, and a worker only
writes deliveries that still carry its token.
"""
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from sqlalchemy import and_, or_, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from eigendossier.accounts.models import Account
from eigendossier.catalog.models import Block, Run
from eigendossier.core.extensions import db
from eigendossier.core.i18n import localized
from eigendossier.core.timeutil import utcnow
from eigendossier.credentials.keys import b64url_encode
from eigendossier.notifications import alerts, messages, timing
from eigendossier.notifications.models import (
    PENDING,
    SENDING,
    Delivery,
    Notification,
    NotificationSettings,
    PushSubscription,
    Reminder,
)
from eigendossier.notifications.service import (
    MAX_MODULE_LEAD,
    MAX_VOUCHER_LEAD,
    preferences_from,
)
from eigendossier.routes.models import Enrolment
from eigendossier.vouchers.models import Voucher, VoucherBatch

INSTITUTION_ZONE = ZoneInfo("Europe/Amsterdam")
CLAIM_CHUNK = 200


# -- step 1: claiming due reminders ---------------------------------------------------------


@dataclass
class Due:
    account_id: int
    subject_type: str
    subject_id: int
    kind: str
    lead_days: int
    due_at: datetime
    text: messages.Text

    @property
    def key(self) -> tuple:
        return (self.account_id, self.subject_type, self.subject_id, self.kind, self.lead_days)


def _zone(account: Account) -> ZoneInfo:
    try:
        return ZoneInfo(account.time_zone or "Europe/Amsterdam")
    except (ZoneInfoNotFoundError, ValueError):
        return INSTITUTION_ZONE


def _local_today(now: datetime, zone: ZoneInfo) -> date:
    return timing.from_utc(now, zone).date()


def _module_reminders(now: datetime) -> list[Due]:
    today = now.date()
    rows = db.session.execute(
        db.select(Enrolment, Run, Block, Account, NotificationSettings)
        .join(Run, Enrolment.run_id == Run.id)
        .join(Block, Run.block_id == Block.id)
        .join(Account, Enrolment.account_id == Account.id)
        .outerjoin(NotificationSettings, NotificationSettings.account_id == Account.id)
        .where(Enrolment.status == "enrolled",
               Run.start_date >= today - timedelta(days=1),
               Run.start_date <= today + timedelta(days=MAX_MODULE_LEAD + 2))
    ).all()
    found = []
    for enrolment, run, block, account, settings in rows:
        prefs = preferences_from(settings)
        zone = _zone(account)
        starts = timing.as_utc(datetime.combine(run.start_date, timing.parse_hhmm(run.starts_at),
                                                INSTITUTION_ZONE))
        window = timing.due_window(run.start_date, starts, prefs.module_lead_days, zone,
                                   prefs.quiet, now, enrolment.created_at)
        if window is None:
            continue
        with _locale_of(account):
            name = localized(block, "name")
        text = messages.module_start(account.locale, _local_today(now, zone), name,
                                     run.start_date, run.starts_at, run.address or "")
        found.append(Due(account.id, "enrolment", enrolment.id, messages.MODULE_START,
                         window.lead_days, window.opens, text))
    return found


def _voucher_reminders(now: datetime) -> list[Due]:
    rows = db.session.execute(
        db.select(Voucher, Account, NotificationSettings)
        .options(joinedload(Voucher.batch).joinedload(VoucherBatch.institution),
                 joinedload(Voucher.qualification))
        .join(Account, Voucher.claimed_by_id == Account.id)
        .outerjoin(NotificationSettings, NotificationSettings.account_id == Account.id)
        .where(Voucher.redeemed_at.is_(None), Voucher.valid_until > now,
               Voucher.valid_until <= now + timedelta(days=MAX_VOUCHER_LEAD + 2))
    ).all()
    found = []
    for voucher, account, settings in rows:
        prefs = preferences_from(settings)
        zone = _zone(account)
        last_day = timing.from_utc(voucher.valid_until - timedelta(seconds=1), zone).date()
        window = timing.due_window(last_day, voucher.valid_until, prefs.voucher_lead_days,
                                   zone, prefs.quiet, now, voucher.claimed_at or now)
        if window is None:
            continue
        with _locale_of(account):
            qualification = localized(voucher.qualification, "name")
        text = messages.voucher_expiry(account.locale, _local_today(now, zone), qualification,
                                       voucher.batch.institution.name, last_day)
        found.append(Due(account.id, "voucher", voucher.id, messages.VOUCHER_EXPIRY,
                         window.lead_days, window.opens, text))
    return found


def _locale_of(account: Account):
    from flask_babel import force_locale

    return force_locale(account.locale if account.locale in ("nl", "en") else "nl")


def due_reminders(now: datetime) -> list[Due]:
    """Every reminder due at `now` that has not been claimed yet, in key order (so two ticks
    insert in the same order and wait for each other instead of deadlocking)."""
    found = (_module_reminders(now) + _voucher_reminders(now)
             + alerts.due_alerts(now, _zone))
    claimed = set()
    for start in range(0, len(found), 1000):
        keys = [d.key for d in found[start:start + 1000]]
        claimed.update(db.session.execute(
            db.select(Reminder.account_id, Reminder.subject_type, Reminder.subject_id,
                      Reminder.kind, Reminder.lead_days)
            .where(tuple_(Reminder.account_id, Reminder.subject_type, Reminder.subject_id,
                          Reminder.kind, Reminder.lead_days).in_(keys))).all())
    return sorted((d for d in found if d.key not in claimed), key=lambda d: d.key)


def _insert_ignoring_conflicts():
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(Reminder).on_conflict_do_nothing(
        index_elements=["account_id", "subject_type", "subject_id", "kind", "lead_days"])


def topic_for(subject_type: str, subject_id: int, kind: str) -> str:
    """RFC 8030 Topic (at most 32 base64url characters): one per subject and kind, so the
    1-day reminder replaces an undelivered 7-day one. Keyed, so it tells the push service
    nothing."""
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, f"{subject_type}:{subject_id}:{kind}".encode(),
                      hashlib.sha256).digest()
    return b64url_encode(digest[:18])  # 24 characters


def claim_due(now: datetime | None = None) -> int:
    """Claim every due reminder; returns how many this call claimed."""
    now = now or utcnow()
    due = due_reminders(now)
    db.session.rollback()  # end the read transaction before the claims
    claimed = 0
    for start in range(0, len(due), CLAIM_CHUNK):
        claimed += _claim_chunk(due[start:start + CLAIM_CHUNK], now)
    return claimed


def _claim_chunk(due: list[Due], now: datetime) -> int:
    rows = [{"account_id": d.account_id, "subject_type": d.subject_type,
             "subject_id": d.subject_id, "kind": d.kind, "lead_days": d.lead_days,
             "due_at": d.due_at, "claimed_at": now} for d in due]
    won = _insert_many(rows)
    by_key = {tuple(row[1:]): row[0] for row in won}
    account_ids = {key[0] for key in by_key}
    devices: dict[int, list[int]] = {}
    if account_ids:
        for sub_id, account_id in db.session.execute(
                db.select(PushSubscription.id, PushSubscription.account_id)
                .where(PushSubscription.account_id.in_(account_ids))):
            devices.setdefault(account_id, []).append(sub_id)
    notes = []
    for item in due:
        reminder_id = by_key.get(item.key)
        if reminder_id is None:
            continue
        note = Notification(account_id=item.account_id, reminder_id=reminder_id,
                            kind=item.kind, title=item.text.title[:200],
                            body=item.text.body[:1000], url=item.text.url, created_at=now)
        notes.append((item, note))
    db.session.add_all([note for _, note in notes])
    db.session.flush()
    for item, note in notes:
        for sub_id in devices.get(item.account_id, []):
            db.session.add(Delivery(
                notification_id=note.id, subscription_id=sub_id, state=PENDING,
                next_attempt_at=now, created_at=now,
                ttl_seconds=messages.ttl_seconds(item.kind, item.lead_days),
                urgency=messages.urgency(item.kind, item.lead_days),
                topic=topic_for(item.subject_type, item.subject_id, item.kind)))
    db.session.commit()
    return len(notes)


def _insert_many(rows: list[dict]) -> list:
    """One INSERT … VALUES (…), (…) ON CONFLICT DO NOTHING RETURNING: the rows it returns are
    the claims this transaction won."""
    statement = _insert_ignoring_conflicts().values(rows).returning(
        Reminder.id, Reminder.account_id, Reminder.subject_type, Reminder.subject_id,
        Reminder.kind, Reminder.lead_days)
    return db.session.execute(statement).all()


# -- step 2: leasing and enqueueing ---------------------------------------------------------


def _leasable(now: datetime):
    return and_(Delivery.state.in_((PENDING, SENDING)), Delivery.next_attempt_at <= now,
                or_(Delivery.lease_until.is_(None), Delivery.lease_until < now))


def dispatch(jobs, now: datetime | None = None, limit: int | None = None) -> int:
    """Lease pending deliveries in batches and enqueue a job per batch; returns how many."""
    now = now or utcnow()
    config = current_app.config
    batch_size = int(config.get("PUSH_BATCH_SIZE") or 500)
    lease = timedelta(seconds=int(config.get("PUSH_LEASE_SECONDS") or 300))
    limit = limit or int(config.get("PUSH_DISPATCH_LIMIT") or 50_000)
    ids = db.session.scalars(db.select(Delivery.id).where(_leasable(now))
                             .order_by(Delivery.id).limit(limit)).all()
    db.session.rollback()
    leased = 0
    for start in range(0, len(ids), batch_size):
        token = uuid.uuid4().hex
        result = db.session.execute(
            db.update(Delivery)
            .where(Delivery.id.in_(ids[start:start + batch_size]), _leasable(now))
            .values(state=PENDING, lease_token=token, lease_until=now + lease))
        db.session.commit()
        if result.rowcount:
            leased += result.rowcount
            jobs.enqueue(token)
    return leased


@dataclass
class TickResult:
    claimed: int
    dispatched: int


def tick(now: datetime | None = None, jobs=None) -> TickResult:
    """One scheduler tick: claim what is due, then hand every pending delivery to a job."""
    from eigendossier.notifications.jobs import jobs_for

    now = now or utcnow()
    claimed = claim_due(now)
    dispatched = dispatch(jobs or jobs_for(current_app), now)
    return TickResult(claimed, dispatched)
