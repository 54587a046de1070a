"""Bounded load test (issue 12): 50 concurrent clients for 2 minutes against real gunicorn
(2 workers with threads, the project's config/gunicorn.conf.py) on PostgreSQL + Redis,
mixing sign-in, credential import, export-zip import, employer share-page views and voucher
claims and redemptions, with a `kill -9` of one worker half-way (gunicorn's master starts a
new one).

A tenth of the writes is sent from two devices at once (a double tap, a second tab:
--double-submit): one of the pair may be refused as a duplicate (409), neither may fail.

It reports, per endpoint: answers by class, 5xx outside the kill window (must be 0),
requests without an answer inside and outside the window, p50/p95 latency and the p95 over
the p95 of GET /api/v1/meta (the trivial endpoint, same clients, same run). After the run
every write that was acknowledged with a 2xx is read back through the API (sessions,
credentials, imported archives, claimed and redeemed vouchers, share views): a missing one is
a lost write (must be 0); a redemption whose answer was lost is sent again with its
Idempotency-Key and must end as one enrolment, or as the refusal it would have had with its
voucher still unredeemed; an experience item in a dossier twice is a
write that landed twice (must be 0). Exit status 1 when a 5xx came outside the kill window,
a request went unanswered outside it, or a write was lost or landed twice.

    .venv/bin/python bench/bench_load.py              # 2 minutes, 50 clients
    .venv/bin/python bench/bench_load.py --seconds 30 # a smoke run

The kill window runs from the kill until the replacement worker has loaded the app (gunicorn's
post_worker_init, see bench/load_gunicorn.conf.py) plus one second. Rate limits are raised
for the bench (the clients share one address; being refused is not what is measured);
passwords are hashed at the production cost. Each client is a thread with its own keep-alive
connection and no think time (a closed loop): latencies include the queue at the server.

Needs PostgreSQL (EIGENDOSSIER_BENCH_DATABASE_URL, else EIGENDOSSIER_TEST_DATABASE_URL, else
postgresql+psycopg://postgres@127.0.0.1:5432/test; it creates and drops a database
ed_bench_<random>) and Redis (EIGENDOSSIER_BENCH_REDIS_URL, else EIGENDOSSIER_TEST_REDIS_URL,
else redis://127.0.0.1:6379/0)."""

import argparse
import base64
import functools
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_framework import free_port, process_stats, stop  # noqa: E402
from goals import goal  # noqa: E402
from services import one_block_catalogue, throwaway_database  # noqa: E402

from tests.credentials_support import signed_jwt  # noqa: E402

BIN = Path(sys.executable).parent
CLIENTS = 50
WORKERS = 2
THREADS = 4
VOUCHERS_PER_CLIENT = 12
CREDENTIALS_SHARED = 3
ZIP_ROUNDS = 2
SEED_THREADS = 3
DOUBLE_SUBMIT = 0.1
PASSWORD = "bench correct horse battery"  # noqa: S105 - the made-up learners of this benchmark
KILL_GRACE = 1.0
REQUEST_TIMEOUT = 120
IDLE_RECONNECT = 1.0
UNLIMITED = "1000000 per minute"
CSRF = "bench-csrf-token"  # signed out; signed in, the session's own (csrf_for)
SEEDING_APP: list = []  # the app seed() made, with the servers' SECRET_KEY
REDIS = (
    os.environ.get("EIGENDOSSIER_BENCH_REDIS_URL")
    or os.environ.get("EIGENDOSSIER_TEST_REDIS_URL")
    or "redis://127.0.0.1:6379/0"
)

FLOOR = "GET /api/v1/meta (floor)"
SIGN_IN = "POST /api/v1/session"
IMPORT = "POST /api/v1/dossier/credentials"
ZIP_IMPORT = "POST /api/v1/privacy/import"
SHARE_VIEW = "GET /s/<token>"
CLAIM = "POST /api/v1/vouchers/claim"
REDEEM = "POST /api/v1/vouchers/<id>/redeem"
VOUCHERS = "GET /api/v1/vouchers"
ENDPOINTS = [FLOOR, SIGN_IN, IMPORT, ZIP_IMPORT, SHARE_VIEW, CLAIM, REDEEM, VOUCHERS]
ENDPOINTS += [f"{endpoint} (double submit)" for endpoint in (IMPORT, ZIP_IMPORT, CLAIM, REDEEM)]
# What a client does next, by weight (a voucher takes a claim, then a redemption).
MIX = {"floor": 10, "sign_in": 10, "import_credential": 20, "zip_import": 8,
       "share_view": 32, "voucher": 20}


