"""The employer's page: GET /s/<token> of a share of 10 credentials, per second, when the
stored verification results are fresh (cached) versus when every request verifies all ten
again (SHARE_REVERIFY_AFTER_SECONDS = 0), in one run.

Both servers run under gunicorn on loopback with the same worker settings and the same
database; they are loaded in turn, twice, and the best of each is compared. Every request
is a real view: it writes its view-log row, like an employer's. The credentials are Open
Badges 3.0 microcredentials from did:key issuers, half Data Integrity (eddsa-rdfc-2022, baked
into PNG: JSON-LD canonicalisation on every check), half VC-JWT."""

import http.client
import io
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench_framework import CONNECTIONS, DURATION, ROOT, free_port, serve, server_cpu, stop
from goals import goal

CREDENTIALS = 10
GOAL_RATIO = 2.0


def prepare(tmp: Path) -> str:
    """A learner with ten credentials, all shared in one link; returns the page's path."""
    sys.path.insert(0, str(ROOT))
    from eigendossier import create_app
    from eigendossier.core.extensions import db
    from tests.credentials_support import baked_png, signed_jwt
    from tests.support import ApiClient, sign_up

    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "DEMO_DATA": False,
            "INSTANCE_PATH": str(tmp),
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
        }
    )
    app.test_client_class = ApiClient
    with app.app_context():
        db.create_all()
    client = app.test_client()
    email = sign_up(client)["email"]
    ids = []
    for n in range(CREDENTIALS):
        name = f"Module {n + 1}"
        data, filename = (
            (baked_png(email, name=name), "badge.png")
            if n % 2 == 0
            else (signed_jwt(email, name=name).encode(), "badge.jwt")
        )
        response = client.post(
            "/api/v1/dossier/credentials",
            content_type="multipart/form-data",
            data={"file": (io.BytesIO(data), filename)},
        )
        assert response.get_json()["verification"]["status"] == "verified"
        ids.append(response.get_json()["id"])
    share = client.post("/api/v1/shares", json={"credential_ids": ids, "label": "Bench"})
    return "/s/" + share.get_json()["url"].rsplit("/s/", 1)[1]


def load(port: int, path: str) -> float:
    """Requests per second over keep-alive connections; every answer must be a 200 page."""
    counts = [0] * CONNECTIONS
    deadline = time.perf_counter() + DURATION

    def worker(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Accept": "text/html", "Accept-Language": "nl"}
        while time.perf_counter() < deadline:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            assert response.status == 200, response.status
            assert b"Geverifieerd" in body
            counts[i] += 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONNECTIONS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - start)


def warm_up(port: int, path: str) -> None:
    """gunicorn's workers build the app after the port opens: wait for all, untimed."""

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for _ in range(3):
            conn.request("GET", path, headers={"Accept": "text/html"})
            response = conn.getresponse()
            response.read()
            assert response.status == 200, response.status
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = prepare(tmp)
        env = {
            "EIGENDOSSIER_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "EIGENDOSSIER_INSTANCE_PATH": str(tmp),
            "EIGENDOSSIER_SECRET_KEY": "bench",
            "EIGENDOSSIER_DEMO_DATA": "false",
            "EIGENDOSSIER_RATELIMIT_ENABLED": "false",
        }
        cached_port, forced_port = free_port(), free_port()
        cached = serve(
            "eigendossier:create_app()",
            cached_port,
            {**env, "EIGENDOSSIER_SHARE_REVERIFY_AFTER_SECONDS": "3600"},
        )
        forced = serve(
            "eigendossier:create_app()",
            forced_port,
            {**env, "EIGENDOSSIER_SHARE_REVERIFY_AFTER_SECONDS": "0"},
        )
        try:
            warm_up(cached_port, path)
            warm_up(forced_port, path)
            results: dict[str, list[float]] = {"cached": [], "forced": []}
            cpu: dict[str, list[float]] = {"cached": [], "forced": []}
            for _ in range(2):
                for mode, process, port in (("cached", cached, cached_port),
                                            ("forced", forced, forced_port)):
                    before = server_cpu(process.pid)
                    rps = load(port, path)
                    results[mode].append(rps)
                    cpu[mode].append((server_cpu(process.pid) - before) * 1000
                                     / (rps * DURATION))
        finally:
            for process in (cached, forced):
                stop(process)
    best = {mode: max(runs) for mode, runs in results.items()}
    print(
        f"## employer page: GET /s/<token> with {CREDENTIALS} credentials under gunicorn -w 2, "
        f"{CONNECTIONS} connections, SQLite, {os.cpu_count()} CPUs"
    )
    print("| stored results | req/s (best of 2) | runs |")
    print("|---|---:|---|")
    print(
        f"| fresh: shown as stored | {best['cached']:,.1f} | "
        f"{', '.join(f'{r:,.1f}' for r in results['cached'])} |"
    )
    print(
        f"| stale: all {CREDENTIALS} verified again per request | {best['forced']:,.1f} | "
        f"{', '.join(f'{r:,.1f}' for r in results['forced'])} |"
    )
    ratio = best["cached"] / best["forced"]
    print(f"| **ratio cached / re-verified** | **{ratio:.1f}** | |")
    least = {mode: min(runs) for mode, runs in cpu.items()}
    print(
        f"\nServer CPU per request (gunicorn master and workers, least of 2): fresh "
        f"{least['cached']:.1f} ms, stale {least['forced']:.1f} ms: "
        f"{least['forced'] / least['cached']:.2f}x. The gap between this and the req/s ratio "
        "is time a worker waits (for the database's write lock, or for the cores)."
    )
    goal(f"employer page, {CREDENTIALS} credentials: stale results vs cached (req/s)",
         f"<= {GOAL_RATIO:.0f}x slower", f"{ratio:.1f}x", ratio / GOAL_RATIO, ratio <= GOAL_RATIO)


if __name__ == "__main__":
    main()
