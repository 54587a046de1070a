"""The staff console: what an institution's staff do in the app, across the domains below.

Every operation starts from `institution_for`: learners are refused (403), staff of another
institution learn nothing (404), and the set-up (keys, API clients, staff members) is for
institution admins. Each change is recorded on the institution's audit trail in the same
transaction; the request handler commits once."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, or_

from eigendossier.accounts import staff as members
from eigendossier.accounts.models import Account
from eigendossier.catalog import changes as catalog_changes
from eigendossier.catalog import service as catalog
from eigendossier.catalog.models import Institution, Run
from eigendossier.core import access, audit
from eigendossier.core.errors import DomainError, InvalidInput, NotFound
from eigendossier.core.extensions import db
from eigendossier.core.models import AuditEvent
from eigendossier.issuing import service as issuing
from eigendossier.issuing import setup as issuer_setup
from eigendossier.vcapi import oauth


class NotInstitutionAdmin(DomainError):
    status = 403
    slug = "institution-admin-only"
    title = _l("Only an institution admin may do this")
    detail = _l("Ask an institution admin of your school.")


@dataclass
class StaffHome:
    account: Account
    institutions: list[Institution]

    @property
    def role(self) -> str:
        if self.account.role == "admin":
            return "admin"
        return members.kind_of(self.account)


def home(account: Account) -> StaffHome:
    """Who the staff member is here, and the institutions they act for."""
    own = access.acting_for(account)
    if own is None:
        institutions = db.session.scalars(db.select(Institution).order_by(Institution.name))
        return StaffHome(account, list(institutions))
    return StaffHome(account, [own])


def institution_for(account: Account, slug: str, manage: bool = False) -> Institution:
    """The institution `slug` if `account` acts for it; `manage`: as its institution admin."""
    access.require_staff(account)
    institution = catalog.institution_by_slug(slug)
    if institution is None:
        raise NotFound()
    if account.role == "admin":
        return institution
    if account.institution_id != institution.id:
        raise NotFound()
    if manage and not account.institution_admin:
        raise NotInstitutionAdmin()
    return institution


def _record(action: str, actor: Account, institution: Institution, subject=None, **details):
    audit.record(action, None, actor_id=actor.id, subject=subject,
                 institution_id=institution.id, **details)


# -- catalogue ---------------------------------------------------------------------------------


def preview_catalog(account: Account, slug: str, raw: bytes) -> catalog_changes.CatalogChanges:
    return catalog_changes.preview(raw, institution_for(account, slug))


def apply_catalog(account: Account, slug: str, raw: bytes) -> catalog_changes.CatalogChanges:
    institution = institution_for(account, slug)
    done = catalog_changes.apply(raw, institution)
    _record("catalog.imported", account, institution, new=[c.code for c in done.new],
            changed=[c.code for c in done.changed], removed=[c.code for c in done.removed])
    return done


def runs(account: Account, slug: str) -> list[Run]:
    return catalog.runs_of(institution_for(account, slug))


def run(account: Account, slug: str, run_id: int) -> Run:
    return catalog.run_of(institution_for(account, slug), run_id)


def update_run(account: Account, slug: str, run_id: int, changes: dict) -> Run:
    institution = institution_for(account, slug)
    found = catalog.run_of(institution, run_id)
    changed = catalog.update_run(found, changes)
    if changed:
        _record("run.changed", account, institution, subject=found, run=found.code, **changed)
    return found


# -- issuer set-up -----------------------------------------------------------------------------


def keys(account: Account, slug: str) -> issuer_setup.KeysView:
    return issuer_setup.keys_of(institution_for(account, slug))


def new_key(account: Account, slug: str) -> issuer_setup.KeysView:
    institution = institution_for(account, slug, manage=True)
    view = issuer_setup.keys_of(institution)
    _record("key.created" if view.profile is None else "key.rotated", account, institution,
            number=len(view.keys) + 1)
    issuer_setup.new_key(institution)
    return issuer_setup.keys_of(institution)


def check_key_address(account: Account, slug: str) -> issuer_setup.Reachability:
    return issuer_setup.check_reachable(institution_for(account, slug))


@dataclass
class ProfileView:
    institution: Institution
    profile: object | None

    @property
    def email(self) -> str:
        return self.profile.email if self.profile else ""

    @property
    def image_url(self) -> str:
        return self.profile.image_url if self.profile else ""

    @property
    def did(self) -> str | None:
        return self.profile.did if self.profile else None


def profile(account: Account, slug: str) -> ProfileView:
    institution = institution_for(account, slug)
    return ProfileView(institution, issuing.profile_of(institution))


def update_profile(account: Account, slug: str, changes: dict) -> ProfileView:
    institution = institution_for(account, slug, manage=True)
    found = issuing.profile_of(institution)
    needs_profile = [name for name in ("email", "image_url") if name in changes]
    if found is None and needs_profile:
        raise InvalidInput(errors={name: [str(_l("Create a signing key first: contact and "
                                                  "logo belong to the issuer profile."))]
                                   for name in needs_profile})
    if found is None:
        for name in ("name", "url"):
            if name in changes:
                setattr(institution, name, changes[name])
    else:
        issuer_setup.update_profile(found, changes)
    _record("profile.changed", account, institution, fields=sorted(changes))
    return ProfileView(institution, found)


# -- VC-API clients ----------------------------------------------------------------------------


def clients(account: Account, slug: str):
    return oauth.clients_of(institution_for(account, slug, manage=True).id)


def create_client(account: Account, slug: str):
    """A new client; its secret is in the answer once and never stored."""
    institution = institution_for(account, slug, manage=True)
    client, secret = oauth.create_client(institution.slug)
    _record("client.created", account, institution, client=client.client_id)
    return client, secret


def revoke_client(account: Account, slug: str, client_id: str):
    institution = institution_for(account, slug, manage=True)
    client = oauth.client_of(institution.id, client_id)
    _record("client.revoked", account, institution, client=client.client_id)
    return oauth.revoke_client(client.client_id)


# -- staff members -----------------------------------------------------------------------------


def staff_members(account: Account, slug: str) -> list[Account]:
    return members.members(institution_for(account, slug, manage=True))


def add_member(account: Account, slug: str, data: dict) -> Account:
    institution = institution_for(account, slug, manage=True)
    added = members.add(institution, data["email"], data["display_name"], data["role"])
    _record("member.added", account, institution, subject=added, member=added.email,
            role=data["role"])
    return added


def change_member(account: Account, slug: str, member_id: int, kind: str) -> Account:
    institution = institution_for(account, slug, manage=True)
    found = members.member(institution, member_id)
    members.set_kind(institution, found, kind)
    _record("member.role_changed", account, institution, subject=found, member=found.email,
            role=kind)
    return found


def remove_member(account: Account, slug: str, member_id: int) -> None:
    institution = institution_for(account, slug, manage=True)
    found = members.member(institution, member_id)
    members.remove(institution, found)
    _record("member.removed", account, institution, subject=found, member=found.email)


# -- audit -------------------------------------------------------------------------------------


def audit_page(account: Account, slug: str, text: str = "", since: date | None = None,
               until: date | None = None, page: int = 1, per_page: int = 25
               ) -> tuple[list[AuditEvent], int]:
    """Staff actions of the institution, newest first, matching `text` (action, details or
    who did it) between `since` and `until` (whole days, UTC). Events recorded before they
    carried their institution count by who did them: its staff."""
    institution = institution_for(account, slug)
    own_staff = db.select(Account.id).where(Account.institution_id == institution.id)
    query = db.select(AuditEvent).where(or_(
        AuditEvent.institution_id == institution.id,
        AuditEvent.institution_id.is_(None) & AuditEvent.actor_id.in_(own_staff)
        & AuditEvent.actor_id.is_distinct_from(AuditEvent.account_id)))
    if text:
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        actors = db.select(Account.id).where(or_(Account.display_name.ilike(like, escape="\\"),
                                                 Account.email.ilike(like, escape="\\")))
        query = query.where(or_(AuditEvent.action.ilike(like, escape="\\"),
                                cast(AuditEvent.details, String).ilike(like, escape="\\"),
                                AuditEvent.actor_id.in_(actors)))
    if since:
        query = query.where(AuditEvent.created_at >= datetime.combine(since, time(), UTC))
    if until:
        query = query.where(AuditEvent.created_at
                            < datetime.combine(until + timedelta(days=1), time(), UTC))
    total = db.session.scalar(db.select(db.func.count()).select_from(query.subquery()))
    events = db.session.scalars(
        query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).all()
    return events, total


def actor_names(events: list[AuditEvent]) -> dict[int, str]:
    ids = {event.actor_id for event in events if event.actor_id is not None}
    if not ids:
        return {}
    rows = db.session.execute(db.select(Account.id, Account.display_name)
                              .where(Account.id.in_(ids)))
    return dict(rows.all())
