"""Refusals a learner meets when planning and saving a route (issue 17, item 6): a start date in
the past is refused naming the field, and saving when no plan fits says the real reason."""
from datetime import date, timedelta

import pytest

from eigendossier.core.extensions import db
from eigendossier.routes.models import LearningRoute
from tests.api.routes.test_planning import carpentry, plan
from tests.support import assert_problem

pytestmark = pytest.mark.both_databases


def saved_routes(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(LearningRoute))


def save(client, **body):
    return client.post("/api/v1/routes", json={"qualification_id": carpentry(client),
                                                "persona": "bijscholing", **body})


def test_a_start_date_in_the_past_is_refused_naming_the_field(app, client, learner, catalog):
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    body = assert_problem(plan(client, preferences={"start_date": yesterday}), 422, "validation")
    assert body["errors"] == {"preferences.start_date": [
        "De startdatum kan niet in het verleden liggen."]}
    body = assert_problem(save(client, preferences={"start_date": yesterday}), 422, "validation")
    assert list(body["errors"]) == ["preferences.start_date"]
    assert saved_routes(app) == 0
    # today itself is fine
    assert plan(client, preferences={"start_date": date.today().isoformat()}).status_code == 200


def test_saving_when_no_route_fits_says_why_and_writes_nothing(app, client, learner, catalog):
    impossible = {"start_date": "2098-12-01", "times_of_day": ["daytime"], "hard": ["time_of_day"]}
    body = assert_problem(save(client, preferences=impossible), 409, "no-route")
    assert body["detail"].startswith(
        "Niets om op te slaan: geen groep van TIM-01 Veilig werken past bij wat je als")
    assert "aanbod" not in body["detail"]
    assert saved_routes(app) == 0


def test_saving_an_alternative_that_is_not_there_says_so(app, client, learner, catalog):
    body = assert_problem(save(client, preferences={"start_date": "2098-12-01"}, choice=3),
                          409, "no-route")
    assert body["detail"].startswith("Niets om op te slaan: dit alternatief staat")
    assert saved_routes(app) == 0
