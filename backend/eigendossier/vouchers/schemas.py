from marshmallow import Schema, fields, validate

from eigendossier.catalog.schemas import RunSchema
from eigendossier.core.fields import UTCDateTime
from eigendossier.core.i18n import localized
from eigendossier.core.timeutil import utcnow
from eigendossier.routes.schemas import EnrolmentSchema
from eigendossier.vouchers import school
from eigendossier.vouchers.codes import display
from eigendossier.vouchers.service import cancel_until, last_cancel_day, valid_until


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
    eligible_qualifications = fields.String(load_default="", validate=validate.Length(max=2000),
                                            metadata={
        "description": "Comma-separated crebo codes; empty: the whole offer of the institution"})
    dry_run = fields.Boolean(load_default=False, metadata={
        "description": "true: check the list and answer 200 with what would be issued; "
                       "nothing is written"})


class PreviewGraduateSchema(Schema):
    line = fields.Integer(metadata={"description": "Line of the CSV (the header is line 1)"})
    name = fields.String()
    email = fields.String()
    qualification = fields.Function(lambda row: row["qualification"].crebo)
    qualification_name = fields.Function(lambda row: localized(row["qualification"], "name"))
    graduation_date = fields.Date()
    valid_until = fields.Function(lambda row: valid_until(row["graduation_date"]).isoformat())


class QualificationRefSchema(Schema):
    crebo = fields.String()
    name = fields.Function(lambda q: localized(q, "name"))


class BatchPreviewSchema(Schema):
    """What a list of graduates would issue: nothing has been written."""

    count = fields.Function(lambda checked: len(checked.graduates))
    graduates = fields.List(fields.Nested(PreviewGraduateSchema))
    eligible_qualifications = fields.List(fields.Nested(QualificationRefSchema),
                                          attribute="eligible")


class StaffBatchSchema(Schema):
    id = fields.Integer(attribute="batch.id")
    created_at = UTCDateTime(attribute="batch.created_at")
    count = fields.Integer()
    open = fields.Integer(metadata={"description": "Vouchers nobody has claimed yet"})
    letter_parts = fields.Integer(metadata={
        "description": "How many PDFs the letters take (GET …/letters?part=1…n)"})


class StaffVoucherSchema(Schema):
    """A voucher as its school sees it (never its code: that is mailed or printed)."""

    id = fields.Integer()
    batch_id = fields.Integer()
    graduate_name = fields.String()
    graduate_email = fields.String()
    qualification = fields.Function(lambda v: v.qualification.crebo)
    qualification_name = fields.Function(lambda v: localized(v.qualification, "name"))
    graduation_date = fields.Date()
    valid_until = UTCDateTime()
    state = fields.Function(school.state, metadata={"enum": list(school.STATES)})
    claimed_at = UTCDateTime(allow_none=True)
    redeemed_at = UTCDateTime(allow_none=True)
    voided_at = UTCDateTime(allow_none=True)
    void_reason = fields.String(allow_none=True)


class StaffVoucherQuerySchema(Schema):
    batch = fields.Integer(load_default=None)
    state = fields.String(load_default=None, validate=validate.OneOf(school.STATES))
    q = fields.String(load_default="", validate=validate.Length(max=100),
                      metadata={"description": "Part of the graduate's name or address"})


class VoidSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=500))


class LanguageSchema(Schema):
    language = fields.String(load_default="nl", validate=validate.OneOf(school.LANGUAGES))


class LettersQuerySchema(LanguageSchema):
    part = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1000), metadata={
        "description": f"Which {school.LETTERS_PER_PDF} letters, by graduate name"})


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
