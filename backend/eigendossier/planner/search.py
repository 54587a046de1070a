"""Exact search for the best plan: the earliest finish, then the best soft score.

The objective is the lexicographic key (finish, score), minimised subject to the hard
constraints; :mod:`~eigendossier.planner.polish` then breaks the remaining ties towards
earlier dates. Two exact engines share the objective:

- :mod:`~eigendossier.planner.precedence` when no hard pace limit is set: only prerequisites
  couple the blocks, the earliest finish is the earliest-end propagation over the DAG.
- :mod:`~eigendossier.planner.paced` when max-parallel or max-hours-per-week is hard: a
  chronological branch and bound with memoised states (see its docstring for complexity).

Soft pace limits cost their weight once per plan, which does not fit either engine's
per-block bounds. So each soft pace limit is split into two variants: honour it (it becomes
hard, no cost) or give it up (it is dropped, its weight is paid up front). Every plan is
feasible in a variant that charges it at most its true score, and a plan that keeps the limit
is charged exactly in the honouring variant, so the best key over the (at most four) variants
is the true optimum. Variants share the incumbent, so the later ones only search for
strictly better plans.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace
from itertools import product

from eigendossier.planner.problem import Option, PaceLimit, Problem

Profile = tuple[list[int], list[float], list[float]]
EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Solution:
    """The chosen option per block (topological order) and its objective values.

    ``proven`` is False when the node budget ran out first: the plan is feasible and the
    best found, and ``floor`` is then a proven lower bound on the finish.
    """

    options: tuple[Option, ...]
    finish: int | None
    score: int
    proven: bool = True
    floor: int | None = None

    @property
    def key(self) -> tuple[int, int]:
        return (self.finish or 0, self.score)


class OutOfNodes(Exception):
    """The node budget is spent; carries the best solution found so far (or ``None``)."""

    def __init__(self, best: Solution | None) -> None:
        super().__init__("search node budget spent")
        self.best = best


class SearchStats:
    """Counts search nodes against an optional budget shared by every search it is given."""

    __slots__ = ("nodes", "limit")

    def __init__(self, limit: int | None = None) -> None:
        self.nodes = 0
        self.limit = limit

    def tick(self) -> None:
        self.nodes += 1
        if self.limit is not None and self.nodes > self.limit:
            raise OutOfNodes(None)

    @property
    def spent(self) -> bool:
        return self.limit is not None and self.nodes >= self.limit


def better(a: Solution | None, b: Solution | None) -> Solution | None:
    """The solution with the smaller key; either may be missing."""
    if a is None or (b is not None and b.key < a.key):
        return b
    return a


def solve(
    problem: Problem, max_score: int | None = None, stats: SearchStats | None = None
) -> Solution | None:
    """The best plan whose soft score is below ``max_score`` (if given), or ``None``.

    When ``stats`` has a node budget and it runs out, the best plan found so far comes back
    with ``proven=False``; if none was found yet, :class:`OutOfNodes` is raised.
    """
    stats = stats or SearchStats()
    if not problem.blocks:
        return Solution((), None, 0) if max_score is None or max_score > 0 else None
    best: Solution | None = None
    try:
        for variant in variants(problem):
            best = _engine(variant).search(variant, max_score, best, stats)
    except OutOfNodes as stop:
        best = better(stop.best, best)
        if best is None:
            raise
        return replace(best, proven=False, floor=finish_floor(problem))
    return best


def finish_floor(problem: Problem) -> int:
    """A proven lower bound on the finish of every plan, from the root bounds only."""
    return min(_engine(v).floor(v) for v in variants(problem))


def _engine(variant: Problem):
    from eigendossier.planner import paced, precedence

    if variant.hard_parallel is None and variant.hard_hours is None:
        return precedence
    return paced


def variants(problem: Problem) -> list[Problem]:
    """Honour-or-give-up variants of the soft pace limits; giving up everything comes first."""
    result = []
    parallel, hours = problem.soft_parallel, problem.soft_hours
    for keep_parallel, keep_hours in product(_keeps(parallel), _keeps(hours)):
        given_up = [
            soft
            for soft, keep in ((parallel, keep_parallel), (hours, keep_hours))
            if soft is not None and not keep
        ]
        variant = replace(
            problem,
            soft_parallel=None,
            soft_hours=None,
            hard_parallel=int(parallel.limit)
            if parallel and keep_parallel
            else problem.hard_parallel,
            hard_hours=hours.limit if hours and keep_hours else problem.hard_hours,
            base_score=sum(soft.weight for soft in given_up),
        )
        result.append(variant)
    return result


def _keeps(soft: PaceLimit | None) -> tuple[bool, ...]:
    return (False, True) if soft is not None else (False,)


def profile_of(options: list[Option]) -> Profile:
    """The load step function of these runs: from ``times[j]`` on, the count and hours."""
    delta: dict[int, list[float]] = {}
    for o in options:
        start = delta.setdefault(o.s, [0.0, 0.0])
        start[0] += 1
        start[1] += o.hpw
        stop = delta.setdefault(o.e + 1, [0.0, 0.0])
        stop[0] -= 1
        stop[1] -= o.hpw
    times = sorted(delta)
    counts: list[float] = []
    hours: list[float] = []
    count, hour = 0.0, 0.0
    for t in times:
        count += delta[t][0]
        hour += delta[t][1]
        counts.append(count)
        hours.append(hour)
    return times, counts, hours


def peak(profile: Profile, s: int, e: int) -> tuple[int, float]:
    """The highest count and hours of the profile on any day in ``[s, e]``."""
    times, counts, hours = profile
    j = max(bisect_right(times, s) - 1, 0)
    top_count, top_hours = 0.0, 0.0
    while j < len(times) and times[j] <= e:
        top_count = max(top_count, counts[j])
        top_hours = max(top_hours, hours[j])
        j += 1
    return round(top_count), top_hours
