"""marshmallow's messages in the learner's language, set where marshmallow takes them: the
fields' and schemas' error messages and the validators' message templates.

marshmallow formats a message with ``str.format`` when it raises, and `fields.Email` insists
that its message is a ``str``; `Message` is therefore a ``str`` (its English text) whose
``format`` and ``str()`` look the translation up at that moment, in the request's language.
`use_translated_messages` installs them; core/__init__.py calls it before any schema is
defined, because marshmallow copies the messages into each field when its schema class
is made."""
from flask_babel import gettext
from marshmallow import Schema, fields, validate


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
