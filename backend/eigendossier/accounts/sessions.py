"""Sign-in sessions: one per signed-in browser, listed for the learner as their devices.

The cookie holds a random token; only its SHA-256 is stored. A session remembers when it
started, when it was last used (updated at most every `TOUCH_AFTER`, not on every request)
and a coarse label of the browser and system from the User-Agent at sign-in. Never an IP
address."""
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from time import monotonic

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session, make_transient_to_detached
from ua_parser import parse as parse_user_agent

from eigendossier.accounts.models import Account, SignInSession
from eigendossier.accounts.service import hash_token
from eigendossier.core import audit
from eigendossier.core.errors import NotFound
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow

TOUCH_AFTER = timedelta(minutes=5)
MAX_USER_AGENT = 512
# ua-parser's names, shortened to what a learner recognises.
BROWSERS = {
    "Chrome Mobile": "Chrome", "Chrome Mobile iOS": "Chrome", "Chrome Mobile WebView": "Chrome",
    "HeadlessChrome": "Chrome", "Mobile Safari": "Safari", "Mobile Safari UI/WKWebView": "Safari",
    "Firefox Mobile": "Firefox", "Firefox iOS": "Firefox", "Edge Mobile": "Edge", "Other": "",
}
SYSTEMS = {"Mac OS X": "macOS", "Chrome OS": "ChromeOS", "Other": ""}


@lru_cache(maxsize=512)
def device_of(user_agent: str) -> tuple[str, str]:
    """(browser, system) from a User-Agent, coarse: "Firefox", "Android". Unknown: ""."""
    result = parse_user_agent(user_agent[:MAX_USER_AGENT])
    browser = result.user_agent.family if result.user_agent else "Other"
    system = result.os.family if result.os else "Other"
    return BROWSERS.get(browser, browser)[:40], SYSTEMS.get(system, system)[:40]


def device_label(session: SignInSession) -> str:
    """"Firefox on Android", in the request's language."""
    if session.browser and session.os:
        return _("%(browser)s on %(os)s", browser=session.browser, os=session.os)
    return session.browser or session.os or _("Unknown device")


def start(account: Account, user_agent: str = "", method: str = "password") -> str:
    """Open a session; returns the token for the cookie (stored only as a hash). The
    learner's audit trail gets the sign-in (how, never from where)."""
    token = secrets.token_urlsafe(32)
    lifetime = timedelta(days=current_app.config["SESSION_LIFETIME_DAYS"])
    browser, system = device_of(user_agent or "")
    db.session.add(SignInSession(account=account, token_hash=hash_token(token),
                                 expires_at=utcnow() + lifetime, browser=browser, os=system))
    db.session.flush()
    audit.record("session.started", account.id, method=method)
    db.session.commit()
    return token


@dataclass(frozen=True)
class SignedIn:
    """Who a session cookie signs in: the account, and the session's id and last use.

    `memo` lives exactly as long as this answer is remembered (see :func:`signed_in`): what a
    view derives from the account's columns alone may be kept there, and is as fresh as the
    account (GET /api/v1/me keeps its answer's bytes)."""

    account: Account
    session_id: int
    last_seen_at: datetime
    memo: dict = field(default_factory=dict, compare=False, repr=False)


def signed_in(token: str | None) -> SignedIn | None:
    """Who the cookie's token signs in, or ``None``; asked on every request.

    The answer is kept for ``SESSION_CACHE_SECONDS`` per token hash, with a detached copy of
    the account merged into the request's session without a query. This process forgets it
    at once on any write to an account or a session (sign-out, password change, erase,
    profile; see :func:`forget`); another process may answer from its copy for at most that
    many seconds."""
    if not token:
        return None
    token_hash = hash_token(token)
    found = _remembered_answer(token_hash)
    if found is not None:
        return SignedIn(db.session.merge(found.account, load=False), found.session_id,
                        found.last_seen_at, found.memo)
    row = db.session.execute(
        db.select(Account, SignInSession.id, SignInSession.expires_at, SignInSession.last_seen_at)
        .join(SignInSession, SignInSession.account_id == Account.id)
        .filter(SignInSession.token_hash == token_hash)
    ).first()
    if row is None or row.expires_at <= utcnow():
        return None
    found = SignedIn(row.Account, row.id, row.last_seen_at)
    seconds = current_app.config["SESSION_CACHE_SECONDS"]
    if seconds > 0:
        if len(_remembered) >= _REMEMBERED_MAX:
            _remembered.clear()
        _remembered[token_hash] = (monotonic() + seconds, row.expires_at,
                                   SignedIn(_detached_copy(row.Account), row.id, row.last_seen_at,
                                            found.memo))
    return found


