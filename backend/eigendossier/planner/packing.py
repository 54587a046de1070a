"""First incumbents for the paced search: chronological list schedules that fill each moment.

The branch and bound in :mod:`~eigendossier.planner.paced` prunes against its incumbent, and
its own first leaf (blocks by deadline, shortest run first) leaves much of the weekly hours
unused: on a carousel-sized catalogue it finished months after the lower bound. These
schedules walk the start moments once and, at each, start the set of eligible blocks that
packs the free capacity best (a small knapsack, searched depth first), with
three ways to weigh "best": hours first, the longest chain of dependants first, or a mix.
Each costs a few milliseconds; the search keeps the best of them as its incumbent, which
only ever helps it prune (the optimum it proves is unchanged).

When none of them reaches the search's proven lower bound on the finish, :func:`sampled`
makes more, with the chain lengths perturbed by seeded noise (the same question always gets
the same samples). Where the weekly hours are tight, the search itself rarely improves on its
incumbent within its budget, while a few perturbed schedules often finish months earlier, and
one that meets the bound proves the finish at once. So the samples are paid from the
search's node budget.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from math import inf
from typing import cast

from eigendossier.planner.polish import cheaper
from eigendossier.planner.types import EPS, PACE, Option, Problem, SearchStats, Solution

# How a set of picks is valued, from three sums over the picks: of their hours per week (h),
# of their blocks' chain lengths (c), and of hours weighted by chain, h x (1 + 0.05 c) (w).
# Each is monotone: no sum growing makes a set worth less (the knapsack relies on it).
_Value = Callable[[float, float, float], tuple[float, ...]]
# The blocks the knapsack weighs at one moment: (block, its runs starting then, their fewest
# hours a week).
_Starting = list[tuple[int, list[Option], float]]
# The blocks with runs starting at one moment, as columns: the blocks, those runs, the fewest
# hours a week among each block's.
_Columns = tuple[list[int], list[list[Option]], list[float]]
# The knapsack's blocks: (block, its runs, its chain length, its hours' weight in the mix).
_Items = list[tuple[int, list[Option], float, float]]
_LEAVES_PER_MOMENT = 5_000  # the knapsack of one moment stops after this many complete sets
_STOP = _LEAVES_PER_MOMENT - 1  # counting past this many sets, the knapsack has stopped
_ELIGIBLE_PER_MOMENT = 32  # blocks it weighs at one moment (longest chains first): the depth
SAMPLES = 24  # perturbed schedules at most, per question
SAMPLE_NODES = 36  # what one costs of the node budget: about as much time as 36 search nodes
_SEED = 20260101
_FEW_LEAVES = 64  # a knapsack with no more complete sets than this is searched unbounded
_PAD = 1e-6  # added to a bound on sums of a few dozen hours or chain lengths
_NEVER = 1 << 62  # later than any day


def _hours_first(h: float, c: float, w: float) -> tuple[float, ...]:
    return (h, c)


def _chains_first(h: float, c: float, w: float) -> tuple[float, ...]:
    return (c, h)


def _mixed(h: float, c: float, w: float) -> tuple[float, ...]:
    return (w,)


VALUES: tuple[_Value, ...] = (_hours_first, _chains_first, _mixed)
# Which of the sums (h, c, w) each way of valuing reads: a set whose sums it reads are all at
# most the best set's is worth no more, whatever the sums it does not read.
_READS: dict[_Value, tuple[bool, bool, bool]] = {
    _hours_first: (True, True, False),
    _chains_first: (True, True, False),
    _mixed: (False, False, True),
}


def best_schedule(problem: Problem, max_score: int | None) -> Solution | None:
    """The best of the list schedules (finish, then score) scoring below ``max_score``."""
    best: Solution | None = None
    for found in _schedules(problem):
        if found is None or (max_score is not None and found.score >= max_score):
            continue
        if best is None or found.key < best.key:
            best = found
    return best


def _schedules(problem: Problem) -> list[Solution | None]:
    """The schedules of every way of valuing, made once per variant of a question: the
    searches for alternatives ask again with other score budgets."""
    key = ("packing", problem.hard_parallel, problem.hard_hours, problem.base_score)
    known = problem.derived.get(key)
    if known is not None and known[0] is problem.options:
        return cast(list[Solution | None], known[1])
    found = [_cheaper(problem, schedule(problem, value)) for value in VALUES]
    problem.derived[key] = (problem.options, found)
    return found


def _cheaper(problem: Problem, found: Solution | None) -> Solution | None:
    """The schedule with blocks moved to cheaper runs where it stays feasible (same finish
    or earlier): the list schedules fill the weeks first and never look at the cost."""
    return None if found is None else cheaper(problem, found)


def reserve(stats: SearchStats) -> int:
    """The nodes a search keeps back for :func:`sampled`: what :data:`SAMPLES` cost, at most
    half of what is left (none without a budget: such a search always finishes)."""
    if stats.limit is None:
        return 0
    return max(0, min(SAMPLES * SAMPLE_NODES, (stats.limit - stats.nodes) // 2))


def sampled(
    problem: Problem, best: Solution | None, floor: int, stats: SearchStats
) -> Solution | None:
    """``best``, or a better perturbed schedule: at most :data:`SAMPLES` of them, while the
    node budget lasts, stopping once one finishes at ``floor``."""
    rng = random.Random(_SEED)  # noqa: S311 - a repeatable perturbation, not a secret
    chain = _chains(problem)
    for _ in range(SAMPLES):
        if best is not None and best.finish is not None and best.finish <= floor:
            break
        if stats.limit is not None and stats.nodes + SAMPLE_NODES > stats.limit:
            break
        stats.nodes += SAMPLE_NODES
        spread = rng.uniform(0.3, 4.5)
        noisy = [c + rng.uniform(0, spread) for c in chain]
        found = schedule(problem, _mixed, noisy)
        if found is not None and (best is None or found.key < best.key):
            best = _cheaper(problem, found)
    return best


def schedule(problem: Problem, value: _Value, chain: list[float] | None = None) -> Solution | None:
    """One chronological max-fill schedule, or ``None`` when some block finds no run.

    ``chain`` weighs the blocks (by default the length of their chain of dependants)."""
    n = len(problem.blocks)
    hours = problem.hard_hours if problem.hard_hours is not None else float("inf")
    slots = problem.hard_parallel if problem.hard_parallel is not None else n
    chain = chain or _chains(problem)
    chosen: list[Option | None] = [None] * n
    # A block may start once its prerequisites are all chosen (none waiting) and over: from
    # ``ready`` on (never while some are waiting, nor once it is chosen).
    waiting = [len(preds) for preds in problem.preds]
    release = [0] * n
    ready = [0 if not count else _NEVER for count in waiting]
    active: list[Option] = []
    left = n
    for t, (blocks, runs, fewest) in _moments(problem):
        active = [o for o in active if o.e >= t]
        if len(active) == slots:
            continue  # no slot free: the knapsack could pick nothing
        free_hours = hours - sum([o.hpw for o in active])
        if not blocks or min(fewest) > free_hours + EPS:
            continue  # no run starting now fits the free hours: nor would one it weighs
        eligible = [(u, runs[k], fewest[k]) for k, u in enumerate(blocks) if ready[u] <= t]
        if not eligible:
            continue
        eligible.sort(key=lambda item: -chain[item[0]])
        picks = _knapsack(
            eligible[:_ELIGIBLE_PER_MOMENT], free_hours, slots - len(active), chain, value
        )
        for u, o in picks:
            chosen[u] = o
            ready[u] = _NEVER
            active.append(o)
            for v in problem.succs[u]:
                waiting[v] -= 1
                release[v] = max(release[v], o.e + 1)
                if not waiting[v]:
                    ready[v] = release[v]
        left -= len(picks)
        if not left:
            plan = tuple(o for o in chosen if o is not None)
            finish = max(o.e for o in plan)
            return Solution(plan, finish, problem.base_score + sum(o.cost for o in plan))
    return None


def _moments(problem: Problem) -> list[tuple[int, _Columns]]:
    """Per start moment, the blocks with runs starting then: (blocks, their runs, the fewest
    hours per week among those), blocks in order. Every schedule of the options walks these,
    so they are worked out once per options list. As columns they hold one object per block
    and moment (its runs) instead of two: they live as long as the question, and the garbage
    collector's full passes come sooner the more long-lived objects pile up."""
    key = ("moments",)
    known = problem.derived.get(key)
    if known is not None and known[0] is problem.options:
        return cast(list[tuple[int, _Columns]], known[1])
    at: dict[int, _Columns] = {t: ([], [], []) for t in problem.starts}
    for u, options in enumerate(problem.options):
        runs: dict[int, list[Option]] = {}
        for o in options:
            same = runs.get(o.s)
            if same is None:
                runs[o.s] = [o]
            else:
                same.append(o)
        for t, starting in runs.items():
            blocks, their_runs, fewest = at[t]
            blocks.append(u)
            their_runs.append(starting)
            fewest.append(min(map(PACE, starting)))
    found = list(at.items())
    problem.derived[key] = (problem.options, found)
    return found


