"""Exact chronological branch and bound for hard pace limits.

With "at most k blocks at a time" or "at most H hours a week" the planner is a resource
constrained scheduling problem (it generalises single-machine scheduling with release dates
and deadlines, which is NP-hard), so no polynomial exact method is known. This search is in
the style of Demeulemeester and Herroelen's branch and bound for project scheduling:

- *Chronological.* A node is a moment ``t`` (a start date of some run): every block chosen so
  far starts at or before ``t``. The node branches over which eligible blocks start at ``t``
  and with which run (include before exclude, earliest deadline first, shortest run first,
  so the first leaf is a sensible list schedule), then jumps to the next moment a block could
  start. Before the first node, the best of :mod:`~eigendossier.planner.packing`'s max-fill
  list schedules becomes the incumbent: it finishes months earlier than that first leaf.
  Because everything chosen starts at or before ``t``, checking a pace limit for a run
  starting at ``t`` is just "count and hours of the runs still going at ``t``".
- *Probed.* Before the search proper, deadline probes look for any plan that finishes at
  the root's lower bound on the finish (see ``_Paced._probe``): one found has the optimal
  finish, and a probe that finds none within its few nodes has raised the bound.
- *Memoised.* The future depends only on ``(t, blocks chosen, runs still going)``, not on how
  we got there, and the objective splits into that state's future plus constants of the past.
  So each explored state remembers the best future it found (or a lower bound on it when it
  found nothing better than the incumbent); reaching it again by another order is free.
- *Bounded.* Per state: prerequisite releases and deadlines (earliest end forward, latest
  start backward from the incumbent's finish), the per-block cheapest-option score bound,
  and energy bounds: k parallel blocks are k tracks and a run holds its track until the next
  start after its end, so the runs forced into a window must fit k times its length (hours
  per week: their hour-days must fit ``H`` times its days). Where cheap runs are the long
  ones, the score bound prices that time too (a Lagrangian relaxation of the track and
  hour room left, see ``_traded_score``). At the root the hours bound is asked once more
  with each pace counted by a dual feasible function (``_packing_overflows``): paces that
  cannot run side by side fill the limit badly, which raises the finish floor and can prove
  that no plan fits the horizon without a search.

Complexity: O(n log n) per node plus the branching (subsets of the eligible blocks that fit
the free capacity). The number of nodes is exponential in the worst case; the memo bounds it
by the number of distinct states, and the energy bounds keep it small when the pace limit
is tight, because every idle track-day behind the frontier is lost for good.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from itertools import pairwise
from math import ceil, gcd, inf
from operator import attrgetter, itemgetter
from typing import Any, Literal, TypeVar, cast

from eigendossier.planner import packing, polish
from eigendossier.planner.problem import cost_ranges, most_at_once, within_budget
from eigendossier.planner.problem import too_few_moments as _too_few_moments
from eigendossier.planner.types import (
    EPS,
    PACE,
    Option,
    OutOfNodes,
    Problem,
    SearchStats,
    Solution,
    better,
)

INF = 1 << 62
_LONG_SCAN = 16  # a window scan this long that met no floor makes the floors by end
PROBE_NODES = 150  # what the deadline probes may spend of a search's share (see _probe)
_TOL = 1e-6  # a pace margin well above the float noise (EPS) the hours checks allow
_RELEASE, _DEADLINE = itemgetter(0), itemgetter(1)
# Close the last window group of a sorted item list (hours; tracks): no release or
# deadline equals theirs.
_SENTINEL = (-INF - 1, -INF - 1, 0.0, 0.0)
_TRACKS_SENTINEL = (-INF - 1, -INF - 1, 0, 0)
_T = TypeVar("_T", int, float)

# The option chosen per block, ``None`` while the block is open.
_Assigned = list[Option | None]
# A state: its moment, the chosen blocks as a bit mask, (run, end) of each run still going.
_Key = tuple[int, int, tuple[tuple[int, int], ...]]
# What the memo knows of a state's future: exact or a lower bound, (finish, score), the score
# budget it was explored with (``None``: none) and, when exact, the options of the open blocks.
_Entry = tuple[Literal["exact", "lower"], tuple[int, int], int | None, dict[int, Option] | None]
# Blocks that may start now: (block, its runs starting now, must start now).
_Eligible = list[tuple[int, list[Option], bool]]
_Subsets = Iterator[list[tuple[int, Option]]]
# A window's (cost, fewest moments, fewest hour-moments at that cost or less), cheapest first.
_Front = tuple[tuple[int, int, float], ...]
# Options alike for the packing bound: (pace, grid moments, days).
_Kind = tuple[float, int, int]
# A window's least cost, track days, moments, hour-days and hour-moments (see needs).
_Needs = tuple[int, int, int, float, float]


def search(
    problem: Problem, max_score: int | None, incumbent: Solution | None, stats: SearchStats
) -> Solution | None:
    """The best plan of this variant if it beats ``incumbent``, else ``incumbent``."""
    return _Paced(problem, max_score, incumbent, stats).run()


def floor(problem: Problem, below: int = INF) -> int:
    """The root's proven lower bound on the finish (see ``_Paced._finish_floor``), or, as
    soon as it is sure to be ``below`` or later, a run end no later than it that is: a
    caller after the least of several floors has its answer then."""
    search = _Paced(problem, None, None, SearchStats())
    if not all(problem.options):
        return INF
    return search._finish_floor(min(ix.starts[0] for ix in search.index), below)


def too_few_moments(problem: Problem) -> bool:
    """Does counting start moments prove that no plan keeps the hard pace limits (see
    :func:`~eigendossier.planner.problem.too_few_moments`)? The tracks are the variants'
    under the hard limits only, so this answers whatever is soft. One pass over the
    options."""
    n = len(problem.blocks)
    if not n or not all(problem.options):
        return False
    hours = problem.hard_hours if problem.hard_hours is not None else float(INF)
    k = min(problem.hard_parallel or n, most_at_once(_facts_of(problem).lightest, hours))
    if k >= n:
        return False
    last = problem.grid[-1]
    fewest: list[tuple[int, int]] = []  # per block: fewest moments of any run, of a whole one
    for options in problem.options:
        cut = whole = INF
        for o in options:
            if o.steps < cut:
                cut = o.steps
            if o.e < last and o.steps < whole:
                whole = o.steps
        fewest.append((cut, whole))
    return _too_few_moments(fewest, k, problem.moments(problem.origin, last))


class _BlockIndex:
    """One block's options sorted by start, with suffix minima for bounds from any release."""

    __slots__ = (
        "by_cost",
        "by_end",
        "by_kind",
        "by_start",
        "ended_load",
        "ended_steps",
        "ends",
        "fronts",
        "known",
        "latest",
        "max_s",
        "min_cost",
        "min_e",
        "min_eff",
        "min_energy",
        "min_load",
        "min_steps",
        "opening",
        "settled",
        "starts",
    )

    def __init__(self, options: list[Option]) -> None:
        by_start = _by_start(options)
        self.by_start = by_start
        self.starts = [o.s for o in by_start]
        (
            self.min_e,
            self.min_cost,
            self.min_eff,
            self.min_steps,
            self.min_energy,
            self.min_load,
        ) = _suffix_minima(by_start)
        # The search asks every open block at every node for its window: the first option
        # starting from a day (``opening``, by the day), the latest start of an option
        # ending by a deadline (``latest``, by the deadline), the window's needs (``known``,
        # by needs' key). A block's few distinct days and windows recur from node to node,
        # so each is worked out once and then looked up (in _Paced._windows). The values
        # are numbers, or the needs made anyway: a memo that made an object per entry
        # would bring the garbage collector's passes sooner.
        self.opening: dict[int, int] = {}
        self.latest: dict[int, int] = {}
        self.known: dict[int, _Needs] = {}
        self.settled: dict[int, int] = {}  # by first index, see _scan
        self.fronts: dict[int, _Front] = {}  # by window, keyed as needs keys it
        self.by_cost: list[_CostRuns] | None = None  # made by the first front asked for
        self.by_kind: dict[_Kind, list[int]] | None = None  # made by the first kinds asked for
        by_end = sorted(options, key=attrgetter("e"))
        self.ends = [o.e for o in by_end]
        self.by_end = by_end
        self.max_s = []
        top = -INF
        for o in by_end:
            if o.s > top:
                top = o.s
            self.max_s.append(top)
        # Per count j of options by end, the least moments and hour-moments of the first j:
        # made by the first scan that finds the suffix floors out of reach (see _scan).
        self.ended_steps: list[int] | None = None
        self.ended_load: list[float] = []

    def latest_by(self, deadline: int) -> int:
        """The latest start of an option ending by ``deadline`` (``-INF``: none does)."""
        j = bisect_right(self.ends, deadline)
        found = self.latest[deadline] = self.max_s[j - 1] if j else -INF
        return found

    def needs(self, i: int, deadline: int) -> _Needs:
        """Least cost, track days, moments, hour-days and hour-moments of window options.

        The window is "from index ``i`` on, ending by ``deadline``". The scan stops early once
        every minimum has reached the suffix minimum, which no option can undercut.
        """
        key = (deadline << 32) | i  # i < 2**32: one int hashes faster than a pair
        known = self.known.get(key)
        if known is None:
            settled = self.settled.get(i)
            if settled is not None and deadline >= settled:
                known = self.known[(settled << 32) | i]  # see _scan: the same minima
            else:
                known = self._scan(i, deadline)
            self.known[key] = known
        return known

    def _scan(self, i: int, deadline: int) -> _Needs:
        """The window's minima, scanned until each reaches a floor no window option can
        undercut: its least from ``i`` on. The runs the grid's end cuts short cover the
        fewest moments and lie past most deadlines, so for moments and hour-moments that
        floor is often out of reach and the scan runs to the window's end (on a learner
        without a route, four scans in five). The first such long scan makes a second
        floor for them, their least among the options ending by the deadline, and later
        scans stop at the higher of the two.

        A scan that meets the floors from ``i`` on has read only options ending by its
        deadline: from ``i`` with any later deadline, a scan reads those options again (and
        maybe more, none below the floors) and meets the same floors. So ``settled`` keeps
        by ``i`` the earliest such deadline, and :meth:`needs` answers a later one with what
        that scan found."""
        floor_cost, floor_eff, floor_energy = self.min_cost[i], self.min_eff[i], self.min_energy[i]
        floor_steps, floor_load = self.min_steps[i], self.min_load[i]
        if self.ended_steps is not None:
            ended = bisect_right(self.ends, deadline)
            if self.ended_steps[ended] > floor_steps:
                floor_steps = self.ended_steps[ended]
            if self.ended_load[ended] > floor_load:
                floor_load = self.ended_load[ended]
        cost = eff = steps = INF
        energy = load = float(INF)
        window = self.by_start[i : bisect_right(self.starts, deadline)]
        for o in window:
            if o.e > deadline:
                continue
            if o.cost < cost:
                cost = o.cost
            if o.eff < eff:
                eff = o.eff
            if o.steps < steps:
                steps = o.steps
            if o.energy < energy:
                energy = o.energy
            if o.hpw * o.steps < load:
                load = o.hpw * o.steps
            if (
                eff == floor_eff
                and steps == floor_steps
                and load == floor_load
                and energy == floor_energy
                and cost == floor_cost
            ):
                found = (cost, eff, steps, energy, load)
                if floor_steps == self.min_steps[i] and floor_load == self.min_load[i]:
                    self.settled[i] = deadline  # met the floors from i on
                return found
        if self.ended_steps is None and len(window) > _LONG_SCAN:
            self._make_ended_floors()
        return cost, eff, steps, energy, load

    def _make_ended_floors(self) -> None:
        steps, load = INF, float(INF)
        self.ended_steps, self.ended_load = [steps], [load]
        for o in self.by_end:
            if o.steps < steps:
                steps = o.steps
            if o.hpw * o.steps < load:
                load = o.hpw * o.steps
            self.ended_steps.append(steps)
            self.ended_load.append(load)

    def front(self, i: int, deadline: int) -> _Front:
        """Per cost of the window's options, the fewest moments and hour-moments at that cost
        or less: the trade-off between score and track (or hours) use, cheapest first.

        Asked at nearly every node of a search under a score budget (the alternatives), and
        mostly for windows no search of this block asked before: so one pass over the
        block's costs, which come sorted, keyed as :meth:`needs` keys its windows."""
        key = (deadline << 32) | i
        known = self.fronts.get(key)
        if known is not None:
            return known
        first = self.starts[i]  # the window: options starting from here, ending by deadline
        front: list[tuple[int, int, float]] = []
        fewest, lightest = INF, float(INF)  # at the costs so far
        for runs in self._by_cost():
            found = runs.least(first, deadline)
            if found is None:
                continue
            steps, load = found
            if fewest < steps:
                steps = fewest
            if lightest < load:
                load = lightest
            front.append((runs.cost, steps, load))
            fewest, lightest = steps, load
        known = self.fronts[key] = tuple(front)
        return known

    def _by_cost(self) -> list[_CostRuns]:
        """The options by cost, cheapest first, each cost's in start order: one pass."""
        if self.by_cost is None:
            runs: dict[int, list[Option]] = {}
            for o in self.by_start:
                same = runs.get(o.cost)
                if same is None:
                    runs[o.cost] = [o]
                else:
                    same.append(o)
            self.by_cost = [_CostRuns(cost, runs[cost]) for cost in sorted(runs)]
        return self.by_cost

    def kinds(self, i: int, deadline: int) -> list[_Kind]:
        """The distinct (pace, moments, days) of the window's options (see :meth:`needs`).

        Options of one kind last the same days, so the window holds one iff one of them
        starts between ``starts[i]`` and ``deadline`` minus its days: one bisection per
        kind, and a block's options come in a few kinds."""
        if self.by_kind is None:
            by_kind: dict[_Kind, list[int]] = {}
            for o in self.by_start:
                start = o.s
                kind = (o.hpw, o.steps, o.e - start + 1)
                starts = by_kind.get(kind)
                if starts is None:
                    by_kind[kind] = [start]
                else:
                    starts.append(start)
            self.by_kind = by_kind
        first = self.starts[i]
        found = []
        for kind, starts in self.by_kind.items():
            j = bisect_left(starts, first)
            if j < len(starts) and starts[j] <= deadline - kind[2] + 1:
                found.append(kind)
        return found


