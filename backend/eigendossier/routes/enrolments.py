"""Enrolling in runs: a whole saved route at once or one run, each seat taken by one
conditional UPDATE so that concurrent enrolments never overbook; cancelling, and the rules
by which a domain above (vouchers) cancels what it paid for."""
from collections.abc import Callable
from datetime import date
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import Update, bindparam, text

from eigendossier.accounts.models import Account
from eigendossier.catalog import seats
from eigendossier.catalog.models import Run
from eigendossier.core import erase
from eigendossier.core.errors import DomainError, NotFound
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.routes.models import Enrolment
from eigendossier.routes.service import route_of


class RunFull(DomainError):
    status = 409
    slug = "run-full"
    title = _l("A module is full")
    detail = _l("Nothing was booked. Plan again to choose another start date.")


class TooLateToCancel(DomainError):
    status = 409
    slug = "too-late-to-cancel"
    title = _l("This module has already started")
    detail = _l("An enrolment can be cancelled only before the module starts.")


def enrol_route(account: Account, route_id: int, today: date) -> list[Enrolment]:
    """Enrol in every run of the route at once, across institutions, or in none of them.

    Each seat is taken by one conditional UPDATE of a seat shard, so concurrent enrolments
    never overbook: the database re-checks `taken < seats` on the shard it locks. The seats
    are taken last, in the order of the runs' ids: a shard stays locked only until the
    commit, and two routes sharing runs wait for them in the same order (no deadlock)."""
    route = route_of(account, route_id)
    try:
        claims = [claim_enrolment(account, choice["run_id"], route.id)
                  for choice in route.plan["choices"]]
        for enrolment, new in sorted(claims, key=lambda claim: claim[0].run_id):
            if new:
                take_seat(enrolment.run_id, today)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return [enrolment for enrolment, _ in claims]


def enrol_in_run(account: Account, run_id: int, today: date,
                 route_id: int | None = None) -> Enrolment:
    """Take a seat in a run that has not started, in the caller's transaction (not committed):
    :func:`claim_enrolment`, then :func:`take_seat` when the claim is new."""
    enrolment, new = claim_enrolment(account, run_id, route_id)
    if new:
        take_seat(run_id, today)
    return enrolment


def claim_enrolment(account: Account, run_id: int,
                    route_id: int | None = None) -> tuple[Enrolment, bool]:
    """Make the learner's enrolment in the run "enrolled", in the caller's transaction:
    a new row, or their cancelled one again. Returns it, and whether it is new: then the
    caller must :func:`take_seat` before committing.

    The same enrolment sent twice at once (a double tap, a retry) waits here for the first:
    it then finds the learner enrolled and gets that enrolment (not new), instead of failing
    on the unique constraint or taking a second seat."""
    new, again = _claim_statements(db.session.get_bind().dialect.name)
    claim = {"account_ref": account.id, "run_ref": run_id, "route_ref": route_id,
             "created_ref": utcnow()}
    inserted = db.session.scalars(new, claim).first()
    if inserted is not None:
        return inserted, True
    enrolled_again = db.session.scalars(again, claim).first()
    if enrolled_again is not None:
        return enrolled_again, True
    return _enrolment(account.id, run_id), False


# A new enrolment; nothing when the learner has one in the run already, whatever its status
# (bound: account_ref, run_ref, route_ref, created_ref). Text, see _claim_statements.
NEW_ENROLMENT = (
    "INSERT INTO enrolment (account_id, run_id, route_id, status, created_at) "
    "VALUES (:account_ref, :run_ref, :route_ref, 'enrolled', :created_ref) "
    "ON CONFLICT (account_id, run_id) DO NOTHING"
)


