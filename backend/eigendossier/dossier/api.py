"""The learner's dossier: import, read, verify again and delete credentials; self-declared
experience items with an optional evidence file."""
from typing import ClassVar

from flask import abort, current_app, request
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from marshmallow import ValidationError

from eigendossier.core.arguments import Blueprint, check_shape
from eigendossier.core.downloads import file_download
from eigendossier.core.errors import InvalidInput, flatten_field_errors, problem_response
from eigendossier.core.extensions import limiter
from eigendossier.dossier import experience, service, verification
from eigendossier.dossier.schemas import (
    CredentialSchema,
    ExperienceInputSchema,
    ExperienceSchema,
    ExperienceUpdateSchema,
    ImportSchema,
)

blp = Blueprint("dossier", __name__, url_prefix="/api/v1/dossier",
                description="The learner's credentials and self-declared experience")

MULTIPART_SLACK = 64 * 1024  # form boundaries and headers around the file

IMPORT_BODY = {
    "required": True,
    "description": "A file (baked PNG or SVG, .json, .jwt/.jws), pasted text, or a URL.",
    "content": {
        "multipart/form-data": {
            "schema": {"type": "object", "required": ["file"],
                       "properties": {"file": {"type": "string", "format": "binary"}}},
        },
        "application/json": {"schema": {
            "type": "object",
            "description": "Exactly one of text and url",
            "properties": {
                "text": {"type": "string", "description": "A credential as JSON, or a JWS"},
                "url": {"type": "string", "format": "uri",
                        "description": "https URL of a hosted assertion or credential"},
            },
        }},
    },
}
EVIDENCE_BODY = {
    "required": True,
    "description": "A PDF, or a photo or scan (PNG, JPEG, WebP, HEIC).",
    "content": {"multipart/form-data": {
        "schema": {"type": "object", "required": ["file"],
                   "properties": {"file": {"type": "string", "format": "binary"}}},
    }},
}
FILE = {"type": "string", "format": "binary"}


def _import_limit():
    return current_app.config.get("RATELIMIT_DOSSIER_IMPORT", "30 per minute")


def _uploaded_file() -> tuple[bytes, str]:
    """The `file` of a multipart body, refused when over the upload limit before reading on."""
    limit = verification.max_upload()
    if (request.content_length or 0) > limit + MULTIPART_SLACK:
        raise verification.too_large(limit)
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput(errors={"file": [str(_l("Choose a file."))]})
    try:
        data = upload.stream.read(limit + 1)
    finally:
        for stored in request.files.values():
            stored.close()
    if len(data) > limit:
        raise verification.too_large(limit)
    return data, upload.filename or ""


def _import_input() -> dict:
    if request.mimetype == "multipart/form-data":
        return {"data": _uploaded_file()[0]}
    if request.is_json:
        limit = verification.max_json()
        # Room for the JSON string escapes around the pasted text.
        if (request.content_length or 0) > 2 * limit + 1024:
            raise verification.too_large(limit)
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise InvalidInput(errors={"_schema": [str(_l("Send a JSON object."))]})
        schema = ImportSchema()
        check_shape(schema, body)
        try:
            return schema.load(body)
        except ValidationError as error:
            raise InvalidInput(errors=flatten_field_errors({"json": error.messages})) from None
    abort(415)


def file_response(data: bytes, content_type: str, filename: str):
    """A stored file, never rendered as a page of ours (it came from outside)."""
    response = file_download(data, content_type, filename)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@blp.route("/credentials")
class Credentials(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, CredentialSchema(many=True))
    def get(self):
        """The learner's credentials, newest first, each with its latest verification."""
        return service.credentials(current_user)

    @limiter.limit(_import_limit, methods=["POST"])
    @blp.doc(requestBody=IMPORT_BODY)
    @blp.response(201, CredentialSchema)
    @problem_response(blp, 409, "The credential is already in the dossier")
    @problem_response(blp, 413, "The file or text is over the size limit")
    @problem_response(blp, 415, "Send multipart/form-data or JSON")
    @problem_response(blp, 422, "Unreadable credential or unreachable URL; nothing stored")
    @problem_response(blp, 429, "Too many imports")
    def post(self):
        """Import a credential from a file, pasted JSON or JWS, or a URL, and verify it.

        A credential that parses but fails verification is stored with its status."""
        return service.import_credential(current_user, **_import_input())


