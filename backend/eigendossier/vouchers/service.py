"""Issuing vouchers to graduates, redeeming one for a run exactly once, and giving it back on
cancellation. Claiming one into the dossier is in claims.py."""
import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, partial
from typing import NamedTuple, NoReturn
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Connection,
    Insert,
    Select,
    Text,
    Update,
    bindparam,
    cast,
    func,
    literal,
)
from sqlalchemy.exc import IntegrityError, OperationalError

from eigendossier.accounts.models import Account
from eigendossier.catalog import seats
from eigendossier.catalog.models import Block, Run, RunSeatShard
from eigendossier.core import audit, erase, rotation
from eigendossier.core.driver import DriverStatement
from eigendossier.core.errors import DomainError, NotFound
from eigendossier.core.extensions import db
from eigendossier.core.models import AuditEvent
from eigendossier.core.timeutil import utcnow
from eigendossier.routes import enrolments
from eigendossier.routes import service as routes
from eigendossier.routes.models import Enrolment
from eigendossier.vouchers import redemption
from eigendossier.vouchers.models import IdempotentResponse, Voucher

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
VALID_YEARS = 5


class VoucherError(DomainError):
    pass


class CodeTypo(VoucherError):
    status = 422
    slug = "voucher-code-typo"
    title = _l("This is not a voucher code")
    detail = _l("Check the code: it has 17 characters, for example ABCD-EFGH-JKMN-PQRS-T.")


class UnknownCode(VoucherError):
    status = 404
    slug = "voucher-unknown"
    title = _l("No voucher has this code")
    detail = _l("Check the code in the email from your school.")


class ClaimedByAnother(VoucherError):
    status = 409
    slug = "voucher-claimed"
    title = _l("This voucher is already in someone's dossier")
    detail = _l("Contact your school if you did not add it yourself.")


class Expired(VoucherError):
    status = 410
    slug = "voucher-expired"
    title = _l("This voucher has expired")
    detail = _l("A voucher can be used up to five years after graduating.")


class AlreadyRedeemed(VoucherError):
    status = 409
    slug = "voucher-redeemed"
    title = _l("This voucher has already been used")
    detail = _l("A voucher buys one module. Cancel that enrolment first to choose another.")


class RunNotEligible(VoucherError):
    status = 422
    slug = "voucher-run-not-eligible"
    title = _l("This voucher cannot buy this module")
    detail = _l("Choose one of the modules listed with the voucher.")


class ModuleAlreadyYours(VoucherError):
    """The learner already has a seat in another group of this module: a voucher buys a
    module once, not a second seat in it."""

    status = 409
    slug = "voucher-module-already-enrolled"
    title = _l("You are already enrolled in this module")
    detail = _l("Choose another module, or cancel that enrolment first.")


class KeyReused(VoucherError):
    status = 422
    slug = "idempotency-key-reused"
    title = _l("This Idempotency-Key was used for another request")
    detail = _l("Send a new key with each new request.")


class TooLateToCancel(VoucherError):
    status = 409
    slug = "voucher-cancel-too-late"
    title = _l("It is too late to cancel")


def code_hash(code: str) -> str:
    pepper = current_app.config["VOUCHER_PEPPER"].encode()
    return hmac.new(pepper, code.encode(), hashlib.sha256).hexdigest()


def valid_until(graduation_date: date) -> datetime:
    """The end of the day, in Amsterdam, five years after graduating (aware, UTC)."""
    try:
        last_day = graduation_date.replace(year=graduation_date.year + VALID_YEARS)
    except ValueError:  # graduated on 29 February
        last_day = graduation_date.replace(year=graduation_date.year + VALID_YEARS, day=28)
    end = datetime.combine(last_day + timedelta(days=1), time(0), AMSTERDAM)
    return end.astimezone(UTC)


@erase.before_erase("vouchers.unclaim")
def _unclaim(account_id: int) -> None:
    """Before an account is erased. A voucher claimed but not used goes back to unclaimed:
    its code stays valid for the graduate. A used one keeps the institution's record of the
    redemption (when, which qualification) but loses its link to the person and the
    enrolment (the database unlinks both)."""
    db.session.execute(
        db.update(Voucher).where(Voucher.claimed_by_id == account_id,
                                 Voucher.redeemed_at.is_(None))
        .values(claimed_by_id=None, claimed_at=None))


