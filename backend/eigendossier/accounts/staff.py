"""An institution's staff members, managed by its institution admins: add one (they get a
mail to choose a password), make them institution admin or plain staff, remove them.

An institution admin manages their own institution only; an institution always keeps at
least one admin, so nobody locks the institution out of its own set-up."""
from flask_babel import lazy_gettext as _l

from eigendossier.accounts import passwords, sessions
from eigendossier.accounts.models import Account
from eigendossier.accounts.service import EmailTaken, account_by_email, normalise_email
from eigendossier.catalog.models import Institution
from eigendossier.core.errors import DomainError, NotFound
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow

STAFF_KINDS = ("staff", "institution_admin")


class LastAdmin(DomainError):
    status = 409
    slug = "last-institution-admin"
    title = _l("The institution needs at least one institution admin")
    detail = _l("Make someone else institution admin first.")


def kind_of(account: Account) -> str:
    return "institution_admin" if account.institution_admin else "staff"


def members(institution: Institution) -> list[Account]:
    return db.session.scalars(
        db.select(Account).filter_by(institution_id=institution.id, role="issuer")
        .order_by(Account.display_name, Account.id)).all()


def member(institution: Institution, account_id: int) -> Account:
    found = db.session.get(Account, account_id)
    if found is None or found.institution_id != institution.id or found.role != "issuer":
        raise NotFound()
    return found


def add(institution: Institution, email: str, display_name: str, kind: str) -> Account:
    """A new staff account of the institution, without a password: a mail lets them choose
    one (sent by a background job after the caller commits)."""
    address = normalise_email(email)
    if account_by_email(address):
        raise EmailTaken(detail=_l("Ask them to use another address, or remove that account "
                                   "first."))
    account = Account(email=address, password_hash=None, display_name=display_name.strip(),
                      role="issuer", institution_id=institution.id,
                      institution_admin=kind == "institution_admin",
                      # The institution admin vouches for the address; the mail proves it too.
                      email_verified_at=utcnow())
    db.session.add(account)
    db.session.flush()
    return account


def invite(account: Account) -> None:
    """Mail the new member a link to choose their password."""
    passwords.request_reset(account.email)


def set_kind(institution: Institution, account: Account, kind: str) -> None:
    if account.institution_admin and kind != "institution_admin":
        _keep_an_admin(institution, account)
    account.institution_admin = kind == "institution_admin"


def remove(institution: Institution, account: Account) -> None:
    """The account stays (as a learner's: the person may still hold credentials) but loses
    the institution and every session, so it can do nothing as staff from now on."""
    if account.institution_admin:
        _keep_an_admin(institution, account)
    account.role, account.institution_id, account.institution_admin = "learner", None, False
    sessions.end_all(account, reason="removed-from-staff")


def _keep_an_admin(institution: Institution, leaving: Account) -> None:
    others = db.session.scalar(
        db.select(db.func.count(Account.id)).filter(
            Account.institution_id == institution.id, Account.role == "issuer",
            Account.institution_admin.is_(True), Account.id != leaving.id))
    if not others:
        raise LastAdmin()
