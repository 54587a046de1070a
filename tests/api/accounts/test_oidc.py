"""Signing in with OpenID Connect: the authorization-code flow over real HTTP.

A small provider (tests/api/accounts/oidc_provider.py) runs on 127.0.0.1. The Flask test
client plays the browser on our side, `requests` plays it at the provider; our app fetches
discovery, the token and the JWKS from the provider itself."""
import logging
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from eigendossier import create_app
from eigendossier.accounts.api import SESSION_COOKIE
from eigendossier.accounts.models import Account, OidcIdentity, SignInSession
from eigendossier.core.extensions import db
from tests.api.accounts.oidc_provider import CLIENT_ID, CLIENT_SECRET, serve_provider
from tests.support import PASSWORD, assert_problem, sign_up


@pytest.fixture(scope="module")
def provider_server():
    with serve_provider() as provider:
        yield provider


@pytest.fixture
def oidc_provider(provider_server):
    provider_server.reset()
    yield provider_server
    provider_server.reset()


@pytest.fixture
def app_settings(oidc_provider):
    return {"OIDC_PROVIDERS": {"eduid": {
        "label": "eduID",
        "server_metadata_url": oidc_provider.server_metadata_url,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }}}


def to_provider_and_back(client, provider) -> tuple[str, dict]:
    """Our login redirect, then the provider's /authorize: the callback path and its query."""
    login = client.get("/auth/oidc/eduid/login")
    assert login.status_code == 302
    authorize_url = login.headers["Location"]
    assert authorize_url.startswith(provider.issuer + "/authorize?")
    sent = parse_qs(urlsplit(authorize_url).query)
    assert sent["state"][0]
    assert sent["nonce"][0]
    assert sent["client_id"] == [CLIENT_ID]

    back = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert back.status_code == 302, back.text
    location = urlsplit(back.headers["Location"])
    query = {name: values[0] for name, values in parse_qs(location.query).items()}
    assert query["code"]
    assert query["state"] == sent["state"][0]
    return location.path, query


def sign_in_with_provider(client, provider):
    path, query = to_provider_and_back(client, provider)
    assert path == "/auth/oidc/eduid/callback"
    return client.get(path, query_string=query)


def counts(app) -> dict:
    with app.app_context():
        return {
            model.__tablename__: db.session.scalar(db.select(db.func.count()).select_from(model))
            for model in (Account, OidcIdentity, SignInSession)
        }


def assert_signed_in(client, response) -> dict:
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == "/"
    assert client.get_cookie(SESSION_COOKIE) is not None
    me = client.get("/api/v1/me")
    assert me.status_code == 200
    return me.get_json()


def assert_refused(client, response, slug="oidc-failed"):
    assert_problem(response, 401, slug)
    assert client.get_cookie(SESSION_COOKIE) is None
    assert_problem(client.get("/api/v1/me"), 401)


def test_first_sign_in_creates_a_learner(app, client, oidc_provider):
    profile = assert_signed_in(client, sign_in_with_provider(client, oidc_provider))

    assert profile["email"] == "noor@example.nl"
    assert profile["display_name"] == "Noor Bakker"
    assert profile["roles"] == ["learner"]
    with app.app_context():
        identity = db.session.scalars(db.select(OidcIdentity)).one()
        assert (identity.provider, identity.subject) == ("eduid", "eduid-7f3a")
        assert identity.account_id == profile["id"]
        assert identity.account.password_hash is None


def test_signing_in_again_finds_the_same_account(app, client, oidc_provider):
    first = assert_signed_in(client, sign_in_with_provider(client, oidc_provider))
    other_browser = app.test_client()
    # The provider's email may change; the subject is what identifies the person.
    oidc_provider.user["email"] = "noor.bakker@example.nl"
    second = assert_signed_in(other_browser, sign_in_with_provider(other_browser, oidc_provider))

    assert second["id"] == first["id"]
    assert second["email"] == "noor@example.nl"
    assert counts(app) == {"account": 1, "oidc_identity": 1, "sign_in_session": 2}


def test_a_verified_email_links_the_existing_account(app, client, oidc_provider):
    existing = sign_up(app.test_client(), email="noor@example.nl", display_name="Noor",
                       verified=True)
    oidc_provider.user["email"] = "Noor@Example.NL"

    profile = assert_signed_in(client, sign_in_with_provider(client, oidc_provider))

    assert profile["id"] == existing["id"]
    assert profile["display_name"] == "Noor"
    with app.app_context():
        identity = db.session.scalars(db.select(OidcIdentity)).one()
        assert identity.account_id == existing["id"]
    assert counts(app)["account"] == 1


