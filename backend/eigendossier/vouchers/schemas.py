from marshmallow import Schema, fields, validate

from eigendossier.catalog.schemas import RunSchema
from eigendossier.core.fields import UTCDateTime
from eigendossier.core.i18n import localized
from eigendossier.core.timeutil import utcnow
from eigendossier.routes.schemas import EnrolmentSchema
from eigendossier.vouchers.codes import display
from eigendossier.vouchers.service import cancel_until


def _status(voucher) -> str:
    if voucher.redeemed_at is not None:
        return "redeemed"
    return "expired" if voucher.valid_until <= utcnow() else "available"


class VoucherSchema(Schema):
    id = fields.Integer()
    status = fields.Function(_status, metadata={"enum": ["available", "redeemed", "expired"]})
    institution = fields.Function(lambda v: v.batch.institution.name)
    qualification = fields.Function(lambda v: localized(v.qualification, "name"))
    graduation_date = fields.Date()
    valid_until = UTCDateTime(metadata={"description": "Redeemable until this moment"})
    seconds_left = fields.Function(
        lambda v: max(0, int((v.valid_until - utcnow()).total_seconds())))
    claimed_at = UTCDateTime()
    redeemed_at = UTCDateTime(allow_none=True)
    enrolment = fields.Nested(EnrolmentSchema, allow_none=True)
    cancel_until = fields.Function(
        lambda v: (d := cancel_until(v)) and d.isoformat(),
        metadata={"description": "Last day the enrolment can be cancelled (when redeemed)"})


class EligibleRunSchema(RunSchema):
    block = fields.Function(lambda r: {"id": r.block.id, "code": r.block.code,
                                       "name": localized(r.block, "name"),
                                       "ec": float(r.block.ec), "hours": r.block.hours})
    qualification = fields.Function(lambda r: localized(r.block.qualification, "name"))


class VoucherDetailSchema(VoucherSchema):
    eligible_runs = fields.List(fields.Nested(EligibleRunSchema))


class ClaimSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=64),
                         metadata={"description": "XXXX-XXXX-XXXX-XXXX-C, any case"})


class RedeemSchema(Schema):
    run_id = fields.Integer(required=True)


class RedemptionSchema(Schema):
    voucher = fields.Nested(VoucherSchema)
    enrolment = fields.Nested(EnrolmentSchema)


class IssuedVoucherSchema(Schema):
    name = fields.Function(lambda i: i.voucher.graduate_name)
    email = fields.Function(lambda i: i.voucher.graduate_email)
    qualification = fields.Function(lambda i: i.voucher.qualification.crebo)
    code = fields.Function(lambda i: display(i.code))
    valid_until = fields.Function(
        lambda i: i.voucher.valid_until.isoformat())


class BatchSchema(Schema):
    id = fields.Integer()
    count = fields.Integer()
    vouchers = fields.List(fields.Nested(IssuedVoucherSchema), metadata={
        "description": "The codes, shown this once: only their keyed hashes are stored"})


class BatchFormSchema(Schema):
    eligible_qualifications = fields.String(load_default="", metadata={
        "description": "Comma-separated crebo codes; empty: the whole offer of the institution"})
