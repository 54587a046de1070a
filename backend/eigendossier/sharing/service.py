"""Sharing operations: make, list, change and revoke share links; open one as an employer
(re-verifying what is stale); presentations signed by the learner's holder key.

No request, no response. The token is returned once by `create_share` and stored only as
its SHA-256; every write is one transaction."""
import io
import logging
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import segno
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from eigendossier.accounts.models import Account
from eigendossier.accounts.service import hash_token
from eigendossier.core import audit
from eigendossier.core.errors import DomainError, InvalidInput
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.credentials import sdjwtvc
from eigendossier.dossier import experience as dossier_experience
from eigendossier.dossier import service as dossier
from eigendossier.dossier.models import Credential, VerificationResult
from eigendossier.sharing.models import (
    Share,
    ShareCredential,
    ShareExperience,
    ShareView,
)

log = logging.getLogger(__name__)

DEFAULT_DAYS = 30
MAX_DAYS = 365
TOKEN_BYTES = 16  # 128 random bits
VIEW_LOG_LIMIT = 100


class ShareNotFound(DomainError):
    status = 404
    slug = "not-found"
    title = _l("Not found")
    detail = _l("There is nothing here, or it is not yours.")


class LinkUnknown(DomainError):
    status = 404
    slug = "share-unknown"
    title = _l("This link does not exist")
    detail = _l("Check that you copied the whole link, or ask for a new one.")


class LinkGone(DomainError):
    status = 410
    slug = "share-gone"
    title = _l("This link no longer works")
    detail = _l("The link has expired or was withdrawn by the person who shared it. "
                "Ask them for a new link.")


class ShareRevoked(DomainError):
    status = 409
    slug = "share-revoked"
    title = _l("This link has been withdrawn")
    detail = _l("A withdrawn link cannot be changed. Make a new share instead.")


class InvalidShare(InvalidInput):
    """A share request that names something the learner cannot share."""


class NoPresentation(DomainError):
    status = 404
    slug = "not-found"
    title = _l("Not found")
    detail = _l("This share holds no Verifiable Credentials to present.")


# -- the learner's shares ----------------------------------------------------------------


def _expiry(now: datetime, expires_in_days: int | None, expires_at: datetime | None,
            ) -> datetime:
    """When the link stops working: a moment, or a number of days from now (default 30);
    never in the past, never more than a year ahead."""
    if expires_at is None:
        return now + timedelta(days=expires_in_days or DEFAULT_DAYS)
    moment = expires_at.astimezone(UTC)
    if moment <= now:
        raise InvalidShare(errors={"expires_at": [str(_l("Choose a moment in the future."))]})
    if moment > now + timedelta(days=MAX_DAYS):
        raise InvalidShare(errors={"expires_at": [str(_l(
            "A share link works for at most one year."))]})
    return moment


def _unique(ids) -> list[int]:
    return list(dict.fromkeys(ids or []))


def create_share(account: Account, *, credential_ids: list[int], label: str,
                 experience_item_ids: list[int] | None = None, expires_in_days: int | None = None,
                 expires_at: datetime | None = None,
                 disclose: dict[str, list[str]] | None = None) -> tuple[Share, str]:
    """Make a share link; returns the share and its token (shown once, stored as a hash).
    A credential or experience item that is not the learner's is NotFound: nothing stored.
    ``disclose`` names, per SD-JWT credential, the fields to show; the rest is withheld."""
    now = utcnow()
    disclose = disclose or {}
    unknown = set(disclose) - {str(i) for i in credential_ids}
    if unknown:
        raise InvalidShare(errors={"disclose": [str(_l("Choose fields of shared credentials "
                                                        "only."))]})
    share = Share(account_id=account.id, label=label.strip(),
                  expires_at=_expiry(now, expires_in_days, expires_at), created_at=now)
    for position, credential_id in enumerate(_unique(credential_ids)):
        found = dossier.credential(account, credential_id)
        share.credentials.append(ShareCredential(
            credential_id=found.id, position=position,
            disclosed=_disclosed(found, disclose.get(str(found.id)))))
    for position, item_id in enumerate(_unique(experience_item_ids)):
        found = dossier_experience.experience_item(account, item_id)
        share.experience.append(ShareExperience(experience_item_id=found.id, position=position))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    share.token_hash = hash_token(token)
    db.session.add(share)
    db.session.flush()
    audit.record("share.created", account.id, subject=share,
                 credentials=len(share.credentials), experience=len(share.experience),
                 expires_at=share.expires_at.isoformat())
    _commit()
    return share, token


