"""A learner sees only their own shares: another learner gets 404 on every endpoint, and
nobody signed in gets 401."""
import pytest

from tests.api.dossier.conftest import EMAIL
from tests.api.sharing.conftest import SHARES, path_of
from tests.support import PASSWORD, assert_problem, sign_up


def endpoints(share_id):
    return [
        ("GET", f"{SHARES}/{share_id}", {}),
        ("PATCH", f"{SHARES}/{share_id}", {"json": {"expires_in_days": 3}}),
        ("DELETE", f"{SHARES}/{share_id}", {}),
    ]


def test_another_learner_gets_404_on_every_endpoint(client, employer, share):
    client.delete("/api/v1/session")
    sign_up(client, email="indringer@example.nl", display_name="Indringer")
    for method, path, options in endpoints(share["id"]):
        assert_problem(client.open(path, method=method, **options), 404, "not-found")
    assert client.get(SHARES).get_json() == []
    # the share is untouched and still works
    assert employer.get(path_of(share)).status_code == 200
    client.delete("/api/v1/session")
    client.post("/api/v1/session", json={"email": EMAIL, "password": PASSWORD})
    mine = client.get(f"{SHARES}/{share['id']}").get_json()
    assert mine["expires_at"] == share["expires_at"]
    assert mine["state"] == "active"


def test_an_unknown_share_is_404(client, share):
    for method, path, options in endpoints(share["id"] + 1000):
        assert_problem(client.open(path, method=method, **options), 404, "not-found")


@pytest.mark.parametrize(("method", "path", "options"), [
    ("GET", SHARES, {}),
    ("POST", SHARES, {"json": {"credential_ids": [1], "label": "x"}}),
    *endpoints(1),
])
def test_nobody_signed_in_gets_401(app, method, path, options):
    response = app.test_client().open(path, method=method, **options)
    assert_problem(response, 401, "not-signed-in")
