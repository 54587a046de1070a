"""Time is stored in UTC and handled as aware datetimes everywhere in Python; it is shown in
the learner's own time zone.

`UTCDateTime` is the column type of every `Mapped[datetime]` (see core/extensions.py): it
writes a moment as UTC without an offset, the same on SQLite and PostgreSQL, and reads it
back aware. Handing it a naive datetime is a bug, and it says so."""
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current moment, aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A moment stored as UTC without offset and read back aware (tzinfo=UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"a naive datetime cannot be stored: {value!r}; use an aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)