class _CostRuns:
    """A block's options of one cost, sorted by start, with suffix minima of their moments
    and hour-moments: a window's least of both, found by a scan that stops once no later
    option can lower them (as :meth:`_BlockIndex.needs` does)."""

    __slots__ = ("cost", "min_load", "min_steps", "options", "starts")

    def __init__(self, cost: int, options: list[Option]) -> None:
        self.cost = cost
        self.options = options
        self.starts = [o.s for o in options]
        self.min_steps = _suffix_min([o.steps for o in options], INF)
        self.min_load = _suffix_min([o.hpw * o.steps for o in options], float(INF))

    def least(self, first: int, deadline: int) -> tuple[int, float] | None:
        """The fewest moments and hour-moments of the options starting from ``first`` and
        ending by ``deadline``; ``None`` when there are none."""
        k = bisect_left(self.starts, first)
        floor_steps, floor_load = self.min_steps[k], self.min_load[k]
        steps, load = INF, float(INF)
        found = False
        for o in self.options[k : bisect_right(self.starts, deadline)]:
            if o.e > deadline:
                continue
            found = True
            if o.steps < steps:
                steps = o.steps
            if o.hpw * o.steps < load:
                load = o.hpw * o.steps
            if steps == floor_steps and load == floor_load:
                break
        return (steps, load) if found else None


