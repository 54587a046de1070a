"""What goes into a learner's data export (AVG/GDPR art. 15 and 20), file by file.

Credentials go in as they were imported (the original bytes: JSON, JWT, baked PNG or SVG);
index.html links an SVG badge's picture-only copy under badges/ instead, because an SVG opened
from the unpacked folder runs whatever script it holds. Everything else goes in as JSON in the
same shapes as the API gives it (its schemas document the fields), without secrets: no share
tokens, no push endpoints or keys, no password hash. File names say nothing personal, because
an encrypted zip does not hide them."""
import json
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from flask import render_template

from eigendossier.accounts.models import Account
from eigendossier.accounts.schemas import ProfileSchema
from eigendossier.core import audit
from eigendossier.core.models import AuditEvent
from eigendossier.credentials import ParseError
from eigendossier.credentials.svgimage import safe_svg_image
from eigendossier.dossier import experience as dossier_experience
from eigendossier.dossier import service as dossier
from eigendossier.dossier.schemas import CredentialSchema, ExperienceSchema
from eigendossier.notifications import service as notifications
from eigendossier.notifications.schemas import (
    NotificationSchema,
    NotificationSettingsSchema,
    SubscriptionSchema,
)
from eigendossier.openid4vp import wallet as openid4vp_wallet
from eigendossier.openid4vp.schemas import SentSchema
from eigendossier.privacy.messages import describe
from eigendossier.routes import enrolments as routes_enrolments
from eigendossier.routes import recognition
from eigendossier.routes import service as routes
from eigendossier.routes.schemas import (
    EnrolmentSchema,
    RecognitionRequestSchema,
    RouteSchema,
)
from eigendossier.sharing import page as sharing_page
from eigendossier.sharing import presenting
from eigendossier.sharing import service as sharing
from eigendossier.sharing.schemas import ShareSchema, ViewSchema
from eigendossier.vouchers import service as vouchers
from eigendossier.vouchers.schemas import VoucherSchema

CREDENTIALS_DIR = "credentials/"
EVIDENCE_DIR = "experience/"
BADGES_DIR = "badges/"


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")


def credential_file(credential) -> str:
    extension = dossier.EXTENSIONS.get(credential.container, "bin")
    return f"{CREDENTIALS_DIR}credential-{credential.id}.{extension}"


def badge_picture(credential) -> tuple[str, bytes] | None:
    """For a baked SVG: the name and bytes of a copy that only draws the picture (no script,
    event handlers, foreign objects or external references), for index.html to link."""
    if credential.container != "svg":
        return None
    try:
        return f"{BADGES_DIR}credential-{credential.id}.svg", safe_svg_image(credential.original)
    except ParseError:
        return None


