"""Staff edit a run of their institution and see, and export, who is enrolled."""
import pytest
from icalendar import Calendar

from eigendossier.accounts.models import Account
from eigendossier.catalog.models import Run
from eigendossier.core.extensions import db
from eigendossier.core.models import AuditEvent
from eigendossier.routes.models import Enrolment
from tests.api.staff.conftest import TCR, ZAO
from tests.support import assert_problem, set_seats_taken


def run_id(app, code):
    with app.app_context():
        return db.session.scalar(db.select(Run.id).filter_by(code=code))


@pytest.fixture
def enrolled(app, learner, catalog):
    """Sanne is enrolled in R-EVE (which the catalogue says has 4 seats taken: 5 now)."""
    with app.app_context():
        run = db.session.scalar(db.select(Run).filter_by(code="R-EVE"))
        account = db.session.scalar(db.select(Account).filter_by(email="sanne@example.nl"))
        db.session.add(Enrolment(account_id=account.id, run_id=run.id, status="enrolled"))
        set_seats_taken(run, run.seats_taken + 1)
        db.session.commit()
        return run.id


def row(app, code):
    with app.app_context():
        run = db.session.scalar(db.select(Run).filter_by(code=code))
        return (run.seats_total, run.start_date.isoformat(), run.end_date.isoformat(),
                run.starts_at, run.address, run.learning_form)


def test_the_runs_of_the_institution_only(staff):
    codes = [run["code"] for run in staff.get(f"{TCR}/runs").get_json()]
    assert codes == ["R-OLD", "R-EVE", "R-WKD"]


def test_staff_change_seats_dates_time_place_and_form(app, staff):
    evening = run_id(app, "R-EVE")
    response = staff.patch(f"{TCR}/runs/{evening}", json={
        "seats_total": 18, "start_date": "2099-01-12", "starts_at": "19:00",
        "address": "Havenweg 3", "learning_form": "digital"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["seats_total"] == 18
    assert row(app, "R-EVE") == (18, "2099-01-12", "2099-02-13", "19:00", "Havenweg 3", "digital")
    with app.app_context():
        event = db.session.scalar(db.select(AuditEvent).filter_by(action="run.changed"))
        assert event.details["seats_total"] == [16, 18]
        assert event.details["run"] == "R-EVE"


@pytest.mark.parametrize(("changes", "field"), [
    ({"end_date": "2098-01-01"}, "end_date"),
    ({"seats_total": 3}, "seats_total"),           # 4 learners are enrolled
    ({"starts_at": "25:00"}, "starts_at"),
    ({"ends_at": "08:00"}, "ends_at"),
    ({"learning_form": "telepathy"}, "learning_form"),
    ({"weekdays": ["someday"]}, "weekdays.0"),
])
def test_impossible_changes_are_refused_and_nothing_is_written(app, staff, changes, field):
    before = row(app, "R-EVE")
    problem = assert_problem(staff.patch(f"{TCR}/runs/{run_id(app, 'R-EVE')}", json=changes),
                             422, "validation")
    assert field in problem["errors"]
    assert row(app, "R-EVE") == before


def test_the_roster_as_list_csv_and_icalendar(app, staff, enrolled):
    detail = staff.get(f"{TCR}/runs/{enrolled}").get_json()
    assert [(e["name"], e["email"], e["status"]) for e in detail["enrolments"]] == [
        ("Sanne", "sanne@example.nl", "enrolled")]
    csv = staff.get(f"{TCR}/runs/{enrolled}/enrolments.csv")
    assert csv.status_code == 200
    assert csv.mimetype == "text/csv"
    assert "attachment" in csv.headers["Content-Disposition"]
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0] == "name,email,status,enrolled_at,run,block,start,end"
    assert lines[1].startswith("Sanne,sanne@example.nl,enrolled,")
    ics = staff.get(f"{TCR}/runs/{enrolled}/enrolments.ics")
    assert ics.mimetype == "text/calendar"
    event = Calendar.from_ical(ics.get_data()).walk("VEVENT")[0]
    assert str(event["attendee"]) == "mailto:sanne@example.nl"
    assert "WEEKLY" in event["rrule"].to_ical().decode()


def test_another_schools_runs_are_not_found(app, staff, zao_admin, enrolled):
    for path in ("", "/enrolments.csv", "/enrolments.ics"):
        assert_problem(zao_admin.get(f"{TCR}/runs/{enrolled}{path}"), 404)
        assert_problem(zao_admin.get(f"{ZAO}/runs/{enrolled}{path}"), 404)
    before = row(app, "R-EVE")
    assert_problem(zao_admin.patch(f"{ZAO}/runs/{enrolled}", json={"seats_total": 30}), 404)
    assert row(app, "R-EVE") == before


def test_learners_get_no_roster(client, enrolled):
    assert_problem(client.get(f"{TCR}/runs/{enrolled}"), 403, "staff-only")
    assert_problem(client.get(f"{TCR}/runs/{enrolled}/enrolments.csv"), 403, "staff-only")