def _disclosed(found: Credential, fields: list[str] | None) -> list[str] | None:
    """The fields of an SD-JWT credential to show (none unless chosen)."""
    if found.format != sdjwtvc.FORMAT:
        if fields:
            raise InvalidShare(errors={"disclose": [str(_l(
                "Only SD-JWT credentials can show or withhold single fields."))]})
        return None
    chosen = list(dict.fromkeys(fields or []))
    if set(chosen) - set(sdjwtvc.disclosable(sdjwtvc.text_of(found.original))):
        raise InvalidShare(errors={"disclose": [str(_l(
            "This credential has no such field to show."))]})
    return chosen


def disclosure(link: ShareCredential) -> tuple[str, list[str]] | None:
    """An SD-JWT credential as the share shows it: the SD-JWT with only the chosen
    disclosures, and the names of the fields withheld; None for other credentials."""
    if link.credential.format != sdjwtvc.FORMAT:
        return None
    return sdjwtvc.choose(sdjwtvc.text_of(link.credential.original), set(link.disclosed or []))


def _commit() -> None:
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def shares_of(account: Account) -> list[Share]:
    """The learner's shares, newest first, each with view_count and last_viewed_at."""
    shares = db.session.scalars(
        db.select(Share).filter_by(account_id=account.id)
        .order_by(Share.created_at.desc(), Share.id.desc())
    ).all()
    _attach_view_stats(shares)
    return shares


def share_of(account: Account, share_id: int) -> Share:
    found = db.session.get(Share, share_id)
    if found is None or found.account_id != account.id:
        raise ShareNotFound()
    _attach_view_stats([found])
    return found


def _attach_view_stats(shares: list[Share]) -> None:
    if not shares:
        return
    rows = db.session.execute(
        db.select(ShareView.share_id, func.count(ShareView.id), func.max(ShareView.viewed_at))
        .where(ShareView.share_id.in_([s.id for s in shares])).group_by(ShareView.share_id)
    ).all()
    stats = {share_id: (count, last) for share_id, count, last in rows}
    now = utcnow()
    for share in shares:
        share.view_count, share.last_viewed_at = stats.get(share.id, (0, None))
        share.current_state = share.state(now)


def views_of(share: Share, limit: int = VIEW_LOG_LIMIT) -> list[ShareView]:
    """When the link was opened, newest first (at most `limit`)."""
    return db.session.scalars(
        db.select(ShareView).filter_by(share_id=share.id)
        .order_by(ShareView.viewed_at.desc(), ShareView.id.desc()).limit(limit)
    ).all()


def change_expiry(account: Account, share_id: int, *, expires_in_days: int | None = None,
                  expires_at: datetime | None = None) -> Share:
    """Move the link's expiry (also bringing an expired link back); not for withdrawn links."""
    share = share_of(account, share_id)
    if share.revoked_at is not None:
        raise ShareRevoked()
    share.expires_at = _expiry(utcnow(), expires_in_days, expires_at)
    audit.record("share.expiry_changed", account.id, subject=share,
                 expires_at=share.expires_at.isoformat())
    _commit()
    share.current_state = share.state(utcnow())
    return share


def revoke(account: Account, share_id: int) -> None:
    """Withdraw the link at once (again is fine). The share and its view log stay listed."""
    share = share_of(account, share_id)
    if share.revoked_at is None:
        share.revoked_at = utcnow()
        audit.record("share.revoked", account.id, subject=share)
        _commit()


# -- what the learner sends: the QR code and LinkedIn ---------------------------------------


