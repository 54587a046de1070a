"""Recognition of prior learning (EVC): a learner asks, the block's institution decides, and an
approved block is skipped in planning; until then it is not."""
from eigendossier.catalog.models import Block
from eigendossier.core.extensions import db
from tests.api.routes.test_planning import plan
from tests.support import PASSWORD, assert_problem, sign_up

START = {"start_date": "2098-12-01"}


def block_id(app, code):
    with app.app_context():
        return db.session.scalar(db.select(Block.id).filter_by(code=code))


def experience(client):
    response = client.post("/api/v1/dossier/experience", json={
        "role": "Timmerman", "employer": "Bouwbedrijf De Vries", "start_date": "2015-03-01",
        "end_date": "2023-06-30", "description": "Veilig gewerkt op de bouwplaats (VCA)."})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def request(client, app, code="TIM-01"):
    return client.post("/api/v1/routes/recognition", json={
        "block_id": block_id(app, code), "experience_item_id": experience(client)})


def test_recognition_is_requested_then_approved_then_skipped(app, client, learner, staff):
    asked = request(client, app)
    assert asked.status_code == 201, asked.get_json()
    assert asked.get_json()["status"] == "requested"
    still_planned = plan(client, preferences=START).get_json()["plan"]
    assert still_planned["exempted"] == [], "not skipped until approved"

    pending = staff.get("/api/v1/staff/recognition-requests").get_json()
    assert [(r["learner"], r["experience"]["employer"]) for r in pending] == \
        [("Sanne", "Bouwbedrijf De Vries")]
    decided = staff.post(f"/api/v1/staff/recognition-requests/{pending[0]['id']}/decision",
                         json={"approved": True})
    assert decided.get_json()["status"] == "approved"

    route = plan(client, preferences=START).get_json()["plan"]
    assert [b["code"] for b in route["exempted"]] == ["TIM-01"]
    assert [c["block"]["code"] for c in route["choices"]] == ["TIM-02"]
    assert client.get("/api/v1/routes/recognition").get_json()[0]["status"] == "approved"
    again = staff.post(f"/api/v1/staff/recognition-requests/{pending[0]['id']}/decision",
                       json={"approved": False, "reason": "Toch niet"})
    assert_problem(again, 409, "recognition-decided")


def test_a_rejected_request_exempts_nothing(app, client, learner, staff):
    request(client, app)
    pending = staff.get("/api/v1/staff/recognition-requests").get_json()
    staff.post(f"/api/v1/staff/recognition-requests/{pending[0]['id']}/decision",
               json={"approved": False, "reason": "Geen bewijs van VCA"})
    assert plan(client, preferences=START).get_json()["plan"]["exempted"] == []


def test_asking_twice_for_one_block_is_refused(app, client, learner, catalog):
    assert request(client, app).status_code == 201
    assert_problem(request(client, app), 409, "recognition-already-requested")


def test_only_your_own_experience_and_real_blocks(app, client, learner, catalog):
    other = app.test_client()
    sign_up(other, email="other@example.nl")
    foreign_item = experience(other)
    response = client.post("/api/v1/routes/recognition", json={
        "block_id": block_id(app, "TIM-01"), "experience_item_id": foreign_item})
    assert_problem(response, 404)
    response = client.post("/api/v1/routes/recognition", json={
        "block_id": 9999, "experience_item_id": experience(client)})
    assert_problem(response, 404)
    assert client.get("/api/v1/routes/recognition").get_json() == []


def test_another_learner_cannot_see_or_withdraw_a_request(app, client, learner, catalog):
    asked = request(client, app).get_json()
    other = app.test_client()
    sign_up(other, email="other@example.nl")
    assert other.get("/api/v1/routes/recognition").get_json() == []
    assert_problem(other.delete(f"/api/v1/routes/recognition/{asked['id']}"), 404)
    assert client.delete(f"/api/v1/routes/recognition/{asked['id']}").status_code == 204


def test_staff_of_another_institution_and_learners_cannot_decide(app, runner, client, learner,
                                                                 catalog):
    request(client, app)
    runner.invoke(args=["accounts", "create-staff", "--email", "zorg@zao.nl", "--name", "Fatima",
                        "--institution", "zao", "--password", PASSWORD])
    care = app.test_client()
    care.post("/api/v1/session", json={"email": "zorg@zao.nl", "password": PASSWORD})
    assert care.get("/api/v1/staff/recognition-requests").get_json() == []
    mine = client.get("/api/v1/routes/recognition").get_json()[0]["id"]
    assert_problem(care.post(f"/api/v1/staff/recognition-requests/{mine}/decision",
                             json={"approved": True}), 404)
    assert_problem(client.get("/api/v1/staff/recognition-requests"), 403, "staff-only")
    assert_problem(client.post(f"/api/v1/staff/recognition-requests/{mine}/decision",
                               json={"approved": True}), 403)
