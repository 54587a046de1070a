"""Helpers for tests: a CSRF-aware client, signing up, checking problem documents, test
servers in a thread."""
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ClassVar

from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.util import LRUCache
from werkzeug.routing import Rule

from eigendossier.accounts.cookies import CSRF_COOKIE, CSRF_HEADER

PASSWORD = "correct horse battery"


class ApiClient(FlaskClient):
    """A test client that sends the CSRF header for you, as the PWA does."""

    def open(self, *args, **kwargs):
        method = (kwargs.get("method") or "GET").upper()
        if method not in {"GET", "HEAD", "OPTIONS"} and kwargs.pop("csrf", True):
            if self.get_cookie(CSRF_COOKIE) is None:
                super().open("/api/v1/meta")
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault(CSRF_HEADER, self.get_cookie(CSRF_COOKIE).value)
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)


def sign_up(client, email="sanne@example.nl", password=PASSWORD, display_name="Sanne",
            locale="nl", verified=False):
    """Sign up and sign in, as the PWA does; returns the profile. `verified`: mark the address
    confirmed directly (tests of the confirmation itself use the mailed link)."""
    response = client.post("/api/v1/accounts", json={
        "email": email, "password": password, "display_name": display_name, "locale": locale,
    })
    assert response.status_code == 202, response.get_json()
    response = client.post("/api/v1/session", json={"email": email, "password": password})
    assert response.status_code == 200, response.get_json()
    if verified:
        mark_verified(client.application, email)
        return client.get("/api/v1/me").get_json()
    return response.get_json()


def mark_verified(app, email):
    from eigendossier.accounts.models import Account
    from eigendossier.core.extensions import db
    from eigendossier.core.timeutil import utcnow

    with app.app_context():
        db.session.execute(db.update(Account).filter_by(email=email.strip().lower())
                           .values(email_verified_at=utcnow()))
        db.session.commit()


def assert_problem(response, status, slug=None):
    """The response is an RFC 9457 problem document with this status (and type slug)."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert body["title"]
    assert body["type"].startswith("https://eigendossier.nl/problems/")
    if slug:
        assert body["type"].endswith("/" + slug), body["type"]
    return body


def serve_in_thread(server, name="test-server") -> threading.Thread:
    """Run `server.serve_forever` in a daemon thread that notices `shutdown()` within 10 ms
    (the default polls every 0.5 s, and a test server per test adds that up)."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01},
                              name=name, daemon=True)
    thread.start()
    return thread


def at_once(app, client, action, devices: int = 4) -> list:
    """``action(device)`` sent from several test clients signed in as ``client``'s learner,
    released together by a barrier (a double tap, a second tab); the answers."""
    signed_in = []
    for _ in range(devices):
        device = app.test_client()
        device.set_cookie("ed_session", client.get_cookie("ed_session").value)
        signed_in.append(device)
    barrier, answers = threading.Barrier(devices), []

    def send(device):
        barrier.wait()
        answers.append(action(device))

    threads = [threading.Thread(target=send, args=(device,)) for device in signed_in]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


class SharedTemplateCode(BytecodeCache):
    """Compiled templates kept for every app a test process builds: Jinja compiles each
    template once per app (a mail's two templates were a third of a first sign-up), and the
    tests build an app per test. A template whose source changed is compiled again."""

    def __init__(self):
        self.compiled = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def set_seats_taken(run, taken: int) -> None:
    """In an app context, not committed: `taken` of the run's seats (a Run or its code) are
    taken, as if learners had enrolled; the count lives in the run's seat shards."""
    from eigendossier.catalog import seats
    from eigendossier.catalog.models import Run
    from eigendossier.core.extensions import db

    if isinstance(run, str):
        run = db.session.scalar(db.select(Run).filter_by(code=run))
    db.session.flush()
    seats.set_taken(run.id, taken)
    db.session.expire(run, ["seats_taken"])