@blp.route("/credentials/<int:credential_id>")
class CredentialDetail(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, CredentialSchema)
    @problem_response(blp, 404, "No such credential in this dossier")
    def get(self, credential_id):
        """One credential with every field and its check list."""
        return service.credential(current_user, credential_id)

    @blp.response(204)
    @problem_response(blp, 404, "No such credential in this dossier")
    def delete(self, credential_id):
        """Remove a credential from the dossier."""
        service.delete_credential(current_user, credential_id)


@blp.route("/credentials/<int:credential_id>/verify")
class CredentialVerify(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, CredentialSchema)
    @problem_response(blp, 404, "No such credential in this dossier")
    def post(self, credential_id):
        """Verify the credential again now (only the latest result is kept)."""
        return service.reverify(current_user, credential_id)


@blp.route("/credentials/<int:credential_id>/original")
class CredentialOriginal(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, FILE, content_type="application/octet-stream",
                  description="The file as imported (image/png, image/svg+xml, "
                              "application/json or application/jwt)")
    @problem_response(blp, 404, "No such credential in this dossier")
    def get(self, credential_id):
        """Download the credential exactly as it was imported."""
        return file_response(*service.original(current_user, credential_id))


@blp.route("/experience")
class Experience(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, ExperienceSchema(many=True))
    def get(self):
        """The learner's self-declared experience, most recent first."""
        return experience.experience_items(current_user)

    @blp.arguments(ExperienceInputSchema)
    @blp.response(201, ExperienceSchema)
    def post(self, data):
        """Declare an experience item (role, employer, period, description)."""
        return experience.create_experience(current_user, data)


@blp.route("/experience/<int:item_id>")
class ExperienceDetail(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, ExperienceSchema)
    @problem_response(blp, 404, "No such experience item in this dossier")
    def get(self, item_id):
        """One experience item."""
        return experience.experience_item(current_user, item_id)

    @blp.arguments(ExperienceUpdateSchema(partial=True))
    @blp.response(200, ExperienceSchema)
    @problem_response(blp, 404, "No such experience item in this dossier")
    def patch(self, data, item_id):
        """Change an experience item."""
        return experience.update_experience(current_user, item_id, data)

    @blp.response(204)
    @problem_response(blp, 404, "No such experience item in this dossier")
    def delete(self, item_id):
        """Remove an experience item and its evidence."""
        experience.delete_experience(current_user, item_id)


@blp.route("/experience/<int:item_id>/evidence")
class ExperienceEvidence(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, FILE, content_type="application/octet-stream",
                  description="The evidence file (PDF or image)")
    @problem_response(blp, 404, "No such experience item, or it has no evidence")
    def get(self, item_id):
        """Download the evidence file."""
        return file_response(*experience.evidence(current_user, item_id))

    @blp.doc(requestBody=EVIDENCE_BODY)
    @blp.response(200, ExperienceSchema)
    @problem_response(blp, 404, "No such experience item in this dossier")
    @problem_response(blp, 413, "The file is over the size limit")
    @problem_response(blp, 415, "Send multipart/form-data")
    @problem_response(blp, 422, "Not a PDF or image")
    def put(self, item_id):
        """Attach (or replace) the evidence file, stored encrypted."""
        experience.experience_item(current_user, item_id)
        if request.mimetype != "multipart/form-data":
            abort(415)
        data, filename = _uploaded_file()
        return experience.attach_evidence(current_user, item_id, data, filename)

    @blp.response(204)
    @problem_response(blp, 404, "No such experience item in this dossier")
    def delete(self, item_id):
        """Remove the evidence file."""
        experience.remove_evidence(current_user, item_id)
