"""Rotation of the encryption-at-rest key: a new key becomes current, every sealed row is
sealed again with it in small committed batches, and old keys are retired once no row uses
them. Safe to interrupt at any moment: each batch is its own transaction, rows already under
the current key are skipped, so running again continues where it stopped.

Each domain that seals data registers its rows here, in its own module (its ``service.py``,
which ``create_app`` imports), with one line naming the key-id column and how to seal one
row again with the current key::

    rotation.register_rows("issuing.signing_keys", IssuerKey.key_id,
                           lambda key: key.seal(key.private_bytes))

The function receives a loaded row and must seal it again through the keyring (its model's
own ``seal`` method does). Rows whose key-id column is NULL hold nothing sealed. The write is
a compare-and-swap on the columns the function changed (and rows are locked with
``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so a row the app changed meanwhile is never
overwritten with older contents: it is left for the next batch or the next run.

A store that is not one row per model can call ``register(name, count, reseal)`` with its
own two functions: ``count() -> {key_id: rows}`` and ``reseal(limit, current) -> rows
resealed``, which seals again up to ``limit`` rows not under key ``current`` (no commit).
"""
import contextlib
import fcntl
import json
import os
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, inspect, select, update

from eigendossier.core.encryption import (
    KEY_FILE,
    DecryptionError,
    instance_keys,
    keyring,
    new_key,
)
from eigendossier.core.extensions import db


@dataclass(frozen=True)
class Store:
    name: str
    count: Callable[[], dict[str, int]]
    reseal: Callable[[int, str], int]


_stores: dict[str, Store] = {}


def register(name: str, count: Callable[[], dict[str, int]],
             reseal: Callable[[int, str], int]) -> None:
    """Register (or replace) a named store of sealed data."""
    _stores[name] = Store(name, count, reseal)


def register_rows(name: str, key_column, reseal_row: Callable[[object], None]) -> None:
    """Register the rows of a model whose key id is in ``key_column`` (a mapped column)."""
    model = key_column.class_
    register(name, lambda: _count_rows(key_column),
             lambda limit, current: _reseal_rows(model, key_column, reseal_row, limit, current))


def stores() -> list[Store]:
    return [_stores[name] for name in sorted(_stores)]


def _count_rows(key_column) -> dict[str, int]:
    rows = db.session.execute(select(key_column, func.count()).where(
        key_column.is_not(None)).group_by(key_column))
    return {key_id: count for key_id, count in rows}


def _reseal_rows(model, key_column, reseal_row, limit: int, current: str) -> int:
    primary = inspect(model).primary_key[0]
    found = db.session.scalars(
        select(model).where(key_column.is_not(None), key_column != current)
        .order_by(primary).limit(limit)
        .with_for_update(skip_locked=True).execution_options(populate_existing=True)).all()
    return sum(_swap(model, primary, row, reseal_row) for row in found)


def _swap(model, primary, row, reseal_row) -> int:
    """Seal one row again; write it only if the row is still what was read."""
    mapper = inspect(model)
    before = {attr.key: getattr(row, attr.key) for attr in mapper.column_attrs}
    try:
        reseal_row(row)
    except DecryptionError as error:
        raise RotationRefused(
            f"{mapper.local_table.name} row {before[primary.key]} does not open ({error}); "
            "this batch was not written. Restore the row or its key, then resume.") from None
    changed = {attr.key: getattr(row, attr.key) for attr in mapper.column_attrs
               if getattr(row, attr.key) != before[attr.key]}
    db.session.expunge(row)  # written below, not by the unit of work
    if not changed:
        return 0
    still_as_read = [getattr(model, key) == before[key] for key in changed]
    kept = {key: before[key] for key, column in mapper.columns.items()
            if column.onupdate is not None and key not in changed}  # e.g. updated_at
    result = db.session.execute(
        update(model).where(primary == before[primary.key], *still_as_read)
        .values({**changed, **kept}).execution_options(synchronize_session=False))
    return result.rowcount


# -- key status ------------------------------------------------------------------------------


def usage() -> dict[str, dict[str, int]]:
    """Rows per key id per store: {key_id: {store: rows}} (stores with no rows left out)."""
    found: dict[str, dict[str, int]] = {}
    for store in stores():
        for key_id, count in store.count().items():
            if count:
                found.setdefault(key_id, {})[store.name] = count
    return found


