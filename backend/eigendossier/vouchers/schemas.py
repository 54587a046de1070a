from marshmallow import Schema, fields, validate

from eigendossier.catalog.schemas import RunSchema
from eigendossier.core.fields import UTCDateTime
from eigendossier.core.i18n import localized
from eigendossier.core.timeutil import utcnow
from eigendossier.routes.schemas import EnrolmentSchema
from eigendossier.vouchers.codes import display
from eigendossier.vouchers.service import cancel_until, last_cancel_day


def _status(voucher) -> str:
    if voucher.redeemed_at is not None:
        return "redeemed"
    return "expired" if voucher.valid_until <= utcnow() else "available"


def _diploma(voucher) -> dict:
    return {"qualification": localized(voucher.qualification, "name"),
            "graduation_date": voucher.graduation_date.isoformat(),
            "stated_by": voucher.batch.institution.name,
            "verified_credential": False}


class DiplomaStatementSchema(Schema):
    qualification = fields.String()
    graduation_date = fields.Date()
    stated_by = fields.String(metadata={"description": "The school that says so (the issuer "
                                                       "of the voucher)"})
    verified_credential = fields.Boolean(metadata={
        "description": "Always false: the school's word on the voucher, not a signed credential"})


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
    diploma = fields.Function(_diploma, metadata={
        "description": "The diploma the voucher was issued for, as its school states it: show "
                       "it as the school's statement (\"according to <stated_by>\"), never "
                       "as a verified credential"})


class EligibleRunSchema(RunSchema):
    block = fields.Function(lambda r: {"id": r.block.id, "code": r.block.code,
                                       "name": localized(r.block, "name"),
                                       "ec": float(r.block.ec), "hours": r.block.hours})
    qualification = fields.Function(lambda r: localized(r.block.qualification, "name"))
    cancel_until = fields.Function(
        lambda r: last_cancel_day(r).isoformat(),
        metadata={"description": "Last day a redemption for this run could be cancelled"})
    mine = fields.Function(lambda r: getattr(r, "mine", None), metadata={
        "enum": ["enrolled", "enrolled_other_group", "in_route", None],
        "description": "The learner is enrolled in this run, in another group of its module, "
                       "or the module is in a saved route; null: none of these"})


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


class VoucherClaimSchema(Schema):
    """A claim waiting for the school: nothing of the graduate shows until it is confirmed."""

    id = fields.Integer()
    status = fields.String(metadata={"enum": ["pending", "confirmed", "refused"]})
    institution = fields.Function(lambda c: c.voucher.batch.institution.name)
    created_at = UTCDateTime()
    decided_at = UTCDateTime(allow_none=True)


class StaffVoucherClaimSchema(VoucherClaimSchema):
    claimant = fields.Function(lambda c: {"display_name": c.account.display_name,
                                          "email": c.account.email,
                                          "email_verified": c.account.email_verified})
    voucher = fields.Function(lambda c: {
        "id": c.voucher.id, "graduate_name": c.voucher.graduate_name,
        "graduate_email": c.voucher.graduate_email,
        "qualification": c.voucher.qualification.crebo,
        "graduation_date": c.voucher.graduation_date.isoformat(),
        "status": _status(c.voucher), "claimed": c.voucher.claimed_by_id is not None})


class ClaimQuerySchema(Schema):
    status = fields.String(load_default=None,
                           validate=validate.OneOf(["pending", "confirmed", "refused"]))


class ClaimDecisionSchema(Schema):
    approved = fields.Boolean(required=True, metadata={
        "description": "true: the voucher becomes the claimant's; false: refused"})