# -- the server ------------------------------------------------------------------------------

def settings_file(folder: Path, database_url: str, port: int, reverify: bool = False) -> Path:
    """One configuration for the CLI, the seeding app and gunicorn: every key set (a shared
    database needs the same keys everywhere), rate limits out of the way."""
    vapid = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    limits = ["SIGN_IN", "SIGN_UP", "DOSSIER_IMPORT", "PRIVACY", "SHARE_VIEW", "SHARE_FILES",
              "VOUCHER_CLAIM_ACCOUNT", "VOUCHER_CLAIM_ADDRESS", "PASSWORD_CHANGE"]
    lines = [
        f'DATABASE_URL = "{database_url}"',
        f'REDIS_URL = "{REDIS}"',
        f'INSTANCE_PATH = "{folder}"',
        f'SECRET_KEY = "{os.urandom(24).hex()}"',
        f'VOUCHER_PEPPER = "{os.urandom(24).hex()}"',
        'VAPID_PRIVATE_KEY = "'
        + base64.urlsafe_b64encode(vapid.to_bytes(32, "big")).rstrip(b"=").decode() + '"',
        f'PUBLIC_BASE_URL = "http://127.0.0.1:{port}"',
        "DEMO_DATA = false",
        "NOTIFICATIONS_INPROCESS_TICK = false",
        f"SHARE_REVERIFY_AFTER_SECONDS = {0 if reverify else 3600}",
        'ENCRYPTION_KEY_ID = "bench"',
        *(f'RATELIMIT_{name} = "{UNLIMITED}"' for name in limits),
        "[ENCRYPTION_KEYS]",
        f'bench = "{base64.b64encode(os.urandom(32)).decode()}"',
    ]
    path = folder / "bench.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def flask(env: dict, *args: str) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "eigendossier", *args], env=env, cwd=ROOT,
                   check=True, capture_output=True)


def start_gunicorn(env: dict, port: int, ready_file: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(HERE / "load_gunicorn.conf.py"),
         "--log-level", "warning"],
        env={**env, "EIGENDOSSIER_BIND": f"127.0.0.1:{port}",
             "EIGENDOSSIER_WORKERS": str(WORKERS), "EIGENDOSSIER_THREADS": str(THREADS),
             "BENCH_WORKERS_READY_FILE": str(ready_file)},
        cwd=ROOT,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        if len(ready_workers(ready_file)) >= WORKERS:
            return process
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        time.sleep(0.2)
    stop(process)
    raise RuntimeError("gunicorn's workers did not start")


def ready_workers(ready_file: Path) -> dict[int, float]:
    if not ready_file.exists():
        return {}
    ready = {}
    for line in ready_file.read_text().splitlines():
        pid, at = line.split()
        ready[int(pid)] = float(at)
    return ready


def workers_of(master: int) -> list[int]:
    return [pid for pid, fields in process_stats().items() if int(fields[1]) == master]


@dataclass
class KillWindow:
    killed_pid: int = 0
    start: float = 0.0
    end: float = 0.0

    def covers(self, started: float, ended: float) -> bool:
        return self.start > 0 and started <= self.end and ended >= self.start


def kill_one_worker(master: int, ready_file: Path, at: float, window: KillWindow) -> None:
    """At time `at`, kill -9 one worker; the window ends when its replacement is ready."""
    time.sleep(max(0.0, at - time.time()))
    victim = sorted(workers_of(master))[0]
    window.killed_pid, window.start = victim, time.time()
    os.kill(victim, signal.SIGKILL)
    window.end = window.start + 600  # until the replacement is seen
    while True:
        fresh = [t for pid, t in ready_workers(ready_file).items()
                 if t > window.start and pid != victim]
        if fresh:
            window.end = min(fresh) + KILL_GRACE
            return
        time.sleep(0.05)


# -- HTTP ------------------------------------------------------------------------------------

@dataclass
class Answer:
    endpoint: str
    started: float  # wall clock (time.time), to compare with the kill window
    seconds: float
    status: int | None  # None: no answer
    error: str = ""
    client: int = -1


