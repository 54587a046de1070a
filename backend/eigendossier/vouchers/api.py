"""Vouchers: staff issue them to graduates; learners claim, redeem and cancel."""
from datetime import date
from typing import ClassVar

from flask import current_app, jsonify, request
from flask.views import MethodView
from flask_login import current_user, login_required
from marshmallow import Schema, fields, validate

from eigendossier.accounts.signin import account_reader_required
from eigendossier.core import access
from eigendossier.core.arguments import Blueprint
from eigendossier.core.csvtext import csv_text
from eigendossier.core.downloads import file_download
from eigendossier.core.errors import problem_response
from eigendossier.core.extensions import limiter
from eigendossier.vouchers import batches, claims, school, service
from eigendossier.vouchers.models import VoucherClaim
from eigendossier.vouchers.schemas import (
    BatchFormSchema,
    BatchPreviewSchema,
    BatchSchema,
    ClaimDecisionSchema,
    ClaimQuerySchema,
    ClaimSchema,
    IssuedVoucherSchema,
    LanguageSchema,
    LettersQuerySchema,
    RedeemSchema,
    RedemptionSchema,
    StaffBatchSchema,
    StaffVoucherClaimSchema,
    StaffVoucherQuerySchema,
    StaffVoucherSchema,
    VoidSchema,
    VoucherClaimSchema,
    VoucherDetailSchema,
    VoucherSchema,
)

blp = Blueprint("vouchers", __name__, url_prefix="/api/v1/vouchers",
                description="Alumni LLO vouchers")


class IdempotencyKeySchema(Schema):
    key = fields.String(required=True, data_key="Idempotency-Key",
                        validate=validate.Length(min=8, max=255))


def _account_key() -> str:
    return f"account:{current_user.get_id()}"


def _failed(response) -> bool:
    """Only failed claims count against the limits: a learner may claim many vouchers."""
    return response.status_code >= 400


def _limit(name):
    return lambda: current_app.config[name]


@blp.route("/batches")
class Batches(MethodView):
    decorators: ClassVar = [login_required]

    @blp.arguments(BatchFormSchema, location="query")
    @blp.doc(requestBody={"required": True, "content": {
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "file": {"type": "string", "format": "binary",
                     "description": "CSV: name, email, graduation_date, qualification"}}}},
        "text/csv": {"schema": {"type": "string"}}}})
    @blp.response(201, BatchSchema)
    @blp.alt_response(200, schema=BatchPreviewSchema,
                      description="With dry_run=true: what would be issued; nothing written")
    @problem_response(blp, 403, "Staff only")
    @problem_response(blp, 422, "The list has errors (per line); nothing was issued")
    def post(self, form):
        """Issue a voucher to each graduate in a CSV, all or nothing; the codes are shown once
        (the school prints letters later from its sealed copy). With `dry_run=true` only the
        preview. Ask for `Accept: text/csv` to get the list for a mail-merge."""
        access.require_staff(current_user)
        upload = request.files.get("file")
        raw = upload.read() if upload else request.get_data()
        crebos = [c.strip() for c in form["eligible_qualifications"].split(",") if c.strip()]
        if form["dry_run"]:
            checked = batches.check_batch(current_user, raw, crebos, date.today())
            return jsonify(BatchPreviewSchema().dump(checked))
        batch, issued = batches.issue_batch(current_user, raw, crebos, date.today())
        if request.accept_mimetypes.best == "text/csv":
            return _as_csv(issued)
        return {"id": batch.id, "count": len(issued), "vouchers": issued}


