"""Staff download what their institution issued (the staff console's list offers it), revoked
credentials too; another school's staff get 404, learners 403, and staff see who they are."""
import json

from tests.api.issuing.conftest import award
from tests.support import PASSWORD, assert_problem


def test_staff_download_what_they_issued_and_no_one_else_does(app, runner, client, learner,
                                                              staff, issuer_key, blocks):
    issued = award(staff, blocks["TIM-01"]).get_json()
    path = f"/api/v1/issuing/tcr/credentials/{issued['id']}/download"
    as_json = staff.get(path)
    assert as_json.status_code == 200
    assert as_json.mimetype == "application/ld+json"
    assert json.loads(as_json.data)["id"] == f"urn:uuid:{issued['credential_id']}"
    assert staff.get(f"{path}?form=png").mimetype == "image/png"
    assert staff.post(f"/api/v1/issuing/tcr/credentials/{issued['id']}/revoke",
                      json={"reason": "Assessment annulled"}).status_code == 200
    assert staff.get(f"{path}?form=jwt").status_code == 200, "revoked: still downloadable"
    assert_problem(staff.get(f"{path}?form=pdf"), 422)
    assert_problem(staff.get("/api/v1/issuing/tcr/credentials/9999/download"), 404)

    runner.invoke(args=["issuing", "create-key", "zao"])
    runner.invoke(args=["accounts", "create-staff", "--email", "zorg@zao.nl", "--name", "Fatima",
                        "--institution", "zao", "--password", PASSWORD])
    care = app.test_client()
    care.post("/api/v1/session", json={"email": "zorg@zao.nl", "password": PASSWORD})
    assert_problem(care.get(path), 404)
    assert_problem(care.get(f"/api/v1/issuing/zao/credentials/{issued['id']}/download"), 404)
    assert_problem(client.get(path), 403, "staff-only")


def test_staff_see_the_institution_they_act_for(client, learner, staff):
    assert staff.get("/api/v1/me").get_json()["institution"] == {
        "slug": "tcr", "name": "Techniek College Rijnmond"}
    assert client.get("/api/v1/me").get_json()["institution"] is None
