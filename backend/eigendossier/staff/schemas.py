"""The staff console's API contract."""
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from eigendossier.accounts.staff import STAFF_KINDS, kind_of
from eigendossier.catalog.models import LEARNING_FORMS, LOCATION_KINDS, TIMES_OF_DAY, WEEKDAYS
from eigendossier.catalog.schemas import InstitutionSchema
from eigendossier.core.fields import UTCDateTime
from eigendossier.core.i18n import localized

CLOCK = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error=_l("Use HH:MM."))


class StaffHomeSchema(Schema):
    role = fields.String(metadata={"enum": ["staff", "institution_admin", "admin"]})
    institutions = fields.List(fields.Nested(InstitutionSchema),
                               metadata={"description": "The institutions they act for"})


# -- catalogue ---------------------------------------------------------------------------------


class FieldChangeSchema(Schema):
    field = fields.String()
    old = fields.Raw()
    new = fields.Raw()


class RunChangeSchema(Schema):
    code = fields.String()
    block = fields.String(metadata={"description": "crebo/block code"})
    changes = fields.List(fields.Nested(FieldChangeSchema), attribute="fields",
                          data_key="fields")
    enrolled = fields.Integer(metadata={"description": "Seats taken before the change"})
    affects_learners = fields.Boolean()


class CatalogChangesSchema(Schema):
    created = fields.Function(lambda c: c.report.created)
    updated = fields.Function(lambda c: c.report.updated)
    new = fields.List(fields.Nested(RunChangeSchema))
    changed = fields.List(fields.Nested(RunChangeSchema))
    removed = fields.List(fields.Nested(RunChangeSchema))
    affected = fields.List(fields.Nested(RunChangeSchema), metadata={
        "description": "Changed runs whose enrolled learners see dates, times or seats change"})


class StaffRunSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    qualification = fields.Function(lambda r: localized(r.block.qualification, "name"))
    crebo = fields.Function(lambda r: r.block.qualification.crebo)
    block_code = fields.Function(lambda r: r.block.code)
    block_name = fields.Function(lambda r: localized(r.block, "name"))
    start_date = fields.Date()
    end_date = fields.Date()
    time_of_day = fields.String(metadata={"enum": list(TIMES_OF_DAY)})
    weekdays = fields.List(fields.String())
    starts_at = fields.String()
    ends_at = fields.String()
    location_kind = fields.String(metadata={"enum": list(LOCATION_KINDS)})
    address = fields.String()
    learning_form = fields.String(metadata={"enum": list(LEARNING_FORMS)})
    seats_total = fields.Integer()
    seats_taken = fields.Integer()


class RunUpdateSchema(Schema):
    seats_total = fields.Integer(validate=validate.Range(min=0, max=10000))
    start_date = fields.Date()
    end_date = fields.Date()
    time_of_day = fields.String(validate=validate.OneOf(TIMES_OF_DAY))
    weekdays = fields.List(fields.String(validate=validate.OneOf(WEEKDAYS)),
                           validate=validate.Length(max=7))
    starts_at = fields.String(validate=CLOCK)
    ends_at = fields.String(validate=CLOCK)
    location_kind = fields.String(validate=validate.OneOf(LOCATION_KINDS))
    address = fields.String(validate=validate.Length(max=300))
    learning_form = fields.String(validate=validate.OneOf(LEARNING_FORMS))


class EnrolmentRowSchema(Schema):
    id = fields.Function(lambda row: row[0].id)
    name = fields.Function(lambda row: row[1].display_name)
    email = fields.Function(lambda row: row[1].email)
    status = fields.Function(lambda row: row[0].status,
                             metadata={"enum": ["enrolled", "cancelled"]})
    enrolled_at = fields.Function(lambda row: UTCDateTime()._serialize(row[0].created_at,
                                                                       None, None))


class RosterSchema(Schema):
    run = fields.Nested(StaffRunSchema)
    enrolments = fields.List(fields.Nested(EnrolmentRowSchema))


# -- issuer set-up -----------------------------------------------------------------------------


class StaffProfileSchema(Schema):
    name = fields.Function(lambda v: v.institution.name)
    url = fields.Function(lambda v: v.institution.url)
    email = fields.String()
    image_url = fields.String()
    did = fields.String(allow_none=True)


class StaffProfileUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(min=2, max=200))
    url = fields.Url(schemes={"https", "http"}, validate=validate.Length(max=500))
    email = fields.Email(validate=validate.Length(max=254))
    image_url = fields.Url(schemes={"https"}, validate=validate.Length(max=500))


class StaffKeySchema(Schema):
    id = fields.Function(lambda key: f"{key.profile.did}#{key.fragment}")
    number = fields.Integer()
    public_multikey = fields.String()
    created_at = UTCDateTime()
    signs = fields.Function(lambda key: key is key.profile.keys[-1],
                            metadata={"description": "The newest key signs"})


class KeysSchema(Schema):
    did = fields.String(allow_none=True)
    did_url = fields.String(allow_none=True,
                            metadata={"description": "Where verifiers fetch the DID document"})
    keys = fields.List(fields.Nested(StaffKeySchema))
    did_document = fields.Dict(allow_none=True)


class ReachabilitySchema(Schema):
    url = fields.String()
    reachable = fields.Boolean()
    matches = fields.Boolean(metadata={"description": "It serves our DID document"})
    reason = fields.String()


class ClientSchema(Schema):
    client_id = fields.String()
    created_at = UTCDateTime()
    revoked_at = UTCDateTime(allow_none=True)
    scope = fields.String()


class NewClientSchema(ClientSchema):
    client_secret = fields.String(metadata={"description": "Shown once; only its hash is kept"})


class MemberSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    display_name = fields.String()
    role = fields.Function(kind_of, metadata={"enum": list(STAFF_KINDS)})


class NewMemberSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    role = fields.String(load_default="staff", validate=validate.OneOf(STAFF_KINDS))


class MemberUpdateSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(STAFF_KINDS))


# -- audit -------------------------------------------------------------------------------------


class StaffAuditQuerySchema(Schema):
    q = fields.String(load_default="", validate=validate.Length(max=100))
    since = fields.Date(load_default=None, data_key="from")
    until = fields.Date(load_default=None, data_key="to")
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


class StaffAuditEventSchema(Schema):
    id = fields.Integer()
    action = fields.String()
    created_at = UTCDateTime()
    actor = fields.String(attribute="actor_name", metadata={"description": "Who did it"})
    subject_type = fields.String()
    subject_id = fields.Integer(allow_none=True)
    details = fields.Dict()


class StaffAuditPageSchema(Schema):
    events = fields.List(fields.Nested(StaffAuditEventSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
