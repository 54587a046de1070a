"""Planning a learner's route through the carousel and saving it (enrolling in its runs is
`routes.enrolments`)."""
import math
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from eigendossier import planner
from eigendossier.accounts.models import Account
from eigendossier.catalog import service as catalog
from eigendossier.catalog.models import (
    Block,
    Qualification,
    Run,
    RunSeatShard,
    block_prerequisite,
)
from eigendossier.core.errors import DomainError, NotFound
from eigendossier.core.extensions import db
from eigendossier.core.i18n import localized
from eigendossier.dossier import service as dossier
from eigendossier.routes.models import (
    LearningRoute,
    RecognitionRequest,
)
from eigendossier.routes.personas import BY_KEY, PERSONAS, Persona

DEFAULT_HORIZON_YEARS = 3
MAX_DEFAULT_PACE = 40  # a full working week: a default is never heavier than that
NODE_LIMIT = planner.NODE_LIMIT
"""Search steps one plan request may spend; past it the answer says it is not proven."""


class NoRoute(DomainError):
    """Saving asked for a plan that is not there; the detail says why (see `no_route`)."""

    status = 409
    slug = "no-route"
    title = _l("No route fits these choices")
    detail = _l("Plan again: the offer or the seats have changed.")


# What a learner is told when saving finds no plan at all, by the planner's first cause.
NO_ROUTE_BECAUSE = {
    "no_runs_offered": _l("Nothing to save: %(block)s is not offered at the moment."),
    "no_seats_left": _l("Nothing to save: every group of %(block)s is full."),
    "no_run_after_start_date": _l(
        "Nothing to save: no group of %(block)s starts on or after your start date."),
    "no_run_within_horizon": _l(
        "Nothing to save: %(block)s cannot be finished before your finish-by date."),
    "hard_preference_excludes_all_runs": _l(
        "Nothing to save: no group of %(block)s fits what you marked as a must."),
    "hard_preferences_exclude_all_runs": _l(
        "Nothing to save: no group of %(block)s fits what you marked as a must."),
}
NO_ROUTE_OTHERWISE = _l("Nothing to save: no route fits these choices. Plan your route to see "
                        "why and what would help.")
NO_SUCH_ALTERNATIVE = _l("Nothing to save: this alternative is not among the plans (any more). "
                         "Plan again and choose one of the routes shown.")


def no_route(outcome: "PlanOutcome") -> NoRoute:
    """The refusal to save, with the real reason: no plan fits at all (and the planner's
    first cause), or only the chosen alternative is missing."""
    if outcome.result.plan:
        return NoRoute(NO_SUCH_ALTERNATIVE)
    causes = outcome.result.infeasibility.causes if outcome.result.infeasibility else []
    cause = causes[0] if causes else {}
    because = NO_ROUTE_BECAUSE.get(cause.get("code"))
    if because is None or not cause.get("block"):
        return NoRoute(NO_ROUTE_OTHERWISE)
    names = {b.code: f"{b.code} {localized(b, 'name')}" for b in outcome.blocks.values()}
    return NoRoute(str(because) % {"block": names.get(cause["block"], cause["block"])})


@dataclass
class PlanOutcome:
    """A planner result with what the API needs to show it: blocks and runs by id."""

    result: planner.RouteResult
    qualification: Qualification
    blocks: dict[str, Block]
    runs: dict[str, Run]
    preferences: dict
    persona: str


@dataclass(frozen=True)
class Offer:
    """A qualification's blocks and its runs from some date on, as the planner sees them."""

    blocks: list[planner.Block]
    runs: list[planner.Run]


def offer(qualification: Qualification, since: date) -> Offer:
    """The blocks and the runs starting on or after `since`, read as plain rows: a carousel
    offers thousands of runs, and loading each as an ORM object cost several times the
    planning itself. Runs come in block order, then by start date."""
    return Offer(_planner_blocks(qualification), _planner_runs(qualification, since))


def _planner_blocks(qualification: Qualification) -> list[planner.Block]:
    ids = [b.id for b in qualification.blocks]
    needs: dict[int, set[str]] = {i: set() for i in ids}
    for block_id, prerequisite_id in db.session.execute(
            db.select(block_prerequisite.c.block_id, block_prerequisite.c.prerequisite_id)
            .where(block_prerequisite.c.block_id.in_(ids))):
        needs[block_id].add(str(prerequisite_id))
    return [planner.Block(id=str(b.id), code=b.code, ec=float(b.ec), hours=float(b.hours),
                          prerequisites=frozenset(needs[b.id]))
            for b in qualification.blocks]


