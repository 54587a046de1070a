"""Benchmark the route planner on a carousel-sized catalogue, against a naive greedy baseline.

Run as ``python bench/bench_planner.py``. It builds one seeded catalogue (40 blocks, 12 starts
a year, 4 variants, 6 years: 11,520 runs), plans 30 learners with varying preferences, and
prints one table: time per plan p50/p95 of the exact planner and of the greedy baseline, how
many answers the planner proved (optimal plan or no route), the mean months to finish, and
how the finish dates compare (same learners, one run, side by side). "months" counts from the
learner's start date. Times are CPU time of this process (the planner is single-threaded),
so other load on a shared machine does not inflate them.

Then it plans the first ten learners again on a catalogue with ten times the runs (a start
every 3 days instead of every month: 115,200 runs) and reports how the time grows.

Last, the peer: Google OR-Tools' CP-SAT (which issue #18 suggests) on the learners whose
plan ours could not prove, with 10 s and both cores each (ours: one core, under a second).
It runs in its own virtualenv, .venv-cpsat, built from bench/cpsat-requirements.txt on the
first run; bench/cpsat_peer_worker.py holds the model. Its plans are checked here against
every hard limit before they count.
"""

from __future__ import annotations

import gc
import json
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from goals import goal
from services import peer_python

from eigendossier.planner import (
    LEARNING_FORM,
    LOCATION,
    MAX_HOURS_PER_WEEK,
    MAX_PARALLEL,
    NODE_LIMIT,
    TIME_OF_DAY,
    Block,
    Preferences,
    Run,
    plan_route,
)
from eigendossier.planner.route import _compile
from eigendossier.planner.search import variants
from eigendossier.planner.types import EPS, peak, profile_of

SEED = 20260101
BLOCKS = 40
STARTS_PER_YEAR = 12
YEARS = 6
FIRST_YEAR = 2026
PLANS = 30
GROWTH_PLANS = 10
GOAL_P95_MS = 50.0
# (time of day, location, learning form, months): the four variants of every block
VARIANTS = (
    ("daytime", "school", "physical", 2),
    ("evening", "community_centre", "physical", 3),
    ("weekend", "company", "practical", 3),
    ("evening", "home", "digital", 2),
)


@dataclass(frozen=True)
class Learner:
    preferences: Preferences
    exemptions: frozenset[str]


def catalogue(rng: random.Random) -> tuple[list[Block], list[Run]]:
    """40 blocks in carousel order, each offered monthly in four variants for six years."""
    blocks = [_block(i, rng) for i in range(BLOCKS)]
    runs = [run for i, block in enumerate(blocks) for run in _runs(i, block, rng)]
    return blocks, runs


def _block(i: int, rng: random.Random) -> Block:
    prerequisites = set()
    if i and rng.random() < 0.5:
        prerequisites.add(f"B{i:02d}")
    if i > 4 and rng.random() < 0.2:
        prerequisites.add(f"B{rng.randint(i - 4, i - 1):02d}")
    ec = rng.choice((3, 4, 5, 6))
    return Block(f"B{i + 1:02d}", f"B{i + 1:02d}", ec, ec * 28, frozenset(prerequisites))


