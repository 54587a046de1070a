"""Planning a learner's route through the carousel, saving it, enrolling, and the schedule."""
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite

from eigendossier import planner
from eigendossier.accounts.models import Account
from eigendossier.catalog import seats
from eigendossier.catalog import service as catalog
from eigendossier.catalog.models import Block, Qualification, Run
from eigendossier.core import erase
from eigendossier.core.errors import DomainError, NotFound
from eigendossier.core.extensions import db
from eigendossier.core.i18n import localized
from eigendossier.core.timeutil import utcnow
from eigendossier.dossier import service as dossier
from eigendossier.routes.models import (
    Enrolment,
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


class RunFull(DomainError):
    status = 409
    slug = "run-full"
    title = _l("A module is full")
    detail = _l("Nothing was booked. Plan again to choose another start date.")


class TooLateToCancel(DomainError):
    status = 409
    slug = "too-late-to-cancel"
    title = _l("This module has already started")
    detail = _l("An enrolment can be cancelled only before the module starts.")


@dataclass
class PlanOutcome:
    """A planner result with what the API needs to show it: blocks and runs by id."""

    result: planner.RouteResult
    qualification: Qualification
    blocks: dict[str, Block]
    runs: dict[str, Run]
    preferences: dict
    persona: str


def catalogue_pace(qualification: Qualification, defaults: dict, today: date) -> int | None:
    """The hours per week at which every block of the qualification has a group to follow:
    for each block the calmest group still to come (within the persona's times of day when
    those are a must), and of those the busiest, rounded up. None when nothing is offered."""
    times = set(defaults.get("times_of_day") or ()) if "time_of_day" in (
        defaults.get("hard") or ()) else set()
    needed = []
    for block in qualification.blocks:
        runs = [r for r in block.runs if r.start_date >= today
                and (not times or r.time_of_day in times)]
        if runs:
            plain = _planner_block(block)
            needed.append(min(_planner_run(r).pace(plain) for r in runs))
    return math.ceil(max(needed) - 1e-9) if needed else None


def persona_defaults(persona: Persona, qualification: Qualification | None,
                     today: date) -> dict:
    """The persona's default preferences, with a pace the qualification's groups can meet: a
    limit below every group's pace would mark each step "busier than you would like"."""
    defaults = dict(persona.defaults)
    limit = defaults.get("max_hours_per_week")
    if qualification is None or limit is None:
        return defaults
    needed = catalogue_pace(qualification, defaults, today)
    if needed is not None and needed > limit:
        defaults["max_hours_per_week"] = min(needed, MAX_DEFAULT_PACE)
    return defaults


def personas_for(qualification_id: int | None, today: date) -> list[dict]:
    """The personas with their defaults for this qualification (or in general)."""
    qualification = catalog.qualification(qualification_id) if qualification_id else None
    return [{"key": p.key, "name": p.name, "explanation": p.explanation,
             "recognition": p.recognition, "defaults": persona_defaults(p, qualification, today)}
            for p in PERSONAS]


def preferences_with_defaults(persona: str, given: dict, today: date,
                              qualification: Qualification | None = None) -> dict:
    """The persona's defaults for what the learner left out; an explicit null pace means
    "no limit"."""
    chosen = {**persona_defaults(BY_KEY[persona], qualification, today), **given}
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
    chosen = preferences_with_defaults(persona, given, today, qualification)
    remember_persona(account, persona)
    blocks = list(qualification.blocks)
    runs = [r for b in blocks for r in b.runs if r.start_date >= chosen["start_date"]]
    exempt = _exempted(account, blocks) if use_exemptions else set()
    result = planner.plan_route(
        [_planner_block(b) for b in blocks],
        [_planner_run(r) for r in runs],
        _planner_preferences(chosen),
        exempt,
        node_limit=NODE_LIMIT,
    )
    return PlanOutcome(result, qualification, {str(b.id): b for b in blocks},
                       {str(r.id): r for r in runs}, chosen, persona)


def remember_persona(account: Account, persona: str) -> None:
    """The persona the learner plans with is the one the planner opens on next time."""
    if account.persona != persona:
        account.persona = persona
        db.session.commit()


def _planner_block(block: Block) -> planner.Block:
    return planner.Block(id=str(block.id), code=block.code, ec=float(block.ec),
                         hours=float(block.hours),
                         prerequisites=frozenset(str(p.id) for p in block.prerequisites))


def _planner_run(run: Run) -> planner.Run:
    return planner.Run(id=str(run.id), block_id=str(run.block_id), start=run.start_date,
                       end=run.end_date, time_of_day=run.time_of_day,
                       location_kind=run.location_kind, learning_form=run.learning_form,
                       seats_left=run.seats_left)


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


def enrol_route(account: Account, route_id: int, today: date) -> list[Enrolment]:
    """Enrol in every run of the route at once, across institutions, or in none of them.

    Each seat is taken by one conditional UPDATE of a seat shard, so concurrent enrolments
    never overbook: the database re-checks `taken < seats` on the shard it locks. The seats
    are taken last, in the order of the runs' ids: a shard stays locked only until the
    commit, and two routes sharing runs wait for them in the same order (no deadlock)."""
    route = route_of(account, route_id)
    try:
        claims = [claim_enrolment(account, choice["run_id"], route.id)
                  for choice in route.plan["choices"]]
        for enrolment, new in sorted(claims, key=lambda claim: claim[0].run_id):
            if new:
                take_seat(enrolment.run_id, today)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return [enrolment for enrolment, _ in claims]


def enrol_in_run(account: Account, run_id: int, today: date,
                 route_id: int | None = None) -> Enrolment:
    """Take a seat in a run that has not started, in the caller's transaction (not committed):
    :func:`claim_enrolment`, then :func:`take_seat` when the claim is new."""
    enrolment, new = claim_enrolment(account, run_id, route_id)
    if new:
        take_seat(run_id, today)
    return enrolment


def claim_enrolment(account: Account, run_id: int,
                    route_id: int | None = None) -> tuple[Enrolment, bool]:
    """Make the learner's enrolment in the run "enrolled", in the caller's transaction:
    a new row, or their cancelled one again. Returns it, and whether it is new: then the
    caller must :func:`take_seat` before committing.

    The same enrolment sent twice at once (a double tap, a retry) waits here for the first:
    it then finds the learner enrolled and gets that enrolment (not new), instead of failing
    on the unique constraint or taking a second seat."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    inserted = db.session.scalars(
        insert(Enrolment)
        .values(account_id=account.id, run_id=run_id, route_id=route_id, status="enrolled")
        .on_conflict_do_nothing(index_elements=["account_id", "run_id"])
        .returning(Enrolment)
        .execution_options(populate_existing=True)
    ).first()
    if inserted is not None:
        return inserted, True
    again = db.session.scalars(
        db.update(Enrolment)
        .where(Enrolment.account_id == account.id, Enrolment.run_id == run_id,
               Enrolment.status == "cancelled")
        .values(status="enrolled", cancelled_at=None, route_id=route_id)
        .returning(Enrolment)
        .execution_options(synchronize_session=False, populate_existing=True)
    ).first()
    if again is not None:
        return again, True
    return _enrolment(account.id, run_id), False


def take_seat(run_id: int, today: date) -> None:
    """One seat of a run that has not started (RunFull when none is left), in a seat shard
    of the run that no other enrolment holds (catalog/seats.py). The shard stays locked until
    the transaction ends: call it last, just before the commit."""
    if not seats.take(run_id, today):
        raise RunFull()


def _enrolment(account_id: int, run_id: int) -> Enrolment:
    return db.session.scalars(
        db.select(Enrolment).filter_by(account_id=account_id, run_id=run_id)
        .execution_options(populate_existing=True)
    ).one()


def enrolments_of(account: Account, active_only: bool = True) -> list[Enrolment]:
    query = db.select(Enrolment).join(Run).filter(Enrolment.account_id == account.id)
    if active_only:
        query = query.filter(Enrolment.status == "enrolled")
    return db.session.scalars(query.order_by(Run.start_date, Enrolment.id)).all()


def enrolment_of(account: Account, enrolment_id: int) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.account_id != account.id:
        raise NotFound()
    return enrolment


CancellationRule = Callable[[Account, Enrolment, date], bool]
_cancellation_rules: dict[str, CancellationRule] = {}


def cancellation_rule(name: str):
    """Register `rule(account, enrolment, today) -> handled` for enrolments that a domain
    above this one pays for (a voucher): its own deadline applies, and what paid comes back.
    A rule returns False for enrolments that are not its own. Registering a name again
    replaces the rule (module reloads)."""
    def register(rule: CancellationRule) -> CancellationRule:
        _cancellation_rules[name] = rule
        return rule
    return register


def cancel_enrolment(account: Account, enrolment_id: int, today: date) -> Enrolment:
    """Give the seat back; possible until the run starts, or as the rule of what paid says."""
    enrolment = enrolment_of(account, enrolment_id)
    if enrolment.status != "enrolled":
        return enrolment
    if any(rule(account, enrolment, today) for rule in _cancellation_rules.values()):
        return enrolment
    if enrolment.run.start_date <= today:
        raise TooLateToCancel()
    release(enrolment)
    db.session.commit()
    return enrolment


def release(enrolment: Enrolment) -> None:
    """Cancel an enrolment and give its seat back, in the caller's transaction."""
    if enrolment.status != "enrolled":
        return
    seats.give_back(enrolment.run_id)
    enrolment.status, enrolment.cancelled_at = "cancelled", utcnow()


@erase.before_erase("routes.seats")
def _give_seats_back(account_id: int) -> None:
    """Before an account is erased: its places in runs go back to the runs."""
    for enrolment in db.session.scalars(
            db.select(Enrolment).filter_by(account_id=account_id, status="enrolled")):
        release(enrolment)


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
