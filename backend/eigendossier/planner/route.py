"""Plan a learner's route: the best plan, its alternatives, or why there is none."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from eigendossier.planner.explain import (
    choice_reasons,
    infeasibility_causes,
    plan_violations,
)
from eigendossier.planner.model import (
    PACE_PREFERENCES,
    PREFERENCE_NAMES,
    Block,
    Choice,
    Infeasibility,
    Plan,
    Preferences,
    Reason,
    Relaxation,
    RouteResult,
    Run,
)
from eigendossier.planner.polish import left_shift
from eigendossier.planner.problem import (
    compile_problem,
    compile_unless_hopeless,
    remaining_blocks,
    with_horizon,
    with_pace_limits,
)
from eigendossier.planner.search import counted_out, hopeless, solve
from eigendossier.planner.types import Loads, OutOfNodes, Problem, SearchStats, Solution

NODE_LIMIT = 1_000
"""Search nodes one call may spend (under a second). Small and carousel-shaped instances
finish far below it with a proven optimum; when it runs out the best plan found so far is
returned with ``optimal=False`` and a proven lower bound on the finish. On the benchmark's
30 learners 1,000 and 2,000 nodes gave the same plans, alternatives and proofs, and the
searches not proven at 1,000 ended with the same plans, still unproven, at 20,000: past
1,000 nodes a bigger budget bought time, not better answers. So a search under hard pace
limits keeps part of it back for perturbed list schedules (see
:func:`~eigendossier.planner.packing.sampled`), which gave 2 of those learners a route a
month earlier in the same time."""


def plan_route(
    blocks: Iterable[Block],
    runs: Iterable[Run],
    preferences: Preferences,
    exemptions: Iterable[str] = (),
    *,
    max_alternatives: int = 3,
    node_limit: int | None = NODE_LIMIT,
    stats: SearchStats | None = None,
) -> RouteResult:
    """The earliest-finishing plan, up to ``max_alternatives`` trade-offs, or why none exists.

    Runs of blocks that are not in ``blocks`` are ignored; an unknown prerequisite or a
    prerequisite cycle raises ``ValueError``. Alternatives are the next points of the Pareto
    front: each finishes later than the one before but has a strictly better soft score.
    All searches of one call share ``node_limit`` (``None``: no limit).
    """
    blocks, runs, exempt = list(blocks), list(runs), frozenset(exemptions)
    stats = stats or SearchStats(node_limit)
    problem = _compile(blocks, runs, preferences, exempt)
    try:
        best = solve(problem, stats=stats)
    except OutOfNodes:
        gave_up = explain_no_route(
            blocks, runs, preferences, exempt, node_limit, searched=False, problem=problem
        )
        return RouteResult(None, (), gave_up, alternatives_complete=False)
    if best is None:
        why = explain_no_route(blocks, runs, preferences, exempt, node_limit, problem=problem)
        return RouteResult(None, (), why)
    best = left_shift(problem, best)
    plan = build_plan(problem, best, exempt)
    alternatives, complete = _alternatives(problem, best, exempt, max_alternatives, stats)
    return RouteResult(plan, alternatives, alternatives_complete=complete)


def find_plan(
    blocks: Iterable[Block],
    runs: Iterable[Run],
    preferences: Preferences,
    exemptions: Iterable[str] = (),
    *,
    max_score: int | None = None,
    node_limit: int | None = NODE_LIMIT,
    stats: SearchStats | None = None,
) -> Plan | None:
    """Only the best plan (with soft score below ``max_score`` if given), or ``None``.

    ``None`` also when the node budget ran out before any plan was found.
    """
    exempt = frozenset(exemptions)
    problem = _compile(list(blocks), list(runs), preferences, exempt)
    return _best_plan(problem, exempt, max_score, stats or SearchStats(node_limit))


def _best_plan(
    problem: Problem, exempt: frozenset[str], max_score: int | None, stats: SearchStats
) -> Plan | None:
    try:
        best = solve(problem, max_score=max_score, stats=stats)
    except OutOfNodes:
        return None
    return None if best is None else build_plan(problem, left_shift(problem, best), exempt)


def _compile(
    blocks: list[Block], runs: list[Run], prefs: Preferences, exempt: frozenset[str]
) -> Problem:
    todo, _ = remaining_blocks(blocks, exempt)
    return compile_problem(todo, runs, prefs, exempt)


def _compile_unless_hopeless(
    blocks: list[Block], runs: list[Run], prefs: Preferences, exempt: frozenset[str]
) -> Problem | None:
    todo, _ = remaining_blocks(blocks, exempt)
    return compile_unless_hopeless(todo, runs, prefs, exempt)


def build_plan(
    problem: Problem, solution: Solution, exempt: frozenset[str], trade: Reason | None = None
) -> Plan:
    """Turn a solution into choices with reasons, sorted by start date."""
    chosen = solution.options
    loads = Loads(chosen)
    choices = [
        Choice(
            block_id=block.id,
            block_code=block.code,
            run_id=option.run.id,
            start=option.run.start,
            end=option.run.end,
            ec=block.ec,
            hours=block.hours,
            hours_per_week=option.hpw,
            reasons=tuple(choice_reasons(problem, loads, i)),
        )
        for i, (block, option) in enumerate(zip(problem.blocks, chosen, strict=True))
    ]
    choices.sort(key=lambda c: (c.start, c.end, c.block_code))
    finish = max((c.end for c in choices), default=None)
    lower = finish
    if not solution.proven and solution.floor is not None and finish is not None:
        lower = min(date.fromordinal(solution.floor), finish)
    return Plan(
        choices=tuple(choices),
        finish=finish,
        total_ec=sum(c.ec for c in choices),
        total_hours=sum(c.hours for c in choices),
        score=solution.score,
        exempted=tuple(sorted(exempt)),
        violations=tuple(plan_violations(problem, loads)),
        trade=trade,
        optimal=solution.proven,
        finish_lower_bound=lower,
    )


def _alternatives(
    problem: Problem,
    best: Solution,
    exempt: frozenset[str],
    limit: int,
    stats: SearchStats,
) -> tuple[tuple[Plan, ...], bool]:
    """Walk the Pareto front: the earliest plan with a strictly better score, repeatedly.

    Stops at the first alternative the node budget could not prove: an unproven one might
    finish much later than the real next trade-off, which would mislead more than help.
    The flag says whether the front is complete up to ``limit`` (False when the budget
    stopped the walk, or the best plan itself was not proven). Since unproven ones are
    dropped, their searches skip the lower bound on the finish (a few ms of root bounds
    where the walk spends the rest of the budget).
    """
    plans: list[Plan] = []
    current = best
    while len(plans) < limit and current.score > 0:
        if stats.spent:
            return tuple(plans), False
        try:
            better = solve(problem, max_score=current.score, stats=stats, floor=False)
        except OutOfNodes:
            return tuple(plans), False
        if better is None:
            break
        if not better.proven:
            return tuple(plans), False
        better = left_shift(problem, better)
        plans.append(build_plan(problem, better, exempt, _trade(best, better)))
        current = better
    return tuple(plans), best.proven


def _trade(best: Solution, other: Solution) -> Reason:
    return {
        "code": "later_finish_better_preferences",
        "days_later": other.key[0] - best.key[0],
        "score": other.score,
        "score_gain": best.score - other.score,
    }


# -- no route: causes and relaxations -----------------------------------------------------


def explain_no_route(
    blocks: list[Block],
    runs: list[Run],
    prefs: Preferences,
    exempt: frozenset[str],
    node_limit: int | None = NODE_LIMIT,
    *,
    searched: bool = True,
    problem: Problem | None = None,
) -> Infeasibility:
    """Say what makes every route impossible and which single relaxation helps most.

    ``searched=False`` means the search ran out of nodes before finding any plan: then the
    cause is that limit, not a proof, and the relaxations are still worth offering. The
    relaxations tried share ``node_limit`` nodes in equal parts. ``problem`` is the question
    already compiled, if the caller has it (compiling a catalogue is not free).
    """
    problem = problem or _compile(blocks, runs, prefs, exempt)
    if searched:
        causes = infeasibility_causes(problem, runs, prefs)
    else:
        causes = [{"code": "search_limit_reached", "node_limit": node_limit}]
    share = None if node_limit is None else max(node_limit // (len(prefs.hard_set()) + 2), 1)
    relaxations = _single_relaxations(blocks, runs, prefs, exempt, share, problem)
    if not relaxations:
        relaxations = _relax_everything(blocks, runs, prefs, exempt, share)
    return Infeasibility(tuple(causes), tuple(relaxations))


def _single_relaxations(
    blocks: list[Block],
    runs: list[Run],
    prefs: Preferences,
    exempt: frozenset[str],
    share: int | None,
    problem: Problem,
) -> list[Relaxation]:
    """Each hard preference made soft on its own, and a later horizon; best first.

    Best means the earliest finish, then the lowest soft score, then the fixed order of
    preference names with the horizon last (a later horizon changes the most). A pace
    limit made soft leaves every run's options as they were, and a later horizon only adds
    runs that end after them, so those questions reuse ``problem``'s options instead of
    compiling the catalogue again.
    """
    found: list[tuple[tuple[date | None, int, int], Relaxation]] = []
    # A run-level preference made soft only adds runs, so it can be counted out (and
    # spared its compile) only if the question itself is: else counting would be wasted.
    compiled = _compile_unless_hopeless if counted_out(problem) else _compile
    for rank, name in enumerate(prefs.hard_set()):
        softer = prefs.softened(name)
        if name in PACE_PREFERENCES:
            plan = _relaxed_plan(with_pace_limits(problem, softer), exempt, share)
        else:
            plan = _relaxed_plan(compiled(blocks, runs, softer, exempt), exempt, share)
        if plan is not None:
            change = {"code": "make_soft", "preference": name}
            found.append(((plan.finish, plan.score, rank), _relaxation(change, plan)))
    latest = _latest_end(blocks, runs, exempt)
    if latest is not None and latest > prefs.horizon_end:
        later = replace(prefs, horizon_end=latest)
        plan = _relaxed_plan(with_horizon(problem, runs, prefs, later), exempt, share)
        if plan is not None and plan.finish is not None:
            change = {"code": "extend_horizon", "horizon_end": plan.finish.isoformat()}
            rank = len(PREFERENCE_NAMES)
            found.append(((plan.finish, plan.score, rank), _relaxation(change, plan)))
    found.sort(key=lambda item: item[0])
    return [relaxation for _, relaxation in found]


def _relax_everything(
    blocks: list[Block],
    runs: list[Run],
    prefs: Preferences,
    exempt: frozenset[str],
    share: int | None,
) -> list[Relaxation]:
    """Last resort: every hard preference soft and the horizon as late as runs go."""
    latest = _latest_end(blocks, runs, exempt) or prefs.horizon_end
    relaxed = replace(prefs, hard=frozenset(), horizon_end=max(latest, prefs.horizon_end))
    plan = _relaxed_plan(_compile(blocks, runs, relaxed, exempt), exempt, share)
    if plan is None or plan.finish is None:
        return []
    change = {
        "code": "relax_all",
        "preferences": list(prefs.hard_set()),
        "horizon_end": plan.finish.isoformat(),
    }
    return [_relaxation(change, plan)]


def _relaxed_plan(
    problem: Problem | None, exempt: frozenset[str], share: int | None
) -> Plan | None:
    """The best plan of a relaxed question on ``share`` nodes, or ``None``. A question that
    counting proves hopeless (``None``: proved so before it was compiled) is not searched:
    the search could only prove the same or run out of nodes, and both mean no relaxation
    (on the bench a later horizon under one track spent a whole share of nodes, 60 ms, to
    run out)."""
    if problem is None or hopeless(problem):
        return None
    return _best_plan(problem, exempt, None, SearchStats(share))


def _relaxation(change: Reason, plan: Plan) -> Relaxation:
    finish = plan.finish.isoformat() if plan.finish else None
    effect = {"code": "route_found", "finish": finish, "instead_of": None, "score": plan.score}
    return Relaxation(change=change, effect=effect, plan=plan)


def _latest_end(blocks: list[Block], runs: list[Run], exempt: frozenset[str]) -> date | None:
    wanted = {b.id for b in blocks if b.id not in exempt}
    return max((r.end for r in runs if r.block_id in wanted), default=None)