def _as_csv(issued):
    rows = IssuedVoucherSchema(many=True).dump(issued)
    text = csv_text(["name", "email", "qualification", "code", "valid_until"], rows)
    response = file_download(text.encode(), "text/csv", "vouchers.csv")
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.route("/claim")
class Claim(MethodView):
    decorators: ClassVar = [login_required]

    @limiter.limit(_limit("RATELIMIT_VOUCHER_CLAIM_ACCOUNT"), key_func=_account_key,
                   deduct_when=_failed)
    @limiter.limit(_limit("RATELIMIT_VOUCHER_CLAIM_ADDRESS"), deduct_when=_failed)
    @blp.arguments(ClaimSchema)
    @blp.response(200, VoucherSchema)
    @blp.alt_response(202, schema=VoucherClaimSchema,
                      description="The school is asked to confirm that the voucher is yours")
    @problem_response(blp, 403, "Confirm your email address first, or the school refused")
    @problem_response(blp, 404, "No voucher has this code")
    @problem_response(blp, 409, "Already in someone else's dossier")
    @problem_response(blp, 410, "Expired")
    @problem_response(blp, 422, "Not a voucher code (the check symbol caught a typo)")
    @problem_response(blp, 429, "Too many failed attempts")
    def post(self, data):
        """Add a voucher to your dossier by its code. It is yours at once when your confirmed
        email address is the one the school issued it to (200); otherwise the school is asked
        to confirm (202, a claim: see GET /vouchers/claims)."""
        result = claims.claim(current_user, data["code"])
        if isinstance(result, VoucherClaim):
            response = jsonify(VoucherClaimSchema().dump(result))
            response.status_code = 202
            return response
        return result


@blp.route("/claims")
class Claims(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, VoucherClaimSchema(many=True))
    def get(self):
        """Your claims waiting for a school, or refused by it, newest first."""
        return claims.claims_of(current_user)


@blp.route("")
class Vouchers(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, VoucherSchema(many=True))
    def get(self):
        """Your vouchers, soonest to expire first."""
        return service.vouchers_of(current_user)


@blp.route("/<int:voucher_id>")
class VoucherDetail(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, VoucherDetailSchema)
    @problem_response(blp, 404, "No such voucher of yours")
    def get(self, voucher_id):
        """A voucher with the runs it can buy."""
        voucher = service.voucher_of(current_user, voucher_id)
        voucher.eligible_runs = service.runs_to_choose(current_user, voucher, date.today())
        return voucher


@blp.route("/<int:voucher_id>/redeem")
class Redeem(MethodView):
    decorators: ClassVar = [account_reader_required]  # service.redeem reads only the id

    @blp.arguments(IdempotencyKeySchema, location="headers")
    @blp.arguments(RedeemSchema)
    @blp.response(201, RedemptionSchema)
    @problem_response(blp, 404, "No such voucher of yours")
    @problem_response(blp, 409, "Already used, or the module is full")
    @problem_response(blp, 410, "Expired")
    @problem_response(blp, 422, "The voucher cannot buy this run, or the key was reused")
    def post(self, headers, data, voucher_id):
        """Redeem the voucher for a run: one enrolment, exactly once. Send an Idempotency-Key;
        a replay with the same key returns the same response."""
        status, body = service.redeem(current_user._get_current_object(), voucher_id,
                                      data["run_id"], headers["key"], date.today())
        return current_app.response_class(body, status=status, mimetype="application/json")


@blp.route("/<int:voucher_id>/cancel")
class Cancel(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, VoucherSchema)
    @problem_response(blp, 404, "No such voucher of yours")
    @problem_response(blp, 409, "Too close to the start to cancel")
    def post(self, voucher_id):
        """Cancel the voucher's enrolment (up to 14 days before the start): the voucher
        can be used again."""
        return service.cancel_redemption(current_user, voucher_id, date.today())


staff_blp = Blueprint("voucher_claims", __name__, url_prefix="/api/v1/staff/voucher-claims",
                      description="Staff: claims to vouchers the school confirms")


@staff_blp.route("")
class StaffClaims(MethodView):
    decorators: ClassVar = [login_required]

    @staff_blp.arguments(ClaimQuerySchema, location="query")
    @staff_blp.response(200, StaffVoucherClaimSchema(many=True))
    @problem_response(staff_blp, 403, "Staff only")
    def get(self, query):
        """Claims to your institution's vouchers, oldest first, with the claimant's confirmed
        address and the graduate the voucher was issued to, to compare."""
        access.require_staff(current_user)
        return claims.claims_for_staff(current_user, query["status"])


