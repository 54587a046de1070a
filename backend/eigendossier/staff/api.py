"""The staff console's API under /api/v1/staff: an institution's catalogue (preview, apply,
runs, rosters), issuer set-up (profile, keys, VC-API clients, staff members) and audit trail.

Thin: each view parses, calls one operation of `staff.service` and commits once."""
from typing import ClassVar

from flask import request
from flask.views import MethodView
from flask_login import current_user, login_required

from eigendossier.catalog.api import CATALOG_BODY
from eigendossier.core.arguments import Blueprint
from eigendossier.core.downloads import file_download
from eigendossier.core.errors import problem_response
from eigendossier.core.extensions import db
from eigendossier.core.i18n import localized
from eigendossier.routes import roster
from eigendossier.staff import service
from eigendossier.staff.schemas import (
    CatalogChangesSchema,
    ClientSchema,
    KeysSchema,
    MemberSchema,
    MemberUpdateSchema,
    NewClientSchema,
    NewMemberSchema,
    ReachabilitySchema,
    RosterSchema,
    RunUpdateSchema,
    StaffAuditPageSchema,
    StaffAuditQuerySchema,
    StaffHomeSchema,
    StaffProfileSchema,
    StaffProfileUpdateSchema,
    StaffRunSchema,
)

blp = Blueprint("staff", __name__, url_prefix="/api/v1/staff",
                description="The staff console: an institution's catalogue, set-up and audit")

# The catalogue as the body, or uploaded as the form field `file` (what the app sends).
UPLOAD_BODY = {**CATALOG_BODY, "content": {
    **CATALOG_BODY["content"],
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "A catalogue document, YAML or JSON"}}}}}}
SCOPE_ERRORS = ((403, "Not staff"), (404, "Not an institution of yours, or no such item"))
ADMIN_ERRORS = ((403, "Not staff, or not an institution admin"),
                (404, "Not an institution of yours, or no such item"))


def scoped(errors=SCOPE_ERRORS):
    def decorate(function):
        for status, description in errors:
            function = problem_response(blp, status, description)(function)
        return function
    return decorate


def _upload() -> bytes:
    upload = request.files.get("file")
    return upload.read() if upload else request.get_data()


def _done(value):
    db.session.commit()
    return value


@blp.route("")
class Home(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, StaffHomeSchema)
    @problem_response(blp, 403, "Not staff")
    def get(self):
        """Who the staff member is here (staff, institution admin, admin) and the
        institutions they act for."""
        return service.home(current_user)


# -- catalogue ---------------------------------------------------------------------------------


@blp.route("/institutions/<slug>/catalog/preview")
class CatalogPreview(MethodView):
    decorators: ClassVar = [login_required]

    @blp.doc(requestBody=UPLOAD_BODY)
    @blp.response(200, CatalogChangesSchema)
    @scoped()
    @problem_response(blp, 422, "The document has errors, or would remove a run with "
                      "enrolments")
    def post(self, slug):
        """What uploading this document would change (new, changed, removed runs; those
        whose enrolled learners notice); nothing is written."""
        return service.preview_catalog(current_user, slug, _upload())


@blp.route("/institutions/<slug>/catalog")
class CatalogApply(MethodView):
    decorators: ClassVar = [login_required]

    @blp.doc(requestBody=UPLOAD_BODY)
    @blp.response(200, CatalogChangesSchema)
    @scoped()
    @problem_response(blp, 422, "The document has errors; nothing was changed")
    def put(self, slug):
        """Apply the document, all or nothing: exactly what its preview showed. A run of a
        listed qualification that the document leaves out is removed."""
        return _done(service.apply_catalog(current_user, slug, _upload()))


@blp.route("/institutions/<slug>/runs")
class Runs(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, StaffRunSchema(many=True))
    @scoped()
    def get(self, slug):
        """The institution's runs, with seats taken."""
        return service.runs(current_user, slug)


@blp.route("/institutions/<slug>/runs/<int:run_id>")
class RunDetail(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, RosterSchema)
    @scoped()
    def get(self, slug, run_id):
        """A run with everyone enrolled in it."""
        found = service.run(current_user, slug, run_id)
        return {"run": found, "enrolments": roster.roster(found)}

    @blp.arguments(RunUpdateSchema)
    @blp.response(200, StaffRunSchema)
    @scoped()
    def patch(self, changes, slug, run_id):
        """Change a run's seats, dates, times, place or form."""
        return _done(service.update_run(current_user, slug, run_id, changes))


@blp.route("/institutions/<slug>/runs/<int:run_id>/enrolments.csv")
class RosterCsv(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, {"type": "string"}, content_type="text/csv")
    @scoped()
    def get(self, slug, run_id):
        """The run's enrolments as CSV (cells made safe for spreadsheets)."""
        found = service.run(current_user, slug, run_id)
        return _file(roster.roster_csv(found).encode("utf-8"), "text/csv; charset=utf-8",
                     f"{found.code}-enrolments.csv")


