import pytest

from tests.support import assert_problem, sign_up

# On SQLite and PostgreSQL: routes stored as JSON.
pytestmark = pytest.mark.both_databases


def carpentry(client):
    return next(q["id"] for q in client.get("/api/v1/catalog/qualifications").get_json()
                if q["crebo"] == "25655")


def plan(client, **body):
    return client.post("/api/v1/routes/plan", json={"qualification_id": carpentry(client),
                                                     "persona": "bijscholing", **body})


def test_five_personas_with_recognition(client):
    personas = client.get("/api/v1/routes/personas").get_json()
    assert [p["key"] for p in personas] == [
        "initieel_onderwijs", "voorschakelen", "bijscholing", "omscholing", "opscholing"]
    upskilling = personas[2]
    assert upskilling["name"] == "Bijscholing"
    assert upskilling["defaults"]["times_of_day"] == ["evening", "weekend"]
    english = client.get("/api/v1/routes/personas", headers={"Accept-Language": "en"}).get_json()
    assert english[2]["name"] == "Upskilling"


def test_a_working_adult_gets_the_evening_and_weekend_route(client, learner, catalog):
    response = plan(client, preferences={"start_date": "2098-12-01"})
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert result["preferences"]["hard"] == ["time_of_day"]
    route = result["plan"]
    assert [c["block"]["code"] for c in route["choices"]] == ["TIM-01", "TIM-02"]
    assert [c["run"]["code"] for c in route["choices"]] == ["R-EVE", "R-WKD"]
    assert route["finish"] == "2099-04-11"
    assert route["total_ec"] == 7.5
    assert route["optimal"] is True
    assert result["alternatives_complete"] is True
    second = route["choices"][1]["reasons"]
    assert {"code": "prerequisite", "after": "TIM-01", "after_end": "2099-02-13"} in second
    assert result["infeasibility"] is None


def test_no_route_says_why_and_what_would_help(client, learner, catalog):
    result = plan(client, preferences={"start_date": "2098-12-01", "times_of_day": ["daytime"],
                                       "hard": ["time_of_day"]}).get_json()
    assert result["plan"] is None
    causes = result["infeasibility"]["causes"]
    assert causes[0]["block"] == "TIM-01"
    assert "hard_preference" in causes[0]["code"]
    relaxation = result["infeasibility"]["relaxations"][0]
    assert relaxation["change"]["preference"] == "time_of_day"
    assert relaxation["finish"] == "2099-04-11"


def test_bad_plan_requests_are_refused(client, learner, catalog):
    body = assert_problem(plan(client, persona="student"), 422)
    assert "persona" in body["errors"]
    body = assert_problem(plan(client, preferences={"start_date": "2099-01-01",
                                                    "horizon_end": "2098-01-01",
                                                    "times_of_day": ["night"]}), 422)
    assert set(body["errors"]) == {"preferences.horizon_end", "preferences.times_of_day.0"}
    missing = client.post("/api/v1/routes/plan", json={"qualification_id": 999,
                                                       "persona": "bijscholing"})
    assert_problem(missing, 404)


def test_planning_needs_an_account(app, catalog):
    anonymous = app.test_client()
    assert_problem(anonymous.post("/api/v1/routes/plan", json={
        "qualification_id": 1, "persona": "bijscholing"}), 401)


def test_preferences_come_back_as_iso_dates_and_null_means_no_limit(client, learner, catalog):
    result = plan(client, preferences={"start_date": "2098-12-01", "max_parallel": None,
                                       "max_hours_per_week": None}).get_json()
    chosen = result["preferences"]
    assert chosen["start_date"] == "2098-12-01"
    assert chosen["horizon_end"] == "2101-12-01"  # three years by the calendar
    leap = plan(client, preferences={"start_date": "2103-03-01"}).get_json()["preferences"]
    assert leap["horizon_end"] == "2106-03-01"  # 3 x 365 days would end on 28 February
    assert chosen["max_parallel"] is None
    assert chosen["max_hours_per_week"] is None
    defaults = plan(client, preferences={"start_date": "2098-12-01"}).get_json()["preferences"]
    # 8 h a week fits no group of this qualification: the default is what they ask (25).
    assert (defaults["max_parallel"], defaults["max_hours_per_week"]) == (1, 25)


def test_the_default_horizon_counts_years_by_the_calendar():
    from datetime import date

    from eigendossier.routes.service import years_after

    assert years_after(date(2027, 3, 1), 3) == date(2030, 3, 1)
    assert years_after(date(2028, 2, 29), 3) == date(2031, 2, 28)


def test_the_default_pace_is_one_the_qualifications_groups_meet(client, learner, catalog):
    general = client.get("/api/v1/routes/personas").get_json()
    assert general[2]["defaults"]["max_hours_per_week"] == 8
    fitted = client.get(f"/api/v1/routes/personas?qualification_id={carpentry(client)}")
    personas = {p["key"]: p["defaults"] for p in fitted.get_json()}
    # TIM-01 at 84 h over 40 days (14.7 h a week), TIM-02 at 126 h over 36 days (24.5).
    assert personas["bijscholing"]["max_hours_per_week"] == 25
    assert personas["initieel_onderwijs"]["max_hours_per_week"] is None
    result = plan(client, preferences={"start_date": "2098-12-01",
                                       **personas["bijscholing"]}).get_json()
    reasons = [r["code"] for c in result["plan"]["choices"] for r in c["reasons"]]
    assert "pace_exceeded" not in reasons
    assert result["plan"]["violations"] == []


def test_personas_for_a_qualification_that_is_not_there(client, catalog):
    assert_problem(client.get("/api/v1/routes/personas?qualification_id=999"), 404)
    body = assert_problem(client.get("/api/v1/routes/personas?qualification_id=x"), 422)
    assert "qualification_id" in body["errors"]


def test_the_persona_planned_with_is_remembered_for_this_learner_only(app, client, learner,
                                                                      catalog):
    assert client.get("/api/v1/me").get_json()["persona"] is None
    plan(client, persona="omscholing", preferences={"start_date": "2098-12-01"})
    assert client.get("/api/v1/me").get_json()["persona"] == "omscholing"
    other = app.test_client()
    sign_up(other, email="yusuf@example.nl")
    assert other.get("/api/v1/me").get_json()["persona"] is None
    plan(other, persona="opscholing")
    assert client.get("/api/v1/me").get_json()["persona"] == "omscholing"


def test_a_plan_the_search_could_not_prove_says_so(client, learner, catalog, monkeypatch):
    """A budget of 4 nodes, and no list schedule to start from (on this small catalogue it
    would meet the lower bound and prove the plan without any search)."""
    from eigendossier.planner import packing
    from eigendossier.routes import service

    monkeypatch.setattr(service, "NODE_LIMIT", 4)
    monkeypatch.setattr(packing, "best_schedule", lambda *_: None)
    result = plan(client, preferences={"start_date": "2098-12-01"}).get_json()
    route = result["plan"]
    assert route["optimal"] is False
    assert route["finish_lower_bound"] <= route["finish"]
    assert result["alternatives_complete"] is False


def test_a_proven_plan_cannot_finish_before_its_finish(client, learner, catalog):
    route = plan(client, preferences={"start_date": "2098-12-01"}).get_json()["plan"]
    assert route["optimal"] is True
    assert route["finish_lower_bound"] == route["finish"] == "2099-04-11"
