from datetime import date

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from eigendossier.catalog.models import LEARNING_FORMS, LOCATION_KINDS, TIMES_OF_DAY
from eigendossier.catalog.schemas import InstitutionSchema, QualificationSchema, RunSchema
from eigendossier.core.fields import UTCDateTime
from eigendossier.core.i18n import localized
from eigendossier.planner import PREFERENCE_NAMES
from eigendossier.routes.personas import BY_KEY
from eigendossier.routes.recognition import offered_credentials

Reason = fields.Dict(keys=fields.String(), metadata={
    "description": "A machine-readable reason: {code, ...params}; the PWA phrases it"})


class PersonaSchema(Schema):
    key = fields.String()
    name = fields.Function(lambda p: p["name"][_locale()])
    explanation = fields.Function(lambda p: p["explanation"][_locale()])
    recognition = fields.Function(lambda p: p["recognition"][_locale()])
    defaults = fields.Dict(metadata={
        "description": "Default preferences; with qualification_id, a pace its groups meet"})


class PersonaQuerySchema(Schema):
    qualification_id = fields.Integer(load_default=None, metadata={
        "description": "Fit the default pace to this qualification's groups"})


def _locale() -> str:
    from flask_babel import get_locale

    return "en" if str(get_locale()) == "en" else "nl"


class PreferencesSchema(Schema):
    start_date = fields.Date(metadata={"description": "Earliest start; default today"})
    horizon_end = fields.Date(metadata={"description": "Finish by; default start + 3 years"})
    times_of_day = fields.List(fields.String(validate=validate.OneOf(TIMES_OF_DAY)))
    locations = fields.List(fields.String(validate=validate.OneOf(LOCATION_KINDS)))
    learning_forms = fields.List(fields.String(validate=validate.OneOf(LEARNING_FORMS)))
    max_parallel = fields.Integer(allow_none=True, validate=validate.Range(1, 10),
                                  metadata={"description": "At most this many blocks at once"})
    max_hours_per_week = fields.Float(allow_none=True, validate=validate.Range(1, 60))
    hard = fields.List(fields.String(validate=validate.OneOf(PREFERENCE_NAMES)),
                       metadata={"description": "Preferences that must hold; others are soft"})

    @validates("start_date")
    def _start_not_in_the_past(self, value, **kwargs):
        """A route cannot start yesterday: without this the planner silently starts today."""
        if value < date.today():
            raise ValidationError(_("The start date cannot be in the past."))

    @validates_schema(skip_on_field_errors=False)
    def _horizon_after_start(self, data, **kwargs):
        start, end = data.get("start_date"), data.get("horizon_end")
        if start and end and end <= start:
            raise ValidationError(_("Must be after the start date."), "horizon_end")


class PlanRequestSchema(Schema):
    qualification_id = fields.Integer(required=True)
    persona = fields.String(required=True, validate=validate.OneOf(list(BY_KEY)))
    preferences = fields.Nested(PreferencesSchema, load_default=dict)
    use_exemptions = fields.Boolean(load_default=True, metadata={
        "description": "Skip blocks covered by verified credentials in the dossier"})


class SaveRouteSchema(PlanRequestSchema):
    choice = fields.Integer(load_default=0, validate=validate.Range(0, 3), metadata={
        "description": "0: the best plan; 1-3: one of its alternatives"})


class BlockSummarySchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.Function(lambda b: localized(b, "name"))
    ec = fields.Float()
    hours = fields.Integer()


class ChoiceSchema(Schema):
    block = fields.Nested(BlockSummarySchema)
    run = fields.Nested(RunSchema)
    start = fields.Date()
    end = fields.Date()
    reasons = fields.List(Reason)


class PlanSchema(Schema):
    finish = fields.Date(allow_none=True)
    total_ec = fields.Float()
    total_hours = fields.Float()
    score = fields.Integer(metadata={"description": "Soft-preference cost: lower is better"})
    choices = fields.List(fields.Nested(ChoiceSchema))
    exempted = fields.List(fields.Nested(BlockSummarySchema))
    violations = fields.List(Reason)
    trade = Reason
    optimal = fields.Boolean(load_default=True, metadata={
        "description": "False when the search stopped at its step limit: the best plan found, "
                       "not proven the earliest"})
    finish_lower_bound = fields.Date(allow_none=True, metadata={
        "description": "No plan can finish before this date; equal to finish when optimal"})


class RelaxationSchema(Schema):
    change = Reason
    effect = Reason
    finish = fields.Date(allow_none=True)


