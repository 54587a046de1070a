"""Sign-in and sign-up are rate limited per client address: 429 problem with Retry-After."""
import pytest
import redis

from tests.conftest import service_url
from tests.support import assert_problem

WRONG = {"email": "nobody@example.nl", "password": "not the password"}


def attempts_until_limited(client, n=4):
    return [client.post("/api/v1/session", json=WRONG).status_code for _ in range(n)]


@pytest.fixture
def app_settings():
    return {"RATELIMIT_SIGN_IN": "3 per minute"}


def test_sign_in_is_limited_in_memory(client):
    assert attempts_until_limited(client) == [401, 401, 401, 429]
    response = client.post("/api/v1/session", json=WRONG)
    body = assert_problem(response, 429, "too-many-requests")
    assert body["title"] == "Te veel pogingen"
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_other_addresses_are_not_limited(app, client):
    attempts_until_limited(client)
    other = app.test_client()
    response = other.post("/api/v1/session", json=WRONG,
                          environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert response.status_code == 401


@pytest.mark.redis
def test_limits_hold_across_processes_with_redis(database_url, tmp_path):
    """Two app instances (as two gunicorn workers) share one limit through Redis."""
    from eigendossier.core.extensions import db
    from tests.conftest import make_app

    url = service_url("EIGENDOSSIER_TEST_REDIS_URL", "Redis")
    # Only the rate limits' keys go: other test processes may have RQ queues in this database.
    forget_limits(url)
    settings = {"REDIS_URL": url, "RATELIMIT_SIGN_IN": "3 per minute"}
    first = make_app(database_url, tmp_path, **settings)
    statuses = [first.test_client().post("/api/v1/session", json=WRONG).status_code
                for _ in range(2)]
    second = make_app(database_url, tmp_path, **settings)
    client = second.test_client()
    statuses += [client.post("/api/v1/session", json=WRONG).status_code for _ in range(2)]
    assert statuses == [401, 401, 401, 429]
    for made in (first, second):
        with made.app_context():
            db.engine.dispose()
    assert forget_limits(url), "the limits were kept in Redis"


def forget_limits(url) -> int:
    with redis.Redis.from_url(url) as server:
        keys = server.keys("LIMITS:*")
        return server.delete(*keys) if keys else 0
