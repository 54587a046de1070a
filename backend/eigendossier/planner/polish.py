"""The "earlier dates" tiebreak, and scoring a finished plan from scratch.

The search proves (finish, score). Among the plans that tie on both it returns the first one
it meets; this pass then moves blocks, in topological order and repeatedly, to the
earliest-ending run that keeps every hard constraint and does not raise the score. Every move
lowers the sum of end dates, so it stops, and the result is deterministic: no single block of
the final plan can end earlier on its own without breaking something or costing score.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import replace
from math import inf
from operator import attrgetter

from eigendossier.planner.problem import cost_ranges
from eigendossier.planner.types import (
    EPS,
    PACE,
    Loads,
    Option,
    Problem,
    Profile,
    Solution,
    peak,
    profile_of,
)

_START = attrgetter("s")
_END = attrgetter("e")
# How far the whole plan's hours less one run may stray from the other runs' hours summed
# on their own: float rounding over a few hundred sums of hours a week, far below this.
_ROUNDING = 1e-7


def left_shift(problem: Problem, solution: Solution) -> Solution:
    """The solution with blocks moved to earlier runs wherever that costs nothing."""
    chosen = list(solution.options)
    score = true_score(problem, chosen)
    load = _Load(problem, chosen)

    def moves(u: int) -> bool:
        nonlocal score, load
        option = _earlier_option(problem, chosen, u, score, load)
        if option is None:
            return False
        chosen[u] = option
        score = true_score(problem, chosen)
        load = _Load(problem, chosen)
        return True

    _settle(len(chosen), moves)
    finish = max((o.e for o in chosen), default=None)
    return replace(solution, options=tuple(chosen), finish=finish, score=score)


def _earlier_option(
    problem: Problem, chosen: list[Option], u: int, score: int, load: _Load
) -> Option | None:
    earlier = _dated(problem, chosen, u, chosen[u].e - 1)
    if not earlier:
        return None
    for option in sorted(load.fitting(u, earlier), key=lambda o: (o.e, o.cost, o.s)):
        if not load.admits(u, option):
            continue
        trial = chosen.copy()
        trial[u] = option
        if true_score(problem, trial) <= score:
            return option
    return None


class _Load:
    """The runs of a plan, and which other run of one of its blocks fits beside the rest
    under the hard pace limits. Made anew whenever the plan changes.

    Only for the runs of :func:`_dated`, which keep prerequisites already. Most of the runs
    asked about do not fit: :meth:`fitting` drops those that take a day already full (as
    many runs as allowed, or too many hours for even the lightest run asked about) a
    stretch of days at a time, and :meth:`admits` checks the few left. Both are answered
    from the other blocks' runs: :meth:`fitting` takes the whole plan's profile less the
    block's own run, which counts exactly and sums hours up to rounding (its "too many"
    has room for that), and :meth:`admits` makes the others' profile, once per block
    (from the whole one, see :class:`Loads`).
    """

    __slots__ = ("cap", "chosen", "loads", "others", "parallel")

    def __init__(self, problem: Problem, chosen: list[Option]) -> None:
        self.chosen = tuple(chosen)
        self.parallel = problem.hard_parallel
        self.cap = None if problem.hard_hours is None else problem.hard_hours + EPS
        self.loads: Loads | None = None
        self.others: tuple[int, Profile] | None = None

    def _loads(self) -> Loads:
        if self.loads is None:
            self.loads = Loads(self.chosen)
        return self.loads

    def admits(self, u: int, option: Option) -> bool:
        """Would ``option`` for block ``u`` keep the hard pace limits beside the other
        blocks' runs?"""
        if self.parallel is None and self.cap is None:
            return True
        if self.others is None or self.others[0] != u:
            self.others = (u, self._loads().without(u))
        count, hours = peak(self.others[1], option.s, option.e)
        if self.parallel is not None and count + 1 > self.parallel:
            return False
        return self.cap is None or hours + option.hpw <= self.cap

    def fitting(self, u: int, runs: list[Option]) -> list[Option]:
        """``runs`` of block ``u`` (sorted by start) less some that :meth:`admits` refuses,
        in no order.

        A profile holds a count and hours from each of its times on, and a run meets its
        entries from the one holding its start to the last one starting by its end. An
        entry full for the lightest of ``runs`` refuses every run meeting it, so the runs
        kept are those within a stretch of entries that are not full (and those ending
        before the first entry, which meet none)."""
        parallel, cap = self.parallel, self.cap
        if (parallel is None and cap is None) or not runs:
            return runs
        lightest = min(map(PACE, runs))
        if (parallel is not None and parallel < 1) or (cap is not None and lightest > cap):
            return []  # even a day without other runs is full
        times = self._loads().whole[0]
        first = max(bisect_right(times, runs[0].s) - 1, 0)
        last = bisect_right(times, max(map(_END, runs)))
        full = self._full(u, first, last, lightest)
        kept: list[Option] = []
        if first == 0 and (last == 0 or full[:1] == [0]):
            kept = [o for o in runs if o.e < times[0]]
        stretch = first
        for j in [*full, last]:
            if stretch < j:
                since = times[stretch] if stretch else None
                kept += _within(runs, since, times[j] if j < len(times) else None)
            stretch = j + 1
        return kept

    def _full(self, u: int, first: int, last: int, lightest: float) -> list[int]:
        """The entries of the whole profile from ``first`` to before ``last`` that are full
        for a run of ``lightest`` hours beside the runs of the blocks other than ``u``.
        Block ``u``'s own run starts and ends entries, so it is in an entry or not."""
        times, counts, hours = self._loads().whole
        own = self.chosen[u]
        mine_from, mine_to = bisect_left(times, own.s), bisect_right(times, own.e)
        count_cap = inf if self.parallel is None else self.parallel
        hours_cap = inf if self.cap is None else self.cap - lightest + _ROUNDING
        # Apart from the entries of block u's own run, an entry is full as it stands.
        before, after = range(first, min(last, mine_from)), range(max(first, mine_to), last)
        full = [j for j in before if counts[j] >= count_cap or hours[j] > hours_cap]
        pace = own.hpw
        for j in range(max(first, mine_from), min(last, mine_to)):
            if counts[j] - 1 >= count_cap or hours[j] - pace > hours_cap:
                full.append(j)
        full += [j for j in after if counts[j] >= count_cap or hours[j] > hours_cap]
        return full


