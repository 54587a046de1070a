"""Framework floor: requests per second of GET /api/v1/me (session lookup, profile dump,
security headers, CSRF cookie check) against a bare Flask endpoint returning the same bytes.

Both run under gunicorn on loopback with the same worker settings and are loaded in turn,
twice, in one run, so the ratio survives a noisy machine. Load comes from wrk when it is
installed (`apt-get install wrk`), else from a small keep-alive Python client."""

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from goals import goal

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DURATION = float(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = 8
ROUNDS = 3
GOAL_RATIO = 0.5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(tmp: Path) -> tuple[str, bytes]:
    """A database with one learner; returns the session cookie and the /me body."""
    sys.path.insert(0, str(ROOT))
    from eigendossier import create_app
    from eigendossier.core.extensions import db
    from tests.support import ApiClient, sign_up

    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "DEMO_DATA": False,
            "INSTANCE_PATH": str(tmp),
            "SECRET_KEY": "bench",
        }
    )
    app.test_client_class = ApiClient
    with app.app_context():
        db.create_all()
    client = app.test_client()
    sign_up(client)
    cookie = client.get_cookie("ed_session").value
    body = client.get("/api/v1/me").get_data()
    return cookie, body


def serve(app_spec: str, port: int, env: dict, workers: int = 2) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app_spec,
        ],
        env={**os.environ, **env},
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{app_spec} did not start")


def stop(process: subprocess.Popen) -> None:
    """Stop a server we started; a loaded machine may need longer than gunicorn's grace."""
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def load_with_wrk(port: int, cookie: str) -> float:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{int(DURATION)}s",
            "-H",
            f"Cookie: ed_session={cookie}; csrf_token=x",
            f"http://127.0.0.1:{port}/api/v1/me",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("Requests/sec"))
    return float(line.split()[1])


def process_stats() -> dict[int, list[str]]:
    """Every process's /proc/PID/stat fields after its name (Linux): [0] state, [1] parent,
    [11] user ticks, [12] system ticks."""
    stats = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = (Path("/proc") / entry / "stat").read_text()
        except OSError:
            continue
        stats[int(entry)] = text.rsplit(")", 1)[1].split()
    return stats


def server_cpu(master: int) -> float:
    """CPU seconds (user + system) of a gunicorn master and its workers so far (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    return sum((int(fields[11]) + int(fields[12])) / tick
               for pid, fields in process_stats().items()
               if pid == master or int(fields[1]) == master)


def measured(load, process: subprocess.Popen, port: int, cookie: str) -> tuple[float, float]:
    """(requests per second, server CPU milliseconds per request) of one load run."""
    before = server_cpu(process.pid)
    rps = load(port, cookie)
    cpu = server_cpu(process.pid) - before
    return rps, cpu * 1000 / (rps * DURATION)


def load_with_python(port: int, cookie: str) -> float:
    counts = [0] * CONNECTIONS
    deadline = time.perf_counter() + DURATION

    def worker(i):
        conn = http.client.HTTPConnection("127.0.0.1", port)
        headers = {"Cookie": f"ed_session={cookie}; csrf_token=x"}
        while time.perf_counter() < deadline:
            conn.request("GET", "/api/v1/me", headers=headers)
            response = conn.getresponse()
            response.read()
            assert response.status == 200, response.status
            counts[i] += 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONNECTIONS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - start)


def check(port: int, cookie: str, expected: bytes) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/api/v1/me", headers={"Cookie": f"ed_session={cookie}"})
    body = conn.getresponse().read()
    assert body == expected, "the two servers must return the same bytes"


def main() -> None:
    load = load_with_wrk if shutil.which("wrk") else load_with_python
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cookie, body = prepare(tmp)
        (tmp / "body.json").write_bytes(body)
        env = {
            "EIGENDOSSIER_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "EIGENDOSSIER_INSTANCE_PATH": str(tmp),
            "EIGENDOSSIER_SECRET_KEY": "bench",
            "EIGENDOSSIER_DEMO_DATA": "false",
            "BENCH_BODY_FILE": str(tmp / "body.json"),
            # This checkout's backend, not the one the virtualenv was installed from.
            "PYTHONPATH": os.pathsep.join([str(ROOT / "backend"), str(ROOT / "bench")]),
        }
        ours_port, bare_port = free_port(), free_port()
        ours = serve("eigendossier:create_app()", ours_port, env)
        bare = serve("bare_app:create_app()", bare_port, env)
        try:
            check(ours_port, cookie, body)
            check(bare_port, cookie, body)
            results = {"ours": [], "bare": []}
            cpu = {"ours": [], "bare": []}
            for _ in range(ROUNDS):
                for name, process, port in (("ours", ours, ours_port), ("bare", bare, bare_port)):
                    rps, ms = measured(load, process, port, cookie)
                    results[name].append(rps)
                    cpu[name].append(ms)
        finally:
            for process in (ours, bare):
                stop(process)
    ours_rps, bare_rps = max(results["ours"]), max(results["bare"])
    print(
        f"## framework floor: GET /api/v1/me under gunicorn -w 2, {CONNECTIONS} connections, "
        f"load by {load.__name__.removeprefix('load_with_')}"
    )
    print(f"| endpoint | req/s (best of {ROUNDS}) | runs, interleaved |")
    print("|---|---:|---|")
    print(
        f"| eigendossier /api/v1/me | {ours_rps:,.0f} | "
        f"{', '.join(f'{r:,.0f}' for r in results['ours'])} |"
    )
    print(
        f"| bare Flask, same bytes | {bare_rps:,.0f} | "
        f"{', '.join(f'{r:,.0f}' for r in results['bare'])} |"
    )
    ratio = ours_rps / bare_rps
    print(f"| **ratio ours / floor** | **{ratio:.2f}** | |")
    ours_ms, bare_ms = min(cpu["ours"]), min(cpu["bare"])
    cpu_ratio = bare_ms / ours_ms
    print(
        f"\nServer CPU per request (gunicorn master and workers, least of {ROUNDS}): ours "
        f"{ours_ms:.2f} ms ({', '.join(f'{m:.2f}' for m in cpu['ours'])}), bare "
        f"{bare_ms:.2f} ms ({', '.join(f'{m:.2f}' for m in cpu['bare'])}): ratio bare / ours "
        f"{cpu_ratio:.2f}. CPU time does not count the time other processes on a shared "
        "machine hold the cores, so this ratio is the steadier one."
    )
    goal("GET /api/v1/me vs bare Flask, same bytes (gunicorn -w 2, wrk): req/s",
         f">= {GOAL_RATIO}", f"{ratio:.2f}", ratio / GOAL_RATIO, ratio >= GOAL_RATIO)
    goal("GET /api/v1/me vs bare Flask: server CPU per request, bare / ours",
         f">= {GOAL_RATIO}", f"{cpu_ratio:.2f}", cpu_ratio / GOAL_RATIO, cpu_ratio >= GOAL_RATIO)


if __name__ == "__main__":
    main()
