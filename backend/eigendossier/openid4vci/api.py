"""OpenID4VCI over HTTP: staff offer an award (``/api/v1/issuing/<slug>/credentials/<id>/
offer``), the learner previews and accepts an offer (``/api/v1/openid4vci/offers/…``), and
each institution's issuer endpoints for any wallet: metadata under ``/.well-known/``, the
offer by reference, token, nonce and credential under ``/issuers/<slug>/openid4vci/``.

The wallet-facing endpoints read no cookie (no CSRF check applies) and answer errors as the
specification says, with ``error`` and ``error_description``, plus a problem ``type`` and
``title``."""
import json
from typing import ClassVar
from urllib.parse import urlsplit

from flask import Blueprint as PlainBlueprint
from flask import current_app, jsonify, redirect, render_template, request
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from eigendossier.core import mail
from eigendossier.core.arguments import Blueprint
from eigendossier.core.errors import PROBLEM_BASE, DomainError, problem_response
from eigendossier.core.extensions import limiter
from eigendossier.dossier import verification
from eigendossier.dossier.schemas import CredentialSchema
from eigendossier.issuing import service as issuing
from eigendossier.openid4vci import authorization, issuer, oauth, wallet
from eigendossier.openid4vci.schemas import (
    AcceptSchema,
    AuthorizationStartSchema,
    OfferCreatedSchema,
    OfferInputSchema,
    OfferLinkSchema,
    OfferPreviewSchema,
)

staff_blp = Blueprint("openid4vci_staff", __name__, url_prefix="/api/v1/issuing",
                      description="Offering issued credentials to any wallet (OpenID4VCI)")
blp = Blueprint("openid4vci", __name__, url_prefix="/api/v1/openid4vci",
                description="Receiving credentials from any issuer (OpenID4VCI wallet)")
pages = PlainBlueprint("openid4vci_pages", __name__)

NO_STORE = {"Cache-Control": "no-store"}


def _token_limit():
    return current_app.config.get("RATELIMIT_OPENID4VCI_TOKEN", "30 per minute")


def _nonce_limit():
    return current_app.config.get("RATELIMIT_OPENID4VCI_NONCE", "60 per minute")


def _receive_limit():
    return current_app.config.get("RATELIMIT_OPENID4VCI_RECEIVE", "30 per minute")


@staff_blp.route("/<slug>/credentials/<int:issued_id>/offer")
class Offer(MethodView):
    decorators: ClassVar = [login_required]

    @staff_blp.arguments(OfferInputSchema)
    @staff_blp.response(201, OfferCreatedSchema)
    @problem_response(staff_blp, 403, "Staff only")
    @problem_response(staff_blp, 404, "Not a credential of this institution")
    @problem_response(staff_blp, 409, "Revoked, or the learner's copy is gone")
    def post(self, data, slug, issued_id):
        """Offer an issued credential to the learner's wallet: an OpenID4VCI link and QR with
        a single-use pre-authorized code, mailed to the learner too; the transaction code
        goes to the learner in a separate mail."""
        return issuer.create_offer(current_user, slug, issued_id, tx_code=data["tx_code"])


@blp.route("/offers/preview")
class Preview(MethodView):
    decorators: ClassVar = [login_required]

    @limiter.limit(_receive_limit)
    @blp.arguments(OfferLinkSchema)
    @blp.response(200, OfferPreviewSchema)
    @problem_response(blp, 422, "Not a usable offer, or the issuer cannot be reached")
    def post(self, data):
        """Read a credential offer: who offers what, and whether a code is needed. Nothing
        is stored and nothing is accepted yet."""
        return wallet.preview(data["link"], verification.locale())


@blp.route("/offers/accept")
class Accept(MethodView):
    decorators: ClassVar = [login_required]

    @limiter.limit(_receive_limit)
    @blp.arguments(AcceptSchema)
    @blp.response(201, CredentialSchema)
    @problem_response(blp, 409, "The credential is already in the dossier")
    @problem_response(blp, 422, "Wrong code, unusable offer, or the issuer refused; nothing "
                                "stored")
    def post(self, data):
        """Accept a credential offer: the credential is fetched with a proof of the
        learner's holder key and imported, verified, into the dossier."""
        return wallet.accept(current_user, data["link"], data["tx_code"])


def _wallet_client() -> tuple[str, str]:
    """Our wallet's client id (this installation's public address) and redirect URI."""
    base = mail.base_url()
    return f"{base}/openid4vci/callback", base


@blp.route("/offers/authorize")
class Authorize(MethodView):
    decorators: ClassVar = [login_required]

    @limiter.limit(_receive_limit)
    @blp.arguments(OfferLinkSchema)
    @blp.response(200, AuthorizationStartSchema)
    @problem_response(blp, 422, "Not a usable offer, or the issuer cannot be reached")
    def post(self, data):
        """Start the authorization code flow (PKCE) for an offer: the address where the
        learner signs in at the issuer; the issuer sends them back to /openid4vci/callback."""
        redirect_uri, client_id = _wallet_client()
        return {"authorization_url": wallet.start_authorization(current_user, data["link"],
                                                                redirect_uri, client_id)}


