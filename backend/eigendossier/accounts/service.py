"""Account operations: sign up, sign in and out, profile, staff, OpenID Connect accounts.

No request or response here: callable from the API, the CLI and jobs."""
import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache
from time import monotonic
from typing import NamedTuple
from zoneinfo import available_timezones

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from eigendossier.accounts.models import ROLES, Account, OidcIdentity, SignInSession
from eigendossier.catalog import service as catalog
from eigendossier.core import audit
from eigendossier.core.errors import DomainError
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow

_PASSWORDS = "eigendossier.passwords"


class EmailTaken(DomainError):
    status = 409
    slug = "email-taken"
    title = _l("This email address already has an account")
    detail = _l("Sign in instead, or use another email address.")


class InvalidCredentials(DomainError):
    status = 401
    slug = "invalid-credentials"
    title = _l("Email address or password is not correct")
    detail = _l("Check both and try again.")


class UnknownInstitution(DomainError):
    status = 422
    slug = "unknown-institution"
    title = _l("Unknown institution")


class _Passwords(NamedTuple):
    hasher: PasswordHasher
    # Verified against when the email is unknown, so both paths take the same time.
    dummy_hash: str


def _passwords() -> _Passwords:
    """The app's argon2id hasher, with the cost from its configuration (PASSWORD_HASH_*).

    The defaults are RFC 9106's "low memory" profile; the tests lower them to stay fast. A
    stored hash made with other costs is upgraded at the next sign-in (see authenticate)."""
    found = current_app.extensions.get(_PASSWORDS)
    if found is None:
        config = current_app.config
        hasher = PasswordHasher(time_cost=config["PASSWORD_HASH_TIME_COST"],
                                memory_cost=config["PASSWORD_HASH_MEMORY_KIB"],
                                parallelism=config["PASSWORD_HASH_PARALLELISM"])
        found = _Passwords(hasher, hasher.hash(secrets.token_urlsafe(16)))
        current_app.extensions[_PASSWORDS] = found
    return found


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_time_zone(name: str) -> bool:
    return name in _time_zones()


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def account_by_email(email: str) -> Account | None:
    return db.session.scalar(db.select(Account).filter_by(email=normalise_email(email)))


def sign_up(email: str, password: str, display_name: str, locale: str = "nl") -> Account:
    account = Account(
        email=normalise_email(email),
        password_hash=_passwords().hasher.hash(password),
        display_name=display_name.strip(),
        locale=locale,
        time_zone=current_app.config["DEFAULT_TIME_ZONE"],
        role="learner",
    )
    return _insert(account)


def _insert(account: Account) -> Account:
    """Add a new account; a duplicate email (also under a concurrent sign-up) is EmailTaken."""
    if account_by_email(account.email):
        raise EmailTaken()
    db.session.add(account)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise EmailTaken() from None
    return account


def authenticate(email: str, password: str) -> Account:
    account = account_by_email(email)
    hasher, dummy_hash = _passwords()
    stored = account.password_hash if account and account.password_hash else dummy_hash
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        raise InvalidCredentials() from None
    if account is None or account.password_hash is None:
        raise InvalidCredentials()
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hasher.hash(password)
        db.session.commit()
    return account


def start_session(account: Account, method: str = "password") -> str:
    """Open a sign-in session; returns the token for the cookie (stored only as a hash).
    The learner's audit trail gets the sign-in (how, never from where)."""
    token = secrets.token_urlsafe(32)
    lifetime = timedelta(days=current_app.config["SESSION_LIFETIME_DAYS"])
    db.session.add(
        SignInSession(account=account, token_hash=hash_token(token), expires_at=utcnow() + lifetime)
    )
    db.session.flush()
    audit.record("session.started", account.id, method=method)
    db.session.commit()
    return token


def end_session(token: str | None) -> None:
    if token:
        ended = db.session.execute(db.delete(SignInSession).filter_by(
            token_hash=hash_token(token)).returning(SignInSession.account_id)).first()
        if ended is not None:
            audit.record("session.ended", ended.account_id)
        db.session.commit()


