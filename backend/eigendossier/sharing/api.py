"""Share links: the learner's API (make, list, read, change expiry, withdraw) and the
employer's pages under /s/<token> (server-rendered, no account, no JavaScript needed)."""
import json
import re
from typing import ClassVar

from flask import Blueprint as PlainBlueprint
from flask import current_app, make_response, render_template, request, url_for
from flask.views import MethodView
from flask_babel import force_locale
from flask_login import current_user, login_required
from werkzeug.exceptions import HTTPException

from eigendossier.core.arguments import Blueprint
from eigendossier.core.downloads import file_download
from eigendossier.core.encryption import DecryptionError
from eigendossier.core.errors import (
    STATUS_DETAILS,
    STATUS_PROBLEMS,
    DomainError,
    handle_domain_error,
    problem_from_http_exception,
    problem_response,
    sealed_data_unavailable,
)
from eigendossier.core.extensions import limiter
from eigendossier.core.i18n import page_locale, prefers_html
from eigendossier.sharing import page, presenting, printing, service
from eigendossier.sharing.schemas import (
    ExpiryInputSchema,
    PrintInputSchema,
    ShareCreatedSchema,
    ShareDetailSchema,
    ShareInputSchema,
    ShareSchema,
)

blp = Blueprint("shares", __name__, url_prefix="/api/v1",
                description="Share links: credentials for an employer, verifiable without account")
pages = PlainBlueprint("share_pages", __name__, url_prefix="/s")

# Link previews (chat apps, social sites) fetch the page too: not counted as views.
PREVIEW_AGENTS = re.compile(
    r"facebookexternalhit|facebot|whatsapp|slackbot|linkedinbot|twitterbot|telegrambot|"
    r"discordbot|skypeuripreview|teams|googlebot|bingbot|applebot|embedly|preview", re.I)
NOINDEX = "noindex"
PDF = {"type": "string", "format": "binary"}


# -- the learner's API -------------------------------------------------------------------


def _created(share, token: str):
    """The 201 body: the share with its link, QR code and LinkedIn addresses (shown once)."""
    url = url_for("share_pages.view", token=token, _external=True)
    share.url, share.qr_svg = url, service.qr_svg(url)
    share.linkedin = [
        {"credential_id": link.credential_id,
         "url": service.linkedin_url(link.credential, f"{url}#credential-{link.credential_id}")}
        for link in share.credentials
    ]
    share.view_count, share.last_viewed_at, share.current_state = 0, None, "active"
    return share


@blp.route("/shares")
class Shares(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, ShareSchema(many=True))
    def get(self):
        """The learner's share links, newest first, with how often each was opened."""
        return service.shares_of(current_user)

    @blp.arguments(ShareInputSchema)
    @blp.response(201, ShareCreatedSchema)
    @problem_response(blp, 404, "A credential or experience item is not in your dossier")
    def post(self, data):
        """Share credentials (and experience) through a link that expires (default 30 days,
        at most a year). The link is in this answer only: the server keeps just its hash."""
        return _created(*service.create_share(current_user, **data))


@blp.route("/shares/<int:share_id>")
class ShareDetail(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, ShareDetailSchema)
    @problem_response(blp, 404, "No such share of yours")
    def get(self, share_id):
        """One share with its view log: when the page was opened."""
        share = service.share_of(current_user, share_id)
        share.views = service.views_of(share)
        return share

    @blp.arguments(ExpiryInputSchema)
    @blp.response(200, ShareSchema)
    @problem_response(blp, 404, "No such share of yours")
    @problem_response(blp, 409, "The link was withdrawn")
    def patch(self, data, share_id):
        """Change when the link stops working (this never changes a credential)."""
        return service.change_expiry(current_user, share_id, **data)

    @blp.response(204)
    @problem_response(blp, 404, "No such share of yours")
    def delete(self, share_id):
        """Withdraw the link now: the page answers 410 Gone from then on."""
        service.revoke(current_user, share_id)


def _print_limit():
    return current_app.config.get("RATELIMIT_DOSSIER_PRINT", "20 per minute")


@blp.route("/dossier/print")
class PrintDossier(MethodView):
    decorators: ClassVar = [login_required, limiter.limit(_print_limit, methods=["POST"])]

    @blp.arguments(PrintInputSchema)
    @blp.response(200, PDF, content_type="application/pdf")
    @problem_response(blp, 404, "A credential is not in your dossier")
    def post(self, data):
        """The chosen credentials as an A4 PDF to print: a page per credential (`full`) or
        one page for an application (`summary`), each with a QR code to a live check. It makes
        a share link (see /shares) that works for `expires_in_days` (default 90); the PDF says
        until when."""
        printed = printing.print_dossier(
            current_user, credential_ids=data["credential_ids"], layout=data["layout"],
            language=data["lang"] or current_user.locale,
            expires_in_days=data["expires_in_days"])
        response = file_download(printed.data, "application/pdf", printed.filename)
        response.headers["Cache-Control"] = "no-store"
        return response