class Http:
    """One client's keep-alive connection; reconnects after a failure, as a browser does."""

    def __init__(self, port: int):
        self.port = port
        self.conn = None
        self.last_used = 0.0

    def send(self, method: str, path: str, *, cookies=None, body: bytes | None = None,
             headers=None) -> tuple[int | None, bytes, list[str], str, float, float]:
        session = (cookies or {}).get("ed_session")
        token = csrf_for(session) if session else CSRF
        jar = {"csrf_token": token, **(cookies or {})}
        header = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
                  "X-CSRF-Token": token, "Accept-Language": "nl", **(headers or {})}
        started, clock = time.time(), time.perf_counter()
        if self.conn is not None and time.monotonic() - self.last_used > IDLE_RECONNECT:
            # gunicorn closes a keep-alive connection idle for 2 s; a browser would not send
            # on it either (it would retry), so an idle one is not reused.
            self.conn.close()
            self.conn = None
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                       timeout=REQUEST_TIMEOUT)
            self.conn.request(method, path, body=body, headers=header)
            response = self.conn.getresponse()
            data = response.read()
            self.last_used = time.monotonic()
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            return (response.status, data, response.headers.get_all("Set-Cookie") or [], "",
                    started, time.perf_counter() - clock)
        except (OSError, http.client.HTTPException) as error:
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            kind = "timeout" if isinstance(error, TimeoutError | socket.timeout) else "connection"
            return None, b"", [], kind, started, time.perf_counter() - clock


@functools.cache
def csrf_for(session: str) -> str:
    """The CSRF token that goes with a session (the server derives it from the session
    cookie and sets it as a cookie, which the PWA reads and echoes)."""
    from eigendossier.accounts.cookies import csrf_token_of

    with SEEDING_APP[0].app_context():
        return csrf_token_of(session)


def session_cookie(set_cookies: list[str]) -> str | None:
    for line in set_cookies:
        jar = SimpleCookie()
        jar.load(line)
        if "ed_session" in jar and jar["ed_session"].value:
            return jar["ed_session"].value
    return None


def multipart(filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{filename}\"\r\nContent-Type: application/zip\r\n\r\n").encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


# -- seeding ---------------------------------------------------------------------------------

@dataclass
class Learner:
    number: int
    email: str
    session: str
    codes: list[str]  # voucher codes issued to this learner's address, not yet claimed
    share_path: str
    zips: list[tuple[bytes, list[str], list[str]]]  # (archive, credential titles, roles)
    runs: list[int]
    # filled in by the load: what the server acknowledged
    claimed: list[tuple[int, int]] = field(default_factory=list)  # (voucher id, run id)
    sessions: list[str] = field(default_factory=list)
    imported: list[int] = field(default_factory=list)
    zip_imported: list[int] = field(default_factory=list)  # indexes into zips
    redeemed: dict[int, int] = field(default_factory=dict)  # voucher id -> run id
    unanswered_redemptions: list[tuple[int, int, str]] = field(default_factory=list)


