"""Compile blocks, runs and preferences into the integer problem the search works on.

Dates become ordinals, runs that can never be chosen (no seats, outside the learner's window,
against a hard preference) are dropped, and runs dominated by another run of the same block
are dropped too: run A dominates run B when A lies inside B's dates and is no worse on cost
and hours per week. Swapping B for A in any plan keeps it feasible (prerequisites and pace
only get easier) and never worsens finish, score or the dates, so the optimum is unchanged.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from math import inf
from typing import cast

from eigendossier.planner.model import (
    LEARNING_FORM,
    LEARNING_FORMS,
    LOCATION,
    LOCATION_KINDS,
    MAX_HOURS_PER_WEEK,
    MAX_PARALLEL,
    RUN_PREFERENCES,
    TIME_OF_DAY,
    TIMES_OF_DAY,
    Block,
    Preferences,
    Run,
)
from eigendossier.planner.types import EPS, Option, PaceLimit, Problem

_NONE = 1 << 62  # more moments than any grid has: no such run


def remaining_blocks(
    blocks: Iterable[Block], exemptions: Iterable[str]
) -> tuple[list[Block], dict[str, Block]]:
    """The blocks still to take, in topological order (ties keep the carousel order)."""
    by_id: dict[str, Block] = {}
    for block in blocks:
        if block.id in by_id:
            raise ValueError(f"duplicate block id {block.id!r}")
        by_id[block.id] = block
    exempt = set(exemptions)
    todo = [b for b in by_id.values() if b.id not in exempt]
    for block in todo:
        unknown = block.prerequisites - by_id.keys()
        if unknown:
            raise ValueError(f"block {block.code}: unknown prerequisites {sorted(unknown)}")
    return _topological(todo, exempt), by_id


def _topological(todo: list[Block], exempt: set[str]) -> list[Block]:
    ids = {b.id for b in todo}
    waiting = {b.id: len(b.prerequisites & ids) for b in todo}
    order: list[Block] = []
    while len(order) < len(todo):
        ready = [b for b in todo if waiting[b.id] == 0]
        if not ready:
            raise ValueError("prerequisites form a cycle")
        block = ready[0]
        waiting[block.id] = -1
        order.append(block)
        for other in todo:
            if block.id in other.prerequisites:
                waiting[other.id] -= 1
    return order


def run_violations(run: Run, prefs: Preferences) -> list[str]:
    """The run-level preferences (set ones, hard or soft) this run does not meet."""
    return [
        name
        for name in RUN_PREFERENCES
        if prefs.is_set(name) and run.attribute(name) not in prefs.wanted(name)
    ]


def is_open(run: Run, prefs: Preferences) -> bool:
    """Seats left and inside the learner's window; hard preferences are checked elsewhere."""
    return run.seats_left > 0 and run.start >= prefs.start_date and run.end <= prefs.horizon_end


def candidate(run: Run, block: Block, prefs: Preferences) -> Option | None:
    """The run as an option, or ``None`` when it may never be chosen."""
    if not is_open(run, prefs):
        return None
    violated = run_violations(run, prefs)
    if any(prefs.is_hard(name) for name in violated):
        return None
    return Option(run, run.pace(block), sum(prefs.weight(name) for name in violated))


_RUN_FIELDS = {
    TIME_OF_DAY: "time_of_day",
    LOCATION: "location_kind",
    LEARNING_FORM: "learning_form",
}


def compile_problem(
    todo: list[Block], runs: Iterable[Run], prefs: Preferences, exempt: Iterable[str]
) -> Problem:
    """The search's view of the question; every run goes through :func:`candidate`'s rules,
    inlined here because a catalogue has thousands of runs and this runs on every plan: a
    run's cost depends only on its kind (time of day, location, learning form), so each kind
    is priced once."""
    usable, costs, grid = _usable(todo, runs, prefs)
    return _assembled(todo, usable, costs, grid, prefs, exempt)


