from datetime import UTC

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from eigendossier.core.fields import UTCDateTime
from eigendossier.credentials.sdjwtvc import AWARD_FIELDS as DISCLOSABLE

ID = fields.Integer(strict=True, validate=validate.Range(min=1))
EXPIRES_IN_DAYS = {
    "validate": validate.Range(min=1, max=365, error=_l("Between 1 and 365 days.")),
    "metadata": {"description": "The link works for this many days (default 30, at most 365)"},
}
EXPIRES_AT = {
    "default_timezone": UTC,
    "metadata": {"description": "Or: the moment the link stops working (at most a year ahead)"},
}


def _one_expiry(data):
    if data.get("expires_in_days") is not None and data.get("expires_at") is not None:
        raise ValidationError(str(_l("Give a number of days or a date, not both.")), "_schema")


class ShareInputSchema(Schema):
    """What to share, with whom (a label for the learner and the employer), and how long."""

    credential_ids = fields.List(ID, required=True, validate=validate.Length(
                                     min=1, max=50, error=_l("Choose 1 to 50 credentials.")),
                                 metadata={"description": "Credentials from the dossier"})
    experience_item_ids = fields.List(ID, load_default=list, validate=validate.Length(
                                          max=50, error=_l("Choose at most 50 items.")),
                                      metadata={"description": "Self-declared experience"})
    label = fields.String(required=True, validate=validate.Length(min=1, max=120),
                          metadata={"description": "Audience, e.g. a job application"})
    expires_in_days = fields.Integer(strict=True, allow_none=True, **EXPIRES_IN_DAYS)
    expires_at = fields.AwareDateTime(allow_none=True, **EXPIRES_AT)
    disclose = fields.Dict(
        keys=fields.String(validate=validate.Regexp(r"^[0-9]{1,12}$")),
        values=fields.List(fields.String(validate=validate.OneOf(list(DISCLOSABLE))),
                           validate=validate.Length(max=len(DISCLOSABLE))),
        load_default=dict,
        metadata={"description": "Per SD-JWT credential (its id as a string), the fields to "
                                 "show; the others are withheld. An SD-JWT credential not named "
                                 "here shows none of them.",
                  "example": {"12": ["learner_name", "grade"]}})

    @validates_schema
    def check(self, data, **kwargs):
        if "label" in data and not data["label"].strip():
            raise ValidationError(str(_l("This field is required.")), "label")
        _one_expiry(data)


class ExpiryInputSchema(Schema):
    """A new expiry for the link (not for any credential)."""

    expires_in_days = fields.Integer(strict=True, allow_none=True, **EXPIRES_IN_DAYS)
    expires_at = fields.AwareDateTime(allow_none=True, **EXPIRES_AT)

    @validates_schema
    def check(self, data, **kwargs):
        _one_expiry(data)
        if data.get("expires_in_days") is None and data.get("expires_at") is None:
            raise ValidationError(str(_l("Give a number of days or a date.")), "_schema")


class SharedCredentialSchema(Schema):
    id = fields.Integer(attribute="credential_id")
    title = fields.Function(lambda link: link.credential.summary.get("title"),
                            metadata={"type": ["string", "null"]})
    issuer_name = fields.Function(lambda link: link.credential.summary.get("issuer_name"),
                                  metadata={"type": ["string", "null"]})
    valid_until = fields.Function(
        lambda link: link.credential.summary.get("expires_on"),
        metadata={"type": ["string", "null"], "format": "date-time",
                  "description": "The credential's own expiry, set by its issuer "
                                 "(not the link's); null when it does not expire"})
    status = fields.Function(
        lambda link: link.credential.verification.status
        if link.credential.verification else None,
        metadata={"type": ["string", "null"], "description": "Its latest verification"})


    disclosed = fields.List(fields.String(), allow_none=True, metadata={
        "description": "An SD-JWT credential's fields shown on the page; null for others"})


class SharedExperienceSchema(Schema):
    id = fields.Integer(attribute="experience_item_id")
    role = fields.Function(lambda link: link.item.role, metadata={"type": "string"})
    employer = fields.Function(lambda link: link.item.employer, metadata={"type": "string"})


class ShareSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    created_at = UTCDateTime()
    expires_at = UTCDateTime(metadata={
        "description": "When the link stops working (not a credential's expiry)"})
    revoked_at = UTCDateTime(allow_none=True, metadata={"description": "When it was withdrawn"})
    state = fields.String(attribute="current_state", metadata={
        "enum": ["active", "expired", "revoked"],
        "description": "Whether the link works now"})
    view_count = fields.Integer(metadata={"description": "How often the page was opened"})
    last_viewed_at = UTCDateTime(allow_none=True)
    credentials = fields.List(fields.Nested(SharedCredentialSchema))
    experience_items = fields.List(fields.Nested(SharedExperienceSchema), attribute="experience")


class LinkedInSchema(Schema):
    credential_id = fields.Integer()
    url = fields.String(metadata={"description": "LinkedIn's add-to-profile address"})


class ShareCreatedSchema(ShareSchema):
    """The new share with its link: shown this once (the server keeps only a hash)."""

    url = fields.String(metadata={"description": "The link to send: /s/<token>"})
    qr_svg = fields.String(metadata={"description": "The link as a QR code (SVG markup)"})
    linkedin = fields.List(fields.Nested(LinkedInSchema), metadata={
        "description": "Per credential, LinkedIn's add-to-profile address pointing at the link"})


class ViewSchema(Schema):
    viewed_at = UTCDateTime()


class ShareDetailSchema(ShareSchema):
    views = fields.List(fields.Nested(ViewSchema), metadata={
        "description": "When the page was opened, newest first (at most 100)"})


class PrintInputSchema(Schema):
    """Which credentials to print, how, in which language, and how long the QR codes work."""

    credential_ids = fields.List(ID, required=True, validate=validate.Length(
                                     min=1, max=50, error=_l("Choose 1 to 50 credentials.")),
                                 metadata={"description": "Credentials from the dossier"})
    layout = fields.String(load_default="full", validate=validate.OneOf(
                               ("full", "summary"), error=_l("Choose full or summary.")),
                           metadata={"description": "full: a page per credential; summary: "
                                                    "one page for an application"})
    lang = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(
                             ("nl", "en"), error=_l("Choose nl or en.")),
                         metadata={"description": "The PDF's language (default: yours)"})
    expires_in_days = fields.Integer(strict=True, load_default=90, validate=validate.Range(
                                         min=1, max=365, error=_l("Between 1 and 365 days.")),
                                     metadata={"description": "How long the QR codes' share "
                                                              "link works (default 90 days)"})
