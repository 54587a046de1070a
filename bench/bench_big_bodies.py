"""What a hostile JSON body costs the server, side by side with an ordinary request.

    python bench/bench_big_bodies.py

Bodies up to the 5 MB cap that an anonymous client may send (issue 12, hole 2): 400,000
unknown keys (4.4 MB; before the fix 8.5-12.5 s of CPU and a 17 MB answer), 45,000 unknown
keys (under the cap on keys and values, so the schema's shape check refuses it), a list of
400,000 items and a body nested 2,000,000 deep; each against `POST /api/v1/session`.
The ordinary request is a small valid `PATCH /api/v1/me` of a signed-in learner. CPU time is
this thread's (the app runs in it through Flask's test client), the median of a few runs;
the goal is the issue's: any body up to the cap is refused in under 1 s of CPU."""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from goals import goal  # noqa: E402

RUNS = 5
GOAL_CPU_SECONDS = 1.0


def compact(value) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


HOSTILE = {
    "400,000 unknown keys": compact({f"k{i:05x}": 1 for i in range(400_000)}),
    "400,000 unknown keys, text values": compact({f"k{i:05x}": "" for i in range(400_000)}),
    "45,000 unknown keys": compact({f"k{i:05x}": 1 for i in range(45_000)}),
    "list of 1,000,000 empty objects": compact({"email": [{}] * 1_000_000}),
    "list of 1,500,000 empty lists": compact({"email": [[]] * 1_500_000}),
    "list of 400,000 items": compact({"email": ["morning"] * 400_000}),
    "nested 2,000,000 deep": b'{"email": ' + b"[" * 2_000_000 + b"]" * 2_000_000 + b"}",
}


def prepare(tmp: Path):
    from eigendossier import create_app
    from eigendossier.core.extensions import db
    from tests.support import ApiClient, sign_up

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/bench.db", "DEMO_DATA": False,
                      "INSTANCE_PATH": str(tmp), "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False, "PASSWORD_HASH_TIME_COST": 1,
                      "PASSWORD_HASH_MEMORY_KIB": 8, "PASSWORD_HASH_PARALLELISM": 1})
    app.test_client_class = ApiClient
    with app.app_context():
        db.create_all()
    learner = app.test_client()
    sign_up(learner)
    return app.test_client(), learner


def cpu_of(send) -> tuple[float, int, int]:
    """Median CPU seconds of `send()`, its status and answer size (after one warm-up)."""
    send()
    times = []
    for _ in range(RUNS):
        started = time.thread_time()
        response = send()
        times.append(time.thread_time() - started)
    return statistics.median(times), response.status_code, len(response.get_data())


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        anonymous, learner = prepare(Path(tmp))
        ordinary, status, size = cpu_of(lambda: learner.patch(
            "/api/v1/me", json={"display_name": "Sanne"}))
        print("| request | body | status | answer | CPU (median) | / ordinary |")
        print("|---|---:|---:|---:|---:|---:|")
        print(f"| ordinary: PATCH /api/v1/me | 25 B | {status} | {size} B "
              f"| {ordinary * 1000:.1f} ms | 1.0x |")
        worst = 0.0
        for name, body in HOSTILE.items():
            cpu, status, size = cpu_of(lambda body=body: anonymous.post(
                "/api/v1/session", data=body, content_type="application/json"))
            worst = max(worst, cpu)
            print(f"| hostile: {name} | {len(body) / 2**20:.1f} MB | {status} | {size} B "
                  f"| {cpu * 1000:.1f} ms | {cpu / ordinary:.0f}x |")
        print()
        goal("refusing a hostile JSON body up to the 5 MB cap (CPU)",
             f"< {GOAL_CPU_SECONDS:.0f} s", f"{worst:.2f} s", worst / GOAL_CPU_SECONDS,
             worst < GOAL_CPU_SECONDS)


if __name__ == "__main__":
    main()
