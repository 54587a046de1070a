"""Issuing: the staff API under /api/v1/issuing/<institution>/…, the learner's downloads, the
learner's progress and CLR transcript under /api/v1/routes/…, and the public issuer
documents under /issuers/<institution>/… (did:web, profile, status lists, achievements)
that any wallet's verifier fetches."""
import json
from datetime import date
from typing import ClassVar

from flask import Blueprint as PlainBlueprint
from flask import current_app, request
from flask.views import MethodView
from flask_login import current_user, login_required

from eigendossier.core.arguments import Blueprint
from eigendossier.core.downloads import file_download
from eigendossier.core.errors import problem_response
from eigendossier.dossier.schemas import CredentialSchema
from eigendossier.issuing import awarding, service, transcript
from eigendossier.issuing.schemas import (
    AwardCsvQuerySchema,
    AwardSchema,
    BatchResultSchema,
    DownloadQuerySchema,
    IssuedSchema,
    IssuedToLearnerSchema,
    IssuerProfileSchema,
    IssuerProfileUpdateSchema,
    IssuingAchievementInputSchema,
    IssuingAchievementSchema,
    ProgressSchema,
    RevokeSchema,
)

blp = Blueprint("issuing", __name__, url_prefix="/api/v1/issuing",
                description="Issuing Open Badges 3.0 microcredentials (staff) and downloads")
pages = PlainBlueprint("issuer_pages", __name__, url_prefix="/issuers")
transcripts = Blueprint("transcripts", __name__, url_prefix="/api/v1/routes",
                        description="Progress towards a qualification and a 1EdTech CLR 2.0 "
                                    "transcript of its completed blocks (learner)")

STAFF_ERRORS = (
    (403, "Staff only"),
    (404, "Not an issuer of this institution"),
    (409, "The institution has no signing key yet"),
)
CSV_BODY = {"required": True, "content": {
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "CSV: email, block[, qualification][, completed_on]"}}}},
    "text/csv": {"schema": {"type": "string"}}}}


def staff_errors(function):
    for status, description in STAFF_ERRORS:
        function = problem_response(blp, status, description)(function)
    return function


@blp.route("/<slug>/profile")
class Profile(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, IssuerProfileSchema)
    @staff_errors
    def get(self, slug):
        """The institution's issuer profile, did:web identifier and signing keys."""
        return service.staff_profile(current_user, slug)

    @blp.arguments(IssuerProfileUpdateSchema)
    @blp.response(200, IssuerProfileSchema)
    @staff_errors
    def patch(self, changes, slug):
        """Change the contact address or logo shown in new credentials."""
        return service.update_profile(current_user, slug, changes)


@blp.route("/<slug>/achievements")
class Achievements(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, IssuingAchievementSchema(many=True))
    @staff_errors
    def get(self, slug):
        """The institution's blocks as OB 3.0 achievements."""
        return service.achievements(current_user, slug)


@blp.route("/<slug>/achievements/<int:block_id>")
class AchievementDetail(MethodView):
    decorators: ClassVar = [login_required]

    @blp.arguments(IssuingAchievementInputSchema)
    @blp.response(200, IssuingAchievementSchema)
    @staff_errors
    def put(self, changes, slug, block_id):
        """Set the description, criteria (nl, en) and assessment type of a block's
        achievement (for credentials issued from now on)."""
        return service.update_achievement(current_user, slug, block_id, changes)


@blp.route("/<slug>/awards")
class Awards(MethodView):
    decorators: ClassVar = [login_required]

    @blp.arguments(AwardSchema)
    @blp.response(201, IssuedSchema)
    @staff_errors
    @problem_response(blp, 422, "No such learner, or they already hold it; nothing issued")
    def post(self, data, slug):
        """Award a block's achievement to one learner: a signed OpenBadgeCredential lands,
        verified, in their dossier."""
        return awarding.award(current_user, slug, data["block_id"], data["email"],
                              data["completed_on"], proof=data["proof"],
                              details=awarding.Details(data["grade"], data["birth_date"],
                                                       data["evidence"]))


@blp.route("/<slug>/awards/csv")
class AwardsCsv(MethodView):
    decorators: ClassVar = [login_required]

    @blp.arguments(AwardCsvQuerySchema, location="query")
    @blp.doc(requestBody=CSV_BODY)
    @blp.response(201, BatchResultSchema)
    @staff_errors
    @problem_response(blp, 422, "The list has errors (per line); nothing was issued")
    def post(self, query, slug):
        """Award per line of a CSV of completions, all or nothing, in one form (`proof`)."""
        upload = request.files.get("file")
        raw = upload.read() if upload else request.get_data()
        issued = awarding.award_csv(current_user, slug, raw, proof=query["proof"])
        return {"count": len(issued), "credentials": issued}


@blp.route("/<slug>/credentials")
class Issued(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, IssuedSchema(many=True))
    @staff_errors
    def get(self, slug):
        """Credentials the institution issued, newest first."""
        return awarding.issued_by(current_user, slug)


@blp.route("/<slug>/credentials/<int:issued_id>/revoke")
class Revoke(MethodView):
    decorators: ClassVar = [login_required]

    @blp.arguments(RevokeSchema)
    @blp.response(200, IssuedSchema)
    @staff_errors
    @problem_response(blp, 409, "Already revoked")
    def post(self, data, slug, issued_id):
        """Revoke a credential with a reason: its bit on the status list is set."""
        return awarding.revoke(current_user, slug, issued_id, data["reason"])


