"""Study for issue #18: does a time-indexed LP relaxation prove the unproven bench learners?

Not a ``bench_*`` script and not part of the product: it needs HiGHS (``highspy``, which
brings numpy), installed outside the project's venv, e.g.
``pip install --target /tmp/lpdeps highspy==1.15.1``; pass that directory as ``--deps``.

Run from the repository root::

    PYTHONPATH=backend python bench/lp_bound_study.py --deps /tmp/lpdeps [--dff] [--mip SECONDS]

The LP of a search variant and a deadline D: ``x[o]`` in [0, 1] per option ending by D
(after the prerequisite release/deadline propagation of precedence.py's root), one per
block; at every distinct start t the options covering t hold at most the hard hours
(``--dff``: also once per dual feasible function of paced._packing_overflows, the pace of
each option counted as paced._dual counts it) and the hard count; per prerequisite a of b
and start t of b, the share of b started by t is at most the share of a ended before t.
Infeasible for D = the plan's finish minus one day: no plan finishes earlier (the variant
giving every soft pace limit up is the loosest, so it alone decides). The score LP
minimises the soft cost with D = the finish, the least over the variants.

Per learner it prints the verdicts, the LP's size, its CPU time (process time, median of 5,
build and solve apart), the LP's own finish floor (the earliest run end where the LP is
feasible) and, with ``--mip``, whether HiGHS' MIP on the same rows finds a plan finishing
earlier than ours within the seconds given (one thread), checked with bench_planner's
``keeps_the_limits`` (and, where the LP proves the finish, the MIP's least score there).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_planner as bp

from eigendossier.planner import plan_route
from eigendossier.planner.paced import _dual, _thresholds
from eigendossier.planner.route import _compile
from eigendossier.planner.search import variants
from eigendossier.planner.types import Option, Problem

UNPROVEN = (0, 5, 7, 9, 12, 13, 23, 25)
TOL = 1e-6  # the hours rows' slack: the planner allows float noise below EPS
highspy: Any = None
np: Any = None


def window(variant: Problem, deadline: int) -> list[list[Option]] | None:
    """Per block its options ending by ``deadline`` that prerequisite releases and
    deadlines leave (to the fixpoint), or ``None`` when a block has none left."""
    n = len(variant.blocks)
    opts = [[o for o in options if o.e <= deadline] for options in variant.options]
    changed = True
    while changed:
        changed = False
        earliest = [0] * n
        for u in range(n):
            release = max((earliest[q] for q in variant.preds[u]), default=-1)
            kept = [o for o in opts[u] if o.s > release]
            changed |= len(kept) != len(opts[u])
            if not kept:
                return None
            opts[u] = kept
            earliest[u] = min(o.e for o in kept)
        latest = [0] * n
        for u in reversed(range(n)):
            last = min((latest[q] - 1 for q in variant.succs[u]), default=deadline)
            kept = [o for o in opts[u] if o.e <= last]
            changed |= len(kept) != len(opts[u])
            if not kept:
                return None
            opts[u] = kept
            latest[u] = max(o.s for o in kept)
    return opts


class Lp:
    """The LP of one variant and deadline, handed to HiGHS row-wise."""

    def __init__(self, variant: Problem, deadline: int, *, cost: bool, dff: bool) -> None:
        self.variant = variant
        self.empty = False
        opts = window(variant, deadline)
        if opts is None:
            self.empty = True
            return
        self.flat = [(u, o) for u, options in enumerate(opts) for o in options]
        col = {id(o): j for j, (_, o) in enumerate(self.flat)}
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.starts = [0]
        self.index: list[int] = []
        self.value: list[float] = []
        inf = highspy.kHighsInf
        for options in opts:
            self._row([(col[id(o)], 1.0) for o in options], 1.0, 1.0)
        hours, count = variant.hard_hours, variant.hard_parallel
        if hours is not None or count is not None:
            for t in sorted({o.s for options in opts for o in options}):
                going = [o for _, o in self.flat if o.s <= t <= o.e]
                if hours is not None:
                    self._row([(col[id(o)], o.hpw) for o in going], -inf, hours + TOL)
                    if dff:
                        self._dff_rows(going, col, hours)
                if count is not None:
                    self._row([(col[id(o)], 1.0) for o in going], -inf, count)
        for b, options in enumerate(opts):
            for a in variant.preds[b]:
                for t in sorted({o.s for o in options}):
                    entries = [(col[id(o)], 1.0) for o in options if o.s <= t]
                    entries += [(col[id(o)], -1.0) for o in opts[a] if o.e < t]
                    self._row(entries, -inf, 0.0)
        self.cost = cost

    def _dff_rows(self, going: list[Option], col: dict[int, int], hours: float) -> None:
        paces = sorted({o.hpw for o in going})
        seen = set()
        for a in _thresholds(paces, hours):
            entries = [(col[id(o)], _dual(o.hpw, hours, a)) for o in going]
            entries = [(j, w) for j, w in entries if w]
            key = tuple(entries)
            if key not in seen:
                seen.add(key)
                self._row(entries, -highspy.kHighsInf, hours + TOL)

    def _row(self, entries: list[tuple[int, float]], lower: float, upper: float) -> None:
        for j, v in entries:
            self.index.append(j)
            self.value.append(v)
        self.starts.append(len(self.index))
        self.lower.append(lower)
        self.upper.append(upper)

    @property
    def size(self) -> tuple[int, int, int]:
        return (0, 0, 0) if self.empty else (len(self.flat), len(self.lower), len(self.index))

    def highs(self, integral: bool = False) -> Any:
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        lp = highspy.HighsLp()
        ncols, nrows = len(self.flat), len(self.lower)
        lp.num_col_, lp.num_row_ = ncols, nrows
        lp.col_cost_ = np.array([o.cost if self.cost else 0.0 for _, o in self.flat], dtype=float)
        lp.col_lower_ = np.zeros(ncols)
        lp.col_upper_ = np.ones(ncols)
        lp.row_lower_ = np.array(self.lower, dtype=float)
        lp.row_upper_ = np.array(self.upper, dtype=float)
        matrix = lp.a_matrix_
        matrix.format_ = highspy.MatrixFormat.kRowwise
        matrix.num_col_, matrix.num_row_ = ncols, nrows
        matrix.start_ = np.array(self.starts, dtype=np.int32)
        matrix.index_ = np.array(self.index, dtype=np.int32)
        matrix.value_ = np.array(self.value, dtype=float)
        if integral:
            lp.integrality_ = [highspy.HighsVarType.kInteger] * ncols
        h.passModel(lp)
        return h

    def solve(self) -> tuple[str, float]:
        """'infeasible' (also when propagation empties a block) or 'feasible', objective."""
        if self.empty:
            return "infeasible", float("inf")
        h = self.highs()
        h.run()
        status = h.modelStatusToString(h.getModelStatus())
        if status == "Infeasible":
            return "infeasible", float("inf")
        if status != "Optimal":
            raise RuntimeError(status)
        return "feasible", h.getInfo().objective_function_value


def timed(variant: Problem, deadline: int, cost: bool, dff: bool) -> tuple[Lp, str, float, float]:
    """The LP, its verdict, and median build and solve CPU ms over 5 rounds."""
    builds, solves = [], []
    for _ in range(5):
        t0 = time.process_time()
        lp = Lp(variant, deadline, cost=cost, dff=dff)
        t1 = time.process_time()
        verdict, _ = lp.solve()
        t2 = time.process_time()
        builds.append((t1 - t0) * 1000)
        solves.append((t2 - t1) * 1000)
    return lp, verdict, statistics.median(builds), statistics.median(solves)


def lp_floor(variant: Problem, finish: int, dff: bool) -> int:
    """The earliest run end at which the LP is feasible (it is at ``finish``)."""
    ends = sorted({o.e for options in variant.options for o in options if o.e <= finish})
    lo, hi = 0, len(ends) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if Lp(variant, ends[mid], cost=False, dff=dff).solve()[0] == "feasible":
            hi = mid
        else:
            lo = mid + 1
    return ends[lo]


def mip_earlier(variant: Problem, finish: int, dff: bool, seconds: float) -> str:
    """HiGHS' MIP on the LP's rows: a plan finishing before ``finish``, if it finds one."""
    lp = Lp(variant, finish - 1, cost=False, dff=dff)
    if lp.empty:
        return "infeasible (propagation)"
    h = lp.highs(integral=True)
    h.setOptionValue("time_limit", seconds)
    t0 = time.process_time()
    h.run()
    cpu = time.process_time() - t0
    status = h.modelStatusToString(h.getModelStatus())
    if status != "Optimal":
        return f"{status} after {cpu:.1f} s"
    x = h.getSolution().col_value
    chosen: list[Option | None] = [None] * len(variant.blocks)
    for (u, o), v in zip(lp.flat, x, strict=True):
        if v > 0.5:
            chosen[u] = o
    plan = [o for o in chosen if o is not None]
    ok = len(plan) == len(chosen) and bp.keeps_the_limits(variant, plan)
    score = variant.base_score + sum(o.cost for o in plan)
    day = date.fromordinal(max(o.e for o in plan))
    return f"plan {day} / {score} (checked: {'yes' if ok else 'NO'}) after {cpu:.1f} s"


def mip_score(every: list[Problem], finish: int, dff: bool, seconds: float) -> str:
    """HiGHS' MIP for the least score of a plan finishing by ``finish``, over the variants:
    the best it found and its proven bound."""
    found, bound, cpu = float("inf"), float("inf"), 0.0
    for variant in every:
        lp = Lp(variant, finish, cost=True, dff=dff)
        if lp.empty:
            continue
        h = lp.highs(integral=True)
        h.setOptionValue("time_limit", seconds)
        h.setOptionValue("mip_rel_gap", 0.0)
        t0 = time.process_time()
        h.run()
        cpu += time.process_time() - t0
        info = h.getInfo()
        found = min(found, variant.base_score + info.objective_function_value)
        bound = min(bound, variant.base_score + info.mip_dual_bound)
    return f"score {found:.0f}, bound {bound:.2f} after {cpu:.1f} s"


def main() -> None:
    global highspy, np
    parser = argparse.ArgumentParser()
    parser.add_argument("--deps", required=True)
    parser.add_argument("--dff", action="store_true")
    parser.add_argument("--mip", type=float, default=0.0)
    parser.add_argument("--learners", default=",".join(map(str, UNPROVEN)))
    args = parser.parse_args()
    sys.path.insert(0, args.deps)
    import highspy as highs_module
    import numpy as numpy_module

    highspy, np = highs_module, numpy_module
    rng = random.Random(bp.SEED)  # noqa: S311 - the bench's repeatable workload
    blocks, runs = bp.catalogue(rng)
    people = bp.learners(rng, blocks)
    print(
        "| learner | plan | floor | finish-1 LP | size (cols x rows, nnz) | build ms | "
        "solve ms | LP floor | LP score at finish | MIP |"
    )
    print("|---:|---|---|---|---|---:|---:|---|---:|---|")
    for i in map(int, args.learners.split(",")):
        person = people[i]
        plan = plan_route(blocks, runs, person.preferences, person.exemptions).plan
        assert plan is not None
        assert plan.finish is not None
        problem = _compile(blocks, runs, person.preferences, person.exemptions)
        loosest, *_ = every = variants(problem)
        finish = plan.finish.toordinal()
        lp, verdict, build, solve = timed(loosest, finish - 1, cost=False, dff=args.dff)
        score = min(v.base_score + Lp(v, finish, cost=True, dff=args.dff).solve()[1] for v in every)
        floor = date.fromordinal(lp_floor(loosest, finish, args.dff))
        cols, rows, nnz = lp.size
        proves = "proves" if verdict == "infeasible" else "does not"
        mip = mip_earlier(loosest, finish, args.dff, args.mip) if args.mip else "-"
        if args.mip and verdict == "infeasible":
            mip += "; " + mip_score(every, finish, args.dff, args.mip)
        print(
            f"| {i} | {plan.finish} / {plan.score} | {plan.finish_lower_bound} | {proves} | "
            f"{cols} x {rows}, {nnz} | {build:.0f} | {solve:.0f} | {floor} | {score:.2f} | "
            f"{mip} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