# -- learners ---------------------------------------------------------------------------------


def vouchers_of(account: Account) -> list[Voucher]:
    return db.session.scalars(
        db.select(Voucher).filter_by(claimed_by_id=account.id).order_by(Voucher.valid_until)
    ).all()


def voucher_of(account: Account, voucher_id: int) -> Voucher:
    voucher = db.session.get(Voucher, voucher_id)
    if voucher is None or voucher.claimed_by_id != account.id:
        raise NotFound()
    return voucher


def voucher_for_enrolment(enrolment_id: int) -> Voucher | None:
    return db.session.scalar(db.select(Voucher).filter_by(enrolment_id=enrolment_id))


@enrolments.cancellation_rule("vouchers.redemption")
def _cancel_paid_enrolment(account: Account, enrolment, today: date) -> bool:
    """An enrolment paid with a voucher is cancelled by the voucher's rules."""
    voucher = voucher_for_enrolment(enrolment.id)
    if voucher is None:
        return False
    cancel_redemption(account, voucher.id, today)
    return True


def last_cancel_day(run: Run) -> date:
    """The last day a redemption for ``run`` can be cancelled: VOUCHER_CANCEL_DAYS before it
    starts. The API sends it, so the PWA never assumes the number of days."""
    return run.start_date - timedelta(days=current_app.config["VOUCHER_CANCEL_DAYS"])


def cancel_until(voucher: Voucher) -> date | None:
    """The last day the voucher's enrolment can be cancelled (None when not redeemed)."""
    if voucher.enrolment is None:
        return None
    return last_cancel_day(voucher.enrolment.run)


def eligible_runs(voucher: Voucher, today: date) -> list[Run]:
    """Runs the voucher can buy: of an eligible qualification or block, not yet started,
    starting while the voucher is valid, with a seat left."""
    batch = voucher.batch
    last_start = voucher.valid_until.date()
    query = (
        db.select(Run).join(Block)
        .filter(db.or_(Block.qualification_id.in_(batch.eligible_qualification_ids or [0]),
                       Block.id.in_(batch.eligible_block_ids or [0])))
        .filter(Run.start_date > today, Run.start_date <= last_start,
                Run.seats_taken < Run.seats_total)
        .order_by(Run.start_date, Block.position)
    )
    return db.session.scalars(query).all()


# How a run the voucher can buy stands with the learner (None: not at all).
ENROLLED, ENROLLED_OTHER, IN_ROUTE = "enrolled", "enrolled_other_group", "in_route"


def standing(account: Account, runs: list[Run]) -> dict[int, str]:
    """For each run the learner already has to do with: enrolled in it, enrolled in another
    group of its module, or its module is in one of their saved routes."""
    enrolled = dict(db.session.execute(
        db.select(Enrolment.run_id, Run.block_id).join(Run, Enrolment.run_id == Run.id)
        .filter(Enrolment.account_id == account.id, Enrolment.status == "enrolled")).all())
    planned = {choice.get("block_id") for route in routes.routes_of(account)
               for choice in (route.plan or {}).get("choices", [])}
    found = {}
    for run in runs:
        if run.id in enrolled:
            found[run.id] = ENROLLED
        elif run.block_id in enrolled.values():
            found[run.id] = ENROLLED_OTHER
        elif run.block_id in planned:
            found[run.id] = IN_ROUTE
    return found


def runs_to_choose(account: Account, voucher: Voucher, today: date) -> list[Run]:
    """The runs the voucher can buy, each with the learner's standing as `mine` (read by
    the answer's schema; not stored)."""
    runs = eligible_runs(voucher, today)
    mine = standing(account, runs)
    for run in runs:
        run.mine = mine.get(run.id)
    return runs


