import hashlib
from datetime import timedelta

from eigendossier.accounts.api import SESSION_COOKIE
from eigendossier.accounts.models import SignInSession
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from tests.support import PASSWORD, assert_problem, sign_up


def sign_in(client, email="sanne@example.nl", password=PASSWORD, **kwargs):
    return client.post("/api/v1/session", json={"email": email, "password": password}, **kwargs)


def test_sign_in_and_out(client):
    sign_up(client)
    client.delete("/api/v1/session")
    assert_problem(client.get("/api/v1/me"), 401, "not-signed-in")

    response = sign_in(client, email="  SANNE@example.nl ")
    assert response.status_code == 200
    assert response.get_json()["email"] == "sanne@example.nl"
    assert client.get("/api/v1/me").status_code == 200

    assert client.delete("/api/v1/session").status_code == 204
    assert client.get_cookie(SESSION_COOKIE) is None
    assert_problem(client.get("/api/v1/me"), 401)


def test_a_signed_out_token_no_longer_works(client):
    sign_up(client)
    token = client.get_cookie(SESSION_COOKIE).value
    client.delete("/api/v1/session")
    client.set_cookie(SESSION_COOKIE, token)
    assert_problem(client.get("/api/v1/me"), 401)


def test_session_cookie_is_httponly_lax_and_only_its_hash_is_stored(app, client):
    sign_up(client)
    client.delete("/api/v1/session")
    response = sign_in(client)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(SESSION_COOKIE))
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Secure" not in header  # plain HTTP in tests
    token = client.get_cookie(SESSION_COOKIE).value
    with app.app_context():
        stored = db.session.scalars(db.select(SignInSession.token_hash)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in stored


def test_session_cookie_is_secure_under_https(client):
    sign_up(client)
    response = sign_in(client, base_url="https://localhost")
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(SESSION_COOKIE))
    assert "Secure" in header
    assert "max-age=63072000" in response.headers["Strict-Transport-Security"]


def test_signing_in_again_replaces_the_browsers_session(app, client):
    sign_up(client)
    old = client.get_cookie(SESSION_COOKIE).value
    assert sign_in(client).status_code == 200
    assert client.get_cookie(SESSION_COOKIE).value != old
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(SignInSession.id))) == 1
    client.set_cookie(SESSION_COOKIE, old)
    assert_problem(client.get("/api/v1/me"), 401)


def test_wrong_password_and_unknown_email_get_the_same_answer(client):
    sign_up(client)
    client.delete("/api/v1/session")
    wrong = assert_problem(sign_in(client, password="not the password"), 401, "invalid-credentials")
    unknown = assert_problem(sign_in(client, email="nobody@example.nl"), 401)
    assert wrong == unknown
    assert wrong["title"] == "E-mailadres of wachtwoord klopt niet"
    assert client.get_cookie(SESSION_COOKIE) is None


def test_an_expired_session_is_not_signed_in(app, client):
    sign_up(client)
    with app.app_context():
        past = utcnow() - timedelta(seconds=1)
        db.session.execute(db.update(SignInSession).values(expires_at=past))
        db.session.commit()
    assert_problem(client.get("/api/v1/me"), 401)


def test_two_devices_have_their_own_sessions(app):
    phone, laptop = app.test_client(), app.test_client()
    sign_up(phone)
    assert sign_in(laptop).status_code == 200
    phone.delete("/api/v1/session")
    assert laptop.get("/api/v1/me").status_code == 200
    assert_problem(phone.get("/api/v1/me"), 401)


def test_missing_fields_on_sign_in(client):
    body = assert_problem(client.post("/api/v1/session", json={}), 422)
    assert set(body["errors"]) == {"email", "password"}
