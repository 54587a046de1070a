"""What the export hands the learner's computer: a presentation bound to our configured
address."""
import json

import pytest

from eigendossier.accounts.api import SESSION_COOKIE
from eigendossier.credentials import dataintegrity
from eigendossier.web.security import CSRF_COOKIE
from tests.api.privacy.conftest import SETTINGS, add_credentials, open_zip


@pytest.fixture
def app_settings():
    return {**SETTINGS, "PUBLIC_BASE_URL": "https://dossier.roc.example"}


def test_the_exported_presentation_is_bound_to_our_configured_address(client, learner):
    add_credentials(client)
    for name in (SESSION_COOKIE, CSRF_COOKIE):  # the browser at the forged host has them too
        client.set_cookie(name, client.get_cookie(name).value, domain="evil.example")
    response = client.post("/api/v1/privacy/export", json={}, headers={"Host": "evil.example"})
    body = response.get_data()
    response.close()
    assert response.status_code == 200, body
    presentation = json.loads(open_zip(body)["presentation.json"])
    assert dataintegrity.proofs_of(presentation)[0]["domain"] == "dossier.roc.example"
