"""Compiling the catalogue: which runs the search may still use."""

from dataclasses import fields, replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eigendossier.planner import Block, Preferences, Run
from eigendossier.planner.problem import (
    _block_options,
    _undominated,
    compile_problem,
    compile_unless_hopeless,
    remaining_blocks,
    with_horizon,
    with_pace_limits,
)
from eigendossier.planner.types import Option
from tests.support_examples import examples

DAY = date(2031, 1, 6)


def run(rid: str, start: int, end: int, **fields) -> Run:
    values = {
        "time_of_day": "daytime",
        "location_kind": "school",
        "learning_form": "physical",
        "seats_left": 5,
    } | fields
    return Run(rid, "A", DAY + timedelta(start), DAY + timedelta(end), **values)


def compiled(runs, **prefs):
    todo, _ = remaining_blocks([Block("A", "A", 1, 28)], ())
    wishes = Preferences(DAY, DAY + timedelta(200), **prefs)
    return compile_problem(todo, runs, wishes, ())


def test_a_run_inside_another_and_no_worse_dominates_it():
    runs = [run("wide", 0, 30), run("inside", 5, 20), run("late", 40, 60)]
    assert [o.run.id for o in compiled(runs).options[0]] == ["inside", "late"]


def test_a_dominating_run_must_not_cost_more_or_weigh_more():
    runs = [run("wide", 0, 30), run("inside", 5, 20, time_of_day="evening")]
    assert len(compiled(runs, times_of_day={"daytime"}).options[0]) == 2
    heavy = [run("wide", 0, 30, hours_per_week=2.0), run("inside", 5, 20, hours_per_week=9.0)]
    assert len(compiled(heavy, max_hours_per_week=10).options[0]) == 2
    assert len(compiled(heavy).options[0]) == 1


def test_identical_runs_keep_the_first():
    assert [o.run.id for o in compiled([run("x", 0, 9), run("y", 0, 9)]).options[0]] == ["x"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 3),
                  st.sampled_from((None, None, None, 4.0, 9.0))),
        max_size=30,
    ),
    st.sampled_from((0, 0.5, 28, 84.0)),
    st.booleans(),
)
def test_compiling_a_block_keeps_what_the_general_dominance_check_keeps(rows, hours, matter):
    """The compile's short cuts (options made only for kept runs, one per dates when every
    pace follows from the dates) agree with dominance checked on all the options."""
    runs = [run(f"r{i}", s, s + d, hours_per_week=g) for i, (s, d, _, g) in enumerate(rows)]
    costs = [cost for _, _, cost, _ in rows]
    options = [Option.of(r, hours, c) for r, c in zip(runs, costs, strict=True)]
    general = _undominated(options, matter)
    compiled_block = _block_options(runs, hours, costs, matter)
    assert [(o.run.id, o.s, o.e, o.hpw, o.cost, o.energy) for o in compiled_block] == [
        (o.run.id, o.s, o.e, o.hpw, o.cost, o.energy) for o in general
    ]


def test_closed_late_early_and_hard_excluded_runs_are_dropped():
    runs = [
        run("full", 10, 20, seats_left=0),
        run("too_late", 190, 210),
        run("evening", 10, 20, time_of_day="evening"),
        run("ok", 30, 40),
    ]
    problem = compiled(runs, times_of_day={"daytime"}, hard={"time_of_day"})
    assert [o.run.id for o in problem.options[0]] == ["ok"]


def test_moments_count_catalogue_starts_in_a_window():
    problem = compiled([run("a", 0, 9), run("b", 7, 30), run("c", 14, 20, seats_left=0)])
    first = DAY.toordinal()
    assert problem.moments(first, first + 14) == 3  # the closed run's start still counts
    assert problem.next_start(first) == first + 7


def test_a_softened_pace_limit_is_the_compiled_question_without_compiling():
    runs = [run("wide", 0, 30, hours_per_week=2.0), run("inside", 5, 20, hours_per_week=9.0),
            run("evening", 40, 60, time_of_day="evening")]
    wishes = Preferences(DAY, DAY + timedelta(200), times_of_day={"daytime"}, max_parallel=1,
                         max_hours_per_week=8, hard={"max_parallel", "max_hours_per_week"})
    todo, _ = remaining_blocks([Block("A", "A", 1, 28)], ())
    problem = compile_problem(todo, runs, wishes, ())
    for name in ("max_parallel", "max_hours_per_week"):
        softer = wishes.softened(name)
        derived = with_pace_limits(problem, softer)
        fresh = compile_problem(todo, runs, softer, ())
        assert derived.options is problem.options
        assert [[(o.run.id, o.cost, o.eff, o.steps) for o in opts] for opts in derived.options] \
            == [[(o.run.id, o.cost, o.eff, o.steps) for o in opts] for opts in fresh.options]
        assert (derived.hard_parallel, derived.hard_hours, derived.soft_parallel,
                derived.soft_hours) == (fresh.hard_parallel, fresh.hard_hours,
                                        fresh.soft_parallel, fresh.soft_hours)