def compile_unless_hopeless(
    todo: list[Block], runs: Iterable[Run], prefs: Preferences, exempt: Iterable[str]
) -> Problem | None:
    """:func:`compile_problem`, or ``None`` when counting proves that no plan exists: some
    block without a usable run, or too few start moments (:func:`too_few_moments`). The
    count reads the usable runs before dominance drops any, which only loosens it (no
    option dominates with more moments, a heavier pace or an earlier start), and the
    larger part of the compile, making options and dropping the dominated ones, is saved
    when it proves its point."""
    usable, costs, grid = _usable(todo, runs, prefs)
    if not all(usable):
        return None
    hard_hours = prefs.max_hours_per_week if prefs.is_hard(MAX_HOURS_PER_WEEK) else None
    hard_parallel = prefs.max_parallel if prefs.is_hard(MAX_PARALLEL) else None
    if hard_hours is not None or hard_parallel is not None:
        ordered = sorted(grid)
        fewest, lightest, first = _fewest_moments(todo, usable, ordered)
        hours = hard_hours if hard_hours is not None else inf
        k = min(hard_parallel or len(todo), most_at_once(sorted(lightest), hours))
        moments = len(ordered) - bisect_left(ordered, first)
        if too_few_moments(fewest, k, moments):
            return None
    return _assembled(todo, usable, costs, grid, prefs, exempt)


def _usable(
    todo: list[Block], runs: Iterable[Run], prefs: Preferences
) -> tuple[list[list[Run]], list[list[int]], set[int]]:
    """Per block the runs that may be chosen (in catalogue order) and their costs, and the
    grid: every start of a run of these blocks (also of unusable runs), as ordinals."""
    index = {block.id: i for i, block in enumerate(todo)}
    usable: list[list[Run]] = [[] for _ in todo]
    costs: list[list[int]] = [[] for _ in todo]
    prices = _prices(prefs)
    first, last = prefs.start_date, prefs.horizon_end
    starts = set()
    for run in runs:
        i = index.get(run.block_id)
        if i is None:
            continue
        starts.add(run.start)
        if run.seats_left <= 0 or run.start < first or run.end > last:
            continue
        cost = prices[run.time_of_day][run.location_kind][run.learning_form]
        if cost is not None:
            usable[i].append(run)
            costs[i].append(cost)
    return usable, costs, {day.toordinal() for day in starts}


def _assembled(
    todo: list[Block],
    usable: list[list[Run]],
    costs: list[list[int]],
    grid: set[int],
    prefs: Preferences,
    exempt: Iterable[str],
) -> Problem:
    """The problem of these usable runs: their options, once dominance has dropped some."""
    index = {block.id: i for i, block in enumerate(todo)}
    exempt_ids = set(exempt)
    hours_matter = prefs.is_set(MAX_HOURS_PER_WEEK)
    options = [
        _block_options(usable[i], block.hours, costs[i], hours_matter)
        for i, block in enumerate(todo)
    ]
    preds = [tuple(sorted(index[p] for p in b.prerequisites if p not in exempt_ids)) for b in todo]
    succs = [tuple(j for j in range(len(todo)) if i in preds[j]) for i in range(len(todo))]
    starts = sorted({o.s for opts in options for o in opts})
    problem = Problem(
        blocks=todo,
        preds=preds,
        succs=succs,
        options=options,
        hard_parallel=prefs.max_parallel if prefs.is_hard(MAX_PARALLEL) else None,
        hard_hours=prefs.max_hours_per_week if prefs.is_hard(MAX_HOURS_PER_WEEK) else None,
        soft_parallel=_soft_limit(prefs, MAX_PARALLEL),
        soft_hours=_soft_limit(prefs, MAX_HOURS_PER_WEEK),
        horizon=prefs.horizon_end.toordinal(),
        origin=starts[0] if starts else 0,
        starts=starts,
        grid=sorted(grid),
        wanted={n: prefs.wanted(n) for n in RUN_PREFERENCES if prefs.is_set(n)},
    )
    _set_bound_helpers(problem)
    return problem


