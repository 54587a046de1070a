"""The audit trail: one row per event that touches a learner's data.

`record` adds to the caller's transaction, so the event is kept exactly when what it
describes is kept."""
from eigendossier.extensions import db
from eigendossier.privacy.models import AuditEvent


def record(action: str, account_id: int | None, actor_id: int | None = None,
           subject=None, **details) -> AuditEvent:
    event = AuditEvent(
        action=action,
        account_id=account_id,
        actor_id=actor_id if actor_id is not None else account_id,
        subject_type=type(subject).__name__.lower() if subject is not None else "",
        subject_id=getattr(subject, "id", None),
        details=details,
    )
    db.session.add(event)
    return event


def events_of(account_id: int, action_prefix: str = "") -> list[AuditEvent]:
    query = db.select(AuditEvent).filter_by(account_id=account_id)
    if action_prefix:
        query = query.filter(AuditEvent.action.startswith(action_prefix))
    return db.session.scalars(query.order_by(AuditEvent.created_at, AuditEvent.id)).all()
