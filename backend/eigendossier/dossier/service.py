"""Dossier operations: import, verify, read and delete credentials; experience items.

No request, no response: the API, the CLI and jobs call these. Every write is one
transaction; a refused import writes nothing.
"""
import base64
import hashlib
import hmac
import json
import logging
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from eigendossier.accounts.models import Account
from eigendossier.core import outbound, rotation
from eigendossier.core.errors import DomainError, NotFound
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.credentials import (
    FetchError,
    sdjwtvc,
)
from eigendossier.dossier import verification
from eigendossier.dossier.models import (
    TRUSTED_STATUSES,
    Credential,
    ExperienceItem,
    VerificationCheck,
    VerificationResult,
)

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "json": "application/json",
    "jws": "application/jwt",
    "sd-jwt": "application/dc+sd-jwt",
}
EXTENSIONS = {"png": "png", "svg": "svg", "json": "json", "jws": "jwt", "sd-jwt": "sd-jwt"}
# Evidence files: what a phone's camera roll or a scanner gives, recognised by content.
EVIDENCE_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "image/heic": "heic",
}
DISPLAYABLE_IMAGES = ("data:image/png;", "data:image/jpeg;", "data:image/gif;",
                      "data:image/webp;", "data:image/svg+xml;")
MAX_INLINE_IMAGE = 512 * 1024


class DuplicateCredential(DomainError):
    status = 409
    slug = "credential-duplicate"
    title = _l("This credential is already in your dossier")
    detail = _l("You imported it before; it was not added a second time.")


class EvidenceRefused(DomainError):
    status = 422
    slug = "evidence-refused"
    title = _l("This file cannot be used as evidence")
    detail = _l("Add a PDF, or a photo or scan as PNG, JPEG, WebP or HEIC.")


# -- import ----------------------------------------------------------------------------------


def _json_safe(value):
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _content_hash(account_id: int, parsed) -> str:
    """Keyed hash of what the credential says (the same credential as PNG, SVG or JSON gives
    the same hash); keyed, so the column does not reveal which public badge it is."""
    content = parsed.jws or json.dumps(parsed.document, sort_keys=True, ensure_ascii=False)
    key = hashlib.sha256(b"eigendossier/dedupe|" + str(current_app.config["SECRET_KEY"]).encode())
    return hmac.new(key.digest(), f"{account_id}|{content}".encode(), hashlib.sha256).hexdigest()


def import_credential(account: Account, *, data: bytes | None = None, text: str | None = None,
                      url: str | None = None) -> Credential:
    """Import one credential from a file's bytes, pasted text or a URL; verify and store it.

    An unreadable input is refused with what was wrong (nothing stored); a readable one that
    fails verification is stored with its status so the learner sees why."""
    if url is not None:
        data = verification.fetch_url(url)
    elif text is not None:
        data = text.strip().encode("utf-8")
        if len(data) > verification.max_json():
            raise verification.too_large(verification.max_json())
    if data is None:
        raise verification.CredentialUnreadable()
    if len(data) > verification.max_upload():
        raise verification.too_large(verification.max_upload())
    credential = add_credential(account, data)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if _duplicate(account.id, credential.content_hash):  # the same import twice at once
            raise DuplicateCredential() from None
        raise
    except Exception:
        db.session.rollback()
        raise
    return credential


def add_credential(account: Account, data: bytes) -> Credential:
    """Parse, verify and add one credential to the session without committing, for callers
    that write more in the same transaction (issuing a batch commits once)."""
    parsed = verification.parse(data)
    content_hash = _content_hash(account.id, parsed)
    if _duplicate(account.id, content_hash):
        raise DuplicateCredential()
    result = verification.verify(parsed, account)
    credential = Credential(account_id=account.id, format=parsed.format,
                            container=parsed.container, content_hash=content_hash)
    _apply(credential, result, data)
    db.session.add(credential)
    return credential


def _duplicate(account_id: int, content_hash: str) -> bool:
    return db.session.scalar(db.select(Credential.id).filter_by(
        account_id=account_id, content_hash=content_hash)) is not None