def redeem(account: Account, voucher_id: int, run_id: int, key: str,
           today: date) -> tuple[int, str]:
    """Redeem the voucher for a run: the enrolment, the voucher and the seat at once or not
    at all, the voucher claimed by one conditional UPDATE. A replay with the same
    Idempotency-Key gets the first response again. Returns (status, body as compact JSON
    text: the text stored for replays is the answer's, not encoded a second time).

    The happy path is two statements on PostgreSQL (six on SQLite): the voucher and the run
    with what the answer shows (one SELECT of plain columns, see redemption.py), then every
    write in one statement (:func:`_at_once`: each round trip to the database holds a
    worker), each its own transaction (see :func:`_redeem_at_once`). A stored answer is
    looked up only when the voucher cannot be redeemed (a replay finds it already used) or
    when storing ours collides with one under the same key. The statements are built once
    (see :func:`_statements`): building them cost a redemption more CPU than running them.
    Of the account only its id is read (the view may pass a detached copy, see
    ``accounts.signin``).

    The long way, in one transaction of the session: on SQLite; on PostgreSQL when the
    learner has an enrolment in the run already (cancelled: theirs again), or when every
    seat shard with a seat left is held by another transaction (it waits for one, or says
    the run is full)."""
    fingerprint = hashlib.sha256(json.dumps([voucher_id, run_id]).encode()).hexdigest()
    now = utcnow()
    statements = _statements()
    params = {"voucher_id": voucher_id, "account_id": account.id, "run_id": run_id}
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            row = _driven(conn).numbered.first(conn, params)
            refused = _refused(row, now, today)
            if refused is None and not row.enrolled_here:
                done = _redeem_at_once(conn, row, account, run_id, now, today, key,
                                       fingerprint)
                if done is _TAKEN:  # redeemed meanwhile by another request
                    refused = partial(_refusal, voucher_id)
                elif done is not None:
                    return done
    else:
        # The session's transaction's connection: Core statements of plain columns need none
        # of Session.execute's ORM handling (its options, events and bind lookup per call).
        row = db.session.connection().execute(statements.redeemable, params).first()
        refused = _refused(row, now, today)
    if refused is not None:
        return _replay(account, key, fingerprint) or refused()
    event = _audit_event(account, row, now)
    stored = {"account_id": account.id, "key": key, "request_fingerprint": fingerprint,
              "status": 201, "created_at": now}
    try:
        enrolment, new_seat, taken = _enrol_and_claim(statements, account, voucher_id, run_id,
                                                      now)
        if not taken:
            db.session.rollback()
            return _replay(account, key, fingerprint) or _refusal(voucher_id)
        # The answer shows the run as it is once the seat below is taken.
        body = redemption.answer(row, enrolment, row.seats_taken + new_seat, now,
                                 current_app.config["VOUCHER_CANCEL_DAYS"])
        _write_and_seat(statements, event, {**stored, "body": body},
                        run_id if new_seat else None, today)
        db.session.commit()
        return 201, _compact(body)
    except IntegrityError:
        db.session.rollback()  # the same key stored meanwhile: its answer, or "key reused"
        replay = _replay(account, key, fingerprint)
        if replay is None:
            raise
        return replay
    except Exception:
        db.session.rollback()
        raise


def _refused(row, now: datetime, today: date) -> Callable[[], NoReturn] | None:
    """Why the voucher of a :func:`redemption.redeemable` row cannot buy its run (a function
    that raises it), or None."""
    if row is None:
        return _not_found
    if row.redeemed_at is not None or row.valid_until <= now:
        return partial(_refusal, row.voucher_id)
    if not redemption.buys(row, today):
        return _not_eligible
    if row.elsewhere:
        return partial(_already_yours, row)
    return None


def _audit_event(account: Account, row, now: datetime) -> dict:
    return {**audit.values("voucher.redeemed", account.id, run=row.run_code),
            "subject_type": "voucher", "subject_id": row.voucher_id, "created_at": now}


# _redeem_at_once: the voucher was redeemed by another request meanwhile.
_TAKEN = (409, "")
_DEADLOCK = "40P01"  # PostgreSQL's SQLSTATE deadlock_detected