def _fewest_moments(
    todo: list[Block], usable: list[list[Run]], grid: list[int]
) -> tuple[list[tuple[int, int]], list[float], int]:
    """Per block the fewest grid moments of its usable runs and of those ending before the
    grid's last moment, each block's lightest pace, and the first usable start."""
    last = grid[-1]
    known: dict[tuple[date, date], tuple[int, int, int]] = {}  # dates: start, end, moments
    fewest: list[tuple[int, int]] = []
    lightest: list[float] = []
    first = _NONE
    for block, runs in zip(todo, usable, strict=True):
        cut = whole = _NONE
        light = inf
        # Runs of one block share dates (variants start together): each kind counted once.
        for start, end, given in {(run.start, run.end, run.hours_per_week) for run in runs}:
            dates = (start, end)
            found = known.get(dates)
            if found is None:
                s, e = start.toordinal(), end.toordinal()
                found = known[dates] = (s, e, bisect_right(grid, e) - bisect_left(grid, s))
            s, e, steps = found
            hpw = float(given) if given is not None else block.hours * 7 / (e - s + 1)
            if hpw < light:
                light = hpw
            if s < first:
                first = s
            if steps < cut:
                cut = steps
            if e < last and steps < whole:
                whole = steps
        fewest.append((cut, whole))
        lightest.append(light)
    return fewest, lightest, first


def most_at_once(lightest: list[float], hours: float) -> int:
    """How many blocks can run at once under the hours limit: the lightest ones together
    (``lightest``: each block's lightest pace, ascending).

    Any set of simultaneous runs is a set of distinct blocks, each at least as heavy as its
    lightest option, so this count also bounds max-parallel: the track bounds then apply.
    """
    total, count = 0.0, 0
    for hpw in lightest:
        total += hpw
        if total > hours + EPS:
            break
        count += 1
    return max(count, 1)


def too_few_moments(fewest: list[tuple[int, int]], k: int, moments: int) -> bool:
    """Does counting start moments prove that no plan runs on ``k`` tracks?

    ``fewest`` holds per block the fewest grid moments (catalogue start days) of any of its
    runs and of those ending before the grid's last moment; ``moments`` is how many the
    grid has from the first start on. At most k runs at a time put a plan's runs on k
    tracks, since intervals colour with as many colours as the most of them that overlap.
    The runs on one track cover disjoint sets of moments, and every run but the last on its
    track ends before the grid's last moment (the next one starts at a moment after its
    end). So at most k runs may be cut short by the end of the grid, and the others cover
    at least their block's fewest moments of a whole run. The search's root bounds miss
    this: each block alone may take a run the grid's end cuts short.
    """
    if k >= len(fewest):
        return False
    ordered = sorted(fewest, key=lambda pair: pair[0] - pair[1])  # most saved by a cut first
    need = sum(cut for cut, _ in ordered[:k]) + sum(whole for _, whole in ordered[k:])
    return need > k * moments


def _prices(prefs: Preferences) -> dict[str, dict[str, dict[str, int | None]]]:
    """The soft cost of every kind of run (``None``: a hard preference excludes it) by time
    of day, location kind and learning form. A run's cost depends on its kind only, and
    there are 48 kinds: priced up front, a run's cost is three subscripts in the loops over
    the catalogue, with no key to build."""
    checks = _checks(prefs)
    return {
        time_of_day: {
            location: {
                form: _price(
                    {"time_of_day": time_of_day, "location_kind": location, "learning_form": form},
                    checks,
                )
                for form in LEARNING_FORMS
            }
            for location in LOCATION_KINDS
        }
        for time_of_day in TIMES_OF_DAY
    }


def _checks(prefs: Preferences) -> list[tuple[str, frozenset[str], bool, int]]:
    """Per run-level preference that is set: the run's field, the wanted values, whether
    it is hard, its weight (what :func:`_price` reads)."""
    return [
        (_RUN_FIELDS[name], prefs.wanted(name), prefs.is_hard(name), prefs.weight(name))
        for name in RUN_PREFERENCES
        if prefs.is_set(name)
    ]


def _set_bound_helpers(problem: Problem) -> None:
    """Each option's ``eff`` and ``steps``. They depend on its dates only, and the runs of
    a catalogue share few distinct dates (every block starts on the same days), so each
    pair of dates is looked up once."""
    known: dict[tuple[int, int], tuple[int, int]] = {}
    for opts in problem.options:
        for option in opts:
            dates = (option.s, option.e)
            helpers = known.get(dates)
            if helpers is None:
                s, e = dates
                helpers = known[dates] = (problem.next_start(e) - s, problem.moments(s, e))
            option.eff, option.steps = helpers


