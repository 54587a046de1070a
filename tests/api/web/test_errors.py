"""Every error is an RFC 9457 problem document, in the request's language."""
import logging

import pytest

from tests.support import assert_problem


def test_unknown_api_path_is_a_problem(client):
    body = assert_problem(client.get("/api/v1/nothing-here"), 404, "not-found")
    assert body["title"] == "Niet gevonden"
    assert body["detail"]


def test_title_follows_accept_language(client):
    body = assert_problem(client.get("/api/v1/nothing", headers={"Accept-Language": "en"}), 404)
    assert body["title"] == "Not found"
    body = assert_problem(client.get("/api/v1/nothing", headers={"Accept-Language": "de, fr"}), 404)
    assert body["title"] == "Niet gevonden"  # Dutch when neither nl nor en is asked for


def test_wrong_method_is_a_problem(client):
    body = assert_problem(client.put("/api/v1/me", json={}), 405, "method-not-allowed")
    assert body["title"] == "Methode niet toegestaan"


def test_too_large_body_is_refused_before_parsing(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/api/v1/accounts", data="x" * 4096,
                           headers={"Content-Type": "application/json"})
    assert_problem(response, 413, "too-large")


def test_unexpected_error_is_a_problem_and_logs_no_personal_data(app, client, caplog):
    email = "sanne@" + "example.nl"

    def explode():
        raise RuntimeError(f"duplicate key {email}")

    app.add_url_rule("/api/v1/explode", "explode", explode)
    with caplog.at_level(logging.ERROR):
        body = assert_problem(client.get("/api/v1/explode"), 500, "server-error")
    assert "sanne@example.nl" not in body.get("detail", "")
    assert "RuntimeError" in caplog.text
    assert "sanne@example.nl" not in caplog.text


@pytest.mark.parametrize("path", ["/api/v1/accounts", "/api/v1/session", "/api/v1/me"])
def test_unsafe_request_without_csrf_header_is_refused(client, path):
    client.get("/api/v1/meta")
    method = client.patch if path.endswith("/me") else client.post
    body = assert_problem(method(path, json={}, csrf=False), 403, "csrf")
    assert body["title"] == "Het verzoek kon niet worden bevestigd"


def test_csrf_header_must_match_the_cookie(app, client):
    client.get("/api/v1/meta")
    response = client.post("/api/v1/accounts", csrf=False, headers={"X-CSRF-Token": "forged"},
                           json={"email": "a@example.nl", "password": "long enough pw",
                                 "display_name": "A"})
    assert_problem(response, 403, "csrf")
    from eigendossier.accounts.models import Account
    from eigendossier.core.extensions import db
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Account)) == 0


def test_csrf_cookie_is_readable_by_scripts_and_lax(client):
    response = client.get("/api/v1/meta")
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("csrf_token="))
    assert "HttpOnly" not in header
    assert "SameSite=Lax" in header