def qr_svg(url: str) -> str:
    """The link as an SVG QR code (segno's make_qr: never a Micro QR that phones misread)."""
    out = io.BytesIO()
    segno.make_qr(url, error="m").save(out, kind="svg", xmldecl=False, svgns=True, nl=False,
                                       scale=6, border=4, dark="#06343d", light="#ffffff")
    return out.getvalue().decode("ascii")


def linkedin_url(credential, cert_url: str) -> str:
    """LinkedIn's add-to-profile address for one credential, pointing at the share page."""
    summary = credential.summary
    params = {"startTask": "CERTIFICATION_NAME", "name": summary.get("title") or ""}
    if summary.get("issuer_name"):
        params["organizationName"] = summary["issuer_name"]
    issued = parse_moment(summary.get("issued_on"))
    expires = parse_moment(summary.get("expires_on"))
    if issued:
        params.update(issueYear=issued.year, issueMonth=issued.month)
    if expires:
        params.update(expirationYear=expires.year, expirationMonth=expires.month)
    params["certUrl"] = cert_url
    if summary.get("credential_id"):
        params["certId"] = summary["credential_id"]
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


def parse_moment(value) -> datetime | None:
    """An ISO 8601 date or moment from a credential, as an aware datetime (None if absent)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# -- the employer's side ---------------------------------------------------------------------


def open_share(token: str) -> Share:
    """The share behind a token: LinkUnknown (404) or LinkGone (410, expired or withdrawn).

    Both answers cost the same: one hash, one lookup on the unique hash index, then a
    comparison of what was found; nothing else is read before deciding."""
    found = db.session.scalar(db.select(Share).filter_by(token_hash=hash_token(token[:128])))
    state = found.state(utcnow()) if found is not None else "unknown"
    if state == "unknown":
        raise LinkUnknown()
    if state != "active":
        raise LinkGone()
    return found


def for_page(share: Share) -> Share:
    """The share with everything its page shows, loaded in a few queries (not one per row)."""
    return db.session.scalars(
        db.select(Share).where(Share.id == share.id).execution_options(populate_existing=True)
        .options(joinedload(Share.account),
                 selectinload(Share.credentials).joinedload(ShareCredential.credential)
                 .joinedload(Credential.verification).selectinload(VerificationResult.checks),
                 selectinload(Share.experience).joinedload(ShareExperience.item))
    ).one()


def record_view(share: Share) -> None:
    """Log that the page was opened: the time, nothing about who opened it. Written with
    the page's re-verified results by :func:`save_page`."""
    db.session.add(ShareView(share_id=share.id, viewed_at=utcnow()))
    event = audit.record("share.viewed", share.account_id, subject=share)
    event.actor_id = None  # opened by someone without an account


def save_page() -> None:
    """One commit for what showing the page wrote: new results and the view log."""
    _commit()


def reverify_after() -> timedelta:
    return timedelta(seconds=float(current_app.config.get("SHARE_REVERIFY_AFTER_SECONDS", 3600)))


@dataclass
class Refresh:
    """What :func:`refresh_stale` did: the results it verified (`seen`: the time of the
    stored result each replaces), or `reload` after a failure here."""

    reload: bool = False
    seen: dict[int, datetime] = field(default_factory=dict)
    now: datetime | None = None