def _redeem_at_once(conn: Connection, row, account: Account, run_id: int, now: datetime,
                    today: date, key: str, fingerprint: str) -> tuple[int, str] | None:
    """PostgreSQL: the voucher held, a seat, a new enrolment under the number the SELECT
    took for it, the claim of the voucher linked to it, the audit event and the stored
    answer, in one statement (:func:`_at_once`) that is its own transaction (``conn`` is in
    autocommit: no BEGIN and COMMIT, each a round trip and CPU in the app and the
    database). It writes all of it or nothing: every write waits for the one before, and
    the two that another transaction can make fail come first and only lock (the
    voucher's row, re-checked once its holder is done; a seat shard no other transaction
    holds). A conflict at a unique key (our enrolment, our key) fails the whole statement.

    Returns the answer, :data:`_TAKEN` when the voucher was redeemed (or expired)
    meanwhile, or None, with nothing written (the number stays unused), for the long way:
    every shard with a seat left is held, or an enrolment in the run or a stored answer
    under our key came meanwhile. The answer is whole before the writes and stored as
    compact JSON text: usually under the 2 kB at which PostgreSQL compresses a row (with
    spaces it was just over)."""
    enrolled = redemption.Enrolled(row.enrolment_id, "enrolled", None, now, None)
    body = _compact(redemption.answer(row, enrolled, row.seats_taken + 1, now,
                                      current_app.config["VOUCHER_CANCEL_DAYS"]))
    stored = {"account_id": account.id, "key": key, "request_fingerprint": fingerprint,
              "status": 201, "created_at": now, "body": body}
    try:
        done = _driven(conn).at_once.first(conn, {
            "voucher_id": row.voucher_id, "account_id": account.id, "now": now,
            "run_ref": run_id, "today": today, "id_ref": enrolled.id,
            "enrolment_ref": enrolled.id,
            **{"audit_" + name: value for name, value in
               _audit_event(account, row, now).items()},
            **{"stored_" + name: value for name, value in stored.items()},
        })
    except IntegrityError:
        return None
    except OperationalError as error:
        # Holding the voucher and a seat, it waits for an enrolment in the run that another
        # transaction is making (the learner enrolling by route at the same moment); if that
        # one waits for our seat shard, PostgreSQL breaks the cycle by failing one of the
        # two. Ours wrote nothing: the long way, in a transaction, waits for the other.
        if getattr(error.orig, "sqlstate", None) != _DEADLOCK:
            raise
        return None
    if done.held is None:
        return _TAKEN
    if done.claimed is None:
        return None
    return 201, body


def _enrol_and_claim(statements: "_Statements", account: Account, voucher_id: int,
                     run_id: int, now: datetime) -> tuple[redemption.Enrolled, bool, bool]:
    """The learner's enrolment in the run (:func:`enrolments.claim_enrolment`: a new one, or
    theirs again) and the claim of the voucher, linked to it: returns the enrolment, whether
    it is new (then the caller takes a seat) and whether the voucher was still there to
    claim (if not, the caller rolls back)."""
    enrolment, new = enrolments.claim_enrolment(account, run_id)
    taken = db.session.execute(statements.claim, {
        "voucher_id": voucher_id, "account_id": account.id, "now": now,
        "enrolment_ref": enrolment.id})
    enrolled = redemption.Enrolled(enrolment.id, enrolment.status, enrolment.route_id,
                                   enrolment.created_at, enrolment.cancelled_at)
    return enrolled, new, taken.first() is not None


class _Statements(NamedTuple):
    redeemable: Select
    # PostgreSQL: the same, with a number for the enrolment taken from its sequence.
    numbered: Select
    claim: Update
    # PostgreSQL: a new enrolment, the claim, the audit event, the answer, a seat (see
    # _at_once).
    at_once: Select
    audit: Insert
    stored: Insert
    # PostgreSQL: the stored answer's INSERT with the audit event's in a WITH (one round trip).
    both: Insert
    # PostgreSQL: both INSERTs in a WITH of the UPDATE that takes the seat (one round trip).
    both_and_seat: Update


