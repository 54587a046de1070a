"""RFC 9457 application/problem+json for every error, API and pages alike.

A problem's `type` is a stable URI per kind of problem; its `title` and `detail` are in the
request's language (profile, then Accept-Language, then Dutch)."""
import logging
import traceback

from flask import jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException, InternalServerError

from eigendossier.core.encryption import DecryptionError

log = logging.getLogger(__name__)

PROBLEM_BASE = "https://eigendossier.nl/problems/"
MEDIA_TYPE = "application/problem+json"
# A problem lists at most this many field messages, each at most MAX_MESSAGE characters, and
# counts the rest: a body with 400,000 wrong keys must not get an answer of 17 MB.
MAX_FIELD_ERRORS = 50
MAX_MESSAGE = 500

# Per HTTP status: (stable slug, title).
STATUS_PROBLEMS = {
    400: ("bad-request", _l("Bad request")),
    401: ("not-signed-in", _l("You are not signed in")),
    403: ("forbidden", _l("Not allowed")),
    404: ("not-found", _l("Not found")),
    405: ("method-not-allowed", _l("Method not allowed")),
    409: ("conflict", _l("Conflict")),
    410: ("gone", _l("No longer available")),
    413: ("too-large", _l("Too large")),
    415: ("unsupported-media-type", _l("Unsupported media type")),
    422: ("validation", _l("The input is not valid")),
    429: ("too-many-requests", _l("Too many attempts")),
    500: ("server-error", _l("Something went wrong on our side")),
}

STATUS_DETAILS = {
    400: _l("The request could not be understood."),
    401: _l("Sign in to continue."),
    403: _l("You may not do this."),
    404: _l("There is nothing here, or it is not yours."),
    405: _l("This address does not accept this method."),
    413: _l("The request is larger than this server accepts."),
    415: _l("Send the request as JSON."),
    422: _l("Some fields need your attention."),
    429: _l("Please wait a moment before trying again."),
    500: _l("The error has been logged. Please try again later."),
}


class ProblemSchema(Schema):
    """The body of every error response (RFC 9457)."""

    type = fields.String(metadata={"description": "Stable URI of the kind of problem"})
    title = fields.String(metadata={"description": "Short summary in the request's language"})
    status = fields.Integer()
    detail = fields.String(metadata={"description": "What to do about it"})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Per field, what is wrong with it (at most "
                                 f"{MAX_FIELD_ERRORS} messages)"},
    )
    more_errors = fields.Integer(metadata={
        "description": "How many more messages there are than `errors` lists"})


class DomainError(Exception):
    """A refusal by a service, carried to the client as a problem document."""

    status = 400
    slug = "bad-request"
    title = _l("Bad request")
    detail = None
    more_errors = 0  # field errors beyond those in `errors` (see MAX_FIELD_ERRORS)

    def __init__(self, detail=None, errors=None, more_errors: int = 0):
        super().__init__(str(detail or self.detail or self.title))
        if detail is not None:
            self.detail = detail
        self.errors = errors
        self.more_errors = more_errors


class NotFound(DomainError):
    """Not there, or not yours: a learner never learns whether another's data exists."""

    status = 404
    slug = "not-found"
    title = _l("Not found")
    detail = _l("There is nothing here, or it is not yours.")


class InvalidInput(DomainError):
    """Field errors found by a view or service rather than by a marshmallow schema; the same
    problem type as a schema's validation error."""

    status = 422
    slug = "validation"
    title = _l("The input is not valid")
    detail = _l("Some fields need your attention.")


class SealedDataUnavailable(DomainError):
    """Stored data that does not open with this server's keys: machines that do not share
    their keys, a key dropped from the keyring, a changed row. The operator can fix it (the
    log says so), the user cannot: a 503, never a 500 with a stack."""

    status = 503
    slug = "sealed-data-unavailable"
    title = _l("This data cannot be opened right now")
    detail = _l("It was stored with a key this server does not have. The error has been "
                "logged for the administrator; please try again later.")


