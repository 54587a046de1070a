"""Fixtures: an app built with create_app per test, on a database whose schema is made once.

The schema is created once per test session: a SQLite file that each test gets a fresh copy
of, and (when EIGENDOSSIER_TEST_DATABASE_URL is set) a PostgreSQL database of this session's
own, emptied after each test that used it. Tests commit for real, so threads, other app
instances and worker processes see what a test wrote.

API tests run on SQLite. Those whose behaviour depends on the database (constraints, locks,
concurrency, JSON, upserts, migrations, the erase walk) are marked `both_databases` and run
again on PostgreSQL."""
import gc
import os
import shutil
import sqlite3
import uuid
from collections import Counter
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from eigendossier import create_app
from eigendossier.core import jobs
from eigendossier.core.extensions import EigenFlask, db
from tests.support import (
    ApiClient,
    SharedBuilderRule,
    SharedDialects,
    SharedTemplateCode,
    sign_up,
)
from tests.support_examples import CI  # noqa: F401 - registers the profile before it loads
from tests.support_mail import start_server

# argon2id at the lowest cost the library takes: the production cost (config/default.toml,
# checked in tests/api/accounts/test_sign_up.py) makes every sign-up and sign-in take ~0.1 s.
CHEAP_PASSWORD_HASHING = {
    "PASSWORD_HASH_TIME_COST": 1,
    "PASSWORD_HASH_MEMORY_KIB": 8,
    "PASSWORD_HASH_PARALLELISM": 1,
}


TEMPLATE_CODE = SharedTemplateCode()
DIALECTS = SharedDialects()
# Each URL rule's builders compiled once per process, not once per app (tests/support.py).
EigenFlask.url_rule_class = SharedBuilderRule
# Set on a test whose database was copied with the catalogue in it (tests/api/conftest.py).
HAS_CATALOG = pytest.StashKey[bool]()


def service_url(name: str, what: str) -> str:
    """The URL of a real service for tests; skip clearly, or fail in CI, when it is not set."""
    url = os.environ.get(name)
    if not url:
        reason = f"{what} tests need {name} (e.g. set by .ci/run)"
        if os.environ.get("EIGENDOSSIER_TEST_REQUIRE_SERVICES"):
            pytest.fail(reason)
        pytest.skip(reason)
    return url


@event.listens_for(Engine, "connect")
def _sqlite_without_fsync(dbapi_connection, _record):
    """A test's SQLite file need not survive a power cut: commits need not wait for the disk
    (on a busy machine, waiting for it was the largest single cost of the API tests)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


def pytest_collection_finish(session):
    """What exists once the tests are collected (the app's modules, the test modules, the
    libraries) lives to the end: the collector need not walk it again. Its full collections,
    which the objects every test makes start often, went through all of it each time."""
    gc.freeze()


def pytest_collection_modifyitems(items):
    """Modules that start servers, worker processes or a browser (marked `e2e` or `heavy`) run
    first, then the others, larger before smaller. pytest-xdist hands out whole modules in this
    order (--dist loadfile, --no-loadscope-reorder): a run ends on quick modules, instead of
    one process finishing a slow module of few tests while the other has nothing left."""
    sizes = Counter(_module(item) for item in items)
    heavy = {_module(item) for item in items
             if item.get_closest_marker("e2e") or item.get_closest_marker("heavy")}
    items.sort(key=lambda item: (_module(item) not in heavy, -sizes[_module(item)]))


def _module(item) -> str:
    return item.nodeid.split("::", 1)[0]


def pytest_generate_tests(metafunc):
    """Tests marked `both_databases` run on SQLite and again on PostgreSQL."""
    if not metafunc.definition.get_closest_marker("both_databases"):
        return
    for name in ("database_url", "empty_database_url"):
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, [
                "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)


def make_app(database_url, tmp_path, **overrides):
    settings = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        # One test, one machine: keys may come from its instance folder on PostgreSQL too
        # (tests/api/test_nodes.py starts machines that must share theirs).
        "SINGLE_NODE": True,
        "DEMO_DATA": False,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "RATELIMIT_SIGN_IN": "1000 per minute",
        "RATELIMIT_SIGN_UP": "1000 per minute",
        **CHEAP_PASSWORD_HASHING,
        # The OpenAPI document once per process (tests/api/test_openapi.py builds its own).
        "OPENAPI_REUSE_SPEC": True,
        **overrides,
    }
    app = create_app(settings)
    app.test_client_class = ApiClient
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    with app.app_context():
        DIALECTS.share(app, db.engines.values())
    return app


def create_schema(database_url, tmp_path) -> None:
    """Create every table of the models in an empty database."""
    app = make_app(database_url, tmp_path)
    with app.app_context():
        db.create_all()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_schema(tmp_path_factory):
    """A SQLite file with the schema, made once; each test works on a copy."""
    folder = tmp_path_factory.mktemp("sqlite-schema")
    path = folder / "schema.db"
    create_schema(f"sqlite:///{path}", folder)
    return path


@pytest.fixture(scope="session")
def postgres_server():
    """The PostgreSQL server the tests may create databases on (skip or fail when unset)."""
    return service_url("EIGENDOSSIER_TEST_DATABASE_URL", "PostgreSQL")


@pytest.fixture(scope="session")
def new_postgres_database(postgres_server):
    """Make empty PostgreSQL databases for this session; all are dropped at its end."""
    admin = _psycopg_dsn(postgres_server)
    made = []

    def make() -> str:
        name = f"ed_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
            # A test database need not survive a power cut: commits need not wait for disk.
            conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        made.append(name)
        return urlunsplit(urlsplit(postgres_server)._replace(path="/" + name))

    yield make
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in made:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_url(new_postgres_database, tmp_path_factory):
    """This session's PostgreSQL database, with the schema. Use `postgres_database` in a
    test: it empties the database afterwards."""
    url = new_postgres_database()
    create_schema(url, tmp_path_factory.mktemp("postgres-schema"))
    return url


@pytest.fixture
def postgres_database(postgres_url):
    """The session's PostgreSQL database for one test, emptied when the test ends."""
    yield postgres_url
    empty_database(postgres_url)


