from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow

ROLES = ("learner", "issuer", "admin")


class Account(db.Model):
    """A person who signs in: a learner, or institution staff (issuer) or an admin."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # Empty for accounts that only sign in through OpenID Connect.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(100))
    locale: Mapped[str] = mapped_column(String(2), default="nl")
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    role: Mapped[str] = mapped_column(String(16), default="learner")
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"))
    # An issuer who also manages their institution: its signing keys, API clients and staff.
    institution_admin: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the learner opened the link mailed to `email` (or an OpenID provider, or the
    # operator, vouched for it). Empty: the address is not proven to be theirs.
    email_verified_at: Mapped[datetime | None]
    # The persona (routes.personas) the learner last planned with, so the route planner
    # opens on it next time; empty until they plan.
    persona: Mapped[str | None] = mapped_column(String(32))

    institution = relationship("Institution")
    sessions = relationship(
        "SignInSession", back_populates="account", cascade="all, delete-orphan"
    )
    identities = relationship(
        "OidcIdentity", back_populates="account", cascade="all, delete-orphan"
    )

    # Flask-Login's user protocol.
    is_active = True
    is_anonymous = False
    is_authenticated = True

    def get_id(self) -> str:
        return str(self.id)

    @property
    def roles(self) -> list[str]:
        return ["learner"] if self.role == "learner" else [self.role]

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


class SignInSession(db.Model):
    """One signed-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "sign_in_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Updated at most every few minutes (accounts/sessions.py), not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    # A coarse label from the User-Agent at sign-in ("Firefox", "Android"); never an address.
    browser: Mapped[str] = mapped_column(String(40), default="")
    os: Mapped[str] = mapped_column(String(40), default="")

    account = relationship("Account", back_populates="sessions")


class AccountToken(db.Model):
    """A single-use link sent by mail: confirm an address, or choose a new password. Only the
    SHA-256 of the token is stored; `used_at` is set by one conditional UPDATE."""

    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The address the link was mailed to: a verification proves that address only.
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class OidcIdentity(db.Model):
    """An account's identity at an OpenID Connect provider (eduID): provider + subject."""

    __tablename__ = "oidc_identity"
    __table_args__ = (
        UniqueConstraint("provider", "subject", name="uq_oidc_identity_provider_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    provider: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    account = relationship("Account", back_populates="identities")
