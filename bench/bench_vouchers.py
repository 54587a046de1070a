"""Voucher redemption under load: 50 concurrent clients redeem claimed vouchers against
PostgreSQL through gunicorn on loopback; p50/p95 latency, side by side with GET /api/v1/me
(the framework floor: same server, same clients, same run), plus 50 clients racing for one
voucher (exactly one must win). On 2 shared cores a closed loop's latency follows the CPU of
everything a request makes run, so a table splits each request's CPU between gunicorn, the
PostgreSQL backends (not in the older "Server CPU" line) and the bench's own client threads.

Needs a PostgreSQL server: EIGENDOSSIER_BENCH_DATABASE_URL, else EIGENDOSSIER_TEST_DATABASE_URL,
else postgresql+psycopg://postgres@127.0.0.1:5432/test; it makes and drops its own database."""

import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_framework import free_port, process_stats, serve, server_cpu, stop  # noqa: E402
from goals import goal  # noqa: E402
from services import one_run_blocks_catalogue, throwaway_database  # noqa: E402

CLIENTS = 50
# Requests per client in each measured round (n = 600). With 4 a round of GET /api/v1/me
# lasted about 0.12 s, much of it the clients' start and finish with fewer than 50 in
# flight: it measured 0.75 ms of gunicorn CPU per /me where longer rounds settle at 0.47 ms,
# and its p95 swung 23-45 ms between runs (the p95 ratio 1.8-2.3x on the same code).
VOUCHERS_PER_CLIENT = 12
# Redeemed by each client before the measured ones, as GET /api/v1/me is warmed up before its
# measured round: a worker's first redemption compiles its statements (about 30 ms of CPU,
# once per worker), which is start-up, not the cost of a redemption.
WARM_UP_VOUCHERS = 1
HELD = VOUCHERS_PER_CLIENT + WARM_UP_VOUCHERS
GOAL_P95_MS = 50.0
# How often the lock sampler looks while the redemptions run. It runs then only, on the same
# cores: every 5 ms it took about 0.2 ms of CPU per redemption (its thread and its backend),
# some 6% of a redemption's, which the GET /api/v1/me round it is compared with never paid.
LOCK_SAMPLE_SECONDS = 0.02
GOAL_FLOOR_RATIO = 2.0


def prepare(url: str, tmp: Path):
    """Learners with claimed vouchers; returns [(cookies, [(voucher_id, run_id)])] and one
    contested voucher claimed by the first learner."""
    from eigendossier import create_app
    from eigendossier.catalog.service import import_catalog
    from eigendossier.core.extensions import db
    from tests.support import ApiClient, mark_verified, sign_up

    app = create_app(
        {
            "DATABASE_URL": url,
            "DEMO_DATA": False,
            "INSTANCE_PATH": str(tmp),
            "SECRET_KEY": "bench",
            "VOUCHER_PEPPER": "bench",
            "SINGLE_NODE": True,  # one machine: keys from its instance folder
            "RATELIMIT_SIGN_UP": "10000 per minute",
            "RATELIMIT_SIGN_IN": "10000 per minute",
        }
    )
    app.test_client_class = ApiClient
    with app.app_context():
        db.create_all()
        # A module per voucher (a learner buys one group of a module), and two more: the
        # run of the voucher the statements are counted on, and the contested one's.
        import_catalog(one_run_blocks_catalogue("bench", "Bench College", "BENCH", "12345",
                                                HELD + 2, start_in_days=30))
    staff_runner = app.test_cli_runner()
    staff_runner.invoke(
        args=[
            "accounts",
            "create-staff",
            "--email",
            "staff@bench.nl",
            "--name",
            "Staff",
            "--institution",
            "bench",
            "--password",
            "bench-password",
        ]
    )
    staff = app.test_client()
    staff.post("/api/v1/session", json={"email": "staff@bench.nl", "password": "bench-password"})
    lines = ["name,email,graduation_date,qualification"] + [
        f"G{i},{graduate(i)},{date.today() - timedelta(days=30)},12345"
        for i in range(CLIENTS * HELD + 2)
    ]
    issued = staff.post(
        "/api/v1/vouchers/batches", data="\n".join(lines), headers={"Content-Type": "text/csv"}
    ).get_json()["vouchers"]
    learners = []
    for i in range(CLIENTS):
        client = app.test_client()
        sign_up(client, email=f"learner{i}@bench.nl")
        mark_verified(app, f"learner{i}@bench.nl")  # a voucher goes to its own graduate
        mine = issued[i * HELD : (i + 1) * HELD]
        vouchers = [
            client.post("/api/v1/vouchers/claim", json={"code": v["code"]}).get_json()["id"]
            for v in mine
        ]
        runs = [
            r["id"]
            for r in client.get(f"/api/v1/vouchers/{vouchers[0]}").get_json()["eligible_runs"]
        ]
        cookies = {c.key: c.value for c in client._cookies.values()}
        learners.append((cookies, list(zip(vouchers, runs[:HELD], strict=True))))
    first = learners[0][0]
    contested_client = app.test_client()
    for name, value in first.items():
        contested_client.set_cookie(name, value)
    contested = contested_client.post(
        "/api/v1/vouchers/claim", json={"code": issued[-1]["code"]}
    ).get_json()["id"]
    eligible = contested_client.get(f"/api/v1/vouchers/{contested}").get_json()
    contested_run = eligible["eligible_runs"][-1]["id"]
    counted = statements_per_request(app, contested_client, issued[-2]["code"])
    with app.app_context():
        db.engine.dispose()
    return learners, (first, contested, contested_run), counted