@cache
def _statements() -> _Statements:
    """The redemption's statements, built once with bound parameters: each redemption only
    binds its values (and SQLAlchemy's compiled-statement cache finds them by a cache key
    computed once)."""
    voucher = Voucher.__table__
    claim = (
        db.update(voucher)
        .where(voucher.c.id == bindparam("voucher_id"),
               voucher.c.claimed_by_id == bindparam("account_id"),
               voucher.c.redeemed_at.is_(None), voucher.c.valid_until > bindparam("now"))
        .values(redeemed_at=bindparam("now"), enrolment_id=bindparam("enrolment_ref"))
        .returning(voucher.c.id)
    )
    audit_insert = _insert(AuditEvent.__table__, "audit_")
    stored_insert = _insert(IdempotentResponse.__table__, "stored_")
    numbered = redemption.redeemable().add_columns(
        func.nextval(func.pg_get_serial_sequence("enrolment", "id")).label("enrolment_id"))
    return _Statements(redemption.redeemable(), numbered, claim, _at_once(claim), audit_insert,
                       stored_insert, stored_insert.add_cte(audit_insert.cte("audit_event_row")),
                       seats.taking().add_cte(audit_insert.cte("audit_event_row"),
                                              stored_insert.cte("stored_answer_row")))


class _Driven(NamedTuple):
    """PostgreSQL: the happy path's two statements, run on psycopg's cursor (core/driver.py:
    about 0.2 ms of the app's CPU less for each)."""

    numbered: DriverStatement
    at_once: DriverStatement


_DRIVEN: dict[str, _Driven] = {}


def _driven(conn: Connection) -> _Driven:
    """The happy path's statements of :func:`_statements`, compiled once for ``conn``'s
    database."""
    found = _DRIVEN.get(conn.dialect.name)
    if found is None:
        statements = _statements()
        found = _DRIVEN[conn.dialect.name] = _Driven(
            DriverStatement(statements.numbered, conn.dialect),
            DriverStatement(statements.at_once, conn.dialect))
    return found


def _at_once(claim: Update) -> Select:
    """PostgreSQL: the redemption's writes in one statement, each a WITH that waits for the
    one before: the voucher's row locked while it is still the learner's to redeem
    (``held``: a concurrent redemption's claim is waited for, and the row read again); a
    seat in a shard no other transaction holds (nothing when all with a seat left are
    held); the enrolment under the number the SELECT took (a unique-key conflict fails the
    statement); the claim of the voucher linked to it; the audit event and the stored answer
    (bound as JSON text). Returns whether the voucher was held, the seat's shard and the
    claimed voucher's id (each None when not); run in autocommit, it is all written or
    nothing. The rows' account (the event's actor too), voucher and moment are the
    statement's own ``account_id``, ``voucher_id`` and ``now``, each bound once (psycopg
    sends a value per name: each of the copies cost converting and parsing)."""
    voucher, enrolment = Voucher.__table__, Enrolment.__table__
    held = db.select(voucher.c.id).where(claim.whereclause).with_for_update().cte("held")
    seat = (
        seats.taking().where(db.exists(db.select(held.c.id)))
        .returning(RunSeatShard.__table__.c.shard)
        .cte("seat")
    )
    new_enrolment = (
        db.insert(enrolment).from_select(
            ["id", "account_id", "run_id", "status", "created_at"],
            db.select(bindparam("id_ref", type_=enrolment.c.id.type),
                      bindparam("account_id", type_=enrolment.c.account_id.type),
                      bindparam("run_ref", type_=enrolment.c.run_id.type),
                      literal("enrolled", enrolment.c.status.type),
                      bindparam("now", type_=enrolment.c.created_at.type))
            .where(db.exists(db.select(seat.c.shard))))
        .returning(enrolment.c.id)
        .cte("new_enrolment")
    )
    claimed = claim.where(db.exists(db.select(new_enrolment.c.id))).cte("claimed")
    audit, stored = AuditEvent.__table__, IdempotentResponse.__table__
    audit_row = _insert(audit, "audit_", claimed,
                        account_id=bindparam("account_id", type_=audit.c.account_id.type),
                        actor_id=bindparam("account_id", type_=audit.c.actor_id.type),
                        subject_id=bindparam("voucher_id", type_=audit.c.subject_id.type),
                        created_at=bindparam("now", type_=audit.c.created_at.type))
    stored_row = _insert(stored, "stored_", claimed,
                         account_id=bindparam("account_id", type_=stored.c.account_id.type),
                         created_at=bindparam("now", type_=stored.c.created_at.type),
                         body=cast(bindparam("stored_body", type_=Text), JSON))
    return db.select(
        db.select(held.c.id).scalar_subquery().label("held"),
        db.select(seat.c.shard).scalar_subquery().label("seat"),
        db.select(claimed.c.id).scalar_subquery().label("claimed"),
    ).add_cte(audit_row.cte("audit_event_row"), stored_row.cte("stored_answer_row"))


