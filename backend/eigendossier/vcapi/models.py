"""OAuth 2.0 clients of the VC-API (client credentials) and the access tokens they got.

Only SHA-256 digests of secrets and tokens are stored: both are random (256 bits), so a
fast hash suffices, and a copy of the database lets nobody issue in an institution's name."""
import hashlib
import hmac
from datetime import datetime, timedelta

from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow

ISSUE_SCOPE = "issue"
TOKEN_ENDPOINT_METHODS = ("client_secret_basic", "client_secret_post")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class OAuthClient(ClientMixin, db.Model):
    """An institution's system that may issue credentials in its name."""

    __tablename__ = "vcapi_oauth_client"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    secret_digest: Mapped[str] = mapped_column(String(64))
    institution_id: Mapped[int] = mapped_column(
        ForeignKey("institution.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(200), default=ISSUE_SCOPE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    institution = relationship("Institution")

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = self.scope.split()
        if not scope:
            return " ".join(allowed)
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return self.revoked_at is None and hmac.compare_digest(
            self.secret_digest, digest(client_secret or ""))

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in TOKEN_ENDPOINT_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"


class OAuthToken(TokenMixin, db.Model):
    """A bearer token handed out at the token endpoint."""

    __tablename__ = "vcapi_oauth_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("vcapi_oauth_client.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(200), default="")
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    client = relationship("OAuthClient")

    def check_client(self, client: OAuthClient) -> bool:
        return self.client_id == client.id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return int((self.expires_at - self.issued_at).total_seconds())

    def is_expired(self) -> bool:
        return self.expires_at <= utcnow()

    def is_revoked(self) -> bool:
        return self.client.revoked_at is not None

    @classmethod
    def lasting(cls, seconds: int, **values) -> "OAuthToken":
        now = utcnow()
        return cls(issued_at=now, expires_at=now + timedelta(seconds=seconds), **values)