def seed(env: dict, clients: int) -> tuple[list[Learner], dict]:
    """Catalogue and staff by the CLI; learners, vouchers, shares and export archives by the
    API, through the app in this process (the same settings file as the server)."""
    catalog = Path(env["EIGENDOSSIER_INSTANCE_PATH"]) / "catalog.yaml"
    catalog.write_text(one_block_catalogue("load", "Load College", "LOAD", "25180",
                                           VOUCHERS_PER_CLIENT, start_in_days=60))
    flask(env, "catalog", "import", str(catalog))
    flask({**env, "EIGENDOSSIER_STAFF_PASSWORD": PASSWORD}, "accounts", "create-staff",
          "--email", "staff@load.example", "--name", "Staff", "--institution", "load")
    os.environ.update(env)
    from eigendossier import create_app
    from eigendossier.core.extensions import db
    from tests.support import ApiClient, mark_verified

    # Jobs (the sign-up mails) in this process: nothing is left queued in Redis. This
    # process alone counts its (seeding) requests, so it may run as the one node.
    app = create_app({"REDIS_URL": "", "SINGLE_NODE": True})
    app.test_client_class = ApiClient
    SEEDING_APP.append(app)
    donors = create_app({"REDIS_URL": "", "SINGLE_NODE": True, "PASSWORD_HASH_TIME_COST": 1,
                         "PASSWORD_HASH_MEMORY_KIB": 8, "PASSWORD_HASH_PARALLELISM": 1})
    donors.test_client_class = ApiClient
    timings = {}
    started = time.perf_counter()
    staff = app.test_client()
    assert staff.post("/api/v1/session", json={"email": "staff@load.example",
                                                "password": PASSWORD}).status_code == 200
    emails = [f"learner{i}@load.example" for i in range(clients)]
    csv = ["name,email,graduation_date,qualification"] + [
        f"Graduate {i},{email},{date.today() - timedelta(days=30)},25180"
        for i, email in enumerate(emails) for _ in range(VOUCHERS_PER_CLIENT)
    ]
    batch = staff.post("/api/v1/vouchers/batches", data="\n".join(csv),
                       headers={"Content-Type": "text/csv"})
    assert batch.status_code == 201, batch.get_json()
    codes: dict[str, list[str]] = {}
    for voucher in batch.get_json()["vouchers"]:
        codes.setdefault(voucher["email"], []).append(voucher["code"])
    timings["vouchers"] = time.perf_counter() - started
    def learner(i: int) -> tuple[Learner, object]:
        email = emails[i]
        client = app.test_client()
        made = client.post("/api/v1/accounts", json={
            "email": email, "password": PASSWORD, "display_name": f"Learner {i}",
            "locale": "nl"})
        assert made.status_code == 202, made.get_json()
        mark_verified(app, email)
        assert client.post("/api/v1/session",
                           json={"email": email, "password": PASSWORD}).status_code == 200
        ids = []
        for k in range(CREDENTIALS_SHARED):
            answer = client.post("/api/v1/dossier/credentials", json={
                "text": signed_jwt(email, name=f"Gedeeld {i}-{k}")})
            assert answer.status_code == 201, answer.get_json()
            ids.append(answer.get_json()["id"])
        share = client.post("/api/v1/shares", json={"credential_ids": ids,
                                                     "label": "Sollicitatie"})
        assert share.status_code == 201, share.get_json()
        return Learner(
            number=i, email=email, session=client.get_cookie("ed_session").value,
            codes=codes[email], share_path=urlsplit(share.get_json()["url"]).path,
            zips=donor_archives(donors, i, email, signed_jwt), runs=[]), client

    # The first learner claims a voucher to read the runs it buys (one per voucher).
    first, client = learner(0)
    claimed = client.post("/api/v1/vouchers/claim", json={"code": first.codes.pop(0)})
    assert claimed.status_code == 200, claimed.get_json()
    detail = client.get(f"/api/v1/vouchers/{claimed.get_json()['id']}").get_json()
    runs = [run["id"] for run in detail["eligible_runs"]]
    assert len(runs) == VOUCHERS_PER_CLIENT, runs
    first.claimed.append((claimed.get_json()["id"], runs[0]))
    # The rest side by side: the seeding app serves them as a threaded server would.
    with ThreadPoolExecutor(SEED_THREADS) as pool:
        learners = [first] + [made for made, _ in pool.map(learner, range(1, clients))]
    for each in learners:
        each.runs = list(runs)
    timings["learners"] = time.perf_counter() - started - timings["vouchers"]
    for made in (app, donors):
        with made.app_context():
            db.engine.dispose()
    return learners, timings


def donor_archives(app, i: int, email: str, signed_jwt) -> list[tuple[bytes, list, list]]:
    """Exports of another account: each round adds two credentials (issued to the learner's
    address) and two experience items, so each archive holds two new ones of each."""
    client = app.test_client()
    donor = f"donor{i}@load.example"
    assert client.post("/api/v1/accounts", json={
        "email": donor, "password": PASSWORD, "display_name": "Donor",
        "locale": "nl"}).status_code == 202
    assert client.post("/api/v1/session",
                       json={"email": donor, "password": PASSWORD}).status_code == 200
    archives, titles, roles = [], [], []
    for rnd in range(ZIP_ROUNDS):
        for k in range(2):
            title = f"Archief {i}-{rnd}-{k}"
            answer = client.post("/api/v1/dossier/credentials",
                                 json={"text": signed_jwt(email, name=title)})
            assert answer.status_code == 201, answer.get_json()
            titles.append(title)
            role = f"Monteur {i}-{rnd}-{k}"
            answer = client.post("/api/v1/dossier/experience", json={
                "role": role, "employer": "Installatiebedrijf", "start_date": "2020-01-01"})
            assert answer.status_code == 201, answer.get_json()
            roles.append(role)
        export = client.post("/api/v1/privacy/export", json={})
        assert export.status_code == 200, export.get_data()[:300]
        archives.append((export.get_data(), list(titles), list(roles)))
    return archives


# -- the load --------------------------------------------------------------------------------

