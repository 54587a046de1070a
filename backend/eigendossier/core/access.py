"""Who may do what, checked on any signed-in user: the roles every domain asks about.

Kept here, below the domains, so that a lower domain (the catalogue) can ask "is this staff?"
without importing accounts, which sits above it."""
from flask_babel import lazy_gettext as _l

from eigendossier.core.errors import DomainError

STAFF_ROLES = ("issuer", "admin")


class StaffOnly(DomainError):
    status = 403
    slug = "staff-only"
    title = _l("Only institution staff may do this")
    detail = _l("Sign in with a staff account of the institution.")


def require_staff(user) -> None:
    """Refuse anyone but issuers and admins."""
    if getattr(user, "role", None) not in STAFF_ROLES:
        raise StaffOnly()


def acting_for(user):
    """The institution a staff member acts for, or None for an admin, who acts for all.
    Refuse anyone else, and an issuer whose institution is not set (fail closed: not all)."""
    require_staff(user)
    if user.role == "admin":
        return None
    if user.institution is None:
        raise StaffOnly()
    return user.institution
