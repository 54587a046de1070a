"""Erase an account and everything personal, in one transaction (AVG/GDPR art. 17).

How it stays complete without knowing every domain by name:

1. Every foreign key to ``account.id`` says what happens to its rows: ``ondelete="CASCADE"``
   for the learner's own data (credentials, shares and through them their views, routes,
   enrolments, push subscriptions, notifications, sessions, holder keys, audit events about
   them…), ``ondelete="SET NULL"`` for a record another party keeps (the institution's
   voucher, a staff member's decision). Deleting the account row lets the database do the
   rest. `check_foreign_keys` refuses any other kind, and a test walks every table after an
   erase.
2. A domain that must do more than delete or unlink (give a seat back, return a voucher to
   unclaimed) registers a step with `before_erase`; steps run first, in the same transaction.
3. A column that keeps a person's name or email on purpose, as an institution's own record,
   says so with ``info={"personal": "<why>"}`` (e.g. the graduate on a voucher the school
   issued); the erase test skips those columns and no other.
"""
import logging
from collections.abc import Callable

from eigendossier.core.extensions import db

log = logging.getLogger(__name__)

ACCOUNT_TABLE = "account"

_steps: dict[str, Callable[[int], None]] = {}
KEPT_ON_PURPOSE = "personal"


def before_erase(name: str):
    """Register `step(account_id)`, run in the erase's transaction before the account row
    goes. Registering under the same name again replaces the step (module reloads)."""
    def register(step: Callable[[int], None]):
        _steps[name] = step
        return step
    return register


def account_references() -> list:
    """Every column with a foreign key to account.id, with its ON DELETE rule."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            for key in column.foreign_keys:
                if key.column.table.name == ACCOUNT_TABLE and key.column.name == "id":
                    found.append((column, (key.ondelete or "").upper()))
    return found


def check_foreign_keys() -> None:
    """Refuse a schema with a reference to an account that says neither CASCADE nor SET
    NULL: erasing would fail there (or keep a link to the person)."""
    wrong = [f"{column.table.name}.{column.name}" for column, rule in account_references()
             if rule not in ("CASCADE", "SET NULL")]
    if wrong:
        raise RuntimeError("foreign keys to account.id need ondelete='CASCADE' (personal "
                           "data) or 'SET NULL' (a record kept by someone else): "
                           + ", ".join(wrong))


def erase(account_id: int) -> None:
    """Delete the account and everything of it; all or nothing."""
    check_foreign_keys()
    try:
        for step in _steps.values():
            step(account_id)
        account = db.metadata.tables[ACCOUNT_TABLE]
        db.session.execute(account.delete().where(account.c.id == account_id))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    db.session.expunge_all()
    log.info("an account was erased")  # no id, no address: the log outlives the erase