def empty_database(url: str) -> None:
    """Delete every row (children first) and restart the id sequences. A connection the test
    left open in a transaction would block this: the lock timeout says so instead."""
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    statements = ["SET lock_timeout = '5s'"]
    statements += [f'DELETE FROM "{name}"' for name in tables]  # noqa: S608 - table names of our own
    statements.append("SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S'")
    with psycopg.connect(_psycopg_dsn(url), autocommit=False) as conn:
        conn.execute(";\n".join(statements))


def _psycopg_dsn(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture
def database_url(request, tmp_path):
    """The test's database: a fresh copy of the SQLite schema (with the catalogue when the
    test uses it), or (parametrized by the `both_databases` mark) the session's PostgreSQL
    database, emptied afterwards."""
    if getattr(request, "param", "sqlite") == "postgresql":
        return request.getfixturevalue("postgres_database")
    # A test that uses the API tests' catalogue starts from a copy that has it already.
    template = "sqlite_schema"
    if "sqlite_catalog" in request.fixturenames:
        template = "sqlite_catalog"
        request.node.stash[HAS_CATALOG] = True
    path = tmp_path / "test.db"
    shutil.copyfile(request.getfixturevalue(template), path)
    return f"sqlite:///{path}"


@pytest.fixture
def empty_database_url(request, tmp_path):
    """An empty database, without even the schema (same parametrization as database_url)."""
    if getattr(request, "param", "sqlite") == "postgresql":
        return request.getfixturevalue("new_postgres_database")()
    return f"sqlite:///{tmp_path}/empty.db"


@pytest.fixture
def app_settings():
    """Override per test module: settings passed to create_app."""
    return {}


@pytest.fixture
def app(database_url, tmp_path, app_settings):
    app = make_app(database_url, tmp_path, **app_settings)
    yield app
    jobs.finish(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def learner(client):
    """A signed-in learner whose address is confirmed (the client carries the session
    cookie)."""
    return sign_up(client, verified=True)


@pytest.fixture(scope="session")
def smtp_server():
    """One real SMTP server (aiosmtpd) for the whole session."""
    controller, box = start_server()
    yield controller, box
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    """The SMTP server's mailbox, emptied for this test. Use with `smtp_settings`."""
    _, box = smtp_server
    box.clear()
    return box


@pytest.fixture
def smtp_settings(smtp_server):
    """Settings that send this app's mail to the test SMTP server."""
    controller, _ = smtp_server
    return {"SMTP_URL": f"smtp://127.0.0.1:{controller.port}",
            "PUBLIC_BASE_URL": "https://dossier.example.test", "JOBS_BACKOFF_SECONDS": 0.01}
