"""Request shapes refused before any view sees them: ids beyond what the database holds, and
JSON bodies the standard parser lets through but the app cannot take.

Flask and webargs parse JSON bodies with the standard library, which accepts a key twice
(the last one wins, so what was checked may not be what is stored), NaN and Infinity,
integers of any length (too long for the database: a 500), strings with NUL or lone
surrogates (PostgreSQL and UTF-8 refuse them: a 500), and raises RecursionError on a body
nested thousands deep (a 500). The project's one strict JSON parser (credentials.limits) and
a check of every text refuse all of these here with a 400.

It also bounds the work a body can cause later: at most JSON_MAX_DEPTH levels and
JSON_MAX_VALUES keys and values, so that what the views and schemas walk is small whatever
fits in MAX_CONTENT_LENGTH (core.arguments then refuses unknown keys before marshmallow)."""
import codecs
import re

from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

from eigendossier.core.arguments import SAFE_METHODS, keep_checked_json
from eigendossier.core.errors import DomainError
from eigendossier.credentials import ParseError
from eigendossier.credentials.limits import strict_loads

# Ids are 32-bit integer columns: a larger id is nobody's (404), not a database error.
MAX_ID = 2**31 - 1
# The largest integer a database column of ours holds (BIGINT).
MAX_JSON_INT = 2**63 - 1
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
# No body of ours nests deeper than a few levels; JSON_MAX_VALUES is in config/default.toml.
JSON_MAX_DEPTH = 32
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"')


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


def _check_values(value, max_values: int) -> None:
    """No key or text holds NUL or a lone surrogate, the body nests at most JSON_MAX_DEPTH
    deep and holds at most `max_values` keys and values. Level by level, without recursion
    (the body may be deep) and stopping at the first level past a limit (it may be wide)."""
    level, depth, seen = [value], 0, 0
    while level:
        depth += 1
        seen += len(level)
        if depth > JSON_MAX_DEPTH:
            raise JsonRefused(_l("The JSON is nested too deeply."))
        if seen > max_values:
            raise _too_many(max_values)
        below = []
        for item in level:
            if isinstance(item, str):
                if _BAD_TEXT.search(item):
                    raise JsonRefused(_l("A text holds a NUL character or broken Unicode."))
            elif isinstance(item, dict):
                below.extend(item.keys())
                below.extend(item.values())
            elif isinstance(item, list):
                below.extend(item)
        level = below


def check_json_body():
    """Refuse a JSON body that the views' parsers would take wrongly or crash on, and keep
    one it accepts for them (parsed once). Bodies that are not JSON at all are left to the
    views, which say what they expected."""
    if request.method in SAFE_METHODS or not request.is_json:
        return
    data = request.get_data(cache=True)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return
    max_values = int(current_app.config.get("JSON_MAX_VALUES", 100_000))
    if _surely_more_than(text, max_values):
        raise _too_many(max_values)
    # Every object, key and number the parser counts takes a character at least: a shorter
    # text cannot spend the budget, and parses without counting.
    budget = max_values if len(text) > max_values else None
    try:
        parsed = strict_loads(text, max_depth=JSON_MAX_DEPTH, max_int=MAX_JSON_INT,
                              max_values=budget)
    except ParseError as error:
        if error.code == "parse.json_too_many_values":
            raise _too_many(max_values) from None
        refusal = _refusal(error)
        if refusal is None:
            return
        raise refusal from None
    _check_values(parsed, max_values)
    if not data.startswith(codecs.BOM_UTF8):
        keep_checked_json(parsed)


def _surely_more_than(text: str, max_values: int) -> bool:
    """Does the text hold more than ``max_values`` keys and values, judged without parsing?

    Two counts are each at most the keys and values a body holds: its objects and arrays, and
    its colons and commas (a colon per key, a comma before every value but the first of its
    object or array). Counting characters costs milliseconds where parsing 400,000 keys costs
    half a second and making a million empty lists a second. Colons, commas and brackets
    inside strings are set aside, only when a plain count is high."""
    if max(_counts(text)) <= max_values:
        return False
    return max(_counts(_JSON_STRING.sub("", text))) > max_values


def _counts(text: str) -> tuple[int, int]:
    return text.count("[") + text.count("{"), text.count(":") + text.count(",")


def _too_many(max_values: int) -> JsonRefused:
    return JsonRefused(_l("The JSON holds more than %(n)s keys and values.", n=max_values))


def init_app(app: Flask) -> None:
    """Before any route is added: routes are compiled with the converters known then."""
    app.url_map.converters["int"] = IdConverter
