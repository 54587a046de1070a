import json

import pytest

from eigendossier.core.config import PROJECT_ROOT
from tests.conftest import make_app


@pytest.fixture
def app_settings():
    """This module's apps document their views themselves (other tests reuse a document)."""
    return {"OPENAPI_REUSE_SPEC": False}


def served_spec(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_checked_in_openapi_matches_the_code(client):
    """schemas/openapi.json is the contract: regenerate it with `make openapi`."""
    checked_in = json.loads((PROJECT_ROOT / "schemas" / "openapi.json").read_text())
    assert served_spec(client) == checked_in, "schemas/openapi.json is stale: run `make openapi`"


def test_errors_are_documented_as_problems(client):
    spec = served_spec(client)
    assert spec["openapi"].startswith("3.1")
    sign_in_401 = spec["paths"]["/api/v1/session"]["post"]["responses"]["401"]
    assert "application/problem+json" in sign_in_401["content"]
    default = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert default["application/problem+json"]["schema"]["$ref"].endswith("/Problem")


def test_an_app_reusing_the_document_serves_the_same_one(client, database_url, tmp_path):
    """Tests let later apps of a process reuse the document (OPENAPI_REUSE_SPEC)."""
    fresh = served_spec(client)
    first = make_app(database_url, tmp_path / "first")
    reusing = make_app(database_url, tmp_path / "reusing")
    assert served_spec(reusing.test_client()) == fresh
    assert served_spec(first.test_client()) == fresh
