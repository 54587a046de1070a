import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from eigendossier.core.extensions import db
from eigendossier.credentials.keys import b64url_encode as b64url
from eigendossier.notifications.models import Notification
from tests.api.notifications.conftest import account_id, subscribe
from tests.support import assert_problem, sign_up

# On SQLite and PostgreSQL: one subscription per endpoint by a unique constraint.
pytestmark = pytest.mark.both_databases


def test_the_public_key_is_made_once_and_kept(app, client, tmp_path, other_app):
    key = client.get("/api/v1/push/key").get_json()["public_key"]
    assert len(key) == 87  # 65 bytes, base64url
    assert "=" not in key
    pem = tmp_path / "instance" / "vapid_private_key.pem"
    assert pem.stat().st_mode & 0o777 == 0o600
    again = other_app().test_client()
    assert again.get("/api/v1/push/key").get_json()["public_key"] == key


def test_the_key_pair_can_come_from_config(tmp_path, other_app):
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    expected = b64url(private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
    client = other_app(INSTANCE_PATH=str(tmp_path / "other"), VAPID_PRIVATE_KEY=pem).test_client()
    assert client.get("/api/v1/push/key").get_json()["public_key"] == expected
    assert not (tmp_path / "other" / "vapid_private_key.pem").exists()


def test_several_devices_then_remove_one(client, learner, push):
    phone = subscribe(client, push, "phone", label="Telefoon")
    laptop = subscribe(client, push, "laptop")
    listed = client.get("/api/v1/push/subscriptions").get_json()
    assert [d["id"] for d in listed] == [phone.id, laptop.id]
    assert listed[0]["label"] == "Telefoon"
    assert listed[0]["push_service"] == push.origin
    assert listed[0]["endpoint"] == phone.endpoint
    assert client.delete(f"/api/v1/push/subscriptions/{phone.id}").status_code == 204
    assert [d["id"] for d in client.get("/api/v1/push/subscriptions").get_json()] == [laptop.id]
    assert client.get(f"/api/v1/push/subscriptions/{phone.id}").status_code == 404


def test_subscribing_again_renews_the_keys(client, learner, push):
    phone = subscribe(client, push, "phone")
    renewed = push.subscribe("phone")  # same endpoint, new keys (the browser re-subscribed)
    response = client.post("/api/v1/push/subscriptions", json=renewed.to_json())
    assert response.status_code == 200
    assert response.get_json()["id"] == phone.id
    assert len(client.get("/api/v1/push/subscriptions").get_json()) == 1


def test_a_device_moves_to_whoever_signs_in_on_it(app, client, learner, push):
    phone = subscribe(client, push, "phone")
    other = app.test_client()
    sign_up(other, email="other@example.nl")
    response = other.post("/api/v1/push/subscriptions", json=phone.to_json())
    assert response.status_code == 201
    assert client.get("/api/v1/push/subscriptions").get_json() == []
    assert len(other.get("/api/v1/push/subscriptions").get_json()) == 1


def test_subscriptions_are_checked(app, client, learner, push):
    good = push.subscribe("phone").to_json()

    def post(**changes):
        body = {**good, **changes}
        return client.post("/api/v1/push/subscriptions", json=body)

    body = assert_problem(post(endpoint="ftp://push.example.com/x"), 422,
                          "push-subscription-invalid")
    assert "endpoint" in body["errors"]
    short = {"p256dh": good["keys"]["p256dh"][:40], "auth": good["keys"]["auth"]}
    assert "keys.p256dh" in assert_problem(post(keys=short), 422)["errors"]
    off_curve = {"p256dh": b64url(b"\x04" + b"\x01" * 64), "auth": good["keys"]["auth"]}
    assert "keys.p256dh" in assert_problem(post(keys=off_curve), 422)["errors"]
    wrong_auth = {"p256dh": good["keys"]["p256dh"], "auth": b64url(b"x" * 8)}
    assert "keys.auth" in assert_problem(post(keys=wrong_auth), 422)["errors"]
    assert "keys" in assert_problem(post(keys=None), 422)["errors"]
    assert client.get("/api/v1/push/subscriptions").get_json() == []


def test_plain_http_endpoints_only_when_configured(app, other_app, push):
    client = other_app(OUTBOUND_ALLOW_HTTP=False).test_client()
    sign_up(client)
    response = client.post("/api/v1/push/subscriptions", json=push.subscribe("x").to_json())
    body = assert_problem(response, 422, "push-subscription-invalid")
    assert body["errors"]["endpoint"] == ["Gebruik een https-adres."]


def test_another_learner_gets_404_on_every_device_and_notification_endpoint(
        app, client, learner, push):
    phone = subscribe(client, push, "phone")
    with app.app_context():
        note = Notification(account_id=account_id(app), kind="module_start", title="t",
                            body="b", url="/rooster")
        db.session.add(note)
        db.session.commit()
        note_id = note.id
    other = app.test_client()
    sign_up(other, email="other@example.nl")
    assert_problem(other.get(f"/api/v1/push/subscriptions/{phone.id}"), 404)
    assert_problem(other.delete(f"/api/v1/push/subscriptions/{phone.id}"), 404)
    assert_problem(other.post(f"/api/v1/notifications/{note_id}/read"), 404)
    assert other.get("/api/v1/push/subscriptions").get_json() == []
    assert other.get("/api/v1/notifications").get_json() == {"unread": 0, "items": []}
    assert other.post("/api/v1/notifications/read-all").get_json() == {"marked": 0}
    assert client.get("/api/v1/notifications").get_json()["unread"] == 1
    assert len(client.get("/api/v1/push/subscriptions").get_json()) == 1


def test_anonymous_gets_401(client, push):
    for method, path in [("get", "/api/v1/push/subscriptions"),
                         ("post", "/api/v1/push/subscriptions"),
                         ("get", "/api/v1/push/subscriptions/1"),
                         ("delete", "/api/v1/push/subscriptions/1"),
                         ("get", "/api/v1/notifications"),
                         ("post", "/api/v1/notifications/1/read"),
                         ("post", "/api/v1/notifications/read-all"),
                         ("get", "/api/v1/notifications/settings"),
                         ("put", "/api/v1/notifications/settings")]:
        kwargs = {"json": {}} if method in ("post", "put") else {}
        assert_problem(getattr(client, method)(path, **kwargs), 401)
    assert client.get("/api/v1/push/key").status_code == 200
