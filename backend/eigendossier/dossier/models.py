"""Credentials (original bytes and parsed summary encrypted at rest), their latest
verification result with one row per check, and self-declared experience items."""
import uuid
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eigendossier.core.encryption import SealedPrivateKey, keyring
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow

STATUSES = ("verified", "verified_with_warnings", "expired", "revoked", "failed",
            "unverifiable")
TRUSTED_STATUSES = ("verified", "verified_with_warnings")
OUTCOMES = ("pass", "warn", "fail", "skipped")


def _new_uuid() -> str:
    return str(uuid.uuid4())


class Credential(db.Model):
    """A credential in a learner's dossier, kept verbatim (encrypted) next to its summary."""

    __tablename__ = "credential"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Binds the ciphertexts to this row (associated data); never shown.
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=_new_uuid)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    # ob2_hosted, ob2_signed, ob3_jwt, ob3_data_integrity, other_vc
    format: Mapped[str] = mapped_column(String(32))
    # png, svg, json, jws: how it arrived
    container: Mapped[str] = mapped_column(String(8))
    # open_badge, endorsement, other_credential
    kind: Mapped[str] = mapped_column(String(20))
    # Keyed hash (HMAC) of the credential's content: the same credential twice is refused.
    content_hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(32))
    original_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    summary_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    # Open Badges achievement ids (BadgeClass / Achievement ids): what the catalogue exempts.
    achievement_ids: Mapped[list] = mapped_column(JSON, default=list)
    issued_on: Mapped[datetime | None]
    # Plain (not sealed) so the alert tick can find credentials that expire soon.
    expires_on: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    verification = relationship(
        "VerificationResult", back_populates="credential", uselist=False,
        cascade="all, delete-orphan", passive_deletes=True,
    )

    __table_args__ = (
        UniqueConstraint("account_id", "content_hash", name="uq_credential_account_content"),
    )

    def _aad(self, column: str) -> str:
        return f"credential:{self.uuid}:{self.account_id}:{column}"

    def seal(self, original: bytes, summary: dict) -> None:
        """Encrypt the original bytes and the summary with the current key."""
        if self.uuid is None:
            self.uuid = _new_uuid()
        ring = keyring()
        sealed_original = ring.seal(original, self._aad("original"))
        sealed_summary = ring.seal_json(summary, self._aad("summary"))
        self.key_id = sealed_original.key_id
        self.original_sealed = sealed_original.blob
        self.summary_sealed = sealed_summary.blob
        self.__dict__.pop("_summary", None)

    @property
    def original(self) -> bytes:
        return keyring().open(self.key_id, self.original_sealed, self._aad("original"))

    @property
    def summary(self) -> dict:
        if "_summary" not in self.__dict__:
            self.__dict__["_summary"] = keyring().open_json(
                self.key_id, self.summary_sealed, self._aad("summary"))
        return self.__dict__["_summary"]


class VerificationResult(db.Model):
    """The latest verification of a credential (older results are replaced)."""

    __tablename__ = "verification_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[int] = mapped_column(
        ForeignKey("credential.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(32))
    checked_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Since when no verification has given a definite answer (the status was unverifiable or
    # verifying again raised); None while it has. The dossier alert waits for 7 days of it.
    unverifiable_since: Mapped[datetime | None]

    credential = relationship("Credential", back_populates="verification")
    checks = relationship(
        "VerificationCheck", back_populates="result", order_by="VerificationCheck.position",
        cascade="all, delete-orphan", passive_deletes=True,
    )


class VerificationCheck(db.Model):
    """One step of a verification: its id (proof, recipient…), outcome and message."""

    __tablename__ = "verification_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(
        ForeignKey("verification_result.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    check_id: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(10))
    message_code: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    # The library's English default; the API sends the message in the learner's language.
    message: Mapped[str] = mapped_column(String(500), default="")

    result = relationship("VerificationResult", back_populates="checks")


class ExperienceItem(db.Model):
    """Work or volunteering experience the learner declares themselves (for recognition of
    prior learning): nobody has verified it."""

    __tablename__ = "experience_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=_new_uuid)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(200))
    employer: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    description: Mapped[str] = mapped_column(String(4000), default="")
    evidence_name: Mapped[str | None] = mapped_column(String(200))
    evidence_type: Mapped[str | None] = mapped_column(String(100))
    evidence_size: Mapped[int | None]
    evidence_key_id: Mapped[str | None] = mapped_column(String(32))
    evidence_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def _aad(self) -> str:
        return f"experience:{self.uuid}:{self.account_id}:evidence"

    def seal_evidence(self, data: bytes, name: str, content_type: str) -> None:
        if self.uuid is None:
            self.uuid = _new_uuid()
        sealed = keyring().seal(data, self._aad())
        self.evidence_key_id, self.evidence_sealed = sealed.key_id, sealed.blob
        self.evidence_name, self.evidence_type, self.evidence_size = name, content_type, len(data)

    def clear_evidence(self) -> None:
        self.evidence_key_id = self.evidence_sealed = None
        self.evidence_name = self.evidence_type = self.evidence_size = None

    @property
    def evidence_info(self) -> dict | None:
        if self.evidence_sealed is None:
            return None
        return {"name": self.evidence_name, "content_type": self.evidence_type,
                "size": self.evidence_size}

    @property
    def evidence(self) -> bytes | None:
        if self.evidence_sealed is None:
            return None
        return keyring().open(self.evidence_key_id, self.evidence_sealed, self._aad())


class HolderKey(SealedPrivateKey, db.Model):
    """The Ed25519 key that signs a learner's presentations, as did:key. The private key is
    sealed with the encryption-at-rest keyring, bound to this account and public key."""

    __tablename__ = "holder_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), unique=True
    )
    public_multikey: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(32))
    private_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def _aad(self) -> str:
        return f"holder_key:{self.account_id}:{self.public_multikey}"

    @property
    def did(self) -> str:
        return f"did:key:{self.public_multikey}"

    @property
    def verification_method(self) -> str:
        return f"{self.did}#{self.public_multikey}"
