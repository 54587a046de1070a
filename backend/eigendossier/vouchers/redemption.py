"""A redemption's first statement and its answer, without the ORM: the voucher, the run and
what the answer shows as one row of plain columns, the rule whether the voucher buys the run
read off that row, and the answer (the JSON of ``RedemptionSchema``) written from it.

Loading eight objects from that row (voucher, batch, school, qualification; run, block, its
qualification, school) and dumping them through the schema's nested fields cost a redemption
about 0.8 ms of CPU, more than the database spent on all its statements.
tests/api/vouchers/test_redeem.py holds the answer equal to the schema's dump."""

from datetime import date, datetime, timedelta
from functools import cache
from typing import NamedTuple

from sqlalchemy import Row, Select, bindparam, func

from eigendossier.catalog.models import Block, Institution, Qualification, Run, RunSeatShard
from eigendossier.core.extensions import db
from eigendossier.core.i18n import localized, request_language
from eigendossier.routes.models import Enrolment
from eigendossier.vouchers.models import Voucher, VoucherBatch


class Enrolled(NamedTuple):
    """What the answer shows of the enrolment (a row just inserted, or an Enrolment)."""

    id: int
    status: str
    route_id: int | None
    created_at: datetime
    cancelled_at: datetime | None


@cache
def redeemable() -> Select:
    """The learner's voucher (bound: voucher_id, account_id) with its batch's offer, school
    and qualification, and the run (run_id) with its block, the block's qualification, its
    school, its seats taken, whether the learner has a seat in another group of its
    module (``elsewhere``) and whether they have an enrolment in the run, of any status
    (``enrolled_here``). No voucher of theirs: no row; no such run: its columns None."""
    voucher, batch = Voucher.__table__, VoucherBatch.__table__
    issuer = Institution.__table__.alias("issuer")
    diploma = Qualification.__table__.alias("diploma")
    run, block = Run.__table__, Block.__table__
    module = Qualification.__table__.alias("module_qualification")
    provider = Institution.__table__.alias("provider")
    shard, enrolment, other = RunSeatShard.__table__, Enrolment.__table__, run.alias("other")
    seats_taken = (
        db.select(func.coalesce(func.sum(shard.c.taken), 0))
        .where(shard.c.run_id == run.c.id)
        .scalar_subquery()
    )
    here = db.exists().where(enrolment.c.account_id == bindparam("account_id"),
                             enrolment.c.run_id == run.c.id)
    elsewhere = db.exists().where(
        enrolment.c.account_id == bindparam("account_id"),
        enrolment.c.status == "enrolled",
        enrolment.c.run_id == other.c.id,
        other.c.block_id == run.c.block_id,
        other.c.id != run.c.id,
    )
    return (
        db.select(
            voucher.c.id.label("voucher_id"),
            voucher.c.graduation_date,
            voucher.c.valid_until,
            voucher.c.claimed_at,
            voucher.c.redeemed_at,
            batch.c.eligible_qualification_ids,
            batch.c.eligible_block_ids,
            issuer.c.name.label("issuer_name"),
            diploma.c.name_nl.label("diploma_name_nl"),
            diploma.c.name_en.label("diploma_name_en"),
            run.c.id.label("run_id"),
            run.c.code.label("run_code"),
            run.c.block_id,
            run.c.start_date,
            run.c.end_date,
            run.c.time_of_day,
            run.c.weekdays,
            run.c.starts_at,
            run.c.ends_at,
            run.c.location_kind,
            run.c.address,
            run.c.learning_form,
            run.c.seats_total,
            seats_taken.label("seats_taken"),
            provider.c.id.label("provider_id"),
            provider.c.slug.label("provider_slug"),
            provider.c.name.label("provider_name"),
            provider.c.url.label("provider_url"),
            block.c.code.label("block_code"),
            block.c.name_nl.label("block_name_nl"),
            block.c.name_en.label("block_name_en"),
            block.c.ec.label("block_ec"),
            block.c.hours.label("block_hours"),
            block.c.qualification_id.label("block_qualification_id"),
            module.c.name_nl.label("module_name_nl"),
            module.c.name_en.label("module_name_en"),
            elsewhere.label("elsewhere"),
            here.label("enrolled_here"),
        )
        .select_from(
            voucher.join(batch, batch.c.id == voucher.c.batch_id)
            .join(issuer, issuer.c.id == batch.c.institution_id)
            .join(diploma, diploma.c.id == voucher.c.qualification_id)
            .outerjoin(run, run.c.id == bindparam("run_id"))
            .outerjoin(block, block.c.id == run.c.block_id)
            .outerjoin(module, module.c.id == block.c.qualification_id)
            .outerjoin(provider, provider.c.id == run.c.institution_id)
        )
        .where(
            voucher.c.id == bindparam("voucher_id"),
            voucher.c.claimed_by_id == bindparam("account_id"),
        )
    )