class Client:
    """One learner who also, as an employer would, opens other learners' share pages. Now and
    then (DOUBLE_SUBMIT of the writes) the learner sends a write from two devices at once,
    as a double tap or a second tab does: one may be refused (409), neither may fail."""

    def __init__(self, learner: Learner, everyone: list[Learner], port: int, seed: int,
                 double_submit: float):
        self.learner = learner
        self.everyone = everyone
        self.devices = (Http(port), Http(port))
        self.random = random.Random(seed)  # noqa: S311 - a repeatable mix of requests, not a secret
        self.double_submit = double_submit
        self.answers: list[Answer] = []
        self.zip_round = 0
        self.views: dict[str, int] = {}  # share page path -> answered 200

    def call(self, endpoint, method, path, *, cookies=None, body=None, headers=None):
        return self.send(self.devices[0], endpoint, method, path, cookies, body, headers)

    def send(self, device, endpoint, method, path, cookies, body, headers):
        status, data, set_cookies, error, started, seconds = device.send(
            method, path, cookies=cookies, body=body, headers=headers)
        self.answers.append(Answer(endpoint, started, seconds, status, error,
                                   self.learner.number))
        return status, data, set_cookies

    def write(self, endpoint, path, body: bytes, headers: dict) -> list[tuple]:
        """A write, sent once, or (now and then) from both devices at the same moment."""
        args = ("POST", path, self.me(), body, headers)
        if self.random.random() >= self.double_submit:
            return [self.send(self.devices[0], endpoint, *args)]
        endpoint = f"{endpoint} (double submit)"
        results = [None, None]

        def second():
            results[1] = self.send(self.devices[1], endpoint, *args)

        thread = threading.Thread(target=second)
        thread.start()
        results[0] = self.send(self.devices[0], endpoint, *args)
        thread.join()
        return results

    def me(self) -> dict:
        return {"ed_session": self.learner.session}

    def run(self, barrier: threading.Barrier, deadline: float) -> None:
        actions, weights = zip(*MIX.items(), strict=True)
        barrier.wait()
        while time.time() < deadline:
            action = self.random.choices(actions, weights)[0]
            getattr(self, action)()
        for device in self.devices:
            if device.conn is not None:
                device.conn.close()

    def floor(self):
        self.call(FLOOR, "GET", "/api/v1/meta")

    def sign_in(self):
        body = json.dumps({"email": self.learner.email, "password": PASSWORD}).encode()
        status, _, set_cookies = self.call(SIGN_IN, "POST", "/api/v1/session", body=body,
                                           headers={"Content-Type": "application/json"})
        session = session_cookie(set_cookies)
        if status == 200 and session:
            self.learner.session = session
            self.learner.sessions.append(session)

    def import_credential(self):
        body = json.dumps({"text": signed_jwt(self.learner.email, name="Geïmporteerd")})
        for status, data, _ in self.write(IMPORT, "/api/v1/dossier/credentials", body.encode(),
                                          {"Content-Type": "application/json"}):
            if status == 201:
                self.learner.imported.append(json.loads(data)["id"])

    def zip_import(self):
        index = min(self.zip_round, len(self.learner.zips) - 1)
        body, content_type = multipart("eigendossier.zip", self.learner.zips[index][0])
        results = self.write(ZIP_IMPORT, "/api/v1/privacy/import", body,
                             {"Content-Type": content_type})
        if any(status == 200 for status, _, _ in results):
            self.learner.zip_imported.append(index)
            self.zip_round += 1

    def share_view(self):
        path = self.random.choice(self.everyone).share_path
        status, _, _ = self.call(SHARE_VIEW, "GET", path)
        if status == 200:
            self.views[path] = self.views.get(path, 0) + 1

    def voucher(self):
        learner = self.learner
        unredeemed = [c for c in learner.claimed if c[0] not in learner.redeemed]
        if unredeemed:
            self.redeem(*unredeemed[0])
        elif learner.codes:
            self.claim(learner.codes[0])
        else:
            self.call(VOUCHERS, "GET", "/api/v1/vouchers", cookies=self.me())

    def redeem(self, voucher_id: int, run_id: int):
        """Both devices send the same Idempotency-Key (the PWA makes one per tap)."""
        learner, key = self.learner, uuid.uuid4().hex
        statuses = [status for status, _, _ in self.write(
            REDEEM, f"/api/v1/vouchers/{voucher_id}/redeem",
            json.dumps({"run_id": run_id}).encode(),
            {"Content-Type": "application/json", "Idempotency-Key": key})]
        if 201 in statuses:
            learner.redeemed[voucher_id] = run_id
        elif None in statuses:
            learner.unanswered_redemptions.append((voucher_id, run_id, key))
            learner.redeemed[voucher_id] = -1  # unknown: settled after the run
        else:
            learner.redeemed[voucher_id] = -2  # refused: shown in the 4xx counts

    def claim(self, code: str):
        learner = self.learner
        results = self.write(CLAIM, "/api/v1/vouchers/claim", json.dumps({"code": code}).encode(),
                             {"Content-Type": "application/json"})
        learner.codes.pop(0)  # claimed, or unknown whether it was: not tried again
        run = learner.runs[VOUCHERS_PER_CLIENT - 1 - len(learner.codes)]
        ids = {json.loads(data)["id"] for status, data, _ in results if status == 200}
        learner.claimed.extend((voucher_id, run) for voucher_id in ids)