@pages.get("/openid4vci/callback")
def callback():
    """Back from signing in at the issuer: receive the credential, then show it (or say in
    the app that it did not work)."""
    if not current_user.is_authenticated:
        return redirect("/sign-in", code=303)
    redirect_uri, client_id = _wallet_client()
    try:
        found = wallet.finish_authorization(current_user, request.args, redirect_uri,
                                            client_id)
    except DomainError as error:
        return redirect(f"/dossier/offer?failed={error.slug}", code=303)
    return redirect(f"/dossier/{found.id}", code=303)


# -- the issuer's endpoints, for any wallet ----------------------------------------------------


def _json(document: dict, status: int = 200, cache: str = "no-store"):
    response = current_app.response_class(json.dumps(document, ensure_ascii=False),
                                          status=status, mimetype="application/json")
    response.headers["Cache-Control"] = cache
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@pages.errorhandler(issuer.ProtocolError)
def protocol_error(error: issuer.ProtocolError):
    response = jsonify({"error": error.error, "error_description": error.description,
                        "type": PROBLEM_BASE + "openid4vci-" + error.error.replace("_", "-"),
                        "title": error.description, "status": error.status})
    response.status_code = error.status
    response.headers.update(NO_STORE)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = f'Bearer error="{error.error}"'
    return response


@pages.get("/.well-known/openid-credential-issuer/issuers/<slug>")
def issuer_metadata(slug):
    """Credential Issuer Metadata of an institution."""
    return _json(issuer.metadata(slug, verification.locale()), cache="public, max-age=300")


@pages.get("/.well-known/oauth-authorization-server/issuers/<slug>")
def authorization_server_metadata(slug):
    """RFC 8414 metadata of the institution's authorization server (itself)."""
    return _json(issuer.authorization_server_metadata(slug), cache="public, max-age=300")


@pages.get("/issuers/<slug>/openid4vci/offers/<code>")
def offer(slug, code):
    """The credential offer behind a credential_offer_uri, while it can be redeemed."""
    return _json(issuer.offer_document(slug, code))


@pages.post("/issuers/<slug>/openid4vci/token")
@limiter.limit(_token_limit)
def token(slug):
    """Token endpoint: the pre-authorized code grant (authlib)."""
    issuing.public_profile(slug)
    return oauth.token_response()


@pages.post("/issuers/<slug>/openid4vci/nonce")
@limiter.limit(_nonce_limit)
def nonce(slug):
    """Nonce endpoint: a fresh c_nonce for the key proof."""
    issuing.public_profile(slug)
    return _json({"c_nonce": issuer.new_nonce()})


@pages.post("/issuers/<slug>/openid4vci/credential")
def credential(slug):
    """Credential endpoint: the offered award, bound to the key of the wallet's proof."""
    if not request.is_json:
        raise issuer.ProtocolError("invalid_credential_request",
                                   "Send the credential request as application/json.")
    body = request.get_json(silent=True)
    return _json(issuer.issue_credential(slug, request.headers.get("Authorization", ""), body))


def _consent_page(slug: str, request_: "authorization.AuthorizationRequest", status=200):
    signed_in = current_user.is_authenticated and current_user.role == "learner"
    profile, awards = (authorization.awards_for(current_user, slug) if signed_in
                       else (issuing.public_profile(slug), []))
    body = render_template(
        "openid4vci/consent.html", locale=verification.locale(), signed_in=signed_in,
        title=str(_l("Give a credential to a wallet")), awards=awards,
        institution=profile.institution.name, wallet=request_.wallet_host,
        client_id=request_.client_id, fields=request_.fields(),
        consent=authorization.consent_token(current_user, request_) if signed_in else "")
    response = current_app.response_class(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; "
        f"form-action 'self' {_origin(request_.redirect_uri)}")
    return response


def _origin(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else f"{parts.scheme}:"


@pages.get("/issuers/<slug>/openid4vci/authorize")
def authorize(slug):
    """Authorization endpoint (code flow with PKCE): the signed-in learner sees which wallet
    asks for which of their credentials of this institution, and answers."""
    return _consent_page(slug, authorization.read_request(request.args))


@pages.post("/issuers/<slug>/openid4vci/authorize")
def authorize_answer(slug):
    """The learner's answer: back to the wallet with a code, or with access_denied."""
    if not (current_user.is_authenticated and current_user.role == "learner"):
        return _consent_page(slug, authorization.read_request(request.form), status=401)
    form = request.form
    asked = authorization.read_request({**form.to_dict(), "response_type": "code",
                                        "code_challenge_method": "S256",
                                        "scope": authorization.SCOPE})
    chosen = form.get("credential", "")
    issued_id = int(chosen) if form.get("answer") == "give" and chosen.isdigit() else None
    target = authorization.decide(current_user, slug, asked, form.get("consent", ""),
                                  issued_id)
    return redirect(target, code=303)


def init_app(app) -> None:
    oauth.init_app(app)