@dataclass
class Status:
    current: str
    configured: bool  # keys from config (ENCRYPTION_KEYS), not the instance key file
    keys: list[str]  # in the keyring
    usage: dict[str, dict[str, int]]

    def rows(self, key_id: str) -> int:
        return sum(self.usage.get(key_id, {}).values())

    @property
    def old_keys(self) -> list[str]:
        """Keys in the keyring other than the current one: a rotation is in progress."""
        return [key_id for key_id in self.keys if key_id != self.current]

    @property
    def missing(self) -> list[str]:
        """Key ids rows are sealed with that the keyring does not have."""
        return sorted(key_id for key_id in self.usage if key_id not in self.keys)


def status() -> Status:
    ring = keyring()
    return Status(ring.current, _configured(), ring.key_ids, usage())


def _configured() -> bool:
    return bool(current_app.config.get("ENCRYPTION_KEYS"))


# -- rotation --------------------------------------------------------------------------------


class RotationRefused(Exception):
    """The rotation cannot go on; the message tells the operator what to do."""


def start() -> str:
    """Make a new key current in the instance key file (keeping the old ones) and return
    its id. Refused when the keys come from config: the operator adds the key there."""
    if _configured():
        raise RotationRefused(
            "The keys come from config (ENCRYPTION_KEYS), so this command cannot add one. "
            "Add a new key to ENCRYPTION_KEYS (python -c 'import base64,os; "
            "print(base64.b64encode(os.urandom(32)).decode())'), keep the old keys, set "
            "ENCRYPTION_KEY_ID to the new key's id on every machine and restart, then run "
            "`flask privacy rotate-key --resume`.")
    with _key_file_lock():
        stored = instance_keys(current_app.instance_path)
        key_id = _next_key_id(stored)
        stored["keys"][key_id] = new_key()
        stored["current"] = key_id
        _write_key_file(stored)
    return key_id


def _next_key_id(stored: dict) -> str:
    """k1, k2, …: one more than any id used before, retired ones included."""
    used = [*stored["keys"], *stored.get("retired", [])]
    numbers = [int(match[1]) for key_id in used if (match := re.fullmatch(r"k(\d+)", key_id))]
    return f"k{max(numbers, default=0) + 1}"


def reseal(batch_size: int = 500, max_batches: int | None = None,
           progress: Callable[[str, int, int], None] | None = None) -> tuple[int, bool]:
    """Seal every row not under the current key again, in committed batches.

    Returns (rows resealed, finished); ``finished`` is False when ``max_batches`` stopped it
    first. ``progress(store, resealed so far, rows to do)`` is called after every batch."""
    state = status()
    if state.missing:
        raise RotationRefused(
            f"Rows are sealed with key ids {', '.join(state.missing)} that are not in the "
            "keyring: restore those keys before rotating (nothing was changed).")
    total, batches = 0, 0
    for store in stores():
        todo = sum(count for key_id, count in store.count().items()
                   if key_id != state.current)
        done = 0
        while todo and done < todo:
            if max_batches is not None and batches >= max_batches:
                return total, False
            try:
                resealed = store.reseal(batch_size, keyring().current)
                db.session.commit()
            except BaseException:
                db.session.rollback()
                raise
            batches += 1
            if not resealed:
                break  # the rest is locked or changed meanwhile: the next run takes it
            done += resealed
            total += resealed
            if progress:
                progress(store.name, done, todo)
    return total, True


def retire() -> list[str]:
    """Retire the old keys no row uses any more; return their ids.

    From the instance key file they are removed (their ids kept under "retired"); keys from
    config cannot be removed here: the caller tells the operator which ids may go."""
    state = status()
    unused = [key_id for key_id in state.old_keys if not state.rows(key_id)]
    if not unused or state.configured:
        return unused
    with _key_file_lock():
        stored = instance_keys(current_app.instance_path)
        in_use = usage()  # counted again under the lock, just before removing
        unused = [key_id for key_id in unused
                  if key_id != stored["current"] and key_id in stored["keys"]
                  and not sum(in_use.get(key_id, {}).values())]
        for key_id in unused:
            del stored["keys"][key_id]
        stored["retired"] = [*stored.get("retired", []), *unused]
        _write_key_file(stored)
    return unused


def _key_path() -> Path:
    return Path(current_app.instance_path) / KEY_FILE


@contextlib.contextmanager
def _key_file_lock() -> Iterator[None]:
    """One rotation at a time changes the key file (the file itself is only ever replaced)."""
    lock = _key_path().with_name(f".{KEY_FILE}.lock")
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_key_file(stored: dict) -> None:
    """Replace the key file atomically: a reader sees the old file or the new, never half."""
    path = _key_path()
    temporary = path.with_name(f".{KEY_FILE}.{secrets.token_hex(8)}")
    try:
        with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
            json.dump(stored, out, indent=2)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    current_app.extensions.pop("eigendossier.keyring", None)
