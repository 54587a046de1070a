"""Push subscriptions, reminder settings and the inbox. The reminder pipeline that fills
the inbox and sends pushes is in ``reminders.py``."""
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from flask_babel import lazy_gettext as _l

from eigendossier.accounts.models import Account
from eigendossier.core import audit, outbound
from eigendossier.core.errors import DomainError, NotFound
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.credentials.keys import b64url_decode
from eigendossier.notifications import timing
from eigendossier.notifications.models import (
    Notification,
    NotificationSettings,
    PushSubscription,
)

MAX_DEVICES = 20
MAX_MODULE_LEAD = 60
MAX_VOUCHER_LEAD = 365


class InvalidSubscription(DomainError):
    status = 422
    slug = "push-subscription-invalid"
    title = _l("This push subscription cannot be used")


class TooManyDevices(DomainError):
    status = 409
    slug = "push-too-many-devices"
    title = _l("Too many devices")
    detail = _l("Remove a device you no longer use, then try again.")


# -- subscriptions --------------------------------------------------------------------------


def _check_endpoint(endpoint: str) -> None:
    allowed = ("https", "http") if current_app.config.get("OUTBOUND_ALLOW_HTTP") else ("https",)
    try:
        parts = urlsplit(endpoint)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in allowed or not parts.hostname:
        raise InvalidSubscription(errors={"endpoint": [str(_l("Use an https address."))]})
    if parts.username is not None or parts.password is not None:
        raise InvalidSubscription(errors={"endpoint": [str(_l("Use an https address."))]})
    policy = outbound.policy_from_config(current_app.config)
    if outbound.literal_host_refused(parts.hostname, policy):
        message = _l("Use the address of a push service.")
        raise InvalidSubscription(errors={"endpoint": [str(message)]})


def _check_keys(p256dh: str, auth: str) -> None:
    errors = {}
    try:
        point = b64url_decode(p256dh)
        if len(point) != 65 or point[0] != 4:
            raise ValueError
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except (ValueError, TypeError):
        errors["keys.p256dh"] = [str(_l("Not a P-256 public key (65 bytes, base64url)."))]
    try:
        if len(b64url_decode(auth)) != 16:
            raise ValueError
    except (ValueError, TypeError):
        errors["keys.auth"] = [str(_l("Not an authentication secret (16 bytes, base64url)."))]
    if errors:
        raise InvalidSubscription(errors=errors)


def subscribe(account: Account, endpoint: str, p256dh: str, auth: str,
              label: str = "") -> tuple[PushSubscription, bool]:
    """Register a device, or renew its keys. An endpoint belongs to one browser profile: when
    someone else signs in on it, the subscription moves to them. Returns (row, created)."""
    _check_endpoint(endpoint)
    _check_keys(p256dh, auth)
    existing = db.session.scalar(db.select(PushSubscription).filter_by(endpoint=endpoint))
    if existing is not None and existing.account_id == account.id:
        existing.p256dh, existing.auth = p256dh, auth
        existing.label = label or existing.label
        db.session.commit()
        return existing, False
    count = db.session.scalar(db.select(db.func.count()).select_from(PushSubscription)
                              .filter_by(account_id=account.id))
    if count >= MAX_DEVICES:
        raise TooManyDevices()
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()
    subscription = PushSubscription(account_id=account.id, endpoint=endpoint, p256dh=p256dh,
                                    auth=auth, label=label)
    db.session.add(subscription)
    db.session.flush()
    audit.record("push.subscribed", account.id, subject=subscription,
                 push_service=_origin(endpoint))
    db.session.commit()
    return subscription, True


def subscriptions_of(account: Account) -> list[PushSubscription]:
    return db.session.scalars(db.select(PushSubscription).filter_by(account_id=account.id)
                              .order_by(PushSubscription.created_at, PushSubscription.id)).all()


def subscription_of(account: Account, subscription_id: int) -> PushSubscription:
    found = db.session.scalar(db.select(PushSubscription)
                              .filter_by(id=subscription_id, account_id=account.id))
    if found is None:
        raise NotFound()
    return found


def unsubscribe(account: Account, subscription_id: int) -> None:
    subscription = subscription_of(account, subscription_id)
    audit.record("push.unsubscribed", account.id, subject=subscription,
                 push_service=_origin(subscription.endpoint))
    db.session.delete(subscription)
    db.session.commit()


def _origin(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


# -- settings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preferences:
    module_lead_days: tuple[int, ...]
    voucher_lead_days: tuple[int, ...]
    quiet_start: str
    quiet_end: str

    @property
    def quiet(self) -> timing.QuietHours:
        return timing.QuietHours.of(self.quiet_start, self.quiet_end)


DEFAULTS = Preferences(timing.MODULE_LEAD_DAYS, timing.VOUCHER_LEAD_DAYS,
                       timing.QUIET_START, timing.QUIET_END)


def preferences_from(row: NotificationSettings | None) -> Preferences:
    if row is None:
        return DEFAULTS
    return Preferences(tuple(row.module_lead_days), tuple(row.voucher_lead_days),
                       row.quiet_start, row.quiet_end)


def settings_of(account: Account) -> dict:
    prefs = preferences_from(db.session.get(NotificationSettings, account.id))
    return {"module_lead_days": list(prefs.module_lead_days),
            "voucher_lead_days": list(prefs.voucher_lead_days),
            "quiet_hours": {"start": prefs.quiet_start, "end": prefs.quiet_end},
            "time_zone": account.time_zone}


def update_settings(account: Account, changes: dict) -> dict:
    row = db.session.get(NotificationSettings, account.id)
    if row is None:
        row = NotificationSettings(
            account_id=account.id, module_lead_days=list(DEFAULTS.module_lead_days),
            voucher_lead_days=list(DEFAULTS.voucher_lead_days),
            quiet_start=DEFAULTS.quiet_start, quiet_end=DEFAULTS.quiet_end)
        db.session.add(row)
    for name in ("module_lead_days", "voucher_lead_days"):
        if name in changes:
            setattr(row, name, sorted(set(changes[name]), reverse=True))
    if "quiet_hours" in changes:
        row.quiet_start = changes["quiet_hours"]["start"]
        row.quiet_end = changes["quiet_hours"]["end"]
    db.session.commit()
    return settings_of(account)


# -- inbox ----------------------------------------------------------------------------------


def inbox(account: Account, unread_only: bool = False, limit: int = 50) -> dict:
    query = db.select(Notification).filter_by(account_id=account.id)
    if unread_only:
        query = query.filter(Notification.read_at.is_(None))
    items = db.session.scalars(query.order_by(Notification.created_at.desc(),
                                              Notification.id.desc()).limit(limit)).all()
    unread = db.session.scalar(db.select(db.func.count()).select_from(Notification)
                               .filter_by(account_id=account.id)
                               .filter(Notification.read_at.is_(None)))
    return {"unread": unread, "items": items}


def mark_read(account: Account, notification_id: int) -> Notification:
    found = db.session.scalar(db.select(Notification)
                              .filter_by(id=notification_id, account_id=account.id))
    if found is None:
        raise NotFound()
    if found.read_at is None:
        found.read_at = utcnow()
        db.session.commit()
    return found


def mark_all_read(account: Account) -> int:
    result = db.session.execute(
        db.update(Notification).filter_by(account_id=account.id)
        .filter(Notification.read_at.is_(None)).values(read_at=utcnow()))
    db.session.commit()
    return result.rowcount
