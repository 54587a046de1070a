from marshmallow import Schema, fields, validate

from eigendossier.core.audit import actor_kind
from eigendossier.core.fields import UTCDateTime
from eigendossier.core.validation import in_range
from eigendossier.privacy.messages import describe


class DataExportSchema(Schema):
    passphrase = fields.String(load_default=None, allow_none=True, load_only=True,
                               validate=validate.Length(max=1024), metadata={
                                   "description": "Encrypt the zip (WinZip AES-256) with this "
                                                  "passphrase, at least 12 characters"})


class DataImportFailureSchema(Schema):
    file = fields.String(metadata={"description": "Which file or item of the archive"})
    reason = fields.String(metadata={"description": "Why, in the learner's language"})


class DataImportTallySchema(Schema):
    imported = fields.Integer()
    duplicates = fields.Integer(metadata={"description": "Already in the dossier: skipped"})
    failed = fields.List(fields.Nested(DataImportFailureSchema))


class DataImportReportSchema(DataImportTallySchema):
    credentials = fields.Nested(DataImportTallySchema)
    experience = fields.Nested(DataImportTallySchema)


class EraseSchema(Schema):
    confirm = fields.String(required=True, validate=validate.Length(max=254), metadata={
        "description": "The account's email address, typed again"})
    password = fields.String(load_default=None, allow_none=True, load_only=True,
                             validate=validate.Length(max=256), metadata={
                                 "description": "Required for accounts with a password"})


class AuditQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=in_range(1, 100_000))
    per_page = fields.Integer(load_default=20, validate=in_range(1, 100))


class AuditEventSchema(Schema):
    id = fields.Integer()
    action = fields.String(metadata={"description": "Stable code, e.g. share.viewed"})
    message = fields.Function(lambda event: describe(event.action, event.details),
                              metadata={"type": "string",
                                        "description": "What happened, in the learner's "
                                                       "language"})
    actor = fields.Function(actor_kind, metadata={
        "type": "string", "enum": ["you", "staff", "visitor", "system"],
        "description": "Who did it"})
    created_at = UTCDateTime()


class AuditPageSchema(Schema):
    items = fields.List(fields.Nested(AuditEventSchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