def _by_start(options: list[Option]) -> list[Option]:
    """The options sorted by start, end and cost (ties as they come). A compiled options
    list comes in that order already, which one pass checks more cheaply than a sort with
    a key tuple per option confirms it."""
    for a, b in pairwise(options):
        if a.s > b.s or (a.s == b.s and (a.e > b.e or (a.e == b.e and a.cost > b.cost))):
            return sorted(options, key=attrgetter("s", "e", "cost"))
    return list(options)


def _suffix_min(values: list[_T], past: _T) -> list[_T]:
    """Per index i, the least of ``values[i:]``; ``past`` at the end (one longer)."""
    minima = []
    least = past
    for value in reversed(values):
        if value < least:
            least = value
        minima.append(least)
    minima.reverse()
    minima.append(past)
    return minima


class _Node:
    """Per-state facts: release, deadline and option index of every unchosen block."""

    __slots__ = (
        "deadline",
        "finish_lb",
        "hour_sums",
        "index",
        "latest",
        "needs",
        "open_cost",
        "opens",
        "release",
        "score_lb",
        "track_sums",
    )

    def __init__(self, n: int) -> None:
        self.release = [0] * n
        self.deadline = [0] * n
        self.latest = [0] * n
        self.index = [0] * n
        self.needs: list[_Needs] = [(0, 0, 0, 0.0, 0.0)] * n
        self.open_cost = 0  # the unchosen blocks' least costs (their needs), summed
        self.opens: list[int] = []  # the unchosen blocks, in order
        self.finish_lb = 0
        self.score_lb = 0
        # The energy bounds' sums from each release on (see _release_sums and
        # _track_sums): the bounds ask at two caps, and these do not depend on the cap.
        self.hour_sums: list[tuple[int, float, float]] | None = None
        self.track_sums: list[tuple[int, int, int, int, int]] | None = None


class _State:
    """A state being branched: where it stands, what it knew on entry, its next subsets."""

    __slots__ = ("active", "assigned", "before", "key", "mask", "node", "score", "subsets", "t")

    def __init__(
        self,
        t: int,
        assigned: _Assigned,
        mask: int,
        active: list[Option],
        score: int,
        key: _Key,
        before: Solution | None,
        node: _Node,
        subsets: _Subsets,
    ) -> None:
        self.t, self.assigned, self.mask, self.active, self.score = t, assigned, mask, active, score
        self.key, self.before, self.node, self.subsets = key, before, node, subsets