def graduate(i: int) -> str:
    """Whose voucher number i is: each learner's own HELD; the two extra (the contested one
    and the one counted) are the first learner's."""
    learner = i // HELD if i < CLIENTS * HELD else 0
    return f"learner{learner}@bench.nl"


def statements_per_request(app, client, code: str) -> dict[str, int]:
    """SQL statements of one GET /api/v1/me (session known) and one redemption, as psycopg
    ran them (also those sent on its own cursor, see core/driver.py)."""
    from tests.support import sql_statements

    voucher = client.post("/api/v1/vouchers/claim", json={"code": code}).get_json()["id"]
    run = client.get(f"/api/v1/vouchers/{voucher}").get_json()["eligible_runs"][-2]["id"]
    client.get("/api/v1/me")
    me, _ = sql_statements(app, lambda: client.get("/api/v1/me"))
    redeemed, status = sql_statements(app, lambda: client.post(
        f"/api/v1/vouchers/{voucher}/redeem", json={"run_id": run},
        headers={"Idempotency-Key": uuid.uuid4().hex}).status_code)
    assert status == 201, status
    return {"me": len(me), "redeem": len(redeemed)}


def redeeming(learners, which: slice):
    """Each client's redemptions of its vouchers[which], each with a key of its own."""
    return [
        (cookies, [("POST", f"/api/v1/vouchers/{voucher}/redeem", {"run_id": run},
                    {"Idempotency-Key": uuid.uuid4().hex}) for voucher, run in pairs[which]])
        for cookies, pairs in learners
    ]


def request(conn, method, path, cookies, body=None, headers=None):
    header = {
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        "X-CSRF-Token": cookies["csrf_token"],
        "Content-Type": "application/json",
        **(headers or {}),
    }
    started = time.perf_counter()
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=header)
    response = conn.getresponse()
    response.read()
    return response.status, time.perf_counter() - started


def load(port, work):
    """Run each client's list of requests on its own keep-alive connection, all at once.
    Returns the latencies, the statuses, the wall time and the CPU seconds the client threads
    spent (sending, reading: the load's own share of the shared cores)."""
    latencies, statuses, barrier = [], [], threading.Barrier(len(work))
    spent = []

    def client(cookies, calls):
        # A generous timeout: on a shared, loaded machine a request may wait long for a core.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        barrier.wait()
        started = time.thread_time()
        for method, path, body, headers in calls:
            status, seconds = request(conn, method, path, cookies, body, headers)
            statuses.append(status)
            latencies.append(seconds)
        conn.close()
        spent.append(time.thread_time() - started)

    threads = [threading.Thread(target=client, args=item) for item in work]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, statuses, time.perf_counter() - started, sum(spent)


class LockWaits:
    """Samples pg_stat_activity of one database while a load runs: how many of its active
    backends wait for a lock (another transaction's row), against all active ones. Unlike
    latencies, this does not depend on how much of the shared cores the run got."""

    def __init__(self, url: str):
        self.dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
        self.name = url.rsplit("/", 1)[1]
        self.waiting = self.active = 0
        self.pid: int | None = None
        self.cpu = 0.0  # CPU seconds of the sampling (its thread and its backend)
        self.done = threading.Event()

    def __enter__(self):
        """Connects (and asks once) before the load starts: a new backend's start-up is not
        the sampling's, nor the load's."""
        import psycopg

        self.conn = psycopg.connect(self.dsn, autocommit=True)
        self.pid = self.conn.info.backend_pid
        self.ask()
        self.waiting = self.active = 0
        self.thread = threading.Thread(target=self.sample)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()
        self.conn.close()

    def ask(self) -> None:
        waiting, active = self.conn.execute(
            "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), count(*) "
            "FROM pg_stat_activity WHERE datname = %s AND state = 'active' "
            "AND pid <> pg_backend_pid()", (self.name,)).fetchone()
        self.waiting += waiting
        self.active += active

    def sample(self):
        backend, started = run_time(self.pid), time.thread_time()
        while not self.done.wait(LOCK_SAMPLE_SECONDS):
            self.ask()
        self.cpu = time.thread_time() - started + run_time(self.pid) - backend

    def share(self) -> str:
        return f"{self.waiting / max(self.active, 1):.0%} of {self.active}"


