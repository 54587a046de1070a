"""Personas, planning a route, saved routes, enrolments, the schedule and its calendar feed."""
from datetime import date
from typing import ClassVar

from flask import Blueprint as PlainBlueprint
from flask import current_app, url_for
from flask.views import MethodView
from flask_login import current_user, login_required

from eigendossier.core import access
from eigendossier.core.arguments import Blueprint
from eigendossier.core.downloads import file_download
from eigendossier.core.errors import problem_response
from eigendossier.routes import enrolments, recognition, schedule, service
from eigendossier.routes.schemas import (
    DecisionSchema,
    EnrolmentSchema,
    FeedSchema,
    FeedStatusSchema,
    PersonaQuerySchema,
    PersonaSchema,
    PlanRequestSchema,
    PlanResultSchema,
    RecognitionRequestInSchema,
    RecognitionRequestSchema,
    RouteSchema,
    SaveRouteSchema,
    ScheduleSchema,
    StaffRecognitionRequestSchema,
)

blp = Blueprint("routes", __name__, url_prefix="/api/v1",
                description="Learning routes, enrolments and the schedule")
feeds = PlainBlueprint("feeds", __name__)


@blp.route("/routes/personas")
class Personas(MethodView):
    @blp.arguments(PersonaQuerySchema, location="query")
    @blp.response(200, PersonaSchema(many=True))
    @problem_response(blp, 404, "No such qualification")
    def get(self, query):
        """The five personas, with their recognition and default preferences; for a
        qualification, the default pace is one its groups can meet."""
        return service.personas_for(query["qualification_id"], date.today())


@blp.route("/routes/plan")
class Plan(MethodView):
    decorators: ClassVar = [login_required]

    @blp.arguments(PlanRequestSchema)
    @blp.response(200, PlanResultSchema)
    @problem_response(blp, 404, "No such qualification")
    def post(self, request):
        """Plan the earliest route through the carousel, with alternatives or what blocks it."""
        outcome = service.plan(current_user, today=date.today(), **_plan_args(request))
        return service.outcome_view(outcome)


def _plan_args(request: dict) -> dict:
    return {"qualification_id": request["qualification_id"], "persona": request["persona"],
            "given": request["preferences"], "use_exemptions": request["use_exemptions"]}


@blp.route("/routes")
class Routes(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, RouteSchema(many=True))
    def get(self):
        """The learner's saved routes, newest first."""
        return [service.route_view(r) for r in service.routes_of(current_user)]

    @blp.arguments(SaveRouteSchema)
    @blp.response(201, RouteSchema)
    @problem_response(blp, 409, "No plan fits (any more)")
    def post(self, request):
        """Plan again and save the chosen plan as the learner's route."""
        outcome = service.plan(current_user, today=date.today(), **_plan_args(request))
        route = service.save_route(current_user, outcome, request["choice"])
        return service.route_view(route)


@blp.route("/routes/<int:route_id>")
class RouteDetail(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, RouteSchema)
    @problem_response(blp, 404, "No such route of yours")
    def get(self, route_id):
        """One saved route."""
        return service.route_view(service.route_of(current_user, route_id))

    @blp.response(204)
    @problem_response(blp, 404, "No such route of yours")
    def delete(self, route_id):
        """Delete a saved route (enrolments stay)."""
        service.delete_route(current_user, route_id)