def _chains(problem: Problem) -> list[float]:
    """Per block, how many blocks the longest chain of dependants from it holds."""
    chain = [1.0] * len(problem.blocks)
    for u in reversed(range(len(problem.blocks))):  # topological order: dependants come later
        for v in problem.succs[u]:
            chain[u] = max(chain[u], 1 + chain[v])
    return chain


class _Bounds:
    """What the knapsack may skip when hours do not bind (only a parallel limit), and how
    many complete sets it would have counted there.

    Every run fits then, so the sets below "block i with s slots left" are the same however
    the search got there: ``leaves[i][s]`` of them, and none adds more to the three sums than
    the s largest of each among the blocks from i on (``most[i][s]``). A part of the search
    whose best sums are worth no more than the best set so far can change nothing but the
    count of complete sets, which decides where the search stops: so it is skipped and only
    counted, and the knapsack returns the set it would have returned.
    """

    __slots__ = ("leaves", "most")

    def __init__(
        self, leaves: list[list[int]], most: list[list[tuple[float, float, float]]]
    ) -> None:
        self.leaves = leaves
        self.most = most

    @classmethod
    def of(cls, items: _Items, slots: int) -> _Bounds | None:
        """The bounds, or ``None`` when the whole search is too small to be worth them."""
        leaves = _leaves(items, slots)
        if leaves[0][slots] <= _FEW_LEAVES:
            return None
        return cls(leaves, _largest_sums(items, slots))

    def hopeless(
        self,
        i: int,
        slots: int,
        sums: tuple[float, float, float],
        value: _Value,
        best_value: tuple[float, ...] | None,
    ) -> bool:
        """Can no set below "block i with ``slots`` left", from ``sums``, beat the best?
        (The bound is padded, so float sums in another order never slip past it.)"""
        if best_value is None:
            return False
        add_h, add_c, add_w = self.most[i][slots]
        h, c, w = sums
        return value(h + add_h + _PAD, c + add_c + _PAD, w + add_w + _PAD) <= best_value