class DatabaseCpu:
    """CPU seconds so far of the PostgreSQL server's processes on this machine (Linux): the
    backends serving the bench's database (planning, executing, writing and flushing the WAL
    at each commit), and the server's own (WAL writer, checkpointer, background writer,
    autovacuum: shared with anything else using the server). The lock sampler's backend is
    left out: it measures, it is not the load."""

    def __init__(self, url: str, leave_out: int | None = None):
        self.dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
        self.name = url.rsplit("/", 1)[1]
        self.leave_out = leave_out

    def now(self) -> tuple[float, float]:
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as conn:
            backends = {pid for pid, in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (self.name,))}
            postmaster = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'"
            ).fetchone()
        backends.discard(self.leave_out)
        stats = process_stats()
        parent = int(stats[postmaster[0]][1]) if postmaster and postmaster[0] in stats else None
        mine = sum(run_time(pid) for pid in backends)
        own = sum(run_time(pid) for pid, fields in stats.items()
                  if parent is not None and int(fields[1]) == parent and pid not in backends
                  and _auxiliary(pid))
        return mine, own


def run_time(pid: int) -> float:
    """CPU seconds a process has run so far, to the nanosecond (Linux schedstat; 0 when it
    is gone)."""
    try:
        return int((Path("/proc") / str(pid) / "schedstat").read_text().split()[0]) / 1e9
    except OSError:
        return 0.0


def gunicorn_run_time(master: int) -> float:
    """CPU seconds so far of a gunicorn master and its workers, to the nanosecond."""
    return sum(run_time(pid) for pid, fields in process_stats().items()
               if pid == master or int(fields[1]) == master)


def _auxiliary(pid: int) -> bool:
    """One of the server's own processes, by its title (it serves no client)."""
    try:
        title = (Path("/proc") / str(pid) / "cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    return any(name in title for name in ("walwriter", "checkpointer", "background writer",
                                          "autovacuum", "logical replication"))


class Split(NamedTuple):
    """CPU seconds so far (or of one load) of each party to a request on the shared cores,
    and of the whole machine: busy and all (busy, idle and waiting for I/O)."""

    gunicorn: float
    ticks: float  # gunicorn's in clock ticks, as the report's older row counts it
    database: float
    server: float
    client: float
    busy: float
    all: float

    @classmethod
    def now(cls, master: int, database: DatabaseCpu) -> "Split":
        mine, own = database.now()
        busy, every = machine_cpu()
        return cls(gunicorn_run_time(master), server_cpu(master), mine, own, 0.0, busy, every)

    def minus(self, before: "Split", client: float) -> "Split":
        spent = [after - first for after, first in zip(self, before, strict=True)]
        return Split(*spent[:4], client, *spent[5:])

    def parties(self) -> list[float]:
        return [self.gunicorn, self.database, self.server, self.client]


