"""The session answer is kept briefly in memory: fewer round trips, never a stale sign-in
in this process."""
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, text

from eigendossier.accounts import api as accounts_api
from eigendossier.accounts import sessions
from eigendossier.accounts.api import SESSION_COOKIE
from eigendossier.accounts.cookies import CSRF_COOKIE
from eigendossier.accounts.models import SignInSession
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from tests.support import PASSWORD, assert_problem, sign_up

# Signing out, erasing and editing the profile forget the remembered answer on either database.
pytestmark = pytest.mark.both_databases


@contextmanager
def statements(app):
    seen = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_known_session_is_answered_without_the_database(app, client):
    sign_up(client)
    assert client.get("/api/v1/me").status_code == 200
    with statements(app) as seen:
        assert client.get("/api/v1/me").get_json()["display_name"] == "Sanne"
    assert seen == []


def test_a_changed_profile_shows_at_once(client):
    sign_up(client)
    client.get("/api/v1/me")
    assert client.patch("/api/v1/me", json={"display_name": "Sanne B."}).status_code == 200
    assert client.get("/api/v1/me").get_json()["display_name"] == "Sanne B."


def test_signing_out_ends_the_remembered_session_at_once(client):
    sign_up(client)
    token = client.get_cookie(SESSION_COOKIE).value
    assert client.get("/api/v1/me").status_code == 200
    client.delete("/api/v1/session")
    client.set_cookie(SESSION_COOKIE, token)
    assert_problem(client.get("/api/v1/me"), 401)


def test_signing_out_refuses_a_redemption_at_once(client):
    """A redemption reads the remembered answer as GET /me does (accounts.signin)."""
    sign_up(client)
    token, csrf = client.get_cookie(SESSION_COOKIE).value, client.get_cookie(CSRF_COOKIE).value
    assert client.get("/api/v1/me").status_code == 200

    def redeem():
        return client.post("/api/v1/vouchers/999/redeem", json={"run_id": 1},
                           headers={"Idempotency-Key": "key-0000-0001"})

    assert_problem(redeem(), 404)  # signed in: no such voucher of hers
    client.delete("/api/v1/session")
    client.set_cookie(SESSION_COOKIE, token)
    client.set_cookie(CSRF_COOKIE, csrf)
    assert_problem(redeem(), 401)


def test_erasing_the_account_ends_the_remembered_session_at_once(client):
    sign_up(client)
    token = client.get_cookie(SESSION_COOKIE).value
    assert client.get("/api/v1/me").status_code == 200
    erased = client.post("/api/v1/privacy/erase",
                         json={"confirm": "sanne@example.nl", "password": PASSWORD})
    assert erased.status_code in (200, 204), erased.get_json()
    client.set_cookie(SESSION_COOKIE, token)
    assert_problem(client.get("/api/v1/me"), 401)


def test_a_session_ended_elsewhere_is_honoured_only_until_forgotten(app, client):
    """Another process ends the session (here: plain SQL the ORM does not see)."""
    sign_up(client)
    assert client.get("/api/v1/me").status_code == 200
    with app.app_context():
        db.session.execute(text("DELETE FROM sign_in_session"))
        db.session.commit()
    assert client.get("/api/v1/me").status_code == 200  # at most SESSION_CACHE_SECONDS
    sessions.forget()
    assert_problem(client.get("/api/v1/me"), 401)


def test_without_the_cache_every_request_asks_the_database(app, client):
    app.config["SESSION_CACHE_SECONDS"] = 0
    sign_up(client)
    client.get("/api/v1/me")
    with app.app_context():
        db.session.execute(text("DELETE FROM sign_in_session"))
        db.session.commit()
    assert_problem(client.get("/api/v1/me"), 401)


def test_a_remembered_answer_still_notes_when_the_browser_was_last_used(app, client, monkeypatch):
    """GET /me answered from memory (no query) notes the session's use like any request."""
    sign_up(client)
    assert client.get("/api/v1/me").status_code == 200  # remembered, with its profile
    with app.app_context():
        first = db.session.scalar(db.select(SignInSession.last_seen_at))
    later = utcnow() + sessions.TOUCH_AFTER + timedelta(minutes=1)
    monkeypatch.setattr(accounts_api, "utcnow", lambda: later)
    monkeypatch.setattr(sessions, "utcnow", lambda: later)
    with statements(app) as seen:
        assert client.get("/api/v1/me").get_json()["display_name"] == "Sanne"
    [update] = seen  # no SELECT: the answer was remembered
    assert update.lstrip().upper().startswith("UPDATE")
    with app.app_context():
        assert db.session.scalar(db.select(SignInSession.last_seen_at)) > first
