"""A plan request end to end against the planner alone: what the API adds to planning.

Run as ``python bench/bench_plan_request.py``. It loads bench_planner.py's catalogue (40 blocks,
11,520 runs; every date moved a whole number of weeks forward so that no learner starts in
the past) into an embedded SQLite database, signs a learner in, and plans the first ten of
bench_planner's learners twice each, side by side: POST /api/v1/routes/plan through the app
in this process (reading the offer, persona defaults, planning, the answer's JSON), and
plan_route alone on the same blocks, runs and preferences. Times are CPU time of this
process, the least of the two tries.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "backend"))
sys.path.insert(0, str(ROOT / "bench"))

import bench_planner  # noqa: E402

from eigendossier.planner import Block, Preferences, Run, plan_route  # noqa: E402

LEARNERS = 10
TRIES = 2


def shifted(blocks: list[Block], runs: list[Run], people) -> tuple[list[Run], list]:
    """Runs and learners moved forward by whole weeks, the earliest start a week from now."""
    first = min(p.preferences.start_date for p in people)
    weeks = max(0, (date.today() - first).days // 7 + 1)
    shift = timedelta(weeks=weeks)
    moved = [replace(r, start=r.start + shift, end=r.end + shift) for r in runs]
    learners = [
        replace(p, preferences=replace(p.preferences, start_date=p.preferences.start_date + shift,
                                       horizon_end=p.preferences.horizon_end + shift))
        for p in people
    ]
    return moved, learners


def document(blocks: list[Block], runs: list[Run]) -> str:
    """The catalogue as the YAML a school imports."""
    lines = ["institutions: [{slug: bench, name: Bench College}]", "qualifications:",
             "  - institution: bench", '    crebo: "99999"', "    name: {nl: Bench, en: Bench}",
             "    level: 3", "    blocks:"]
    by_block: dict[str, list[Run]] = {}
    for run in runs:
        by_block.setdefault(run.block_id, []).append(run)
    for block in blocks:
        lines.append(f"      - {{code: {block.id}, name: {{nl: {block.id}, en: {block.id}}}, "
                     f"ec: {block.ec}, hours: {int(block.hours)}, "
                     f"prerequisites: [{', '.join(sorted(block.prerequisites))}], runs: [")
        lines.extend(
            f"          {{code: {r.id}, start: '{r.start}', end: '{r.end}', "
            f"time_of_day: {r.time_of_day}, location_kind: {r.location_kind}, "
            f"learning_form: {r.learning_form}, seats_total: {max(r.seats_left, 1)}, "
            f"seats_taken: {0 if r.seats_left else 1}}},"
            for r in by_block[block.id]
        )
        lines.append("        ]}")
    return "\n".join(lines) + "\n"


def body(qualification_id: int, prefs: Preferences) -> dict:
    return {
        "qualification_id": qualification_id,
        "persona": "bijscholing",
        "use_exemptions": False,
        "preferences": {
            "start_date": prefs.start_date.isoformat(),
            "horizon_end": prefs.horizon_end.isoformat(),
            "times_of_day": sorted(prefs.times_of_day),
            "locations": sorted(prefs.locations),
            "learning_forms": sorted(prefs.learning_forms),
            "max_parallel": prefs.max_parallel,
            "max_hours_per_week": prefs.max_hours_per_week,
            "hard": sorted(prefs.hard),
        },
    }


def app_with(catalogue: str, tmp: str):
    from eigendossier import create_app
    from eigendossier.catalog.models import Qualification
    from eigendossier.catalog.service import import_catalog
    from eigendossier.core.extensions import db
    from tests.support import ApiClient, sign_up

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/bench.db", "DEMO_DATA": False,
                      "INSTANCE_PATH": tmp, "SECRET_KEY": "bench", "VOUCHER_PEPPER": "bench",
                      "SINGLE_NODE": True})
    app.test_client_class = ApiClient
    with app.app_context():
        db.create_all()
        import_catalog(catalogue)
        qualification_id = db.session.scalars(db.select(Qualification.id)).one()
    client = app.test_client()
    sign_up(client)
    return client, qualification_id


def least(call) -> tuple[float, object]:
    best, answer = float("inf"), None
    for _ in range(TRIES):
        t0 = time.process_time()
        answer = call()
        best = min(best, time.process_time() - t0)
    return best * 1000, answer


def main() -> None:
    rng = random.Random(bench_planner.SEED)  # noqa: S311 - a repeatable workload, not a secret
    blocks, runs = bench_planner.catalogue(rng)
    people = bench_planner.learners(rng, blocks)[:LEARNERS]
    runs, people = shifted(blocks, runs, people)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.process_time()
        client, qualification_id = app_with(document(blocks, runs), tmp)
        loaded = time.process_time() - t0
        rows = []
        for person in people:
            prefs = person.preferences
            api, response = least(lambda prefs=prefs: client.post(
                "/api/v1/routes/plan", json=body(qualification_id, prefs)))
            assert response.status_code == 200, response.get_json()
            alone, _ = least(lambda prefs=prefs: plan_route(blocks, runs, prefs))
            rows.append((api, alone))
    print(f"## a plan request end to end: {len(blocks)} blocks, {len(runs):,} runs, SQLite\n")
    print(f"Catalogue imported in {loaded:.1f} s of CPU. Per learner, CPU ms, least of {TRIES}:\n")
    print("| learner | POST /api/v1/routes/plan | plan_route alone | the API adds |")
    print("|---:|---:|---:|---:|")
    for i, (api, alone) in enumerate(rows):
        print(f"| {i} | {api:.0f} | {alone:.0f} | {api - alone:.0f} |")
    added = [api - alone for api, alone in rows]
    ratio = statistics.median(api / alone for api, alone in rows)
    print(f"\nMedian the API adds: {statistics.median(added):.0f} ms; median request / planner "
          f"alone: {ratio:.2f}x.")


if __name__ == "__main__":
    main()
