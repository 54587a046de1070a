"""Building checks and deriving the overall status from them."""

from __future__ import annotations

from typing import Any

from .errors import CredentialError
from .model import Check, Outcome, Status


def passed(check_id: str, code: str, message: str, **params: Any) -> Check:
    return Check(check_id, "pass", code, params, message)


def warned(check_id: str, code: str, message: str, **params: Any) -> Check:
    return Check(check_id, "warn", code, params, message)


def failed(check_id: str, code: str, message: str, **params: Any) -> Check:
    return Check(check_id, "fail", code, params, message)


def skipped(check_id: str, code: str, message: str, **params: Any) -> Check:
    return Check(check_id, "skipped", code, params, message)


def from_error(check_id: str, error: CredentialError, outcome: Outcome = "fail") -> Check:
    return Check(check_id, outcome, error.code, dict(error.params), error.message)


# Skipped checks that leave the verdict open: the key is not tied to the issuer, or a declared
# status could not be read. Without them the credential may be fine, or may be revoked.
UNDETERMINED = frozenset(
    {
        "issuer_identity.unbound",
        "revocation.unavailable",
        "revocation.list_untrusted",
        "revocation.list_invalid",
        "revocation.list_too_large",
        "revocation.entry_invalid",
        "revocation.index_out_of_range",
    }
)


def overall_status(checks: list[Check]) -> Status:
    """failed > unverifiable > revoked > expired > verified_with_warnings > verified.

    ``failed`` is only for evidence against the credential: a signature that does not verify,
    a wrong key, a broken date, a malformed credential. A proof that could not be checked (an
    unknown context, a key that cannot be fetched) or a status that could not be read gives
    ``unverifiable``: its dates and status cannot be trusted either. Expiry alone gives
    ``expired``; any other date problem (not yet valid, expires before issue) is a failure.
    """
    hard = revoked = expired = signed = undetermined = warning = False
    for check in checks:
        if check.outcome == "fail":
            if check.id == "revocation":
                revoked = True
            elif check.id == "validity" and check.message_code == "validity.expired":
                expired = True
            else:
                hard = True
        elif check.outcome == "pass":
            signed = signed or check.id == "proof"
        elif check.outcome == "skipped":
            undetermined = undetermined or check.message_code in UNDETERMINED
        elif check.outcome == "warn":
            warning = True
    if hard:
        return "failed"
    if not signed:
        return "unverifiable"
    if revoked:
        return "revoked"
    if undetermined:
        return "unverifiable"
    if expired:
        return "expired"
    return "verified_with_warnings" if warning else "verified"
