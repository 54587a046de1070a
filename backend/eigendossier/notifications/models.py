"""Push subscriptions, a learner's reminder settings, and the reminder pipeline:

Reminder (the claim: one row per learner, subject, kind and lead time, inserted before
anything is sent) 1—1 Notification (the inbox entry) and 1—n Delivery (one per device,
with its own state and lease) 1—n PushAttempt (every HTTP attempt)."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow

# Delivery states. pending: waiting to be sent (or to be retried at next_attempt_at);
# sending: a worker holds it until lease_until; the rest are final.
PENDING, SENDING, SENT, GONE, FAILED, EXPIRED = (
    "pending", "sending", "sent", "gone", "failed", "expired")
FINAL_STATES = (SENT, GONE, FAILED, EXPIRED)


class PushSubscription(db.Model):
    """One browser's push subscription (PushSubscription.toJSON() of the Push API)."""

    __tablename__ = "push_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    # base64url without padding: the browser's P-256 public key (65 bytes) and auth secret (16).
    p256dh: Mapped[str] = mapped_column(String(100))
    auth: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_success_at: Mapped[datetime | None]


class NotificationSettings(db.Model):
    """A learner's choices; a learner without a row gets the defaults."""

    __tablename__ = "notification_settings"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    module_lead_days: Mapped[list] = mapped_column(JSON)
    voucher_lead_days: Mapped[list] = mapped_column(JSON)
    # Local "HH:MM"; equal start and end mean no quiet hours.
    quiet_start: Mapped[str] = mapped_column(String(5))
    quiet_end: Mapped[str] = mapped_column(String(5))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Reminder(db.Model):
    """The claim of one reminder. Its unique key makes a second claim fail on insert, so a
    reminder is prepared (inbox entry, deliveries) exactly once however many ticks run."""

    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("account_id", "subject_type", "subject_id", "kind", "lead_days",
                         name="uq_reminder_claim"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int]
    kind: Mapped[str] = mapped_column(String(32))
    lead_days: Mapped[int]
    # When it was meant to go out (after quiet hours), and when a tick claimed it.
    due_at: Mapped[datetime]
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Notification(db.Model):
    """An entry of the learner's in-app inbox (every reminder lands here, push or not)."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    reminder_id: Mapped[int | None] = mapped_column(
        ForeignKey("reminder.id", ondelete="SET NULL"), unique=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(1000))
    url: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]


class Delivery(db.Model):
    """A notification on its way to one device. A worker takes it by the lease token the
    tick gave it; a delivery whose lease ran out unsent is driven again by the next tick."""

    __tablename__ = "push_delivery"
    __table_args__ = (
        UniqueConstraint("notification_id", "subscription_id", name="uq_push_delivery_device"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notification.id", ondelete="CASCADE")
    )
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("push_subscription.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    lease_token: Mapped[str | None] = mapped_column(String(32), index=True)
    lease_until: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The push service may keep the message this long (TTL), counted from created_at.
    ttl_seconds: Mapped[int]
    urgency: Mapped[str] = mapped_column(String(8))
    topic: Mapped[str] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(default=0)
    last_status: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    notification = relationship("Notification")
    subscription = relationship("PushSubscription")


class PushAttempt(db.Model):
    """One HTTP request to a push service: what came back, and how long it took."""

    __tablename__ = "push_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("push_delivery.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    # Scheme and host of the push service; never the full endpoint (a capability URL).
    origin: Mapped[str] = mapped_column(String(200))
    status: Mapped[int | None]
    error: Mapped[str] = mapped_column(String(200), default="")
    retry_after: Mapped[float | None]
    duration_ms: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
