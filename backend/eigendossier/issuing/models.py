"""Issuer profiles and keys, achievement texts, status lists and issued credentials."""
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eigendossier.core.encryption import SealedPrivateKey, keyring
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow

ASSESSMENT_TYPES = ("practical_exam", "knowledge_test", "portfolio", "assignment",
                    "observation", "proof_of_competence")


class IssuerProfile(db.Model):
    """An institution as an issuer. ``base_url`` is fixed when the profile is made: the did:web
    identifier, status list URLs and achievement ids of every credential derive from it."""

    __tablename__ = "issuer_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), unique=True)
    base_url: Mapped[str] = mapped_column(String(300))
    did: Mapped[str] = mapped_column(String(400), unique=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    image_url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    institution = relationship("Institution")
    keys = relationship("IssuerKey", back_populates="profile", order_by="IssuerKey.number",
                        cascade="all, delete-orphan")


class IssuerKey(SealedPrivateKey, db.Model):
    """An Ed25519 signing key of an issuer, published as ``<did>#key-<number>``. The newest
    signs; older ones stay in the DID document so earlier credentials keep verifying. The
    private key is sealed with the encryption-at-rest keyring, bound to this key's identity."""

    __tablename__ = "issuer_key"
    __table_args__ = (UniqueConstraint("profile_id", "number", name="uq_issuer_key_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("issuer_profile.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    public_multikey: Mapped[str] = mapped_column(String(64), unique=True)
    key_id: Mapped[str] = mapped_column(String(32))
    private_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    profile = relationship("IssuerProfile", back_populates="keys")

    def _aad(self) -> str:
        return f"issuer_key:{self.profile_id}:{self.public_multikey}"

    @property
    def fragment(self) -> str:
        return f"key-{self.number}"


class AchievementText(db.Model):
    """What staff say about a block as an achievement, beyond the catalogue: description,
    criteria (nl, en) and how it is assessed. Without a row, texts are made from the block."""

    __tablename__ = "achievement_text"

    block_id: Mapped[int] = mapped_column(
        ForeignKey("block.id", ondelete="CASCADE"), primary_key=True)
    description_nl: Mapped[str] = mapped_column(String(2000), default="")
    description_en: Mapped[str] = mapped_column(String(2000), default="")
    criteria_nl: Mapped[str] = mapped_column(String(4000), default="")
    criteria_en: Mapped[str] = mapped_column(String(4000), default="")
    assessment_type: Mapped[str] = mapped_column(String(32), default="practical_exam")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class StatusList(db.Model):
    """An institution's Bitstring Status List (revocation). Positions are handed out in
    sequence but mapped to indexes by a secret affine permutation (``a`` odd), so the index of
    a credential does not tell how many were issued before it. ``document`` is the signed
    status list credential, signed again on every change."""

    __tablename__ = "status_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("issuer_profile.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16), default="revocation")
    size: Mapped[int]
    used: Mapped[int] = mapped_column(default=0)
    a: Mapped[int]
    b: Mapped[int]
    bits: Mapped[bytes] = mapped_column(LargeBinary)
    url: Mapped[str] = mapped_column(String(500))
    document: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    profile = relationship("IssuerProfile")


class IssuedCredential(db.Model):
    """A credential an institution issued to a learner. Both signed forms (Data Integrity
    JSON and VC-JWT) are kept sealed; the dossier holds the default form as the learner's copy.
    The row outlives the learner's copy (and account) so the issuer can still revoke it."""

    __tablename__ = "issued_credential"
    __table_args__ = (
        UniqueConstraint("status_list_id", "status_index", name="uq_issued_status_index"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("issuer_profile.id"), index=True)
    block_id: Mapped[int | None] = mapped_column(
        ForeignKey("block.id", ondelete="SET NULL"), index=True)
    achievement_id: Mapped[str] = mapped_column(String(500))
    achievement_name: Mapped[str] = mapped_column(String(200))
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"), index=True)
    credential_id: Mapped[int | None] = mapped_column(
        ForeignKey("credential.id", ondelete="SET NULL"), index=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id",
                                                                 ondelete="SET NULL"))
    status_list_id: Mapped[int] = mapped_column(ForeignKey("status_list.id"))
    status_index: Mapped[int]
    proof: Mapped[str] = mapped_column(String(20))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id",
                                                                  ondelete="SET NULL"))
    revocation_reason: Mapped[str] = mapped_column(String(500), default="")
    key_id: Mapped[str] = mapped_column(String(32))
    forms_sealed: Mapped[bytes] = mapped_column(LargeBinary)

    status_list = relationship("StatusList")
    account = relationship("Account", foreign_keys=[account_id])

    def _aad(self) -> str:
        return f"issued_credential:{self.uuid}"

    def seal(self, forms: dict) -> None:
        sealed = keyring().seal_json(forms, self._aad())
        self.key_id, self.forms_sealed = sealed.key_id, sealed.blob

    @property
    def forms(self) -> dict:
        """``{"json": <credential with Data Integrity proof>, "jwt": "<compact VC-JWT>"}``"""
        return keyring().open_json(self.key_id, self.forms_sealed, self._aad())
