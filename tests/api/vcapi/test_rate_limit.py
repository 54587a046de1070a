"""The public VC-API verification is rate limited per address."""
import pytest

from tests.credentials_support import signed_di

VERIFY = "/vc-api/credentials/verify"


@pytest.fixture
def app_settings():
    return {"RATELIMIT_VCAPI_VERIFY": "3 per minute"}


def test_verifying_is_rate_limited(client):
    body = {"verifiableCredential": signed_di("sanne@example.nl")}
    statuses = [client.post(VERIFY, json=body, csrf=False).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
