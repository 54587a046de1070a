"""The "earlier dates" tiebreak, and scoring a finished plan from scratch.

The search proves (finish, score). Among the plans that tie on both it returns the first one
it meets; this pass then moves blocks, in topological order and repeatedly, to the
earliest-ending run that keeps every hard constraint and does not raise the score. Every move
lowers the sum of end dates, so it stops, and the result is deterministic: no single block of
the final plan can end earlier on its own without breaking something or costing score.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import replace
from operator import attrgetter

from eigendossier.planner.types import EPS, Option, Problem, Profile, Solution, peak, profile_of

_START = attrgetter("s")


def left_shift(problem: Problem, solution: Solution) -> Solution:
    """The solution with blocks moved to earlier runs wherever that costs nothing."""
    chosen = list(solution.options)
    score = true_score(problem, chosen)
    moved = True
    while moved:
        moved = False
        for u in range(len(chosen)):
            option = _earlier_option(problem, chosen, u, score)
            if option is not None:
                chosen[u] = option
                score = true_score(problem, chosen)
                moved = True
    finish = max((o.e for o in chosen), default=None)
    return replace(solution, options=tuple(chosen), finish=finish, score=score)


def _earlier_option(problem: Problem, chosen: list[Option], u: int, score: int) -> Option | None:
    earlier = _dated(problem, chosen, u, chosen[u].e - 1)
    if not earlier:
        return None
    others = profile_of([o for j, o in enumerate(chosen) if j != u])
    for option in sorted(earlier, key=lambda o: (o.e, o.cost, o.s)):
        if not fits(problem, chosen, u, option, others):
            continue
        trial = chosen.copy()
        trial[u] = option
        if true_score(problem, trial) <= score:
            return option
    return None


def fits(problem: Problem, chosen: list[Option], u: int, option: Option, others: Profile) -> bool:
    """Would ``option`` for block ``u`` keep prerequisites and the hard pace limits?"""
    if any(chosen[q].e >= option.s for q in problem.preds[u]):
        return False
    if any(chosen[v].s <= option.e for v in problem.succs[u]):
        return False
    count, hours = peak(others, option.s, option.e)
    if problem.hard_parallel is not None and count + 1 > problem.hard_parallel:
        return False
    return problem.hard_hours is None or hours + option.hpw <= problem.hard_hours + EPS


def true_score(problem: Problem, chosen: list[Option]) -> int:
    """Run-level soft costs plus each soft pace limit's weight if the plan ever exceeds it."""
    score = sum(o.cost for o in chosen)
    if not chosen or (problem.soft_parallel is None and problem.soft_hours is None):
        return score
    count, hours = peak(profile_of(chosen), min(o.s for o in chosen), max(o.e for o in chosen))
    if problem.soft_parallel is not None and count > problem.soft_parallel.limit:
        score += problem.soft_parallel.weight
    if problem.soft_hours is not None and hours > problem.soft_hours.limit + EPS:
        score += problem.soft_hours.weight
    return score


def cheaper(problem: Problem, solution: Solution) -> Solution:
    """The solution with blocks moved to cheaper runs wherever the plan stays feasible.

    A local search for the engines' incumbents: one block at a time takes its cheapest run
    that keeps prerequisites and the hard pace limits and ends no later than the plan's
    finish, until no block can. The finish never grows and the score only drops, so a list
    schedule made this way is a stronger incumbent (more of the tree ties it and is pruned)
    and an unproven answer is a better one. Only for a search variant (soft pace limits made
    hard or given up): the score is ``base_score`` plus the runs' costs.
    """
    chosen = list(solution.options)
    if solution.finish is None or not chosen:
        return solution
    finish = solution.finish
    moved = True
    while moved:
        moved = False
        for u in range(len(chosen)):
            cost = chosen[u].cost
            offers = [o for o in _dated(problem, chosen, u, finish) if o.cost < cost]
            if not offers:
                continue
            others = profile_of([o for j, o in enumerate(chosen) if j != u])
            for option in sorted(offers, key=lambda o: (o.cost, o.e, o.s)):
                if fits(problem, chosen, u, option, others):
                    chosen[u] = option
                    moved = True
                    break
    score = problem.base_score + sum(o.cost for o in chosen)
    if score >= solution.score:
        return solution
    return replace(solution, options=tuple(chosen), finish=max(o.e for o in chosen), score=score)


def _dated(problem: Problem, chosen: list[Option], u: int, last: int) -> list[Option]:
    """Block ``u``'s runs that end by ``last``, after its prerequisites' runs and before its
    dependants' (the checks of :func:`fits` that need no profile), in the order of
    ``problem.options``. Those are sorted by start, so only the ones starting in that window
    are looked at."""
    first = max((chosen[q].e + 1 for q in problem.preds[u]), default=0)
    for v in problem.succs[u]:
        last = min(last, chosen[v].s - 1)
    options = problem.options[u]
    lo = bisect_left(options, first, key=_START)
    hi = bisect_right(options, last, key=_START)
    return [o for o in options[lo:hi] if o.e <= last]
