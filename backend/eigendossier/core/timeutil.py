"""Time is stored in UTC (a naive datetime in the database means UTC) and shown in the
learner's own time zone."""
from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time in UTC, naive, as stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)
