"""marshmallow's messages in the learner's language, set where marshmallow takes them: the
fields' and schemas' error messages and the validators' message templates.

marshmallow formats a message with ``str.format`` when it raises, and `fields.Email` insists
that its message is a ``str``; `Message` is therefore a ``str`` (its English text) whose
``format`` and ``str()`` look the translation up at that moment, in the request's language.
`use_translated_messages` installs them; core/__init__.py calls it before any schema is
defined, because marshmallow copies the messages into each field when its schema class
is made.

`shape_errors` checks a body's keys and list lengths against a schema before marshmallow
loads it: marshmallow spends time on each unknown key and list item, and reports each."""
from collections.abc import Mapping

from flask_babel import gettext
from marshmallow import RAISE, Schema, fields, validate


class Message(str):
    """An English message text that translates itself when formatted or turned into text."""

    def __str__(self) -> str:
        return gettext(str.__str__(self))

    def format(self, *args, **kwargs) -> str:
        return str(self).format(*args, **kwargs)


_m = Message  # the keyword `pybabel extract -k _m` collects (Makefile: messages)

FIELD_MESSAGES = {
    fields.Field: {"required": _m("This field is required."),
                   "null": _m("This field may not be empty."),
                   "validator_failed": _m("This value is not accepted.")},
    fields.String: {"invalid": _m("Not a valid text."),
                    "invalid_utf8": _m("Not a valid text.")},
    fields.Email: {"invalid": _m("Not a valid email address.")},
    fields.Url: {"invalid": _m("Not a valid web address.")},
    fields.Integer: {"invalid": _m("Not a whole number.")},
    fields.Number: {"invalid": _m("Not a number."), "too_large": _m("This number is too large.")},
    fields.Boolean: {"invalid": _m("Choose yes or no.")},
    fields.List: {"invalid": _m("Send a list.")},
    fields.Dict: {"invalid": _m("Send a JSON object.")},
    fields.DateTime: {"invalid": _m("Not a valid date and time."),
                      "invalid_awareness": _m("Give the time zone with the date and time.")},
    fields.Date: {"invalid": _m("Not a valid date.")},
    fields.Time: {"invalid": _m("Not a valid time.")},
    fields.UUID: {"invalid_uuid": _m("Not a valid identifier.")},
}
SCHEMA_MESSAGES = {"type": _m("Send a JSON object."), "unknown": _m("This field is not expected.")}


def in_range(minimum: int, maximum: int) -> validate.Range:
    """A whole-number range check whose message is translated (marshmallow builds the
    English of `Range` when the schema is defined, too early to translate)."""
    return validate.Range(minimum, maximum, error=_m("Between {min} and {max}."))


def use_translated_messages() -> None:
    """Put the translatable messages in place of marshmallow's English ones (idempotent)."""
    for field_class, messages in FIELD_MESSAGES.items():
        field_class.default_error_messages = {**field_class.default_error_messages, **messages}
    Schema.error_messages = {**Schema.error_messages, **SCHEMA_MESSAGES}
    validate.Length.message_min = _m("At least {min} characters.")
    validate.Length.message_max = _m("At most {max} characters.")
    validate.Length.message_all = _m("Between {min} and {max} characters.")
    validate.Length.message_equal = _m("Exactly {equal} characters.")
    validate.OneOf.default_message = _m("Choose one of: {choices}.")
    validate.Email.default_message = _m("Not a valid email address.")
    validate.URL.default_message = _m("Not a valid web address.")
    validate.Regexp.default_message = _m("This value does not have the expected form.")


# A list in a request holds at most this many items unless its field says otherwise with a
# `validate.Length(max=…)`: no list our clients send comes near it.
DEFAULT_MAX_ITEMS = 100
TOO_MANY_ITEMS = _m("At most {max} items.")


class ShapeErrors:
    """Field errors found before loading: the first `limit` kept, the rest only counted.

    A few unknown keys are left to marshmallow, which names them along with every other
    field error; more than `limit` of them, or a list that is too long, are `refused`
    here, before marshmallow does its work for each."""

    def __init__(self, limit: int):
        self.limit = limit
        self.errors: dict[str, list] = {}
        self.kept = 0
        self.more = 0
        self.too_long = False

    @property
    def refused(self) -> bool:
        return self.too_long or self.more > 0

    @property
    def full(self) -> bool:
        return self.kept >= self.limit

    def add(self, path: str, message) -> None:
        if self.full:
            self.more += 1
        else:
            self.errors.setdefault(path, []).append(message)
            self.kept += 1


def shape_errors(schema: Schema, data, limit: int) -> ShapeErrors:
    """Unknown keys (where the schema raises on them) and overlong lists, at every level the
    schema describes; each key is looked at once, without marshmallow's per-key work."""
    found = ShapeErrors(limit)
    _check_object(schema, schema.unknown, data, "", found)
    return found


def _check_object(schema: Schema, unknown, data, path: str, found: ShapeErrors) -> None:
    if not isinstance(data, Mapping):
        return  # marshmallow says what it expected
    loadable = {field.data_key or name: field for name, field in schema.load_fields.items()}
    if unknown == RAISE:
        extra = data.keys() - loadable.keys()
        named = 0
        for key in data:
            if found.full or named == len(extra):
                break
            if key in extra:
                found.add(path + str(key), SCHEMA_MESSAGES["unknown"])
                named += 1
        found.more += len(extra) - named
    for key, field in loadable.items():
        if key in data:
            _check_value(field, data[key], f"{path}{key}", found)


def _check_value(field: fields.Field, value, path: str, found: ShapeErrors) -> None:
    if isinstance(field, fields.Nested):
        schema = field.schema
        unknown = field.unknown or schema.unknown
        if getattr(field, "many", False) or schema.many:
            if _within(field, value, path, found):
                for index, item in enumerate(value):
                    _check_object(schema, unknown, item, f"{path}.{index}.", found)
        else:
            _check_object(schema, unknown, value, path + ".", found)
    elif (isinstance(field, fields.List) and _within(field, value, path, found)
          and isinstance(field.inner, (fields.Nested, fields.List))):
        for index, item in enumerate(value):
            _check_value(field.inner, item, f"{path}.{index}", found)


def _within(field: fields.Field, value, path: str, found: ShapeErrors) -> bool:
    """Whether a list is short enough to look into (not a list: marshmallow says so)."""
    if not isinstance(value, list):
        return False
    maximum = next((v.max for v in field.validators
                    if isinstance(v, validate.Length) and v.max is not None), DEFAULT_MAX_ITEMS)
    if len(value) > maximum:
        found.add(path, TOO_MANY_ITEMS.format(max=maximum))
        found.too_long = True
        return False
    return True
