"""Fixtures shared by the API tests: a small catalogue and a signed-in staff member."""
import shutil
from pathlib import Path

import pytest

from eigendossier.catalog.service import import_catalog
from eigendossier.core.extensions import db
from tests.conftest import HAS_CATALOG, make_app
from tests.support import PASSWORD

CATALOG = (Path(__file__).parents[1] / "fixtures" / "catalog.yaml").read_text()


@pytest.fixture(scope="session")
def sqlite_catalog(sqlite_schema, tmp_path_factory):
    """The SQLite schema with the catalogue imported, made once: a SQLite test that uses
    `catalog` gets a copy of it as its database (tests/conftest.py, `database_url`)."""
    folder = tmp_path_factory.mktemp("sqlite-catalog")
    path = folder / "catalog.db"
    shutil.copyfile(sqlite_schema, path)
    app = make_app(f"sqlite:///{path}", folder)
    with app.app_context():
        import_catalog(CATALOG)
        db.session.remove()
        db.engine.dispose()
    return path


@pytest.fixture
def catalog(request, app, sqlite_catalog):
    """Two institutions (tcr, zao): carpentry TIM-01 -> TIM-02 with runs in 2099, care VIG-01.
    A SQLite database copied from `sqlite_catalog` has them already; others get them here."""
    if not request.node.stash.get(HAS_CATALOG, False):
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