def machine_cpu() -> tuple[float, float]:
    """CPU seconds of all cores so far (Linux /proc/stat): busy, and in all."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields) - idle) / tick, sum(fields) / tick


def cpu_split_table(me: Split, me_n: int, redeem: Split, redeem_n: int) -> str:
    """CPU per request of each party in the measured rounds, and how busy the machine was
    (all of it: other work on the shared cores included)."""
    rows = ["\nCPU per request, ms (measured rounds; /proc/PID/schedstat, the client threads' "
            "thread_time):",
            "| requests | gunicorn | PostgreSQL backends | PostgreSQL's own processes "
            "| bench client | sum | machine busy |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for name, split, n in (("GET /api/v1/me", me, me_n), ("redeem", redeem, redeem_n)):
        per = [value * 1000 / max(n, 1) for value in split.parties()]
        rows.append(f"| {name} | " + " | ".join(f"{value:.2f}" for value in per)
                    + f" | {sum(per):.2f} | {split.busy / max(split.all, 1e-9):.0%} |")
    return "\n".join(rows)


def others(statuses) -> str:
    """The answers other than 201, by status: a redemption refused is not a measurement."""
    counted = Counter(s for s in statuses if s != 201)
    return "".join(f", {n} × {status}" for status, n in sorted(counted.items()))


def percentiles(latencies):
    ordered = sorted(latencies)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def main() -> None:
    process = None
    with throwaway_database() as (name, url):
        tmp = Path(tempfile.mkdtemp(prefix=f"{name}_"))
        try:
            learners, (first, contested, contested_run), counted = prepare(url, tmp)
            port = free_port()
            process = serve(
                "eigendossier:create_app()",
                port,
                {
                    "EIGENDOSSIER_DATABASE_URL": url,
                    "EIGENDOSSIER_INSTANCE_PATH": str(tmp),
                    "EIGENDOSSIER_SECRET_KEY": "bench",
                    "EIGENDOSSIER_VOUCHER_PEPPER": "bench",
                    "EIGENDOSSIER_SINGLE_NODE": "true",
                    "EIGENDOSSIER_DEMO_DATA": "false",
                    "EIGENDOSSIER_NOTIFICATIONS_INPROCESS_TICK": "false",
                },
                workers=4,
            )
            floor = [
                (c, [("GET", "/api/v1/me", None, None)] * VOUCHERS_PER_CLIENT) for c, _ in learners
            ]
            load(port, floor)  # warm up: imports, connection pools
            database = DatabaseCpu(url)
            before = Split.now(process.pid, database)
            me_latencies, _, _, me_client = load(port, floor)
            me_split = Split.now(process.pid, database).minus(before, me_client)
            load(port, redeeming(learners, slice(None, WARM_UP_VOUCHERS)))  # warm up
            redemptions = redeeming(learners, slice(WARM_UP_VOUCHERS, None))
            before = Split.now(process.pid, database)
            with LockWaits(url) as waits:
                latencies, statuses, seconds, client = load(port, redemptions)
            database.leave_out = waits.pid
            redeem_split = Split.now(process.pid, database).minus(before, client)
            me_cpu = me_split.ticks * 1000 / max(len(me_latencies), 1)
            redeem_cpu = redeem_split.ticks * 1000 / max(len(latencies), 1)
            race = [
                (
                    first,
                    [
                        (
                            "POST",
                            f"/api/v1/vouchers/{contested}/redeem",
                            {"run_id": contested_run},
                            {"Idempotency-Key": uuid.uuid4().hex},
                        )
                    ],
                )
                for _ in range(CLIENTS)
            ]
            race_latencies, race_statuses, _, _ = load(port, race)
        finally:
            if process:
                stop(process)
    ok = statuses.count(201)
    me50, me95 = percentiles(me_latencies)
    r50, r95 = percentiles(latencies)
    c50, c95 = percentiles(race_latencies)
    print(f"## voucher redemption: {CLIENTS} concurrent clients, PostgreSQL, gunicorn -w 4")
    print("| requests | n | p50 ms | p95 ms | outcome |")
    print("|---|---:|---:|---:|---|")
    print(f"| GET /api/v1/me (floor) | {len(me_latencies)} | {me50:.1f} | {me95:.1f} | |")
    print(
        f"| redeem own voucher | {len(latencies)} | {r50:.1f} | {r95:.1f} | "
        f"{ok} × 201{others(statuses)}; {len(latencies) / seconds:.0f} req/s |"
    )
    print(
        f"| 50 race for one voucher | {len(race_latencies)} | {c50:.1f} | {c95:.1f} | "
        f"{race_statuses.count(201)} × 201, {race_statuses.count(409)} × 409 |"
    )
    print(
        f"| **ratio redeem / floor (p50)** | | **{r50 / me50:.1f}** | "
        f"**{r95 / me95:.1f}** (p95) | |"
    )
    print(f"\nServer CPU per request (gunicorn master and workers; PostgreSQL not counted): "
          f"GET /api/v1/me {me_cpu:.1f} ms, redeem {redeem_cpu:.1f} ms "
          f"({redeem_cpu / me_cpu:.1f}x). Active PostgreSQL backends waiting for a lock while "
          f"redeeming (sampled every {LOCK_SAMPLE_SECONDS * 1000:.0f} ms): {waits.share()}; "
          f"the sampling took "
          f"{waits.cpu * 1000 / max(len(latencies), 1):.2f} ms of CPU per redemption.")
    print(cpu_split_table(me_split, len(me_latencies), redeem_split, len(latencies)))
    print(f"SQL statements per request: GET /api/v1/me {counted['me']}, "
          f"redeem {counted['redeem']} (BEGIN/COMMIT not counted).")
    goal(f"voucher redemption p95, {CLIENTS} concurrent clients, PostgreSQL",
         f"<= {GOAL_P95_MS:.0f} ms", f"{r95:.0f} ms", r95 / GOAL_P95_MS, r95 <= GOAL_P95_MS)
    floor_ratio = r95 / me95
    goal("voucher redemption p95 vs GET /api/v1/me p95 (same run)",
         f"<= {GOAL_FLOOR_RATIO:.0f}x", f"{floor_ratio:.1f}x", floor_ratio / GOAL_FLOOR_RATIO,
         floor_ratio <= GOAL_FLOOR_RATIO)
    goal("SQL statements per redemption", "<= 5 (was 17, then 8)", str(counted["redeem"]),
         counted["redeem"] / 5, counted["redeem"] <= 5)


if __name__ == "__main__":
    main()
