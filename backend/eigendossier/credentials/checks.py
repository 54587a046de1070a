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


def _failing(checks: list[Check]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for check in checks:
        if check.outcome == "fail":
            out.setdefault(check.id, set()).add(check.message_code)
    return out


def overall_status(checks: list[Check]) -> Status:
    """failed > unverifiable > revoked > expired > verified_with_warnings > verified.

    A credential whose proof could not be checked (key or document unavailable) is
    ``unverifiable``: its dates and status cannot be trusted either. Expiry alone gives
    ``expired``; any other date problem (not yet valid, expires before issue) is a failure.
    """
    failing = _failing(checks)
    hard = set(failing) - {"validity", "revocation"}
    if hard or failing.get("validity", set()) - {"validity.expired"}:
        return "failed"
    if not any(c.id == "proof" and c.outcome == "pass" for c in checks):
        return "unverifiable"
    if "revocation" in failing:
        return "revoked"
    if "validity" in failing:
        return "expired"
    if any(c.outcome == "warn" for c in checks):
        return "verified_with_warnings"
    return "verified"
