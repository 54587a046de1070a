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

from sqlalchemy import Connection, event, func, inspect

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


def take(run_id: int, today: date) -> bool:
    """Take one seat of a run that has not started, in the caller's transaction; False when
    none is left. The shard stays locked until the transaction ends: call it last."""
    shard = _pick(RunSeatShard.taken < RunSeatShard.seats,
                  db.exists().where(Run.id == run_id, Run.start_date > today))
    return _change(run_id, shard, RunSeatShard.taken + 1,
                   RunSeatShard.taken < RunSeatShard.seats)


def give_back(run_id: int) -> None:
    """Give one taken seat of the run back, in the caller's transaction (nothing when none
    is taken)."""
    _change(run_id, _pick(RunSeatShard.taken > 0), RunSeatShard.taken - 1,
            RunSeatShard.taken > 0)


def _pick(*where):
    """Which shard: (a random one not held by another transaction, the first one that is)."""
    def shard(**lock):
        return lambda run_id: (
            db.select(RunSeatShard.shard)
            .where(RunSeatShard.run_id == run_id, *where)
            .order_by(func.random() if lock.get("skip_locked") else RunSeatShard.shard)
            .limit(1)
            .with_for_update(**lock)
            .scalar_subquery()
        )
    return shard(skip_locked=True), shard()


def _change(run_id: int, pick, value, condition) -> bool:
    """One conditional UPDATE of the shard that ``pick`` finds: first one that no other
    transaction holds; when all are held, the first that still qualifies once its holder is
    done (PostgreSQL re-checks the condition on the row it waited for)."""
    for shard in pick:
        changed = db.session.execute(
            db.update(RunSeatShard)
            .where(RunSeatShard.run_id == run_id, RunSeatShard.shard == shard(run_id),
                   condition)
            .values(taken=value)
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount == 1:
            return True
    return False


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