def dense_runs(blocks: list[Block], rng: random.Random, per_year: int = 120) -> list[Run]:
    """Ten times the runs: the same four variants starting every 365/120 days."""
    runs = []
    for block in blocks:
        for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
            for k in range(per_year):
                start = date(year, 1, 1) + timedelta(days=k * 365 // per_year)
                for v, (time_of_day, location, form, months) in enumerate(VARIANTS):
                    seats = 0 if rng.random() < 0.08 else rng.randint(1, 20)
                    runs.append(
                        Run(
                            id=f"{block.id}-{year}-{k:03d}-{v}",
                            block_id=block.id,
                            start=start,
                            end=start + timedelta(days=round(months * 30.44) - 1),
                            time_of_day=time_of_day,
                            location_kind=location,
                            learning_form=form,
                            seats_left=seats,
                        )
                    )
    return runs


def _runs(i: int, block: Block, rng: random.Random) -> list[Run]:
    runs = []
    for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
        for month in range(1, STARTS_PER_YEAR + 1):
            start = _first_monday(year, month)
            for v, (time_of_day, location, form, months) in enumerate(VARIANTS):
                seats = 0 if rng.random() < 0.08 else rng.randint(1, 20)
                runs.append(
                    Run(
                        id=f"{block.id}-{year}{month:02d}-{v}",
                        block_id=block.id,
                        start=start,
                        end=_first_monday(*_add_months(year, month, months)) - timedelta(days=1),
                        time_of_day=time_of_day,
                        location_kind=location,
                        learning_form=form,
                        seats_left=seats,
                    )
                )
    return runs


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def _first_monday(year: int, month: int) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def learners(rng: random.Random, blocks: list[Block]) -> list[Learner]:
    return [_learner(rng, blocks) for _ in range(PLANS)]


def _learner(rng: random.Random, blocks: list[Block]) -> Learner:
    """An adult learner: a start this year, a pace, some wishes hard and some soft."""
    start = date(FIRST_YEAR, 1, 1) + timedelta(days=rng.randint(0, 300))
    hard = {name for name in (TIME_OF_DAY, LOCATION, LEARNING_FORM) if rng.random() < 0.3}
    hard |= {name for name in (MAX_PARALLEL, MAX_HOURS_PER_WEEK) if rng.random() < 0.6}
    prefs = Preferences(
        start_date=start,
        horizon_end=date(FIRST_YEAR + YEARS - 1, 12, 31),
        times_of_day=_some(rng, ("evening", "weekend", "daytime")),
        locations=_some(rng, ("home", "community_centre", "company", "school")),
        learning_forms=_some(rng, ("digital", "physical", "practical")),
        max_parallel=rng.choice((None, 1, 2, 2, 3)),
        max_hours_per_week=rng.choice((None, 16.0, 20.0, 24.0, 32.0)),
        hard=frozenset(hard),
    )
    exempt = frozenset(b.id for b in blocks if rng.random() < 0.15)
    return Learner(prefs, exempt)


def _some(rng: random.Random, values: tuple[str, ...]) -> frozenset[str]:
    if rng.random() < 0.3:
        return frozenset()
    return frozenset(v for v in values if rng.random() < 0.6) or frozenset(values[:1])


# -- the naive baseline -------------------------------------------------------------------


def greedy(blocks: list[Block], runs: list[Run], person: Learner) -> date | None:
    """Blocks in carousel order, each taking the first run that fits what is already chosen.

    Ignores soft wishes; respects seats, the window, hard wishes, prerequisites and the hard
    pace limits. ``None`` when some block finds no run.
    """
    prefs, chosen = person.preferences, {}
    by_block: dict[str, list[Run]] = {}
    for run in sorted(runs, key=lambda r: (r.start, r.end)):
        by_block.setdefault(run.block_id, []).append(run)
    for block in blocks:
        if block.id in person.exemptions:
            continue
        ready = max((chosen[p][0].end for p in block.prerequisites if p in chosen), default=None)
        pick = next(
            (r for r in by_block.get(block.id, []) if _fits(r, block, ready, prefs, chosen)),
            None,
        )
        if pick is None:
            return None
        chosen[block.id] = (pick, pick.pace(block))
    return max(run.end for run, _ in chosen.values()) if chosen else None


def _fits(run: Run, block: Block, ready: date | None, prefs: Preferences, chosen) -> bool:
    if run.seats_left <= 0 or run.start < prefs.start_date or run.end > prefs.horizon_end:
        return False
    if ready is not None and run.start <= ready:
        return False
    for name, value in (
        (TIME_OF_DAY, run.time_of_day),
        (LOCATION, run.location_kind),
        (LEARNING_FORM, run.learning_form),
    ):
        if prefs.is_hard(name) and value not in prefs.wanted(name):
            return False
    overlapping = [(r, h) for r, h in chosen.values() if r.start <= run.end and run.start <= r.end]
    days = {r.start for r, _ in overlapping if r.start >= run.start} | {run.start}
    for day in days:
        going = [h for r, h in overlapping if r.start <= day <= r.end] + [run.pace(block)]
        if prefs.is_hard(MAX_PARALLEL) and len(going) > (prefs.max_parallel or 0):
            return False
        if prefs.is_hard(MAX_HOURS_PER_WEEK) and sum(going) > (prefs.max_hours_per_week or 0):
            return False
    return True


# -- the table ----------------------------------------------------------------------------


@dataclass
class Outcome:
    seconds: float
    finish: date | None
    proven: bool = False  # an optimal plan, or a proof that there is no route
    score: int | None = None


def measure(blocks, runs, people) -> tuple[list[Outcome], list[Outcome]]:
    """Plan every learner with both methods, one after the other, in this process."""
    planner, baseline = [], []
    for person in people:
        t0 = time.process_time()
        result = plan_route(blocks, runs, person.preferences, person.exemptions)
        t1 = time.process_time()
        finish = greedy(blocks, runs, person)
        t2 = time.process_time()
        planner.append(Outcome(t1 - t0, *_verdict(result)))
        baseline.append(Outcome(t2 - t1, finish))
    return planner, baseline


def _verdict(result) -> tuple[date | None, bool, int | None]:
    if result.plan is not None:
        return result.plan.finish, result.plan.optimal, result.plan.score
    causes = {cause["code"] for cause in result.infeasibility.causes}
    return None, "search_limit_reached" not in causes, None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def months(outcome: Outcome, person: Learner) -> float | None:
    if outcome.finish is None:
        return None
    return (outcome.finish - person.preferences.start_date).days / 30.44


def report(people, planner: list[Outcome], baseline: list[Outcome], runs: int) -> None:
    print(f"## route planner: {BLOCKS} blocks, {runs:,} runs, {len(people)} learners\n")
    print(f"Search budget: {NODE_LIMIT:,} nodes per plan request (past it: optimal false). "
          "CPU time per plan, in one process whose start-up objects are frozen, as the app's.\n")
    print("```")
    print(f"{'':16} {'p50 ms':>8} {'p95 ms':>8} {'routes':>7} {'proven':>7} {'months':>7}")
    p50s = []
    for name, outcomes in (("exact planner", planner), ("greedy baseline", baseline)):
        ms = [o.seconds * 1000 for o in outcomes]
        spans = [m for o, p in zip(outcomes, people, strict=True) if (m := months(o, p))]
        proven = f"{sum(o.proven for o in outcomes)}/{len(outcomes)}" if name[0] == "e" else "-"
        p50s.append(percentile(ms, 0.5))
        print(
            f"{name:16} {p50s[-1]:8.1f} {percentile(ms, 0.95):8.1f} {len(spans):7d} "
            f"{proven:>7} {statistics.mean(spans) if spans else float('nan'):7.1f}"
        )
    both = [
        (a, b)
        for o1, o2, p in zip(planner, baseline, people, strict=True)
        if (a := months(o1, p)) is not None and (b := months(o2, p)) is not None
    ]
    earlier = sum(1 for a, b in both if a < b - 1e-9)
    later = sum(1 for a, b in both if a > b + 1e-9)
    ratio = statistics.mean(a / b for a, b in both) if both else float("nan")
    print(
        f"finish vs greedy: earlier {earlier}, same {len(both) - earlier - later}, later {later} "
        f"of {len(both)}; route length ratio {ratio:.2f}; p50 time ratio {p50s[0] / p50s[1]:.0f}x"
    )
    print("```")
    p95 = percentile([o.seconds * 1000 for o in planner], 0.95)
    proven = sum(o.proven for o in planner)
    goal(f"route planner p95, {BLOCKS} blocks x {runs // BLOCKS} runs, {len(people)} learners",
         f"<= {GOAL_P95_MS:.0f} ms", f"{p95:,.0f} ms", p95 / GOAL_P95_MS, p95 <= GOAL_P95_MS)
    goal("route planner answers proven optimal", f"{len(people)}/{len(people)}",
         f"{proven}/{len(people)}", proven / len(people), proven == len(people))


def growth(blocks, sparse, dense, people) -> None:
    """The same learners on 1x and 10x the runs: per-learner time ratio."""
    times = {}
    for name, runs in (("1x", sparse), ("10x", dense)):
        outcomes = []
        for person in people:
            t0 = time.process_time()
            result = plan_route(blocks, runs, person.preferences, person.exemptions)
            outcomes.append((time.process_time() - t0, _verdict(result)[1]))
        times[name] = outcomes
    print(f"\n### growth: the first {len(people)} learners on 1x and 10x the runs\n")
    print("| catalogue | runs | p50 ms | p95 ms | proven |")
    print("|---|---:|---:|---:|---:|")
    for name, runs in (("1x", sparse), ("10x", dense)):
        ms = [t * 1000 for t, _ in times[name]]
        proven = sum(p for _, p in times[name])
        print(f"| {name} | {len(runs):,} | {percentile(ms, 0.5):,.0f} | "
              f"{percentile(ms, 0.95):,.0f} | {proven}/{len(people)} |")
    ratios = sorted(b / a for (a, _), (b, _) in zip(times["1x"], times["10x"], strict=True))
    print(f"\nTime per learner at 10x the runs / at 1x: median {statistics.median(ratios):.1f}x, "
          f"range {ratios[0]:.1f}x to {ratios[-1]:.1f}x.")


# -- the peer: CP-SAT ---------------------------------------------------------------------

PEER_SECONDS = 10.0
PEER_WORKERS = 2
ROOT = Path(__file__).resolve().parents[1]
PEER_VENV = ROOT / ".venv-cpsat"
PEER_LOCK = ROOT / "bench" / "cpsat-requirements.txt"
PEER_WORKER = ROOT / "bench" / "cpsat_peer_worker.py"


def install_peer(python: Path) -> None:
    """OR-Tools and its dependencies with uv, exactly as hashed in the lock."""
    uv = Path(sys.executable).parent / "uv"
    subprocess.run([str(uv), "venv", "--quiet", "--clear", "--python", sys.executable,
                    str(PEER_VENV)], check=True)
    subprocess.run([str(uv), "pip", "install", "--quiet", "--python", str(python),
                    "--require-hashes", "-r", str(PEER_LOCK)], check=True)


def question(number: int, problem) -> dict:
    """One learner's compiled question as the worker reads it (see its docstring)."""
    return {
        "learner": number,
        "variants": [
            {
                "options": [[[o.s, o.e, o.hpw, o.cost] for o in opts] for opts in v.options],
                "preds": [list(p) for p in v.preds],
                "hard_hours": v.hard_hours,
                "hard_parallel": v.hard_parallel,
                "base_score": v.base_score,
            }
            for v in variants(problem)
        ],
    }


def keeps_the_limits(variant, chosen) -> bool:
    """A CP-SAT plan checked with our own arithmetic: prerequisites first, and at no start
    date more runs or hours a week than the variant allows."""
    for after, befores in enumerate(variant.preds):
        if any(chosen[before].e >= chosen[after].s for before in befores):
            return False
    profile = profile_of(chosen)
    for o in chosen:
        count, hours = peak(profile, o.s, o.s)
        if variant.hard_parallel is not None and count > variant.hard_parallel:
            return False
        if variant.hard_hours is not None and hours > variant.hard_hours + EPS:
            return False
    return True


def peer(blocks, runs, people, planner: list[Outcome]) -> None:
    """CP-SAT on the learners ours did not prove: finish and score side by side."""
    unproven = [i for i, o in enumerate(planner) if not o.proven]
    print(f"\n### peer: CP-SAT on the {len(unproven)} learners ours did not prove\n")
    if not unproven:
        print("Ours proved every answer.")
        return
    problems = {i: _compile(blocks, runs, people[i].preferences, people[i].exemptions)
                for i in unproven}
    lines = "".join(json.dumps(question(i, problems[i])) + "\n" for i in unproven)
    done = subprocess.run(
        [str(peer_python(PEER_VENV, PEER_LOCK, install_peer)), str(PEER_WORKER),
         str(PEER_SECONDS), str(PEER_WORKERS)],
        input=lines, capture_output=True, text=True, timeout=3600, check=False)
    if done.returncode:
        raise SystemExit(f"the CP-SAT worker failed:\n{done.stderr[-3000:]}")
    answers = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    print(f"CP-SAT {PEER_SECONDS:.0f} s and {PEER_WORKERS} workers per learner; ours: one core "
          f"and its {NODE_LIMIT:,}-node budget. Finish as a date, score after the slash.\n")
    print("| learner | ours | ours ms | CP-SAT | CP-SAT proven | CP-SAT CPU s | checked |")
    print("|---:|---|---:|---|---|---:|---|")
    earlier = same = later = proven = 0
    for answer in answers:
        i, best = answer["learner"], answer["best"]
        ours = planner[i]
        shown_ours = f"{ours.finish} / {ours.score}" if ours.finish else "none found"
        checked, shown_peer = "-", "none found"
        if best is not None:
            variant = variants(problems[i])[best["variant"]]
            chosen = [opts[k] for opts, k in zip(variant.options, best["picks"], strict=True)]
            checked = "yes" if keeps_the_limits(variant, chosen) else "NO"
            peer_finish = date.fromordinal(best["finish"])
            shown_peer = f"{peer_finish} / {best['score']}"
            mine = (ours.finish.toordinal(), ours.score) if ours.finish else None
            theirs = (best["finish"], best["score"])
            if mine is None or theirs < mine:
                earlier += 1
            elif theirs == mine:
                same += 1
            else:
                later += 1
        proven += answer["proven"]
        print(f"| {i} | {shown_ours} | {ours.seconds * 1000:,.0f} | {shown_peer} | "
              f"{'yes' if answer['proven'] else 'no'} | {answer['cpu']:.1f} | {checked} |")
    ours_ms = statistics.median(planner[i].seconds * 1000 for i in unproven)
    peer_ms = statistics.median(a["cpu"] * 1000 for a in answers)
    print(f"\nCP-SAT better (finish, then score) for {earlier}, the same for {same}, worse for "
          f"{later} of {len(answers)}; it proved {proven} of {len(answers)}. Median CPU: ours "
          f"{ours_ms:,.0f} ms, CP-SAT {peer_ms:,.0f} ms ({peer_ms / ours_ms:.0f}x).")


def main() -> None:
    # As the app does once it has started (eigendossier._freeze_start_up_objects): what the
    # imports made stays out of full collections, which otherwise walk the ~130,000 objects
    # of the modules imported (about 50 ms each, landing on whichever plans they fall in).
    # The catalogue and each plan's objects are made after this, as in a worker's request.
    gc.freeze()
    rng = random.Random(SEED)  # noqa: S311 - a repeatable workload, not a secret
    blocks, runs = catalogue(rng)
    people = learners(rng, blocks)
    planner, baseline = measure(blocks, runs, people)
    report(people, planner, baseline, len(runs))
    dense = dense_runs(blocks, random.Random(SEED + 10))  # noqa: S311 - as above
    growth(blocks, runs, dense, people[:GROWTH_PLANS])
    peer(blocks, runs, people, planner)


if __name__ == "__main__":
    main()
