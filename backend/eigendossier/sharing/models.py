"""Share links (the token only as a hash), what they show, when they were opened, and the
learner's holder key that signs presentations."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow

STATES = ("active", "expired", "revoked")


class Share(db.Model):
    """A learner's chosen credentials (and experience) for one audience, behind a secret link
    that works until it expires or is revoked. Only the SHA-256 of the token is stored."""

    __tablename__ = "share"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The link's own expiry (not a credential's): the page answers 410 from this moment on.
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    account = relationship("Account")
    credentials = relationship(
        "ShareCredential", order_by="ShareCredential.position",
        cascade="all, delete-orphan", passive_deletes=True,
    )
    experience = relationship(
        "ShareExperience", order_by="ShareExperience.position",
        cascade="all, delete-orphan", passive_deletes=True,
    )

    def state(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "active" if now < self.expires_at else "expired"


class ShareCredential(db.Model):
    """A credential in a share; removing it from the dossier removes it from its shares."""

    __tablename__ = "share_credential"

    share_id: Mapped[int] = mapped_column(
        ForeignKey("share.id", ondelete="CASCADE"), primary_key=True
    )
    credential_id: Mapped[int] = mapped_column(
        ForeignKey("credential.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int]
    # An SD-JWT VC's fields the learner chose to show (sdjwtvc.AWARD_FIELDS names); the rest
    # is withheld. None for credentials that cannot hide fields.
    disclosed: Mapped[list | None] = mapped_column(JSON)

    credential = relationship("Credential")


class ShareExperience(db.Model):
    """A self-declared experience item in a share (shown as not verified)."""

    __tablename__ = "share_experience"

    share_id: Mapped[int] = mapped_column(
        ForeignKey("share.id", ondelete="CASCADE"), primary_key=True
    )
    experience_item_id: Mapped[int] = mapped_column(
        ForeignKey("experience_item.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int]

    item = relationship("ExperienceItem")


class ShareView(db.Model):
    """One opening of a share's page: the time only (no address, no browser)."""

    __tablename__ = "share_view"

    id: Mapped[int] = mapped_column(primary_key=True)
    share_id: Mapped[int] = mapped_column(ForeignKey("share.id", ondelete="CASCADE"), index=True)
    viewed_at: Mapped[datetime] = mapped_column(default=utcnow)
