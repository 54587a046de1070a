"""What the employer's request page shows, in the page's language: what was asked, and once
answered, each presented credential with its checks (stored as codes, worded here)."""
from flask_babel import lazy_gettext as _l

from eigendossier.dossier import messages as check_messages
from eigendossier.openid4vp import verifier
from eigendossier.openid4vp.models import PresentationRequest
from eigendossier.sharing import page as share_page
from eigendossier.sharing.service import parse_moment

STATES = {
    "waiting": _l("Waiting for the answer"),
    "verified": _l("Verified"),
    "failed": _l("Not verified"),
    "declined": _l("The learner declined"),
    "expired": _l("This request has expired"),
}


def _field(name: str) -> str:
    return str(share_page.FIELD_NAMES.get(name, name))


def _credential(stored: dict) -> dict:
    status = stored.get("status", "unverifiable")
    return {
        "disclosed": [{"name": _field(name).capitalize(), "value": value}
                      for name, value in (stored.get("disclosed") or {}).items()],
        "withheld": [_field(name) for name in stored.get("withheld") or []],
        "title": stored.get("title") or str(_l("Credential without a name")),
        "issuer_name": stored.get("issuer_name"),
        "issued_on": parse_moment(stored.get("issued_on")),
        "ec": stored.get("ec"),
        "trusted": bool(stored.get("trusted")),
        "status": status,
        "status_text": str(share_page.STATUSES.get(status, status)),
        "checks": [{"name": str(share_page.CHECK_NAMES.get(c["id"], c["id"])),
                    "outcome": c["outcome"],
                    "outcome_text": str(share_page.OUTCOMES.get(c["outcome"], "")),
                    "message": check_messages.render(c["code"], c.get("params") or {},
                                                     c.get("message", ""))}
                   for c in stored.get("checks", [])],
    }


def content(request: PresentationRequest) -> dict:
    state = verifier.state_of(request)
    result = request.result or {}
    return {
        "state": state,
        "state_text": str(STATES[state]),
        "verifier_name": request.verifier_name,
        "achievement": verifier.asked_achievement(request),
        "expires_at": request.expires_at,
        "holder": result.get("holder"),
        "credentials": [_credential(c) for c in result.get("credentials", [])],
    }
