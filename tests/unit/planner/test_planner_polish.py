"""Moving blocks to cheaper or earlier runs: the moves a day-by-day check allows, no others."""

from datetime import timedelta
from random import Random

from hypothesis import event, given, settings
from hypothesis import strategies as st

from eigendossier.planner import Preferences
from eigendossier.planner.polish import cheaper, left_shift, true_score
from eigendossier.planner.problem import compile_problem, remaining_blocks
from eigendossier.planner.types import EPS, Loads, Option, Problem, Solution, profile_of
from tests.support_examples import examples
from tests.support_planner import DAY, carousels


@st.composite
def questions(draw):
    """A few blocks on a four-weekly grid, daytime runs of four weeks (7 hours a week) and
    evening runs of four or eight (7 or 3.5): sums of them meet the hours limits exactly,
    the edge where a check that sums hours another way could tip over."""
    blocks, runs = draw(carousels(fewest=3, slots=12, most_slots=8))
    parallel = draw(st.sampled_from((None, 1, 2, 3)))
    hours = draw(st.sampled_from((None, 7.0, 10.5, 14.0, 17.5)))
    hard = {
        name
        for name, limit in (("max_parallel", parallel), ("max_hours_per_week", hours))
        if limit is not None
    }
    soft = draw(st.booleans())  # a soft pace limit, which left_shift must not start to break
    wishes = Preferences(
        DAY,
        DAY + timedelta(weeks=120),
        times_of_day={"evening"},
        max_parallel=parallel or (2 if soft else None),
        max_hours_per_week=hours,
        hard=hard,
    )
    todo, _ = remaining_blocks(blocks, ())
    return compile_problem(todo, runs, wishes, ())


def _some_plan(problem: Problem, rng: Random) -> Solution | None:
    """Blocks in order, each on a run drawn from those that fit beside the ones before."""
    chosen: list[Option | None] = [None] * len(problem.blocks)
    for u, options in enumerate(problem.options):
        fitting = [o for o in options if _fits_day_by_day(problem, chosen, u, o)]
        if not fitting:
            return None
        chosen[u] = rng.choice(fitting)
    plan = [o for o in chosen if o is not None]
    return Solution(tuple(plan), max(o.e for o in plan), sum(o.cost for o in plan))


def _fits_day_by_day(problem: Problem, chosen: list[Option | None], u: int, option: Option) -> bool:
    """Blocks not placed yet (``None``) do not count."""
    placed = [(j, o) for j, o in enumerate(chosen) if o is not None and j != u]
    if any(j in problem.preds[u] and o.e >= option.s for j, o in placed):
        return False
    if any(j in problem.succs[u] and o.s <= option.e for j, o in placed):
        return False
    for day in range(option.s, option.e + 1):
        going = [o for _, o in placed if o.s <= day <= o.e]
        if problem.hard_parallel is not None and len(going) + 1 > problem.hard_parallel:
            return False
        hours = sum(o.hpw for o in going) + option.hpw
        if problem.hard_hours is not None and hours > problem.hard_hours + EPS:
            return False
    return True


def _cheaper_day_by_day(problem: Problem, solution: Solution) -> list[Option]:
    return _moved_day_by_day(
        problem,
        solution,
        lambda o, now: o.e <= solution.finish and o.cost < now.cost,
        lambda o: (o.cost, o.e, o.s),
        lambda chosen, trial: True,
    )


def _left_shift_day_by_day(problem: Problem, solution: Solution) -> list[Option]:
    return _moved_day_by_day(
        problem,
        solution,
        lambda o, now: o.e < now.e,
        lambda o: (o.e, o.cost, o.s),
        lambda chosen, trial: true_score(problem, trial) <= true_score(problem, chosen),
    )


def _moved_day_by_day(problem: Problem, solution: Solution, offered, order, keeps) -> list[Option]:
    """Move each block to the first run in ``order`` among those ``offered`` (beside its
    current one) that fits day by day and ``keeps`` the plan acceptable, until none moves."""
    chosen = list(solution.options)
    moved = True
    while moved:
        moved = False
        for u, options in enumerate(problem.options):
            for option in sorted((o for o in options if offered(o, chosen[u])), key=order):
                trial = [*chosen[:u], option, *chosen[u + 1 :]]
                if _fits_day_by_day(problem, chosen, u, option) and keeps(chosen, trial):
                    chosen[u] = option
                    moved = True
                    break
    return chosen


@settings(max_examples=examples(200), derandomize=True, deadline=None)
@given(questions(), st.randoms(use_true_random=False))
def test_blocks_move_to_the_runs_a_day_by_day_check_allows(problem, rng):
    """A plan made cheaper, and then moved earlier, takes in every step the first run
    (cheapest, then earliest) that keeps prerequisites and, on every day it covers, the
    hard limits on runs at a time and hours a week beside the other blocks' runs."""
    plan = _some_plan(problem, rng)
    if plan is None:
        event("no plan")
        return
    made_cheaper = cheaper(problem, plan)
    shifted = left_shift(problem, made_cheaper)
    event("made cheaper" if made_cheaper != plan else "no cheaper run fits")
    event("moved earlier" if shifted != made_cheaper else "no earlier run fits")
    expected = _cheaper_day_by_day(problem, plan)
    if sum(o.cost for o in expected) < plan.score - problem.base_score:
        assert list(made_cheaper.options) == expected
    else:
        assert made_cheaper == plan
    assert list(shifted.options) == _left_shift_day_by_day(problem, made_cheaper)


@settings(max_examples=examples(200), derandomize=True, deadline=None)
@given(questions(), st.randoms(use_true_random=False))
def test_the_load_beside_a_block_is_summed_as_from_its_runs_alone(problem, rng):
    """The polish's pace checks and the reasons read the other blocks' load from the whole
    plan's: to the last bit what summing those runs alone gives, where sums of hours meet
    the limits exactly."""
    plan = _some_plan(problem, rng)
    if plan is None:
        event("no plan")
        return
    loads = Loads(plan.options)
    assert loads.whole == profile_of(list(plan.options))
    for i in range(len(plan.options)):
        others = [o for j, o in enumerate(plan.options) if j != i]
        assert loads.without(i) == profile_of(others)
