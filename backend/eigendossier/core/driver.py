"""A fixed Core statement compiled once and run on the database driver's own cursor, for the
few hottest statements (a voucher's redemption).

``Connection.execute`` costs a statement about 0.2 ms of the app's CPU besides the driver's
work: its cache key, an execution context, and the result's metadata, for which psycopg
makes a column object of each of the cursor's columns on every call. A
:class:`DriverStatement` compiles its statement once (with the dialect's bind casts)
and converts the values both ways with the statement's own types (``UTCDateTime``, JSON).
psycopg prepares it on the server at its first run on a connection, not after
``prepare_threshold`` runs as SQLAlchemy's statements: a statement not prepared is parsed,
analysed and planned anew on every run. On a new connection a redemption's two cost
PostgreSQL about 1.8 ms of CPU for each of its first five runs unprepared, 1.4 ms for the
five after that (prepared: PostgreSQL still plans for the values five times before it keeps
a plan) and 0.45 ms from then on; prepared at once, the first five of those go. A connection
that prepares nothing (``prepare_threshold`` None, as behind PgBouncer) prepares none of
these either.
SQLAlchemy's connection events do not see these statements: ``before_cursor_execute``
listeners do not count them (tests.support.sql_statements counts psycopg's).
"""
from collections import namedtuple
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Dialect, Select
from sqlalchemy.exc import DBAPIError


class DriverStatement:
    """``statement`` compiled for ``dialect``: :meth:`first` runs it with bound values (by
    their bindparam names) and returns its first row as a named tuple of the statement's
    selected columns, or None."""

    def __init__(self, statement: Select, dialect: Dialect):
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        self.dialect = dialect
        # Values SQLAlchemy binds on its own (the statement's literals).
        self.fixed = {name: value for name, value in compiled.params.items()
                      if not compiled.binds[name].required}
        self.binds: dict[str, Callable] = {}
        for name, bind in compiled.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                self.binds[name] = process
        self.types = [column.type for column in statement.selected_columns]
        self.row = namedtuple("Row", [column.key for column in statement.selected_columns])
        self.results: list[tuple[int, Callable]] | None = None

    def first(self, conn: Connection, values: dict[str, Any]) -> Any:
        params = {**self.fixed, **values}
        for name, process in self.binds.items():
            params[name] = process(params[name])
        driver = conn.connection.driver_connection
        cursor = driver.cursor()
        error = self.dialect.loaded_dbapi.Error
        try:
            if getattr(driver, "prepare_threshold", None) is None:
                cursor.execute(self.sql, params)
            else:
                cursor.execute(self.sql, params, prepare=True)
            found = cursor.fetchone()
            if found is None:
                return None
            if self.results is None:  # the driver's column types, known after a first run
                self.results = self._processors([c.type_code for c in cursor.description])
        except error as failed:  # as SQLAlchemy says it (IntegrityError, ...)
            raise DBAPIError.instance(self.sql, params, failed, error, dialect=self.dialect,
                                      hide_parameters=conn.engine.hide_parameters) from failed
        finally:
            cursor.close()
        found = list(found)
        for i, process in self.results:
            found[i] = process(found[i])
        return self.row(*found)

    def _processors(self, codes: list[int]) -> list[tuple[int, Callable]]:
        found = []
        for i, (type_, code) in enumerate(zip(self.types, codes, strict=True)):
            process = type_.dialect_impl(self.dialect).result_processor(self.dialect, code)
            if process is not None:
                found.append((i, process))
        return found