def problem_response(blueprint, status: int, description: str):
    """Document an error response of an endpoint as a problem document."""
    return blueprint.alt_response(
        status, schema=ProblemSchema, description=description, content_type=MEDIA_TYPE
    )


def problem(status, slug, title, detail=None, errors=None, headers=None, more_errors=0):
    body = {"type": PROBLEM_BASE + slug, "title": str(title), "status": status}
    if detail:
        body["detail"] = str(detail)
    if errors:
        body["errors"], more_errors = _first_errors(errors, more_errors)
    if more_errors:
        body["more_errors"] = more_errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = MEDIA_TYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _first_errors(errors: dict, more: int) -> tuple[dict, int]:
    """The first MAX_FIELD_ERRORS messages, as text in the request's language, and how many
    more there are (counted, not translated: translating is the costly part)."""
    shown: dict[str, list[str]] = {}
    room = MAX_FIELD_ERRORS
    for field, messages in errors.items():
        if not isinstance(messages, list):
            messages = [messages]
        if room <= 0:
            more += len(messages)
            continue
        # str(): a message may be translatable (a lazy text or a core.validation.Message).
        shown[str(field)[:MAX_MESSAGE]] = [str(m)[:MAX_MESSAGE] for m in messages[:room]]
        more += max(0, len(messages) - room)
        room -= len(messages)
    return shown, more


def flatten_field_errors(messages) -> dict:
    """webargs nests errors by location ({"json": {...}}); clients want {field: [msg]}.
    The messages stay as they are: `problem` turns the few it shows into text."""
    flat = {}

    def walk(value, path):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, [*path, str(key)])
        elif isinstance(value, list) and all(isinstance(m, str) for m in value):
            flat.setdefault(".".join(path) or "_schema", []).extend(value)
        elif isinstance(value, str):
            flat.setdefault(".".join(path) or "_schema", []).append(value)

    for location_errors in (messages or {}).values():
        walk(location_errors, [])
    return flat


def problem_from_http_exception(error: HTTPException):
    status = error.code or 500
    slug, title = STATUS_PROBLEMS.get(status, ("http-" + str(status), error.name))
    detail = STATUS_DETAILS.get(status, error.description)
    headers = dict(error.get_headers() or [])
    headers.pop("Content-Type", None)
    errors = None
    data = getattr(error, "data", None) or {}
    if status == 422 and "messages" in data:
        errors = flatten_field_errors(data["messages"])
    if status == 429:
        headers.setdefault("Retry-After", str(_retry_after(error)))
    return problem(status, slug, title, detail, errors, headers)


def _retry_after(error) -> int:
    limit = getattr(error, "limit", None)
    try:
        return int(limit.limit.get_expiry())
    except AttributeError:
        return 60


def handle_domain_error(error: DomainError):
    return problem(error.status, error.slug, error.title, error.detail, error.errors,
                   more_errors=error.more_errors, headers=getattr(error, "headers", None))


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return problem_from_http_exception(error)
    # The kind of error, the route and the stack, never the message or the body: both may
    # hold personal data (a database error quotes the values it refused).
    stack = "".join(traceback.format_tb(error.__traceback__))
    log.error("unhandled %s on %s %s\n%s", type(error).__name__, request.method,
              request.url_rule.rule if request.url_rule else "?", stack)
    return problem_from_http_exception(InternalServerError())


def sealed_data_unavailable(error: DecryptionError) -> SealedDataUnavailable:
    """Log what the operator must fix (the key id, never the data) and say so to the user."""
    log.error("sealed data does not open on %s %s: %s. Every machine needs the same "
              "ENCRYPTION_KEYS (see `flask keys init`).", request.method,
              request.url_rule.rule if request.url_rule else "?", error)
    return SealedDataUnavailable()


def handle_decryption_error(error: DecryptionError):
    return handle_domain_error(sealed_data_unavailable(error))


def register_error_handlers(app):
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(DecryptionError, handle_decryption_error)
    app.register_error_handler(HTTPException, problem_from_http_exception)
    app.register_error_handler(Exception, handle_unexpected)


__all__ = ["DomainError", "_", "problem", "register_error_handlers"]
