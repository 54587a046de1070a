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

from dataclasses import replace
from itertools import product
from typing import Protocol

from eigendossier.planner import paced, precedence
from eigendossier.planner.problem import within_budget
from eigendossier.planner.types import OutOfNodes, PaceLimit, Problem, SearchStats, Solution, better


def solve(
    problem: Problem,
    max_score: int | None = None,
    stats: SearchStats | None = None,
    *,
    floor: bool = True,
) -> Solution | None:
    """The best plan whose soft score is below ``max_score`` (if given), or ``None``.

    When ``stats`` has a node budget and it runs out, the best plan found so far comes back
    with ``proven=False`` and, unless ``floor`` is False, the proven lower bound on the
    finish (:func:`finish_floor`, a pass of the root bounds over every variant: a caller
    that drops unproven plans need not pay for it); if none was found yet,
    :class:`OutOfNodes` is raised.
    """
    stats = stats or SearchStats()
    if not problem.blocks:
        return Solution((), None, 0) if max_score is None or max_score > 0 else None
    best: Solution | None = None
    try:
        for variant in variants(problem):
            variant = within_budget(variant, max_score)
            best = _engine(variant).search(variant, max_score, best, stats)
    except OutOfNodes as stop:
        best = better(stop.best, best)
        if best is None:
            raise
        return replace(best, proven=False, floor=finish_floor(problem) if floor else None)
    return best


def finish_floor(problem: Problem) -> int:
    """A proven lower bound on the finish of every plan, from the root bounds only: the
    least of the variants' floors. Each variant is told the least so far, and stops once
    its own is sure to be no less (the variant giving up the soft pace limits comes first,
    and its floor, known from its search, is often the least)."""
    least = paced.INF
    for variant in variants(problem):
        least = min(least, _engine(variant).floor(variant, least))
    return least


def hopeless(problem: Problem) -> bool:
    """A proof without search that no plan exists: a block without options, or more start
    moments needed than the pace limits leave (:func:`counted_out`)."""
    return not all(problem.options) or counted_out(problem)


def counted_out(problem: Problem) -> bool:
    """More start moments needed than the hard pace limits leave (see
    :func:`paced.too_few_moments`). More runs only loosen the count: a question that adds
    runs to one that is not counted out is not counted out either."""
    return paced.too_few_moments(problem)


class _Engine(Protocol):
    """What :mod:`precedence` and :mod:`paced` both offer."""

    def search(
        self,
        problem: Problem,
        max_score: int | None,
        incumbent: Solution | None,
        stats: SearchStats,
    ) -> Solution | None: ...

    def floor(self, problem: Problem, below: int = ...) -> int: ...


def _engine(variant: Problem) -> _Engine:
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
