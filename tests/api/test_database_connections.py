"""A pooled PostgreSQL connection that the server has closed is not handed to a request: the
pool opens another. core/extensions.py finds it by looking at the socket, instead of
SQLAlchemy's pool_pre_ping (a SELECT 1 before every request's first statement)."""
import time

import psycopg
import pytest

from eigendossier.core.extensions import db

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_connection_the_server_closed_is_replaced_unseen(app, client, learner,
                                                          database_url):
    assert client.get("/api/v1/vouchers").status_code == 200
    with app.app_context():
        pooled = db.engine.raw_connection()  # the one connection the request left in the pool
        backend = pooled.driver_connection.info.backend_pid
        pooled.close()
    dsn = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (backend,)).fetchone()[0]
        deadline = time.monotonic() + 10
        while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s",
                            (backend,)).fetchone():
            assert time.monotonic() < deadline, "the backend did not end"
            time.sleep(0.01)
    assert client.get("/api/v1/vouchers").status_code == 200
    with app.app_context():
        pooled = db.engine.raw_connection()
        assert pooled.driver_connection.info.backend_pid != backend
        pooled.close()


def prepared_statements(app) -> int:
    """How many statements psycopg prepared on the pooled connection, as PostgreSQL sees it."""
    with app.app_context():
        pooled = db.engine.raw_connection()
        try:
            cursor = pooled.cursor()
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return cursor.fetchone()[0]
        finally:
            pooled.close()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_requests_that_only_read_keep_the_prepared_statements(app, client, learner,
                                                             database_url):
    """psycopg prepares a statement run five times, and forgets them all at a ROLLBACK:
    ending a read with one would make every request plan its statements again."""
    for _ in range(8):
        assert client.get("/api/v1/vouchers").status_code == 200
    assert prepared_statements(app) >= 1


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_transaction_that_wrote_without_commit_is_still_rolled_back(app, database_url):
    from eigendossier.catalog.models import Institution

    with app.app_context():
        db.session.add(Institution(slug="uncommitted", name="Never committed"))
        db.session.flush()
    with app.app_context():
        assert db.session.scalar(db.select(Institution).filter_by(slug="uncommitted")) is None
