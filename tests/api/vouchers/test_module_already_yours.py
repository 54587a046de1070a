"""A voucher and the learner's own plans: the list says which modules they are already
enrolled in or have in a saved route, and a second seat in a module they have is refused."""
from datetime import timedelta

import pytest

from eigendossier.catalog.models import Run
from eigendossier.core.extensions import db
from eigendossier.routes.models import Enrolment
from eigendossier.vouchers.models import Voucher
from tests.api.notifications.conftest import account_id
from tests.api.vouchers.conftest import other_learner, redeem, run_id
from tests.support import assert_problem, set_seats_taken

# On SQLite and PostgreSQL: the standing is read with a correlated EXISTS.
pytestmark = pytest.mark.both_databases


def second_group_of_tim01(app) -> int:
    """Another evening group of TIM-01, a week after R-EVE."""
    with app.app_context():
        first = db.session.scalar(db.select(Run).filter_by(code="R-EVE"))
        second = Run(**{c.name: getattr(first, c.name) for c in Run.__table__.columns
                        if c.name not in ("id", "code", "start_date", "end_date", "seats_taken")},
                     code="R-EVE-2", start_date=first.start_date + timedelta(days=7),
                     end_date=first.end_date + timedelta(days=7))
        db.session.add(second)
        db.session.commit()
        return second.id


def enrol(app, email, code):
    with app.app_context():
        run = db.session.scalar(db.select(Run).filter_by(code=code))
        db.session.add(Enrolment(account_id=account_id(app, email), run_id=run.id))
        set_seats_taken(run, run.seats_taken + 1)
        db.session.commit()


def standing(client, voucher_id) -> dict:
    runs = client.get(f"/api/v1/vouchers/{voucher_id}").get_json()["eligible_runs"]
    return {r["code"]: r["mine"] for r in runs}


def test_the_list_says_what_the_learner_already_has(app, client, claimed):
    second_group_of_tim01(app)
    assert standing(client, claimed["id"]) == {"R-EVE": None, "R-EVE-2": None, "R-WKD": None}
    enrol(app, "sanne@example.nl", "R-EVE")
    other = other_learner(app)
    enrol(app, "other@example.nl", "R-WKD")  # someone else's seat is not hers
    assert standing(client, claimed["id"]) == {
        "R-EVE": "enrolled", "R-EVE-2": "enrolled_other_group", "R-WKD": None}
    carpentry = next(q["id"] for q in client.get("/api/v1/catalog/qualifications").get_json()
                     if q["crebo"] == "25655")
    saved = client.post("/api/v1/routes", json={"qualification_id": carpentry,
                                                "persona": "initieel_onderwijs",
                                                "preferences": {"max_hours_per_week": None}})
    assert saved.status_code == 201, saved.get_json()
    assert standing(client, claimed["id"])["R-WKD"] == "in_route"
    assert other.get(f"/api/v1/vouchers/{claimed['id']}").status_code == 404


def test_a_second_seat_in_a_module_is_refused_plainly_and_nothing_is_written(
        app, client, claimed):
    second = second_group_of_tim01(app)
    enrol(app, "sanne@example.nl", "R-EVE")
    response = redeem(client, claimed["id"], second)
    body = assert_problem(response, 409, "voucher-module-already-enrolled")
    assert body["title"] == "Je staat al ingeschreven voor deze module"
    assert body["detail"].startswith("Je staat al ingeschreven voor TIM-01 Veilig werken, "
                                     "in een andere groep.")
    with app.app_context():
        assert db.session.get(Voucher, claimed["id"]).redeemed_at is None
        assert db.session.get(Run, second).seats_taken == 0
    # Another module is still hers to choose.
    assert redeem(client, claimed["id"], run_id(client, claimed["id"], "R-WKD"),
                  key="key-0000-0003").status_code == 201