def _leaves(items: _Items, slots: int) -> list[list[int]]:
    """Per block i and count s up to ``slots``: how many complete sets the knapsack counts
    below "block i with s slots left" when every run fits."""
    below = [0] * (slots + 1)
    leaves = [below]  # past the last block: none
    for options in reversed([item[1] for item in items]):
        count = len(options)
        if below is leaves[0]:  # the last block: one of its runs, or none of them
            row = [0] + [count + 1] * slots
        else:  # one of its runs and a set below with a slot less (one, with one), or none
            row = [0]
            picked = 1
            for rest in below[1:]:
                row.append(count * picked + rest)
                picked = rest
        leaves.append(row)
        below = row
    leaves.reverse()
    return leaves


class _Cuts:
    """What the knapsack may skip when hours bind and only the weighted hours count.

    Below "block i with ``hours`` left" no set adds more weighted hours than those hours at
    the highest weight from block i on (``heaviest[i]``): a part that cannot beat the best
    set that way is skipped. Its complete sets go uncounted, so the search could stop later
    than the full one, which stops after ``_LEAVES_PER_MOMENT``; the skipped ones are
    counted from above instead. No set holds more blocks than the fewest hours of all let
    fit (``picks``), and no complete set has a block more after another then (its rest of
    hours would take the lightest), so below "block i with s slots left" there are no more
    complete sets than when every run fits with s less ``spare`` slots left (``leaves``,
    see :class:`_Bounds`). While the sets met and those bounds stay within the stop, the
    full search would not have stopped: the set found is the one it finds. Past it the
    knapsack counts the skipped sets exactly (:func:`_sets_below`) and goes on counting so;
    only if the full search had stopped already does it search again without cuts.
    """

    __slots__ = ("heaviest", "leaves", "spare")

    def __init__(self, heaviest: list[float], leaves: list[list[int]], spare: int) -> None:
        self.heaviest = heaviest
        self.leaves = leaves
        self.spare = spare

    @classmethod
    def of(cls, items: _Items, fewest: list[float], hours: float, slots: int) -> _Cuts | None:
        """The cuts, or ``None`` when the search is too small to be worth them."""
        picks = 0
        total = 0.0
        for least in sorted(fewest):
            total += least
            if picks == slots or total > hours + _PAD:
                break
            picks += 1
        if picks < 2:
            return None
        leaves = _leaves(items, picks)
        if leaves[0][picks] <= _FEW_LEAVES:
            return None
        heaviest = [0.0] * len(items)
        top = 0.0
        for i in range(len(items) - 1, -1, -1):
            top = max(top, items[i][3])
            heaviest[i] = top
        return cls(heaviest, leaves, slots - picks)

    def unpacked(self) -> tuple[list[float], list[list[int]], int]:
        """(heaviest, leaves, spare), for the knapsack's inner loop."""
        return self.heaviest, self.leaves, self.spare


