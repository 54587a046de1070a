"""The plain dataclasses the route planner reads and writes: no Flask, no database.

Reasons are small dicts with a ``code`` and JSON-friendly params (dates as ISO strings),
so the UI can phrase them in Dutch or English without parsing prose.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

TIMES_OF_DAY = frozenset({"daytime", "evening", "weekend"})
LOCATION_KINDS = frozenset({"school", "company", "community_centre", "home"})
LEARNING_FORMS = frozenset({"physical", "digital", "self_study", "practical"})

TIME_OF_DAY = "time_of_day"
LOCATION = "location"
LEARNING_FORM = "learning_form"
MAX_PARALLEL = "max_parallel"
MAX_HOURS_PER_WEEK = "max_hours_per_week"
RUN_PREFERENCES = (TIME_OF_DAY, LOCATION, LEARNING_FORM)
PACE_PREFERENCES = (MAX_PARALLEL, MAX_HOURS_PER_WEEK)
PREFERENCE_NAMES = RUN_PREFERENCES + PACE_PREFERENCES

Reason = dict[str, Any]
"""A machine-usable explanation: ``{"code": "prerequisite", "after": "B2", ...}``."""


@dataclass(frozen=True, slots=True)
class Block:
    """An examinable work process of a qualification; ``prerequisites`` are block ids."""

    id: str
    code: str
    ec: float
    hours: float
    prerequisites: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "prerequisites", frozenset(self.prerequisites))
        if self.ec < 0 or self.hours < 0:
            raise ValueError(f"block {self.code}: ec and hours must not be negative")


@dataclass(frozen=True, slots=True)
class Run:
    """One offering of a block in the carousel, from ``start`` to ``end`` inclusive."""

    id: str
    block_id: str
    start: date
    end: date
    time_of_day: str
    location_kind: str
    learning_form: str
    seats_left: int
    hours_per_week: float | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"run {self.id}: end {self.end} before start {self.start}")
        if self.hours_per_week is not None and self.hours_per_week < 0:
            raise ValueError(f"run {self.id}: hours_per_week must not be negative")
        _check_value("time_of_day", self.time_of_day, TIMES_OF_DAY)
        _check_value("location_kind", self.location_kind, LOCATION_KINDS)
        _check_value("learning_form", self.learning_form, LEARNING_FORMS)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def pace(self, block: Block) -> float:
        """Hours per week: given, or the block's hours spread evenly over the run's weeks."""
        if self.hours_per_week is not None:
            return float(self.hours_per_week)
        return block.hours * 7 / self.days

    def attribute(self, preference: str) -> str:
        """The run's value for a run-level preference name."""
        return {
            TIME_OF_DAY: self.time_of_day,
            LOCATION: self.location_kind,
            LEARNING_FORM: self.learning_form,
        }[preference]


