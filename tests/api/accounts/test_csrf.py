"""The CSRF token belongs to one sign-in session: another session refuses it, and signing in
gives a new one."""
from eigendossier.accounts.cookies import CSRF_COOKIE, CSRF_HEADER
from tests.support import PASSWORD, assert_problem, sign_up


def csrf(client) -> str:
    return client.get_cookie(CSRF_COOKIE).value


def test_a_token_from_one_session_is_refused_in_another(app):
    anne, bram = app.test_client(), app.test_client()
    sign_up(anne, email="anne@example.nl", display_name="Anne")
    sign_up(bram, email="bram@example.nl", display_name="Bram")
    stolen = csrf(anne)
    # Anne's token in Bram's browser, in the cookie and the header alike (a double submit
    # that only compares the two would let it through).
    bram.set_cookie(CSRF_COOKIE, stolen)
    response = bram.patch("/api/v1/me", json={"display_name": "Overgenomen"}, csrf=False,
                          headers={CSRF_HEADER: stolen})
    body = assert_problem(response, 403, "csrf")
    assert body["title"] == "Het verzoek kon niet worden bevestigd"
    assert bram.get("/api/v1/me").get_json()["display_name"] == "Bram"
    # That request gave Bram's browser its own token back, and it works.
    assert csrf(bram) != stolen
    assert bram.patch("/api/v1/me", json={"display_name": "Bram B."}).status_code == 200
    assert anne.patch("/api/v1/me", json={"display_name": "Anne A."}).status_code == 200


def test_signing_in_and_out_changes_the_token(client):
    client.get("/api/v1/meta")
    signed_out = csrf(client)
    sign_up(client)
    first_session = csrf(client)
    assert first_session != signed_out
    assert client.delete("/api/v1/session").status_code == 204
    assert csrf(client) not in (signed_out, first_session)
    response = client.post("/api/v1/session",
                           json={"email": "sanne@example.nl", "password": PASSWORD})
    assert response.status_code == 200
    second_session = csrf(client)
    assert second_session not in (signed_out, first_session)
    refused = client.patch("/api/v1/me", json={"display_name": "Oud"}, csrf=False,
                           headers={CSRF_HEADER: first_session})
    assert_problem(refused, 403, "csrf")
    assert client.get("/api/v1/me").get_json()["display_name"] == "Sanne"


def test_a_signed_out_browser_keeps_the_double_submit(client):
    client.get("/api/v1/meta")
    response = client.post("/api/v1/session", csrf=False, headers={CSRF_HEADER: "forged"},
                           json={"email": "sanne@example.nl", "password": PASSWORD})
    assert_problem(response, 403, "csrf")


def test_a_remembered_session_gives_back_its_own_token(app):
    """GET /me answered from memory (session and profile remembered) still sets each
    browser's own token when its cookie holds another session's."""
    anne, bram = app.test_client(), app.test_client()
    sign_up(anne, email="anne@example.nl", display_name="Anne")
    sign_up(bram, email="bram@example.nl", display_name="Bram")
    for client in (anne, bram):
        client.get("/api/v1/me")
        client.get("/api/v1/me")
    own = {anne: csrf(anne), bram: csrf(bram)}
    assert own[anne] != own[bram]
    for client, other in ((anne, bram), (bram, anne)):
        client.set_cookie(CSRF_COOKIE, own[other])
        assert client.get("/api/v1/me").status_code == 200
        assert csrf(client) == own[client]


def test_a_remembered_session_refuses_another_sessions_token(app):
    """An unsafe request is checked against the token of its own remembered sign-in (taken
    from that answer's memory): another session's token is refused there too."""
    anne, bram = app.test_client(), app.test_client()
    sign_up(anne, email="anne@example.nl", display_name="Anne")
    sign_up(bram, email="bram@example.nl", display_name="Bram")
    for client in (anne, bram):
        client.get("/api/v1/me")
        assert client.patch("/api/v1/me", json={"display_name": "Eerst"}).status_code == 200
        client.get("/api/v1/me")
    stolen = csrf(anne)
    for _ in range(2):
        bram.set_cookie(CSRF_COOKIE, stolen)
        response = bram.patch("/api/v1/me", json={"display_name": "Overgenomen"}, csrf=False,
                              headers={CSRF_HEADER: stolen})
        assert_problem(response, 403, "csrf")
    assert bram.patch("/api/v1/me", json={"display_name": "Bram B."}).status_code == 200
    assert bram.get("/api/v1/me").get_json()["display_name"] == "Bram B."