def _within(runs: list[Option], since: int | None, until: int | None) -> list[Option]:
    """The runs (sorted by start) that start on ``since`` or later and end before ``until``
    (``None``: unbounded)."""
    lo = 0 if since is None else bisect_left(runs, since, key=_START)
    if until is None:
        return runs[lo:]
    hi = bisect_left(runs, until, lo, key=_START)
    return [o for o in runs[lo:hi] if o.e < until]


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
    ranges = cost_ranges(problem)
    load: _Load | None = None  # made for the first block with cheaper runs in reach

    def moves(u: int) -> bool:
        nonlocal load
        cost = chosen[u].cost
        if cost <= ranges[u][0]:
            return False  # on one of its cheapest runs already: nothing to offer
        offers = _dated(problem, chosen, u, finish, cost)
        if not offers:
            return False
        if load is None:
            load = _Load(problem, chosen)
        for option in sorted(load.fitting(u, offers), key=lambda o: (o.cost, o.e, o.s)):
            if load.admits(u, option):
                chosen[u] = option
                load = None  # the plan changed: made again when next asked
                return True
        return False

    _settle(len(chosen), moves)
    score = problem.base_score + sum(o.cost for o in chosen)
    if score >= solution.score:
        return solution
    return replace(solution, options=tuple(chosen), finish=max(o.e for o in chosen), score=score)


def _settle(n: int, moves: Callable[[int], bool]) -> None:
    """Ask blocks ``0..n-1`` in turn, round and round, whether they move (``moves`` moves
    one if it can), until every other block has been asked since the last move, or every
    block once when none moves.

    The moves are those of passes over all blocks until a pass moves none, without that
    pass's asks that are bound to find nothing: a block asked in the same plan as before
    answers as before, and a block that just moved took the first run its order offers
    under the others' runs, which are as they were, so asked again it finds none.
    """
    quiet, enough, u = 0, n, 0
    while quiet < enough:
        if moves(u):
            quiet, enough = 0, n - 1
        else:
            quiet += 1
        u = u + 1 if u + 1 < n else 0


def _dated(
    problem: Problem, chosen: list[Option], u: int, last: int, below: int | None = None
) -> list[Option]:
    """Block ``u``'s runs that end by ``last`` (and cost less than ``below``, if given),
    after its prerequisites' runs and before its dependants' (so :class:`_Load` need not
    check those), in the order of ``problem.options``. Those are sorted by start, so only
    the ones starting in that window are looked at."""
    first = max((chosen[q].e + 1 for q in problem.preds[u]), default=0)
    for v in problem.succs[u]:
        last = min(last, chosen[v].s - 1)
    options = problem.options[u]
    lo = bisect_left(options, first, key=_START)
    hi = bisect_right(options, last, key=_START)
    if below is None:
        return [o for o in options[lo:hi] if o.e <= last]
    return [o for o in options[lo:hi] if o.e <= last and o.cost < below]
