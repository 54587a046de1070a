import pytest

from tests.api.issuing.conftest import BASE, DID, issuer_key  # noqa: F401 (fixtures)


@pytest.fixture
def app_settings():
    """The test client's host is localhost: the issuer lives at did:web:localhost."""
    return {"ISSUING_BASE_URL": BASE}


def new_client(runner, slug: str) -> tuple[str, str]:
    """`flask issuing api-client create SLUG`: (client id, secret) as printed once."""
    result = runner.invoke(args=["issuing", "api-client", "create", slug])
    assert result.exit_code == 0, result.output
    lines = dict(line.split(": ", 1) for line in result.output.strip().splitlines())
    return lines["client_id"], lines["client_secret"]


def token_of(client, client_id: str, secret: str) -> str:
    response = client.post("/vc-api/oauth/token", csrf=False, data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret,
        "scope": "issue", "audience": "http://localhost/vc-api"})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["token_type"].lower() == "bearer"
    return body["access_token"]


@pytest.fixture
def tcr_token(client, runner, issuer_key):  # noqa: F811
    """A bearer token of a client of Techniek College Rijnmond (tcr), which has a key."""
    return token_of(client, *new_client(runner, "tcr"))