def _block_options(
    runs: list[Run], block_hours: float, costs: list[int], hours_matter: bool
) -> list[Option]:
    """The undominated runs of one block as options, sorted by start (:func:`_undominated`).
    Dominance reads only dates, cost and pace, worked out here from the runs, so only the
    runs it keeps are made options (three in five on the benchmark's catalogue): fewer
    objects made, and fewer that outlive a garbage collection. They are made from the
    ordinals and pace worked out for dominance, not worked out again."""
    at = Option.at  # bound once: a catalogue makes thousands
    cheapest = _cheapest_per_dates(runs, costs) if hours_matter and block_hours > 0 else None
    if cheapest is not None:
        options = []
        for dates in sorted(cheapest):  # by start, then end
            i = cheapest[dates]
            s, e = dates[0].toordinal(), dates[1].toordinal()
            options.append(at(runs[i], s, e, block_hours * 7 / (e - s + 1), costs[i]))
        return options
    if hours_matter:
        rows: list[tuple[int, int, int, float, int]] = []
        for i, (run, cost) in enumerate(zip(runs, costs, strict=True)):
            s, e, given = run.start.toordinal(), run.end.toordinal(), run.hours_per_week
            hpw = float(given) if given is not None else block_hours * 7 / (e - s + 1)
            rows.append((-s, e, cost, hpw, i))
        return [
            at(runs[i], -minus_s, e, hpw, cost)
            for minus_s, e, cost, hpw, i in map(rows.__getitem__, _kept_by_pace(rows))
        ]
    by_dates = [
        (-run.start.toordinal(), run.end.toordinal(), cost, i)
        for i, (run, cost) in enumerate(zip(runs, costs, strict=True))
    ]
    options = []
    for minus_s, e, cost, i in map(by_dates.__getitem__, _kept_by_dates(by_dates)):
        run = runs[i]
        given = run.hours_per_week
        hpw = float(given) if given is not None else block_hours * 7 / (e + minus_s + 1)
        options.append(at(run, -minus_s, e, hpw, cost))
    return options


def _cheapest_per_dates(runs: list[Run], costs: list[int]) -> dict[tuple[date, date], int] | None:
    """Per distinct dates (start and end) the index of the cheapest run (the first of
    equals): :func:`_kept_by_pace` when every pace is the block's hours spread over the
    run's days, ``None`` when some run gives its own pace. A run that lies inside another
    one's dates and is shorter is then strictly heavier (the hours are positive, and no two
    day counts a calendar holds are close enough for their quotients to round alike), so a
    run dominates only runs of its own dates, and of those the cheapest one stays. Keyed by
    the dates themselves (a date keeps its hash), which sort as their ordinals do: only the
    runs kept have their ordinals worked out."""
    best: dict[tuple[date, date], int] = {}
    for i, run in enumerate(runs):
        if run.hours_per_week is not None:
            return None
        dates = (run.start, run.end)
        found = best.get(dates)
        if found is None or costs[i] < costs[found]:
            best[dates] = i
    return best


def _price(kind: dict[str, str], checks: list[tuple[str, frozenset[str], bool, int]]) -> int | None:
    """The soft cost of a run of this kind (its field values by field name), or ``None``
    when a hard preference excludes it."""
    cost = 0
    for field, wanted, hard, weight in checks:
        if kind[field] not in wanted:
            if hard:
                return None
            cost += weight
    return cost


def with_pace_limits(problem: Problem, prefs: Preferences) -> Problem:
    """The same question under ``prefs``' pace limits, without compiling again: the options
    depend on the window and the run-level preferences only (and on whether hours per week
    are set at all), so they are shared, and so is what the engines derived from them."""
    hours_set = problem.hard_hours is not None or problem.soft_hours is not None
    if prefs.is_set(MAX_HOURS_PER_WEEK) != hours_set:
        raise ValueError("setting or clearing the hours limit changes the options: compile")
    return replace(
        problem,
        hard_parallel=prefs.max_parallel if prefs.is_hard(MAX_PARALLEL) else None,
        hard_hours=prefs.max_hours_per_week if prefs.is_hard(MAX_HOURS_PER_WEEK) else None,
        soft_parallel=_soft_limit(prefs, MAX_PARALLEL),
        soft_hours=_soft_limit(prefs, MAX_HOURS_PER_WEEK),
    )


