from tests.support import assert_problem, sign_up


def test_change_display_name_language_and_time_zone(client, learner):
    response = client.patch("/api/v1/me", json={
        "display_name": " Sanne de Vries ", "locale": "en", "time_zone": "America/Curacao"})
    assert response.status_code == 200
    profile = client.get("/api/v1/me").get_json()
    assert profile["display_name"] == "Sanne de Vries"
    assert profile["locale"] == "en"
    assert profile["time_zone"] == "America/Curacao"


def test_the_profile_language_chooses_the_language_of_errors(client, learner):
    client.patch("/api/v1/me", json={"locale": "en"})
    body = assert_problem(client.patch("/api/v1/me", json={"locale": "fr"},
                                       headers={"Accept-Language": "nl"}), 422)
    assert body["title"] == "The input is not valid"


def test_an_unknown_time_zone_is_refused_and_nothing_changes(client, learner):
    body = assert_problem(client.patch("/api/v1/me", json={"time_zone": "Mars/Olympus",
                                                           "display_name": "X"}), 422)
    assert body["errors"] == {"time_zone": ["Onbekende tijdzone."]}
    profile = client.get("/api/v1/me").get_json()
    assert profile["time_zone"] == "Europe/Amsterdam"
    assert profile["display_name"] == "Sanne"


def test_email_and_roles_cannot_be_changed_here(client, learner):
    body = assert_problem(client.patch("/api/v1/me", json={"email": "x@example.nl",
                                                           "roles": ["admin"]}), 422)
    assert set(body["errors"]) == {"email", "roles"}
    assert client.get("/api/v1/me").get_json()["roles"] == ["learner"]


def test_a_learner_sees_and_edits_only_their_own_profile(app, client, learner):
    other = app.test_client()
    other_profile = sign_up(other, email="yusuf@example.nl", display_name="Yusuf")
    other.patch("/api/v1/me", json={"display_name": "Yusuf D."})

    mine = client.get("/api/v1/me").get_json()
    assert mine["id"] == learner["id"] != other_profile["id"]
    assert mine["display_name"] == "Sanne"
    assert other.get("/api/v1/me").get_json()["display_name"] == "Yusuf D."


def test_anonymous_cannot_read_or_edit_a_profile(client):
    assert_problem(client.get("/api/v1/me"), 401)
    assert_problem(client.patch("/api/v1/me", json={"display_name": "X"}), 401)