def remembered(token: str | None) -> SignedIn | None:
    """The remembered answer of :func:`signed_in` for the cookie's token, or ``None`` (not
    remembered, or no longer valid). Nothing is asked of the database and nothing is attached
    to the request's session: its account is this process's shared detached copy, to read
    and never to change or attach."""
    return _remembered_answer(hash_token(token)) if token else None


def _remembered_answer(token_hash: str) -> SignedIn | None:
    cached = _remembered.get(token_hash)
    if cached is not None and cached[0] > monotonic() and cached[1] > utcnow():
        return cached[2]
    return None


def forget() -> None:
    """Drop every remembered answer of this process (see :func:`signed_in`)."""
    _remembered.clear()


_REMEMBERED_MAX = 10_000
_remembered: dict[str, tuple[float, datetime, SignedIn]] = {}


def _detached_copy(account: Account) -> Account:
    """The account's columns in a new detached instance, never attached to any session."""
    copy = Account(**{c.key: getattr(account, c.key) for c in Account.__mapper__.column_attrs})
    make_transient_to_detached(copy)
    return copy


@event.listens_for(Session, "after_flush")
def _forget_on_flush(session, flush_context) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, Account | SignInSession):
            forget()
            return


@event.listens_for(Session, "do_orm_execute")
def _forget_on_bulk_write(state) -> None:
    """UPDATE or DELETE statements (ORM or on the tables) on accounts or sessions."""
    table = getattr(state.statement, "table", None)
    if (state.is_update or state.is_delete) and table in _SESSION_TABLES:
        forget()


_SESSION_TABLES = (Account.__table__, SignInSession.__table__)


def touch(session_id: int) -> None:
    """Note that a session was used now, when it was last noted more than TOUCH_AFTER ago."""
    now = utcnow()
    db.session.execute(db.update(SignInSession)
                       .where(SignInSession.id == session_id,
                              SignInSession.last_seen_at < now - TOUCH_AFTER)
                       .values(last_seen_at=now))
    db.session.commit()


def end(token: str | None) -> None:
    """Sign out the browser holding `token`."""
    if token:
        ended = db.session.execute(db.delete(SignInSession).filter_by(
            token_hash=hash_token(token)).returning(SignInSession.account_id)).first()
        if ended is not None:
            audit.record("session.ended", ended.account_id)
        db.session.commit()


def sessions_of(account: Account) -> list[SignInSession]:
    """The account's sessions that still work, most recently used first."""
    return db.session.scalars(
        db.select(SignInSession)
        .filter(SignInSession.account_id == account.id, SignInSession.expires_at > utcnow())
        .order_by(SignInSession.last_seen_at.desc(), SignInSession.id.desc())
    ).all()


def end_one(account: Account, session_id: int) -> SignInSession:
    """Sign out one of the account's devices; another account's session is not found."""
    session = db.session.get(SignInSession, session_id)
    if session is None or session.account_id != account.id:
        raise NotFound()
    label = device_label(session)
    db.session.delete(session)
    audit.record("session.ended_remotely", account.id, device=label)
    db.session.commit()
    return session


def end_all(account: Account, reason: str = "signed-out-everywhere") -> int:
    """End every session of the account (in the caller's transaction); how many ended."""
    ended = db.session.execute(
        db.delete(SignInSession).where(SignInSession.account_id == account.id)
    ).rowcount
    audit.record("session.all_ended", account.id, reason=reason, count=ended)
    return ended
