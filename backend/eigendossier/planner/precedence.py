"""Exact search when only prerequisites couple the blocks (no hard pace limit).

Two depth-first branch-and-bound passes over blocks, each node propagating prerequisites as
bounds: one forward pass in topological order (release = latest earliest-end of the
prerequisites) and one backward pass (deadline = the finish cap or the latest start of the
dependants). One pass each reaches the fixpoint, because forward filtering removes only early
starts (never lowering a latest start) and backward filtering removes only late ends (never
raising an earliest end).

1. *Finish.* Blocks are taken earliest-possible-end first, options earliest end first. With
   no score budget the first leaf is the earliest-end propagation itself, which meets the
   lower bound ``max(earliest end)``; with the cap then one day earlier every other branch
   fails its first propagation, so the pass costs about n nodes.
2. *Score.* The finish capped at that optimum, minimise the score, options cheapest first,
   bounded by the sum of each block's cheapest option left.

Complexity: a node costs O(total options); pass 1 is n nodes without a budget. Pass 2 is
exponential in the worst case (a shared dependant can make cheap options of two
prerequisites incompatible), but the per-block bound is exact whenever the cheapest options
are mutually compatible, so it closes immediately in the common case.
"""

from __future__ import annotations

from bisect import bisect_right
from operator import attrgetter
from typing import cast

from eigendossier.planner.types import Option, OutOfNodes, Problem, SearchStats, Solution, better

_START = attrgetter("s")
_COST = attrgetter("cost")
_BY_END = attrgetter("e", "cost", "s")
_BY_COST = attrgetter("cost", "e", "s")
MIN_S, MAX_S, MIN_E, MAX_E, MIN_COST = range(5)
# A domain's (min start, max start, min end, max end, min cost), indexed by the names above.
_Summary = tuple[int, int, int, int, int]
# A search node: the option chosen per block (``None`` while open), each open block's options
# (``None`` once chosen) and their summaries (stale once chosen: read for open blocks only).
_Assigned = list[Option | None]
_Domains = list[list[Option] | None]
_Summaries = list[_Summary]


def search(
    problem: Problem, max_score: int | None, incumbent: Solution | None, stats: SearchStats
) -> Solution | None:
    """The best plan of this variant if it beats ``incumbent``, else ``incumbent``."""
    cap = problem.horizon if incumbent is None else min(problem.horizon, incumbent.finish or 0)
    try:
        first = _Search(problem, cap, max_score, None, stats).run()
    except OutOfNodes as stop:
        raise OutOfNodes(better(stop.best, incumbent)) from None
    if first is None or first.finish is None:
        return incumbent
    best = better(incumbent, first)
    found = _Search(problem, first.finish, max_score, best, stats).run()
    return found if found is not None else best


def floor(problem: Problem, below: int = 1 << 62) -> int:
    """The earliest finish without pace limits: earliest-end propagation over the DAG
    (one pass over the options, so ``below``, which lets :func:`paced.floor` stop early,
    is not needed)."""
    earliest: list[int] = []
    for u, options in enumerate(problem.options):
        release = max((earliest[q] for q in problem.preds[u]), default=-1)
        earliest.append(min((o.e for o in options if o.s > release), default=1 << 62))
    return max(earliest, default=0)


def _summary(dom: list[Option], longest: int, cheapest: int) -> _Summary:
    """Per-domain facts the bounds need, recomputed only when a domain changes.

    ``dom`` is sorted by start and no option lasts longer than ``longest`` days, so the
    earliest end is among the first options and the latest among the last ones: the scans
    stop as soon as no later (earlier) start could change them. No option of the block costs
    less than ``cheapest``, so when one costs that, it is the least cost without a full scan.
    """
    min_e = dom[0].e
    for o in dom:
        if o.s > min_e:
            break
        if o.e < min_e:
            min_e = o.e
    max_e = dom[-1].e
    for o in reversed(dom):
        if o.s + longest <= max_e:
            break
        if o.e > max_e:
            max_e = o.e
    least = cheapest if cheapest in map(_COST, dom) else min(map(_COST, dom))
    return (dom[0].s, dom[-1].s, min_e, max_e, least)