def _largest_sums(items: _Items, slots: int) -> list[list[tuple[float, float, float]]]:
    """Per block i and count s up to ``slots``: what s picks among the blocks from i on add
    to each of the three sums at most (the s largest gains of each, summed)."""
    largest: tuple[list[float], list[float], list[float]] = ([], [], [])
    most: list[list[tuple[float, float, float]]] = []
    for _, options, weight, factor in reversed(items):
        hours = max(o.hpw for o in options)
        for column, gain in zip(largest, (hours, weight, hours * factor), strict=True):
            column.append(max(gain, 0.0))  # picking fewer never adds less than nothing
            column.sort(reverse=True)
            del column[slots:]
        sums = [(0.0, 0.0, 0.0)]
        for s in range(1, slots + 1):
            h, c, w = (sum(column[:s]) for column in largest)
            sums.append((h, c, w))
        most.append(sums)
    most.reverse()
    return most


def _knapsack(
    eligible: _Starting,
    free_hours: float,
    free_slots: int,
    chain: list[float],
    value: _Value,
) -> list[tuple[int, Option]]:
    """The most valuable set of (block, option) picks that fits the free capacity.

    Depth first over "this block with one of its options, or not now" (starting first),
    stopped after ``_LEAVES_PER_MOMENT`` complete sets; the first best set found wins. Where
    hours do not bind, the parts that cannot beat the best set are counted, not searched
    (see :class:`_Bounds`).
    """
    m = len(eligible)
    # lightest[i]: the fewest hours of any option of eligible[i:]; with less room than that
    # left, every later block can only be skipped: the set is complete as it is.
    least = inf
    lightest = [least]
    for _, _, fewest in reversed(eligible):
        if fewest < least:
            least = fewest
        lightest.append(least)
    lightest.reverse()
    if not eligible or free_slots == 0 or lightest[0] > free_hours + EPS:
        return []
    items: _Items = [(u, options, chain[u], 1 + 0.05 * chain[u]) for u, options, _ in eligible]
    if free_slots == 1 or _one_fits(eligible, free_hours):
        return _one_pick(items, free_hours, value)
    bounds = _Bounds.of(items, free_slots) if free_hours == inf else None
    cuts = None
    if free_hours != inf and _READS.get(value) == (False, False, True):
        cuts = _Cuts.of(items, [fewest for _, _, fewest in eligible], free_hours, free_slots)
    heaviest, cut_leaves, spare = (None, [], 0) if cuts is None else cuts.unpacked()
    skipped = 0  # complete sets the cuts skipped, at most
    skipped_at: list[tuple[int, float, int]] = []  # where: (block, hours, slots) left
    counted = False  # skipped sets are counted exactly (see below), no longer bounded
    known: dict[tuple[int, float, int], int] = {}  # exact counts, by where
    best: list[tuple[int, Option]] = []
    best_value: tuple[float, ...] | None = None
    # The best set's sums (h, c, w) where ``value`` reads them, ``inf`` where it does not:
    # a set is valued only if one of its sums beats one of these, so only the sums read.
    read_h, read_c, read_w = _READS.get(value, (True, True, True))
    unvalued = (-inf if read_h else inf, -inf if read_c else inf, -inf if read_w else inf)
    best_sums = unvalued
    leaves = 0
    picks: list[tuple[int, Option]] = []

    def keep(h: float, c: float, w: float, *last: tuple[int, Option]) -> None:
        """Keep the current set (the picks, and ``last`` if given) if it is worth more than
        the best one."""
        nonlocal best, best_value, best_sums
        got = value(h, c, w)
        if best_value is None or got > best_value:
            best, best_value = [*picks, *last], got
            best_sums = (h if read_h else inf, c if read_c else inf, w if read_w else inf)

    def dive(i: int, hours: float, slots: int, h: float, c: float, w: float) -> None:
        """Branch at an incomplete set, with leaves to spare. A child that is complete is
        counted here rather than entered, and valued only if one of its sums beats the best
        set's (with all three at most those it is worth no more: every way of valuing is
        monotone); once the leaves run out every level returns. Skipping a block is the last
        branch and changes nothing but the block, so it loops on to the next one instead of
        recursing. The sums are carried down in pick order, so they equal summing the picks."""
        nonlocal leaves, skipped, counted
        room = hours + EPS
        while True:
            if bounds is not None and bounds.hopeless(i, slots, (h, c, w), value, best_value):
                leaves = min(leaves + bounds.leaves[i][slots], _LEAVES_PER_MOMENT)
                return
            if heaviest is not None and w + (hours + _PAD) * heaviest[i] + _PAD <= best_sums[2]:
                if not counted:
                    most = cut_leaves[i][slots - spare] if slots > spare else 1
                    if leaves + skipped + most <= _LEAVES_PER_MOMENT:
                        skipped += most
                        skipped_at.append((i, hours, slots))
                        return
                    # The bound says the full search might have stopped: count what was
                    # skipped. Stopped already: every level returns, search again, no cuts.
                    for where in skipped_at:
                        leaves += _sets_below(items, lightest, known, where, _STOP - leaves)
                        if leaves >= _LEAVES_PER_MOMENT:
                            skipped = _LEAVES_PER_MOMENT
                            return
                    counted, skipped = True, 0
                below = _sets_below(items, lightest, known, (i, hours, slots), _STOP - leaves)
                leaves = min(leaves + below, _LEAVES_PER_MOMENT)
                return
            u, options, weight, factor = items[i]
            j = i + 1
            last = j == m
            next_lightest = lightest[j]
            for o in options:
                hpw = o.hpw
                if hpw <= room:
                    rest = hours - hpw
                    if last or slots == 1 or next_lightest > rest + EPS:
                        leaves += 1
                        top_h, top_c, top_w = best_sums
                        sum_h, sum_c, sum_w = h + hpw, c + weight, w + hpw * factor
                        if sum_h > top_h or sum_c > top_c or sum_w > top_w:
                            keep(sum_h, sum_c, sum_w, (u, o))
                    else:
                        picks.append((u, o))
                        dive(j, rest, slots - 1, h + hpw, c + weight, w + hpw * factor)  # noqa: F821
                        picks.pop()
                    if leaves >= _LEAVES_PER_MOMENT:
                        return
            if last or next_lightest > room:
                leaves += 1
                top_h, top_c, top_w = best_sums
                if h > top_h or c > top_c or w > top_w:
                    keep(h, c, w)
                return
            i = j

    dive(0, free_hours, free_slots, 0, 0, 0)
    if cuts is not None and leaves + skipped > _LEAVES_PER_MOMENT:
        best, best_value, best_sums = [], None, unvalued
        heaviest, leaves = None, 0
        dive(0, free_hours, free_slots, 0, 0, 0)
    # dive holds itself in its closure: dropping it frees the closure (and the picks it
    # refers to) at once, instead of leaving a cycle to the garbage collector, whose full
    # passes over the catalogue cost far more than the knapsack.
    del dive
    return best