@blp.route("/<slug>/credentials/<int:issued_id>/download")
class StaffDownload(MethodView):
    decorators: ClassVar = [login_required]

    @blp.arguments(DownloadQuerySchema, location="query")
    @blp.response(200, {"type": "string", "format": "binary"},
                  content_type="application/octet-stream",
                  description="application/ld+json, application/jwt, image/png or "
                              "image/svg+xml")
    @staff_errors
    def get(self, query, slug, issued_id):
        """Download a credential the institution issued (revoked ones too)."""
        return file_response(*service.staff_download(current_user, slug, issued_id,
                                                     query["form"]))


# -- the learner ---------------------------------------------------------------------------


def _downloads(credential_id: int) -> dict:
    base = f"/api/v1/issuing/credentials/{credential_id}/download?form="
    return {"credential_id": credential_id,
            "downloads": {form: base + form for form in service.FORMS}}


@blp.route("/credentials")
class ReceivedList(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, IssuedToLearnerSchema(many=True))
    def get(self):
        """The learner's dossier credentials issued here, with their download links. The app
        asks this list instead of each credential, which is a 404 for any issued elsewhere."""
        return [_downloads(credential_id)
                for credential_id in service.credentials_issued_to(current_user)]


@blp.route("/credentials/<int:credential_id>")
class Received(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, IssuedToLearnerSchema)
    @problem_response(blp, 404, "Not a credential issued here, or not yours")
    def get(self, credential_id):
        """For a dossier credential issued by an institution here: its download links."""
        service.issued_to(current_user, credential_id)
        return _downloads(credential_id)


@blp.route("/credentials/<int:credential_id>/download")
class Download(MethodView):
    decorators: ClassVar = [login_required]

    @blp.arguments(DownloadQuerySchema, location="query")
    @blp.response(200, {"type": "string", "format": "binary"},
                  content_type="application/octet-stream",
                  description="application/ld+json, application/jwt, image/png or "
                              "image/svg+xml")
    @problem_response(blp, 404, "Not a credential issued here, or not yours")
    def get(self, query, credential_id):
        """Download a credential issued here: JSON (Data Integrity proof), VC-JWT, or baked
        into a PNG or SVG."""
        return file_response(*service.download(current_user, credential_id, query["form"]))


def file_response(data: bytes, content_type: str, filename: str):
    response = file_download(data, content_type, filename)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


# -- public documents ------------------------------------------------------------------------


def _public(body: str, content_type: str, max_age: int):
    response = current_app.response_class(body, mimetype=content_type)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response


@pages.get("/<slug>")
def profile(slug):
    """The issuer profile (OB 3.0 Profile, JSON-LD)."""
    document = service.profile_document(service.public_profile(slug))
    return _public(json.dumps(document, ensure_ascii=False), "application/ld+json", 3600)


@pages.get("/<slug>/did.json")
def did_document(slug):
    """The issuer's DID document for did:web, with every key it ever signed with."""
    document = service.did_document(service.public_profile(slug))
    return _public(json.dumps(document), "application/did+json", 300)


@pages.get("/<slug>/status/<int:list_id>")
def status_list(slug, list_id):
    """The signed Bitstring Status List credential."""
    return _public(service.status_list(slug, list_id), "application/vc+ld+json", 300)


@pages.get("/<slug>/status/<int:list_id>/token")
def status_list_token(slug, list_id):
    """The same revocation list as a Status List Token, for the SD-JWT VCs issued here."""
    return _public(service.status_list_token(slug, list_id), "application/statuslist+jwt",
                   service.STATUS_TOKEN_TTL)


@pages.get("/<slug>/achievements/<crebo>/<code>")
def achievement(slug, crebo, code):
    """An achievement (OB 3.0) in Dutch, or in English with ?lang=en."""
    language = "en" if request.args.get("lang") == "en" else "nl"
    document = service.achievement_document(slug, crebo, code, language)
    return _public(json.dumps(document, ensure_ascii=False), "application/ld+json", 3600)


# -- the learner's progress and transcript --------------------------------------------------


@transcripts.route("/progress")
class ProgressOverview(MethodView):
    decorators: ClassVar = [login_required]

    @transcripts.response(200, ProgressSchema(many=True))
    def get(self):
        """Progress towards each qualification the learner holds an award of."""
        return transcript.progress_overview(current_user, date.today())


@transcripts.route("/qualifications/<int:qualification_id>/progress")
class QualificationProgress(MethodView):
    decorators: ClassVar = [login_required]

    @transcripts.response(200, ProgressSchema)
    @problem_response(transcripts, 404,
                      "No such qualification, or the learner holds nothing of it")
    def get(self, qualification_id):
        """EC done and in total, the blocks done (verified awards) and the blocks to go with
        their next start date."""
        return transcript.progress(current_user, qualification_id, date.today())


@transcripts.route("/qualifications/<int:qualification_id>/transcript")
class Transcript(MethodView):
    decorators: ClassVar = [login_required]

    @transcripts.response(201, CredentialSchema)
    @problem_response(transcripts, 404,
                      "No such qualification, or the learner holds nothing of it")
    @problem_response(transcripts, 422, "No completed block yet; nothing was made")
    def post(self, qualification_id):
        """Have the school sign a 1EdTech CLR 2.0 transcript of the learner's verified awards
        of this qualification; it lands, verified, in the dossier."""
        return transcript.make_transcript(current_user, qualification_id)
