"""The two exact engines agree where both apply, on instances too big for brute force."""

import itertools
from dataclasses import replace
from datetime import timedelta

from hypothesis import event, given, settings
from hypothesis import strategies as st

from eigendossier.planner import Block, Preferences, Run, paced
from eigendossier.planner.problem import compile_problem, remaining_blocks
from eigendossier.planner.search import _engine, finish_floor, solve, variants
from eigendossier.planner.types import OutOfNodes, SearchStats
from tests.support_examples import examples
from tests.support_planner import DAY, carousels


@st.composite
def catalogues(draw, fewest: int = 6, most: int = 16):
    n = draw(st.integers(fewest, most))
    blocks, runs = [], []
    for i in range(n):
        before = {f"b{j}" for j in draw(st.sets(st.integers(0, i - 1), max_size=2))} if i else set()
        blocks.append(Block(f"b{i}", f"B{i}", 1, 28, before))
        for k in range(draw(st.integers(2, 6))):
            start = DAY + timedelta(weeks=3 * i + draw(st.integers(0, 20)))
            runs.append(
                Run(
                    f"r{i}.{k}",
                    f"b{i}",
                    start,
                    start + timedelta(weeks=draw(st.integers(1, 8)), days=-1),
                    draw(st.sampled_from(("daytime", "evening"))),
                    "school",
                    "physical",
                    draw(st.sampled_from((3, 1, 2, 5, 0))),
                )
            )
    return blocks, runs


@settings(max_examples=examples(150), derandomize=True, deadline=None)
@given(catalogues(), st.booleans())
def test_a_pace_limit_that_never_binds_changes_nothing(catalogue, soft_evening):
    blocks, runs = catalogue
    todo, _ = remaining_blocks(blocks, ())
    wishes = {"times_of_day": {"evening"}} if soft_evening else {}
    free = Preferences(DAY, DAY + timedelta(weeks=80), **wishes)
    roomy = Preferences(
        DAY, DAY + timedelta(weeks=80), max_parallel=len(blocks), hard={"max_parallel"}, **wishes
    )
    unpaced = solve(compile_problem(todo, runs, free, ()))
    paced = solve(compile_problem(todo, runs, roomy, ()), stats=SearchStats())
    assert (unpaced is None) == (paced is None)
    event("no plan" if unpaced is None else "plan")
    if unpaced is not None:
        assert (unpaced.finish, unpaced.score) == (paced.finish, paced.score)


@settings(max_examples=examples(150), derandomize=True, deadline=None)
@given(
    st.one_of(catalogues(5, 10), carousels()),
    st.sampled_from((2, 1, 3)),
    st.sampled_from((None, 14.0, 20.0)),
)
def test_remembering_states_never_loses_the_optimum(catalogue, parallel, hours):
    """The paced engine's memo against the same search that forgets every state."""
    from eigendossier.planner import paced

    blocks, runs = catalogue
    todo, _ = remaining_blocks(blocks, ())
    wishes = Preferences(
        DAY,
        DAY + timedelta(weeks=80),
        times_of_day={"evening"},
        max_parallel=parallel,
        max_hours_per_week=hours,
        hard={"max_parallel", "max_hours_per_week"},
    )
    problem = compile_problem(todo, runs, wishes, ())
    first = solve(problem)
    budgets = [None] if first is None or first.score == 0 else [None, first.score]
    for budget in budgets:  # the second one is the search for the next alternative
        remembered = solve(problem, max_score=budget)
        known, paced._Paced._known = paced._Paced._known, lambda *_: False
        try:
            forgotten = solve(problem, max_score=budget)
        finally:
            paced._Paced._known = known
        assert (remembered is None) == (forgotten is None)
        if remembered is not None:
            assert remembered.key == forgotten.key
    event(f"searches: {len(budgets)}" if first else "no plan")


def test_a_long_chain_is_planned_without_touching_the_recursion_limit(monkeypatch):
    """One start moment per level: 600 of them went deeper than Python's default limit."""
    import sys

    def refuse(limit):
        raise AssertionError("the planner changed the process-wide recursion limit")

    monkeypatch.setattr(sys, "setrecursionlimit", refuse)
    blocks, runs = [], []
    for i in range(600):
        blocks.append(Block(f"b{i}", f"B{i}", 1, 28, {f"b{i - 1}"} if i else set()))
        start = DAY + timedelta(weeks=i)
        runs.append(Run(f"r{i}", f"b{i}", start, start + timedelta(days=6), "daytime",
                        "school", "physical", 3))
    todo, _ = remaining_blocks(blocks, ())
    wishes = Preferences(DAY, DAY + timedelta(weeks=700), max_parallel=1, hard={"max_parallel"})
    found = solve(compile_problem(todo, runs, wishes, ()))
    assert found is not None
    assert found.proven
    assert found.finish == (DAY + timedelta(weeks=599, days=6)).toordinal()


