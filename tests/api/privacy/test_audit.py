"""The audit trail the learner reads: sign-ins, share views, exports, vouchers, staff
decisions; newest first, a sentence each in the learner's language; nobody else's."""
from tests.api.privacy.conftest import PRIVACY, add_credentials, export, import_zip
from tests.api.routes.test_recognition import block_id
from tests.api.sharing.conftest import BROWSER, path_of
from tests.api.vouchers.conftest import issue
from tests.support import PASSWORD, assert_problem, sign_up


def trail(client, **query):
    response = client.get(f"{PRIVACY}/audit", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_what_happened_to_my_data_newest_first_in_my_words(app, client, staff):
    sign_up(client, verified=True)
    client.delete("/api/v1/session")
    client.post("/api/v1/session", json={"email": "sanne@example.nl", "password": PASSWORD})
    credentials = add_credentials(client)
    share = client.post("/api/v1/shares", json={"credential_ids": [credentials[0]["id"]],
                                                "label": "Sollicitatie"}).get_json()
    app.test_client().get(path_of(share), headers=BROWSER)
    codes = {v["email"]: v["code"] for v in issue(staff).get_json()["vouchers"]}
    client.post("/api/v1/vouchers/claim", json={"code": codes["sanne@example.nl"]})
    item = client.post("/api/v1/dossier/experience", json={
        "role": "Timmerman", "start_date": "2015-03-01"}).get_json()
    asked = client.post("/api/v1/routes/recognition", json={
        "block_id": block_id(app, "TIM-01"), "experience_item_id": item["id"]}).get_json()
    staff.post(f"/api/v1/staff/recognition-requests/{asked['id']}/decision",
               json={"approved": False, "reason": "Geen bewijs van VCA"})
    export(client)

    page = trail(client)
    actions = [event["action"] for event in page["items"]]
    assert actions == ["privacy.exported", "recognition.rejected", "voucher.claimed",
                       "voucher.issued", "share.viewed", "share.created", "session.started",
                       "session.ended", "session.started"]
    assert page["total"] == 9
    assert page["page"] == 1
    by_action = {event["action"]: event for event in page["items"]}
    assert by_action["share.viewed"]["actor"] == "visitor"
    assert by_action["recognition.rejected"]["actor"] == "staff"
    assert by_action["voucher.issued"]["actor"] == "staff"
    assert by_action["session.started"]["actor"] == "you"
    assert by_action["share.viewed"]["message"] == "Iemand heeft een van je deellinks geopend."
    assert by_action["recognition.rejected"]["message"] == \
        "Techniek College Rijnmond heeft je verzoek om erkenning van TIM-01 afgewezen."
    assert "IP" not in str(by_action["share.viewed"])
    assert "127.0.0.1" not in str(page)

    client.patch("/api/v1/me", json={"locale": "en"})
    second = trail(client, page=2, per_page=4)
    assert [e["action"] for e in second["items"]] == actions[4:8]
    assert second["items"][0]["message"] == "Someone opened one of your share links."
    assert trail(client, page=9)["items"] == []
    assert_problem(client.get(f"{PRIVACY}/audit", query_string={"per_page": 1000}), 422)

    other = app.test_client()
    sign_up(other, email="other@example.nl")
    theirs = trail(other)
    assert [e["action"] for e in theirs["items"]] == ["session.started"]


def test_anonymous_visitors_get_401(client):
    assert_problem(client.get(f"{PRIVACY}/audit"), 401)
    assert_problem(client.post(f"{PRIVACY}/export", json={}), 401)
    assert_problem(import_zip(client, b"PK"), 401)
    assert_problem(client.post(f"{PRIVACY}/erase", json={"confirm": "x"}), 401)
