"""The hostile-input corpus (tests/fixtures/hostile/, described in its manifest.json): every
file is refused with the problem document the manifest names, within a time and memory
bound, nothing is stored, and no outbound connection is opened.

The app runs with the production rule for outbound fetches (no private or loopback
addresses) but with plain HTTP allowed, so that the address check, not the https-only rule,
is what refuses the SSRF URLs. 127.0.0.2 is allowed as a network for the redirect case: a
test server there redirects to loopback."""
import io
import json
import shutil
import socket
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from eigendossier.catalog.service import import_catalog
from eigendossier.core.extensions import db
from tests.api.conftest import CATALOG
from tests.conftest import empty_database, make_app
from tests.support import PASSWORD, assert_problem, serve_in_thread, sign_up

CORPUS = Path(__file__).parents[1] / "fixtures" / "hostile"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text())
CASES = MANIFEST["cases"]
# The server's own work per refusal, measured as this thread's CPU time: wall time on a
# shared machine says more about the neighbours than about us. The wall-time cap only
# catches a request that waits (on a socket, say) far longer than any refusal should.
MAX_CPU_SECONDS = 5.0
MAX_WALL_SECONDS = 30.0
MAX_MEMORY = 200 * 1024 * 1024
MAX_FILE = 200 * 1024
REDIRECT_HOST = "127.0.0.2"


SETTINGS = {
    "OUTBOUND_ALLOW_HTTP": True,
    "OUTBOUND_ALLOW_PRIVATE": False,
    "OUTBOUND_ALLOW_NETWORKS": [f"{REDIRECT_HOST}/32"],
    "RATELIMIT_ENABLED": False,
}