@settings(max_examples=60, derandomize=True, deadline=None)
@given(
    st.one_of(catalogues(5, 10), carousels()),
    st.sampled_from((2, 1)),
    st.sampled_from((None, 14.0)),
)
def test_starting_from_a_list_schedule_never_changes_the_optimum(catalogue, parallel, hours):
    """The paced engine seeded by packing's max-fill schedules against the unseeded search."""
    from eigendossier.planner import packing

    blocks, runs = catalogue
    todo, _ = remaining_blocks(blocks, ())
    wishes = Preferences(
        DAY,
        DAY + timedelta(weeks=80),
        times_of_day={"evening"},
        max_parallel=parallel,
        max_hours_per_week=hours,
        hard={"max_parallel", "max_hours_per_week"},
    )
    problem = compile_problem(todo, runs, wishes, ())
    seeded = solve(problem)
    seed, packing.best_schedule = packing.best_schedule, lambda *_: None
    try:
        unseeded = solve(problem)
    finally:
        packing.best_schedule = seed
    assert (seeded is None) == (unseeded is None)
    event("no plan" if seeded is None else "plan")
    if seeded is not None:
        assert seeded.key == unseeded.key


def test_a_list_schedule_that_meets_the_lower_bound_needs_no_search():
    """Four blocks at 10 hours a week under a 20-hour limit: two at a time fill every week."""
    blocks = [Block(f"b{i}", f"B{i}", 1, 40, set()) for i in range(4)]
    runs = [
        Run(f"r{i}.{w}", f"b{i}", DAY + timedelta(weeks=w), DAY + timedelta(weeks=w + 4, days=-1),
            "daytime", "school", "physical", 3)
        for i in range(4)
        for w in (0, 4, 8)
    ]
    todo, _ = remaining_blocks(blocks, ())
    wishes = Preferences(DAY, DAY + timedelta(weeks=20), max_hours_per_week=20,
                         hard={"max_hours_per_week"})
    stats = SearchStats()
    found = solve(compile_problem(todo, runs, wishes, ()), stats=stats)
    assert found is not None
    assert found.proven
    assert found.finish == (DAY + timedelta(weeks=8, days=-1)).toordinal()
    assert stats.nodes == 0


def test_cheap_runs_that_take_longer_are_priced_so_the_best_score_is_proven():
    """One block at a time, ten blocks wished in the evening, where evening runs take twice
    as long; Z is only offered late, so the route finishes then. Fourteen moments hold at
    most four long runs, so six blocks must go in the daytime: the best score is 6. Every
    block on its own could be cheap, so only a bound that prices the time the cheap runs
    take proves 6 (without it 100,000 nodes did not)."""

    def run(block: str, week: int, weeks: int, time_of_day: str) -> Run:
        start = DAY + timedelta(weeks=week)
        end = start + timedelta(weeks=weeks, days=-1)
        return Run(f"{block}@{week}{time_of_day}", block, start, end, time_of_day, "school",
                   "physical", 3)

    blocks = [Block(f"b{i}", f"B{i}", 1, 40, set()) for i in range(10)]
    blocks.append(Block("z", "Z", 1, 40, set()))
    runs = [
        run(f"b{i}", week, weeks, time_of_day)
        for i in range(10)
        for week in range(0, 60, 4)
        for weeks, time_of_day in ((4, "daytime"), (8, "evening"))
    ]
    runs.append(run("z", 56, 4, "evening"))
    todo, _ = remaining_blocks(blocks, ())
    wishes = Preferences(DAY, DAY + timedelta(weeks=80), times_of_day={"evening"},
                         max_parallel=1, hard={"max_parallel"})
    found = solve(compile_problem(todo, runs, wishes, ()), stats=SearchStats(200))
    assert found is not None
    assert found.proven
    assert found.finish == (DAY + timedelta(weeks=60, days=-1)).toordinal()
    assert found.score == 6


def test_a_list_schedule_made_cheaper_meets_both_bounds_so_needs_no_search():
    """One block at a time; A's daytime run fills the first weeks best, but its evening run
    (wished for) ends before B, which is only offered late. The list schedule takes the
    daytime run; moving A to its cheaper run gives the best finish and score 0, which the
    lower bounds prove at once (before, that plan was only found by searching)."""

    def run(block: str, week: int, weeks: int, time_of_day: str) -> Run:
        start = DAY + timedelta(weeks=week)
        end = start + timedelta(weeks=weeks, days=-1)
        return Run(f"{block}@{week}{time_of_day}", block, start, end, time_of_day, "school",
                   "physical", 3)

    blocks = [Block("a", "A", 1, 40, set()), Block("b", "B", 1, 40, set())]
    runs = [run("a", 0, 2, "daytime"), run("a", 0, 4, "evening"), run("b", 6, 2, "evening")]
    todo, _ = remaining_blocks(blocks, ())
    wishes = Preferences(DAY, DAY + timedelta(weeks=20), times_of_day={"evening"},
                         max_parallel=1, hard={"max_parallel"})
    stats = SearchStats()
    found = solve(compile_problem(todo, runs, wishes, ()), stats=stats)
    assert found is not None
    assert found.proven
    assert found.finish == (DAY + timedelta(weeks=8, days=-1)).toordinal()
    assert found.score == 0
    assert stats.nodes == 0


