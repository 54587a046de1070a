"""Fixtures shared by the API tests: a small catalogue and a signed-in staff member."""
from pathlib import Path

import pytest

from eigendossier.catalog.service import import_catalog
from tests.support import PASSWORD

CATALOG = (Path(__file__).parents[1] / "fixtures" / "catalog.yaml").read_text()


@pytest.fixture
def catalog(app):
    """Two institutions (tcr, zao): carpentry TIM-01 -> TIM-02 with runs in 2099, care VIG-01."""
    with app.app_context():
        import_catalog(CATALOG)
    return CATALOG


@pytest.fixture
def staff(app, runner, catalog):
    """A signed-in issuer of Techniek College Rijnmond (tcr)."""
    result = runner.invoke(args=["accounts", "create-staff", "--email", "docent@tcr.nl",
                                 "--name", "Pieter", "--institution", "tcr",
                                 "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    client.post("/api/v1/session", json={"email": "docent@tcr.nl", "password": PASSWORD})
    return client
