"""Single-use links sent by mail (confirm an address, choose a new password).

The token is 256 random bits shown once, in the mail; only its SHA-256 is stored. Using it
is one conditional UPDATE (not used yet, not expired), so two clicks at once use it once."""
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from eigendossier.accounts.models import Account, AccountToken
from eigendossier.accounts.service import hash_token
from eigendossier.core.errors import DomainError
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow

VERIFY_EMAIL = "verify-email"
RESET_PASSWORD = "reset-password"  # noqa: S105 - what a token is for, not a password
MAX_TOKEN = 128


class LinkNotValid(DomainError):
    status = 400
    slug = "link-not-valid"
    title = _l("This link does not work (any more)")
    detail = _l("A link from a mail works once and for a limited time. Ask for a new one.")


def issue(account: Account, purpose: str, lifetime: timedelta) -> str:
    """A new token for `account` (in the caller's transaction); returns it for the mail."""
    token = secrets.token_urlsafe(32)
    db.session.add(AccountToken(account_id=account.id, purpose=purpose,
                                token_hash=hash_token(token), email=account.email,
                                expires_at=utcnow() + lifetime))
    return token


def use(purpose: str, token: str) -> AccountToken:
    """Mark the token used and return it; refuse one that is unknown, used or expired."""
    now = utcnow()
    used = db.session.execute(
        db.update(AccountToken)
        .where(AccountToken.token_hash == hash_token(token[:MAX_TOKEN]),
               AccountToken.purpose == purpose, AccountToken.used_at.is_(None),
               AccountToken.expires_at > now)
        .values(used_at=now)
        .returning(AccountToken.id)
    ).first()
    if used is None:
        raise LinkNotValid()
    return db.session.get(AccountToken, used.id)


def withdraw(account: Account, purpose: str) -> None:
    """Make the account's unused tokens of this purpose unusable (a newer link, a reset)."""
    db.session.execute(
        db.update(AccountToken)
        .where(AccountToken.account_id == account.id, AccountToken.purpose == purpose,
               AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
    )


def issued_since(account: Account, purpose: str, since) -> int:
    return db.session.scalar(
        db.select(db.func.count(AccountToken.id))
        .filter(AccountToken.account_id == account.id, AccountToken.purpose == purpose,
                AccountToken.created_at > since)
    )
