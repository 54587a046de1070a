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
