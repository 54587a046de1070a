"""The learner's sessions as a list of devices: sign out one, or everywhere."""
from datetime import timedelta

from eigendossier.accounts.api import SESSION_COOKIE
from eigendossier.accounts.models import Account, SignInSession
from eigendossier.core.audit import events_of
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from tests.support import PASSWORD, assert_problem, sign_up

ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like "
                  "Gecko) Chrome/126.0.0.0 Mobile Safari/537.36")
MAC_FIREFOX = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 "
               "Firefox/127.0")


def sign_in(client, user_agent, email="sanne@example.nl"):
    response = client.post("/api/v1/session", json={"email": email, "password": PASSWORD},
                           headers={"User-Agent": user_agent},
                           environ_base={"REMOTE_ADDR": "203.0.113.77"})
    assert response.status_code == 200
    return client


def devices(client, **kwargs):
    response = client.get("/api/v1/sessions", **kwargs)
    assert response.status_code == 200
    return response.get_json()


def test_the_list_names_browser_and_system_and_never_an_address(app):
    phone, laptop = app.test_client(), app.test_client()
    sign_up(phone)
    sign_in(phone, ANDROID_CHROME)
    sign_in(laptop, MAC_FIREFOX)

    listed = devices(laptop)
    assert [(d["device"], d["current"]) for d in listed] == [
        ("Firefox op macOS", True), ("Chrome op Android", False)]
    assert devices(phone, headers={"Accept-Language": "en"})[0]["device"] in (
        "Chrome op Android", "Firefox op macOS"), "the profile's language (nl) wins"
    first = listed[0]
    assert set(first) == {"id", "device", "browser", "os", "created_at", "last_seen_at",
                          "current"}
    assert first["created_at"].endswith("+00:00")
    raw = laptop.get("/api/v1/sessions").get_data(as_text=True)
    assert "203.0.113.77" not in raw
    with app.app_context():
        columns = SignInSession.__table__.columns.keys()
    assert not [c for c in columns if "ip" in c.split("_") or "addr" in c]


def test_an_unknown_browser_is_said_to_be_unknown(app):
    client = app.test_client()
    sign_up(client)
    sign_in(client, "")
    client.patch("/api/v1/me", json={"locale": "en"})
    assert [d["device"] for d in devices(client) if d["current"]] == ["Unknown device"]


def test_last_seen_is_noted_every_few_minutes_not_on_every_request(app):
    client = app.test_client()
    sign_up(client)
    long_ago = utcnow() - timedelta(hours=3)
    with app.app_context():
        db.session.execute(db.update(SignInSession).values(last_seen_at=long_ago))
        db.session.commit()
    client.get("/api/v1/me")
    [seen] = [d["last_seen_at"] for d in devices(client)]
    with app.app_context():
        noted = db.session.scalar(db.select(SignInSession.last_seen_at))
    assert noted > utcnow() - timedelta(minutes=1)
    client.get("/api/v1/me")
    with app.app_context():
        assert db.session.scalar(db.select(SignInSession.last_seen_at)) == noted
    assert seen.endswith("+00:00")


def test_sign_out_one_device(app):
    phone, laptop = app.test_client(), app.test_client()
    sign_up(phone)
    sign_in(phone, ANDROID_CHROME)
    sign_in(laptop, MAC_FIREFOX)
    [phone_session] = [d for d in devices(laptop) if not d["current"]]

    response = laptop.delete(f"/api/v1/sessions/{phone_session['id']}")
    assert response.status_code == 204
    assert "ed_session=;" not in response.headers.get("Set-Cookie", "")
    assert_problem(phone.get("/api/v1/me"), 401)
    assert laptop.get("/api/v1/me").status_code == 200
    with app.app_context():
        account_id = db.session.scalar(db.select(Account.id))
        [event] = events_of(account_id, "session.ended_remotely")
    assert event.details == {"device": "Chrome op Android"}
    assert_problem(laptop.delete(f"/api/v1/sessions/{phone_session['id']}"), 404)


def test_signing_out_this_device_by_the_list_clears_its_cookie(app):
    client = app.test_client()
    sign_up(client)
    [mine] = devices(client)
    response = client.delete(f"/api/v1/sessions/{mine['id']}")
    assert response.status_code == 204
    assert client.get_cookie(SESSION_COOKIE) is None


def test_another_learners_session_is_not_found(app):
    sanne, yusuf = app.test_client(), app.test_client()
    sign_up(sanne)
    sign_up(yusuf, email="yusuf@example.nl", display_name="Yusuf")
    [theirs] = devices(yusuf)
    assert_problem(sanne.delete(f"/api/v1/sessions/{theirs['id']}"), 404, "not-found")
    assert_problem(sanne.delete("/api/v1/sessions/999999"), 404)
    assert yusuf.get("/api/v1/me").status_code == 200
    assert [d["id"] for d in devices(sanne)] != [theirs["id"]]


def test_sign_out_everywhere(app):
    phone, laptop, other = app.test_client(), app.test_client(), app.test_client()
    sign_up(phone)
    sign_in(laptop, MAC_FIREFOX)
    sign_up(other, email="yusuf@example.nl", display_name="Yusuf")

    response = laptop.delete("/api/v1/sessions")
    assert response.status_code == 204
    assert laptop.get_cookie(SESSION_COOKIE) is None
    assert_problem(phone.get("/api/v1/me"), 401)
    assert_problem(laptop.get("/api/v1/me"), 401)
    assert other.get("/api/v1/me").status_code == 200, "another learner stays signed in"
    with app.app_context():
        account_id = db.session.scalar(db.select(Account.id).filter_by(email="sanne@example.nl"))
        [event] = events_of(account_id, "session.all_ended")
    assert event.details == {"reason": "signed-out-everywhere", "count": 2}


def test_the_list_and_sign_out_need_a_signed_in_learner(client):
    assert_problem(client.get("/api/v1/sessions"), 401)
    assert_problem(client.delete("/api/v1/sessions"), 401)
    assert_problem(client.delete("/api/v1/sessions/1"), 401)
