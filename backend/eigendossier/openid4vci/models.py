"""Offers of an award to a wallet, the access tokens they were traded for and the key-proof
nonces handed out. Codes, tokens and nonces are random (256 bits) and stored only as their
SHA-256: a copy of the database redeems nothing."""
import hashlib
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


PRE_AUTHORIZED = "pre-authorized_code"
AUTHORIZATION_CODE = "authorization_code"


class VciOffer(db.Model):
    """An award offered through OpenID4VCI with a pre-authorized code: single use, expires,
    optionally guarded by a transaction code (sent to the learner separately) that may be
    tried wrong only a few times. Or (``flow`` authorization_code) an authorization code the
    signed-in learner gave a wallet: bound to its client id, redirect URI and PKCE challenge,
    and never redeemable as a pre-authorized code."""

    __tablename__ = "vci_offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    issued_credential_id: Mapped[int] = mapped_column(
        ForeignKey("issued_credential.id", ondelete="CASCADE"), index=True)
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    tx_code_digest: Mapped[str | None] = mapped_column(String(64))
    tx_attempts: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id",
                                                                 ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    redeemed_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    # The format the wallet took and the DID it was bound to (a pseudonymous key).
    delivered_format: Mapped[str] = mapped_column(String(20), default="")
    holder: Mapped[str] = mapped_column(String(600), default="")
    flow: Mapped[str] = mapped_column(String(20), default=PRE_AUTHORIZED)
    client_id: Mapped[str] = mapped_column(String(200), default="")
    redirect_uri: Mapped[str] = mapped_column(String(1000), default="")
    code_challenge: Mapped[str] = mapped_column(String(128), default="")

    issued = relationship("IssuedCredential")


class VciAccessToken(db.Model):
    """A bearer token for the credential endpoint, good for one credential of one offer."""

    __tablename__ = "vci_access_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("vci_offer.id", ondelete="CASCADE"),
                                          index=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    offer = relationship("VciOffer")


class VciNonce(db.Model):
    """A ``c_nonce`` from the nonce endpoint: deleted when a key proof redeems it."""

    __tablename__ = "vci_nonce"

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce_digest: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class VciWalletFlow(db.Model):
    """Our wallet's side of an authorization code flow in progress: the learner was sent to
    an issuer to sign in; the ``state`` that comes back (stored as its SHA-256) finds this
    row, once, for this learner only, within ten minutes. The PKCE verifier never leaves the
    server."""

    __tablename__ = "vci_wallet_flow"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"),
                                            index=True)
    state_digest: Mapped[str] = mapped_column(String(64), unique=True)
    code_verifier: Mapped[str] = mapped_column(String(128))
    link: Mapped[str] = mapped_column(Text)
    token_endpoint: Mapped[str] = mapped_column(String(2000))
    authorization_issuer: Mapped[str] = mapped_column(String(2000))
    expires_at: Mapped[datetime]
