from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow


class AuditEvent(db.Model):
    """Something that happened to a learner's data, for the learner (and auditors) to read."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Whose data it concerns; and who did it (the learner, staff, or nobody for the system).
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    # The institution whose staff acted (staff actions only): what its audit page lists.
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institution.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32), default="")
    subject_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