def account_for_session(token: str | None) -> Account | None:
    """The account a session cookie signs in, or ``None``; asked on every request.

    The answer is kept for ``SESSION_CACHE_SECONDS`` per token hash, as a detached copy of the
    account merged into the request's session without a query. This process forgets it at
    once on any write to an account or a session (sign-out, password change, erase, profile;
    see :func:`forget_sessions`); another process may answer from its copy for at most that
    many seconds.
    """
    if not token:
        return None
    token_hash = hash_token(token)
    now = monotonic()
    cached = _signed_in.get(token_hash)
    if cached is not None and cached[0] > now and cached[1] > utcnow():
        return db.session.merge(cached[2], load=False)
    found = db.session.execute(
        db.select(Account, SignInSession.expires_at)
        .join(SignInSession, SignInSession.account_id == Account.id)
        .filter(SignInSession.token_hash == token_hash)
    ).first()
    if found is None or found.expires_at <= utcnow():
        return None
    seconds = current_app.config["SESSION_CACHE_SECONDS"]
    if seconds > 0:
        if len(_signed_in) >= _SIGNED_IN_MAX:
            _signed_in.clear()
        _signed_in[token_hash] = (now + seconds, found.expires_at, _detached_copy(found.Account))
    return found.Account


def forget_sessions() -> None:
    """Drop every cached session answer of this process (see :func:`account_for_session`)."""
    _signed_in.clear()


_SIGNED_IN_MAX = 10_000
_signed_in: dict[str, tuple[float, datetime, Account]] = {}


def _detached_copy(account: Account) -> Account:
    """The account's columns in a new detached instance, never attached to any session."""
    copy = Account(**{c.key: getattr(account, c.key) for c in Account.__mapper__.column_attrs})
    make_transient_to_detached(copy)
    return copy


@event.listens_for(Session, "after_flush")
def _forget_on_flush(session, flush_context) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, Account | SignInSession):
            forget_sessions()
            return


@event.listens_for(Session, "do_orm_execute")
def _forget_on_bulk_write(state) -> None:
    """UPDATE or DELETE statements (ORM or on the tables) on accounts or sessions."""
    if state.is_update or state.is_delete:
        if getattr(state.statement, "table", None) in _SESSION_TABLES:
            forget_sessions()


_SESSION_TABLES = (Account.__table__, SignInSession.__table__)


def update_profile(account: Account, changes: dict) -> Account:
    for field in ("display_name", "locale", "time_zone"):
        if field in changes:
            value = changes[field]
            setattr(account, field, value.strip() if field == "display_name" else value)
    db.session.commit()
    return account


def create_staff(email, password, display_name, role="issuer", institution_slug=None) -> Account:
    if role not in ROLES or role == "learner":
        raise ValueError(f"staff role must be issuer or admin, not {role!r}")
    institution = None
    if institution_slug:
        institution = catalog.institution_by_slug(institution_slug)
        if institution is None:
            raise UnknownInstitution(detail=institution_slug)
    account = Account(
        email=normalise_email(email),
        password_hash=_passwords().hasher.hash(password),
        display_name=display_name,
        locale=current_app.config["DEFAULT_LOCALE"],
        time_zone=current_app.config["DEFAULT_TIME_ZONE"],
        role=role,
        institution=institution,
    )
    return _insert(account)


def account_for_oidc(provider: str, subject: str, email: str | None, email_verified: bool,
                     display_name: str | None) -> Account:
    """The account of an OpenID Connect identity, linking or creating one on first sign-in.

    Only an email the provider verified is used, to link or to create: otherwise anyone could
    take over an account, or squat an address, by registering it at a provider."""
    identity = db.session.scalar(
        db.select(OidcIdentity).filter_by(provider=provider, subject=subject)
    )
    if identity:
        return identity.account
    if not email or not email_verified:
        raise InvalidCredentials(detail=_l("The provider did not confirm your email address."))
    account = account_by_email(email)
    if account is None:
        account = Account(
            email=normalise_email(email),
            display_name=(display_name or email.split("@")[0])[:100],
            locale=current_app.config["DEFAULT_LOCALE"],
            time_zone=current_app.config["DEFAULT_TIME_ZONE"],
        )
        db.session.add(account)
    db.session.add(OidcIdentity(account=account, provider=provider, subject=subject))
    db.session.commit()
    return account
