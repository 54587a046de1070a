"""The learner's schedule outside the app: the enrolled runs as iCalendar, and a secret
calendar feed address (only its hash is stored) for calendar apps to subscribe to."""
import secrets

from eigendossier.accounts.models import Account
from eigendossier.accounts.service import hash_token
from eigendossier.core.errors import NotFound
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.routes import calendar
from eigendossier.routes.enrolments import enrolments_of
from eigendossier.routes.models import (
    ScheduleFeed,
)


def create_feed(account: Account) -> str:
    """A new secret calendar address for the learner; any earlier address stops working."""
    token = secrets.token_urlsafe(24)
    feed = db.session.scalar(db.select(ScheduleFeed).filter_by(account_id=account.id))
    feed = feed or ScheduleFeed(account_id=account.id)
    feed.token_hash, feed.created_at = hash_token(token), utcnow()
    db.session.add(feed)
    db.session.commit()
    return token


def feed_of(account: Account) -> ScheduleFeed | None:
    return db.session.scalar(db.select(ScheduleFeed).filter_by(account_id=account.id))


def revoke_feed(account: Account) -> None:
    db.session.execute(db.delete(ScheduleFeed).filter_by(account_id=account.id))
    db.session.commit()


def account_for_feed(token: str) -> Account:
    feed = db.session.scalar(db.select(ScheduleFeed).filter_by(token_hash=hash_token(token)))
    if feed is None:
        raise NotFound()
    return db.session.get(Account, feed.account_id)

def schedule_calendar(account: Account) -> bytes:
    language = "en" if account.locale == "en" else "nl"
    events = []
    for enrolment in enrolments_of(account):
        block = enrolment.run.block
        name = getattr(block, f"name_{language}")
        qualification = getattr(block.qualification, f"name_{language}")
        events.append(calendar.run_event(f"enrolment-{enrolment.id}@eigendossier", name,
                                         enrolment.run, f"{qualification} · {block.code}"))
    title = "Eigen Dossier — schedule" if account.locale == "en" else "Eigen Dossier — rooster"
    return calendar.schedule_calendar(title, events)