@pytest.fixture(scope="module")
def hostile(request, tmp_path_factory):
    """One app per database for the whole corpus, with a learner, staff of tcr and an
    anonymous visitor. Sharing it is sound because every case must leave it unchanged (the
    row counts are compared), and it keeps the corpus fast."""
    tmp = tmp_path_factory.mktemp("hostile")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp}/test.db"
        shutil.copyfile(request.getfixturevalue("sqlite_schema"), tmp / "test.db")
    else:
        url = request.getfixturevalue("postgres_url")
    app = make_app(url, tmp, **SETTINGS)
    with app.app_context():
        import_catalog(CATALOG)
    result = app.test_cli_runner().invoke(args=[
        "accounts", "create-staff", "--email", "docent@tcr.nl", "--name", "Pieter",
        "--institution", "tcr", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    staff = app.test_client()
    staff.post("/api/v1/session", json={"email": "docent@tcr.nl", "password": PASSWORD})
    learner = app.test_client()
    sign_up(learner)
    clients = {"learner": learner, "staff": staff, "anonymous": app.test_client()}
    warm_up(clients)
    yield app, clients
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if request.param == "postgresql":
        empty_database(url)


class Recorder(BaseHTTPRequestHandler):
    """Counts requests; answers with the redirect it was given, or 200."""

    location: str | None = None
    hits: list

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.hits.append(self.path)
        self.send_response(302 if self.location else 200)
        if self.location:
            self.send_header("Location", self.location)
        self.send_header("Content-Length", "0")
        self.end_headers()


def _serve(host: str, location: str | None = None):
    handler = type("Handler", (Recorder,), {"location": location, "hits": []})
    server = ThreadingHTTPServer((host, 0), handler)
    server.daemon_threads = True
    serve_in_thread(server, "hostile-host")
    return server, handler.hits


@pytest.fixture(scope="module")
def redirector():
    """A host the policy allows (127.0.0.2) that redirects to a secret on 127.0.0.1."""
    secret, secret_hits = _serve("127.0.0.1")
    hop, hop_hits = _serve(REDIRECT_HOST, f"http://127.0.0.1:{secret.server_port}/secret")
    yield {"url": f"http://{REDIRECT_HOST}:{hop.server_port}/assertion.json",
           "hops": hop_hits, "secret": secret_hits}
    for server in (hop, secret):
        server.shutdown()
        server.server_close()


@pytest.fixture
def connections(monkeypatch):
    """Refuse (and record) every outbound connection but to the redirect test server, so a
    failing guard shows up as a test failure, never as traffic to a private address."""
    attempts = []
    real_connect = socket.socket.connect

    def connect(sock, address):
        if address[0] == REDIRECT_HOST:
            return real_connect(sock, address)
        attempts.append(address)
        raise ConnectionRefusedError(f"test: no connection to {address}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempts


def warm_up(clients) -> None:
    """Send the first case of each kind once, unmeasured. The first request of a kind imports
    modules and fills caches, which under tracemalloc takes seconds that are not the input's
    (and which case meets them first depends on what else the test process ran before)."""
    def refuse(sock, address):
        raise ConnectionRefusedError(f"test: no connection to {address}")

    kinds = set()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        for case in CASES:
            kind = (case["endpoint"], case["how"], case.get("who", "learner"))
            data = content_of(case)
            if kind not in kinds and b"{redirect}" not in data:
                kinds.add(kind)
                send(clients[kind[2]], case, data, None)


def content_of(case: dict) -> bytes:
    raw = (CORPUS / case["file"]).read_bytes()
    if case.get("recipe"):
        recipe = json.loads(raw)
        return (recipe["prefix"] + recipe["repeat"] * recipe["times"] + recipe["suffix"]).encode()
    return raw


def send(client, case: dict, data: bytes, redirect_url: str | None):
    method, path = case["endpoint"].split(" ", 1)
    how = case["how"]
    if how in ("upload", "multipart-field"):
        # Encoded here, in memory: the test client would spool a large body to a temporary
        # file that nobody closes when the app refuses it unread.
        name = case["file"].removesuffix(".recipe.json")
        fields = ({"file": FileStorage(io.BytesIO(data), name)} if how == "upload"
                  else {"note": data.decode()})
        boundary, body = encode_multipart(fields)
        return client.open(path, method=method, data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    if how == "text":
        return client.open(path, method=method, json={"text": data.decode()})
    if how == "url":
        url = data.decode().strip().replace("{redirect}", redirect_url or "")
        return client.open(path, method=method, json={"url": url})
    assert how == "body", how
    return client.open(path, method=method, data=data, content_type=case["content_type"])


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        return {table.name: db.session.scalar(select(func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


def _case_id(case: dict) -> str:
    return f"{case['file']}->{case['endpoint'].split(' ', 1)[1].rsplit('/', 1)[-1]}"


def _on_postgresql(cases: list[dict]) -> list[dict]:
    """The first case of each endpoint: refusing an input is the same work on either database
    (it happens before any statement), so PostgreSQL sees one refusal per endpoint with its
    row counts compared, not the whole corpus again."""
    firsts: dict[str, dict] = {}
    for case in cases:
        firsts.setdefault(case["endpoint"], case)
    return list(firsts.values())


@pytest.mark.parametrize(("hostile", "case"), [
    *(pytest.param("sqlite", case, id=f"sqlite-{_case_id(case)}") for case in CASES),
    *(pytest.param("postgresql", case, id=f"postgresql-{_case_id(case)}",
                   marks=pytest.mark.postgres) for case in _on_postgresql(CASES)),
], indirect=["hostile"], scope="module")
def test_hostile_input_is_refused(request, hostile, connections, case):
    app, clients = hostile
    client = clients[case.get("who", "learner")]
    data = content_of(case)
    redirect = None
    if b"{redirect}" in data:
        redirect = request.getfixturevalue("redirector")
    before = row_counts(app)

    tracemalloc.start()
    started, cpu_started = time.monotonic(), time.thread_time()
    try:
        response = send(client, case, data, redirect and redirect["url"])
        elapsed, cpu = time.monotonic() - started, time.thread_time() - cpu_started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert_problem(response, case["status"], case["type"])
    assert cpu < MAX_CPU_SECONDS, f"{case['file']} took {cpu:.1f} s of CPU"
    assert elapsed < MAX_WALL_SECONDS, f"{case['file']} took {elapsed:.1f} s"
    assert peak < MAX_MEMORY, f"{case['file']} allocated {peak / 2**20:.0f} MB"
    assert row_counts(app) == before, "a refused input stored something"
    assert connections == [], f"an outbound connection was attempted: {connections}"
    if redirect:
        assert len(redirect["hops"]) >= 1, "the allowed first hop was fetched"
        assert redirect["secret"] == [], "the redirect to loopback was followed"


def test_the_corpus_is_complete_and_small():
    files = {p.name for p in CORPUS.iterdir()} - {"README.md", "manifest.json",
                                                  "make_corpus.py"}
    described = {c["file"] for c in CASES}
    assert files == described, "every corpus file has a manifest entry and vice versa"
    assert len(files) >= 30
    for name in files:
        assert (CORPUS / name).stat().st_size < MAX_FILE, f"{name} is over 200 KB"
    for case in CASES:
        assert 400 <= case["status"] < 500, case
        assert case["type"], case