class InfeasibilitySchema(Schema):
    causes = fields.List(Reason)
    relaxations = fields.List(fields.Nested(RelaxationSchema))


class PlanResultSchema(Schema):
    qualification = fields.Nested(QualificationSchema)
    persona = fields.String()
    preferences = fields.Dict()
    plan = fields.Nested(PlanSchema, allow_none=True)
    alternatives = fields.List(fields.Nested(PlanSchema))
    alternatives_complete = fields.Boolean(metadata={
        "description": "False when the search stopped at its step limit before proving the "
                       "next trade-off: there may be more alternatives than listed"})
    infeasibility = fields.Nested(InfeasibilitySchema, allow_none=True)


class RouteSchema(Schema):
    id = fields.Integer()
    qualification = fields.Nested(QualificationSchema)
    persona = fields.String()
    preferences = fields.Dict()
    finish_date = fields.Date(allow_none=True)
    created_at = UTCDateTime()
    plan = fields.Nested(PlanSchema)


def _dump_block(run) -> dict:
    return _BLOCK_SUMMARY.dump(run.block)


def _dump_institution(run) -> dict:
    return _INSTITUTION.dump(run.institution)


class EnrolmentSchema(Schema):
    id = fields.Integer()
    status = fields.String(metadata={"enum": ["enrolled", "cancelled"]})
    route_id = fields.Integer(allow_none=True)
    created_at = UTCDateTime()
    cancelled_at = UTCDateTime(allow_none=True)
    run = fields.Nested(RunSchema)
    block = fields.Function(lambda e: _dump_block(e.run))
    qualification = fields.Function(lambda e: localized(e.run.block.qualification, "name"))
    qualification_id = fields.Function(lambda e: e.run.block.qualification_id)
    institution = fields.Function(lambda e: _dump_institution(e.run))


class ScheduleSchema(Schema):
    time_zone = fields.String(metadata={"description": "The zone of the runs' local times"})
    enrolments = fields.List(fields.Nested(EnrolmentSchema))


class FeedSchema(Schema):
    url = fields.String(metadata={"description": "Secret calendar address, shown once"})


class FeedStatusSchema(Schema):
    active = fields.Boolean()
    created_at = UTCDateTime(allow_none=True)


class RecognitionRequestInSchema(Schema):
    block_id = fields.Integer(required=True)
    experience_item_id = fields.Integer(required=True)
    credential_ids = fields.List(fields.Integer(), load_default=list,
                                 validate=validate.Length(max=20), metadata={
        "description": "Credentials of your dossier the school may see as further evidence"})


class RecognitionRequestSchema(Schema):
    id = fields.Integer()
    status = fields.String(metadata={"enum": ["requested", "approved", "rejected"]})
    block = fields.Nested(BlockSummarySchema)
    experience_item_id = fields.Integer()
    created_at = UTCDateTime()
    decided_at = UTCDateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True, metadata={
        "description": "The school's reason for its decision"})


class StaffRecognitionRequestSchema(RecognitionRequestSchema):
    learner = fields.Function(lambda r: r.account.display_name)
    experience = fields.Function(lambda r: {
        "role": r.experience_item.role, "employer": r.experience_item.employer,
        "start_date": r.experience_item.start_date.isoformat(),
        "end_date": r.experience_item.end_date and r.experience_item.end_date.isoformat(),
        "description": r.experience_item.description,
        "evidence": r.experience_item.evidence_info,
    }, metadata={"description": "The learner's self-declared experience, with the name, type "
                                "and size of its evidence file (GET …/evidence) if any"})
    credentials = fields.Function(lambda r: [{
        "id": c.id, "title": c.summary.get("title"), "issuer": c.summary.get("issuer_name"),
        "issued_on": c.summary.get("issued_on"),
        "status": c.verification.status if c.verification else None,
    } for c in offered_credentials(r)], metadata={
        "description": "Credentials the learner offered, as verified in their dossier"})


class DecisionSchema(Schema):
    approved = fields.Boolean(required=True)
    reason = fields.String(load_default="", validate=validate.Length(max=500), metadata={
        "description": "Why: needed when refusing (at least 3 characters), shown to the learner"})

    @validates_schema
    def _reason_for_a_refusal(self, data, **kwargs):
        if data.get("approved") is False and len(data.get("reason", "").strip()) < 3:
            raise ValidationError(_("Say why the request is refused."), "reason")


# One instance each, for every enrolment dumped: making a schema copies all its fields.
_BLOCK_SUMMARY = BlockSummarySchema()
_INSTITUTION = InstitutionSchema()
