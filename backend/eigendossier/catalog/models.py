from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Numeric,
    String,
    Table,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow

TIMES_OF_DAY = ("daytime", "evening", "weekend")
LOCATION_KINDS = ("school", "company", "community_centre", "home")
LEARNING_FORMS = ("physical", "digital", "self_study", "practical")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Institution(db.Model):
    """An mbo school: offers runs, employs staff, issues microcredentials and vouchers."""

    __tablename__ = "institution"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


block_prerequisite = Table(
    "block_prerequisite",
    db.metadata,
    Column("block_id", ForeignKey("block.id", ondelete="CASCADE"), primary_key=True),
    Column("prerequisite_id", ForeignKey("block.id", ondelete="CASCADE"), primary_key=True),
)


class Qualification(db.Model):
    """A qualification (kwalificatie, crebo code) cut into blocks offered in a carousel."""

    __tablename__ = "qualification"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    crebo: Mapped[str] = mapped_column(String(10))
    name_nl: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    level: Mapped[int]
    description_nl: Mapped[str] = mapped_column(String(2000), default="")
    description_en: Mapped[str] = mapped_column(String(2000), default="")

    institution = relationship("Institution")
    blocks = relationship(
        "Block", back_populates="qualification", order_by="Block.position",
        cascade="all, delete-orphan",
    )

    __table_args__ = (UniqueConstraint("institution_id", "crebo", name="uq_qualification_crebo"),)


class Block(db.Model):
    """An examinable work process: the unit a learner takes, offered in a fixed order."""

    __tablename__ = "block"

    id: Mapped[int] = mapped_column(primary_key=True)
    qualification_id: Mapped[int] = mapped_column(
        ForeignKey("qualification.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(32))
    name_nl: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    ec: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    hours: Mapped[int]
    position: Mapped[int]
    # [{"nl": "…", "en": "…"}], phrased verb + kind + subject + standard + context.
    learning_outcomes: Mapped[list] = mapped_column(JSON, default=list)
    # Identifiers of achievements (Open Badges achievement ids) that exempt a learner.
    exempting_achievements: Mapped[list] = mapped_column(JSON, default=list)

    qualification = relationship("Qualification", back_populates="blocks")
    prerequisites = relationship(
        "Block",
        secondary=block_prerequisite,
        primaryjoin=id == block_prerequisite.c.block_id,
        secondaryjoin=id == block_prerequisite.c.prerequisite_id,
    )
    runs = relationship("Run", back_populates="block", order_by="Run.start_date",
                        cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("qualification_id", "code", name="uq_block_code"),
        CheckConstraint("ec >= 0 AND hours >= 0", name="non_negative_load"),
    )


class Run(db.Model):
    """A block offered from a start to an end date, at a time of day, place and form."""

    __tablename__ = "run"

    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("block.id", ondelete="CASCADE"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    time_of_day: Mapped[str] = mapped_column(String(16))
    weekdays: Mapped[list] = mapped_column(JSON, default=list)
    # Local start and end time of a session, "HH:MM", for the calendar.
    starts_at: Mapped[str] = mapped_column(String(5), default="09:00")
    ends_at: Mapped[str] = mapped_column(String(5), default="12:00")
    location_kind: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(300), default="")
    learning_form: Mapped[str] = mapped_column(String(20))
    # The run's capacity; the seats taken are counted in its seat shards (RunSeatShard):
    # seats_taken, below the class, is their sum.
    seats_total: Mapped[int]
    # Unused since migration 0018_seats, always 0. Dropping it would make SQLite rebuild the
    # run table, which enrolments and the seat shards refer to.
    unused_seats_taken: Mapped[int] = mapped_column("seats_taken", default=0)

    block = relationship("Block", back_populates="runs")
    institution = relationship("Institution")

    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="ends_after_start"),
        CheckConstraint("seats_taken >= 0 AND seats_taken <= seats_total", name="seats"),
    )

    @property
    def seats_left(self) -> int:
        return self.seats_total - self.seats_taken


class RunSeatShard(db.Model):
    """A share of a run's seats, so that learners enrolling in one run at once do not all
    queue on one row: each enrolment takes a seat in a shard that no other transaction holds
    (catalog/seats.py). The shards' seats add up to the run's seats_total, their taken to
    its seats_taken; a shard never holds more than its seats (the database checks)."""

    __tablename__ = "run_seat_shard"

    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"),
                                        primary_key=True)
    shard: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seats: Mapped[int]
    taken: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        CheckConstraint("taken >= 0 AND taken <= seats", name="seats"),
    )


Run.seats_taken = column_property(
    select(func.coalesce(func.sum(RunSeatShard.taken), 0))
    .where(RunSeatShard.run_id == Run.id)
    .correlate_except(RunSeatShard)
    .scalar_subquery()
)
