"""Reasons: why each run was chosen, and why no route exists when none does.

Everything is returned as ``{"code": ..., params}`` dicts with ISO dates, for the UI to phrase.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date
from operator import attrgetter

from eigendossier.planner.model import (
    MAX_HOURS_PER_WEEK,
    MAX_PARALLEL,
    PACE_PREFERENCES,
    PREFERENCE_NAMES,
    RUN_PREFERENCES,
    Block,
    Preferences,
    Reason,
    Run,
)
from eigendossier.planner.problem import is_open, run_violations
from eigendossier.planner.types import EPS as _EPS
from eigendossier.planner.types import Loads, Option, Problem, Profile, peak

_START = attrgetter("s")


def iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


# -- why this run -------------------------------------------------------------------------


def choice_reasons(problem: Problem, loads: Loads, i: int) -> list[Reason]:
    """Why block ``i`` got its run in the plan ``loads`` holds: timing first, then any soft
    preference it breaks."""
    option = loads.chosen[i]
    others = _Others(loads, i)
    reasons = _timing_reasons(problem, loads.chosen, i, others)
    reasons += _soft_violations(problem, option, others)
    return reasons


class _Others:
    """The load of the runs of a plan but one, made when first asked: a plan without pace
    limits never asks, and one without soft ones only for blocks an earlier run passed by."""

    __slots__ = ("i", "loads", "made")

    def __init__(self, loads: Loads, i: int) -> None:
        self.loads, self.i = loads, i
        self.made: Profile | None = None

    def peak(self, s: int, e: int) -> tuple[int, float]:
        """:func:`peak` of their profile."""
        if self.made is None:
            self.made = self.loads.without(self.i)
        return peak(self.made, s, e)


def _timing_reasons(
    problem: Problem, chosen: tuple[Option, ...], i: int, others: _Others
) -> list[Reason]:
    option = chosen[i]
    preds = problem.preds[i]
    reasons: list[Reason] = []
    release = None
    if preds:
        last = max(preds, key=lambda q: (chosen[q].e, -q))
        release = chosen[last].e
        after = problem.blocks[last].code
        reasons.append({"code": "prerequisite", "after": after, "after_end": iso(release)})
    earlier = _ending_before(problem.options[i], release, option.e)
    if not earlier:
        return [{"code": "earliest_feasible"}, *reasons]
    return [*reasons, _why_not_earlier(problem, option, earlier, others)]


def _ending_before(options: list[Option], release: int | None, end: int) -> list[Option]:
    """The options (sorted by start) starting after ``release`` (``None``: any) and ending
    before ``end``, in order: only those starting in between are looked at."""
    lo = 0 if release is None else bisect_right(options, release, key=_START)
    hi = bisect_left(options, end, lo, key=_START)
    return [o for o in options[lo:hi] if o.e < end]


def _why_not_earlier(
    problem: Problem, option: Option, earlier: list[Option], others: _Others
) -> Reason:
    """An earlier-ending run existed: say which limit or preference kept us from it."""
    for o in sorted(earlier, key=lambda o: (o.e, o.cost, o.s)):
        reason = _hard_pace_block(problem, o, others) or _soft_gain(problem, option, o, others)
        if reason is not None:
            return reason
    return {"code": "fits_route"}


def _hard_pace_block(problem: Problem, o: Option, others: _Others) -> Reason | None:
    if problem.hard_parallel is None and problem.hard_hours is None:
        return None
    count, hours = others.peak(o.s, o.e)
    if problem.hard_parallel is not None and count + 1 > problem.hard_parallel:
        return {"code": "pace_limit", "preference": MAX_PARALLEL, "limit": problem.hard_parallel}
    if problem.hard_hours is not None and hours + o.hpw > problem.hard_hours + _EPS:
        return {"code": "pace_limit", "preference": MAX_HOURS_PER_WEEK, "limit": problem.hard_hours}
    return None


def _soft_gain(problem: Problem, chosen: Option, o: Option, others: _Others) -> Reason | None:
    """The soft preference the chosen run keeps and the earlier run ``o`` would break."""
    kept = {r["preference"] for r in _soft_violations(problem, o, others)}
    kept -= {r["preference"] for r in _soft_violations(problem, chosen, others)}
    for name in PREFERENCE_NAMES:
        if name in kept:
            return {"code": "keeps_soft_preference", "preference": name}
    return None


def _soft_violations(problem: Problem, option: Option, others: _Others) -> list[Reason]:
    reasons = _run_violations(problem, option)
    if problem.soft_parallel is None and problem.soft_hours is None:
        return reasons
    count, hours = others.peak(option.s, option.e)
    if problem.soft_parallel and count + 1 > problem.soft_parallel.limit:
        reasons.append(_pace_violation(MAX_PARALLEL, problem.soft_parallel.limit))
    if problem.soft_hours and hours + option.hpw > problem.soft_hours.limit + _EPS:
        reasons.append(_pace_violation(MAX_HOURS_PER_WEEK, problem.soft_hours.limit))
    return reasons


def _run_violations(problem: Problem, option: Option) -> list[Reason]:
    """Soft run-level preferences this run breaks (hard ones never reach a plan)."""
    return [
        {
            "code": "soft_preference_violated",
            "preference": name,
            "wanted": sorted(wanted),
            "got": option.run.attribute(name),
        }
        for name, wanted in problem.wanted.items()
        if option.run.attribute(name) not in wanted
    ]


def _pace_violation(name: str, limit: float) -> Reason:
    return {"code": "soft_preference_violated", "preference": name, "limit": limit}


def plan_violations(problem: Problem, loads: Loads) -> list[Reason]:
    """Every soft violation of the plan ``loads`` holds once: per block for run-level ones,
    once for pace."""
    chosen, everything = loads.chosen, loads.whole
    found: list[Reason] = []
    for i, option in enumerate(chosen):
        for reason in _run_violations(problem, option):
            found.append({**reason, "block": problem.blocks[i].code})
    count, hours = peak(everything, problem.origin, max((o.e for o in chosen), default=0))
    if problem.soft_parallel and count > problem.soft_parallel.limit:
        found.append(_pace_violation(MAX_PARALLEL, problem.soft_parallel.limit))
    if problem.soft_hours and hours > problem.soft_hours.limit + _EPS:
        found.append(_pace_violation(MAX_HOURS_PER_WEEK, problem.soft_hours.limit))
    return found


# -- why no route -------------------------------------------------------------------------


def infeasibility_causes(problem: Problem, runs: list[Run], prefs: Preferences) -> list[Reason]:
    """The blocks and constraints that make every route impossible.

    Checked in order of bluntness: a block without any usable run, then prerequisite chains
    that cannot fit before the horizon, and only then the hard pace limits.
    """
    empty = [
        block for block, options in zip(problem.blocks, problem.options, strict=True) if not options
    ]
    if empty:
        by_block: dict[str, list[Run]] = {block.id: [] for block in empty}
        for run in runs:
            if run.block_id in by_block:
                by_block[run.block_id].append(run)
        return [block_cause(block, by_block[block.id], prefs) for block in empty]
    chain = _chain_causes(problem, prefs)
    if chain:
        return chain
    limits = {name: prefs.limit(name) for name in PACE_PREFERENCES if prefs.is_hard(name)}
    return [
        {
            "code": "pace_does_not_fit",
            "preferences": sorted(limits),
            "limits": limits,
            "horizon_end": prefs.horizon_end.isoformat(),
        }
    ]


def block_cause(block: Block, runs: list[Run], prefs: Preferences) -> Reason:
    """Why this block has no usable run at all."""
    base = {"block": block.code}
    if not runs:
        return {"code": "no_runs_offered", **base}
    with_seats = [r for r in runs if r.seats_left > 0]
    if not with_seats:
        return {"code": "no_seats_left", **base}
    after_start = [r for r in with_seats if r.start >= prefs.start_date]
    if not after_start:
        return {
            "code": "no_run_after_start_date",
            "start_date": prefs.start_date.isoformat(),
            **base,
        }
    usable = [r for r in after_start if is_open(r, prefs)]
    if not usable:
        first_end = min(r.end for r in after_start)
        return {
            "code": "no_run_within_horizon",
            "horizon_end": prefs.horizon_end.isoformat(),
            "first_end": first_end.isoformat(),
            **base,
        }
    return _hard_preference_cause(usable, prefs, base)


def _hard_preference_cause(usable: list[Run], prefs: Preferences, base: Reason) -> Reason:
    hard = [name for name in RUN_PREFERENCES if prefs.is_hard(name)]
    alone = [name for name in hard if all(name in run_violations(r, prefs) for r in usable)]
    if len(alone) == 1:
        name = alone[0]
        offered = sorted({r.attribute(name) for r in usable})
        return {
            "code": "hard_preference_excludes_all_runs",
            "preference": name,
            "wanted": sorted(prefs.wanted(name)),
            "offered": offered,
            **base,
        }
    return {"code": "hard_preferences_exclude_all_runs", "preferences": alone or hard, **base}


def _chain_causes(problem: Problem, prefs: Preferences) -> list[Reason]:
    """Earliest-end propagation without pace limits; report where the chain breaks."""
    earliest: list[int | None] = []
    causes: list[Reason] = []
    for i, options in enumerate(problem.options):
        ends = [earliest[q] for q in problem.preds[i]]
        if any(end is None for end in ends):
            earliest.append(None)
            continue
        release = max((e for e in ends if e is not None), default=None)
        fitting = [o.e for o in options if release is None or o.s > release]
        earliest.append(min(fitting, default=None))
        if not fitting:
            last = max(problem.preds[i], key=lambda q: earliest[q] or 0)
            causes.append(
                {
                    "code": "prerequisites_do_not_fit",
                    "block": problem.blocks[i].code,
                    "after": problem.blocks[last].code,
                    "after_end": iso(release or 0),
                    "horizon_end": prefs.horizon_end.isoformat(),
                }
            )
    return causes
