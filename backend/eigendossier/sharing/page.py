"""What the employer's page shows: each shared credential with its checks, in words for an
employer (the dossier's messages speak to the learner), in the page's language."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from eigendossier.core.markdown import safe_html
from eigendossier.credentials import sdjwt, sdjwtvc
from eigendossier.dossier import messages as check_messages
from eigendossier.dossier import service as dossier
from eigendossier.dossier import trust
from eigendossier.sharing import presentation, service
from eigendossier.sharing.models import (
    Share,
)
from eigendossier.sharing.service import (
    parse_moment,
)

CHECK_NAMES = {
    "format": _l("Structure"),
    "schema": _l("Standard"),
    "proof": _l("Signature"),
    "issuer_key": _l("Issuer's key"),
    "issuer_identity": _l("Issuer"),
    "recipient": _l("Recipient"),
    "validity": _l("Validity"),
    "revocation": _l("Revocation"),
    "refresh": _l("Refresh"),
}
OUTCOMES = {
    "pass": _l("passed"),
    "warn": _l("note"),
    "fail": _l("failed"),
    "skipped": _l("not checked"),
}
STATUSES = {
    "verified": _l("Verified"),
    "verified_with_warnings": _l("Verified, with remarks"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked by the issuer"),
    "failed": _l("Not valid"),
    "unverifiable": _l("Could not be checked"),
}
STATUS_EXPLAINED = {
    "verified": _l("Every check passed: the credential is genuine, unchanged, valid and issued "
                   "to the email address of this learner's account."),
    "verified_with_warnings": _l("The credential is genuine and valid; some checks have "
                                 "remarks, listed below."),
    "expired": _l("The credential is genuine, but its own validity has ended."),
    "revoked": _l("The issuer has withdrawn this credential."),
    "failed": _l("At least one check failed; the list below says which and why."),
    "unverifiable": _l("The credential could not be checked just now, for instance because "
                       "the issuer could not be reached."),
}
TRUSTED = ("verified", "verified_with_warnings")

# The dossier's messages speak to the learner ("issued to you"); the employer reads these.
EMPLOYER_MESSAGES = {
    "recipient.matches": _l("Issued to {name}: the recipient is the email address of this "
                            "learner's account."),
    "recipient.no_match": _l("Issued to someone else: the recipient is not the email address "
                             "of {name}'s account."),
    "recipient.unlinked": _l("Issued to an identifier (such as a DID) that is not linked to "
                             "{name}'s account, so we cannot confirm it belongs to them."),
}


def _words() -> dict:
    """The page's fixed words in the request's language, looked up once per page."""
    return {"untitled": str(_l("Credential without a name")),
            **{name: {key: str(value) for key, value in table.items()}
               for name, table in (("checks", CHECK_NAMES), ("outcomes", OUTCOMES),
                                   ("statuses", STATUSES), ("explained", STATUS_EXPLAINED))}}


def _check_message(check, name: str) -> str:
    employer = EMPLOYER_MESSAGES.get(check.message_code)
    if employer:
        return str(employer).format(name=name)
    return check_messages.render(check.message_code, check.params, check.message)


def _http_url(value) -> str | None:
    return value if isinstance(value, str) and value.startswith(("https://", "http://")) else None


def credential_view(found, learner_name: str, words: dict | None = None) -> dict:
    """One shared credential as the page shows it."""
    words = words or _words()
    summary = found.summary
    achievement = summary.get("achievement") or {}
    verification = found.verification
    status = verification.status if verification else "unverifiable"
    shown_image = dossier.image_src(found) or ""
    outcomes = [o for o in achievement.get("learning_outcomes") or [] if o]
    return {
        "id": found.id,
        "title": summary.get("title") or words["untitled"],
        "description": summary.get("description") or achievement.get("description"),
        "issuer_name": summary.get("issuer_name") or summary.get("issuer_id"),
        "issuer_url": _http_url(summary.get("issuer_url")) or _http_url(summary.get("issuer_id")),
        "issuer_trust": trust.issuer_trust(summary),
        # A data: URL to show as it is; or the file, served under the share's own address.
        "image_data": shown_image if shown_image.startswith("data:") else None,
        "image_file": found.container in ("png", "svg"),
        "issued_on": parse_moment(summary.get("issued_on")),
        "valid_until": parse_moment(summary.get("expires_on")),
        "ec": achievement.get("ec"),
        "study_load_hours": achievement.get("study_load_hours"),
        "nlqf_level": achievement.get("nlqf_level"),
        "eqf_level": achievement.get("eqf_level"),
        "learning_outcomes": outcomes,
        "assessment": achievement.get("assessment"),
        "criteria": achievement.get("criteria"),
        # Sanitised by nh3 against an allow-list in safe_html: safe to insert as it is.
        "criteria_html": Markup(safe_html(achievement.get("criteria")) or ""),  # noqa: S704
        "is_micro": bool(achievement.get("ec") is not None or achievement.get("nlqf_level")
                         or achievement.get("eqf_level") or outcomes),
        "format": found.format,
        "status": status,
        "trusted": status in TRUSTED,
        "status_text": words["statuses"].get(status, status),
        "status_explained": words["explained"].get(status, ""),
        "checked_at": verification.checked_at if verification else None,
        "checks": [
            {"id": check.check_id, "name": words["checks"].get(check.check_id, check.check_id),
             "outcome": check.outcome, "outcome_text": words["outcomes"].get(check.outcome, ""),
             "message": _check_message(check, learner_name)}
            for check in (verification.checks if verification else [])
        ],
        "in_presentation": found.format in presentation.VC_FORMATS,
    }


FIELD_NAMES = {
    "learner_name": _l("name"),
    "birth_date": _l("birth date"),
    "completion_date": _l("completion date"),
    "grade": _l("grade"),
    "evidence": _l("evidence"),
}


def disclosure_view(link) -> dict:
    """What an SD-JWT credential shows on this share (read back from the chosen disclosures,
    so nothing withheld can slip in) and, by name, what it withholds."""
    shown = service.disclosure(link)
    if shown is None:
        return {"disclosed": [], "withheld": []}
    presentation, withheld = shown
    claims = sdjwt.resolve(sdjwt.parse(presentation)).claims
    values = {"learner_name": (claims.get("learner") or {}).get("name"),
              "birth_date": (claims.get("learner") or {}).get("birthdate"),
              "completion_date": claims.get("completion_date"),
              "grade": claims.get("grade"),
              "evidence": ", ".join(str(e) for e in claims.get("evidence") or []) or None}
    return {
        "disclosed": [{"name": str(FIELD_NAMES[f]).capitalize(), "value": str(values[f])}
                      for f in sdjwtvc.shown_fields(claims) if values.get(f) is not None],
        "withheld": [str(FIELD_NAMES[f]) for f in withheld],
    }


def page(share: Share) -> dict:
    """Everything the employer's page shows, in the request's language."""
    name, words = share.account.display_name, _words()
    credentials = [{**credential_view(link.credential, name, words), **disclosure_view(link)}
                   for link in share.credentials]
    return {
        "learner_name": name,
        "time_zone": share.account.time_zone,
        "label": share.label,
        "expires_at": share.expires_at,
        "credentials": credentials,
        "experience": [{"role": link.item.role, "employer": link.item.employer,
                        "start_date": link.item.start_date, "end_date": link.item.end_date,
                        "description": link.item.description} for link in share.experience],
        "has_presentation": any(c["in_presentation"] for c in credentials),
    }


def formatters(locale: str, time_zone: str) -> dict:
    """Dates, moments and numbers in a language and the learner's time zone (the page and
    the printed dossier)."""
    try:
        zone = ZoneInfo(time_zone)
    except (KeyError, ValueError):
        zone = ZoneInfo(current_app.config["DEFAULT_TIME_ZONE"])

    def as_zone(moment: datetime) -> datetime:
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone)

    def fmt_date(moment) -> str:
        if not moment:
            return ""
        day = as_zone(moment).date() if isinstance(moment, datetime) else moment
        return format_date(day, "long", locale=locale)

    return {
        "fmt_date": fmt_date,
        "fmt_datetime": lambda m: format_datetime(as_zone(m), "d MMMM y, HH:mm", tzinfo=zone,
                                                  locale=locale) if m else "",
        "fmt_number": lambda n: format_decimal(n, "#,##0.#", locale=locale),
    }