def refresh_stale(share: Share) -> Refresh:
    """Verify again, now, each shared credential whose result is older than
    SHARE_REVERIFY_AFTER_SECONDS. One that cannot be verified again keeps its stored result
    (the page says when that was). `reload`: the page's data must be loaded again (only
    after a failure here).

    Nothing is written while verifying, nor here: the new results are set on the loaded
    rows, for the page to show, and :func:`keep_results` claims them just before the page's
    one commit. Within this process, a credential one request is verifying is not verified
    by another at the same time: that one shows the stored result.
    """
    cutoff = utcnow() - reverify_after()
    stale = {link.credential_id: link.credential
             for link in share.credentials
             if link.credential.verification is not None
             and link.credential.verification.checked_at <= cutoff}
    mine = _verifying.take(stale)
    if not mine:
        return Refresh()
    try:
        seen = {credential_id: stale[credential_id].verification.checked_at
                for credential_id in mine}
        results = dossier.verify_again(share.account, [stale[i] for i in mine])
        now = utcnow()
        with db.session.no_autoflush:
            for credential_id, (result, original) in results.items():
                found = stale[credential_id]
                # The time the claim writes, so that storing the same result writes nothing.
                set_committed_value(found.verification, "checked_at", now)
                dossier.store_result(found, result, original, checked_at=now)
    except Exception:
        log.warning("re-verifying share %s failed", share.id, exc_info=True)
        db.session.rollback()
        return Refresh(reload=True)
    finally:
        _verifying.release(mine)
    return Refresh(seen={i: seen[i] for i in results}, now=now)


def keep_results(refresh: Refresh) -> None:
    """Claim the results :func:`refresh_stale` verified, just before the page's commit: the
    database's write lock is held from this UPDATE to the commit only (SQLite: the other
    workers wait for it), not while the page is made. When another request stored a newer
    result for any of them meanwhile, none of this request's results is kept (theirs stay;
    the page still shows what this request verified)."""
    if not refresh.seen or refresh.now is None:
        return
    try:
        with db.session.no_autoflush:
            claimed = _claim(refresh.seen, refresh.now)
        if set(claimed) != set(refresh.seen):
            db.session.rollback()
        else:
            db.session.flush()  # a failure here leaves the view log to commit
    except Exception:
        log.warning("storing re-verified results failed", exc_info=True)
        db.session.rollback()


def _claim(seen: dict[int, datetime], now: datetime) -> list[int]:
    """Move the time of these credentials' results from what this request read to now, where
    nobody moved it first (one conditional UPDATE: two employers opening the page at once do
    not both write the same result). Returns the credentials whose result this request may
    store; their rows stay locked until the commit."""
    if not seen:
        return []
    return db.session.scalars(
        db.update(VerificationResult)
        .where(db.or_(*(db.and_(VerificationResult.credential_id == credential_id,
                                VerificationResult.checked_at == checked_at)
                        for credential_id, checked_at in seen.items())))
        .values(checked_at=now)
        .returning(VerificationResult.credential_id)
        .execution_options(synchronize_session=False)
    ).all()


class _InProcess:
    """Credentials that a request of this process is verifying again right now."""

    def __init__(self):
        self._ids: set[int] = set()
        self._lock = threading.Lock()

    def take(self, ids) -> list[int]:
        """Those of `ids` nobody here is verifying; they are this caller's until released."""
        with self._lock:
            free = [i for i in ids if i not in self._ids]
            self._ids.update(free)
        return free

    def release(self, ids) -> None:
        with self._lock:
            self._ids.difference_update(ids)


_verifying = _InProcess()


def shared_credential(share: Share, credential_id: int):
    for link in share.credentials:
        if link.credential_id == credential_id:
            return link.credential
    raise ShareNotFound()


def original(share: Share, credential_id: int) -> tuple[bytes, str, str]:
    """A shared credential's file as imported: (bytes, content type, file name). An SD-JWT
    credential only with the fields the learner chose to show."""
    found = shared_credential(share, credential_id)
    link = next(link for link in share.credentials if link.credential_id == credential_id)
    shown = disclosure(link)
    if shown is not None:
        return (shown[0].encode("ascii"), dossier.CONTENT_TYPES["sd-jwt"],
                f"credential-{found.id}.sd-jwt")
    extension = dossier.EXTENSIONS.get(found.container, "bin")
    return (found.original, dossier.CONTENT_TYPES.get(found.container, "application/octet-stream"),
            f"credential-{found.id}.{extension}")


def image(share: Share, credential_id: int) -> tuple[bytes, str]:
    """The badge image of a shared credential that arrived as a baked PNG or SVG."""
    found = shared_credential(share, credential_id)
    if found.container not in ("png", "svg"):
        raise ShareNotFound()
    return found.original, dossier.CONTENT_TYPES[found.container]
