from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow


class LearningRoute(db.Model):
    """A learner's saved plan: which run of each remaining block, and why."""

    __tablename__ = "learning_route"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    qualification_id: Mapped[int] = mapped_column(ForeignKey("qualification.id"))
    persona: Mapped[str] = mapped_column(String(32))
    preferences: Mapped[dict] = mapped_column(JSON)
    # The planner's plan: choices (block, run, dates, reasons), totals, exempted blocks.
    plan: Mapped[dict] = mapped_column(JSON)
    finish_date: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    qualification = relationship("Qualification")


class Enrolment(db.Model):
    """A learner's place in a run. Cancelled places keep their row, with the seat released."""

    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("account_id", "run_id", name="uq_enrolment_account_run"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id"), index=True)
    route_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_route.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(16), default="enrolled")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]

    run = relationship("Run")


class ScheduleFeed(db.Model):
    """The secret address of a learner's calendar feed; only the token's hash is stored."""

    __tablename__ = "schedule_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), unique=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecognitionRequest(db.Model):
    """A learner asks the institution to recognise a block from self-declared experience (EVC).

    The block is skipped in planning only once staff of the block's institution approve."""

    __tablename__ = "recognition_request"
    __table_args__ = (
        UniqueConstraint("account_id", "block_id", name="uq_recognition_request_account_block"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    block_id: Mapped[int] = mapped_column(ForeignKey("block.id", ondelete="CASCADE"), index=True)
    experience_item_id: Mapped[int] = mapped_column(
        ForeignKey("experience_item.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(String(16), default="requested")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL")
    )
    # Staff's reason for the decision, shown to the learner.
    decision_reason: Mapped[str | None] = mapped_column(String(500))
    # Ids of the learner's own dossier credentials offered as further evidence.
    credential_ids: Mapped[list | None] = mapped_column(JSON)

    block = relationship("Block")
    experience_item = relationship("ExperienceItem")
    account = relationship("Account", foreign_keys=[account_id])