def with_horizon(
    problem: Problem, runs: Iterable[Run], before: Preferences, prefs: Preferences
) -> Problem:
    """``problem``, compiled under ``before``, as :func:`compile_problem` would compile it
    under ``prefs``, the same preferences with a later horizon, without compiling again.

    The runs the later horizon admits all end after every option of ``problem``, so none
    of them dominates an old option: only they are made options, and only they are checked
    for dominance, against each other and the block's options starting as late as they
    do. A block that gets none keeps its list, and with it what the engines derived from
    it, unless the new start days change its options' bound helpers (then those options
    are copied with the new ones).
    """
    first, old_last, last = prefs.start_date, before.horizon_end, prefs.horizon_end
    if last < old_last or replace(prefs, horizon_end=old_last) != before:
        raise ValueError("only the horizon may change, and only to a later day")
    index = {block.id: i for i, block in enumerate(problem.blocks)}
    added: list[list[Option]] = [[] for _ in problem.blocks]
    prices = _prices(prefs)
    for run in runs:
        if run.end <= old_last or run.end > last or run.start < first or run.seats_left <= 0:
            continue
        i = index.get(run.block_id)
        if i is None:
            continue
        cost = prices[run.time_of_day][run.location_kind][run.learning_form]
        if cost is not None:
            added[i].append(Option.of(run, problem.blocks[i].hours, cost))
    hours_matter = prefs.is_set(MAX_HOURS_PER_WEEK)
    options = [
        _with_added(opts, new, hours_matter) if new else opts
        for opts, new in zip(problem.options, added, strict=True)
    ]
    starts = sorted({o.s for opts in options for o in opts})
    wider = replace(
        problem,
        options=options,
        horizon=prefs.horizon_end.toordinal(),
        origin=starts[0] if starts else 0,
        starts=starts,
        derived=dict(problem.derived),
    )
    helpers: dict[tuple[int, int], tuple[int, int]] = {}
    wider.options = [
        _helped(wider, block, opts, helpers)
        for block, opts in zip(problem.blocks, options, strict=True)
    ]
    return wider


def _with_added(options: list[Option], added: list[Option], hours_matter: bool) -> list[Option]:
    """A block's options (sorted by start) and the undominated of ``added``, which end after
    every one of them: only the options starting from the earliest added start can
    dominate an added one, so only those are checked again (and they all stay). The list
    itself when every added one is dominated."""
    first = min(o.s for o in added)
    k = bisect_left([o.s for o in options], first)
    tail = _undominated(options[k:] + added, hours_matter)
    return options if len(tail) == len(options) - k else options[:k] + tail


def _helped(
    problem: Problem,
    block: Block,
    options: list[Option],
    known: dict[tuple[int, int], tuple[int, int]],
) -> list[Option]:
    """``options`` with their bound helpers as ``problem``'s starts and grid give them: a
    new option (``eff`` still 0) gets them, an old one whose helpers changed (a start day
    came after its end) is copied, and the list stays the same object when neither
    happened."""
    result = options
    for k, option in enumerate(options):
        dates = (option.s, option.e)
        found = known.get(dates)
        if found is None:
            s, e = dates
            found = known[dates] = (problem.next_start(e) - s, problem.moments(s, e))
        if (option.eff, option.steps) == found:
            continue
        if option.eff:
            if result is options:
                result = options.copy()
            option = result[k] = Option.of(option.run, block.hours, option.cost)
        option.eff, option.steps = found
    return result


def within_budget(variant: Problem, max_score: int | None) -> Problem:
    """The variant without the options no plan scoring below ``max_score`` can use.

    A plan pays every block's cost, each at least that block's cheapest option's, so an
    option costing more than its block's cheapest by the budget's slack (what is left of
    ``max_score`` once ``base_score`` and every cheapest cost are paid) or more is in no such
    plan. The alternatives walk asks for plans below the best one's score, which is often
    one or two: then most options go, and the engines search a much smaller question (with
    every block's options gone when even the cheapest plan is over the budget). A block
    that loses no option keeps its list, and with it what the engines derived from that
    list (a copy of the variant's caches: what they derive from the smaller question as a
    whole stays with it).
    """
    if max_score is None:
        return variant
    ranges = cost_ranges(variant)
    slack = max_score - variant.base_score - sum(least for least, _ in ranges)
    options = [
        _affordable(opts, least + slack, most)
        for opts, (least, most) in zip(variant.options, ranges, strict=True)
    ]
    if all(kept is opts for kept, opts in zip(options, variant.options, strict=True)):
        return variant
    return replace(variant, options=options, derived=dict(variant.derived))


