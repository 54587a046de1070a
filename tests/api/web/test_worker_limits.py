"""Rate limits hold across gunicorn worker processes: real gunicorn, config/gunicorn.conf.py.

Without Redis the limits are counted in each worker's memory: with 2 workers, 15 of 40 wrong
sign-ins got through a limit of 10. Now more than one worker without REDIS_URL refuses to
start and says why; with Redis, 2 workers let through at most the limit.

On SQLite only: what is asserted is gunicorn's start and a limit counted in Redis; the
database serves one read per request and adds nothing (each run starts 3 gunicorns)."""
import subprocess
import uuid

import pytest
import requests

from tests.api.web.test_rate_limits import WRONG, forget_limits
from tests.conftest import service_url
from tests.support_servers import Node, gunicorn_args, node_environment, run

pytestmark = [pytest.mark.heavy]


def environment(tmp_path, database_url, **settings) -> dict:
    """One machine (its keys may stay in its instance folder, on PostgreSQL too)."""
    return node_environment(tmp_path / "instance", DATABASE_URL=database_url,
                            SINGLE_NODE="true", **settings)


def test_two_workers_without_redis_refuse_to_start(database_url, tmp_path):
    environ = environment(tmp_path, database_url)
    done = run(gunicorn_args(port=0, workers=2), environ, timeout=30)
    assert done.returncode == 1, done.stdout + done.stderr
    message = done.stderr
    assert "2 worker processes without REDIS_URL: rate limits" in message
    assert "EIGENDOSSIER_REDIS_URL" in message
    assert "--workers 1" in message
    assert "Booting worker" not in done.stdout + done.stderr, "no worker was started"


def test_one_worker_without_redis_is_the_embedded_default(database_url, tmp_path):
    """No --workers and no setting: one worker (with threads) serves, nothing refused."""
    node = Node(environment(tmp_path, database_url), workers=None)
    try:
        assert requests.get(node.url + "/api/v1/meta", timeout=10).status_code == 200
        assert len(worker_pids(node.process.pid)) == 1
    finally:
        node.stop()


@pytest.mark.redis
def test_with_redis_two_workers_hold_one_limit(database_url, tmp_path):
    redis_url = service_url("EIGENDOSSIER_TEST_REDIS_URL", "Redis")
    forget_limits(redis_url)
    environ = environment(tmp_path, database_url, REDIS_URL=redis_url,
                          RATELIMIT_SIGN_IN="10 per minute",
                          RATELIMIT_KEY_PREFIX=uuid.uuid4().hex)
    node = Node(environ, workers=2)
    try:
        assert len(worker_pids(node.process.pid)) == 2
        browser = node.client()
        browser.get("/api/v1/meta")
        statuses = []
        for _ in range(40):
            # A new connection each time, so both workers take their turns.
            browser.close()
            statuses.append(browser.post("/api/v1/session", json=WRONG).status_code)
    finally:
        node.stop()
        forget_limits(redis_url)
    assert statuses.count(401) == 10, statuses
    assert statuses.count(429) == 30, statuses


def worker_pids(master: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]
