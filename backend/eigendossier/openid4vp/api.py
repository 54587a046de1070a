"""OpenID4VP: the learner's wallet API, the protocol endpoints a wallet talks to (request
object, direct_post answer, the verifier's DID document) and the employer's pages under
/verify (server-rendered, no account, work without JavaScript; a small script makes the
page show the answer the moment it arrives)."""
from datetime import UTC
from typing import ClassVar
from zoneinfo import ZoneInfo

from babel.dates import format_time
from flask import Blueprint as PlainBlueprint
from flask import current_app, jsonify, make_response, redirect, render_template, request, url_for
from flask.views import MethodView
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from eigendossier.core.arguments import Blueprint
from eigendossier.core.errors import (
    DomainError,
    InvalidInput,
    handle_domain_error,
    problem_response,
)
from eigendossier.core.extensions import limiter
from eigendossier.core.i18n import page_locale, prefers_html
from eigendossier.openid4vp import page, verifier, wallet
from eigendossier.openid4vp.schemas import (
    AnswerInputSchema,
    DeclineInputSchema,
    OpenedRequestSchema,
    OpenRequestInputSchema,
    SentSchema,
)
from eigendossier.sharing.service import qr_svg

blp = Blueprint("openid4vp_wallet", __name__, url_prefix="/api/v1/openid4vp",
                description="OpenID4VP wallet: answer an employer's request for proof")
protocol = PlainBlueprint("openid4vp", __name__, url_prefix="/openid4vp")
pages = PlainBlueprint("verifier_pages", __name__, url_prefix="/verify")
NOINDEX = "noindex"
MAX_ACHIEVEMENT = 200


def _limit():
    return current_app.config.get("RATELIMIT_OPENID4VP", "30 per minute")


# -- the learner's wallet ---------------------------------------------------------------------


@blp.route("/wallet/requests")
class WalletRequests(MethodView):
    decorators: ClassVar = [login_required, limiter.limit(_limit)]

    @blp.arguments(OpenRequestInputSchema)
    @blp.response(200, OpenedRequestSchema)
    @problem_response(blp, 422, "The request cannot be answered (unsupported or not valid)")
    @problem_response(blp, 502, "The request could not be fetched")
    def post(self, data):
        """Open an openid4vp:// link: who asks, for what, and which credentials fit. The
        request is fetched and checked; nothing is stored."""
        return wallet.open_request(current_user, data["link"])


@blp.route("/wallet/answers")
class WalletAnswers(MethodView):
    decorators: ClassVar = [login_required, limiter.limit(_limit)]

    @blp.arguments(AnswerInputSchema)
    @blp.response(201, SentSchema)
    @problem_response(blp, 404, "A credential is not in your dossier")
    @problem_response(blp, 410, "The request is no longer open")
    @problem_response(blp, 502, "The employer's service did not accept the answer")
    def post(self, data):
        """Show the chosen credentials to the verifier (with the learner's consent): each in a
        presentation signed by the holder key over the verifier's nonce and client id."""
        return wallet.answer(current_user, data["handle"], data["credential_ids"],
                             data["consent"], withhold=set(data["withhold"]))


@blp.route("/wallet/declines")
class WalletDeclines(MethodView):
    decorators: ClassVar = [login_required, limiter.limit(_limit)]

    @blp.arguments(DeclineInputSchema)
    @blp.response(204)
    @problem_response(blp, 410, "The request is no longer open")
    def post(self, data):
        """Say no: the verifier hears access_denied."""
        wallet.decline(current_user, data["handle"])


@blp.route("/wallet/presentations")
class WalletPresentations(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, SentSchema(many=True))
    def get(self):
        """Where the learner's credentials were shown through OpenID4VP, newest first."""
        return wallet.sent_by(current_user)


# -- what a wallet talks to ---------------------------------------------------------------------


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@protocol.get("/requests/<request_id>")
@limiter.limit(_limit)
def request_object(request_id: str):
    """The signed request object (typ oauth-authz-req+jwt) behind a request_uri."""
    response = make_response(verifier.request_object(request_id))
    response.headers["Content-Type"] = "application/oauth-authz-req+jwt"
    return _no_store(response)


@protocol.post("/responses/<request_id>")
@limiter.limit(_limit)
def direct_post(request_id: str):
    """A wallet's answer (response_mode direct_post): vp_token and state as a form."""
    verifier.receive(request_id, request.form.to_dict(flat=False),
                     form_encoded=request.mimetype == "application/x-www-form-urlencoded")
    return _no_store(jsonify({}))


@protocol.get("/verifier/did.json")
def did_document():
    """This installation's verifier DID (did:web), whose key signs the request objects."""
    response = jsonify(verifier.did_document())
    response.headers["Content-Type"] = "application/did+json"
    return response


@protocol.errorhandler(DomainError)
def _protocol_error(error: DomainError):
    return _no_store(handle_domain_error(error))


# -- the employer's pages -------------------------------------------------------------------------


def _render(template: str, http_status: int = 200, **values):
    locale = page_locale()
    with force_locale(locale):
        body = render_template(template, locale=locale,
                               other_locale="en" if locale == "nl" else "nl", **values)
    response = make_response(body, http_status)
    response.headers["X-Robots-Tag"] = NOINDEX
    response.vary.add("Accept-Language")
    return _no_store(response)


@pages.get("")
def ask():
    """The employer's form: what proof to ask a learner for."""
    return _render("openid4vp/ask.html")


@pages.post("")
@limiter.limit(_limit)
def create():
    """Make the request and go to its page (303), where the QR code is."""
    achievement = (request.form.get("achievement") or "").strip()
    name = (request.form.get("verifier_name") or "").strip()
    if len(achievement) > MAX_ACHIEVEMENT or len(name) > 120:
        raise InvalidInput(errors={"achievement": [str(_l("Too long."))]})
    _request, token = verifier.create_request(achievement=achievement, verifier_name=name)
    return redirect(url_for("verifier_pages.view", token=token), code=303)


@pages.get("/<token>")
def view(token: str):
    """The QR code and link while waiting; the verified answer once it came."""
    found = verifier.for_page(token)
    link = verifier.wallet_link(found)
    locale = page_locale()
    with force_locale(locale):
        content = page.content(found)
    zone = ZoneInfo(current_app.config["DEFAULT_TIME_ZONE"])
    until = format_time(found.expires_at.replace(tzinfo=UTC), "HH:mm", tzinfo=zone,
                        locale=locale)
    return _render("openid4vp/request.html", page=content, link=link, qr=qr_svg(link),
                   token=token, until=until)


@pages.get("/<token>/status")
def status(token: str):
    """The request's state for the page's script: waiting, verified, failed, declined,
    expired."""
    return _no_store(jsonify({"state": verifier.state_of(verifier.for_page(token))}))


@pages.errorhandler(DomainError)
def _page_error(error: DomainError):
    if not prefers_html():
        return _no_store(handle_domain_error(error))
    return _render("sharing/problem.html", error.status, status=error.status, slug=error.slug,
                   title=str(error.title), detail=str(error.detail or ""))


__all__ = ["blp", "pages", "protocol"]
