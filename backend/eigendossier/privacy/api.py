"""The learner's own data: download all of it, bring an export back, read what happened to
it, and delete the account.

The export is a POST (with an optional passphrase): a download of everything must never
land in the service worker's cache of API answers, which keeps GETs only."""
from datetime import date
from typing import ClassVar

from flask import abort, current_app, request, send_file
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from eigendossier.accounts.cookies import clear_session_cookie
from eigendossier.core.arguments import Blueprint
from eigendossier.core.errors import InvalidInput, problem_response
from eigendossier.core.extensions import limiter
from eigendossier.dossier.verification import locale
from eigendossier.privacy import service
from eigendossier.privacy.schemas import (
    AuditPageSchema,
    AuditQuerySchema,
    DataExportSchema,
    DataImportReportSchema,
    EraseSchema,
)

blp = Blueprint("privacy", __name__, url_prefix="/api/v1/privacy",
                description="Own your data: export, import, audit trail, erase")

MULTIPART_SLACK = 64 * 1024
ZIP = {"type": "string", "format": "binary"}
IMPORT_BODY = {
    "required": True,
    "description": "An export of Eigen Dossier (.zip), with its passphrase if it has one.",
    "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary"},
                       "passphrase": {"type": "string"}}}}},
}


def _limit():
    return current_app.config.get("RATELIMIT_PRIVACY", "10 per minute;100 per day")


def _erase_limit():
    return current_app.config.get("RATELIMIT_PRIVACY_ERASE", "5 per minute;20 per day")


@blp.route("/export")
class Export(MethodView):
    decorators: ClassVar = [login_required]

    @limiter.limit(_limit)
    @blp.arguments(DataExportSchema)
    @blp.response(200, ZIP, content_type="application/zip",
                  description="A zip: credentials as imported, a signed presentation, JSON "
                              "of everything else, index.html and manifest.json")
    @problem_response(blp, 422, "The passphrase is shorter than 12 characters")
    def post(self, data):
        """Download all my data as one zip, optionally encrypted with a passphrase."""
        out = service.export_archive(current_user, locale=locale(),
                                     passphrase=data.get("passphrase") or None)
        response = send_file(out, mimetype="application/zip", as_attachment=True,
                             download_name=f"eigendossier-{date.today().isoformat()}.zip")
        response.headers["Cache-Control"] = "no-store"
        return response


@blp.route("/import")
class Import(MethodView):
    decorators: ClassVar = [login_required]

    @limiter.limit(_limit)
    @blp.doc(requestBody=IMPORT_BODY)
    @blp.response(200, DataImportReportSchema)
    @problem_response(blp, 413, "The file is larger than this server accepts")
    @problem_response(blp, 415, "Send multipart/form-data")
    @problem_response(blp, 422, "Not an export, damaged, too large unpacked, more "
                                "credentials or experience than allowed, or the passphrase "
                                "is missing or wrong; nothing imported")
    def post(self):
        """Import a data file (an export of this or another installation) into my dossier.

        Credentials are verified again; what is already in the dossier is skipped."""
        if request.mimetype != "multipart/form-data":
            abort(415)
        limit = service.max_import_upload()
        request.max_content_length = limit + MULTIPART_SLACK
        upload = request.files.get("file")
        if upload is None:
            raise InvalidInput(errors={"file": [str(_l("Choose a file."))]})
        try:
            return service.import_archive(current_user, upload.stream,
                                          request.form.get("passphrase") or None)
        finally:
            for stored in request.files.values():
                stored.close()


@blp.route("/audit")
class Audit(MethodView):
    decorators: ClassVar = [login_required]

    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditPageSchema)
    def get(self, query):
        """What happened to my data, newest first, one sentence each in my language."""
        return service.audit_trail(current_user, query["page"], query["per_page"])


@blp.route("/erase")
class Erase(MethodView):
    decorators: ClassVar = [login_required]

    @limiter.limit(_erase_limit)
    @blp.arguments(EraseSchema)
    @blp.response(204)
    @problem_response(blp, 422, "Not confirmed: email address or password do not match")
    def post(self, data):
        """Delete my account and everything personal, at once and for good.

        Share links stop working, devices get no more reminders, claimed vouchers that were
        not used become available to claim again."""
        service.erase_account(current_user, data["confirm"], data.get("password"))
        response = current_app.response_class(status=204)
        del response.headers["Content-Type"]
        return clear_session_cookie(response)