def collect(account: Account, locale: str) -> tuple[dict[str, bytes], dict]:
    """Every file of the export but the manifest, and the manifest's own fields."""
    files: dict[str, bytes] = {}
    credentials = dossier.credentials(account)
    listed, links = [], []
    for credential in credentials:
        name = credential_file(credential)
        files[name] = credential.original
        listed.append({"file": name, **CredentialSchema(
            exclude=("image_src", "original_url")).dump(credential)})
        picture = badge_picture(credential)
        if picture is not None:
            files[picture[0]] = picture[1]
        links.append(picture[0] if picture else None if credential.container == "svg" else name)
    files["credentials.json"] = _json(listed)
    signed = presenting.dossier_presentation(account.id, credentials)
    if signed is not None:
        files["presentation.json"] = _json(signed)
    items = []
    for item in dossier_experience.experience_items(account):
        entry = ExperienceSchema().dump(item)
        if item.evidence_sealed is not None:
            extension = dossier.EVIDENCE_TYPES.get(item.evidence_type, "bin")
            entry["evidence_file"] = f"{EVIDENCE_DIR}evidence-{item.id}.{extension}"
            files[entry["evidence_file"]] = item.evidence
        items.append(entry)
    files["experience.json"] = _json(items)
    saved_routes = [routes.route_view(route) for route in routes.routes_of(account)]
    files["routes.json"] = _json(RouteSchema(many=True).dump(saved_routes))
    enrolments = routes_enrolments.enrolments_of(account, active_only=False)
    files["enrolments.json"] = _json(EnrolmentSchema(many=True).dump(enrolments))
    files["recognition-requests.json"] = _json(RecognitionRequestSchema(many=True).dump(
        recognition.recognition_requests_of(account)))
    files["vouchers.json"] = _json(VoucherSchema(many=True).dump(vouchers.vouchers_of(account)))
    files["notifications.json"] = _json(_notifications(account))
    shares = sharing.shares_of(account)
    files["shares.json"] = _json([
        {**ShareSchema().dump(share),
         "views": ViewSchema(many=True).dump(sharing.views_of(share, limit=10_000))}
        for share in shares])
    files["presentations.json"] = _json(SentSchema(many=True).dump(
        openid4vp_wallet.sent_by(account)))  # shown to verifiers through OpenID4VP
    events = audit.events_of(account.id)
    files["audit.json"] = _json([_event(event) for event in reversed(events)])
    profile = ProfileSchema().dump(account)
    files["profile.json"] = _json(profile)
    created_at = datetime.now(UTC)
    files["index.html"] = render_template(
        "privacy/export.html", locale=locale, profile=profile, created_at=created_at,
        statuses={key: str(value) for key, value in sharing_page.STATUSES.items()},
        credentials=[_credential_line(c, f["file"], link) for c, f, link in zip(
            credentials, listed, links, strict=True)],
        has_presentation=signed is not None, experience=items, routes=saved_routes,
        enrolments=enrolments, vouchers=vouchers.vouchers_of(account), shares=shares,
        events=[_event(event) for event in reversed(events)],
        **_formatters(locale, account.time_zone)).encode("utf-8")
    manifest = {"app": "Eigen Dossier", "app_version": version("eigendossier"),
                "created_at": created_at.isoformat(timespec="seconds"),
                "locale": locale,
                "counts": {"credentials": len(credentials), "experience": len(items)}}
    return files, manifest


def _notifications(account: Account) -> dict:
    inbox = notifications.inbox(account, limit=10_000)
    return {
        "settings": NotificationSettingsSchema().dump(notifications.settings_of(account)),
        # Which devices get reminders; never their push addresses or keys (secrets).
        "devices": SubscriptionSchema(exclude=("endpoint",), many=True).dump(
            notifications.subscriptions_of(account)),
        "inbox": NotificationSchema(many=True).dump(inbox["items"]),
    }


def _event(event: AuditEvent) -> dict:
    return {"action": event.action, "message": describe(event.action, event.details),
            "actor": audit.actor_kind(event),
            "created_at": event.created_at.isoformat(),
            "details": event.details}


def _credential_line(credential, file: str, link: str | None) -> dict:
    summary = credential.summary
    verification = credential.verification
    return {"title": summary.get("title"), "issuer": summary.get("issuer_name")
            or summary.get("issuer_id"), "issued_on": credential.issued_on,
            "status": verification.status if verification else "unverifiable",
            "format": credential.format, "file": file, "link": link}


def _formatters(locale: str, time_zone: str) -> dict:
    zone = ZoneInfo(time_zone)

    def fmt_date(value) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if isinstance(value, datetime):
            moment = value if value.tzinfo else value.replace(tzinfo=UTC)
            return format_date(moment.astimezone(zone).date(), "long", locale=locale)
        return format_date(value, "long", locale=locale)

    def fmt_moment(value) -> str:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return format_datetime(moment, "medium", tzinfo=zone, locale=locale)

    def fmt_last_day(value) -> str:
        """The last day of something valid until a moment (a voucher: midnight after it),
        as the app shows it."""
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return fmt_date(moment - timedelta(minutes=1))

    return {"fmt_date": fmt_date, "fmt_moment": fmt_moment, "fmt_last_day": fmt_last_day}