def run_load(learners: list[Learner], port: int, seconds: float, double_submit: float,
             master: int, ready_file: Path
             ) -> tuple[list[Answer], dict[str, int], KillWindow, float]:
    barrier = threading.Barrier(len(learners) + 1)
    clients = [Client(learner, learners, port, learner.number, double_submit)
               for learner in learners]
    window = KillWindow()
    started = time.time()
    deadline = started + seconds
    threads = [threading.Thread(target=c.run, args=(barrier, deadline)) for c in clients]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.time()
    killer = threading.Thread(target=kill_one_worker,
                              args=(master, ready_file, started + seconds / 2, window))
    killer.start()
    for thread in threads:
        thread.join()
    killer.join(timeout=120)
    elapsed = time.time() - started
    views: dict[str, int] = {}
    for c in clients:
        for path, n in c.views.items():
            views[path] = views.get(path, 0) + n
    return [a for c in clients for a in c.answers], views, window, elapsed


# -- after the run: every acknowledged write must be there -----------------------------------

# A redemption refused when sent again: its voucher must still be unredeemed (checked with
# the acknowledged ones in lost_writes).
REFUSED_WHEN_RETRIED = -3


def settle_unanswered(http: Http, learner: Learner) -> list[str]:
    """A redemption whose answer was lost (killed worker) is sent again with the same
    Idempotency-Key, as the PWA does: it must end as exactly one enrolment, or, when the
    first request never ran, as the refusal (409) it would have had then, with nothing
    written (the load makes such refusals: a learner already in another group of the
    block). A first request that did run is replayed as it was answered: 201."""
    problems = []
    for voucher_id, run_id, key in learner.unanswered_redemptions:
        status, data, *_ = http.send(
            "POST", f"/api/v1/vouchers/{voucher_id}/redeem",
            cookies={"ed_session": learner.session},
            body=json.dumps({"run_id": run_id}).encode(),
            headers={"Content-Type": "application/json", "Idempotency-Key": key})
        if status == 201:
            learner.redeemed[voucher_id] = run_id
        elif status == 409:
            learner.redeemed[voucher_id] = REFUSED_WHEN_RETRIED
        else:
            problems.append(f"{learner.email}: retried redemption of voucher {voucher_id} "
                            f"answered {status}: {data[:200]!r}")
    return problems