@blp.route("/institutions/<slug>/runs/<int:run_id>/enrolments.ics")
class RosterCalendar(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, {"type": "string"}, content_type="text/calendar")
    @scoped()
    def get(self, slug, run_id):
        """The run's sessions as iCalendar, the enrolled learners as attendees."""
        found = service.run(current_user, slug, run_id)
        body = roster.roster_calendar(found, localized(found.block, "name"))
        return _file(body, "text/calendar; charset=utf-8", f"{found.code}.ics")


def _file(body: bytes, content_type: str, filename: str):
    response = file_download(body, content_type, filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# -- issuer set-up -----------------------------------------------------------------------------


@blp.route("/institutions/<slug>/profile")
class Profile(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, StaffProfileSchema)
    @scoped()
    def get(self, slug):
        """The institution as an issuer: name, URL, contact address and logo."""
        return service.profile(current_user, slug)

    @blp.arguments(StaffProfileUpdateSchema)
    @blp.response(200, StaffProfileSchema)
    @scoped(ADMIN_ERRORS)
    def patch(self, changes, slug):
        """Change the name, URL, contact address or logo shown in new credentials."""
        return _done(service.update_profile(current_user, slug, changes))


@blp.route("/institutions/<slug>/keys")
class Keys(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, KeysSchema)
    @scoped()
    def get(self, slug):
        """The signing keys, the did:web identifier, its DID document and public address."""
        return service.keys(current_user, slug)

    @blp.response(201, KeysSchema)
    @scoped(ADMIN_ERRORS)
    def post(self, slug):
        """Create the first signing key, or rotate: a new key signs from now on and earlier
        keys stay published, so what they signed keeps verifying."""
        return _done(service.new_key(current_user, slug))


@blp.route("/institutions/<slug>/keys/reachability")
class KeysReachability(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, ReachabilitySchema)
    @scoped()
    def post(self, slug):
        """Fetch the DID document from its public address, as a verifier elsewhere would."""
        return service.check_key_address(current_user, slug)


@blp.route("/institutions/<slug>/clients")
class Clients(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, ClientSchema(many=True))
    @scoped(ADMIN_ERRORS)
    def get(self, slug):
        """The institution's VC-API clients (OAuth 2.0 client credentials)."""
        return service.clients(current_user, slug)

    @blp.response(201, NewClientSchema)
    @scoped(ADMIN_ERRORS)
    def post(self, slug):
        """A new client; its secret is in this answer only."""
        client, secret = service.create_client(current_user, slug)
        db.session.commit()
        return {"client_id": client.client_id, "created_at": client.created_at,
                "revoked_at": None, "scope": client.scope, "client_secret": secret}


@blp.route("/institutions/<slug>/clients/<client_id>/revoke")
class ClientRevoke(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, ClientSchema)
    @scoped(ADMIN_ERRORS)
    def post(self, slug, client_id):
        """Stop a client: its tokens stop working at once."""
        return _done(service.revoke_client(current_user, slug, client_id))


@blp.route("/institutions/<slug>/members")
class Members(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, MemberSchema(many=True))
    @scoped(ADMIN_ERRORS)
    def get(self, slug):
        """The institution's staff members and their roles."""
        return service.staff_members(current_user, slug)

    @blp.arguments(NewMemberSchema)
    @blp.response(201, MemberSchema)
    @scoped(ADMIN_ERRORS)
    @problem_response(blp, 409, "The address already has an account")
    def post(self, data, slug):
        """Add a staff member: they get a mail to choose their password."""
        added = service.add_member(current_user, slug, data)
        db.session.commit()
        service.members.invite(added)
        return added


@blp.route("/institutions/<slug>/members/<int:member_id>")
class Member(MethodView):
    decorators: ClassVar = [login_required]

    @blp.arguments(MemberUpdateSchema)
    @blp.response(200, MemberSchema)
    @scoped(ADMIN_ERRORS)
    @problem_response(blp, 409, "The institution would have no institution admin left")
    def patch(self, data, slug, member_id):
        """Make a member institution admin or plain staff."""
        return _done(service.change_member(current_user, slug, member_id, data["role"]))

    @blp.response(204)
    @scoped(ADMIN_ERRORS)
    @problem_response(blp, 409, "The institution would have no institution admin left")
    def delete(self, slug, member_id):
        """Remove a member from the staff: their sessions end at once."""
        service.remove_member(current_user, slug, member_id)
        db.session.commit()


# -- audit -------------------------------------------------------------------------------------


@blp.route("/institutions/<slug>/audit")
class Audit(MethodView):
    decorators: ClassVar = [login_required]

    @blp.arguments(StaffAuditQuerySchema, location="query")
    @blp.response(200, StaffAuditPageSchema)
    @scoped()
    def get(self, query, slug):
        """Staff actions of the institution, newest first; search by text and dates."""
        events, total = service.audit_page(current_user, slug, query["q"], query["since"],
                                           query["until"], query["page"], query["per_page"])
        names = service.actor_names(events)
        for event in events:
            event.actor_name = names.get(event.actor_id, "")
        return {"events": events, "total": total, "page": query["page"],
                "per_page": query["per_page"]}