@staff_blp.route("/<int:claim_id>/decision")
class StaffClaimDecision(MethodView):
    decorators: ClassVar = [login_required]

    @staff_blp.arguments(ClaimDecisionSchema)
    @staff_blp.response(200, StaffVoucherClaimSchema)
    @problem_response(staff_blp, 403, "Staff only")
    @problem_response(staff_blp, 404, "No such claim for your institution")
    @problem_response(staff_blp, 409, "Already decided, or the voucher is someone's already")
    @problem_response(staff_blp, 410, "The voucher has expired")
    def post(self, decision, claim_id):
        """Confirm (the voucher goes into the claimant's dossier; other open claims to it are
        refused) or refuse a claim."""
        access.require_staff(current_user)
        return claims.decide(current_user, claim_id, decision["approved"])


school_blp = Blueprint("staff_vouchers", __name__, url_prefix="/api/v1/staff",
                       description="Staff: the vouchers a school issued, their letters")
PDF = {"type": "string", "format": "binary"}


def _pdf(data: bytes, filename: str):
    response = file_download(data, "application/pdf", filename)
    response.headers["Cache-Control"] = "no-store"
    return response


def school_errors(function):
    function = problem_response(school_blp, 403, "Staff only")(function)
    return problem_response(school_blp, 404, "Not a voucher of your institution")(function)


@school_blp.route("/voucher-batches")
class StaffBatches(MethodView):
    decorators: ClassVar = [login_required]

    @school_blp.response(200, StaffBatchSchema(many=True))
    @problem_response(school_blp, 403, "Staff only")
    def get(self):
        """Your institution's batches, newest first, with their number of vouchers."""
        return school.batches(current_user)


@school_blp.route("/voucher-batches/<int:batch_id>/letters")
class BatchLetters(MethodView):
    decorators: ClassVar = [login_required]

    @school_blp.arguments(LettersQuerySchema, location="query")
    @school_blp.response(200, PDF, content_type="application/pdf")
    @school_errors
    @problem_response(school_blp, 409, "No open voucher in the batch (or in this part)")
    def get(self, query, batch_id):
        """A PDF with an A4 letter per voucher of the batch nobody has claimed yet: the code,
        its QR code and the validity date; a big batch in parts (see `letter_parts`)."""
        return _pdf(*school.letters(current_user, query["language"], batch_id=batch_id,
                                    part=query["part"]))


@school_blp.route("/vouchers")
class StaffVouchers(MethodView):
    decorators: ClassVar = [login_required]

    @school_blp.arguments(StaffVoucherQuerySchema, location="query")
    @school_blp.response(200, StaffVoucherSchema(many=True))
    @problem_response(school_blp, 403, "Staff only")
    def get(self, query):
        """Your institution's vouchers with their state (issued, claimed, redeemed, expired,
        void), by graduate name."""
        return school.vouchers(current_user, query["batch"], query["state"], query["q"])


@school_blp.route("/vouchers/<int:voucher_id>/void")
class VoidVoucher(MethodView):
    decorators: ClassVar = [login_required]

    @school_blp.arguments(VoidSchema)
    @school_blp.response(200, StaffVoucherSchema)
    @school_errors
    @problem_response(school_blp, 409, "Claimed, used, expired or withdrawn already")
    def post(self, data, voucher_id):
        """Withdraw a voucher nobody has claimed, with a reason: its code stops working."""
        return school.void(current_user, voucher_id, data["reason"])


@school_blp.route("/vouchers/<int:voucher_id>/send-code")
class SendCode(MethodView):
    decorators: ClassVar = [login_required]

    @school_blp.arguments(LanguageSchema)
    @school_blp.response(200, StaffVoucherSchema)
    @school_errors
    @problem_response(school_blp, 409, "Claimed, used, expired or withdrawn")
    def post(self, data, voucher_id):
        """Mail the code to the graduate's address again, in the language given."""
        return school.send_again(current_user, voucher_id, data["language"])


@school_blp.route("/vouchers/<int:voucher_id>/letter")
class VoucherLetter(MethodView):
    decorators: ClassVar = [login_required]

    @school_blp.arguments(LanguageSchema, location="query")
    @school_blp.response(200, PDF, content_type="application/pdf")
    @school_errors
    @problem_response(school_blp, 409, "Claimed, used, expired or withdrawn")
    def get(self, query, voucher_id):
        """The letter of one open voucher as a PDF."""
        return _pdf(*school.letters(current_user, query["language"], voucher_id=voucher_id))