@cache
def _claim_statements(dialect: str):
    """The INSERT of a new enrolment and the UPDATE of a cancelled one, each returning the
    row as an Enrolment, built once with bound parameters (a redemption's hot path).

    The INSERT is text: SQLAlchemy has no cache key for the dialects' INSERT … ON CONFLICT
    constructs (their Insert classes set ``inherit_cache = False``), so that statement was
    compiled anew on every call, a few tenths of a millisecond of each redemption. The same
    text runs on PostgreSQL and on SQLite (3.35 or newer: RETURNING). ``dialect`` keeps the
    cache per database."""
    table = Enrolment.__table__
    columns = ", ".join(column.name for column in table.columns)  # the model's, no input
    new = text(f"{NEW_ENROLMENT} RETURNING {columns}").bindparams(
        *new_enrolment_types()).columns(*table.columns)
    again = (
        table.update()
        .where(table.c.account_id == bindparam("account_ref"),
               table.c.run_id == bindparam("run_ref"), table.c.status == "cancelled")
        .values(status="enrolled", cancelled_at=None, route_id=bindparam("route_ref"))
        .returning(*table.columns)
    )
    return tuple(db.select(Enrolment).from_statement(statement)
                 .execution_options(populate_existing=True) for statement in (new, again))


def new_enrolment_types() -> tuple:
    """The typed bound parameters of :data:`NEW_ENROLMENT`, for a text() that holds it."""
    table = Enrolment.__table__
    return (bindparam("account_ref", type_=table.c.account_id.type),
            bindparam("run_ref", type_=table.c.run_id.type),
            bindparam("route_ref", type_=table.c.route_id.type),
            bindparam("created_ref", type_=table.c.created_at.type))


def take_seat(run_id: int, today: date, first: Update | None = None,
              params: dict | None = None) -> None:
    """One seat of a run that has not started (RunFull when none is left), in a seat shard
    of the run that no other enrolment holds (catalog/seats.py). The shard stays locked until
    the transaction ends: call it last, just before the commit. ``first`` and ``params``: the
    caller's last writes taken along (see :func:`seats.take`)."""
    if not seats.take(run_id, today, first, params):
        raise RunFull()


def _enrolment(account_id: int, run_id: int) -> Enrolment:
    return db.session.scalars(
        db.select(Enrolment).filter_by(account_id=account_id, run_id=run_id)
        .execution_options(populate_existing=True)
    ).one()


def enrolments_of(account: Account, active_only: bool = True) -> list[Enrolment]:
    query = db.select(Enrolment).join(Run).filter(Enrolment.account_id == account.id)
    if active_only:
        query = query.filter(Enrolment.status == "enrolled")
    return db.session.scalars(query.order_by(Run.start_date, Enrolment.id)).all()


def enrolment_of(account: Account, enrolment_id: int) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.account_id != account.id:
        raise NotFound()
    return enrolment


CancellationRule = Callable[[Account, Enrolment, date], bool]
_cancellation_rules: dict[str, CancellationRule] = {}


def cancellation_rule(name: str):
    """Register `rule(account, enrolment, today) -> handled` for enrolments that a domain
    above this one pays for (a voucher): its own deadline applies, and what paid comes back.
    A rule returns False for enrolments that are not its own. Registering a name again
    replaces the rule (module reloads)."""
    def register(rule: CancellationRule) -> CancellationRule:
        _cancellation_rules[name] = rule
        return rule
    return register


def cancel_enrolment(account: Account, enrolment_id: int, today: date) -> Enrolment:
    """Give the seat back; possible until the run starts, or as the rule of what paid says."""
    enrolment = enrolment_of(account, enrolment_id)
    if enrolment.status != "enrolled":
        return enrolment
    if any(rule(account, enrolment, today) for rule in _cancellation_rules.values()):
        return enrolment
    if enrolment.run.start_date <= today:
        raise TooLateToCancel()
    release(enrolment)
    db.session.commit()
    return enrolment


def release(enrolment: Enrolment) -> None:
    """Cancel an enrolment and give its seat back, in the caller's transaction."""
    if enrolment.status != "enrolled":
        return
    seats.give_back(enrolment.run_id)
    enrolment.status, enrolment.cancelled_at = "cancelled", utcnow()


@erase.before_erase("routes.seats")
def _give_seats_back(account_id: int) -> None:
    """Before an account is erased: its places in runs go back to the runs."""
    for enrolment in db.session.scalars(
            db.select(Enrolment).filter_by(account_id=account_id, status="enrolled")):
        release(enrolment)
