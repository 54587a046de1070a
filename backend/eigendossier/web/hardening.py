"""Request shapes refused before any view sees them: ids beyond what the database holds, and
JSON bodies the standard parser lets through but the app cannot take.

Flask and webargs parse JSON bodies with the standard library, which accepts a key twice
(the last one wins, so what was checked may not be what is stored), NaN and Infinity,
integers of any length (too long for the database: a 500), strings with NUL or lone
surrogates (PostgreSQL and UTF-8 refuse them: a 500), and raises RecursionError on a body
nested thousands deep (a 500). The project's one strict JSON parser (credentials.limits) and
a check of every text refuse all of these here with a 400."""
import re

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

from eigendossier.core.errors import DomainError
from eigendossier.credentials import ParseError
from eigendossier.credentials.limits import strict_loads
from eigendossier.web.security import SAFE_METHODS

# Ids are 32-bit integer columns: a larger id is nobody's (404), not a database error.
MAX_ID = 2**31 - 1
# The largest integer a database column of ours holds (BIGINT).
MAX_JSON_INT = 2**63 - 1
# No body of ours nests more than a few levels; far deeper is an attack on the parser.
MAX_JSON_DEPTH = 64
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


class IdConverter(IntegerConverter):
    """`<int:…>` in routes: at most MAX_ID, so an overlong id is a 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class JsonRefused(DomainError):
    status = 400
    slug = "json-refused"
    title = _l("The JSON in the request cannot be accepted")


def _refusal(error: ParseError) -> JsonRefused | None:
    """The body's fault in the learner's words; None when it is simply not JSON."""
    if error.code == "parse.json_duplicate_key":
        return JsonRefused(_l("The field %(key)s appears twice.", key=error.params["key"][:100]))
    if error.code == "parse.json_too_deep":
        return JsonRefused(_l("The JSON is nested too deeply."))
    refused = error.params.get("refused")
    if refused == "constant":
        return JsonRefused(_l("%(name)s is not a number JSON allows.", name=error.params["detail"]))
    if refused == "number":
        return JsonRefused(_l("A number is too large."))
    return None


def _check_strings(value) -> None:
    """No key or text holds NUL or a lone surrogate (iteratively: the body may be wide)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _BAD_TEXT.search(item):
                raise JsonRefused(_l("A text holds a NUL character or broken Unicode."))
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def check_json_body():
    """Refuse a JSON body that the views' parsers would take wrongly or crash on. Bodies that
    are not JSON at all are left to the views, which say what they expected."""
    if request.method in SAFE_METHODS or not request.is_json:
        return
    data = request.get_data(cache=True)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return
    try:
        parsed = strict_loads(text, max_depth=MAX_JSON_DEPTH, max_int=MAX_JSON_INT)
    except ParseError as error:
        refusal = _refusal(error)
        if refusal is None:
            return
        raise refusal from None
    _check_strings(parsed)


def init_app(app: Flask) -> None:
    """Before any route is added: routes are compiled with the converters known then."""
    app.url_map.converters["int"] = IdConverter
