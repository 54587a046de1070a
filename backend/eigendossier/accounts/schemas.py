from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate, validates

from eigendossier.accounts.service import is_time_zone
from eigendossier.accounts.sessions import device_label
from eigendossier.core.fields import UTCDateTime
from eigendossier.core.i18n import LOCALES

PASSWORD_LENGTH = validate.Length(min=10, max=256)


class SignUpSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=PASSWORD_LENGTH)
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    locale = fields.String(load_default="nl", validate=validate.OneOf(LOCALES))


class AcceptedSchema(Schema):
    """The same answer whether or not the address has an account."""

    message = fields.String(metadata={"description": "What happens next, in the request's "
                                                     "language"})


class EmailSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))


class TokenSchema(Schema):
    token = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=128),
                          metadata={"description": "From the link in the mail (after #token=)"})


class PasswordResetSchema(TokenSchema):
    password = fields.String(required=True, load_only=True, validate=PASSWORD_LENGTH)


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, load_only=True,
                                     validate=validate.Length(min=1, max=256))
    password = fields.String(required=True, load_only=True, validate=PASSWORD_LENGTH)


class SessionSchema(Schema):
    id = fields.Integer()
    device = fields.Function(lambda s: device_label(s), metadata={
        "description": "Browser and system from the User-Agent at sign-in, e.g. "
                       "\"Firefox on Android\"; never an address"})
    browser = fields.String()
    os = fields.String()
    created_at = UTCDateTime()
    last_seen_at = UTCDateTime(metadata={"description": "Noted at most every five minutes"})
    current = fields.Boolean(metadata={"description": "The session of this request"})


class SignInSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=256))


class ProfileSchema(Schema):
    id = fields.Integer(dump_only=True)
    email = fields.Email(dump_only=True)
    display_name = fields.String(validate=validate.Length(min=1, max=100))
    locale = fields.String(validate=validate.OneOf(LOCALES))
    time_zone = fields.String(
        validate=validate.Length(max=64),
        metadata={"description": "IANA time zone, e.g. Europe/Amsterdam"},
    )
    roles = fields.List(fields.String(), dump_only=True)
    institution = fields.Function(
        lambda a: {"slug": a.institution.slug, "name": a.institution.name}
        if a.role != "learner" and a.institution else None,
        dump_only=True, metadata={"type": ["object", "null"],
                                  "description": "Staff: the institution they act for"})
    email_verified = fields.Boolean(dump_only=True, metadata={
        "description": "The learner opened the link mailed to this address"})
    created_at = UTCDateTime(dump_only=True)
    persona = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "The persona the learner last planned a route with (or the demo "
                       "learner's own); null until then"})

    @validates("time_zone")
    def _known_zone(self, value, **kwargs):
        if not is_time_zone(value):
            raise ValidationError(_("Unknown time zone."))


class ProfileUpdateSchema(ProfileSchema):
    class Meta:
        fields = ("display_name", "locale", "time_zone")