def _sets_below(
    items: _Items,
    lightest: list[float],
    known: dict[tuple[int, float, int], int],
    where: tuple[int, float, int],
    limit: int,
) -> int:
    """How many complete sets the knapsack's depth first search counts below "block i with
    ``hours`` and ``slots`` left" (``where``), worked out as it would count them; or some
    number above ``limit`` once there are more. Places recur (the same hours left by picks
    in another order), so exact counts are kept in ``known``."""
    found = known.get(where)
    if found is not None:
        return found
    i, hours, slots = where
    m = len(items)
    room = hours + EPS
    total = 0
    while True:
        j = i + 1
        last = j == m
        next_lightest = lightest[j]
        for o in items[i][1]:
            if o.hpw <= room:
                rest = hours - o.hpw
                if last or slots == 1 or next_lightest > rest + EPS:
                    total += 1
                else:
                    below = (j, rest, slots - 1)
                    total += _sets_below(items, lightest, known, below, limit - total)
                if total > limit:
                    return total
        if last or next_lightest > room:
            total += 1
            break
        i = j
    known[where] = total
    return total


def _one_fits(eligible: _Starting, free_hours: float) -> bool:
    """Does no pair of blocks fit the free hours? Then a set that fits holds one block at
    most, and the knapsack's search is :func:`_one_pick`'s scan: after any pick the room
    left is less than the lightest other block needs (the two lightest take more than the
    free hours by a pad that rounding never closes)."""
    if len(eligible) < 2:
        return True
    lightest, second = sorted([fewest for _, _, fewest in eligible])[:2]
    return lightest + second > free_hours + _PAD


def _one_pick(items: _Items, free_hours: float, value: _Value) -> list[tuple[int, Option]]:
    """:func:`_knapsack` with one slot free or room for one block: every set is one pick
    or none, so its depth first search is a scan of the picks in order that keeps the
    first of the highest value (the empty set, last, is worth no more than any pick). It
    stops where the search would, after ``_LEAVES_PER_MOMENT`` picks that fit."""
    room = free_hours + EPS
    best: list[tuple[int, Option]] = []
    best_value: tuple[float, ...] | None = None
    leaves = 0
    for u, options, weight, factor in items:
        for o in options:
            hpw = o.hpw
            if hpw <= room:
                leaves += 1
                got = value(hpw, weight, hpw * factor)
                if best_value is None or got > best_value:
                    best, best_value = [(u, o)], got
                if leaves >= _LEAVES_PER_MOMENT:
                    return best
    return best