def cost_ranges(problem: Problem) -> list[tuple[int, int | None]]:
    """Per block the least and the greatest cost of its options (``(0, None)``: it has
    none), worked out once per options list: every search for an alternative cuts each
    variant to its budget, and every deadline probe cuts the question to its cheapest
    runs, and without them each cut passed over all the options twice."""
    key = ("cost ranges",)
    known = problem.derived.get(key)
    if known is not None and known[0] is problem.options:
        return cast(list[tuple[int, int | None]], known[1])
    ranges: list[tuple[int, int | None]] = []
    for opts in problem.options:
        costs = [o.cost for o in opts]
        ranges.append((min(costs), max(costs)) if costs else (0, None))
    problem.derived[key] = (problem.options, ranges)
    return ranges


def _affordable(options: list[Option], limit: int, most: int | None) -> list[Option]:
    """The options costing less than ``limit``: the list itself when that is all of them
    (``most``: their greatest cost, ``None`` when there are none)."""
    if most is None or most < limit:
        return options
    return [o for o in options if o.cost < limit]


def _soft_limit(prefs: Preferences, name: str) -> PaceLimit | None:
    limit = prefs.limit(name) if prefs.is_soft(name) else None  # soft: set, so not None
    return None if limit is None else PaceLimit(limit, prefs.weight(name))


def _undominated(options: list[Option], hours_matter: bool) -> list[Option]:
    """Drop dominated options in O(n log n x costs), returning the rest sorted by start."""
    if hours_matter:
        kept = _kept_by_pace([(-o.s, o.e, o.cost, o.hpw, i) for i, o in enumerate(options)])
    else:
        kept = _kept_by_dates([(-o.s, o.e, o.cost, i) for i, o in enumerate(options)])
    return [options[i] for i in kept]


def _kept_by_pace(rows: list[tuple[int, int, int, float, int]]) -> list[int]:
    """The undominated of options given as rows (minus start, end, cost, pace, index): their
    indices, by start ascending.

    Options are visited latest start first, so every option that could dominate the current
    one has been seen. Per cost we keep the Pareto front of (pace, earliest end) seen so far:
    paces ascending, ends strictly descending, so the earliest end among the paces up to p
    is the one at p's place. Options visited are in (start descending, end, cost, pace)
    order, so the ones kept come out sorted once their groups of one start are reversed.
    """
    fronts: dict[int, tuple[list[float], list[int]]] = {}
    kept: list[list[int]] = []
    start = None
    for s, end, cost, hpw, i in sorted(rows):
        for other, (paces, ends) in fronts.items():
            if other <= cost:
                j = bisect_right(paces, hpw)
                if j and ends[j - 1] <= end:
                    break
        else:
            if s != start:
                start = s
                kept.append([])
            kept[-1].append(i)
            front = fronts.get(cost)
            if front is None:
                fronts[cost] = ([hpw], [end])
                continue
            paces, ends = front
            j = bisect_right(paces, hpw)
            stop = j
            while stop < len(paces) and ends[stop] >= end:
                stop += 1
            paces[j:stop] = [hpw]
            ends[j:stop] = [end]
    return [i for same_start in reversed(kept) for i in same_start]


def _kept_by_dates(rows: list[tuple[int, int, int, int]]) -> list[int]:
    """:func:`_kept_by_pace` when hours per week do not matter (rows without the pace):
    every pace compares equal, so each cost's front is just the earliest end seen."""
    earliest: dict[int, int] = {}
    kept: list[list[int]] = []
    start = None
    for s, end, cost, i in sorted(rows):
        for other, first in earliest.items():
            if other <= cost and first <= end:
                break
        else:
            if s != start:
                start = s
                kept.append([])
            kept[-1].append(i)
            earliest[cost] = end
    return [i for same_start in reversed(kept) for i in same_start]