def _planner_runs(qualification: Qualification, since: date) -> list[planner.Run]:
    """Table columns, not ORM attributes: the ORM's statement path doubled the query's cost."""
    run, block, shard = Run.__table__.c, Block.__table__.c, RunSeatShard.__table__.c
    taken = (db.select(db.func.coalesce(db.func.sum(shard.taken), 0))
             .where(shard.run_id == run.id).scalar_subquery())
    rows = db.session.execute(
        db.select(run.id, run.block_id, run.start_date, run.end_date, run.time_of_day,
                  run.location_kind, run.learning_form, run.seats_total - taken)
        .join_from(Run.__table__, Block.__table__, block.id == run.block_id)
        .where(block.qualification_id == qualification.id, run.start_date >= since)
        .order_by(block.position, block.id, run.start_date, run.id))
    return [planner.Run(id=str(run_id), block_id=str(block_id), start=start, end=end,
                        time_of_day=time_of_day, location_kind=location_kind,
                        learning_form=learning_form, seats_left=seats_left)
            for run_id, block_id, start, end, time_of_day, location_kind, learning_form,
            seats_left in rows]


def catalogue_pace(offered: Offer, defaults: dict, today: date) -> int | None:
    """The hours per week at which every block of the qualification has a group to follow:
    for each block the calmest group still to come (within the persona's times of day when
    those are a must), and of those the busiest, rounded up. None when nothing is offered."""
    times = set(defaults.get("times_of_day") or ()) if "time_of_day" in (
        defaults.get("hard") or ()) else set()
    blocks = {b.id: b for b in offered.blocks}
    calmest: dict[str, float] = {}
    for run in offered.runs:
        if run.start >= today and (not times or run.time_of_day in times):
            pace = run.pace(blocks[run.block_id])
            calmest[run.block_id] = min(pace, calmest.get(run.block_id, pace))
    return math.ceil(max(calmest.values()) - 1e-9) if calmest else None


def persona_defaults(persona: Persona, offered: Offer | None, today: date) -> dict:
    """The persona's default preferences, with a pace the qualification's groups can meet: a
    limit below every group's pace would mark each step "busier than you would like"."""
    defaults = dict(persona.defaults)
    limit = defaults.get("max_hours_per_week")
    if offered is None or limit is None:
        return defaults
    needed = catalogue_pace(offered, defaults, today)
    if needed is not None and needed > limit:
        defaults["max_hours_per_week"] = min(needed, MAX_DEFAULT_PACE)
    return defaults


def personas_for(qualification_id: int | None, today: date) -> list[dict]:
    """The personas with their defaults for this qualification (or in general)."""
    offered = offer(catalog.qualification(qualification_id), today) if qualification_id else None
    return [{"key": p.key, "name": p.name, "explanation": p.explanation,
             "recognition": p.recognition, "defaults": persona_defaults(p, offered, today)}
            for p in PERSONAS]


def preferences_with_defaults(persona: str, given: dict, today: date,
                              offered: Offer | None = None) -> dict:
    """The persona's defaults for what the learner left out; an explicit null pace means
    "no limit"."""
    chosen = {**persona_defaults(BY_KEY[persona], offered, today), **given}
    if chosen.get("start_date") is None:
        chosen["start_date"] = today
    if chosen.get("horizon_end") is None:
        chosen["horizon_end"] = years_after(chosen["start_date"], DEFAULT_HORIZON_YEARS)
    return chosen


def years_after(day: date, years: int) -> date:
    """The same date ``years`` later by the calendar; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _as_json(preferences: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in preferences.items()}


def _planner_preferences(chosen: dict) -> planner.Preferences:
    return planner.Preferences(
        start_date=chosen["start_date"],
        horizon_end=chosen["horizon_end"],
        times_of_day=chosen.get("times_of_day") or (),
        locations=chosen.get("locations") or (),
        learning_forms=chosen.get("learning_forms") or (),
        max_parallel=chosen.get("max_parallel"),
        max_hours_per_week=chosen.get("max_hours_per_week"),
        hard=chosen.get("hard") or (),
    )


def _exempted(account: Account, blocks: list[Block]) -> set[str]:
    """Blocks whose exempting achievement is a verified credential in the learner's dossier,
    and blocks the institution recognised from the learner's experience."""
    achieved = dossier.verified_achievement_ids(account.id)
    recognised = set(db.session.scalars(
        db.select(RecognitionRequest.block_id)
        .filter_by(account_id=account.id, status="approved")
    ))
    return {str(b.id) for b in blocks
            if achieved & set(b.exempting_achievements or ()) or b.id in recognised}


def plan(account: Account, qualification_id: int, persona: str, given: dict,
         use_exemptions: bool, today: date) -> PlanOutcome:
    qualification = catalog.qualification(qualification_id)
    offered = offer(qualification, min(today, given.get("start_date") or today))
    chosen = preferences_with_defaults(persona, given, today, offered)
    remember_persona(account, persona)
    blocks = list(qualification.blocks)
    exempt = _exempted(account, blocks) if use_exemptions else set()
    result = planner.plan_route(
        offered.blocks,
        [r for r in offered.runs if r.start >= chosen["start_date"]],
        _planner_preferences(chosen),
        exempt,
        node_limit=NODE_LIMIT,
    )
    return PlanOutcome(result, qualification, {str(b.id): b for b in blocks},
                       _chosen_runs(result), chosen, persona)


