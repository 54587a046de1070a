"""The school's side of a recognition request: it reads the evidence, refuses only with a
reason (which the learner reads), and the learner's route follows the decision. Another
school's staff get 404, learners 403."""
import io

from eigendossier.core.extensions import db
from eigendossier.routes.models import RecognitionRequest
from tests.api.routes.test_planning import plan
from tests.api.routes.test_recognition import START, request
from tests.support import PASSWORD, assert_problem

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def asked_with_evidence(client, app):
    asked = request(client, app).get_json()
    response = client.put(f"/api/v1/dossier/experience/{asked['experience_item_id']}/evidence",
                          content_type="multipart/form-data",
                          data={"file": (io.BytesIO(PDF), "vca-diploma.pdf")})
    assert response.status_code == 200, response.get_json()
    return asked


def decide(staff, request_id, **body):
    return staff.post(f"/api/v1/staff/recognition-requests/{request_id}/decision", json=body)


def test_staff_read_the_evidence_and_refuse_with_a_reason_the_learner_sees(app, client, learner,
                                                                         staff):
    asked = asked_with_evidence(client, app)
    [pending] = staff.get("/api/v1/staff/recognition-requests").get_json()
    assert pending["experience"]["evidence"] == {
        "name": "vca-diploma.pdf", "content_type": "application/pdf", "size": len(PDF)}
    evidence = staff.get(f"/api/v1/staff/recognition-requests/{asked['id']}/evidence")
    assert evidence.status_code == 200
    assert evidence.data == PDF
    assert evidence.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"

    for body in ({"approved": False}, {"approved": False, "reason": "  "},
                 {"approved": False, "reason": "x" * 501}, {"reason": "Waarom niet"}):
        refused = assert_problem(decide(staff, asked["id"], **body), 422)
        assert refused["errors"], body
    with app.app_context():
        assert db.session.get(RecognitionRequest, asked["id"]).status == "requested"

    decided = decide(staff, asked["id"], approved=False, reason="Geen VCA-certificaat gezien")
    assert decided.status_code == 200, decided.get_json()
    [mine] = client.get("/api/v1/routes/recognition").get_json()
    assert (mine["status"], mine["decision_reason"]) == ("rejected", "Geen VCA-certificaat gezien")
    assert plan(client, preferences=START).get_json()["plan"]["exempted"] == []


def test_an_approval_needs_no_reason_and_the_route_skips_the_block(app, client, learner, staff):
    asked = request(client, app).get_json()
    assert decide(staff, asked["id"], approved=True).status_code == 200
    assert [b["code"] for b in plan(client, preferences=START).get_json()["plan"]["exempted"]] \
        == ["TIM-01"]


def test_another_school_and_learners_get_nothing(app, runner, client, learner, staff):
    asked = asked_with_evidence(client, app)
    runner.invoke(args=["accounts", "create-staff", "--email", "zorg@zao.nl", "--name", "Fatima",
                        "--institution", "zao", "--password", PASSWORD])
    care = app.test_client()
    care.post("/api/v1/session", json={"email": "zorg@zao.nl", "password": PASSWORD})
    assert_problem(care.get(f"/api/v1/staff/recognition-requests/{asked['id']}/evidence"), 404)
    assert_problem(client.get(f"/api/v1/staff/recognition-requests/{asked['id']}/evidence"),
                   403, "staff-only")
    assert_problem(staff.get("/api/v1/staff/recognition-requests/9999/evidence"), 404)


def test_a_learner_offers_own_credentials_and_staff_see_them_verified(app, client, learner,
                                                                    staff):
    from tests.credentials_support import signed_jwt
    from tests.support import sign_up
    mine = client.post("/api/v1/dossier/credentials",
                       json={"text": signed_jwt("sanne@example.nl")}).get_json()
    other = app.test_client()
    sign_up(other, email="other@example.nl")
    theirs = other.post("/api/v1/dossier/credentials",
                        json={"text": signed_jwt("other@example.nl")}).get_json()
    item = client.post("/api/v1/dossier/experience", json={
        "role": "Timmerman", "start_date": "2015-03-01"}).get_json()["id"]
    with app.app_context():
        from eigendossier.catalog.models import Block
        block = db.session.scalar(db.select(Block.id).filter_by(code="TIM-01"))
    assert_problem(client.post("/api/v1/routes/recognition", json={
        "block_id": block, "experience_item_id": item,
        "credential_ids": [mine["id"], theirs["id"]]}), 404)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(RecognitionRequest.id))) == 0
    assert_problem(client.post("/api/v1/routes/recognition", json={
        "block_id": block, "experience_item_id": item, "credential_ids": "all"}), 422)

    asked = client.post("/api/v1/routes/recognition", json={
        "block_id": block, "experience_item_id": item, "credential_ids": [mine["id"]]})
    assert asked.status_code == 201, asked.get_json()
    [pending] = staff.get("/api/v1/staff/recognition-requests").get_json()
    [offered] = pending["credentials"]
    assert offered["id"] == mine["id"]
    assert offered["status"] == mine["verification"]["status"]
    assert offered["title"] == mine["summary"]["title"]
