"""Fixtures: an app built with create_app and a fresh database per test.

API tests run on SQLite and again on PostgreSQL when EIGENDOSSIER_TEST_DATABASE_URL is set
(each test session gets its own PostgreSQL database, dropped at the end)."""
import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from eigendossier import create_app
from eigendossier.core.extensions import db
from tests.support import ApiClient, sign_up

# argon2id at the lowest cost the library takes: the production cost (config/default.toml,
# checked in tests/api/accounts/test_sign_up.py) makes every sign-up and sign-in take ~0.1 s.
CHEAP_PASSWORD_HASHING = {
    "PASSWORD_HASH_TIME_COST": 1,
    "PASSWORD_HASH_MEMORY_KIB": 8,
    "PASSWORD_HASH_PARALLELISM": 1,
}


def service_url(name: str, what: str) -> str:
    """The URL of a real service for tests; skip clearly, or fail in CI, when it is not set."""
    url = os.environ.get(name)
    if not url:
        reason = f"{what} tests need {name} (e.g. set by .ci/run)"
        if os.environ.get("EIGENDOSSIER_TEST_REQUIRE_SERVICES"):
            pytest.fail(reason)
        pytest.skip(reason)
    return url


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL database of this test session's own."""
    server = service_url("EIGENDOSSIER_TEST_DATABASE_URL", "PostgreSQL")
    name = f"ed_test_{uuid.uuid4().hex[:12]}"
    admin = _psycopg_dsn(server)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server)
    yield urlunsplit(parts._replace(path="/" + name))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _psycopg_dsn(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/test.db"
    return request.getfixturevalue("postgres_url")


def make_app(database_url, tmp_path, **overrides):
    settings = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "DEMO_DATA": False,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "RATELIMIT_SIGN_IN": "1000 per minute",
        "RATELIMIT_SIGN_UP": "1000 per minute",
        **CHEAP_PASSWORD_HASHING,
        **overrides,
    }
    app = create_app(settings)
    app.test_client_class = ApiClient
    return app


@pytest.fixture
def app_settings():
    """Override per test module: settings passed to create_app."""
    return {}


@pytest.fixture
def app(database_url, tmp_path, app_settings):
    app = make_app(database_url, tmp_path, **app_settings)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def learner(client):
    """A signed-in learner (the client carries the session cookie)."""
    return sign_up(client)
