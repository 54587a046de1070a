from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates

from eigendossier.core.fields import UTCDateTime
from eigendossier.core.validation import in_range
from eigendossier.notifications import messages
from eigendossier.notifications.sender import origin_of
from eigendossier.notifications.service import MAX_MODULE_LEAD, MAX_VOUCHER_LEAD

HHMM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error=_l("Use HH:MM."))


class PushKeySchema(Schema):
    public_key = fields.String(metadata={
        "description": "The VAPID public key (P-256, uncompressed, base64url): the "
                       "applicationServerKey for PushManager.subscribe()"})


class SubscriptionKeysSchema(Schema):
    p256dh = fields.String(required=True, validate=validate.Length(min=1, max=100))
    auth = fields.String(required=True, validate=validate.Length(min=1, max=32))


class SubscriptionInSchema(Schema):
    """PushSubscription.toJSON() as the browser gives it, with an optional device label."""

    endpoint = fields.String(required=True, validate=validate.Length(min=8, max=1024))
    keys = fields.Nested(SubscriptionKeysSchema, required=True)
    expirationTime = fields.Integer(allow_none=True, load_default=None,
                                    metadata={"description": "Ignored"})
    label = fields.String(load_default="", validate=validate.Length(max=100),
                          metadata={"description": "How the learner recognises the device"})


class SubscriptionSchema(Schema):
    id = fields.Integer()
    endpoint = fields.String()
    push_service = fields.Function(lambda s: origin_of(s.endpoint))
    label = fields.String()
    created_at = UTCDateTime()
    last_success_at = UTCDateTime(allow_none=True)


class QuietHoursSchema(Schema):
    start = fields.String(required=True, validate=HHMM, metadata={"example": "21:00"})
    end = fields.String(required=True, validate=HHMM, metadata={"example": "08:00"})


def _lead_days(maximum: int, minimum: int):
    return fields.List(
        fields.Integer(validate=in_range(minimum, maximum)),
        validate=validate.Length(max=5),
        metadata={"description": f"Days before, {minimum}..{maximum}, at most five; "
                                 "empty: no reminders of this kind"})


class NotificationSettingsSchema(Schema):
    module_lead_days = _lead_days(MAX_MODULE_LEAD, 0)
    voucher_lead_days = _lead_days(MAX_VOUCHER_LEAD, 1)
    quiet_hours = fields.Nested(QuietHoursSchema, metadata={
        "description": "No push in this local time span; equal start and end: none"})
    time_zone = fields.String(dump_only=True, metadata={
        "description": "The profile's time zone, in which 09:00 and quiet hours are meant"})

    @validates("module_lead_days", "voucher_lead_days")
    def _distinct(self, value, **kwargs):
        if len(set(value)) != len(value):
            raise ValidationError(_("Each number of days only once."))


class NotificationSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(messages.KINDS)})
    title = fields.String()
    body = fields.String()
    url = fields.String(metadata={"description": "The PWA path to open"})
    created_at = UTCDateTime()
    read_at = UTCDateTime(allow_none=True)
    read = fields.Function(lambda n: n.read_at is not None)


class InboxSchema(Schema):
    unread = fields.Integer(metadata={"description": "Unread notifications in all"})
    items = fields.List(fields.Nested(NotificationSchema))


class InboxQuerySchema(Schema):
    unread = fields.Boolean(load_default=False, metadata={"description": "Only unread ones"})
    limit = fields.Integer(load_default=50, validate=in_range(1, 100))


class ReadAllSchema(Schema):
    marked = fields.Integer()
