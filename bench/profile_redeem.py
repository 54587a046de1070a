"""CPU of one voucher redemption, in-process: the same learners and vouchers as
bench_vouchers.py, redeemed one after the other through Flask's test client (no gunicorn, no
concurrency), so the number is this process's CPU time and holds steady on a loaded machine.
Prints CPU per request (GET /api/v1/me, the redemption, and service.redeem within it; on
PostgreSQL also its server processes' CPU per redemption, in 10 ms clock ticks: use a few
hundred redemptions) and the SQL statements of one redemption; with --profile, the top of a
cProfile (CPU time) of the redemptions. With --reads each redemption follows a GET
/api/v1/vouchers, as in the PWA (a request that only reads, on the same pooled connection).

    .venv/bin/python bench/profile_redeem.py [--sqlite] [--reads] [--profile N]

PostgreSQL as bench_vouchers.py finds it (a throwaway database); --sqlite: a file in a
temporary folder."""
import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_vouchers  # noqa: E402
from bench_framework import process_stats  # noqa: E402
from services import throwaway_database  # noqa: E402


def measure(url: str, tmp: Path, top: int, reads: bool = False) -> None:
    from eigendossier import create_app
    from eigendossier.core.extensions import db
    from eigendossier.vouchers import service
    from tests.support import ApiClient

    learners, _, counted = bench_vouchers.prepare(url, tmp)
    app = create_app({"DATABASE_URL": url, "DEMO_DATA": False, "INSTANCE_PATH": str(tmp),
                      "SECRET_KEY": "bench", "VOUCHER_PEPPER": "bench", "SINGLE_NODE": True,
                      "NOTIFICATIONS_INPROCESS_TICK": False})
    app.test_client_class = ApiClient
    clients = []
    for cookies, pairs in learners:
        client = app.test_client()
        for name, value in cookies.items():
            client.set_cookie(name, value)
        clients.append((client, pairs))
    inner = []
    redeem = service.redeem

    def timed(*args, **kwargs):
        started = time.process_time()
        try:
            return redeem(*args, **kwargs)
        finally:
            inner.append(time.process_time() - started)

    service.redeem = timed
    for client, _ in clients:  # warm up: imports, the connection pool, caches
        client.get("/api/v1/me")
    me = []
    for client, _ in clients:
        for _ in range(4):
            started = time.process_time()
            assert client.get("/api/v1/me").status_code == 200
            me.append(time.process_time() - started)
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    profiler = cProfile.Profile(time.process_time) if top else None
    spent = []
    database = database_cpu(engine)
    for round_ in range(max(len(pairs) for _, pairs in clients)):
        for n, (client, pairs) in enumerate(clients):
            if round_ >= len(pairs):
                continue
            voucher, run = pairs[round_]
            if reads:
                assert client.get("/api/v1/vouchers").status_code == 200
            first = round_ == 1 and n == 0
            with counting(engine, count) if first else nullcontext():
                started = time.process_time()
                with profiler or nullcontext():
                    response = client.post(f"/api/v1/vouchers/{voucher}/redeem",
                                           json={"run_id": run},
                                           headers={"Idempotency-Key": uuid.uuid4().hex})
                spent.append(time.process_time() - started)
            assert response.status_code == 201, response.get_json()
    service.redeem = redeem
    database = database_cpu(engine) - database
    with app.app_context():
        db.engine.dispose()
    skip = len(clients)  # the first round warms the redemption's code paths
    per = sum(spent[skip:]) / len(spent[skip:]) * 1000
    floor = sum(me) / len(me) * 1000
    print(f"{engine.dialect.name}: {len(spent)} redemptions, CPU per request: "
          f"GET /api/v1/me {floor:.2f} ms, redeem {per:.2f} ms ({per / floor:.1f}x), "
          f"of which service.redeem {sum(inner[skip:]) / len(inner[skip:]) * 1000:.2f} ms")
    if engine.dialect.name == "postgresql":
        read = ", with its read" if reads else ""
        print(f"PostgreSQL server CPU per redemption (all rounds{read}): "
              f"{database / len(spent) * 1000:.2f} ms")
    print(f"statements of one redemption ({len(statements)}; bench counted {counted}):")
    for statement in statements:
        print("   ", " ".join(statement.split())[:160])
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)


@contextmanager
def counting(engine, count):
    """``count`` each statement sent: on PostgreSQL as psycopg's cursors run them (also
    those sent on its own cursor, see core/driver.py), elsewhere as SQLAlchemy sends them."""
    from sqlalchemy import event

    from tests.support import psycopg_statements

    if engine.dialect.name == "postgresql":
        with psycopg_statements(count):
            yield
        return
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", count)


def database_cpu(engine) -> float:
    """CPU seconds so far of the PostgreSQL server processes serving this database (0 for
    SQLite): its sessions, found in pg_stat_activity, on this machine."""
    if engine.dialect.name != "postgresql":
        return 0.0
    with engine.connect() as conn:
        pids = set(conn.exec_driver_sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()").scalars())
    tick = os.sysconf("SC_CLK_TCK")
    return sum((int(fields[11]) + int(fields[12])) / tick
               for pid, fields in process_stats().items() if pid in pids)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--reads", action="store_true")
    parser.add_argument("--learners", type=int, default=20,
                        help="each redeems bench_vouchers.HELD vouchers")
    args = parser.parse_args()
    bench_vouchers.CLIENTS = args.learners
    if args.sqlite:
        tmp = Path(tempfile.mkdtemp(prefix="ed_profile_"))
        measure(f"sqlite:///{tmp / 'bench.db'}", tmp, args.profile, args.reads)
        return
    with throwaway_database("ed_profile") as (name, url):
        tmp = Path(tempfile.mkdtemp(prefix=f"{name}_"))
        measure(url, tmp, args.profile, args.reads)


if __name__ == "__main__":
    main()