def test_setting_or_clearing_the_hours_limit_needs_a_new_compile():
    """Whether hours per week are set decides which runs dominate others."""
    todo, _ = remaining_blocks([Block("A", "A", 1, 28)], ())
    without = Preferences(DAY, DAY + timedelta(200))
    problem = compile_problem(todo, [run("a", 0, 30)], without, ())
    with pytest.raises(ValueError, match="compile"):
        with_pace_limits(problem, Preferences(DAY, DAY + timedelta(200), max_hours_per_week=8))


@st.composite
def horizons(draw):
    """A few blocks with runs of varied dates, kinds and paces, and two horizons."""
    blocks, runs = [], []
    for i in range(draw(st.integers(1, 4))):
        before = {f"b{j}" for j in draw(st.sets(st.integers(0, i - 1), max_size=1))} if i else set()
        blocks.append(Block(f"b{i}", f"B{i}", 1, 28, before))
        for k in range(draw(st.integers(0, 12))):
            start = draw(st.integers(0, 12)) * 7
            runs.append(Run(
                f"r{i}.{k}", f"b{i}", DAY + timedelta(start),
                DAY + timedelta(start + draw(st.sampled_from((6, 13, 27, 34)))),
                draw(st.sampled_from(("daytime", "evening"))), "school", "physical",
                draw(st.sampled_from((3, 0, 5))), draw(st.sampled_from((None, 4.0, 9.0))),
            ))
    wishes = Preferences(
        DAY + timedelta(draw(st.integers(0, 14))),
        DAY + timedelta(draw(st.integers(20, 90))),
        times_of_day=draw(st.sampled_from(((), ("daytime",)))),
        max_hours_per_week=draw(st.sampled_from((None, 10.0))),
        hard=draw(st.sampled_from(((), ("time_of_day",), ("max_hours_per_week",)))),
    )
    later = replace(wishes, horizon_end=wishes.horizon_end + timedelta(draw(st.integers(0, 60))))
    return blocks, runs, wishes, later


def _view(problem):
    """Every field but the engines' caches, options by run, cost, pace and bound helpers."""
    view = {f.name: getattr(problem, f.name) for f in fields(problem) if f.name != "derived"}
    view["options"] = [[(o.run.id, o.cost, o.hpw, o.eff, o.steps) for o in opts]
                       for opts in problem.options]
    return view


@settings(max_examples=examples(300), deadline=None, derandomize=True)
@given(horizons())
def test_a_later_horizon_is_the_compiled_question_without_compiling(instance):
    blocks, runs, wishes, later = instance
    todo, _ = remaining_blocks(blocks, ())
    problem = compile_problem(todo, runs, wishes, ())
    before = _view(problem)
    wider = with_horizon(problem, runs, wishes, later)
    assert _view(wider) == _view(compile_problem(todo, runs, later, ()))
    assert _view(problem) == before  # the question it came from is left as it was
    for old, new in zip(problem.options, wider.options, strict=True):
        assert new is old or [o.run.id for o in new] != [o.run.id for o in old] \
            or [o.eff for o in new] != [o.eff for o in old]


@settings(max_examples=examples(200), deadline=None, derandomize=True)
@given(horizons())
def test_compiling_unless_hopeless_is_compiling_when_not_hopeless(instance):
    blocks, runs, wishes, _ = instance
    todo, _ = remaining_blocks(blocks, ())
    for prefs in (wishes, replace(wishes, max_parallel=1, hard=wishes.hard | {"max_parallel"})):
        found = compile_unless_hopeless(todo, runs, prefs, ())
        if found is not None:
            assert _view(found) == _view(compile_problem(todo, runs, prefs, ()))


def test_with_horizon_refuses_any_other_change():
    todo, _ = remaining_blocks([Block("A", "A", 1, 28)], ())
    wishes = Preferences(DAY, DAY + timedelta(200), times_of_day={"daytime"}, hard={"time_of_day"})
    problem = compile_problem(todo, [run("a", 0, 30)], wishes, ())
    for other in (wishes.softened("time_of_day"), replace(wishes, horizon_end=DAY)):
        with pytest.raises(ValueError, match="horizon"):
            with_horizon(problem, [run("a", 0, 30)], wishes, other)
