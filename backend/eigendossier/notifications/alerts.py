"""Alerts about the dossier itself: a credential was revoked, expires within 30 days, or has
not been verifiable for 7 days. They travel the reminders' pipeline (``reminders.py``): each
is claimed once through a ``reminder`` row (subject ``credential``), lands in the inbox and on
every device, and never goes out in the learner's quiet hours: a tick then finds it but leaves
it for the first tick after they end.

``lead_days`` of the claim keeps events apart: 0 for a revocation (once), 30 for the expiry
(once: a renewed credential arrives as a new one), and for "cannot be verified" the
day number of when that began, so a credential that recovers and fails again is told again.
"""
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_, tuple_

from eigendossier.accounts.models import Account
from eigendossier.core.extensions import db
from eigendossier.dossier.models import Credential, VerificationResult
from eigendossier.notifications import messages, timing
from eigendossier.notifications.models import NotificationSettings, Reminder
from eigendossier.notifications.service import preferences_from

EXPIRY_NOTICE = timedelta(days=30)
UNVERIFIABLE_FOR = timedelta(days=7)
SUBJECT = "credential"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _events(credential: Credential, result: VerificationResult, now: datetime):
    """The (kind, lead_days) alerts this credential's state calls for."""
    if result.status == "revoked":
        yield messages.CREDENTIAL_REVOKED, 0
    if credential.expires_on is not None and now < credential.expires_on <= now + EXPIRY_NOTICE:
        yield messages.CREDENTIAL_EXPIRING, 30
    since = result.unverifiable_since
    if since is not None and since <= now - UNVERIFIABLE_FOR:
        yield messages.CREDENTIAL_UNVERIFIABLE, (since - EPOCH).days


def _candidates(now: datetime):
    """Credentials in a state worth an alert not yet claimed, with owner and settings.
    Revocations and expiries once told are left out here, so the rows read every minute do
    not grow with them (unverifiable episodes are few; their claims are checked after)."""
    expiring = and_(Credential.expires_on > now, Credential.expires_on <= now + EXPIRY_NOTICE)
    return db.session.execute(
        db.select(Credential, VerificationResult, Account, NotificationSettings)
        .join(VerificationResult, VerificationResult.credential_id == Credential.id)
        .join(Account, Credential.account_id == Account.id)
        .outerjoin(NotificationSettings, NotificationSettings.account_id == Account.id)
        .where(or_(and_(VerificationResult.status == "revoked",
                        ~_told(messages.CREDENTIAL_REVOKED, 0)),
                   and_(expiring, ~_told(messages.CREDENTIAL_EXPIRING, 30)),
                   VerificationResult.unverifiable_since <= now - UNVERIFIABLE_FOR))
        .order_by(Credential.id)
    ).all()


def _told(kind: str, lead_days: int):
    return (db.select(Reminder.id)
            .where(Reminder.account_id == Credential.account_id,
                   Reminder.subject_type == SUBJECT, Reminder.subject_id == Credential.id,
                   Reminder.kind == kind, Reminder.lead_days == lead_days)
            .exists())


def _claimed(keys: list[tuple]) -> set[tuple]:
    claimed: set[tuple] = set()
    for start in range(0, len(keys), 1000):
        claimed.update(tuple(row) for row in db.session.execute(
            db.select(Reminder.account_id, Reminder.subject_type, Reminder.subject_id,
                      Reminder.kind, Reminder.lead_days)
            .where(tuple_(Reminder.account_id, Reminder.subject_type, Reminder.subject_id,
                          Reminder.kind, Reminder.lead_days).in_(keys[start:start + 1000]))))
    return claimed


def due_alerts(now: datetime, zone_of) -> list:
    """Every dossier alert that may go out at `now` and is not claimed yet. `zone_of` gives
    an account's time zone. Claimed alerts are left out before a summary is unsealed, so a
    tick's work grows with the new events, not with every credential expiring this month."""
    from eigendossier.notifications.reminders import Due

    pending = []
    for credential, result, account, settings in _candidates(now):
        quiet = preferences_from(settings).quiet
        if quiet.contains(timing.from_utc(now, zone_of(account)).time().replace(tzinfo=None)):
            continue
        for kind, lead_days in _events(credential, result, now):
            pending.append((credential, account, kind, lead_days))
    claimed = _claimed([(account.id, SUBJECT, credential.id, kind, lead_days)
                        for credential, account, kind, lead_days in pending])
    found = []
    for credential, account, kind, lead_days in pending:
        if (account.id, SUBJECT, credential.id, kind, lead_days) in claimed:
            continue
        name = credential.summary.get("title") or credential.summary.get("issuer_name") or ""
        expires = (timing.from_utc(credential.expires_on, zone_of(account)).date()
                   if credential.expires_on else None)
        text = messages.credential_alert(account.locale, kind, name, credential.id, expires)
        found.append(Due(account.id, SUBJECT, credential.id, kind, lead_days, now, text))
    return found
