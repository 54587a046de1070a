from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from eigendossier.core.fields import UTCDateTime
from eigendossier.core.markdown import safe_html
from eigendossier.dossier import service, trust, verification

STATUS_ENUM = ["verified", "verified_with_warnings", "expired", "revoked", "failed",
               "unverifiable"]


class CheckSchema(Schema):
    id = fields.String(attribute="check_id", metadata={
        "enum": ["format", "schema", "proof", "issuer_key", "issuer_identity", "recipient",
                 "validity", "revocation", "refresh"]})
    outcome = fields.String(metadata={"enum": ["pass", "warn", "fail", "skipped"]})
    message_code = fields.String(metadata={"description": "Stable code of the message"})
    params = fields.Dict(keys=fields.String(), metadata={"description": "Values in the message"})
    message = fields.Function(
        lambda check: verification.message(check.message_code, check.params, check.message),
        metadata={"description": "The message in the learner's language"})


class VerificationSchema(Schema):
    status = fields.String(metadata={"enum": STATUS_ENUM})
    checked_at = UTCDateTime()
    checks = fields.List(fields.Nested(CheckSchema))


class AchievementSchema(Schema):
    id = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    achievement_type = fields.String(allow_none=True)
    criteria = fields.String(allow_none=True)
    criteria_html = fields.Function(
        lambda a: safe_html(a.get("criteria") if isinstance(a, dict) else a.criteria),
        allow_none=True, metadata={"description": "The criteria's Markdown as safe HTML "
                                                  "(no scripts, images or raw HTML)"})
    ec = fields.Float(allow_none=True, metadata={"description": "Study load in EC (studielast)"})
    nlqf_level = fields.String(allow_none=True, metadata={"description": "NLQF level (niveau)"})
    eqf_level = fields.String(allow_none=True, metadata={"description": "EQF level"})
    learning_outcomes = fields.List(fields.String(), metadata={"description": "Leeruitkomsten"})
    assessment = fields.String(allow_none=True)
    education_program_id = fields.String(allow_none=True)
    study_load_hours = fields.Float(allow_none=True)


class SummarySchema(Schema):
    """What the credential says, as read at its latest verification."""

    credential_id = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    issuer_id = fields.String(allow_none=True)
    issuer_name = fields.String(allow_none=True)
    issuer_url = fields.String(allow_none=True)
    image = fields.String(allow_none=True, metadata={"description": "Image as the issuer gave it"})
    issued_on = fields.String(allow_none=True, metadata={"format": "date-time"})
    expires_on = fields.String(allow_none=True, metadata={"format": "date-time"})
    recipient = fields.String(allow_none=True)
    achievement = fields.Nested(AchievementSchema)


class CredentialSchema(Schema):
    id = fields.Integer()
    format = fields.String(metadata={
        "enum": ["ob2_hosted", "ob2_signed", "ob3_jwt", "ob3_data_integrity", "other_vc",
                 "sd_jwt_vc"]})
    kind = fields.String(metadata={"enum": ["open_badge", "endorsement", "other_credential"]})
    container = fields.String(metadata={"enum": ["png", "svg", "json", "jws", "sd-jwt"],
                                        "description": "How the credential arrived"})
    summary = fields.Nested(SummarySchema)
    achievement_ids = fields.List(fields.String())
    image_src = fields.Function(
        service.image_src,
        metadata={"type": ["string", "null"],
                  "description": "Same-origin or data: URL of the badge image, if any"})
    original_url = fields.Function(lambda c: f"/api/v1/dossier/credentials/{c.id}/original")
    disclosable = fields.Function(
        service.disclosable,
        metadata={"type": ["array", "null"], "items": {"type": "string", "enum": [
            "learner_name", "birth_date", "completion_date", "grade", "evidence"]},
            "description": "An SD-JWT credential's fields the learner can show or withhold "
                           "when sharing (disclose); null for other credentials"})
    held_fields = fields.Function(
        service.held_fields,
        metadata={"type": ["array", "null"], "items": {
            "type": "object", "required": ["name", "value", "withholdable"], "properties": {
                "name": {"type": "string", "enum": [
                    "learner_name", "birth_date", "completion_date", "grade", "evidence"]},
                "value": {"oneOf": [{"type": "string"},
                                    {"type": "array", "items": {"type": "string"}}]},
                "withholdable": {"type": "boolean"}}},
            "description": "Every field an SD-JWT credential holds with its value, and whether "
                           "the learner can withhold it when sharing; null for other "
                           "credentials"})
    created_at = UTCDateTime()
    verification = fields.Nested(VerificationSchema)
    issuer_trust = fields.Function(
        lambda c: trust.issuer_trust(c.summary),
        metadata={"type": "object", "description":
                  "Is the issuer in the installation's signed list of trusted issuers? "
                  "status: mbo, trusted or unknown; name: its name in the list; list: the "
                  "list's name (null when no valid list is loaded); label: what to show"})


class ImportSchema(Schema):
    """Pasted text (JSON or a compact JWS) or the URL of a hosted badge or credential."""

    text = fields.String(metadata={"description": "A credential as JSON, or a compact JWS"})
    url = fields.Url(schemes={"https", "http"}, require_tld=False,
                     validate=validate.Length(max=2000),
                     metadata={"description": "https URL of a hosted assertion or credential"})

    @validates_schema
    def exactly_one(self, data, **kwargs):
        given = [name for name in ("text", "url") if data.get(name)]
        if len(given) != 1:
            raise ValidationError(_("Give either text or url."), "_schema")


class EvidenceSchema(Schema):
    name = fields.String()
    content_type = fields.String()
    size = fields.Integer()


class ExperienceSchema(Schema):
    """Experience the learner declares themselves: nobody has verified it."""

    id = fields.Integer()
    role = fields.String()
    employer = fields.String()
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True)
    description = fields.String()
    self_declared = fields.Function(lambda item: True,
                                    metadata={"type": "boolean",
                                              "description": "Always true: not verified"})
    evidence = fields.Nested(EvidenceSchema, attribute="evidence_info", allow_none=True)
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


class ExperienceInputSchema(Schema):
    role = fields.String(required=True, validate=validate.Length(min=1, max=200))
    employer = fields.String(load_default="", validate=validate.Length(max=200))
    start_date = fields.Date(required=True)
    end_date = fields.Date(allow_none=True, load_default=None)
    description = fields.String(load_default="", validate=validate.Length(max=4000))


class ExperienceUpdateSchema(ExperienceInputSchema):
    """The fields to change (use with partial=True)."""
