"""core.driver: a hot statement run on psycopg's own cursor is prepared on the server at its
first run on a connection (until then PostgreSQL parses and plans it on every run), except
on a connection that prepares nothing (behind PgBouncer)."""
import pytest
from sqlalchemy import Integer, bindparam

from eigendossier.core.driver import DriverStatement
from eigendossier.core.extensions import db

pytestmark = pytest.mark.postgres


def prepared(conn) -> list[str]:
    return list(conn.exec_driver_sql(
        "SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%%next_number%%'"
        " AND statement NOT LIKE '%%pg_prepared_statements%%'").scalars())


def statement(dialect) -> DriverStatement:
    return DriverStatement(
        db.select((bindparam("number", type_=Integer) + 1).label("next_number")), dialect)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_prepared_at_its_first_run_on_a_connection(app, database_url):
    with app.app_context(), db.engine.connect() as conn:
        assert statement(conn.dialect).first(conn, {"number": 41}).next_number == 42
        assert len(prepared(conn)) == 1


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_nothing_prepared_on_a_connection_that_prepares_nothing(app, database_url):
    with app.app_context(), db.engine.connect() as conn:
        conn.connection.driver_connection.prepare_threshold = None
        for number in range(10):
            assert statement(conn.dialect).first(conn, {"number": number}).next_number == number + 1
        assert prepared(conn) == []
        conn.invalidate()  # not back to the pool with its setting changed
