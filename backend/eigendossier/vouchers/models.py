from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eigendossier.core.encryption import keyring
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow


class VoucherBatch(db.Model):
    """Vouchers issued together to a year's graduates, with the offer they may choose from."""

    __tablename__ = "voucher_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL")
    )
    # Ids of qualifications and of single blocks whose runs a voucher of this batch may buy.
    eligible_qualification_ids: Mapped[list] = mapped_column(JSON, default=list)
    eligible_block_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    institution = relationship("Institution")


class Voucher(db.Model):
    """One graduate's right to one LLO module. A code is found by its HMAC-SHA256 under a
    server-side pepper; the school's copy of the code, for printing a letter or mailing it
    again, is kept sealed with the encryption-at-rest keyring (a copy of the database alone
    reveals no code)."""

    __tablename__ = "voucher"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("voucher_batch.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The school's own record of whom it issued the voucher to: kept when that person erases
    # their account (core/erase.py), as is the rest of this row, unlinked.
    graduate_name: Mapped[str] = mapped_column(String(200), info={"personal": "issuance"})
    graduate_email: Mapped[str] = mapped_column(String(254), info={"personal": "issuance"})
    graduation_date: Mapped[date]
    qualification_id: Mapped[int] = mapped_column(ForeignKey("qualification.id"))
    # The end of (graduation date + 5 years) in Europe/Amsterdam, stored in UTC.
    valid_until: Mapped[datetime]
    claimed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"), index=True
    )
    claimed_at: Mapped[datetime | None]
    redeemed_at: Mapped[datetime | None]
    enrolment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrolment.id", ondelete="SET NULL")
    )
    code_key_id: Mapped[str | None] = mapped_column(String(32))
    code_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The school withdrew it before anyone claimed it (a wrong address, a diploma revoked).
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str | None] = mapped_column(String(500))

    batch = relationship("VoucherBatch")
    qualification = relationship("Qualification")
    enrolment = relationship("Enrolment")

    def _aad(self) -> str:
        return f"voucher:{self.code_hash}:code"

    def seal_code(self, code: str) -> None:
        """Keep the school's copy of the code (its hash must be set first: it binds the seal)."""
        sealed = keyring().seal(code.encode("ascii"), self._aad())
        self.code_key_id, self.code_sealed = sealed.key_id, sealed.blob

    @property
    def code(self) -> str | None:
        """The plain code, or None for a voucher issued before codes were kept."""
        if self.code_sealed is None or self.code_key_id is None:
            return None
        return keyring().open(self.code_key_id, self.code_sealed, self._aad()).decode("ascii")


class VoucherClaim(db.Model):
    """A learner's claim to a voucher whose graduate's address is not the learner's confirmed
    address: the school that issued it confirms (the voucher becomes the learner's) or refuses.
    """

    __tablename__ = "voucher_claim"
    __table_args__ = (
        UniqueConstraint("voucher_id", "account_id", name="uq_voucher_claim_voucher_account"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    voucher_id: Mapped[int] = mapped_column(ForeignKey("voucher.id"), index=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL")
    )

    voucher = relationship("Voucher")
    account = relationship("Account", foreign_keys=[account_id])


class IdempotentResponse(db.Model):
    """The response to a request sent with an Idempotency-Key, replayed for the same key."""

    __tablename__ = "idempotent_response"
    __table_args__ = (UniqueConstraint("account_id", "key", name="uq_idempotent_response_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    request_fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int]
    body: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
