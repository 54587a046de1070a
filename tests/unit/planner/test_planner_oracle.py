"""Property tests: the planner against a brute-force oracle on small seeded instances.

The oracle below is deliberately naive and shares no code with the planner: it enumerates
every combination of runs, checks every constraint day by day and scores the soft
preferences, so "earliest finish, then best score" is simply the minimum over that list.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from datetime import date, timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from eigendossier.planner import Block, Preferences, Run, plan_route
from eigendossier.planner.problem import (
    compile_problem,
    compile_unless_hopeless,
    remaining_blocks,
)
from eigendossier.planner.search import finish_floor, hopeless
from tests.support_examples import examples

BASE = date(2030, 1, 7)
NAMES = ("time_of_day", "location", "learning_form", "max_parallel", "max_hours_per_week")
SETTINGS = settings(
    max_examples=examples(1000),
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# -- the oracle -------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    finish: date
    score: int
    runs: tuple[Run, ...]


def attribute(run: Run, name: str) -> str:
    if name == "time_of_day":
        return run.time_of_day
    if name == "location":
        return run.location_kind
    return run.learning_form


def wanted(prefs: Preferences, name: str) -> frozenset[str]:
    if name == "time_of_day":
        return prefs.times_of_day
    if name == "location":
        return prefs.locations
    return prefs.learning_forms


def breaks(run: Run, prefs: Preferences, name: str) -> bool:
    values = wanted(prefs, name)
    return bool(values) and attribute(run, name) not in values


def pace(run: Run, block: Block) -> float:
    if run.hours_per_week is not None:
        return run.hours_per_week
    return block.hours / (((run.end - run.start).days + 1) / 7)


def usable(run: Run, prefs: Preferences) -> bool:
    if run.seats_left <= 0 or run.start < prefs.start_date or run.end > prefs.horizon_end:
        return False
    run_names = ("time_of_day", "location", "learning_form")
    return not any(name in prefs.hard and breaks(run, prefs, name) for name in run_names)


def loads(combo, blocks_by_id) -> list[tuple[int, float]]:
    """(number of runs, hours per week) on every day from the first start to the last end."""
    first = min(r.start for r in combo)
    last = max(r.end for r in combo)
    days = []
    day = first
    while day <= last:
        going = [r for r in combo if r.start <= day <= r.end]
        days.append((len(going), sum(pace(r, blocks_by_id[r.block_id]) for r in going)))
        day += timedelta(days=1)
    return days


def over(prefs: Preferences, name: str, days) -> bool:
    if name == "max_parallel":
        return prefs.max_parallel is not None and any(n > prefs.max_parallel for n, _ in days)
    limit = prefs.max_hours_per_week
    return limit is not None and any(h > limit + 1e-9 for _, h in days)


def weight(prefs: Preferences, name: str) -> int:
    return prefs.weights.get(name, 1)


def score_of(combo, prefs: Preferences, days) -> int:
    score = 0
    for run in combo:
        for name in ("time_of_day", "location", "learning_form"):
            if name not in prefs.hard and breaks(run, prefs, name):
                score += weight(prefs, name)
    for name in ("max_parallel", "max_hours_per_week"):
        if name not in prefs.hard and over(prefs, name, days):
            score += weight(prefs, name)
    return score


def valid(combo, blocks_by_id, prefs: Preferences, exempt, days) -> bool:
    by_block = {r.block_id: r for r in combo}
    for run in combo:
        for before in blocks_by_id[run.block_id].prerequisites:
            if before not in exempt and not by_block[before].end < run.start:
                return False
    return not any(name in prefs.hard and over(prefs, name, days) for name in NAMES[3:])


def oracle(blocks, runs, prefs: Preferences, exempt) -> list[Found]:
    """Every feasible plan, with its finish and score."""
    blocks_by_id = {b.id: b for b in blocks}
    todo = [b for b in blocks if b.id not in exempt]
    if not todo:
        return []
    choices = [[r for r in runs if r.block_id == b.id and usable(r, prefs)] for b in todo]
    found = []
    for combo in itertools.product(*choices):
        days = loads(combo, blocks_by_id)
        if valid(combo, blocks_by_id, prefs, exempt, days):
            finish = max(r.end for r in combo)
            found.append(Found(finish, score_of(combo, prefs, days), combo))
    return found


def pareto(found: list[Found]) -> list[tuple[date, int]]:
    """The best (finish, score), then each next later finish with a strictly lower score."""
    points = sorted({(f.finish, f.score) for f in found})
    front = []
    for finish, score in points:
        if not front or score < front[-1][1]:
            front.append((finish, score))
    return front


# -- the instances ----------------------------------------------------------------------


@st.composite
def instances(draw, strict: bool = False):
    """Up to 8 blocks with a few runs each; ``strict`` draws tighter, often hopeless wishes."""
    n = draw(st.integers(1, 8))
    most_runs = 3 if n <= 5 else 2
    blocks, runs = [], []
    for i in range(n):
        before = draw(st.sets(st.integers(0, i - 1), max_size=2)) if i else set()
        hours = draw(st.sampled_from((7, 14, 28)))
        blocks.append(Block(f"b{i}", f"B{i}", hours / 28, hours, {f"b{j}" for j in before}))
        for k in range(draw(st.integers(1, most_runs))):
            start = BASE + timedelta(days=5 * i + draw(st.integers(0, 12)))
            runs.append(
                Run(
                    id=f"r{i}.{k}",
                    block_id=f"b{i}",
                    start=start,
                    end=start + timedelta(days=draw(st.integers(0, 7))),
                    time_of_day=draw(st.sampled_from(("daytime", "evening"))),
                    location_kind=draw(st.sampled_from(("school", "home"))),
                    learning_form=draw(st.sampled_from(("physical", "digital"))),
                    seats_left=draw(st.sampled_from((1, 2, 3, 5, 8) * 4 + (0,))),
                    hours_per_week=draw(st.sampled_from((None, None, 4.0, 8.0, 12.0))),
                )
            )
    prefs = draw(preferences(strict))
    exempt = draw(st.sets(st.sampled_from([b.id for b in blocks]), max_size=2))
    return blocks, runs, prefs, frozenset(exempt)


@st.composite
def preferences(draw, strict: bool = False):
    def some(values):
        return draw(st.sampled_from(((), (), values[:1], values[1:2], values[:2], values[1:])))

    hard_odds = (False, True) if strict else (False,) * 5 + (True,)
    return Preferences(
        start_date=BASE + timedelta(days=draw(st.integers(0, 3))),
        horizon_end=BASE + timedelta(days=draw(st.integers(25, 50)) if strict else 60),
        times_of_day=some(("daytime", "evening", "weekend")),
        locations=some(("school", "home")),
        learning_forms=some(("physical", "digital")),
        max_parallel=draw(st.sampled_from((2, 1, 3, None))),
        max_hours_per_week=draw(st.sampled_from((12.0, 20.0, 8.0, 30.0, None))),
        hard={name for name in NAMES[:3] if draw(st.sampled_from(hard_odds))}
        | {name for name in NAMES[3:] if draw(st.booleans())},
        weights={name: draw(st.integers(1, 3)) for name in NAMES},
    )


# -- independent checks of a returned plan ------------------------------------------------


def check_plan(plan, blocks, runs, prefs: Preferences, exempt) -> None:
    """The plan obeys every hard constraint and its score is what the oracle would give."""
    runs_by_id = {r.id: r for r in runs}
    blocks_by_id = {b.id: b for b in blocks}
    combo = tuple(runs_by_id[c.run_id] for c in plan.choices)
    assert sorted(r.block_id for r in combo) == sorted(b.id for b in blocks if b.id not in exempt)
    assert all(usable(r, prefs) for r in combo)
    days = loads(combo, blocks_by_id)
    assert valid(combo, blocks_by_id, prefs, exempt, days)
    assert plan.finish == max(r.end for r in combo)
    assert plan.score == score_of(combo, prefs, days)
    for choice in plan.choices:
        assert runs_by_id[choice.run_id].block_id == choice.block_id
        assert all(isinstance(reason["code"], str) for reason in choice.reasons)


def check_left_shifted(plan, blocks, runs, prefs: Preferences, exempt) -> None:
    """No block can move alone to an earlier-ending run without breaking or costing."""
    runs_by_id = {r.id: r for r in runs}
    blocks_by_id = {b.id: b for b in blocks}
    combo = [runs_by_id[c.run_id] for c in plan.choices]
    for i, run in enumerate(combo):
        for other in runs:
            if other.block_id != run.block_id or other.end >= run.end or not usable(other, prefs):
                continue
            trial = (*combo[:i], other, *combo[i + 1 :])
            days = loads(trial, blocks_by_id)
            if valid(trial, blocks_by_id, prefs, exempt, days):
                assert score_of(trial, prefs, days) > plan.score


# -- the properties -----------------------------------------------------------------------


@SETTINGS
@given(instances())
def test_plan_is_earliest_then_best_scored_and_alternatives_walk_the_pareto_front(instance):
    blocks, runs, prefs, exempt = instance
    found = oracle(blocks, runs, prefs, exempt)
    result = plan_route(blocks, runs, prefs, exempt, node_limit=None)
    if not [b for b in blocks if b.id not in exempt]:
        assert result.plan is not None
        assert result.plan.choices == ()
        return
    if not found:
        event("no route")
        assert result.plan is None
        assert result.infeasibility is not None
        return
    event(f"alternatives: {len(result.alternatives)}")
    event(f"hard pace: {sorted(set(prefs.hard) & {'max_parallel', 'max_hours_per_week'})}")
    assert result.plan is not None
    assert result.plan.optimal
    front = pareto(found)
    assert (result.plan.finish, result.plan.score) == front[0]
    check_plan(result.plan, blocks, runs, prefs, exempt)
    check_left_shifted(result.plan, blocks, runs, prefs, exempt)
    assert [(p.finish, p.score) for p in result.alternatives] == front[1:4]
    for alternative in result.alternatives:
        check_plan(alternative, blocks, runs, prefs, exempt)
        assert alternative.trade["days_later"] > 0
        assert alternative.trade["score_gain"] > 0


@settings(SETTINGS, max_examples=examples(500))
@given(instances(), st.sampled_from((40, 200, 100_000)))
def test_a_budgeted_search_that_says_optimal_agrees_with_the_oracle(instance, budget):
    """With a node budget the paced search also runs its deadline probes and keeps nodes back
    for perturbed schedules (neither runs without one): what it proves must still be the
    optimum, and what it does not prove must still be a feasible plan no better than it."""
    blocks, runs, prefs, exempt = instance
    if not [b for b in blocks if b.id not in exempt]:
        return
    found = oracle(blocks, runs, prefs, exempt)
    result = plan_route(blocks, runs, prefs, exempt, max_alternatives=0, node_limit=budget)
    if result.plan is None:
        assert not found or not result.alternatives_complete
        return
    front = pareto(found)
    key = (result.plan.finish, result.plan.score)
    event(f"optimal: {result.plan.optimal}")
    assert key == front[0] if result.plan.optimal else key >= front[0]
    check_plan(result.plan, blocks, runs, prefs, exempt)


@settings(SETTINGS, max_examples=examples(300))
@given(instances(strict=True))
def test_every_offered_relaxation_gives_the_plan_the_oracle_finds(instance):
    blocks, runs, prefs, exempt = instance
    result = plan_route(blocks, runs, prefs, exempt, max_alternatives=0, node_limit=None)
    if result.plan is not None:
        return
    assert result.infeasibility.causes
    event(f"relaxations: {len(result.infeasibility.relaxations)}")
    keys = []
    for relaxation in result.infeasibility.relaxations:
        relaxed = relaxed_preferences(prefs, relaxation.change, blocks, runs, exempt)
        front = pareto(oracle(blocks, runs, relaxed, exempt))
        assert (relaxation.plan.finish, relaxation.plan.score) == front[0]
        check_plan(relaxation.plan, blocks, runs, relaxed, exempt)
        keys.append((relaxation.plan.finish, relaxation.plan.score))
    assert keys == sorted(keys)


def relaxed_preferences(prefs: Preferences, change, blocks, runs, exempt) -> Preferences:
    latest = max(r.end for r in runs if r.block_id not in exempt)
    if change["code"] == "make_soft":
        return replace(prefs, hard=prefs.hard - {change["preference"]})
    if change["code"] == "extend_horizon":
        return replace(prefs, horizon_end=max(latest, prefs.horizon_end))
    assert change["code"] == "relax_all"
    return replace(prefs, hard=frozenset(), horizon_end=max(latest, prefs.horizon_end))


def _weekly(draw, hours: int, paces: tuple[float, ...] | None) -> tuple[int, list, list]:
    """2 to 5 blocks of ``hours`` (each after at most one earlier block), each with one to
    three runs of one to three weeks on a weekly grid of ``weeks``, at a pace drawn from
    ``paces`` (``None``: the block's own), as (weeks, blocks, runs)."""
    n = draw(st.integers(2, 5))
    weeks = draw(st.integers(n, 2 * n + 1))
    blocks, runs = [], []
    for i in range(n):
        before = draw(st.sets(st.integers(0, i - 1), max_size=1)) if i else set()
        blocks.append(Block(f"b{i}", f"B{i}", 1, hours, {f"b{j}" for j in before}))
        for k, week in enumerate(draw(st.sets(st.integers(0, weeks - 1), min_size=1, max_size=3))):
            start = BASE + timedelta(weeks=week)
            length = timedelta(weeks=draw(st.integers(1, 3)), days=-1)
            pace = {} if paces is None else {"hours_per_week": draw(st.sampled_from(paces))}
            runs.append(Run(f"r{i}.{k}", f"b{i}", start, start + length, "daytime", "school",
                            "physical", 5, **pace))
    return weeks, blocks, runs


@st.composite
def cut_short(draw):
    """Blocks on a weekly grid under one or two tracks, with runs the grid's end cuts short."""
    weeks, blocks, runs = _weekly(draw, hours=14, paces=None)
    prefs = Preferences(
        start_date=BASE,
        horizon_end=BASE + timedelta(weeks=weeks + 3),
        max_parallel=draw(st.sampled_from((1, 2))),
        max_hours_per_week=draw(st.sampled_from((None, 7.0, 14.0))),
        hard={"max_parallel", "max_hours_per_week"},
    )
    return blocks, runs, prefs


@settings(SETTINGS, max_examples=examples(300))
@given(cut_short())
def test_counting_moments_proves_no_route_only_when_there_is_none(instance):
    """:func:`hopeless` and :func:`compile_unless_hopeless` let the explanations skip a
    search (and a compile): they must never be wrong."""
    blocks, runs, prefs = instance
    todo = remaining_blocks(blocks, ())[0]
    problem = compile_problem(todo, runs, prefs, ())
    unless = compile_unless_hopeless(todo, runs, prefs, ())
    if unless is None:
        event("hopeless before compiling")
        assert hopeless(problem)  # the compiled count is at least as tight
    if hopeless(problem):
        event("hopeless")
        assert not oracle(blocks, runs, prefs, frozenset())


@settings(SETTINGS, max_examples=examples(300))
@given(st.one_of(instances(strict=True), cut_short().map(lambda i: (*i, frozenset()))))
def test_every_relaxation_the_oracle_finds_a_plan_for_is_offered(instance):
    """Without a node budget a relaxation is left out only when it has no plan: the
    counting that skips searches (and compiles) must never drop one that has."""
    blocks, runs, prefs, exempt = instance
    result = plan_route(blocks, runs, prefs, exempt, max_alternatives=0, node_limit=None)
    if result.plan is not None:
        return
    offered = {_change_key(r.change) for r in result.infeasibility.relaxations}
    expected = set()
    for name in prefs.hard_set():
        if oracle(blocks, runs, replace(prefs, hard=prefs.hard - {name}), exempt):
            expected.add(("make_soft", name))
    latest = max((r.end for r in runs if r.block_id not in exempt), default=prefs.horizon_end)
    if latest > prefs.horizon_end and oracle(blocks, runs, replace(prefs, horizon_end=latest),
                                             exempt):
        expected.add(("extend_horizon", None))
    if not expected:
        everything = replace(prefs, hard=frozenset(), horizon_end=max(latest, prefs.horizon_end))
        if oracle(blocks, runs, everything, exempt):
            expected.add(("relax_all", None))
    event(f"relaxations: {len(expected)}")
    assert offered == expected


def _change_key(change) -> tuple[str, str | None]:
    return change["code"], change.get("preference")


@st.composite
def ill_fitting(draw):
    """Blocks on a weekly grid at paces that fill a weekly hours limit badly side by side
    (a 10-hour run under 16 leaves 6 hours only the lightest runs can use)."""
    weeks, blocks, runs = _weekly(draw, hours=28, paces=(6.0, 10.0, 11.0, 12.0))
    prefs = Preferences(
        start_date=BASE,
        horizon_end=BASE + timedelta(weeks=weeks + 1),
        max_parallel=draw(st.sampled_from((None, 3))),
        max_hours_per_week=draw(st.sampled_from((16.0, 20.0))),
        hard={"max_hours_per_week"} | ({"max_parallel"} if draw(st.booleans()) else set()),
    )
    return blocks, runs, prefs


@settings(SETTINGS, max_examples=examples(500))
@given(ill_fitting())
def test_the_proven_finish_floor_never_passes_the_earliest_plan(instance):
    """Plans that fill the weekly hours badly let the packing bound raise the finish floor,
    and a floor past the last date proves that there is no route: it must never pass a
    plan the oracle finds."""
    blocks, runs, prefs = instance
    problem = compile_problem(remaining_blocks(blocks, ())[0], runs, prefs, ())
    floor = finish_floor(problem)
    found = oracle(blocks, runs, prefs, frozenset())
    if not found:
        event("no route")
        return
    event("floor met" if floor == min(f.finish for f in found).toordinal() else "floor below")
    assert floor <= min(f.finish for f in found).toordinal()
    result = plan_route(blocks, runs, prefs, max_alternatives=0, node_limit=None)
    assert result.plan is not None
    assert (result.plan.finish, result.plan.score) == pareto(found)[0]
