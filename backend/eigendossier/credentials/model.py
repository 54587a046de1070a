"""The library's result types: checks, verification result, parsed credential and summary."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

Outcome = Literal["pass", "warn", "fail", "skipped"]
Status = Literal[
    "verified", "verified_with_warnings", "expired", "revoked", "failed", "unverifiable"
]
Kind = Literal["open_badge", "endorsement", "other_credential"]
CHECK_IDS = (
    "format",
    "schema",
    "proof",
    "issuer_key",
    "issuer_identity",
    "recipient",
    "validity",
    "revocation",
    "refresh",
)
FORMATS = ("ob2_hosted", "ob2_signed", "ob3_jwt", "ob3_data_integrity", "other_vc", "sd_jwt_vc")


@dataclass(frozen=True, init=False)
class Check:
    """One verification step. ``message_code`` + ``params`` are for translation (nl/en);
    ``message`` is the English default."""

    id: str
    outcome: Outcome
    message_code: str
    params: dict[str, Any] = field(default_factory=dict)
    message: str = ""

    def __init__(
        self,
        id: str,
        outcome: Outcome,
        message_code: str,
        params: dict[str, Any] | None = None,
        message: str = "",
    ) -> None:
        # Still frozen, but filled in one go: the generated __init__ of a frozen dataclass
        # sets each field through object.__setattr__, 1 us more a check on this machine,
        # and a verification makes ten of them.
        values = self.__dict__
        values["id"] = id
        values["outcome"] = outcome
        values["message_code"] = message_code
        values["params"] = {} if params is None else params
        values["message"] = message


@dataclass
class Achievement:
    """What was achieved, including the Dutch microcredential fields (edubadges / NLQF)."""

    id: str | None = None
    name: str | None = None
    description: str | None = None
    achievement_type: str | None = None
    criteria: str | None = None
    ec: float | None = None
    nlqf_level: str | None = None
    eqf_level: str | None = None
    learning_outcomes: list[str] = field(default_factory=list)
    assessment: str | None = None
    education_program_id: str | None = None
    study_load_hours: float | None = None


@dataclass
class CredentialSummary:
    """What the app shows and stores next to the verbatim original."""

    format: str
    kind: Kind = "open_badge"
    credential_id: str | None = None
    title: str | None = None
    description: str | None = None
    issuer_id: str | None = None
    issuer_name: str | None = None
    issuer_url: str | None = None
    image: str | None = None
    issued_on: datetime | None = None
    expires_on: datetime | None = None
    recipient: str | None = None
    achievement: Achievement = field(default_factory=Achievement)


@dataclass(frozen=True)
class ParsedCredential:
    """A credential read from its container; not yet verified.

    ``document`` is the OB 2.0 assertion or the VC as JSON; ``jws`` the compact JWS when the
    credential was signed as one (OB 2.0 signed, VC-JWT); ``container`` is png, svg, json or
    jws.
    """

    format: str
    container: str
    document: dict[str, Any]
    raw: bytes
    summary: CredentialSummary
    jws: str | None = None
    jws_header: dict[str, Any] | None = None
    jwt_claims: dict[str, Any] | None = None


@dataclass
class VerificationResult:
    status: Status
    checks: list[Check]
    summary: CredentialSummary

    def checks_for(self, check_id: str) -> list[Check]:
        return [c for c in self.checks if c.id == check_id]

    def outcome(self, check_id: str) -> Outcome | None:
        """The worst outcome recorded for ``check_id`` (None when it did not run)."""
        order = ("fail", "warn", "pass", "skipped")
        outcomes = {c.outcome for c in self.checks_for(check_id)}
        return next((o for o in order if o in outcomes), None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