def _insert(table, prefix: str, after=None, **expressions) -> Insert:
    """INSERT of one row of every column but the id, bound as prefix + column name (or the
    given expression); with ``after`` (a CTE) one such row for each of its rows."""
    columns = [column for column in table.columns if not column.primary_key]
    values = {column.name: expressions.get(column.name,
                                           bindparam(prefix + column.name, type_=column.type))
              for column in columns}
    if after is None:
        return db.insert(table).values(values)
    return db.insert(table).from_select(list(values),
                                        db.select(*values.values()).select_from(after))


def _write_and_seat(statements: _Statements, event: dict, stored: dict, seat_in: int | None,
                    today: date) -> None:
    """The audit event, the stored answer and, when ``seat_in`` a run, the seat last (it
    locks a seat shard until the commit; RunFull when none is left). On PostgreSQL one
    statement (the INSERTs as CTEs of the seat's UPDATE; a second UPDATE only when every
    shard with a seat left is held by another transaction); elsewhere one each."""
    event = {"audit_" + name: value for name, value in event.items()}
    stored = {"stored_" + name: value for name, value in stored.items()}
    if db.session.get_bind().dialect.name != "postgresql":
        db.session.execute(statements.audit, event)
        db.session.execute(statements.stored, stored)
        if seat_in is not None:
            enrolments.take_seat(seat_in, today)
    elif seat_in is not None:
        enrolments.take_seat(seat_in, today, statements.both_and_seat, {**event, **stored})
    else:
        db.session.execute(statements.both, {**event, **stored})


def _not_found() -> NoReturn:
    raise NotFound()


def _not_eligible() -> NoReturn:
    raise RunNotEligible()


def _already_yours(row) -> NoReturn:
    name = redemption.module_name(row)
    raise ModuleAlreadyYours(str(_l(
        "You are already enrolled in %(module)s, in another group. A voucher buys a module "
        "once: choose another module, or cancel that enrolment first.")) % {"module": name})


def _compact(body: dict) -> str:
    return json.dumps(body, separators=(",", ":"))


def _replay(account: Account, key: str, fingerprint: str) -> tuple[int, str] | None:
    stored = db.session.scalar(
        db.select(IdempotentResponse).filter_by(account_id=account.id, key=key)
    )
    if stored is None:
        return None
    if stored.request_fingerprint != fingerprint:
        raise KeyReused()
    return stored.status, _compact(stored.body)


def _refusal(voucher_id: int) -> NoReturn:
    voucher = db.session.get(Voucher, voucher_id)
    if voucher.redeemed_at is not None:
        raise AlreadyRedeemed()
    raise Expired()


def cancel_redemption(account: Account, voucher_id: int, today: date) -> Voucher:
    """Cancel the voucher's enrolment before the deadline; the voucher can be used again."""
    voucher = voucher_of(account, voucher_id)
    if voucher.redeemed_at is None or voucher.enrolment is None:
        return voucher
    if today > cancel_until(voucher):
        raise TooLateToCancel(detail=_l(
            "A voucher enrolment can be cancelled up to %(days)s days before the module starts.",
            days=current_app.config["VOUCHER_CANCEL_DAYS"]))
    enrolments.release(voucher.enrolment)
    voucher.redeemed_at, voucher.enrolment_id = None, None
    audit.record("voucher.redemption_cancelled", account.id, subject=voucher)
    db.session.commit()
    return voucher


rotation.register_rows("vouchers.codes", Voucher.code_key_id,
                       lambda voucher: voucher.seal_code(voucher.code))
