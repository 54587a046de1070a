"""A run's seats, held in shards so that learners enrolling in the same run at once do not all
queue on one row.

Each run has SHARDS rows in ``run_seat_shard``; their ``seats`` add up to the run's
``seats_total`` and their ``taken`` to its ``seats_taken``. A seat is taken by one
conditional UPDATE of a shard with a seat left that no other transaction holds
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so concurrent enrolments each lock a shard of
their own and commit side by side (their WAL flushes grouped) instead of one after the other.
Only when every shard with a seat left is held by another transaction does an enrolment wait,
shard by shard, and the database re-checks ``taken < seats`` on the row it finally locks: a
seat is never sold twice, and "full" is only said when no shard has a seat left. A seat given
back goes to any shard with a taken seat, which keeps the sums exact.

A new run gets its shards, and a run given another seats_total has its free seats spread
again, by the ORM events at the bottom: change seats_total on a Run object, never with a bulk
UPDATE (which they do not see). ``run.unused_seats_taken`` is the column the count was in
before migration 0018_seats; it stays 0.

SQLite has no row locks (one writer at a time): the same statements run there without them.
"""
from datetime import date
from functools import cache

from sqlalchemy import Connection, Update, bindparam, event, func, inspect

from eigendossier.catalog.models import Run, RunSeatShard
from eigendossier.core.extensions import db

SHARDS = 8


def layout(total: int, taken: list[int]) -> list[int]:
    """Seats per shard for a run of ``total`` seats whose shards hold ``taken``: each keeps
    its taken seats, the free ones are spread evenly. ValueError when more are taken than
    there are seats."""
    free = total - sum(taken)
    if free < 0:
        raise ValueError(f"{sum(taken)} seats taken, more than the {total} there are")
    return [t + free // len(taken) + (1 if i < free % len(taken) else 0)
            for i, t in enumerate(taken)]


def spread(taken: int, shards: int = SHARDS) -> list[int]:
    """``taken`` seats spread evenly over the shards."""
    return [taken // shards + (1 if i < taken % shards else 0) for i in range(shards)]


def take(run_id: int, today: date, first: Update | None = None,
         params: dict | None = None) -> bool:
    """Take one seat of a run that has not started, in the caller's transaction; False when
    none is left. The shard stays locked until the transaction ends: call it last.

    ``first`` is :func:`taking` with the caller's last writes added as CTEs (one round trip
    for them and the seat), ``params`` their values; they run whether or not a seat was
    free in an unheld shard. Then, as always, the UPDATE that waits for a held shard."""
    updates = _take() if first is None else (first, _take()[1])
    return _change(updates, {**(params or {}), "run_ref": run_id, "today": today})


def taking() -> Update:
    """The first UPDATE of :func:`take` (a free seat in a shard no one holds, bound to
    ``run_ref`` and ``today``), for a caller to add its own writes to as CTEs."""
    return _take()[0]


def give_back(run_id: int) -> None:
    """Give one taken seat of the run back, in the caller's transaction (nothing when none
    is taken)."""
    _change(_give_back(), {"run_ref": run_id})


@cache
def _take():
    shards = RunSeatShard.__table__.c
    return _updates(shards.taken + 1, shards.taken < shards.seats,
                    db.exists().where(Run.id == bindparam("run_ref"),
                                      Run.start_date > bindparam("today")))


@cache
def _give_back():
    shards = RunSeatShard.__table__.c
    return _updates(shards.taken - 1, shards.taken > 0)


def _updates(value, condition, *where) -> tuple[Update, Update]:
    """The conditional UPDATEs of a shard (built once, bound to ``run_ref``): of a random one
    that no other transaction holds, and of the first one that qualifies, waiting for it."""
    table = RunSeatShard.__table__

    def update(**lock) -> Update:
        shard = (
            db.select(table.c.shard)
            .where(table.c.run_id == bindparam("run_ref"), condition, *where)
            .order_by(func.random() if lock else table.c.shard)
            .limit(1)
            .with_for_update(**lock)
            .scalar_subquery()
        )
        return (table.update()
                .where(table.c.run_id == bindparam("run_ref"), table.c.shard == shard, condition)
                .values(taken=value))
    return update(skip_locked=True), update()


def _change(updates: tuple[Update, Update], params: dict) -> bool:
    """One conditional UPDATE of a shard: first one that no other transaction holds; when
    all are held, the first that still qualifies once its holder is done (PostgreSQL
    re-checks the condition on the row it waited for)."""
    return any(db.session.execute(update, params).rowcount == 1 for update in updates)


def set_taken(run_id: int, taken: int) -> None:
    """Say how many of the run's seats are taken (a catalogue import, a test), spread over
    its shards, in the caller's transaction. ValueError when more than the run has."""
    total = db.session.scalar(db.select(Run.seats_total).where(Run.id == run_id)
                              .execution_options(populate_existing=True))
    _write(db.session.connection(), run_id, layout(total, spread(taken)), spread(taken),
           lock=True)


def _write(connection: Connection, run_id: int, seats: list[int], taken: list[int],
           lock: bool) -> None:
    table = RunSeatShard.__table__
    if lock:
        connection.execute(db.select(table.c.shard).where(table.c.run_id == run_id)
                           .order_by(table.c.shard).with_for_update())
    connection.execute(table.delete().where(table.c.run_id == run_id))
    connection.execute(table.insert(), [
        {"run_id": run_id, "shard": i, "seats": s, "taken": t}
        for i, (s, t) in enumerate(zip(seats, taken, strict=True))])


@event.listens_for(Run, "after_insert")
def _new_run(mapper, connection: Connection, run: Run) -> None:
    """A new run's seats, all free, in its shards."""
    empty = [0] * SHARDS
    _write(connection, run.id, layout(run.seats_total, empty), empty, lock=False)


@event.listens_for(Run, "after_update")
def _resized(mapper, connection: Connection, run: Run) -> None:
    """A run with another number of seats: each shard keeps its taken seats, the free ones are
    spread again. The shards are locked (in order) while they change, and updated in place,
    so an enrolment waiting for one re-checks it."""
    if not inspect(run).attrs.seats_total.history.has_changes():
        return
    table = RunSeatShard.__table__
    taken = [t for (t,) in connection.execute(
        db.select(table.c.taken).where(table.c.run_id == run.id).order_by(table.c.shard)
        .with_for_update())]
    if len(taken) != SHARDS:
        _write(connection, run.id, layout(run.seats_total, spread(sum(taken))),
               spread(sum(taken)), lock=False)
        return
    for shard, seats in enumerate(layout(run.seats_total, taken)):
        connection.execute(table.update()
                           .where(table.c.run_id == run.id, table.c.shard == shard)
                           .values(seats=seats))