class SharedBuilderRule(Rule):
    """A URL rule whose parsed parts and URL builders are shared by every app a test process
    builds.

    Werkzeug compiles two Python functions (via `ast` and `compile`) for every rule of every
    app, to build its URLs: about two thirds of `create_app`, which the tests call once per
    test. A builder depends only on the rule's text, its parts and the defaults it resolves,
    and takes the rule as its first argument, so the function compiled for one app's rule
    serves the same rule of every later app."""

    _builders: ClassVar[dict[tuple, Callable]] = {}

    def _compile_builder(self, append_unknown: bool = True) -> Callable:
        defaults = self.defaults or {}
        resolved = tuple(
            (name, self._converters[name].to_url(value) if name in self._converters else None)
            for name, value in defaults.items())
        key = (self.rule, append_unknown, tuple(self._trace), resolved)
        builder = self._builders.get(key)
        if builder is None:
            builder = self._builders[key] = super()._compile_builder(append_unknown)
        return builder

    _parsed: ClassVar[dict[tuple, tuple]] = {}

    def _parse_rule(self, rule: str) -> list:
        """The rule's parts, as parsed for the first app: parsing (with regular expressions)
        was most of what is left of `compile`. Parsing also records the rule's trace and
        converters; those are replayed. Converters keep no state of their own map."""
        key = (rule, tuple(self.map.converters.items()))
        parsed = self._parsed.get(key)
        if parsed is None:
            traced, converters = len(self._trace), set(self._converters)
            parts = list(super()._parse_rule(rule))
            added = {name: converter for name, converter in self._converters.items()
                     if name not in converters}
            self._parsed[key] = (parts, self._trace[traced:], added)
            return parts
        parts, trace, converters = parsed
        self._trace.extend(trace)
        self._converters.update(converters)
        self.arguments.update(converters)
        return parts


class SharedDialects:
    """One SQLAlchemy dialect and one cache of compiled statements per kind of database for
    every app a test process builds.

    Each app makes its own engine, and an engine's dialect and statement cache start empty:
    every test compiled each statement it ran again (a fifth of an API test's CPU time) and
    adapted every column type to the dialect again. An engine keeps its own URL, pool and
    connections; only what depends on the kind of database alone is shared, as it is among
    the connections of one engine."""

    def __init__(self, size: int = 5000):
        self.size = size
        self.kinds: dict[tuple, tuple] = {}

    def share(self, app, engines) -> None:
        for engine in engines:
            kind = (type(engine.dialect), engine.url.drivername,
                    repr(sorted(app.config["SQLALCHEMY_ENGINE_OPTIONS"].items())))
            shared = self.kinds.get(kind)
            if shared is None:
                if not _connects(engine):
                    continue
                shared = self.kinds[kind] = (engine.dialect, LRUCache(self.size))
            engine.dialect, engine._compiled_cache = shared


def _connects(engine) -> bool:
    """Connect once: a dialect learns what the server offers on its engine's first connection
    (a test may be about a database that is not there)."""
    try:
        with engine.connect():
            return True
    except SQLAlchemyError:
        return False


def sql_statements(app, call: Callable):
    """The SQL statements `call()` sent (whitespace collapsed), and what it returned. On
    PostgreSQL those psycopg's cursors ran, with the ones sent without SQLAlchemy's
    execution (core/driver.py); elsewhere those SQLAlchemy's ``before_cursor_execute`` saw.
    BEGIN and COMMIT are not counted."""
    from eigendossier.core.extensions import db

    seen: list[str] = []

    def listen(conn, cursor, statement, *args):
        seen.append(re.sub(r"\s+", " ", statement))

    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "postgresql":
        with psycopg_statements(listen):
            return seen, call()
    event.listen(engine, "before_cursor_execute", listen)
    try:
        result = call()
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return seen, result


@contextmanager
def psycopg_statements(listen: Callable) -> Iterator[None]:
    """Call ``listen(None, cursor, statement)`` for each statement a psycopg cursor runs,
    in every thread, while in the block."""
    import psycopg

    methods = {name: getattr(psycopg.Cursor, name) for name in ("execute", "executemany")}

    def counted(method):
        def run(cursor, query, *args, **kwargs):
            listen(None, cursor, query if isinstance(query, str) else str(query))
            return method(cursor, query, *args, **kwargs)
        return run

    for name, method in methods.items():
        setattr(psycopg.Cursor, name, counted(method))
    try:
        yield
    finally:
        for name, method in methods.items():
            setattr(psycopg.Cursor, name, method)