def lost_writes(port: int, learners: list[Learner], views: dict[str, int]
                ) -> tuple[list[str], list[str]]:
    """Acknowledged writes that cannot be read back, and writes that landed twice."""
    http = Http(port)
    lost: list[str] = []
    doubled: list[str] = []

    def read(learner: Learner, path: str, session: str | None = None, raw: bool = False):
        status, data, *_ = http.send("GET", path,
                                     cookies={"ed_session": session or learner.session})
        if status != 200:
            lost.append(f"{learner.email}: GET {path} answered {status}")
            return None
        return data if raw else json.loads(data)

    for learner in learners:
        lost.extend(settle_unanswered(http, learner))
        for session in learner.sessions:
            me = read(learner, "/api/v1/me", session)
            if me is not None and me.get("email") != learner.email:
                lost.append(f"{learner.email}: an acknowledged session is someone else's")
        credentials = read(learner, "/api/v1/dossier/credentials") or []
        ids = {c["id"] for c in credentials}
        titles = {(c.get("summary") or {}).get("title") for c in credentials}
        lost.extend(f"{learner.email}: imported credential {i} is missing"
                    for i in learner.imported if i not in ids)
        for i in learner.imported[:3]:  # opens (decrypts) with the shared keys
            read(learner, f"/api/v1/dossier/credentials/{i}/original", raw=True)
        items = [item["role"] for item in read(learner, "/api/v1/dossier/experience") or []]
        roles = set(items)
        doubled.extend(f"{learner.email}: experience {r!r} is in the dossier "
                       f"{items.count(r)} times" for r in sorted(roles) if items.count(r) > 1)
        for index in set(learner.zip_imported):
            _, want_titles, want_roles = learner.zips[index]
            lost.extend(f"{learner.email}: credential {t!r} of an imported archive is missing"
                        for t in want_titles if t not in titles)
            lost.extend(f"{learner.email}: experience {r!r} of an imported archive is missing"
                        for r in want_roles if r not in roles)
        vouchers = {v["id"]: v for v in read(learner, "/api/v1/vouchers") or []}
        lost.extend(f"{learner.email}: claimed voucher {voucher_id} is missing"
                    for voucher_id, _ in learner.claimed if voucher_id not in vouchers)
        for voucher_id, run_id in learner.redeemed.items():
            voucher = vouchers.get(voucher_id) or {}
            enrolment = voucher.get("enrolment") or {}
            if run_id >= 0 and (voucher.get("status") != "redeemed"
                                or (enrolment.get("run") or {}).get("id") != run_id):
                lost.append(f"{learner.email}: redemption of voucher {voucher_id} for run "
                            f"{run_id} is missing ({voucher.get('status')})")
            if run_id == REFUSED_WHEN_RETRIED and voucher.get("status") == "redeemed":
                lost.append(f"{learner.email}: voucher {voucher_id} was redeemed, yet its "
                            "redemption was refused when sent again with its key")
        counted = sum(s.get("view_count", 0) for s in read(learner, "/api/v1/shares") or [])
        if counted < views.get(learner.share_path, 0):
            lost.append(f"{learner.email}: {views[learner.share_path]} page views answered "
                        f"200, {counted} logged")
    return lost, doubled


# -- the report ------------------------------------------------------------------------------

def p(latencies: list[float], q: float) -> float:
    ordered = sorted(latencies)
    return ordered[max(0, int(len(ordered) * q + 0.5) - 1)] * 1000 if ordered else float("nan")


