"""An employer's presentation request (the verifier's side) and the learner's record of a
presentation they sent (the wallet's side)."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow


class PresentationRequest(db.Model):
    """What an employer asked for, answered at most once before it expires.

    ``request_id`` is public (it is in the QR code); the employer's page is behind a second
    secret, stored only as its SHA-256, so whoever sees the QR code cannot read the answer.
    The answer keeps only what the employer's page shows (per credential: title, issuer,
    verdict), and the row goes a day after it expired."""

    __tablename__ = "vp_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[str] = mapped_column(String(43), unique=True)
    page_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(43))
    query: Mapped[dict] = mapped_column(JSON)
    verifier_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    answered_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(20))
    result: Mapped[dict | None] = mapped_column(JSON)


class SentPresentation(db.Model):
    """A presentation the learner sent to a verifier: to whom, when, which credentials."""

    __tablename__ = "vp_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(500))
    verifier_name: Mapped[str] = mapped_column(String(120), default="")
    response_host: Mapped[str] = mapped_column(String(255))
    credential_ids: Mapped[list] = mapped_column(JSON)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