@dataclass(frozen=True, slots=True)
class Preferences:
    """What the learner wants. An empty set or ``None`` means "no preference".

    ``hard`` names the preferences that must hold (runs violating them are never chosen);
    every other preference that is set is soft and costs ``weight(name)`` per violation:
    once per chosen run for the run-level ones, once per plan for the pace ones.
    """

    start_date: date
    horizon_end: date
    times_of_day: frozenset[str] = frozenset()
    locations: frozenset[str] = frozenset()
    learning_forms: frozenset[str] = frozenset()
    max_parallel: int | None = None
    max_hours_per_week: float | None = None
    hard: frozenset[str] = frozenset()
    weights: Mapping[str, int] = field(default_factory=dict, hash=False, compare=True)

    def __post_init__(self) -> None:
        for name in ("times_of_day", "locations", "learning_forms", "hard"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        object.__setattr__(self, "weights", dict(self.weights))
        _check_subset("times_of_day", self.times_of_day, TIMES_OF_DAY)
        _check_subset("locations", self.locations, LOCATION_KINDS)
        _check_subset("learning_forms", self.learning_forms, LEARNING_FORMS)
        _check_subset("hard", self.hard, frozenset(PREFERENCE_NAMES))
        _check_subset("weights", frozenset(self.weights), frozenset(PREFERENCE_NAMES))
        if any(not isinstance(w, int) or w < 1 for w in self.weights.values()):
            raise ValueError("preference weights must be positive integers")
        if self.max_parallel is not None and self.max_parallel < 1:
            raise ValueError("max_parallel must be at least 1")
        if self.max_hours_per_week is not None and self.max_hours_per_week <= 0:
            raise ValueError("max_hours_per_week must be positive")

    def wanted(self, preference: str) -> frozenset[str]:
        """The accepted values of a run-level preference (empty: anything goes)."""
        return {
            TIME_OF_DAY: self.times_of_day,
            LOCATION: self.locations,
            LEARNING_FORM: self.learning_forms,
        }[preference]

    def limit(self, preference: str) -> float | None:
        """The limit of a pace preference, ``None`` when not set."""
        return {MAX_PARALLEL: self.max_parallel, MAX_HOURS_PER_WEEK: self.max_hours_per_week}[
            preference
        ]

    def is_set(self, preference: str) -> bool:
        if preference in RUN_PREFERENCES:
            return bool(self.wanted(preference))
        return self.limit(preference) is not None

    def is_hard(self, preference: str) -> bool:
        return preference in self.hard and self.is_set(preference)

    def is_soft(self, preference: str) -> bool:
        return preference not in self.hard and self.is_set(preference)

    def weight(self, preference: str) -> int:
        return self.weights.get(preference, 1)

    def hard_set(self) -> tuple[str, ...]:
        """The hard preferences that are actually set, in a fixed order."""
        return tuple(name for name in PREFERENCE_NAMES if self.is_hard(name))

    def softened(self, preference: str) -> Preferences:
        """The same preferences with one hard preference made soft."""
        return replace(self, hard=self.hard - {preference})


@dataclass(frozen=True, slots=True)
class Choice:
    """The run chosen for one remaining block, with why."""

    block_id: str
    block_code: str
    run_id: str
    start: date
    end: date
    ec: float
    hours: float
    hours_per_week: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """A complete route: one choice per remaining block, ordered by start date.

    ``score`` is the weighted number of soft-preference violations (lower is better);
    ``trade`` is set on alternatives: how much later they finish for how much better a score.
    ``optimal`` is False only when the search's node budget ran out before it could prove
    the plan best; ``finish_lower_bound`` then says how early any plan could possibly end.
    """

    choices: tuple[Choice, ...]
    finish: date | None
    total_ec: float
    total_hours: float
    score: int
    exempted: tuple[str, ...]
    violations: tuple[Reason, ...]
    trade: Reason | None = None
    optimal: bool = True
    finish_lower_bound: date | None = None

    def run_ids(self) -> dict[str, str]:
        """Block id to chosen run id."""
        return {choice.block_id: choice.run_id for choice in self.choices}


@dataclass(frozen=True, slots=True)
class Relaxation:
    """One way out of "no route": the change to make and the plan it gives."""

    change: Reason
    effect: Reason
    plan: Plan


@dataclass(frozen=True, slots=True)
class Infeasibility:
    """Why no route exists, and the relaxations that would give one (best first)."""

    causes: tuple[Reason, ...]
    relaxations: tuple[Relaxation, ...]


@dataclass(frozen=True, slots=True)
class RouteResult:
    """Either a plan (with up to three alternatives) or an explanation of why there is none.

    ``alternatives_complete`` is False when the search budget ran out before the next point
    of the trade-off front was proven: there may be more (or earlier) alternatives.
    """

    plan: Plan | None
    alternatives: tuple[Plan, ...] = ()
    infeasibility: Infeasibility | None = None
    alternatives_complete: bool = True


def _check_value(name: str, value: str, allowed: frozenset[str]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {sorted(allowed)}, not {value!r}")


def _check_subset(name: str, values: frozenset[str], allowed: frozenset[str]) -> None:
    unknown = values - allowed
    if unknown:
        raise ValueError(f"{name}: unknown values {sorted(unknown)}")
