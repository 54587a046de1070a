"""The API's blueprints: flask-smorest's, with a request parser that checks a body's shape
against its schema before marshmallow loads it.

marshmallow looks at every key and list item of a body and reports every one that is wrong:
400,000 unknown keys cost seconds of CPU and an answer of megabytes. Here many unknown keys
and overlong lists are refused first, with a set difference and a length check
(`core.validation.shape_errors`), and the problem names the first few and counts the rest.

A JSON body is parsed once: web.hardening checks it with the strict parser before any view
and keeps what it read (`keep_checked_json`); the parser takes that instead of reading the
body again."""
from flask import g
from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import Schema
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from eigendossier.core.errors import MAX_FIELD_ERRORS, InvalidInput
from eigendossier.core.validation import shape_errors

BODY_LOCATIONS = {"json", "form", "json_or_form"}
# Methods that change nothing: no body is read and no CSRF token asked for them.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def check_shape(schema: Schema, data) -> None:
    """Refuse, as a validation problem, a body with more unknown keys than a problem lists,
    or a list longer than its field takes. Views that load a schema themselves call this
    first."""
    found = shape_errors(schema, data, MAX_FIELD_ERRORS)
    if found.refused:
        raise InvalidInput(errors=found.errors, more_errors=found.more)


def keep_checked_json(value) -> None:
    """The request's JSON body as the strict parser read it, for the views' parser. Only for
    a body the standard parser reads the same (a UTF-8 one without a byte order mark: webargs
    refuses the mark)."""
    g.checked_json_body = value


class BoundedParser(FlaskParser):
    def load_json(self, req, schema):
        """The body web.hardening read, when it did; else read as webargs does."""
        body = g.get("checked_json_body", core.missing)
        if body is not core.missing and is_json_request(req):
            return body
        return super().load_json(req, schema)

    def pre_load(self, location_data, *, schema, req, location):
        if location in BODY_LOCATIONS:
            check_shape(schema, location_data)
        return location_data


class Blueprint(SmorestBlueprint):
    """Every API blueprint of ours (tests/api/web/test_big_bodies.py checks it)."""

    ARGUMENTS_PARSER = BoundedParser()

    def arguments(self, schema, *args, **kwargs):
        """flask-smorest's, with a schema class made an instance once, here: given a class,
        webargs makes a new instance on every request, which copies all its fields (a tenth
        of a millisecond for a redemption's two). A schema keeps no state between loads."""
        if isinstance(schema, type) and issubclass(schema, Schema):
            schema = schema()
        return super().arguments(schema, *args, **kwargs)
