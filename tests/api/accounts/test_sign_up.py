import hashlib

import pytest

from eigendossier.accounts.api import SESSION_COOKIE
from eigendossier.accounts.models import Account, SignInSession
from eigendossier.core.config import load_settings
from eigendossier.core.extensions import db
from tests.conftest import make_app
from tests.support import PASSWORD, assert_problem, sign_up

# On SQLite and PostgreSQL: one account per email by a unique constraint.
pytestmark = pytest.mark.both_databases


def count_accounts(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Account))


def test_sign_up_signs_the_learner_in(client):
    profile = sign_up(client, email="Sanne@Example.NL", display_name="Sanne de Vries")

    assert profile["email"] == "sanne@example.nl"
    assert profile["display_name"] == "Sanne de Vries"
    assert profile["locale"] == "nl"
    assert profile["time_zone"] == "Europe/Amsterdam"
    assert profile["roles"] == ["learner"]
    assert "password" not in profile
    assert client.get("/api/v1/me").get_json()["id"] == profile["id"]


def test_session_cookie_is_httponly_lax_and_only_its_hash_is_stored(app, client):
    response = client.post("/api/v1/accounts", json={
        "email": "a@example.nl", "password": PASSWORD, "display_name": "A"})
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
    response = client.post("/api/v1/accounts", base_url="https://localhost", json={
        "email": "a@example.nl", "password": PASSWORD, "display_name": "A"})
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(SESSION_COOKIE))
    assert "Secure" in header
    assert "max-age=63072000" in response.headers["Strict-Transport-Security"]


def test_password_is_hashed_with_argon2id(app, client):
    sign_up(client)
    with app.app_context():
        stored = db.session.scalar(db.select(Account.password_hash))
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_a_default_installation_hashes_at_rfc_9106_cost_and_upgrades_cheaper_hashes(
        app, client, database_url, tmp_path):
    """The tests hash at the lowest cost (tests/conftest.py); config/default.toml must not:
    argon2id with 64 MiB, 3 passes, 4 lanes. A hash made at another cost is upgraded when
    its owner next signs in."""
    defaults = load_settings(environ={})
    strong = {key: defaults[key] for key in
              ("PASSWORD_HASH_TIME_COST", "PASSWORD_HASH_MEMORY_KIB", "PASSWORD_HASH_PARALLELISM")}
    assert strong == {"PASSWORD_HASH_TIME_COST": 3, "PASSWORD_HASH_MEMORY_KIB": 65536,
                      "PASSWORD_HASH_PARALLELISM": 4}
    sign_up(client)
    with app.app_context():
        cheap = db.session.scalar(db.select(Account.password_hash))
    assert cheap.startswith("$argon2id$v=19$m=8,t=1,p=1$")

    installed = make_app(database_url, tmp_path, **strong)
    response = installed.test_client().post("/api/v1/session", json={
        "email": "sanne@example.nl", "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    again = installed.test_client().post("/api/v1/session", json={
        "email": "sanne@example.nl", "password": PASSWORD})
    with installed.app_context():
        upgraded = db.session.scalar(db.select(Account.password_hash))
        db.session.remove()
        db.engine.dispose()
    assert upgraded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert again.status_code == 200


def test_an_email_signs_up_once_whatever_its_case(app, client):
    sign_up(client, email="sanne@example.nl")
    response = client.post("/api/v1/accounts", json={
        "email": "SANNE@example.nl", "password": PASSWORD, "display_name": "Other"})
    body = assert_problem(response, 409, "email-taken")
    assert body["title"] == "Dit e-mailadres heeft al een account"
    assert count_accounts(app) == 1


def test_bad_sign_up_is_refused_field_by_field_and_nothing_is_written(app, client):
    response = client.post("/api/v1/accounts", json={
        "email": "not-an-email", "password": "short", "locale": "fr"})
    body = assert_problem(response, 422, "validation")
    assert set(body["errors"]) == {"email", "password", "display_name", "locale"}
    assert body["errors"]["display_name"] == ["Dit veld is verplicht."]
    assert body["errors"]["email"] == ["Geen geldig e-mailadres."]
    assert body["errors"]["password"] == ["Tussen 10 en 256 tekens."]
    assert count_accounts(app) == 0


def test_field_errors_in_english_when_asked(client):
    response = client.post("/api/v1/accounts", headers={"Accept-Language": "en-GB,en;q=0.9"},
                           json={"email": "x@example.nl", "password": "short", "display_name": "X"})
    body = assert_problem(response, 422)
    assert body["title"] == "The input is not valid"
    assert body["errors"]["password"] == ["Between 10 and 256 characters."]


def test_unknown_fields_are_refused(app, client):
    response = client.post("/api/v1/accounts", json={
        "email": "a@example.nl", "password": PASSWORD, "display_name": "A", "role": "admin"})
    body = assert_problem(response, 422)
    assert "role" in body["errors"]
    assert count_accounts(app) == 0


def test_a_body_that_is_not_json_is_refused(app, client):
    response = client.post("/api/v1/accounts", data="{not json",
                           headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 422)
    assert response.mimetype == "application/problem+json"
    assert count_accounts(app) == 0
