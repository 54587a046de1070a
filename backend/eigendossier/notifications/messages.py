"""What a reminder says, in the learner's language, and how it travels (TTL, urgency)."""
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from flask_babel import force_locale, gettext, ngettext

from eigendossier.core.i18n import LOCALES

MODULE_START = "module_start"
VOUCHER_EXPIRY = "voucher_expiry"
CREDENTIAL_REVOKED = "credential_revoked"
CREDENTIAL_EXPIRING = "credential_expiring"
CREDENTIAL_UNVERIFIABLE = "credential_unverifiable"
ALERT_KINDS = (CREDENTIAL_REVOKED, CREDENTIAL_EXPIRING, CREDENTIAL_UNVERIFIABLE)
KINDS = (MODULE_START, VOUCHER_EXPIRY, *ALERT_KINDS)
HOUR = 3600


@dataclass(frozen=True)
class Text:
    title: str
    body: str
    url: str


def _locale(locale: str) -> str:
    return locale if locale in LOCALES else "nl"


def module_start(locale: str, today: date, block_name: str, start_day: date,
                 starts_at: str, place: str) -> Text:
    locale = _locale(locale)
    days = (start_day - today).days
    with force_locale(locale):
        if days <= 0:
            title = gettext("Your module starts today")
        elif days == 1:
            title = gettext("Your module starts tomorrow")
        else:
            title = ngettext("Your module starts in %(num)s day",
                             "Your module starts in %(num)s days", days)
        when = format_date(start_day, format="full", locale=locale)
        if place:
            body = gettext("%(module)s starts on %(day)s at %(time)s, %(place)s.",
                           module=block_name, day=when, time=starts_at, place=place)
        else:
            body = gettext("%(module)s starts on %(day)s at %(time)s.",
                           module=block_name, day=when, time=starts_at)
    return Text(title, body, "/rooster")


def voucher_expiry(locale: str, today: date, qualification: str, institution: str,
                   last_day: date) -> Text:
    locale = _locale(locale)
    days = (last_day - today).days
    with force_locale(locale):
        if days <= 0:
            title = gettext("Your voucher expires today")
        else:
            title = ngettext("Your voucher expires in %(num)s day",
                             "Your voucher expires in %(num)s days", days)
        body = gettext("Your voucher for %(qualification)s (%(institution)s) is valid until "
                       "%(day)s. Choose a module in time.",
                       qualification=qualification, institution=institution,
                       day=format_date(last_day, format="long", locale=locale))
    return Text(title, body, "/vouchers")


def credential_alert(locale: str, kind: str, name: str, credential_id: int,
                     expires_on: date | None = None) -> Text:
    """What a dossier alert says: the credential by its name, and what the learner can do."""
    locale = _locale(locale)
    with force_locale(locale):
        if kind == CREDENTIAL_REVOKED:
            title = gettext("A credential in your dossier was revoked")
            body = gettext("The issuer revoked %(name)s. It no longer counts as proof; ask the "
                           "issuer if you think this is a mistake.", name=name)
        elif kind == CREDENTIAL_EXPIRING:
            title = gettext("A credential in your dossier expires soon")
            body = gettext("%(name)s is valid until %(day)s. Ask the issuer whether you can "
                           "renew it.", name=name,
                           day=format_date(expires_on, format="long", locale=locale))
        else:
            title = gettext("A credential in your dossier cannot be checked")
            body = gettext("For a week now %(name)s could not be verified again (the issuer's "
                           "keys or status list cannot be reached). Employers may not be able "
                           "to check it either.", name=name)
    return Text(title, body, f"/dossier/{credential_id}")


def ttl_seconds(kind: str, lead_days: int) -> int:
    """How long a push service may hold the message for an offline device: 48 h for the
    7-day module reminder, 12 h for the 1-day one; about a third of the lead time between,
    a week for the early voucher reminders. Push services cap TTL at about four weeks."""
    if kind in ALERT_KINDS:
        return 48 * HOUR
    if kind == MODULE_START:
        if lead_days <= 0:
            return 4 * HOUR
        if lead_days == 1:
            return 12 * HOUR
        return min(48, 8 * lead_days) * HOUR
    if lead_days >= 30:
        return 7 * 24 * HOUR
    if lead_days >= 7:
        return 48 * HOUR
    return 12 * HOUR


def urgency(kind: str, lead_days: int) -> str:
    """RFC 8030 Urgency: a module tomorrow is worth waking a phone for; a voucher that
    expires in three months is not."""
    if kind == MODULE_START:
        return "high" if lead_days <= 1 else "normal"
    if kind in ALERT_KINDS:
        return "normal"
    return "low" if lead_days >= 30 else "normal"