def _apply(credential: Credential, result, original: bytes | None = None) -> None:
    """Store a verification result (and the summary it read) on the credential."""
    summary = _json_safe(asdict(result.summary))
    known = credential.summary.get("image_data") if credential.summary_sealed else None
    summary["image_data"] = _inline_image(summary.get("image"), known)
    credential.kind = summary.get("kind") or "other_credential"
    achievement_id = (summary.get("achievement") or {}).get("id")
    credential.achievement_ids = [achievement_id] if achievement_id else []
    issued = result.summary.issued_on
    credential.issued_on = issued.astimezone(UTC) if issued else None
    _note_expiry(credential, result)
    credential.seal(original if original is not None else credential.original, summary)
    verification = credential.verification
    if verification is None:
        verification = credential.verification = VerificationResult()
    else:
        _clear_checks(verification)
    verification.status = result.status
    verification.checked_at = utcnow()
    _note_answer(verification, result.status == "unverifiable")
    verification.checks = [
        VerificationCheck(position=position, check_id=check.id, outcome=check.outcome,
                          message_code=check.message_code, params=_json_safe(check.params),
                          message=(check.message or "")[:500])
        for position, check in enumerate(result.checks)
    ]


def _note_expiry(credential: Credential, result) -> None:
    expires = result.summary.expires_on
    credential.expires_on = expires.astimezone(UTC) if expires else None


def _note_answer(verification: VerificationResult | None, unanswered: bool) -> None:
    """Keep since when this credential has had no definite answer (see the alerts)."""
    if verification is None:
        return
    if not unanswered:
        verification.unverifiable_since = None
    elif verification.unverifiable_since is None:
        verification.unverifiable_since = utcnow()


def _clear_checks(verification: VerificationResult) -> None:
    """Delete the stored checks under a row lock on their result, so two verifications of one
    credential at once (the learner's and an employer's page) leave one set of checks."""
    db.session.execute(db.select(VerificationResult.id)
                       .where(VerificationResult.id == verification.id).with_for_update())
    db.session.execute(db.delete(VerificationCheck)
                       .where(VerificationCheck.result_id == verification.id))
    db.session.expire(verification, ["checks"])


# -- read, verify again, delete ------------------------------------------------------------


def credentials(account: Account) -> list[Credential]:
    return db.session.scalars(
        db.select(Credential).filter_by(account_id=account.id)
        .order_by(Credential.issued_on.desc(), Credential.created_at.desc(), Credential.id.desc())
    ).all()


def credential(account: Account, credential_id: int) -> Credential:
    found = db.session.get(Credential, credential_id)
    if found is None or found.account_id != account.id:
        raise NotFound()
    return found


def reverify(account: Account, credential_id: int) -> Credential:
    """Verify a stored credential again now; only the latest result is kept."""
    found = credential(account, credential_id)
    _reverify(found, account)
    db.session.commit()
    return found


def verify_again(account: Account, credentials: list[Credential]) -> dict[int, tuple]:
    """Verify these stored credentials of the account again, writing nothing: {credential id:
    (result, original bytes)} for :func:`store_result`. One that cannot be verified again
    (an issuer unreachable, a failure of ours) is left out and logged."""
    results: dict[int, tuple] = {}
    if not credentials:
        return results
    identifiers = verification.learner_identifiers(account)  # the same for every credential
    for found in credentials:
        original = found.original
        try:
            results[found.id] = (
                verification.verify(verification.parse(original), account, identifiers),
                original)
        except Exception:
            log.warning("re-verifying credential %s failed", found.id, exc_info=True)
    return results


def store_result(found: Credential, result, original: bytes,
                 checked_at: datetime | None = None) -> None:
    """Keep a new verification of a stored credential, in the caller's transaction (not
    committed). When it says what the stored result says, only the result's time moves (to
    `checked_at`, default now)."""
    if _same_result(found.verification, result):
        found.verification.checked_at = checked_at or utcnow()  # nothing else to write
        _note_expiry(found, result)
        _note_answer(found.verification, result.status == "unverifiable")
    else:
        _apply(found, result, original)


def _same_result(stored: VerificationResult | None, result) -> bool:
    """Does a new verification say exactly what the stored one says? Then only its time
    changes: the summary comes from the same bytes, and the checks would be rewritten as
    they are."""
    if stored is None or stored.status != result.status:
        return False
    fresh = [(position, check.id, check.outcome, check.message_code, _json_safe(check.params),
              (check.message or "")[:500]) for position, check in enumerate(result.checks)]
    kept = [(check.position, check.check_id, check.outcome, check.message_code, check.params,
             check.message) for check in sorted(stored.checks, key=lambda c: c.position)]
    return fresh == kept


def _reverify(found: Credential, account: Account) -> None:
    original = found.original
    parsed = verification.parse(original)
    _apply(found, verification.verify(parsed, account), original)


def delete_credential(account: Account, credential_id: int) -> None:
    db.session.delete(credential(account, credential_id))
    db.session.commit()


def original(account: Account, credential_id: int) -> tuple[bytes, str, str]:
    """The file as it was imported: (bytes, content type, file name)."""
    found = credential(account, credential_id)
    extension = EXTENSIONS.get(found.container, "bin")
    return (found.original, CONTENT_TYPES.get(found.container, "application/octet-stream"),
            f"credential-{found.id}.{extension}")


