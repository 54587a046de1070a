"""Account operations: sign up, sign in, profile, staff, OpenID Connect accounts.

No request or response here: callable from the API, the CLI and jobs. Sessions are in
sessions.py, mailed links in tokens.py, confirming addresses in verification.py, passwords in
passwords.py."""
import hashlib
import secrets
from functools import cache
from typing import NamedTuple
from zoneinfo import available_timezones

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse_many
from sqlalchemy.exc import IntegrityError

from eigendossier.accounts.models import ROLES, Account, OidcIdentity
from eigendossier.catalog import service as catalog
from eigendossier.core import audit, mail
from eigendossier.core.errors import DomainError
from eigendossier.core.extensions import db, limiter
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


def hash_password(password: str) -> str:
    return _passwords().hasher.hash(password)


def password_matches(account: Account | None, password: str) -> bool:
    """Check a password in the same time whether or not the account (or its password)
    exists, so the answer's timing tells nothing."""
    hasher, dummy_hash = _passwords()
    stored = account.password_hash if account and account.password_hash else dummy_hash
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
    return account is not None and account.password_hash is not None


def account_by_email(email: str) -> Account | None:
    return db.session.scalar(db.select(Account).filter_by(email=normalise_email(email)))


def may_mail(kind: str, address: str) -> bool:
    """Whether one more mail of this kind may go to this address now (RATELIMIT_MAIL_PER_
    RECIPIENT, shared by all processes like every limit). Over the limit the mail is skipped
    without a word: the answer to the request stays the same, so a limit that bites says
    nothing about whether the address has an account, and nobody's inbox can be flooded."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    key = hash_token(normalise_email(address))
    return all(limiter.limiter.hit(item, "mail", kind, key)
               for item in parse_many(current_app.config["RATELIMIT_MAIL_PER_RECIPIENT"]))


def sign_up(email: str, password: str, display_name: str, locale: str = "nl") -> None:
    """Make a learner account and mail a link to confirm the address, or, when the address
    has an account already, mail its owner that someone tried. Both ways the same work
    (one argon2 hash, one mail) and the same answer: sign-up does not tell who has an account.
    """
    from eigendossier.accounts import verification

    password_hash = hash_password(password)
    existing = account_by_email(email)
    if existing is None:
        try:
            account = add_learner(email, password_hash, display_name, locale)
        except IntegrityError:  # signed up at the same moment by another request
            db.session.rollback()
            existing = account_by_email(email)
        else:
            verification.send_link(account)
            db.session.commit()
            return
    _tell_owner_of_sign_up_attempt(existing)
    db.session.commit()


def add_learner(email: str, password_hash: str, display_name: str, locale: str = "nl",
                email_verified_at=None) -> Account:
    """A new learner account, flushed in the caller's transaction."""
    account = Account(email=normalise_email(email), password_hash=password_hash,
                      display_name=display_name.strip(), locale=locale,
                      time_zone=current_app.config["DEFAULT_TIME_ZONE"], role="learner",
                      email_verified_at=email_verified_at)
    db.session.add(account)
    db.session.flush()
    return account


def _tell_owner_of_sign_up_attempt(account: Account) -> None:
    """A line in the owner's audit trail, and a mail (within the per-address limit). The
    write also gives this branch the cost of the other's, so timing tells nothing either."""
    event = audit.record("account.sign_up_attempted", account.id)
    event.actor_id = None  # not the owner: someone who typed their address
    if may_mail("sign-up-attempt", account.email):
        mail.send("accounts/sign_up_attempt", account.email, account.locale,
                  name=account.display_name, verified=account.email_verified,
                  sign_in=f"{mail.base_url()}/sign-in",
                  forgot=f"{mail.base_url()}/forgot-password")


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
    if not password_matches(account, password):
        raise InvalidCredentials()
    hasher = _passwords().hasher
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hasher.hash(password)
        db.session.commit()
    return account


def update_profile(account: Account, changes: dict) -> Account:
    for field in ("display_name", "locale", "time_zone"):
        if field in changes:
            value = changes[field]
            setattr(account, field, value.strip() if field == "display_name" else value)
    db.session.commit()
    return account


def create_staff(email, password, display_name, role="issuer", institution_slug=None,
                 institution_admin: bool = False) -> Account:
    if role not in ROLES or role == "learner":
        raise ValueError(f"staff role must be issuer or admin, not {role!r}")
    institution = None
    if institution_slug:
        institution = catalog.institution_by_slug(institution_slug)
        if institution is None:
            raise UnknownInstitution(detail=institution_slug)
    account = Account(
        email=normalise_email(email),
        password_hash=hash_password(password),
        display_name=display_name,
        locale=current_app.config["DEFAULT_LOCALE"],
        time_zone=current_app.config["DEFAULT_TIME_ZONE"],
        role=role,
        institution=institution,
        institution_admin=institution_admin and role == "issuer",
        # The operator who creates a staff account vouches for its address.
        email_verified_at=utcnow(),
    )
    return _insert(account)


def _take_over_unproven(account: Account) -> None:
    """The provider proved the address is this person's, but the account's password was set by
    whoever signed up without proving it: that may have been someone else, waiting for the
    owner to move in. Their password and sessions go; the owner can choose a new password."""
    from eigendossier.accounts import sessions

    account.password_hash = None
    sessions.end_all(account, reason="address-proven-elsewhere")


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
    elif not account.email_verified:
        _take_over_unproven(account)
    # The provider verified the address (checked above), so it is this account's.
    account.email_verified_at = account.email_verified_at or utcnow()
    db.session.add(OidcIdentity(account=account, provider=provider, subject=subject))
    db.session.commit()
    return account
