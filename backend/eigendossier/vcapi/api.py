"""The VC-API under /vc-api: public verification of credentials and presentations, and
issuing for an institution's system with an OAuth 2.0 client-credentials token.

Machine to machine: no cookie is read here, so the browser's CSRF check does not apply (see
``accounts.cookies.free_of_csrf``). A credential that does not hold is a 422 problem document
that also carries the VC-API's ``checks``, ``warnings`` and ``errors``."""
from functools import wraps

from flask import current_app, g, jsonify, request
from flask.views import MethodView
from flask_babel import lazy_gettext as _l

from eigendossier.core.arguments import Blueprint
from eigendossier.core.errors import MEDIA_TYPE, PROBLEM_BASE, problem_response
from eigendossier.core.extensions import limiter
from eigendossier.dossier import verification
from eigendossier.vcapi import issuance, oauth, service
from eigendossier.vcapi.schemas import (
    VcApiIssuedSchema,
    VcApiIssueInputSchema,
    VcApiVerificationSchema,
    VerifyCredentialInputSchema,
    VerifyPresentationInputSchema,
)

blp = Blueprint("vc_api", __name__, url_prefix="/vc-api",
                description="W3C VC-API: verify credentials and presentations; issue with "
                            "an OAuth 2.0 client-credentials token")

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


def _token_limit():
    return current_app.config.get("RATELIMIT_VCAPI_TOKEN", "30 per minute")


def _issue_limit():
    return current_app.config.get("RATELIMIT_VCAPI_ISSUE", "600 per minute")


def issuing_client(view):
    """The bearer token's client, before the body is read: no token, no hint about input."""
    @wraps(view)
    def with_client(*args, **kwargs):
        g.vcapi_client = oauth.calling_client()
        return view(*args, **kwargs)
    return with_client


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


@blp.route("/oauth/token")
class Token(MethodView):
    @limiter.limit(_token_limit)
    @blp.doc(requestBody={"required": True, "content": {
        "application/x-www-form-urlencoded": {"schema": {
            "type": "object", "required": ["grant_type"],
            "properties": {"grant_type": {"type": "string", "enum": ["client_credentials"]},
                           "client_id": {"type": "string"},
                           "client_secret": {"type": "string"},
                           "scope": {"type": "string", "enum": ["issue"]}}}}}},
        responses={"200": {"description": "access_token, token_type Bearer, expires_in"},
                   "400": {"description": "RFC 6749 error (e.g. unsupported_grant_type)"},
                   "401": {"description": "RFC 6749 invalid_client"}})
    def post(self):
        """OAuth 2.0 client credentials: a bearer token for /vc-api/credentials/issue
        (client id and secret as HTTP Basic or in the form)."""
        return oauth.token_response()


@blp.route("/credentials/issue")
class IssueCredential(MethodView):
    decorators = [issuing_client]  # noqa: RUF012 (flask's MethodView attribute)

    @limiter.limit(_issue_limit)
    @blp.arguments(VcApiIssueInputSchema)
    @blp.response(201, VcApiIssuedSchema)
    @blp.doc(security=[{"oauth2ClientCredentials": ["issue"]}])
    @problem_response(blp, 401, "No valid bearer token")
    @problem_response(blp, 403, "The issuer is not the client's institution")
    @problem_response(blp, 409, "The institution has no signing key yet")
    @problem_response(blp, 422, "Not a credential that can be issued; nothing issued")
    def post(self, data):
        """Sign a credential in the client's institution's name (its did:web, or its key as
        did:key), with a Bitstring Status List entry (VC 2.0), as Data Integrity
        (eddsa-rdfc-2022, eddsa-jcs-2022) or VC-JWT."""
        signed = issuance.issue(g.vcapi_client, data["credential"], data["options"])
        return {"verifiableCredential": signed}
