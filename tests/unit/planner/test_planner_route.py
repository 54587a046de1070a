"""Example tests of plan_route: each names one rule a learner would recognise."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from eigendossier.planner import Block, Preferences, Run, SearchStats, find_plan, plan_route

MONDAY = date(2031, 1, 6)


def run(block: str, week: int, weeks: int = 4, *, tag: str = "", **fields) -> Run:
    """A run of ``block`` starting ``week`` weeks after MONDAY, lasting ``weeks`` weeks."""
    start = MONDAY + timedelta(weeks=week)
    values = {
        "time_of_day": "daytime",
        "location_kind": "school",
        "learning_form": "physical",
        "seats_left": 10,
    }
    values.update(fields)
    return Run(
        id=f"{block}@{week}{tag}",
        block_id=block,
        start=start,
        end=start + timedelta(weeks=weeks, days=-1),
        **values,
    )


def block(code: str, *after: str, hours: float = 56) -> Block:
    return Block(code, code, hours / 28, hours, frozenset(after))


def prefs(**fields) -> Preferences:
    values = {"start_date": MONDAY, "horizon_end": MONDAY + timedelta(weeks=52)}
    values.update(fields)
    return Preferences(**values)


def chosen(result) -> dict[str, str]:
    return result.plan.run_ids()


def codes(reasons) -> list[str]:
    return [reason["code"] for reason in reasons]


def test_prerequisites_end_before_the_dependant_starts():
    blocks = [block("A"), block("B", "A"), block("C", "B")]
    runs = [run(b, w) for b in "ABC" for w in (0, 4, 8, 12)]
    result = plan_route(blocks, runs, prefs())
    assert chosen(result) == {"A": "A@0", "B": "B@4", "C": "C@8"}
    assert result.plan.finish == MONDAY + timedelta(weeks=12, days=-1)
    assert result.plan.total_ec == 6
    assert result.plan.total_hours == 168
    b = next(c for c in result.plan.choices if c.block_id == "B")
    assert {"code": "prerequisite", "after": "A", "after_end": "2031-02-02"} in b.reasons


def test_a_run_starting_on_the_day_its_prerequisite_ends_is_too_early():
    blocks = [block("A"), block("B", "A")]
    runs = [
        run("A", 0),
        Run(
            "B@end",
            "B",
            MONDAY + timedelta(days=27),
            date(2031, 3, 1),
            "daytime",
            "school",
            "physical",
            5,
        ),
        run("B", 8),
    ]
    assert chosen(plan_route(blocks, runs, prefs()))["B"] == "B@8"


def test_exempted_blocks_are_skipped_and_release_their_dependants():
    blocks = [block("A"), block("B", "A")]
    runs = [run("A", 0), run("B", 0), run("B", 4)]
    result = plan_route(blocks, runs, prefs(), exemptions={"A"})
    assert chosen(result) == {"B": "B@0"}
    assert result.plan.exempted == ("A",)
    assert codes(result.plan.choices[0].reasons) == ["earliest_feasible"]


def test_runs_without_seats_are_never_chosen():
    result = plan_route([block("A")], [run("A", 0, seats_left=0), run("A", 4)], prefs())
    assert chosen(result) == {"A": "A@4"}


def test_a_soft_preference_costs_score_a_hard_one_excludes_runs():
    runs = [run("A", 0), run("A", 4, time_of_day="evening")]
    soft = plan_route([block("A")], runs, prefs(times_of_day={"evening"}))
    assert chosen(soft) == {"A": "A@0"}
    assert soft.plan.score == 1
    assert soft.plan.choices[0].reasons[-1] == {
        "code": "soft_preference_violated",
        "preference": "time_of_day",
        "wanted": ["evening"],
        "got": "daytime",
    }
    assert soft.plan.violations == ({**soft.plan.choices[0].reasons[-1], "block": "A"},)
    hard = plan_route([block("A")], runs, prefs(times_of_day={"evening"}, hard={"time_of_day"}))
    assert chosen(hard) == {"A": "A@4"}
    assert hard.plan.score == 0


def test_ties_on_finish_go_to_the_better_score_then_to_earlier_dates():
    blocks = [block("A"), block("B")]
    runs = [
        run("A", 0, location_kind="home"),
        run("A", 4),
        run("A", 8),
        run("B", 8),
    ]
    result = plan_route(blocks, runs, prefs(locations={"school"}))
    assert chosen(result) == {"A": "A@4", "B": "B@8"}
    a = next(c for c in result.plan.choices if c.block_id == "A")
    assert a.reasons == ({"code": "keeps_soft_preference", "preference": "location"},)


def test_alternatives_finish_later_for_a_better_score():
    runs = [
        run("A", 0, time_of_day="evening", location_kind="home"),
        run("A", 4, location_kind="home"),
        run("A", 8),
    ]
    result = plan_route([block("A")], runs, prefs(times_of_day={"daytime"}, locations={"school"}))
    assert chosen(result) == {"A": "A@0"}
    assert result.plan.score == 2
    assert [(p.run_ids()["A"], p.score) for p in result.alternatives] == [("A@4", 1), ("A@8", 0)]
    assert [p.trade for p in result.alternatives] == [
        {"code": "later_finish_better_preferences", "days_later": 28, "score": 1, "score_gain": 1},
        {"code": "later_finish_better_preferences", "days_later": 56, "score": 0, "score_gain": 2},
    ]
    assert plan_route([block("A")], runs, prefs()).alternatives == ()


def test_weights_decide_which_soft_preference_gives_way():
    runs = [run("A", 0, time_of_day="evening"), run("A", 0, tag="h", location_kind="home")]
    wishes = {"times_of_day": {"daytime"}, "locations": {"school"}}
    by_time = plan_route([block("A")], runs, prefs(**wishes, weights={"time_of_day": 3}))
    assert chosen(by_time) == {"A": "A@0h"}
    by_place = plan_route([block("A")], runs, prefs(**wishes, weights={"location": 3}))
    assert chosen(by_place) == {"A": "A@0"}


def test_max_parallel_hard_runs_blocks_one_after_another():
    blocks = [block("A"), block("B")]
    runs = [run(b, w) for b in "AB" for w in (0, 4)]
    free = plan_route(blocks, runs, prefs())
    assert chosen(free) == {"A": "A@0", "B": "B@0"}
    paced = plan_route(blocks, runs, prefs(max_parallel=1, hard={"max_parallel"}))
    assert sorted(chosen(paced).values()) == ["A@0", "B@4"]
    later = paced.plan.choices[1]
    assert {"code": "pace_limit", "preference": "max_parallel", "limit": 1} in later.reasons


def test_max_hours_per_week_counts_overlapping_runs():
    blocks = [block("A", hours=40), block("B", hours=40)]  # 10 hours a week over 4 weeks
    runs = [run(b, w) for b in "AB" for w in (0, 2, 4)]
    result = plan_route(blocks, runs, prefs(max_hours_per_week=15, hard={"max_hours_per_week"}))
    ends = sorted(c.end for c in result.plan.choices)
    starts = sorted(c.start for c in result.plan.choices)
    assert starts[1] > ends[0]
    assert all(c.hours_per_week == 10 for c in result.plan.choices)


def test_a_soft_pace_limit_is_broken_once_when_that_finishes_earlier():
    blocks = [block("A"), block("B"), block("C")]
    runs = [run(b, w) for b in "ABC" for w in (0, 4, 8)]
    result = plan_route(blocks, runs, prefs(max_parallel=1, weights={"max_parallel": 2}))
    assert result.plan.finish == MONDAY + timedelta(weeks=4, days=-1)
    assert result.plan.score == 2
    assert result.plan.violations == (
        {"code": "soft_preference_violated", "preference": "max_parallel", "limit": 1},
    )
    assert [(p.finish, p.score) for p in result.alternatives] == [
        (MONDAY + timedelta(weeks=12, days=-1), 0)
    ]


def test_no_run_within_the_horizon_names_the_block_and_offers_a_later_horizon():
    blocks = [block("A"), block("B")]
    runs = [run("A", 0), run("B", 0), run("B", 60)]
    result = plan_route(blocks, runs, prefs(horizon_end=MONDAY + timedelta(weeks=2)))
    assert result.plan is None
    assert result.infeasibility.causes == (
        {
            "code": "no_run_within_horizon",
            "horizon_end": "2031-01-20",
            "first_end": "2031-02-02",
            "block": "A",
        },
        {
            "code": "no_run_within_horizon",
            "horizon_end": "2031-01-20",
            "first_end": "2031-02-02",
            "block": "B",
        },
    )
    (relaxation,) = result.infeasibility.relaxations
    assert relaxation.change == {"code": "extend_horizon", "horizon_end": "2031-02-02"}
    assert relaxation.effect == {
        "code": "route_found",
        "finish": "2031-02-02",
        "instead_of": None,
        "score": 0,
    }


def test_all_evening_runs_with_evenings_excluded_suggests_allowing_evenings():
    blocks = [block("A"), block("B")]
    runs = [run("A", 0), run("B", 0, time_of_day="evening"), run("B", 8, time_of_day="evening")]
    wishes = prefs(times_of_day={"daytime"}, hard={"time_of_day"})
    result = plan_route(blocks, runs, wishes)
    assert result.infeasibility.causes == (
        {
            "code": "hard_preference_excludes_all_runs",
            "preference": "time_of_day",
            "wanted": ["daytime"],
            "offered": ["evening"],
            "block": "B",
        },
    )
    (relaxation,) = result.infeasibility.relaxations
    assert relaxation.change == {"code": "make_soft", "preference": "time_of_day"}
    assert relaxation.effect["finish"] == "2031-02-02"
    assert relaxation.plan.score == 1


def test_a_prerequisite_chain_that_cannot_fit_is_named():
    blocks = [block("A"), block("B", "A")]
    runs = [run("A", 4), run("B", 0), run("B", 2)]
    result = plan_route(blocks, runs, prefs())
    assert result.infeasibility.causes == (
        {
            "code": "prerequisites_do_not_fit",
            "block": "B",
            "after": "A",
            "after_end": "2031-03-02",
            "horizon_end": "2032-01-05",
        },
    )


def test_a_pace_that_cannot_fit_offers_the_smallest_relaxation():
    blocks = [block("A"), block("B"), block("C")]
    runs = [run(b, w) for b in "ABC" for w in (0, 4)]
    wishes = prefs(max_parallel=1, hard={"max_parallel"}, horizon_end=MONDAY + timedelta(weeks=8))
    result = plan_route(blocks, runs, wishes)
    assert codes(result.infeasibility.causes) == ["pace_does_not_fit"]
    best = result.infeasibility.relaxations[0]
    assert best.change == {"code": "make_soft", "preference": "max_parallel"}
    assert best.plan.finish == MONDAY + timedelta(weeks=4, days=-1)


def test_no_blocks_left_is_an_empty_plan():
    result = plan_route([block("A")], [run("A", 0)], prefs(), exemptions={"A"})
    assert result.plan.choices == ()
    assert result.plan.finish is None
    assert result.plan.total_ec == 0


def test_a_spent_node_budget_returns_the_best_plan_found_unproven():
    blocks = [block(f"B{i}") for i in range(8)]
    runs = [run(f"B{i}", w, 2 + (i + w) % 3) for i in range(8) for w in range(0, 40, 2)]
    wishes = prefs(
        max_parallel=2, max_hours_per_week=30, hard={"max_parallel", "max_hours_per_week"}
    )
    exact = plan_route(blocks, runs, wishes, node_limit=None)
    assert exact.plan.optimal
    assert exact.plan.finish_lower_bound == exact.plan.finish
    cut = plan_route(blocks, runs, wishes, node_limit=10)
    assert not cut.plan.optimal
    assert not cut.alternatives_complete
    assert cut.plan.finish_lower_bound < exact.plan.finish <= cut.plan.finish


def trap() -> tuple[list[Block], list[Run], Preferences]:
    """One block at a time; filling the first week greedily (B, the busier run) leaves A no
    run, so only the search finds the plan: A first, B in week 3."""
    runs = [run("A", 0, 2), run("B", 0, 1), run("B", 3, 1)]
    return [block("A"), block("B")], runs, prefs(max_parallel=1, hard={"max_parallel"})


def test_a_budget_spent_before_any_plan_says_so():
    blocks, runs, wishes = trap()
    assert plan_route(blocks, runs, wishes, node_limit=None).plan.run_ids() == {
        "A": "A@0",
        "B": "B@3",
    }
    nothing_yet = plan_route(blocks, runs, wishes, node_limit=1)
    assert nothing_yet.plan is None
    assert nothing_yet.infeasibility.causes[0] == {"code": "search_limit_reached", "node_limit": 1}


def test_the_same_question_gets_the_same_answer():
    blocks = [block(f"B{i}", *([f"B{i - 1}"] if i % 3 else [])) for i in range(9)]
    runs = [
        run(f"B{i}", w, 3, tag=v, time_of_day=v)
        for i in range(9)
        for w in range(0, 30, 2)
        for v in ("daytime", "evening")
    ]
    wishes = prefs(times_of_day={"evening"}, max_parallel=2, hard={"max_parallel"})
    first, second = plan_route(blocks, runs, wishes), plan_route(blocks, runs, wishes)
    assert first == second
    assert first.plan.optimal


def test_alternatives_say_when_the_budget_cut_them_short():
    blocks = [block(f"B{i}", *([f"B{i - 1}"] if i % 3 else [])) for i in range(6)]
    runs = [
        run(f"B{i}", w, weeks, tag=v, time_of_day=v)
        for i in range(6)
        for w in range(0, 24, 2)
        for v, weeks in (("daytime", 2), ("evening", 3 + i % 2))
    ]
    wishes = prefs(times_of_day={"evening"}, max_parallel=2, hard={"max_parallel"})
    stats = SearchStats()
    exact = plan_route(blocks, runs, wishes, node_limit=None, stats=stats)
    assert exact.alternatives
    assert exact.alternatives_complete
    cut_short = 0
    for limit in range(1, stats.nodes + 1, max(stats.nodes // 40, 1)):
        result = plan_route(blocks, runs, wishes, node_limit=limit)
        if result.alternatives_complete:
            assert result.plan == exact.plan
            assert result.alternatives == exact.alternatives
        else:
            cut_short += 1
            assert len(result.alternatives) <= len(exact.alternatives)
    assert cut_short


def test_stats_count_the_search_nodes():
    stats = SearchStats()
    plan_route(*trap(), stats=stats)
    assert stats.nodes > 0


def test_find_plan_respects_a_score_budget():
    runs = [run("A", 0, time_of_day="evening"), run("A", 4)]
    wishes = prefs(times_of_day={"daytime"})
    assert find_plan([block("A")], runs, wishes).run_ids() == {"A": "A@0"}
    assert find_plan([block("A")], runs, wishes, max_score=1).run_ids() == {"A": "A@4"}
    assert find_plan([block("A")], runs[:1], wishes, max_score=1) is None


def test_unknown_prerequisites_and_cycles_are_refused():
    with pytest.raises(ValueError, match="unknown prerequisites"):
        plan_route([block("A", "Z")], [run("A", 0)], prefs())
    with pytest.raises(ValueError, match="cycle"):
        plan_route([block("A", "B"), block("B", "A")], [run("A", 0)], prefs())
