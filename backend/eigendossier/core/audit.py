"""The audit trail: one row per event that touches a learner's data.

`record` adds to the caller's transaction, so the event is kept exactly when what it
describes is kept. `describe` words an event for the learner, in the request's language;
a domain that records a new action adds its sentence to `MESSAGES` (see privacy/messages.py)."""
from eigendossier.core.extensions import db
from eigendossier.core.models import AuditEvent


def record(action: str, account_id: int | None, actor_id: int | None = None,
           subject=None, institution_id: int | None = None, **details) -> AuditEvent:
    """`institution_id`: the institution whose staff did it (its audit page lists it)."""
    event = AuditEvent(**values(action, account_id, actor_id, subject, institution_id,
                                **details))
    db.session.add(event)
    return event


def values(action: str, account_id: int | None, actor_id: int | None = None,
           subject=None, institution_id: int | None = None, **details) -> dict:
    """The columns of the event :func:`record` adds (but `id` and `created_at`), for a hot
    path that inserts it with its other rows in one statement of its own."""
    return {
        "action": action,
        "institution_id": institution_id,
        "account_id": account_id,
        "actor_id": actor_id if actor_id is not None else account_id,
        "subject_type": type(subject).__name__.lower() if subject is not None else "",
        "subject_id": getattr(subject, "id", None),
        "details": details,
    }


def events_of(account_id: int, action_prefix: str = "") -> list[AuditEvent]:
    query = db.select(AuditEvent).filter_by(account_id=account_id)
    if action_prefix:
        query = query.filter(AuditEvent.action.startswith(action_prefix))
    return db.session.scalars(query.order_by(AuditEvent.created_at, AuditEvent.id)).all()


def page_of(account_id: int, page: int, per_page: int) -> tuple[list[AuditEvent], int]:
    """One page of the learner's events, newest first, and how many there are in all."""
    total = db.session.scalar(db.select(db.func.count(AuditEvent.id))
                              .filter_by(account_id=account_id))
    events = db.session.scalars(
        db.select(AuditEvent).filter_by(account_id=account_id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return events, total


def actor_kind(event: AuditEvent) -> str:
    """Who did it, as the learner reads it: you, staff, a visitor of a share link, or the
    system (and "someone" once that account is gone)."""
    if event.actor_id is not None and event.actor_id == event.account_id:
        return "you"
    if event.actor_id is not None:
        return "staff"
    return "visitor" if event.action == "share.viewed" else "system"
