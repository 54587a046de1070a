"""Alerts about the dossier itself: a credential was revoked, expires within 30 days, or has
not been verifiable for 7 days. They travel the reminders' pipeline (``reminders.py``): each
is claimed once through a ``reminder`` row (subject ``credential``), lands in the inbox and on
every device, and never goes out in the learner's quiet hours: a tick then finds it but leaves
it for the first tick after they end.

``lead_days`` of the claim keeps events apart: 0 for a revocation (once), 30 for the expiry
(once per expiry date: a renewed credential is a new one), and for "cannot be verified" the
day number of when that began, so a credential that recovers and fails again is told again.
"""
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_

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
    """Credentials in a state worth an alert, with their owner and settings."""
    return db.session.execute(
        db.select(Credential, VerificationResult, Account, NotificationSettings)
        .join(VerificationResult, VerificationResult.credential_id == Credential.id)
        .join(Account, Credential.account_id == Account.id)
        .outerjoin(NotificationSettings, NotificationSettings.account_id == Account.id)
        .where(or_(VerificationResult.status == "revoked",
                   and_(Credential.expires_on > now,
                        Credential.expires_on <= now + EXPIRY_NOTICE),
                   VerificationResult.unverifiable_since <= now - UNVERIFIABLE_FOR))
        .where(~_claimed_revocation())
        .order_by(Credential.id)
    ).all()


def _claimed_revocation():
    """Revoked credentials stay revoked: leave out those already told, so the set read every
    minute does not grow with them."""
    from eigendossier.core.extensions import db

    return (db.select(Reminder.id)
            .where(Reminder.subject_type == SUBJECT, Reminder.subject_id == Credential.id,
                   Reminder.kind == messages.CREDENTIAL_REVOKED,
                   Reminder.account_id == Credential.account_id)
            .exists())


def due_alerts(now: datetime, zone_of) -> list:
    """Every dossier alert that may go out at `now` (claimed or not; the caller drops the
    claimed ones). `zone_of` gives an account's time zone."""
    from eigendossier.notifications.reminders import Due

    found = []
    for credential, result, account, settings in _candidates(now):
        quiet = preferences_from(settings).quiet
        if quiet.contains(timing.from_utc(now, zone_of(account)).time().replace(tzinfo=None)):
            continue
        events = list(_events(credential, result, now))
        if not events:
            continue
        name = credential.summary.get("title") or credential.summary.get("issuer_name") or ""
        expires = (timing.from_utc(credential.expires_on, zone_of(account)).date()
                   if credential.expires_on else None)
        for kind, lead_days in events:
            text = messages.credential_alert(account.locale, kind, name, credential.id, expires)
            found.append(Due(account.id, SUBJECT, credential.id, kind, lead_days, now, text))
    return found