@settings(max_examples=examples(150), derandomize=True, deadline=None)
@given(carousels(), st.sampled_from((2, 3)), st.sampled_from((14.0, 10.0)), st.integers(5, 150))
def test_an_answer_cut_short_by_the_budget_never_claims_a_better_score_than_it_has(
    catalogue, parallel, hours, budget
):
    """A soft hours limit: the search that gives it up passes its plan on to the one that
    keeps it, and an unproven answer is made cheaper where it can be; its score must still
    be the plan's own score or more (a plan over the limit pays for it)."""
    from eigendossier.planner.polish import true_score

    blocks, runs = catalogue
    todo, _ = remaining_blocks(blocks, ())
    wishes = Preferences(
        DAY,
        DAY + timedelta(weeks=80),
        times_of_day={"evening"},
        max_parallel=parallel,
        max_hours_per_week=hours,
        hard={"max_parallel"},
    )
    problem = compile_problem(todo, runs, wishes, ())
    try:
        found = solve(problem, stats=SearchStats(budget))
    except OutOfNodes:
        found = None
    event("no plan" if found is None else "proven" if found.proven else "unproven")
    if found is not None:
        assert true_score(problem, list(found.options)) <= found.score


@settings(max_examples=examples(60), deadline=None, derandomize=True)
@given(carousels(), st.booleans())
def test_window_needs_and_fronts_are_the_least_of_the_window(instance, own_pace):
    """The bounds read each block's window (options starting from an index, ending by a
    deadline) through scans that stop early: their answers are the plain minima over the
    window, also for deadlines before the runs the grid's end cuts short (those runs
    cover the fewest moments, but lie outside such windows), before and after a long
    scan makes the floors by end, and whichever deadline a block's windows are asked with
    first (a scan that meets the floors is reused for later deadlines)."""
    blocks, runs = instance
    if own_pace:  # a run with its own pace: the compile's other way to drop dominated runs
        runs = [replace(runs[0], hours_per_week=10.0), *runs[1:]]
    prefs = Preferences(
        start_date=DAY,
        horizon_end=DAY + timedelta(weeks=60),
        times_of_day=frozenset({"daytime"}),
        max_hours_per_week=20.0,
        hard=frozenset({"max_hours_per_week"}),
    )
    todo, _ = remaining_blocks(blocks, ())
    problem = compile_problem(todo, runs, prefs, ())
    asked = itertools.product(problem.options, (False, True), (False, True))
    for options, floors_by_end, latest_first in asked:
        index = paced._BlockIndex(options)
        if floors_by_end:
            index._make_ended_floors()  # as the first scan that meets no floor does
        ends = sorted({o.e for o in options}, reverse=latest_first)
        starts = index.starts
        for i in range(len(starts)):
            if i and starts[i - 1] == starts[i]:
                continue  # a window begins with the first option of its start (a release)
            for deadline in ends:
                window = [o for o in index.by_start[i:] if o.e <= deadline]
                want_needs = (
                    min((o.cost for o in window), default=paced.INF),
                    min((o.eff for o in window), default=paced.INF),
                    min((o.steps for o in window), default=paced.INF),
                    min((o.energy for o in window), default=float(paced.INF)),
                    min((o.hpw * o.steps for o in window), default=float(paced.INF)),
                )
                assert index.needs(i, deadline) == want_needs
                front, steps, load = [], paced.INF, float(paced.INF)
                for cost in sorted({o.cost for o in window}):
                    steps = min([steps] + [o.steps for o in window if o.cost == cost])
                    load = min([load] + [o.hpw * o.steps for o in window if o.cost == cost])
                    front.append((cost, steps, load))
                assert index.front(i, deadline) == tuple(front)


@settings(max_examples=examples(100), derandomize=True, deadline=None)
@given(carousels(), st.sampled_from((2, 3)), st.sampled_from((7.0, 10.5, 14.0)), st.booleans())
def test_the_finish_floor_is_the_least_of_every_variants_own_floor(
    instance, parallel, hours, hard_hours
):
    """The finish floor an answer cut short reports: its variants stop their root bounds
    once sure to be no lower than the least floor so far, which must not change it."""
    blocks, runs = instance
    todo, _ = remaining_blocks(blocks, ())
    prefs = Preferences(
        DAY,
        DAY + timedelta(weeks=60),
        max_parallel=parallel,
        max_hours_per_week=hours,
        hard={"max_hours_per_week"} if hard_hours else set(),
    )
    problem = compile_problem(todo, runs, prefs, ())
    each = [_engine(v).floor(v) for v in variants(problem)]
    event("floors differ" if len(set(each)) > 1 else "floors alike")
    assert finish_floor(problem) == min(each)