def _chosen_runs(result: planner.RouteResult) -> dict[str, Run]:
    """The runs of the plan and its alternatives, by id: what the answer shows of the offer."""
    plans = [result.plan, *result.alternatives] if result.plan else []
    ids = {int(choice.run_id) for chosen in plans for choice in chosen.choices}
    if not ids:
        return {}
    return {str(r.id): r for r in db.session.scalars(db.select(Run).where(Run.id.in_(ids)))}


def remember_persona(account: Account, persona: str) -> None:
    """The persona the learner plans with is the one the planner opens on next time."""
    if account.persona != persona:
        account.persona = persona
        db.session.commit()


def plan_as_dict(chosen: planner.Plan) -> dict:
    """What a saved route keeps of a plan (JSON)."""
    return {
        "choices": [
            {"block_id": int(c.block_id), "run_id": int(c.run_id), "start": c.start.isoformat(),
             "end": c.end.isoformat(), "reasons": list(c.reasons)}
            for c in chosen.choices
        ],
        "total_ec": chosen.total_ec,
        "total_hours": chosen.total_hours,
        "score": chosen.score,
        "exempted": [int(b) for b in chosen.exempted],
        "violations": list(chosen.violations),
    }


def save_route(account: Account, outcome: PlanOutcome, choice: int) -> LearningRoute:
    """Keep the best plan (choice 0) or one of its alternatives (1-3) as the learner's route."""
    plans = [outcome.result.plan, *outcome.result.alternatives] if outcome.result.plan else []
    if choice >= len(plans):
        raise no_route(outcome)
    chosen = plans[choice]
    route = LearningRoute(
        account_id=account.id,
        qualification_id=outcome.qualification.id,
        persona=outcome.persona,
        preferences=_as_json(outcome.preferences),
        plan=plan_as_dict(chosen),
        finish_date=chosen.finish,
    )
    db.session.add(route)
    db.session.commit()
    return route


def routes_of(account: Account) -> list[LearningRoute]:
    return db.session.scalars(
        db.select(LearningRoute).filter_by(account_id=account.id)
        .order_by(LearningRoute.created_at.desc(), LearningRoute.id.desc())
    ).all()


def route_of(account: Account, route_id: int) -> LearningRoute:
    route = db.session.get(LearningRoute, route_id)
    if route is None or route.account_id != account.id:
        raise NotFound()
    return route


def delete_route(account: Account, route_id: int) -> None:
    db.session.delete(route_of(account, route_id))
    db.session.commit()


def _plan_view(chosen: planner.Plan, blocks: dict, runs: dict) -> dict:
    return {
        "finish": chosen.finish,
        "total_ec": chosen.total_ec,
        "total_hours": chosen.total_hours,
        "score": chosen.score,
        "choices": [
            {"block": blocks[c.block_id], "run": runs[c.run_id], "start": c.start, "end": c.end,
             "reasons": list(c.reasons)}
            for c in chosen.choices
        ],
        "exempted": [blocks[b] for b in chosen.exempted],
        "violations": list(chosen.violations),
        "trade": chosen.trade,
        "optimal": chosen.optimal,
        "finish_lower_bound": chosen.finish_lower_bound,
    }


def outcome_view(outcome: PlanOutcome) -> dict:
    """A plan result with blocks and runs resolved, for the API to dump."""
    result, blocks, runs = outcome.result, outcome.blocks, outcome.runs
    infeasibility = None
    if result.infeasibility:
        infeasibility = {
            "causes": list(result.infeasibility.causes),
            "relaxations": [{"change": r.change, "effect": r.effect, "finish": r.plan.finish}
                            for r in result.infeasibility.relaxations],
        }
    return {
        "qualification": outcome.qualification,
        "persona": outcome.persona,
        "preferences": _as_json(outcome.preferences),
        "plan": _plan_view(result.plan, blocks, runs) if result.plan else None,
        "alternatives": [_plan_view(p, blocks, runs) for p in result.alternatives],
        "alternatives_complete": result.alternatives_complete,
        "infeasibility": infeasibility,
    }


def route_view(route: LearningRoute) -> dict:
    """A saved route with its blocks and runs loaded."""
    stored = route.plan
    run_ids = [c["run_id"] for c in stored["choices"]]
    runs = {r.id: r for r in db.session.scalars(db.select(Run).filter(Run.id.in_(run_ids)))}
    blocks = {b.id: b for b in route.qualification.blocks}
    return {
        "id": route.id,
        "qualification": route.qualification,
        "persona": route.persona,
        "preferences": route.preferences,
        "finish_date": route.finish_date,
        "created_at": route.created_at,
        "plan": {
            **stored,
            "finish": route.finish_date,
            "choices": [{**c, "block": blocks[c["block_id"]], "run": runs[c["run_id"]],
                         "start": date.fromisoformat(c["start"]),
                         "end": date.fromisoformat(c["end"])}
                        for c in stored["choices"]],
            "exempted": [blocks[b] for b in stored["exempted"]],
            "trade": None,
        },
    }