class _Search:
    """One pass; ``incumbent`` given means the score pass with the finish fixed at ``cap``."""

    def __init__(
        self,
        problem: Problem,
        cap: int,
        max_score: int | None,
        incumbent: Solution | None,
        stats: SearchStats,
    ) -> None:
        self.p = problem
        self.n = len(problem.blocks)
        self.finish_pass = incumbent is None
        self.cap = cap
        self.max_score = max_score
        self.best = incumbent
        self.best_score = incumbent.score if incumbent else None
        self.stats = stats
        self.longest = [max((o.e - o.s for o in opts), default=0) for opts in problem.options]
        self.cheapest = [min(map(_COST, opts), default=0) for opts in problem.options]

    def run(self) -> Solution | None:
        """The best solution found, or ``None`` when the finish pass finds nothing."""
        domains: _Domains = [list(opts) for opts in self.p.options]
        if not all(domains):
            return self.best
        summ: _Summaries = [
            _summary(d, self.longest[u], self.cheapest[u]) for u, d in enumerate(domains) if d
        ]
        assigned: _Assigned = [None] * self.n
        try:
            if self._propagate(assigned, domains, summ):
                self._dive(assigned, domains, summ)
        except OutOfNodes:
            raise OutOfNodes(self.best) from None
        return self.best

    def _dive(self, assigned: _Assigned, domains: _Domains, summ: _Summaries) -> None:
        self.stats.tick()
        if self._pruned(assigned, summ):
            return
        u = self._pick(domains, summ)
        if u is None:
            self._record(assigned)
            return
        for option in self._values(cast(list[Option], domains[u])):  # _pick picks an open one
            if option.e > self.cap:
                continue
            child = (assigned.copy(), domains.copy(), summ.copy())
            child[0][u] = option
            child[1][u] = None
            if self._propagate(*child):
                self._dive(*child)

    def _pick(self, domains: _Domains, summ: _Summaries) -> int | None:
        """Finish pass: the block that can end first; score pass: the fewest options."""
        best, best_key = None, None
        for u in range(self.n):
            dom = domains[u]
            if dom is None:
                continue
            key = (summ[u][MIN_E], len(dom)) if self.finish_pass else (len(dom), summ[u][MIN_E])
            if best_key is None or key < best_key:
                best, best_key = u, key
        return best

    def _values(self, dom: list[Option]) -> list[Option]:
        return sorted(dom, key=_BY_END if self.finish_pass else _BY_COST)

    def _record(self, assigned: _Assigned) -> None:
        chosen = cast(tuple[Option, ...], tuple(assigned))  # a leaf: every block has its option
        finish = max(o.e for o in chosen)
        score = self.p.base_score + sum(o.cost for o in chosen)
        if self.finish_pass:
            self.best = Solution(chosen, finish, score)
            self.cap = finish - 1
        elif self.best_score is not None and score < self.best_score:
            self.best = Solution(chosen, finish, score)
            self.best_score = score

    def _propagate(self, assigned: _Assigned, domains: _Domains, summ: _Summaries) -> bool:
        """Prerequisite bounds to the fixpoint; ``False`` when some block has no option."""
        preds, longest, cheapest = self.p.preds, self.longest, self.cheapest
        for u in range(self.n):
            dom = domains[u]
            if dom is None or not preds[u]:
                continue
            release = -1
            for q in preds[u]:
                end = a.e if (a := assigned[q]) is not None else summ[q][MIN_E]
                if end > release:
                    release = end
            if summ[u][MIN_S] <= release:
                dom = dom[bisect_right(dom, release, key=_START) :]
                if not dom:
                    return False
                domains[u], summ[u] = dom, _summary(dom, longest[u], cheapest[u])
        succs = self.p.succs
        for u in reversed(range(self.n)):
            dom = domains[u]
            if dom is None:
                continue
            deadline = self.cap
            for q in succs[u]:
                start = a.s if (a := assigned[q]) is not None else summ[q][MAX_S]
                if start - 1 < deadline:
                    deadline = start - 1
            if summ[u][MAX_E] > deadline:
                dom = self._ending_by(u, dom, deadline)
                if not dom:
                    return False
                domains[u], summ[u] = dom, _summary(dom, longest[u], cheapest[u])
        return True

    def _ending_by(self, u: int, dom: list[Option], deadline: int) -> list[Option]:
        """The options of ``dom`` (sorted by start) that end by ``deadline``, in order.

        Those starting early enough that even the block's longest run ends in time are kept
        by bisection; only the few starting in the last run length before the deadline are
        looked at one by one (a dense catalogue has thousands of options per block).
        """
        safe = bisect_right(dom, deadline - self.longest[u], key=_START)
        stop = bisect_right(dom, deadline, key=_START)
        return dom[:safe] + [o for o in dom[safe:stop] if o.e <= deadline]

    def _pruned(self, assigned: _Assigned, summ: _Summaries) -> bool:
        score = self.p.base_score
        for u in range(self.n):
            option = assigned[u]
            score += option.cost if option is not None else summ[u][MIN_COST]
        if self.max_score is not None and score >= self.max_score:
            return True
        return not self.finish_pass and self.best_score is not None and score >= self.best_score
