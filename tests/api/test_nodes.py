"""Two machines, one PostgreSQL and one Redis, each with an instance folder of its own (as
README's "Running at scale" describes): real gunicorn processes.

Without configured keys each machine generated its own encryption key under the same key id,
so a credential imported through one answered 500 on the other. Now a shared database without
the keys refuses to start and says what to set; `flask keys init` prints it; with those keys
what one machine stores, the other reads."""
import json
import re
import shlex

import pytest

from tests.conftest import service_url
from tests.credentials_support import signed_di
from tests.support import PASSWORD
from tests.support_servers import BIN, Node, node_environment, run

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.heavy]

EMAIL = "sanne@example.nl"
SHARED_KEYS = ("SECRET_KEY", "VOUCHER_PEPPER", "ENCRYPTION_KEYS", "VAPID_PRIVATE_KEY")


@pytest.fixture
def shared(postgres_database):
    """What every machine is given: the shared database and Redis."""
    return {"DATABASE_URL": postgres_database,
            "REDIS_URL": service_url("EIGENDOSSIER_TEST_REDIS_URL", "Redis")}


def keys_init(environ: dict) -> dict:
    """Run `flask keys init` and read the settings it prints (`export NAME=value` lines)."""
    done = run([str(BIN / "flask"), "--app", "eigendossier", "keys", "init"], environ)
    assert done.returncode == 0, done.stderr
    printed = {}
    for line in done.stdout.splitlines():
        if found := re.fullmatch(r"export EIGENDOSSIER_(\w+)=(.*)", line):
            printed[found[1]] = shlex.split(found[2])[0]
    return printed


def test_a_shared_database_without_keys_refuses_to_start(shared, tmp_path):
    environ = node_environment(tmp_path / "node-a", **shared)
    for command in (["gunicorn"], ["flask", "run"]):
        args = ([str(BIN / "gunicorn"), "-c", "config/gunicorn.conf.py", "--bind",
                 "127.0.0.1:0", "--no-control-socket"] if command == ["gunicorn"] else
                [str(BIN / "flask"), "--app", "eigendossier", "run", "--port", "0"])
        done = run(args, environ, timeout=30)
        assert done.returncode != 0, done.stdout
        message = done.stderr
        for name in SHARED_KEYS:
            assert f"EIGENDOSSIER_{name}" in message, message
        assert "flask --app eigendossier keys init" in message
        assert "EIGENDOSSIER_SINGLE_NODE=true" in message
    assert not (tmp_path / "node-a" / "encryption_keys.json").exists(), \
        "no key was generated before refusing"


def test_with_the_printed_keys_what_one_machine_stores_the_other_reads(shared, tmp_path):
    keys = keys_init(node_environment(tmp_path / "node-a", **shared))
    assert set(keys) == {*SHARED_KEYS, "ENCRYPTION_KEY_ID"}
    nodes = []
    try:
        # Both start at once (each loads the app; neither needs the other to do so).
        for name in ("node-a", "node-b"):
            nodes.append(Node(node_environment(tmp_path / name, **shared, **keys), wait=False))
        for node in nodes:
            node.wait_until_serving()
        on_a, on_b = (node.client() for node in nodes)
        assert on_a.post("/api/v1/accounts", json={
            "email": EMAIL, "password": PASSWORD, "display_name": "Sanne",
            "locale": "nl"}).status_code == 202
        assert on_a.post("/api/v1/session",
                         json={"email": EMAIL, "password": PASSWORD}).status_code == 200
        original = json.dumps(signed_di(EMAIL, name="Veilig werken op hoogte"))
        imported = on_a.post("/api/v1/dossier/credentials", json={"text": original})
        assert imported.status_code == 201, imported.text
        credential = imported.json()["id"]
        shared_link = on_a.post("/api/v1/shares", json={
            "credential_ids": [credential], "label": "Sollicitatie"})
        assert shared_link.status_code == 201, shared_link.text

        carried = nodes[1].client()  # A's session cookie, sent to B
        carried.cookies.update(on_a.cookies)
        assert carried.get("/api/v1/me").json()["email"] == EMAIL
        assert on_b.post("/api/v1/session",
                         json={"email": EMAIL, "password": PASSWORD}).status_code == 200
        read = on_b.get(f"/api/v1/dossier/credentials/{credential}")
        assert read.status_code == 200, read.text
        assert read.json()["summary"]["achievement"]["name"] == "Veilig werken op hoogte"
        assert on_b.get(f"/api/v1/dossier/credentials/{credential}/original").text == original
        page = nodes[1].client().get("/s/" + shared_link.json()["url"].rsplit("/s/", 1)[1],
                                     headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert "Veilig werken op hoogte" in page.text
    finally:
        for node in nodes:
            node.stop()
    for name in ("node-a", "node-b"):
        assert not (tmp_path / name / "encryption_keys.json").exists(), \
            "the keys came from the configuration, not the instance folder"