# -- the employer's pages --------------------------------------------------------------------


def _view_limit():
    return current_app.config.get("RATELIMIT_SHARE_VIEW", "60 per minute")


def _file_limit():
    return current_app.config.get("RATELIMIT_SHARE_FILES", "300 per minute")


def _page_headers(response, cache: str = "no-store"):
    response.headers["X-Robots-Tag"] = NOINDEX
    response.headers["Cache-Control"] = cache
    response.vary.add("Accept-Language")
    return response


def _counts_as_view(share) -> bool:
    """A GET by someone else than the learner, and not a link preview."""
    if request.method != "GET":
        return False
    if getattr(current_user, "is_authenticated", False) and current_user.id == share.account_id:
        return False
    return not PREVIEW_AGENTS.search(request.user_agent.string or "")


@pages.get("/<token>")
@limiter.limit(_view_limit)
def view(token: str):
    """The shared credentials, each verified (again, when its result is stale)."""
    locale = page_locale()
    with force_locale(locale):
        share = service.for_page(service.open_share(token))
        refresh = service.refresh_stale(share)
        if refresh.reload:
            share = service.for_page(share)
        content = page.page(share)  # read before the commit expires what it shows
        service.keep_results(refresh)
        if _counts_as_view(share):
            service.record_view(share)
        service.save_page()
        body = render_template(
            "sharing/share.html", page=content, token=token, locale=locale,
            other_locale="en" if locale == "nl" else "nl",
            share_url=url_for("share_pages.view", token=token, _external=True),
            **page.formatters(locale, content["time_zone"]))
    return _page_headers(make_response(body))


def file_response(data: bytes, content_type: str, filename: str | None = None,
                  cache: str = "no-store"):
    """A file of the share, never rendered as a page of ours (it came from outside)."""
    response = file_download(data, content_type, filename)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return _page_headers(response, cache)


@pages.get("/<token>/credentials/<int:credential_id>/original")
@limiter.shared_limit(_file_limit, scope="share-files")
def original(token: str, credential_id: int):
    """A shared credential exactly as it was issued, to check with any verifier."""
    return file_response(*service.original(service.open_share(token), credential_id))


@pages.get("/<token>/credentials/<int:credential_id>/image")
@limiter.shared_limit(_file_limit, scope="share-files")
def image(token: str, credential_id: int):
    """The badge image of a shared credential (a baked PNG or SVG)."""
    data, content_type = service.image(service.open_share(token), credential_id)
    return file_response(data, content_type, cache="private, max-age=300")


@pages.get("/<token>/presentation.json")
@limiter.shared_limit(_file_limit, scope="share-files")
def presentation_json(token: str):
    """The shared credentials in a Verifiable Presentation (VC Data Model 2.0) with a Data
    Integrity proof (eddsa-rdfc-2022) by the learner's holder key (did:key)."""
    document = presenting.presentation_json(service.open_share(token))
    body = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    return file_response(body, "application/vp", "presentation.json")


@pages.get("/<token>/presentation.jwt")
@limiter.shared_limit(_file_limit, scope="share-files")
def presentation_jwt(token: str):
    """The same presentation as a VP-JWT (VC-JOSE-COSE, typ vp+jwt)."""
    return file_response(presenting.presentation_jwt(service.open_share(token)).encode(),
                         "application/vp+jwt", "presentation.jwt")


# Errors of these pages: a page for browsers, a problem document for everyone else.

def _error_page(status: int, slug: str, title, detail, headers=None):
    locale = page_locale()
    with force_locale(locale):
        body = render_template("sharing/problem.html", status=status, slug=slug,
                               title=str(title), detail=str(detail or ""), locale=locale,
                               other_locale="en" if locale == "nl" else "nl")
    response = make_response(body, status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return _page_headers(response)


@pages.errorhandler(DomainError)
def _domain_error(error: DomainError):
    if not prefers_html():
        return _page_headers(handle_domain_error(error))
    return _error_page(error.status, error.slug, error.title, error.detail)


@pages.errorhandler(DecryptionError)
def _sealed_elsewhere(error: DecryptionError):
    return _domain_error(sealed_data_unavailable(error))


@pages.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    problem = _page_headers(problem_from_http_exception(error))
    if not prefers_html():
        return problem
    status = error.code or 500
    slug, title = STATUS_PROBLEMS.get(status, ("http-" + str(status), error.name))
    headers = {"Retry-After": problem.headers["Retry-After"]} if status == 429 else None
    return _error_page(status, slug, title, STATUS_DETAILS.get(status, ""), headers)