def report(answers: list[Answer], window: KillWindow, elapsed: float, lost: list[str],
           doubled: list[str], clients: int, seconds: float, load_before: tuple) -> int:
    in_window = [a for a in answers if window.covers(a.started, a.started + a.seconds)]
    outside = [a for a in answers if not window.covers(a.started, a.started + a.seconds)]
    floor95 = p([a.seconds for a in answers if a.endpoint == FLOOR and a.status], 0.95)
    print(f"## load: {clients} clients for {seconds:.0f} s, gunicorn -w {WORKERS} "
          f"--threads {THREADS}, PostgreSQL + Redis, kill -9 of one worker half-way")
    print("| endpoint | n | 2xx | 4xx | 5xx outside window | 5xx in window "
          "| no answer in window | no answer outside | p50 ms | p95 ms | p95 / floor p95 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for endpoint in ENDPOINTS:
        mine = [a for a in answers if a.endpoint == endpoint]
        if not mine:
            continue
        answered = [a.seconds for a in mine if a.status]
        statuses = [a.status for a in mine if a.status]
        inside = [a for a in in_window if a.endpoint == endpoint]
        out = [a for a in outside if a.endpoint == endpoint]
        p95 = p(answered, 0.95)
        print(
            f"| {endpoint} | {len(mine)} | {sum(200 <= s < 300 for s in statuses)} "
            f"| {sum(400 <= s < 500 for s in statuses)} "
            f"| {sum((a.status or 0) >= 500 for a in out)} "
            f"| {sum((a.status or 0) >= 500 for a in inside)} "
            f"| {sum(a.status is None for a in inside)} | {sum(a.status is None for a in out)} "
            f"| {p(answered, 0.5):.0f} | {p95:.0f} | {p95 / floor95:.1f} |"
        )
    fives_out = sum((a.status or 0) >= 500 for a in outside)
    fives_in = sum((a.status or 0) >= 500 for a in in_window)
    dropped_in = sum(a.status is None for a in in_window)
    dropped_out = sum(a.status is None for a in outside)
    unexpected = {}
    for a in answers:
        if a.status and a.status >= 400:
            unexpected[(a.endpoint, a.status)] = unexpected.get((a.endpoint, a.status), 0) + 1
    # A 409 is a double submit's expected answer; any other 4xx means the load did not do
    # what it says (a refused write tests nothing), so it fails the run like a 5xx.
    refused = sum(n for (_, status), n in unexpected.items() if 400 <= status < 500
                  and status != 409)
    load_after = os.getloadavg()
    print(f"\n{len(answers)} requests in {elapsed:.0f} s ({len(answers) / elapsed:.0f} req/s). "
          f"Kill window {window.end - window.start:.1f} s (worker {window.killed_pid} killed "
          f"at {window.start - (answers[0].started if answers else 0):.0f} s; the window ends "
          f"{KILL_GRACE:.0f} s after its replacement loaded the app).")
    served = sum(200 <= (a.status or 0) < 300 for a in in_window)
    per_client = sorted(Counter(a.client for a in answers).values())
    print(f"Requests per client: fewest {per_client[0]}, median "
          f"{per_client[len(per_client) // 2]}, most {per_client[-1]}.")
    print(f"5xx outside the kill window: {fives_out}; inside: {fives_in}. Requests without an "
          f"answer: {dropped_in} in the window, {dropped_out} outside; {served} answered 2xx "
          f"in the window (the other worker kept serving). "
          f"Lost acknowledged writes: {len(lost)}.")
    if unexpected:
        print("4xx/5xx answers: " + ", ".join(
            f"{endpoint} {status} × {n}" for (endpoint, status), n in sorted(unexpected.items())))
    for line in lost[:20]:
        print(f"LOST: {line}")
    print(f"Writes that landed twice: {len(doubled)}.")
    for line in doubled[:20]:
        print(f"TWICE: {line}")
    print(f"Load average before {', '.join(f'{x:.1f}' for x in load_before)}, after "
          f"{', '.join(f'{x:.1f}' for x in load_after)} ({os.cpu_count()} CPUs, shared).")
    goal("load test: 5xx answers outside the kill window", "0", str(fives_out),
         float(fives_out), fives_out == 0)
    goal("load test: lost acknowledged writes", "0", str(len(lost)), float(len(lost)),
         not lost)
    goal("load test: requests without an answer outside the kill window", "0",
         str(dropped_out), float(dropped_out), dropped_out == 0)
    goal("load test: writes that landed twice", "0", str(len(doubled)), float(len(doubled)),
         not doubled)
    goal("load test: requests refused with a 4xx other than 409", "0", str(refused),
         float(refused), refused == 0)
    return 1 if fives_out or lost or dropped_out or doubled or refused else 0


# -- main ------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0,
                        help="how long the clients run (default 120; e.g. 30 for a smoke run)")
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--reverify-shares", action="store_true",
                        help="every employer page verifies its credentials again and stores "
                             "the results (as when they are older than an hour)")
    parser.add_argument("--double-submit", type=float, default=DOUBLE_SUBMIT,
                        help="share of writes sent from two devices at once (default "
                             f"{DOUBLE_SUBMIT})")
    options = parser.parse_args()
    load_before = os.getloadavg()
    process = None
    with throwaway_database() as (name, url):
        tmp = Path(tempfile.mkdtemp(prefix=f"{name}-"))
        try:
            port = free_port()
            config = settings_file(tmp, url, port, options.reverify_shares)
            env = {**os.environ, "EIGENDOSSIER_CONFIG": str(config),
                   "EIGENDOSSIER_INSTANCE_PATH": str(tmp)}
            started = time.perf_counter()
            flask(env, "db", "upgrade")
            learners, _ = seed(env, options.clients)
            print(f"(seeded {options.clients} learners in {time.perf_counter() - started:.0f} s)",
                  file=sys.stderr)
            ready_file = tmp / "workers-ready"
            process = start_gunicorn(env, port, ready_file)
            warm = Http(port)
            for _ in range(20):
                warm.send("GET", "/api/v1/meta")
            answers, views, window, elapsed = run_load(learners, port, options.seconds,
                                                       options.double_submit, process.pid,
                                                       ready_file)
            lost, doubled = lost_writes(port, learners, views)
        finally:
            if process:
                stop(process)
            shutil.rmtree(tmp, ignore_errors=True)
    return report(answers, window, elapsed, lost, doubled, options.clients, options.seconds,
                  load_before)


if __name__ == "__main__":
    sys.exit(main())
