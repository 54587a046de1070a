"""psycopg cursors whose ``description`` makes its Column objects only when read.

psycopg builds a Column object per result column each time ``cursor.description`` is read,
and SQLAlchemy reads it after every statement that returns rows, but a statement it has
compiled before (every statement of a warm process) only checks that it is there: its result
columns are known already. A redemption's two statements built 41 of them for nothing
(about 45 microseconds of CPU)."""
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any, overload

import psycopg
from psycopg.pq import ExecStatus

_TUPLES = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK)


class LazyDescriptionCursor(psycopg.Cursor):
    """The connection's cursor class (see :func:`use_lazy_descriptions`)."""

    @property
    def description(self) -> "Description | None":  # type: ignore[override]  # a Sequence
        """As psycopg's: None when the current result has no rows to describe."""
        result = self.pgresult
        if result and (result.nfields or result.status in _TUPLES):
            return Description(result, self._encoding, self.adapters)
        return None


class Description(Sequence[psycopg.Column]):
    """psycopg's list of Column objects for one result, made on first use. It keeps what
    the Columns are made from (the result, the encoding, the types), so it describes its
    own result even when read after the cursor has moved on."""

    def __init__(self, result: Any, encoding: str, adapters: Any) -> None:
        self._source = SimpleNamespace(pgresult=result, _encoding=encoding, adapters=adapters)
        self._length: int = result.nfields
        self._columns: list[psycopg.Column] | None = None

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> psycopg.Column: ...

    @overload
    def __getitem__(self, index: slice) -> list[psycopg.Column]: ...

    def __getitem__(self, index: int | slice) -> psycopg.Column | list[psycopg.Column]:
        if self._columns is None:
            # Column reads only these three attributes of the cursor it is given.
            self._columns = [psycopg.Column(self._source, i)  # type: ignore[arg-type]
                             for i in range(self._length)]
        return self._columns[index]


def use_lazy_descriptions(dbapi_connection: object) -> None:
    """Give a new psycopg connection the cursor class above (other drivers: nothing)."""
    if isinstance(dbapi_connection, psycopg.Connection):
        dbapi_connection.cursor_factory = LazyDescriptionCursor
