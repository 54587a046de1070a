"""The types the search modules share: the compiled problem, its options, solutions, budgets.

:mod:`~eigendossier.planner.problem` builds a :class:`Problem`; the engines
(:mod:`~eigendossier.planner.precedence`, :mod:`~eigendossier.planner.paced`), the
tiebreak (:mod:`~eigendossier.planner.polish`) and the explanations read it and return
:class:`Solution` objects. Keeping them here lets every search module import downwards only.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter
from typing import overload

from eigendossier.planner.model import Block, Run

Profile = tuple[list[int], list[float], list[float]]
EPS = 1e-9


class Option:
    """A run as the search sees it: start/end ordinals, pace, soft cost and bound helpers."""

    __slots__ = ("cost", "e", "eff", "energy", "hpw", "run", "s", "steps")

    def __init__(self, run: Run, hpw: float, cost: int) -> None:
        self.run = run
        self.s = run.start.toordinal()
        self.e = run.end.toordinal()
        self.hpw = hpw
        self.cost = cost
        self.eff = 0  # set by Problem: days until the next start after this run ends
        self.steps = 0  # set by Problem: how many grid moments the run covers
        self.energy = hpw * (self.e - self.s + 1)  # hour-rate x days, for the hours bound

    @classmethod
    def of(cls, run: Run, block_hours: float, cost: int) -> Option:
        """The option of ``run`` with its pace worked out as :meth:`Run.pace` does, from the
        ordinals it computes anyway (the same float: hours x 7 / days)."""
        option = cls.__new__(cls)
        option.run = run
        option.s = s = run.start.toordinal()
        option.e = e = run.end.toordinal()
        given = run.hours_per_week
        option.hpw = hpw = float(given) if given is not None else block_hours * 7 / (e - s + 1)
        option.cost = cost
        option.eff = 0
        option.steps = 0
        option.energy = hpw * (e - s + 1)
        return option

    @classmethod
    def at(cls, run: Run, s: int, e: int, hpw: float, cost: int) -> Option:
        """The option of ``run`` from the ordinals and pace its caller worked out already
        (as :meth:`of` would: ``run``'s dates, :meth:`Run.pace`), for the compile's hot loop."""
        option = cls.__new__(cls)
        option.run = run
        option.s = s
        option.e = e
        option.hpw = hpw
        option.cost = cost
        option.eff = 0
        option.steps = 0
        option.energy = hpw * (e - s + 1)
        return option

    def __repr__(self) -> str:
        return f"Option({self.run.id}, {self.run.start}..{self.run.end}, cost={self.cost})"


PACE = attrgetter("hpw")  # an option's hours per week: min(map(PACE, options)) is quick


@dataclass(slots=True)
class PaceLimit:
    limit: float
    weight: int


@dataclass(slots=True)
class Problem:
    """The remaining blocks in topological order, each with its candidate options."""

    blocks: list[Block]
    preds: list[tuple[int, ...]]
    succs: list[tuple[int, ...]]
    options: list[list[Option]]  # per block, sorted by start
    hard_parallel: int | None
    hard_hours: float | None
    soft_parallel: PaceLimit | None
    soft_hours: PaceLimit | None
    horizon: int
    origin: int
    starts: list[int]  # every distinct option start, sorted
    grid: list[int]  # every distinct start in the catalogue (also of unusable runs), sorted
    wanted: dict[str, frozenset[str]]  # the run-level preferences that are set
    base_score: int = 0  # soft pace limits given up in this variant (see search.solve)
    # What the engines derive from an options list once, by the list's id (the list is kept
    # with it, so a reused id is never mistaken): variants and repeated searches share it.
    derived: dict[object, tuple[object, object]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def next_start(self, day: int) -> int:
        """The first option start after ``day`` (``day + 1`` when none): when a track frees."""
        i = bisect_right(self.starts, day)
        return self.starts[i] if i < len(self.starts) else day + 1

    def moments(self, first: int, last: int) -> int:
        """How many grid moments lie in ``[first, last]``: a window's length in moments.

        Runs on one track are disjoint, so together they cover at most as many moments as
        the window holds, for any set of moments. With the catalogue's start dates as the
        moments this is an integer count that sees what days cannot: five two-month blocks
        never fit in nine monthly moments.
        """
        return bisect_right(self.grid, last) - bisect_left(self.grid, first)


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
    # (finish, score), the objective the engines compare: made once, as they read it at
    # every node.
    key: tuple[int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", (self.finish or 0, self.score))


class OutOfNodes(Exception):
    """The node budget is spent; carries the best solution found so far (or ``None``)."""

    def __init__(self, best: Solution | None) -> None:
        super().__init__("search node budget spent")
        self.best = best


class SearchStats:
    """Counts search nodes against an optional budget shared by every search it is given."""

    __slots__ = ("limit", "nodes")

    def __init__(self, limit: int | None = None) -> None:
        self.nodes = 0
        self.limit = limit

    def tick(self) -> None:
        self.nodes += 1
        if self.limit is not None and self.nodes > self.limit:
            raise OutOfNodes(None)

    @contextmanager
    def holding(self, nodes: int) -> Iterator[None]:
        """Keep ``nodes`` of the budget back while the block runs."""
        if self.limit is None or not nodes:
            yield
            return
        self.limit -= nodes
        try:
            yield
        finally:
            self.limit += nodes

    @property
    def spent(self) -> bool:
        return self.limit is not None and self.nodes >= self.limit


@overload
def better(a: Solution, b: Solution | None) -> Solution: ...
@overload
def better(a: Solution | None, b: Solution) -> Solution: ...
@overload
def better(a: Solution | None, b: Solution | None) -> Solution | None: ...
def better(a: Solution | None, b: Solution | None) -> Solution | None:
    """The solution with the smaller key; either may be missing."""
    if a is None or (b is not None and b.key < a.key):
        return b
    return a


def profile_of(options: list[Option]) -> Profile:
    """The load step function of these runs: from ``times[j]`` on, the count and hours."""
    delta = _steps(options)
    return _summed(sorted(delta), delta)


def _steps(options: list[Option] | tuple[Option, ...]) -> dict[int, list[float]]:
    """What each time adds to the count and the hours, summed in the runs' order."""
    delta: dict[int, list[float]] = {}
    for o in options:
        start = delta.setdefault(o.s, [0.0, 0.0])
        start[0] += 1
        start[1] += o.hpw
        stop = delta.setdefault(o.e + 1, [0.0, 0.0])
        stop[0] -= 1
        stop[1] -= o.hpw
    return delta


def _summed(times: list[int], delta: dict[int, list[float]]) -> Profile:
    counts: list[float] = []
    hours: list[float] = []
    count, hour = 0.0, 0.0
    for t in times:
        count += delta[t][0]
        hour += delta[t][1]
        counts.append(count)
        hours.append(hour)
    return times, counts, hours


class Loads:
    """A plan's profile (``whole``) and, per block, the profile of the other blocks' runs,
    made from it (:meth:`without`): each is what :func:`profile_of` makes of those runs,
    float for float, as the sums run in the same order. Up to the left-out run's start the
    other runs' profile is the plan's; from there on only the two times the left-out run
    steps at are summed again, from the runs that step there, and then the running sums."""

    __slots__ = ("chosen", "delta", "stepping", "whole")

    def __init__(self, chosen: tuple[Option, ...]) -> None:
        self.chosen = chosen
        self.delta = _steps(chosen)
        self.whole = _summed(sorted(self.delta), self.delta)
        stepping: dict[int, list[int]] = {}  # the runs stepping at each time, in order
        for j, o in enumerate(chosen):
            stepping.setdefault(o.s, []).append(j)
            stepping.setdefault(o.e + 1, []).append(j)
        self.stepping = stepping

    def without(self, i: int) -> Profile:
        """:func:`profile_of` of every run but ``chosen[i]``."""
        times, counts, hours = self.whole
        own = self.chosen[i]
        k = bisect_left(times, own.s)
        kept, counted, houred = times[:k], counts[:k], hours[:k]
        count, hour = (counts[k - 1], hours[k - 1]) if k else (0.0, 0.0)
        first, stop = own.s, own.e + 1
        for t in times[k:]:
            if t in (first, stop):
                others = [j for j in self.stepping[t] if j != i]
                if not others:
                    continue  # only the left-out run steps here: no such time
                step = [0.0, 0.0]
                for j in others:
                    o = self.chosen[j]
                    if o.s == t:
                        step[0] += 1
                        step[1] += o.hpw
                    else:
                        step[0] -= 1
                        step[1] -= o.hpw
            else:
                step = self.delta[t]
            count += step[0]
            hour += step[1]
            kept.append(t)
            counted.append(count)
            houred.append(hour)
        return kept, counted, houred


def peak(profile: Profile, s: int, e: int) -> tuple[int, float]:
    """The highest count and hours of the profile on any day in ``[s, e]`` (nothing: 0).

    The steps in force on those days are the one in force at ``s`` and those starting by
    ``e``: one slice each, their maxima taken by ``max`` (the polish asks this tens of
    thousands of times per plan)."""
    times, counts, hours = profile
    j = max(bisect_right(times, s) - 1, 0)
    k = bisect_right(times, e)
    if j >= k:
        return 0, 0.0
    return round(max(0.0, max(counts[j:k]))), max(0.0, max(hours[j:k]))
