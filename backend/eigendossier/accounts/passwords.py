"""Choosing a new password: by a mailed single-use link (forgotten), or with the current one
(change). Either way every session of the account ends, and the caller starts a new one for
the browser that did it."""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from eigendossier.accounts import sessions, tokens, verification
from eigendossier.accounts.models import Account
from eigendossier.accounts.service import (
    account_by_email,
    hash_password,
    may_mail,
    normalise_email,
    password_matches,
)
from eigendossier.core import audit, jobs, mail
from eigendossier.core.errors import DomainError
from eigendossier.core.extensions import db


class WrongPassword(DomainError):
    status = 403
    slug = "wrong-password"
    title = _l("Your current password is not correct")
    detail = _l("Type your current password again. Forgot it? Sign out and choose a new one.")


def request_reset(email: str) -> None:
    """Hand the address to a background job and return: the request takes as long, and
    answers the same, whether or not the address has an account."""
    jobs.enqueue(send_reset_link, normalise_email(email), mail.base_url())


def send_reset_link(email: str, base_url: str) -> None:
    """The job: mail a link to choose a new password when the address has an account (within
    the per-address mail limit); for an unknown address nothing happens."""
    account = account_by_email(email)
    if account is None or not may_mail("password-reset", account.email):
        return
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    token = tokens.issue(account, tokens.RESET_PASSWORD, timedelta(minutes=minutes))
    mail.send("accounts/password_reset", account.email, account.locale, base_url=base_url,
              name=account.display_name, link=mail.link("/reset-password", token, base_url),
              minutes=minutes)
    db.session.commit()


def reset(token: str, password: str) -> Account:
    """Use a reset link: the new password holds, every session ends, every other reset link
    stops working. Opening the mailed link also proves the address."""
    used = tokens.use(tokens.RESET_PASSWORD, token)
    account = db.session.get(Account, used.account_id)
    if used.email != account.email:
        db.session.rollback()
        raise tokens.LinkNotValid()
    account.password_hash = hash_password(password)
    tokens.withdraw(account, tokens.RESET_PASSWORD)
    if not account.email_verified:
        verification.mark_verified(account, via="password-reset")
    sessions.end_all(account, reason="password-reset")
    audit.record("account.password_reset", account.id)
    db.session.commit()
    return account


def change(account: Account, current: str, new: str) -> Account:
    """Change the password, knowing the current one; every session ends and the owner gets a
    mail about it (so a change by someone else does not go unnoticed)."""
    if not password_matches(account, current):
        raise WrongPassword()
    account.password_hash = hash_password(new)
    sessions.end_all(account, reason="password-changed")
    audit.record("account.password_changed", account.id)
    mail.send("accounts/password_changed", account.email, account.locale,
              name=account.display_name, forgot=f"{mail.base_url()}/forgot-password")
    db.session.commit()
    return account
