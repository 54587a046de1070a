"""The API's blueprints: flask-smorest's, with a request parser that checks a body's shape
against its schema before marshmallow loads it.

marshmallow looks at every key and list item of a body and reports every one that is wrong:
400,000 unknown keys cost seconds of CPU and an answer of megabytes. Here many unknown keys
and overlong lists are refused first, with a set difference and a length check
(`core.validation.shape_errors`), and the problem names the first few and counts the rest."""
from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import Schema
from webargs.flaskparser import FlaskParser

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


class BoundedParser(FlaskParser):
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