def test_linking_an_unconfirmed_account_drops_the_password_someone_may_have_set(
        app, client, oidc_provider):
    """Pre-account takeover: someone signs up with Noor's address (never confirming it) and
    waits for Noor to sign in with eduID. Her provider proves the address is hers, so the
    squatter's password and sessions go."""
    squatter = app.test_client()
    sign_up(squatter, email="noor@example.nl", display_name="Squatter")

    profile = assert_signed_in(client, sign_in_with_provider(client, oidc_provider))

    assert profile["email_verified"] is True
    assert_problem(squatter.get("/api/v1/me"), 401)
    assert_problem(squatter.post("/api/v1/session", json={
        "email": "noor@example.nl", "password": PASSWORD}), 401)
    assert counts(app) == {"account": 1, "oidc_identity": 1, "sign_in_session": 1}


def test_linking_a_confirmed_account_keeps_its_password(app, client, oidc_provider):
    sign_up(app.test_client(), email="noor@example.nl", verified=True)
    assert_signed_in(client, sign_in_with_provider(client, oidc_provider))
    assert app.test_client().post("/api/v1/session", json={
        "email": "noor@example.nl", "password": PASSWORD}).status_code == 200


def test_an_unverified_email_does_not_link_the_existing_account(app, client, oidc_provider):
    sign_up(app.test_client(), email="noor@example.nl")
    before = counts(app)
    oidc_provider.user["email_verified"] = False

    response = sign_in_with_provider(client, oidc_provider)

    assert_refused(client, response, "invalid-credentials")
    assert counts(app) == before == {"account": 1, "oidc_identity": 0, "sign_in_session": 1}


def test_a_wrong_state_is_refused(app, client, oidc_provider, caplog):
    path, query = to_provider_and_back(client, oidc_provider)

    with caplog.at_level(logging.INFO, logger=app.logger.name):
        response = client.get(path, query_string={**query, "state": "forged-state"})

    assert_refused(client, response)
    assert "oidc sign-in refused by eduid: MismatchingStateError" in caplog.messages
    assert counts(app) == {"account": 0, "oidc_identity": 0, "sign_in_session": 0}


NOW = int(time.time())


@pytest.mark.parametrize(("claims", "reason"), [
    pytest.param({"nonce": "forged-nonce"}, "InvalidClaimError", id="wrong-nonce"),
    pytest.param({"iat": NOW - 7200, "exp": NOW - 3600}, "ExpiredTokenError", id="expired"),
    pytest.param({"iss": "http://127.0.0.1:9/elsewhere"}, "InvalidClaimError", id="wrong-issuer"),
    pytest.param({"aud": ["another-client"]}, "InvalidClaimError", id="wrong-audience"),
    pytest.param({"aud": ["another-client"], "azp": CLIENT_ID}, "InvalidClaimError",
                 id="wrong-audience-right-azp"),
])
def test_a_spoilt_id_token_is_refused(app, client, oidc_provider, caplog, claims, reason):
    oidc_provider.id_token_claims = claims

    with caplog.at_level(logging.INFO, logger=app.logger.name):
        response = sign_in_with_provider(client, oidc_provider)

    assert_refused(client, response)
    assert f"oidc sign-in refused by eduid: {reason}" in caplog.messages
    assert counts(app) == {"account": 0, "oidc_identity": 0, "sign_in_session": 0}


def test_an_unknown_provider_is_not_found(client):
    assert_problem(client.get("/auth/oidc/nope/login"), 404, "not-found")
    assert_problem(client.get("/auth/oidc/nope/callback?code=x&state=y"), 404, "not-found")


def test_meta_lists_the_provider(client):
    providers = client.get("/api/v1/meta").get_json()["oidc_providers"]

    assert providers == [
        {"name": "eduid", "label": "eduID", "login_url": "/auth/oidc/eduid/login"},
    ]


# Overrides the module's app_settings fixture: this app has no providers.
@pytest.mark.parametrize("app_settings", [{}])
def test_without_providers_meta_lists_none_and_login_is_not_found(client):
    assert client.get("/api/v1/meta").get_json()["oidc_providers"] == []
    assert_problem(client.get("/auth/oidc/eduid/login"), 404, "not-found")


def test_each_app_uses_its_own_provider_settings(oidc_provider, tmp_path):
    """authlib caches a client by name: a later app must not get an earlier app's settings."""
    for client_id in ("first-client", "second-client"):
        app = create_app({
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": f"sqlite:///{tmp_path}/{client_id}.db",
            "INSTANCE_PATH": str(tmp_path / client_id),
            "DEMO_DATA": False,
            "OIDC_PROVIDERS": {"eduid": {
                "server_metadata_url": oidc_provider.server_metadata_url,
                "client_id": client_id,
                "client_secret": CLIENT_SECRET,
            }},
        })
        login = app.test_client().get("/auth/oidc/eduid/login")
        assert parse_qs(urlsplit(login.headers["Location"]).query)["client_id"] == [client_id]


def test_an_unverified_email_creates_no_account_either(app, client, oidc_provider):
    """Otherwise a provider account could squat an address its owner then cannot sign up with."""
    oidc_provider.user["email_verified"] = False

    response = sign_in_with_provider(client, oidc_provider)

    assert_refused(client, response, "invalid-credentials")
    assert counts(app) == {"account": 0, "oidc_identity": 0, "sign_in_session": 0}
