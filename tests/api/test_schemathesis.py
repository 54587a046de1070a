"""Schemathesis against schemas/openapi.json: for every documented operation, a bounded
number of generated requests (fixed seed) go to the app in-process, signed in as a learner
with the CSRF header. No answer may be a 5xx, and every answer must match the schema: a
documented status code and content type, and a body that validates.

SQLite only: this checks the contract, the database tests check the rest. Outbound fetches
are cut off (a generated URL must never reach the network). EIGENDOSSIER_OPENAPI may point
at another spec (e.g. one just written with `flask openapi write`) while working on it."""
import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from eigendossier.accounts.cookies import CSRF_COOKIE, CSRF_HEADER
from eigendossier.catalog.service import import_catalog
from eigendossier.core.extensions import db
from eigendossier.credentials import FetchError
from tests.api.conftest import CATALOG
from tests.conftest import make_app
from tests.support import sign_up
from tests.support_examples import examples

SPEC = Path(os.environ.get("EIGENDOSSIER_OPENAPI")
            or Path(__file__).parents[2] / "schemas" / "openapi.json")
SCHEMA = schemathesis.openapi.from_path(SPEC)
# Signing out and erasing end the session the other operations use; tests/api/accounts and
# tests/api/privacy cover them.
EXCLUDED = {("DELETE", "/api/v1/session"), ("POST", "/api/v1/privacy/erase")}
OPERATIONS = [operation for operation in (r.ok() for r in SCHEMA.get_all_operations())
              if (operation.method.upper(), operation.path) not in EXCLUDED]
MAX_EXAMPLES = examples(25)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
SESSION_COOKIE = "ed_session"


class NoNetwork:
    """Stands in for the guarded outbound client: generated URLs are never fetched."""

    def __call__(self, url: str):
        return self.fetch(url)

    def fetch(self, url: str, **_):
        raise FetchError(url, "no network in this test")


class Api:
    """The app under test and a signed-in learner's cookies and CSRF header."""

    def __init__(self, app):
        self.app = app
        self.accounts = 0
        self.sign_in()

    def sign_in(self):
        self.accounts += 1
        client = self.app.test_client()
        sign_up(client, email=f"schemathesis{self.accounts}@example.nl")
        csrf = client.get_cookie(CSRF_COOKIE).value
        self.cookies = {SESSION_COOKIE: client.get_cookie(SESSION_COOKIE).value,
                        CSRF_COOKIE: csrf}
        self.headers = {CSRF_HEADER: csrf}


def read_and_close(wsgi_app):
    """Read each response body whole and close it, as a WSGI server does: schemathesis
    reads the body but leaves closing it (a file being sent) to the garbage collector."""
    def app(environ, start_response):
        body = wsgi_app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()
    return app


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("schemathesis")
    app = make_app(f"sqlite:///{tmp}/test.db", tmp, RATELIMIT_ENABLED=False,
                   ISSUING_BASE_URL="http://localhost")
    app.extensions["eigendossier.core.outbound"] = NoNetwork()
    app.wsgi_app = read_and_close(app.wsgi_app)
    with app.app_context():
        db.create_all()
        import_catalog(CATALOG)
    yield Api(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _id(operation) -> str:
    return f"{operation.method.upper()} {operation.path}"


@pytest.mark.parametrize("operation", OPERATIONS, ids=[_id(o) for o in OPERATIONS])
def test_operation_keeps_its_contract(api, operation):
    @settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def check(case):
        response = case.call(app=api.app, headers=api.headers, cookies=api.cookies)
        case.validate_response(response, checks=CHECKS)
        if response.status_code == 401:  # signed out after all: sign in again
            api.sign_in()

    check()
