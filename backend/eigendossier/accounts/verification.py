"""Confirming that an account's email address is its holder's: a single-use link by mail.

An account whose address is not confirmed can use the app; what depends on the address (a
voucher the school issued to it) waits until it is."""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from eigendossier.accounts import tokens
from eigendossier.accounts.models import Account
from eigendossier.core import audit, mail
from eigendossier.core.errors import DomainError
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow


class AlreadyVerified(DomainError):
    status = 409
    slug = "email-already-verified"
    title = _l("Your email address is already confirmed")


class EmailNotVerified(DomainError):
    status = 403
    slug = "email-not-verified"
    title = _l("Confirm your email address first")
    detail = _l("Open the link in the mail we sent you, or ask for a new one under Profile.")


def _lifetime() -> timedelta:
    return timedelta(hours=current_app.config["EMAIL_VERIFY_HOURS"])


def send_link(account: Account) -> None:
    """Mail a confirmation link (sent when the caller's transaction commits)."""
    token = tokens.issue(account, tokens.VERIFY_EMAIL, _lifetime())
    mail.send("accounts/verify_email", account.email, account.locale,
              name=account.display_name, link=mail.link("/verify-email", token),
              hours=current_app.config["EMAIL_VERIFY_HOURS"])


def resend(account: Account) -> None:
    """A new link for a signed-in learner whose address is not confirmed yet."""
    if account.email_verified:
        raise AlreadyVerified()
    send_link(account)
    db.session.commit()


def confirm(token: str) -> Account:
    """Use a confirmation link: the address it was mailed to is now proven the account's."""
    used = tokens.use(tokens.VERIFY_EMAIL, token)
    account = db.session.get(Account, used.account_id)
    if used.email != account.email:
        db.session.rollback()
        raise tokens.LinkNotValid()
    if not account.email_verified:
        mark_verified(account, via="link")
    tokens.withdraw(account, tokens.VERIFY_EMAIL)
    db.session.commit()
    return account


def mark_verified(account: Account, via: str) -> None:
    """Record (in the caller's transaction) that the account's address is proven."""
    account.email_verified_at = utcnow()
    audit.record("account.email_verified", account.id, via=via)


def require_verified(account: Account) -> None:
    if not account.email_verified:
        raise EmailNotVerified()