def buys(row: Row, today: date) -> bool:
    """Can the voucher buy the run of a :func:`redeemable` row? The rule of
    ``service.eligible_runs``, for one run."""
    return (
        row.run_id is not None
        and (
            row.block_qualification_id in (row.eligible_qualification_ids or ())
            or row.block_id in (row.eligible_block_ids or ())
        )
        and today < row.start_date <= row.valid_until.date()
        and row.seats_taken < row.seats_total
    )


def module_name(row: Row) -> str:
    """The run's module as the learner knows it: code and name."""
    return f"{row.block_code} {localized(row, 'block_name')}"


def answer(
    row: Row, enrolment: Enrolled, seats_taken: int, redeemed_at: datetime, cancel_days: int
) -> dict:
    """The redemption's answer, as ``RedemptionSchema`` dumps the redeemed voucher and its
    enrolment: ``seats_taken`` the run's once the enrolment's seat is taken."""
    language = request_language()
    enrolled = _enrolment(row, enrolment, seats_taken, language)
    qualification = localized(row, "diploma_name", language)
    graduated = row.graduation_date.isoformat()
    return {
        "voucher": {
            "id": row.voucher_id,
            "status": "redeemed",
            "institution": row.issuer_name,
            "qualification": qualification,
            "graduation_date": graduated,
            "valid_until": row.valid_until.isoformat(),
            "seconds_left": max(0, int((row.valid_until - redeemed_at).total_seconds())),
            "claimed_at": _moment(row.claimed_at),
            "redeemed_at": redeemed_at.isoformat(),
            "enrolment": enrolled,
            "cancel_until": (row.start_date - timedelta(days=cancel_days)).isoformat(),
            "diploma": {
                "qualification": qualification,
                "graduation_date": graduated,
                "stated_by": row.issuer_name,
                "verified_credential": False,
            },
        },
        "enrolment": enrolled,
    }


def _enrolment(row: Row, enrolment: Enrolled, seats_taken: int, language: str) -> dict:
    """``EnrolmentSchema``'s dump of the enrolment in the row's run."""
    return {
        "id": enrolment.id,
        "status": enrolment.status,
        "route_id": enrolment.route_id,
        "created_at": _moment(enrolment.created_at),
        "cancelled_at": _moment(enrolment.cancelled_at),
        "run": {
            "id": row.run_id,
            "code": row.run_code,
            "block_id": row.block_id,
            "institution": _provider(row),
            "start_date": row.start_date.isoformat(),
            "end_date": row.end_date.isoformat(),
            "time_of_day": row.time_of_day,
            "weekdays": [str(day) for day in row.weekdays],
            "starts_at": row.starts_at,
            "ends_at": row.ends_at,
            "location_kind": row.location_kind,
            "address": row.address,
            "learning_form": row.learning_form,
            "seats_total": row.seats_total,
            "seats_left": row.seats_total - seats_taken,
        },
        "block": {
            "id": row.block_id,
            "code": row.block_code,
            "name": localized(row, "block_name", language),
            "ec": float(row.block_ec),
            "hours": row.block_hours,
        },
        "qualification": localized(row, "module_name", language),
        "qualification_id": row.block_qualification_id,
        "institution": _provider(row),
    }


def _provider(row: Row) -> dict:
    return {
        "id": row.provider_id,
        "slug": row.provider_slug,
        "name": row.provider_name,
        "url": row.provider_url,
    }


def _moment(value: datetime | None) -> str | None:
    """A stored moment as the schemas' UTCDateTime writes it (read back aware, in UTC)."""
    return None if value is None else value.isoformat()