def disclosable(found: Credential) -> list[str] | None:
    """The fields an SD-JWT credential lets its learner show or withhold; None for others."""
    if found.format != sdjwtvc.FORMAT:
        return None
    return sdjwtvc.disclosable(sdjwtvc.text_of(found.original))


def held_fields(found: Credential) -> list[dict] | None:
    """Every field an SD-JWT credential holds (the learner's own copy has them all), with
    whether the learner may withhold it when sharing; None for other credentials."""
    if found.format != sdjwtvc.FORMAT:
        return None
    return [{"name": name, "value": value, "withholdable": withholdable}
            for name, value, withholdable in sdjwtvc.held_fields(sdjwtvc.text_of(found.original))]


def image_src(found: Credential) -> str | None:
    """Where the PWA can show the badge image from (CSP: our origin or data: only)."""
    if found.container in ("png", "svg"):
        return f"/api/v1/dossier/credentials/{found.id}/original"
    for image in (found.summary.get("image") or "", found.summary.get("image_data") or ""):
        if image.startswith(DISPLAYABLE_IMAGES) and len(image) <= MAX_INLINE_IMAGE * 4 // 3 + 64:
            return image
    return None


INLINE_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")


def _inline_image(url, known: str | None) -> str | None:
    """A badge image the issuer hosts, fetched once through the guarded client and kept as a
    data: URI, because the PWA's CSP shows images only from our origin or data:. None when it
    cannot be had: the card then shows a placeholder, the import goes on."""
    if known or not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return known
    try:
        body, content_type = outbound.fetcher().fetch(url, max_bytes=MAX_INLINE_IMAGE,
                                                      accept="image/*")
    except (FetchError, ValueError):
        return None
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind not in INLINE_IMAGE_TYPES:
        return None
    return f"data:{kind};base64,{base64.b64encode(body).decode()}"


def stale_credentials(older_than: timedelta) -> list[int]:
    cutoff = utcnow() - older_than
    return db.session.scalars(
        db.select(Credential.id).join(VerificationResult)
        .where(VerificationResult.checked_at < cutoff).order_by(VerificationResult.checked_at)
    ).all()


def reverify_stale(older_than_hours: float | None = None) -> dict[str, int]:
    """Verify again every credential whose result is older than the given age (default
    config DOSSIER_REVERIFY_AFTER_HOURS). Each one commits on its own; one that cannot be
    verified is logged and skipped. Safe to run twice at once: the second finds fewer."""
    hours = older_than_hours
    if hours is None:
        hours = float(current_app.config.get("DOSSIER_REVERIFY_AFTER_HOURS", 24))
    done = {"checked": 0, "changed": 0, "errors": 0}
    for credential_id in stale_credentials(timedelta(hours=hours)):
        found = db.session.get(Credential, credential_id)
        if found is None:
            continue
        before = found.verification.status if found.verification else None
        try:
            _reverify(found, db.session.get(Account, found.account_id))
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("re-verifying credential %s failed", credential_id)
            _note_answer(found.verification, True)
            db.session.commit()
            done["errors"] += 1
            continue
        done["checked"] += 1
        done["changed"] += int(found.verification.status != before)
    return done


def reencrypt() -> int:
    """Seal every stored payload again with the current key; kept for `flask dossier
    reencrypt`, which is now `flask privacy rotate-key --resume` without retiring keys."""
    return rotation.reseal()[0]


rotation.register_rows("dossier.credentials", Credential.key_id,
                       lambda found: found.seal(found.original, found.summary))
rotation.register_rows("dossier.evidence", ExperienceItem.evidence_key_id,
                       lambda item: item.seal_evidence(item.evidence, item.evidence_name,
                                                       item.evidence_type))


def verified_achievement_ids(account_id: int) -> set[str]:
    """Achievement ids of the learner's credentials whose latest verification is verified or
    verified with warnings, and whose recipient check confirmed this learner: what the
    catalogue and the route planner count as achieved. A badge issued to an identifier we
    cannot link to the learner (a DID) shows as verified, but exempts nothing."""
    rows = db.session.scalars(
        db.select(Credential.achievement_ids).join(VerificationResult)
        .join(VerificationCheck, VerificationCheck.result_id == VerificationResult.id)
        .where(Credential.account_id == account_id,
               VerificationResult.status.in_(TRUSTED_STATUSES),
               VerificationCheck.check_id == "recipient", VerificationCheck.outcome == "pass")
    ).all()
    return {achievement for ids in rows for achievement in (ids or []) if achievement}
