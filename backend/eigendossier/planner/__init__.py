"""Route planner: pure Python over plain dataclasses, no Flask and no database.

Given a qualification's blocks, the carousel runs on offer, the learner's preferences and
exemptions, :func:`plan_route` returns the earliest-finishing plan (ties broken by the soft
preference score, then by earlier dates), up to three alternatives that finish later with a
better score, or, when no route exists, the causes and the relaxations that would give one.
The search is exact; only if its node budget (``NODE_LIMIT``) runs out does a plan come back
with ``optimal=False`` and a proven ``finish_lower_bound``.

Reason codes (each a dict with ``code`` and params, dates as ISO strings), for the UI:

- per choice: ``earliest_feasible``; ``prerequisite`` (after, after_end); ``pace_limit``
  (preference, limit); ``keeps_soft_preference`` (preference); ``fits_route``;
  ``soft_preference_violated`` (preference, wanted, got | limit)
- per alternative, ``Plan.trade``: ``later_finish_better_preferences`` (days_later, score,
  score_gain)
- no route, causes: ``no_runs_offered``, ``no_seats_left``, ``no_run_after_start_date``
  (start_date), ``no_run_within_horizon`` (horizon_end, first_end),
  ``hard_preference_excludes_all_runs`` (preference, wanted, offered),
  ``hard_preferences_exclude_all_runs`` (preferences) — all with ``block``;
  ``prerequisites_do_not_fit`` (block, after, after_end, horizon_end); ``pace_does_not_fit``
  (preferences, limits, horizon_end); ``search_limit_reached`` (node_limit)
- relaxations: change ``make_soft`` (preference), ``extend_horizon`` (horizon_end),
  ``relax_all`` (preferences, horizon_end); effect ``route_found`` (finish, instead_of, score)
"""

from eigendossier.planner.model import (
    LEARNING_FORM,
    LOCATION,
    MAX_HOURS_PER_WEEK,
    MAX_PARALLEL,
    PREFERENCE_NAMES,
    TIME_OF_DAY,
    Block,
    Choice,
    Infeasibility,
    Plan,
    Preferences,
    Reason,
    Relaxation,
    RouteResult,
    Run,
)
from eigendossier.planner.route import NODE_LIMIT, find_plan, plan_route
from eigendossier.planner.types import SearchStats

__all__ = [
    "LEARNING_FORM",
    "LOCATION",
    "MAX_HOURS_PER_WEEK",
    "MAX_PARALLEL",
    "NODE_LIMIT",
    "PREFERENCE_NAMES",
    "TIME_OF_DAY",
    "Block",
    "Choice",
    "Infeasibility",
    "Plan",
    "Preferences",
    "Reason",
    "Relaxation",
    "RouteResult",
    "Run",
    "SearchStats",
    "find_plan",
    "plan_route",
]