class _Paced:
    def __init__(
        self,
        problem: Problem,
        max_score: int | None,
        incumbent: Solution | None,
        stats: SearchStats,
    ) -> None:
        self.p = problem
        self.n = len(problem.blocks)
        self.hours = problem.hard_hours if problem.hard_hours is not None else float(INF)
        self.variant = variant = _variant_of(problem, self.n, self.hours)
        self.k, self.trades, self.grain = variant.k, variant.trades, variant.grain
        self.max_score = max_score
        self.best = incumbent
        self.stats = stats
        self.index = [_index_of(problem, opts) for opts in problem.options]
        # What _windows reads of each block's index, per block.
        self.opening = [ix.opening for ix in self.index]
        self.latest = [ix.latest for ix in self.index]
        self.known = [ix.known for ix in self.index]
        self.starts = [ix.starts for ix in self.index]
        self.min_e = [ix.min_e for ix in self.index]
        self.full = (1 << self.n) - 1
        self.memo: dict[_Key, _Entry] = {}
        self.earliest = [0] * self.n  # _windows' scratch: each open block's earliest end
        self.opens_of: dict[int, list[int]] = {}  # the open blocks by chosen-blocks mask
        self.floor = 0  # a proven lower bound on every plan's finish

    @property
    def cap(self) -> int:
        """The latest finish still worth having: the incumbent's (ties may win on score)."""
        if self.best is None or self.best.finish is None:
            return self.p.horizon
        return min(self.p.horizon, self.best.finish)

    def run(self) -> Solution | None:
        incumbent = self.best
        if not all(self.p.options):
            return self.best
        start = min(ix.starts[0] for ix in self.index)
        self.floor = self._finish_floor(start)
        if self.floor > self.cap:
            return self.best
        self.best = better(self.best, packing.best_schedule(self.p, self.max_score))
        if self.best is not None and self.best.key <= (self.floor, self.p.base_score):
            return self.best  # the list schedule meets both lower bounds
        # Nodes kept back for perturbed schedules, should the search not finish: the best plan
        # then comes from them more often than from the last nodes of the tree. The deadline
        # probes search too, so they are paid from the search's share, not from these.
        reserve = packing.reserve(self.stats) if self.max_score is None else 0
        if reserve and self.stats.limit is not None:
            room = self.stats.limit - self.stats.nodes - reserve
            self._probe(start, min(PROBE_NODES, room))
            if self.floor > self.cap:
                return self.best  # the probes proved the incumbent's finish, or no plan
            if self.best is not None and self.best.key <= (self.floor, self.p.base_score):
                return self.best
        assigned: list[Option | None] = [None] * self.n
        try:
            with self.stats.holding(reserve):
                self._explore(start, assigned, 0, [], self.p.base_score)
        except OutOfNodes:
            found = self.best
            if reserve:
                found = packing.sampled(self.p, found, self.floor, self.stats)
            if found is not None and found is not incumbent:
                # Made by this variant, so its constraints and costs are the ones to keep
                # (an incumbent from another variant may break them: it stays as it is).
                found = polish.cheaper(self.p, found)
            raise OutOfNodes(found) from None
        return self.best

    def _probe(self, start: int, budget: int) -> int:
        """Deadline probes: look for a plan at the floor on a small budget; returns the nodes
        spent.

        With the cap at the floor the windows are tight, most states are refuted at once and
        the blocks that must start now are forced, so where a plan meets the floor a probe
        tends to find it within a few dozen nodes, while the search proper, capped only by a
        list schedule's later finish, wanders the many plans in between. The first probe
        takes each block's cheapest runs only: a plan it finds meets both lower bounds and is
        optimal at once. Then, while the floor is not met, one takes every run: a plan found
        has the optimal finish, and a probe that ends without one has proved that no plan
        finishes by the floor, so the floor moves to the next run end and it probes again.
        A probe that runs out of nodes proves nothing, but keeps what it found.
        """
        if budget <= 0:
            return 0
        cheapest = self.p.base_score + sum(least for least, _ in cost_ranges(self.p))
        found, _, left = self._reach(within_budget(self.p, cheapest + 1), start, budget)
        self.best = better(self.best, found)
        ends = self.variant.ends
        while left > 0 and self.floor <= self.cap:
            if self.best is not None and self.best.key[0] <= self.floor:
                break
            found, refuted, left = self._reach(self.p, start, left)
            self.best = better(self.best, found)
            if not refuted:
                break
            after = bisect_right(ends, self.floor)
            self.floor = ends[after] if after < len(ends) else INF
        return budget - left

    def _reach(
        self, problem: Problem, start: int, budget: int
    ) -> tuple[Solution | None, bool, int]:
        """One probe of ``problem`` (this variant, or it with fewer runs) for the best plan
        that finishes by the floor: (that plan or ``None``, whether it proved there is none,
        the budget left). Its memo is its own: its states' futures are relative to its cap."""
        target = Solution((), self.floor, INF)  # "beat this": finish by the floor
        probe = _Paced(problem, None, target, SearchStats(budget))
        probe.floor, probe.trades = self.floor, False  # no score bound: any plan will do
        finished = True
        try:
            probe._explore(start, [None] * self.n, 0, [], problem.base_score)
        except OutOfNodes:
            finished = False
        self.stats.nodes += probe.stats.nodes
        found = probe.best if probe.best is not target else None
        return found, finished and found is None, budget - probe.stats.nodes

    def _finish_floor(self, start: int, below: int = INF) -> int:
        """The root's finish lower bound: one past the latest cap the root bounds refute.

        Any refuted cap c proves "no plan ends by c", so monotonicity is not needed: the
        binary search just looks for a refuted cap as late as it can find. Its ``lo`` only
        grows, and so does the packing bound's after it, so the floor is never earlier than
        ``ends[lo]``: once that is ``below`` or later, it is returned without asking more.
        """
        ends = self.variant.ends[: bisect_right(self.variant.ends, self.cap)]
        assigned: list[Option | None] = [None] * self.n
        lo, hi = 0, len(ends)  # ends[:lo] refuted so far, ends[hi:] not refuted
        while lo < hi:
            if ends[lo] >= below:
                return ends[lo]
            mid = (lo + hi) // 2
            if self._refuted(start, assigned, ends[mid]):
                lo = mid + 1
            else:
                hi = mid
        if self.p.hard_hours is not None:
            while lo < len(ends) and ends[lo] < below:
                if not self._packed_out(start, assigned, ends[lo]):
                    break
                lo += 1
        return ends[lo] if lo < len(ends) else INF

    def _refuted(self, t: int, assigned: _Assigned, cap: int) -> bool:
        """Do the root bounds refute every plan ending by ``cap``? The answer depends on the
        variant alone (the window pass reads no incumbent but the cap), so every search of
        the variant shares it."""
        known = self.variant.refuted.get((t, cap))
        if known is None:
            known = self.variant.refuted[(t, cap)] = self._refutes(t, assigned, cap)
        return known

    def _refutes(self, t: int, assigned: _Assigned, cap: int) -> bool:
        saved = self.best
        self.best = Solution((), cap, 0)  # makes self.cap == cap for the window pass
        try:
            node = self._windows(t, assigned, [], self.cap, self._opens(0))
            return node is None or self._overflows(t, node, assigned, [], cap)
        finally:
            self.best = saved

    def _packed_out(self, t: int, assigned: _Assigned, cap: int) -> bool:
        """Does the packing bound (see :meth:`_packing_overflows`) refute every plan ending
        by ``cap``? Asked only of caps the other root bounds leave, from the lowest up, and
        shared by every search of the variant as :meth:`_refuted` is."""
        known = self.variant.packed.get((t, cap))
        if known is None:
            saved = self.best
            self.best = Solution((), cap, 0)
            try:
                node = self._windows(t, assigned, [], self.cap, self._opens(0))
                known = node is None or self._packing_overflows(t, node, assigned, cap)
            finally:
                self.best = saved
            self.variant.packed[(t, cap)] = known
        return known

    def _packing_overflows(self, t: int, node: _Node, assigned: _Assigned, cap: int) -> bool:
        """The hours bound again, with each pace replaced by a dual feasible function of it.

        The runs going at any moment keep at most ``H`` hours a week together, but they
        seldom fill it: a 12-hour run under a 16-hour limit leaves 4 hours no run can use.
        For a threshold ``a`` of at most ``H / 2`` (see :func:`_dual`), a pace above ``H - a``
        counts as the whole ``H`` (what may run beside it is below ``a``) and a pace below
        ``a`` counts as nothing; the counted paces of runs going together still add up to at
        most ``H``, so the energy bound holds for them as for the paces themselves. Runs
        faster than ``H`` never start, so they are left out. Each threshold worth trying
        (one that moves a pace across a boundary) is one more pass of the window sums.
        """
        hours = self.hours
        release, deadline, window = node.release, node.deadline, node.index
        shapes: list[tuple[int, int, list[_Kind]]] = []
        for u in node.opens:
            ix, last = self.index[u], deadline[u]
            shape = [kind for kind in ix.kinds(window[u], last) if kind[0] <= hours + EPS]
            if not shape:
                return True  # every run that fits the window is faster than the limit
            shapes.append((release[u], last if last < cap else cap, shape))
        paces = sorted({hpw for _, _, shape in shapes for hpw, _, _ in shape})
        tried: set[tuple[float, ...]] = set()
        for a in _thresholds(paces, hours):
            counted = tuple(_dual(x, hours, a) for x in paces)
            if counted in tried or all(c == x for c, x in zip(counted, paces, strict=True)):
                continue
            tried.add(counted)
            worth_of = dict(zip(paces, counted, strict=True))  # each pace as counted
            items = []
            for first, last, shape in shapes:
                days = moments = float(INF)
                for hpw, steps, span in shape:
                    worth = worth_of[hpw]
                    if worth * span < days:
                        days = worth * span
                    if worth * steps < moments:
                        moments = worth * steps
                items.append((first, last, days, moments))
            if self._hours_exceed(items, t, cap, hours + EPS):
                return True
        return False

    # -- the tree -----------------------------------------------------------------------

    def _explore(
        self, t: int, assigned: _Assigned, mask: int, active: list[Option], score: int
    ) -> None:
        """Depth first over the states, with an explicit stack: one level per start moment
        would otherwise need a recursion limit as deep as the catalogue is long."""
        stack: list[_State] = []
        self._enter(stack, t, assigned, mask, active, score)
        while stack:
            state = stack[-1]
            child = self._next_child(state)
            if child is None:
                stack.pop()
                self._remember(state.key, state.before, state.assigned, state.score)
            else:
                self._enter(stack, *child)

    def _enter(
        self,
        stack: list[_State],
        t: int,
        assigned: _Assigned,
        mask: int,
        active: list[Option],
        score: int,
    ) -> None:
        """Visit a state: settled by the memo, refuted by the bounds, or pushed to branch."""
        self.stats.tick()
        key = (t, mask, tuple(sorted([(id(o.run), o.e) for o in active])))
        if self._known(key, assigned, score):
            return
        before = self.best
        node = self._bounds(t, assigned, active, score, self._opens(mask))
        if node is None:
            self._remember(key, before, assigned, score)
            return
        eligible = self._eligible(t, node, assigned)
        free_slots = self.k - len(active)
        free_hours = self.hours - sum([o.hpw for o in active])
        subsets = _subsets(eligible, free_slots, free_hours)
        stack.append(_State(t, assigned, mask, active, score, key, before, node, subsets))

    def _next_child(self, state: _State) -> tuple[int, _Assigned, int, list[Option], int] | None:
        """The next state below ``state`` worth a visit (leaves are recorded on the way)."""
        node = state.node
        for started in state.subsets:
            if self.best is not None and (node.finish_lb, node.score_lb) >= self.best.key:
                return None  # the incumbent improved under us: no sibling can beat it
            child = state.assigned.copy()
            child_mask, child_score = state.mask, state.score
            for u, o in started:
                child[u] = o
                child_mask |= 1 << u
                child_score += o.cost
            if child_mask == self.full:
                self._record(child, child_score)
                continue
            later = self._next_moment(state.t, child, self._opens_after(node, started, child_mask))
            if later is None:
                continue
            going = [o for o in state.active if o.e >= later]
            going += [o for _, o in started if o.e >= later]
            return later, child, child_mask, going, child_score
        return None

    def _eligible(self, t: int, node: _Node, assigned: _Assigned) -> _Eligible:
        """Blocks that may start at ``t``: (block, its runs starting at t, must start now)."""
        preds, index = self.p.preds, self.index
        release, deadline, window, latest = node.release, node.deadline, node.index, node.latest
        found: list[tuple[int, int, list[Option], bool]] = []
        for u in node.opens:
            if release[u] != t:
                continue
            for q in preds[u]:
                if assigned[q] is None:
                    break
            else:
                # The block's release is t, so its runs starting at t begin at its window
                # index (sorted by start, end and cost: in (end, cost) order).
                ix, last = index[u], deadline[u]
                starting = ix.by_start[window[u] : bisect_right(ix.starts, t)]
                runs = [o for o in starting if o.e <= last]
                if runs:
                    found.append((last, u, runs, latest[u] <= t))
        found.sort()  # by deadline, then block: no two items tie on both
        return [(u, runs, forced) for _, u, runs, forced in found]

    def _next_moment(self, t: int, assigned: _Assigned, opens: list[int]) -> int | None:
        """The first start after ``t`` of a block whose prerequisites are all chosen
        (``opens``: the blocks not chosen). No block starts before the first option start after
        ``t``, so the scan stops at a block that starts then (most often an early one)."""
        preds, index, moments = self.p.preds, self.index, self.p.starts
        j = bisect_right(moments, t)
        if j == len(moments):
            return None
        first = moments[j]
        soonest = INF
        for u in opens:
            release = t + 1
            for q in preds[u]:
                before = assigned[q]
                if before is None:
                    break
                if before.e >= release:
                    release = before.e + 1
            else:
                starts = index[u].starts
                i = bisect_left(starts, release)
                if i < len(starts) and starts[i] < soonest:
                    soonest = starts[i]
                    if soonest == first:
                        break
        return soonest if soonest < INF else None

    def _opens(self, mask: int) -> list[int]:
        """The open blocks, in order, when ``mask`` holds the chosen ones: states recur by
        mask, so each list is made once per search."""
        opens = self.opens_of.get(mask)
        if opens is None:
            opens = self.opens_of[mask] = [u for u in range(self.n) if not mask >> u & 1]
        return opens

    def _opens_after(self, node: _Node, started: list[tuple[int, Option]], mask: int) -> list[int]:
        """:meth:`_opens` of a child state: its parent's open blocks (``node.opens``) less
        those ``started``, the same list made without a pass over every block."""
        opens = self.opens_of.get(mask)
        if opens is None:
            opens = self.opens_of[mask] = node.opens.copy()
            for u, _ in started:
                opens.remove(u)
        return opens

    def _record(self, assigned: _Assigned, score: int) -> None:
        if self.max_score is not None and score >= self.max_score:
            return
        chosen = cast(list[Option], assigned)  # a leaf: every block has its option
        finish = max(o.e for o in chosen)
        if self.best is None or (finish, score) < self.best.key:
            self.best = Solution(tuple(chosen), finish, score)

    # -- memo: the best future of a state -------------------------------------------------

    def _known(self, key: _Key, assigned: _Assigned, score: int) -> bool:
        """True when the memo settles this state for the current past and incumbent."""
        entry = self.memo.get(key)
        if entry is None:
            return False
        kind, future, budget, suffix = entry
        remaining = None if self.max_score is None else self.max_score - score
        if budget is not None and (remaining is None or remaining > budget):
            return False
        total = (future[0], score + future[1])
        if self.best is not None and total >= self.best.key:
            return True
        if kind == "exact" and suffix is not None and (remaining is None or future[1] < remaining):
            chosen = [o if o is not None else suffix[u] for u, o in enumerate(assigned)]
            self.best = Solution(tuple(chosen), total[0], total[1])
            return True
        return kind == "lower" and future[0] >= INF

    def _remember(
        self, key: _Key, before: Solution | None, assigned: _Assigned, score: int
    ) -> None:
        remaining = None if self.max_score is None else self.max_score - score
        best = self.best
        if best is None:
            self.memo[key] = ("lower", (INF, 0), remaining, None)
            return
        future = (best.key[0], best.score - score)
        if best is not before:
            suffix = {u: best.options[u] for u in range(self.n) if assigned[u] is None}
            self.memo[key] = ("exact", future, remaining, suffix)
        else:
            self.memo[key] = ("lower", future, remaining, None)

    # -- bounds -------------------------------------------------------------------------

    def _bounds(
        self, t: int, assigned: _Assigned, active: list[Option], score: int, opens: list[int]
    ) -> _Node | None:
        """Releases, deadlines and the objective bound; ``None`` when the state is hopeless.
        ``opens``: the blocks ``assigned`` leaves open, in order."""
        cap = self.cap  # the incumbent does not change while a state is bounded
        node = self._windows(t, assigned, active, cap, opens)
        if node is None:
            return None
        score_lb = score + node.open_cost
        # The traded score bound costs more than the rest, so it is only worked out where a
        # higher score bound could refute the state: under a score budget, or at a finish
        # that ties the incumbent's.
        traded = self.trades and self.max_score is not None and score_lb < self.max_score
        if traded:
            score_lb = max(score_lb, score + self._traded_score(t, node, assigned, active))
        if self.max_score is not None and score_lb >= self.max_score:
            return None
        node.score_lb = score_lb
        if self.best is None:
            return None if self._overflows(t, node, assigned, active, cap) else node
        if node.finish_lb < cap:
            if not self._overflows(t, node, assigned, active, cap - 1):
                return node  # may still finish before the incumbent
            node.finish_lb = cap
        if (node.finish_lb, score_lb) >= self.best.key:
            return None
        # At the incumbent's finish the energy bounds refute most states, at a fraction of
        # the traded score bound's cost, so they go first (either refutes the state).
        if self._overflows(t, node, assigned, active, cap):
            return None
        best_finish, best_score = self.best.key
        if self.trades and not traded and node.finish_lb == best_finish and score_lb < best_score:
            score_lb = max(score_lb, score + self._traded_score(t, node, assigned, active))
            node.score_lb = score_lb
            if (node.finish_lb, score_lb) >= self.best.key:
                return None
        return node

    def _traded_score(self, t: int, node: _Node, assigned: _Assigned, active: list[Option]) -> int:
        """A score bound that knows cheap runs may cost pace: a Lagrangian relaxation.

        The open blocks' runs all lie in ``[t, cap]``, so together they cover at most the
        grid moments the k tracks still have free there (and at most ``H`` hours a moment).
        For any price ``lam`` per moment, a plan's score is at least the sum, per block, of
        its cheapest ``cost + lam * moments`` minus ``lam`` times that room. Where the
        cheap runs are the long ones this is well above the sum of cheapest costs.
        """
        p, cap = self.p, self.cap
        index, window, deadline = self.index, node.index, node.deadline
        fronts = [index[u].front(window[u], deadline[u]) for u in node.opens]
        distinct, which = _distinct(fronts)
        length = p.moments(t, cap)
        best = 0.0
        if self.k < self.n:
            room = self.k * length - sum(p.moments(t, min(o.e, cap)) for o in active)
            best = max(best, _lagrange(distinct, which, 1, room))
        if p.hard_hours is not None:
            used = sum(o.hpw * p.moments(t, min(o.e, cap)) for o in active)
            room_hours = _slack(self.hours * length) - used
            best = max(best, _lagrange(distinct, which, 2, room_hours))
        return ceil(best - 1e-6)

    def _windows(
        self, t: int, assigned: _Assigned, active: list[Option], cap: int, opens: list[int]
    ) -> _Node | None:
        """Earliest end forward, latest start backward from ``cap`` (the latest finish worth
        having: :attr:`cap`); ``None`` if some block cannot fit.

        Runs once per node over the open blocks only (kept on the node for the bounds that
        follow); each block's window, its earliest end, latest start and needs are looked
        up in its index's memos inline, and worked out only the first time."""
        p, index = self.p, self.index
        node = _Node(self.n)
        node.opens = opens
        release, deadline, latest, window = node.release, node.deadline, node.latest, node.index
        needs = node.needs
        earliest, opening, latest_of, known = self.earliest, self.opening, self.latest, self.known
        starts, min_e = self.starts, self.min_e
        preds, succs = p.preds, p.succs
        finish = 0
        for o in active:
            if o.e > finish:
                finish = o.e
        for u in opens:
            first = t
            for q in preds[u]:
                a = assigned[q]
                end = a.e if a is not None else earliest[q]
                if end >= first:
                    first = end + 1
            i = opening[u].get(first)
            if i is None:  # the first ask of this day: the first option from it on
                i = opening[u][first] = bisect_left(starts[u], first)
            end = min_e[u][i]  # INF past the last start
            if end > cap:
                return None
            release[u] = first
            window[u] = i
            earliest[u] = end
            if end > finish:
                finish = end
        open_cost = 0
        for u in reversed(opens):
            last = cap
            for v in succs[u]:
                if latest[v] <= last:
                    last = latest[v] - 1
            if earliest[u] > last:
                return None
            deadline[u] = last
            at = latest_of[u].get(last)
            latest[u] = at if at is not None else index[u].latest_by(last)
            i = window[u]
            need = known[u].get((last << 32) | i)
            if need is None:
                need = index[u].needs(i, last)
            needs[u] = need
            open_cost += need[0]
        node.open_cost = open_cost
        node.finish_lb = finish if finish > self.floor else self.floor
        return node

    def _overflows(
        self, t: int, node: _Node, assigned: _Assigned, active: list[Option], cap: int
    ) -> bool:
        """Energy bounds: the work forced into a window exceeds what the window holds.

        The hours bound goes first: where both apply it refutes far more states, at half
        the cost of the track bound."""
        if self.p.hard_hours is not None and self._hours_overflow(t, node, assigned, active, cap):
            return True
        return self.k < self.n and self._tracks_overflow(t, node, assigned, active, cap)

    def _hour_items(
        self, t: int, node: _Node, assigned: _Assigned, active: list[Option], cap: int
    ) -> list[tuple[int, int, float, float]]:
        """(earliest start, latest end, hour-days, hour-moments) per running run and block."""
        grid = self.p.grid
        first = bisect_left(grid, t)
        items = [
            (t, o.e, o.hpw * (o.e - t + 1), o.hpw * (bisect_right(grid, o.e) - first))
            for o in active
        ]
        release, deadline, needs = node.release, node.deadline, node.needs
        items += [
            (release[u], deadline[u] if deadline[u] < cap else cap, needs[u][3], needs[u][4])
            for u in node.opens
        ]
        return items

    def _tracks_overflow(
        self, t: int, node: _Node, assigned: _Assigned, active: list[Option], cap: int
    ) -> bool:
        """k tracks: what must start after r, or end by d, has to fit in that window.

        Runs still going hold their track into the window. Each check is made twice: in days
        (a run holds its track until the next start after its end) and in grid moments,
        where a track also holds a whole number of runs: at most its free moments divided by
        the shortest run, and a multiple of the runs' common divisor of moments. Blocks with
        the same release (or deadline) share one window, so it is checked once per group.
        Window lengths in moments are differences of grid positions, as in
        :meth:`Problem.moments`; the running runs' are looked up once per call. The sums
        from each release on are the same at any cap: the node keeps them for the next cap.
        """
        p, grid, k = self.p, self.p.grid, self.k
        frees = [p.next_start(o.e) for o in active]  # when each running run frees its track
        ends = [bisect_right(grid, o.e) for o in active]  # the grid moments up to its end
        free_at_cap = p.next_start(cap)
        cap_end = bisect_right(grid, cap)
        blocks = None
        sums = node.track_sums
        if sums is None:
            blocks = self._track_items(node, cap)
            sums = node.track_sums = _track_sums(blocks)
        for release, days, steps, count, shortest in sums:
            held = 0
            for free in frees:
                if free > release:
                    held += free - release
            if days + held > k * (free_at_cap - release):
                return True
            first = bisect_left(grid, release)
            held_moments = [end - first for end in ends]
            if self._moments_overflow(steps, count, shortest, cap_end - first, held_moments):
                return True
        if blocks is None:
            blocks = self._track_items(node, cap)
        blocks.sort(key=_DEADLINE)
        blocks.append(_TRACKS_SENTINEL)
        first = bisect_left(grid, t)
        days = steps = count = 0
        shortest = INF
        deadline = blocks[0][1]
        for item in blocks:
            if item[1] != deadline:
                free_at_deadline = p.next_start(deadline)
                held = 0
                for free in frees:
                    held += (free if free < free_at_deadline else free_at_deadline) - t
                if days + held > k * (free_at_deadline - t):
                    return True
                stop = bisect_right(grid, deadline)
                held_moments = [(end if end < stop else stop) - first for end in ends]
                if self._moments_overflow(steps, count, shortest, stop - first, held_moments):
                    return True
                deadline = item[1]
            need_steps = item[3]
            days, steps, count = days + item[2], steps + need_steps, count + 1
            if need_steps < shortest:
                shortest = need_steps
        return False

    def _track_items(self, node: _Node, cap: int) -> list[tuple[int, int, int, int]]:
        """(earliest start, latest end, track days, moments) per open block."""
        releases, deadlines, needs = node.release, node.deadline, node.needs
        blocks = []
        for u in node.opens:
            last, need = deadlines[u], needs[u]
            blocks.append((releases[u], last if last < cap else cap, need[1], need[2]))
        return blocks

    def _moments_overflow(
        self, steps: int, count: int, shortest: int, length: int, held: list[int]
    ) -> bool:
        """Do ``count`` runs of ``steps`` moments in all fit on k tracks of ``length``?"""
        grain = self.grain
        idle = self.k - len(held)
        room = idle * (length - length % grain)
        fit = idle * (length // shortest)
        for h in held:
            free = length - h
            if free > 0:
                room += free - free % grain
                fit += free // shortest
        return steps > room or count > fit

    def _hours_overflow(
        self, t: int, node: _Node, assigned: _Assigned, active: list[Option], cap: int
    ) -> bool:
        """Hours per week: the hour-days (and hour-moments) forced into a window must fit.

        Items with the same release (or deadline) share a window and the sums only grow, so
        each window is checked once, with all of its items counted. The sums from each
        release on are the same at any cap: the node keeps them for the next cap asked,
        where they often refute the state before any item is made again."""
        items = None
        sums = node.hour_sums
        if sums is None:
            items = self._hour_items(t, node, assigned, active, cap)
            sums = node.hour_sums = _release_sums(items)
        if self._from_releases_exceed(sums, cap, self.hours):
            return True
        if items is None:
            items = self._hour_items(t, node, assigned, active, cap)
        return self._to_deadlines_exceed(items, t, self.hours)

    def _hours_exceed(
        self, items: list[tuple[int, int, float, float]], t: int, cap: int, limit: float
    ) -> bool:
        """Do the items' hour-days (hour-moments) forced into some window exceed ``limit``
        hours a week over it? Windows: from each release to ``cap``, from ``t`` to each
        deadline. (The capacities are :func:`_slack`'s, written out: this runs a few times
        per node.)"""
        return self._from_releases_exceed(
            _release_sums(items), cap, limit
        ) or self._to_deadlines_exceed(items, t, limit)

    def _from_releases_exceed(
        self, sums: list[tuple[int, float, float]], cap: int, limit: float
    ) -> bool:
        """:meth:`_hours_exceed` over the windows from each release to ``cap``, from
        :func:`_release_sums`."""
        grid = self.p.grid
        cap_end = bisect_right(grid, cap)
        for release, days, moments in sums:
            capacity = limit * (cap - release + 1)
            if days > capacity + EPS * (1.0 + abs(capacity)):
                return True
            capacity = limit * (cap_end - bisect_left(grid, release))
            if moments > capacity + EPS * (1.0 + abs(capacity)):
                return True
        return False

    def _to_deadlines_exceed(
        self, items: list[tuple[int, int, float, float]], t: int, limit: float
    ) -> bool:
        """:meth:`_hours_exceed` over the windows from ``t`` to each deadline (sorts
        ``items`` in place)."""
        grid = self.p.grid
        items.sort(key=_DEADLINE)
        items.append(_SENTINEL)
        first = bisect_left(grid, t)
        days = moments = 0.0
        deadline = items[0][1]
        for item in items:
            if item[1] != deadline:
                capacity = limit * (deadline - t + 1)
                if days > capacity + EPS * (1.0 + abs(capacity)):
                    return True
                capacity = limit * (bisect_right(grid, deadline) - first)
                if moments > capacity + EPS * (1.0 + abs(capacity)):
                    return True
                deadline = item[1]
            days += item[2]
            moments += item[3]
        return False


def _release_sums(items: list[tuple[int, int, float, float]]) -> list[tuple[int, float, float]]:
    """Per release of the items, latest first: (it, the hour-days and hour-moments of the
    items released then or later), summed in that order (ties in the items' order)."""
    sums: list[tuple[int, float, float]] = []
    if not items:
        return sums
    by_release = sorted(items, key=_RELEASE, reverse=True)
    days = moments = 0.0
    release = by_release[0][0]
    for item in by_release:
        if item[0] != release:  # the group of ``release`` is complete
            sums.append((release, days, moments))
            release = item[0]
        days += item[2]
        moments += item[3]
    sums.append((release, days, moments))
    return sums


def _track_sums(
    blocks: list[tuple[int, int, int, int]],
) -> list[tuple[int, int, int, int, int]]:
    """Per release of the blocks, latest first: (it, and of the blocks released then or
    later: their track days, moments, count and fewest moments)."""
    sums: list[tuple[int, int, int, int, int]] = []
    if not blocks:
        return sums
    by_release = sorted(blocks, key=_RELEASE, reverse=True)
    days = steps = count = 0
    shortest = INF
    release = by_release[0][0]
    for item in by_release:
        if item[0] != release:  # the group of ``release`` is complete
            sums.append((release, days, steps, count, shortest))
            release = item[0]
        need_steps = item[3]
        days, steps, count = days + item[2], steps + need_steps, count + 1
        if need_steps < shortest:
            shortest = need_steps
    sums.append((release, days, steps, count, shortest))
    return sums


def _subsets(eligible: _Eligible, free_slots: int, free_hours: float) -> _Subsets:
    """Every way to start eligible blocks now within the free capacity, greedy ones first.

    Depth first over "block i starts with its run j, or (unless forced) not now", on an
    explicit stack of frames ``[i, slots, hours, next branch]``; ``picks`` holds what each
    level above the top frame decided (``None``: not now).
    """
    n = len(eligible)
    must = [0] * (n + 1)  # how many of the blocks from i on are forced
    lightest = [inf] * (n + 1)  # the lightest run of the blocks from i on
    for i in range(n - 1, -1, -1):
        _, runs, forced = eligible[i]
        must[i] = must[i + 1] + (1 if forced else 0)
        least = min(map(PACE, runs))
        lightest[i] = least if least < lightest[i + 1] else lightest[i + 1]
    picks: list[tuple[int, Option] | None] = []
    stack: list[list[Any]] = [[0, free_slots, free_hours, 0]]
    while stack:
        frame = stack[-1]
        i, slots, hours, branch = frame
        if i == n or must[i] > slots:
            if i == n:
                yield [pick for pick in picks if pick is not None]
            stack.pop()
            if stack:
                picks.pop()
            continue
        if not branch and (slots == 0 or lightest[i] > hours + EPS):
            # No run from block i on fits: "not now" for all of them is the one way on (if
            # none is forced), found here instead of one level per block.
            if not must[i]:
                yield [pick for pick in picks if pick is not None]
            stack.pop()
            if stack:
                picks.pop()
            continue
        u, runs, forced = eligible[i]
        frame[3] = branch + 1
        if branch < len(runs):
            o = runs[branch]
            if slots > 0 and o.hpw <= hours + EPS:
                picks.append((u, o))
                stack.append([i + 1, slots - 1, hours - o.hpw, 0])
        elif branch == len(runs) and not forced:
            picks.append(None)
            stack.append([i + 1, slots, hours, 0])
        elif branch > len(runs):
            stack.pop()
            if stack:
                picks.pop()


def _suffix_minima(
    options: list[Option],
) -> tuple[list[int], list[int], list[int], list[int], list[float], list[float]]:
    """Per index i, the least end, cost, eff, steps, energy and hour-moments of
    ``options[i:]``, in one pass; each list one longer, ending in ``INF``. Each minimum is
    appended to its own list (reversed at the end): no row per option to transpose."""
    e = cost = eff = steps = INF
    energy = load = float(INF)
    ends, costs, effs, moments, energies, loads = [e], [cost], [eff], [steps], [energy], [load]
    for o in reversed(options):
        if o.e < e:
            e = o.e
        if o.cost < cost:
            cost = o.cost
        if o.eff < eff:
            eff = o.eff
        if o.steps < steps:
            steps = o.steps
        if o.energy < energy:
            energy = o.energy
        if o.hpw * o.steps < load:
            load = o.hpw * o.steps
        ends.append(e)
        costs.append(cost)
        effs.append(eff)
        moments.append(steps)
        energies.append(energy)
        loads.append(load)
    for column in (ends, costs, effs, moments, energies, loads):
        column.reverse()
    return ends, costs, effs, moments, energies, loads


class _Variant:
    """What every search of one variant (options and hard limits) shares: the tracks k,
    whether score trades with pace, the runs' common divisor of moments, the distinct run
    ends, and which root caps the bounds refute, by (start, cap)."""

    __slots__ = ("ends", "grain", "k", "packed", "refuted", "trades")

    def __init__(self, problem: Problem, n: int, hours: float) -> None:
        facts = _facts_of(problem)
        self.k = min(problem.hard_parallel or n, most_at_once(facts.lightest, hours))
        self.trades = (self.k < n or problem.hard_hours is not None) and facts.costs_differ
        self.grain = facts.grain
        self.ends = facts.ends
        self.refuted: dict[tuple[int, int], bool] = {}
        self.packed: dict[tuple[int, int], bool] = {}  # the same for the packing bound


class _Facts:
    """What :class:`_Variant` reads of the options alone, whatever the limits: each block's
    lightest pace (ascending), whether some block's options differ in cost, the runs'
    common divisor of moments and the distinct run ends. A question's variants, and the
    pace limits made soft to explain a missing route, share one options list: each of them
    would otherwise pass over every option four times again."""

    __slots__ = ("costs_differ", "ends", "grain", "lightest")

    def __init__(self, options: list[list[Option]]) -> None:
        self.lightest = sorted(min((o.hpw for o in opts), default=0.0) for opts in options)
        self.costs_differ = any(len({o.cost for o in opts}) > 1 for opts in options)
        self.grain = gcd(*(o.steps for opts in options for o in opts)) or 1
        self.ends = sorted({o.e for opts in options for o in opts})


def _facts_of(problem: Problem) -> _Facts:
    """The options' facts, made once per options list."""
    key = ("paced facts",)
    known = problem.derived.get(key)
    if known is not None and known[0] is problem.options:
        return cast(_Facts, known[1])
    facts = _Facts(problem.options)
    problem.derived[key] = (problem.options, facts)
    return facts


def _variant_of(problem: Problem, n: int, hours: float) -> _Variant:
    """The variant's shared facts, made once per options list and hard limits."""
    key = ("paced", problem.hard_parallel, problem.hard_hours)
    known = problem.derived.get(key)
    if known is not None and known[0] is problem.options:
        return cast(_Variant, known[1])
    variant = _Variant(problem, n, hours)
    problem.derived[key] = (problem.options, variant)
    return variant


def _index_of(problem: Problem, options: list[Option]) -> _BlockIndex:
    """The block's index, built once per options list and shared by every search of it."""
    known = problem.derived.get(id(options))
    if known is not None and known[0] is options:
        return cast(_BlockIndex, known[1])
    index = _BlockIndex(options)
    problem.derived[id(options)] = (options, index)
    return index


def _distinct(fronts: list[_Front]) -> tuple[list[_Front], list[int]]:
    """The distinct fronts, and per block which of them is its own: blocks often share one."""
    slot: dict[_Front, int] = {}
    which = [slot.setdefault(front, len(slot)) for front in fronts]
    return list(slot), which


def _lagrange(distinct: list[_Front], which: list[int], use: int, room: float) -> float:
    """The best Lagrangian bound on the open blocks' cost with their total ``use`` (1:
    moments, 2: hour-moments) at most ``room``; the prices tried are the fronts' slopes,
    where the bound, a concave piecewise linear function of the price, has its corners.

    Each distinct front (see :func:`_distinct`) is priced once per price; the totals still
    add one term per block, in block order, as the sum they stand for."""
    trades = [[(item[0], item[use]) for item in front] for front in distinct]
    prices = {0.0}
    for trade in trades:
        for (cost_a, use_a), (cost_b, use_b) in pairwise(trade):
            drop = use_a - use_b
            if drop > EPS:
                prices.add((cost_b - cost_a) / drop)
    best = 0.0
    for price in prices:
        cheapest = []
        for trade in trades:
            least = inf
            for cost, amount in trade:
                value = cost + price * amount
                if value < least:
                    least = value
            cheapest.append(least)
        total = -price * room
        for j in which:
            total += cheapest[j]
        best = max(best, total)
    return best


def _thresholds(paces: list[float], hours: float) -> list[float]:
    """The thresholds of :func:`_dual` worth trying: each pace up to half the limit (it
    and the paces above it stay, those below count nothing), and just below each limit
    minus a pace (that pace counts as the whole limit), all at most half the limit."""
    half = hours / 2
    found = {x for x in paces if x <= half}
    found |= {hours - x + 2 * _TOL for x in paces if hours - x + 2 * _TOL <= half}
    found.add(half)
    return sorted(found)


def _dual(pace: float, hours: float, a: float) -> float:
    """A dual feasible function of a pace under an ``hours`` limit, ``0 < a <= hours / 2``:
    the whole limit above ``hours - a``, nothing below ``a``, the pace itself between.

    Paces going together add up to at most ``hours`` (and float noise, below ``_TOL``).
    With one of them above ``hours - a + _TOL`` the others are below ``a``, so they count
    nothing; two such would exceed the limit. Without one, each counts at most its pace.
    So the counted paces add up to at most the limit plus that noise too.
    """
    if pace > hours - a + _TOL:
        return hours
    if pace < a:
        return 0.0
    return pace


def _slack(capacity: float) -> float:
    """Capacity plus a relative tolerance, so float sums of equal totals never overflow."""
    return capacity + EPS * (1.0 + abs(capacity))