@blp.route("/routes/<int:route_id>/enrolments")
class RouteEnrolment(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(201, EnrolmentSchema(many=True))
    @problem_response(blp, 404, "No such route of yours")
    @problem_response(blp, 409, "A module is full: nothing was booked")
    def post(self, route_id):
        """Enrol in every run of the route at once, across institutions, or in none."""
        return enrolments.enrol_route(current_user, route_id, date.today())


@blp.route("/enrolments")
class Enrolments(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, EnrolmentSchema(many=True))
    def get(self):
        """All the learner's enrolments, cancelled ones included."""
        return enrolments.enrolments_of(current_user, active_only=False)


@blp.route("/enrolments/<int:enrolment_id>")
class EnrolmentDetail(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, EnrolmentSchema)
    @problem_response(blp, 404, "No such enrolment of yours")
    def get(self, enrolment_id):
        """One enrolment."""
        return enrolments.enrolment_of(current_user, enrolment_id)

    @blp.response(200, EnrolmentSchema)
    @problem_response(blp, 404, "No such enrolment of yours")
    @problem_response(blp, 409, "The module has started")
    def delete(self, enrolment_id):
        """Cancel an enrolment before its run starts; the seat is given back."""
        return enrolments.cancel_enrolment(current_user, enrolment_id, date.today())


@blp.route("/schedule")
class Schedule(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, ScheduleSchema)
    def get(self):
        """The learner's enrolled runs in date order; times are local to Europe/Amsterdam."""
        return {"time_zone": "Europe/Amsterdam",
                "enrolments": enrolments.enrolments_of(current_user)}


@blp.route("/schedule/feed")
class ScheduleFeed(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, FeedStatusSchema)
    def get(self):
        """Whether a calendar address is active (the address itself was shown once)."""
        feed = schedule.feed_of(current_user)
        return {"active": feed is not None, "created_at": feed and feed.created_at}

    @blp.response(201, FeedSchema)
    def post(self):
        """A new secret calendar address (an earlier one stops working)."""
        token = schedule.create_feed(current_user)
        return {"url": url_for("feeds.calendar", token=token, _external=True)}

    @blp.response(204)
    def delete(self):
        """Stop the calendar address from working."""
        schedule.revoke_feed(current_user)


@blp.route("/routes/recognition")
class Recognition(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, RecognitionRequestSchema(many=True))
    def get(self):
        """The learner's requests to have blocks recognised from experience (EVC)."""
        return recognition.recognition_requests_of(current_user)

    @blp.arguments(RecognitionRequestInSchema)
    @blp.response(201, RecognitionRequestSchema)
    @problem_response(blp, 404, "No such block, or experience item of yours")
    @problem_response(blp, 409, "Already requested")
    def post(self, request):
        """Ask the institution to recognise a block from one of your experience items."""
        return recognition.request_recognition(current_user, **request)


@blp.route("/routes/recognition/<int:request_id>")
class RecognitionDetail(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(204)
    @problem_response(blp, 404, "No such request of yours")
    def delete(self, request_id):
        """Withdraw a recognition request."""
        recognition.withdraw_recognition(current_user, request_id)


@blp.route("/staff/recognition-requests")
class StaffRecognition(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, StaffRecognitionRequestSchema(many=True))
    @problem_response(blp, 403, "Staff only")
    def get(self):
        """Recognition requests for blocks of your institution."""
        access.require_staff(current_user)
        return recognition.recognition_requests_for_staff(current_user)


@blp.route("/staff/recognition-requests/<int:request_id>/decision")
class StaffDecision(MethodView):
    decorators: ClassVar = [login_required]

    @blp.arguments(DecisionSchema)
    @blp.response(200, StaffRecognitionRequestSchema)
    @problem_response(blp, 403, "Staff only")
    @problem_response(blp, 404, "No such request for your institution")
    @problem_response(blp, 409, "Already decided")
    def post(self, decision, request_id):
        """Approve or reject, with a reason (needed to reject): an approved block is skipped
        when the learner plans."""
        access.require_staff(current_user)
        return recognition.decide_recognition(current_user, request_id, decision["approved"],
                                              decision["reason"].strip())


@blp.route("/staff/recognition-requests/<int:request_id>/evidence")
class StaffEvidence(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, {"type": "string", "format": "binary"},
                  content_type="application/octet-stream",
                  description="The evidence file (PDF or image)")
    @problem_response(blp, 403, "Staff only")
    @problem_response(blp, 404, "No such request for your institution, or no evidence")
    def get(self, request_id):
        """The evidence file the learner attached to the experience."""
        access.require_staff(current_user)
        return evidence_response(*recognition.evidence_for_staff(current_user, request_id))


def evidence_response(data: bytes, content_type: str, filename: str):
    """A learner's file, never rendered as a page of ours (it came from outside)."""
    response = file_download(data, content_type, filename)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@feeds.get("/ical/<token>.ics")
def calendar(token: str):
    """The learner's schedule for phone calendars; the address itself is the secret."""
    body = schedule.schedule_calendar(schedule.account_for_feed(token))
    response = current_app.response_class(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, max-age=900"
    return response
