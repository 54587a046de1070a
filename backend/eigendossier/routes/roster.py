"""A run's roster for its institution's staff: who is enrolled, as a list, a CSV for a
spreadsheet, and an iCalendar file with the run's sessions and the enrolled learners as
attendees (for the teacher's own calendar).

Also tells the catalogue which runs are in use: a run with enrolments (cancelled ones keep
their row) is never removed by a catalogue import."""
from eigendossier.accounts.models import Account
from eigendossier.catalog import service as catalog
from eigendossier.catalog.models import Run
from eigendossier.core.csvtext import csv_text
from eigendossier.core.extensions import db
from eigendossier.core.fields import UTCDateTime
from eigendossier.routes import calendar
from eigendossier.routes.models import Enrolment

CSV_COLUMNS = ("name", "email", "status", "enrolled_at", "run", "block", "start", "end")


def roster(run: Run) -> list[tuple[Enrolment, Account]]:
    """Everyone with a place in the run, cancelled places last."""
    rows = db.session.execute(
        db.select(Enrolment, Account).join(Account, Enrolment.account_id == Account.id)
        .where(Enrolment.run_id == run.id)
        .order_by(Enrolment.status != "enrolled", Account.display_name, Enrolment.id))
    return [(enrolment, account) for enrolment, account in rows]


def roster_csv(run: Run) -> str:
    moment = UTCDateTime()
    return csv_text(CSV_COLUMNS, ({
        "name": account.display_name, "email": account.email, "status": enrolment.status,
        "enrolled_at": moment._serialize(enrolment.created_at, None, None),
        "run": run.code, "block": run.block.code,
        "start": run.start_date.isoformat(), "end": run.end_date.isoformat(),
    } for enrolment, account in roster(run)))


def roster_calendar(run: Run, block_name: str) -> bytes:
    from icalendar import vCalAddress  # with the calendar, not the app (routes.calendar)

    event = calendar.run_event(f"run-{run.id}@eigendossier", f"{run.block.code} {block_name}",
                               run, description=run.code)
    for enrolment, account in roster(run):
        if enrolment.status != "enrolled":
            continue
        attendee = vCalAddress(f"mailto:{account.email}")
        attendee.params["cn"] = account.display_name
        attendee.params["role"] = "REQ-PARTICIPANT"
        event.add("attendee", attendee, encode=0)
    return calendar.schedule_calendar(f"{run.code} {block_name}", [event])


@catalog.runs_in_use
def _runs_with_enrolments(run_ids: list[int]) -> set[int]:
    if not run_ids:
        return set()
    return set(db.session.scalars(
        db.select(Enrolment.run_id).where(Enrolment.run_id.in_(run_ids)).distinct()))
