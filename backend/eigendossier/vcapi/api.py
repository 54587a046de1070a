"""The VC-API under /vc-api: public verification of credentials and presentations.

Machine to machine: no cookie is read here, so the browser's CSRF check does not apply (see
``accounts.cookies.free_of_csrf``). A credential that does not hold is a 422 problem document
that also carries the VC-API's ``checks``, ``warnings`` and ``errors``."""
from flask import current_app, jsonify, request
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint

from eigendossier.core.errors import MEDIA_TYPE, PROBLEM_BASE, problem_response
from eigendossier.core.extensions import limiter
from eigendossier.dossier import verification
from eigendossier.vcapi import service
from eigendossier.vcapi.schemas import (
    VcApiVerificationSchema,
    VerifyCredentialInputSchema,
    VerifyPresentationInputSchema,
)

blp = Blueprint("vc_api", __name__, url_prefix="/vc-api",
                description="W3C VC-API: verify credentials and presentations")

NOT_VERIFIED = {
    "failed": ("credential-failed", _l("The credential does not hold")),
    "revoked": ("credential-revoked", _l("The credential has been revoked")),
    "expired": ("credential-expired", _l("The credential has expired")),
    "unverifiable": ("credential-unverifiable", _l("The credential could not be checked")),
}
# A credential's JSON with a presentation around it: room beyond the credential limit.
BODY_SLACK = 64 * 1024


def _verify_limit():
    return current_app.config.get("RATELIMIT_VCAPI_VERIFY", "60 per minute")


@blp.before_request
def cap_body():
    """A body larger than a credential may be is refused before it is parsed."""
    limit = verification.max_json() + BODY_SLACK
    if (request.content_length or 0) > limit:
        raise verification.too_large(verification.max_json())
    request.max_content_length = limit


def answer(verdict: service.Verdict):
    """200 with the result when it holds; else a 422 problem document carrying it."""
    if verdict.verified:
        return verdict
    body = VcApiVerificationSchema().dump(verdict)
    slug, title = NOT_VERIFIED.get(verdict.status, NOT_VERIFIED["failed"])
    response = jsonify({"type": PROBLEM_BASE + slug, "title": str(title), "status": 422,
                        **body})
    response.status_code = 422
    response.mimetype = MEDIA_TYPE
    return response


@blp.route("/credentials/verify")
class VerifyCredential(MethodView):
    @limiter.limit(_verify_limit)
    @blp.arguments(VerifyCredentialInputSchema)
    @blp.response(200, VcApiVerificationSchema)
    @problem_response(blp, 400, "Not a verifiable credential")
    @problem_response(blp, 413, "Larger than a credential may be")
    @problem_response(blp, 422, "The credential does not hold (with checks, warnings, errors)")
    @problem_response(blp, 429, "Too many verifications")
    def post(self, data):
        """Verify a credential (Data Integrity or VC-JWT): its proof, issuer, dates and
        status. Nothing is stored."""
        return answer(service.verify_credential_request(data["verifiableCredential"],
                                                        data["options"]))


@blp.route("/presentations/verify")
class VerifyPresentation(MethodView):
    @limiter.limit(_verify_limit)
    @blp.arguments(VerifyPresentationInputSchema)
    @blp.response(200, VcApiVerificationSchema)
    @problem_response(blp, 400, "Not a verifiable presentation")
    @problem_response(blp, 413, "Larger than a presentation may be")
    @problem_response(blp, 422, "The presentation or a credential in it does not hold")
    @problem_response(blp, 429, "Too many verifications")
    def post(self, data):
        """Verify a presentation: its proof (challenge, domain, holder) and each credential
        in it. Nothing is stored."""
        return answer(service.verify_presentation_request(data["verifiablePresentation"],
                                                          data["options"]))
