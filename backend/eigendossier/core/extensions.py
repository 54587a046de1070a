"""Extensions, created once here and bound to the app in create_app."""
import select
import threading
from collections.abc import Callable
from datetime import datetime
from inspect import iscoroutinefunction

from flask import Flask, request
from flask.globals import request_ctx
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_login.utils import _user_context_processor
from flask_migrate import Migrate
from flask_smorest import Api
from flask_smorest.spec import openapi_cli
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, registry

from eigendossier.core.timeutil import UTCDateTime


class Base(DeclarativeBase):
    registry = registry(
        # Stable constraint names, so Alembic can alter them on every database.
        metadata=MetaData(
            naming_convention={
                "ix": "ix_%(column_0_label)s",
                "uq": "uq_%(table_name)s_%(column_0_name)s",
                "ck": "ck_%(table_name)s_%(constraint_name)s",
                "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
                "pk": "pk_%(table_name)s",
            }
        ),
        # Every moment is aware in Python and UTC in the database (core/timeutil.py).
        type_annotation_map={datetime: UTCDateTime},
    )


class ProblemApi(Api):
    """flask-smorest Api whose HTTP errors are RFC 9457 problem documents.

    With OPENAPI_REUSE_SPEC (tests only: they build an app per test) an app reuses the OpenAPI
    document an earlier app of this process built with the same API settings: documenting the
    views (apispec copies and resolves every operation) is about two thirds of `create_app`.
    The views are the same for every app, and the document is this one object (`api.spec`)
    for all of them either way.

    Otherwise the views are documented when the document is first read (`api.spec`: the
    /api/openapi.json view, `flask openapi`), in the order they were registered, not while
    the app is built: every gunicorn worker, `flask` command and RQ worker built the whole
    document at start (a fifth of `create_app`) and almost none of them ever serves it."""

    def __init__(self):
        from eigendossier.core.errors import ProblemSchema

        self._later: list[Callable] = []  # what documents the views, in order
        self._documenting = False
        self._documenting_lock = threading.RLock()
        super().__init__()
        self.ERROR_SCHEMA = ProblemSchema
        self._built_specs: dict[tuple, tuple] = {}
        self._reusing = False

    @property  # type: ignore[override]
    def spec(self):
        """The document, with every view registered so far documented in it."""
        self._document_now()
        return self._spec

    @spec.setter
    def spec(self, value) -> None:
        self._spec = value

    def _document_now(self) -> None:
        """Document what is waiting; a worker's threads may ask at once: one documents, the
        others wait for the whole document (a callback reading api.spec goes through)."""
        if not self._later:
            return
        with self._documenting_lock:
            if self._documenting:
                return
            self._documenting = True
            try:
                while self._later:
                    self._later.pop(0)(self._spec)
            finally:
                self._documenting = False

    def document_later(self, document: Callable) -> None:
        """Call document(spec) before the document is next read (at once if reused)."""
        if self._reusing:
            document(self._spec)
        else:
            self._later.append(document)

    def init_app(self, app, *, spec_kwargs=None):
        self._document_now()  # an earlier app's views, in its own document as they were
        built = self._built_specs.get(_spec_settings(app.config))
        self._reusing = built is not None and bool(app.config.get("OPENAPI_REUSE_SPEC"))
        super().init_app(app, spec_kwargs=spec_kwargs)
        if self._reusing:
            return
        self.spec.components.security_scheme(
            "session", {"type": "apiKey", "in": "cookie", "name": "ed_session"}
        )

    def _init_spec(self, **kwargs):
        """The document reused, or made anew (its shared responses alone were a fifth of
        `create_app`)."""
        if not self._reusing:
            super()._init_spec(**kwargs)
            return
        self.spec, self.ma_plugin, self.flask_plugin = self._built_specs[
            _spec_settings(self._app.config)]
        self._app.cli.add_command(openapi_cli)

    def register_blueprint(self, blp, *, parameters=None, **options):
        """flask-smorest's, with the documenting (register_views_in_doc and the tag) later."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        if self._reusing:
            return
        app = self._app

        def document(spec) -> None:
            blp.register_views_in_doc(self, app, spec, name=name, parameters=parameters)
            spec.tag({"name": name, "description": blp.description})

        self._later.append(document)

    def spec_complete(self, app) -> None:
        """Every view of `app` is documented: later apps may reuse the document."""
        if app.config.get("OPENAPI_REUSE_SPEC") and not self._reusing:
            self._built_specs[_spec_settings(app.config)] = (
                self.spec, self.ma_plugin, self.flask_plugin)

    def _register_responses(self):
        """smorest's shared error responses, documented as problem documents."""
        from eigendossier.core.errors import MEDIA_TYPE

        self.DEFAULT_RESPONSE_CONTENT_TYPE = MEDIA_TYPE
        try:
            super()._register_responses()
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE

    def handle_http_exception(self, error):
        from eigendossier.core.errors import problem_from_http_exception

        return problem_from_http_exception(error)


def _spec_settings(config) -> tuple:
    """The settings the OpenAPI document is made from (flask-smorest's API_, OPENAPI_ and
    ETAG_ keys)."""
    return tuple(sorted((key, repr(value)) for key, value in config.items()
                        if key.startswith(("API_", "OPENAPI_", "ETAG_"))))


class CookieLoginManager(LoginManager):
    """Flask-Login that signs in from our own session cookie only (its request loader).

    Flask-Login's other ways in are unused here: no login into Flask's session, no
    remember-me cookie, no session protection (our cookie is the session). Its general path
    still hashed the client's address and User-Agent for session protection, read Flask's
    session twice and sent two signals on every request, and an after-request hook looked for
    a remember cookie to refresh: together about a tenth of a small GET's CPU."""

    def init_app(self, app, add_context_processor=True):
        app.login_manager = self
        if add_context_processor:
            app.context_processor(_user_context_processor)

    def _load_user(self):
        self._update_request_context_with_user(self._request_callback(request))


class EigenFlask(Flask):
    """Flask, asking once per function whether it is a coroutine function.

    Flask wraps every hook and view in ``ensure_sync`` on every request, and each call ran
    ``inspect.iscoroutinefunction`` again: about seventeen per request here. Whether a
    function is ``async def`` does not change, so the answer is kept per function (per
    underlying function for bound methods, which MethodView makes anew per request)."""

    _SYNC_MAX = 10_000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sync: dict = {}

    def ensure_sync(self, func):
        key = getattr(func, "__func__", func)
        try:
            is_sync = self._sync[key]
        except (KeyError, TypeError):  # TypeError: not hashable, never kept
            is_sync = not iscoroutinefunction(func)  # Flask's own test
            try:
                if len(self._sync) >= self._SYNC_MAX:
                    self._sync.clear()
                self._sync[key] = is_sync
            except TypeError:
                pass
        return func if is_sync else self.async_to_sync(func)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = ProblemApi()
limiter = Limiter(key_func=get_remote_address)
babel = Babel()
login_manager = CookieLoginManager()


class CookieFirstSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, built only when the request carries its cookie.

    Our API signs in with its own session cookie; Flask's session serves the OpenID Connect
    round trip only. Flask-Login reads it on every request, and opening it built an HMAC
    serializer each time even without a cookie to read.
    """

    def open_session(self, app, request):
        if not _has_cookie(request, self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        """Nothing, not even `Vary: Cookie`, for a request without the cookie that left the
        session empty: Flask adds the Vary whenever Flask-Login looked, and on the PWA's files
        it made browsers download them again once the CSRF cookie was set."""
        if not session and not session.modified and not _has_cookie(
                request, self.get_cookie_name(app)):
            return
        super().save_session(app, session, response)


def _has_cookie(request, name: str) -> bool:
    """Does the request carry the cookie, not empty? Without `cookies.get`, which raises and
    catches a KeyError (a Werkzeug exception, built) for a cookie the request lacks: twice
    on every request that has no Flask session (all but the OpenID Connect round trip)."""
    cookies = request.cookies
    return name in cookies and bool(cookies[name])


def init_limiter(app) -> None:
    """Bind the limiter; drop its per-request hooks when the request does not need them.

    Our limits are all per view (``@limiter.limit``), and those are checked inside the view.
    Flask-Limiter's ``before_request`` hook exists for application-wide and default limits;
    with none configured it resolves nothing on every request, at about a third of the cost
    of a small GET. Configure one (``RATELIMIT_DEFAULT``, ``RATELIMIT_APPLICATION``) and the
    hook stays. Its after-request hook (deductions of failed requests, headers) and its
    teardown (forgetting the request's limits) run only after a request that met a limit.
    """
    limiter.init_app(app)
    manager = limiter.limit_manager
    if manager.default_limits or manager.application_limits:
        return
    hooks = app.before_request_funcs.get(None, [])
    app.before_request_funcs[None] = [
        hook for hook in hooks if getattr(hook, "__func__", None) is not _LIMITER_HOOK
    ]
    for funcs in (app.after_request_funcs, app.teardown_request_funcs):
        funcs[None] = [_when_limited(hook) if _is_limiter_hook(hook) else hook
                       for hook in funcs.get(None, [])]


def _is_limiter_hook(hook) -> bool:
    owner = getattr(hook, "__self__", None) or (getattr(hook, "args", None) or (None,))[0]
    return owner is limiter


def _when_limited(hook):
    """The hook, run only when the request looked at a limit (Flask-Limiter keeps what it
    needs on the request context, made on first use)."""

    def run(arg):
        if hasattr(request_ctx._get_current_object(), "_limiter_request_context"):
            return hook(arg)
        return arg

    return run


_LIMITER_HOOK = Limiter._check_request_limit


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, _record):
    """SQLite checks foreign keys only when asked, per connection."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


@event.listens_for(Engine, "checkout")
def _drop_if_server_closed(dbapi_connection, _record, _proxy):
    """A pooled PostgreSQL connection the server has closed (a restart, an administrator, an
    idle timeout) is not handed out: the pool opens another (DisconnectionError).

    The server says so on the socket before it closes it (a FATAL message, then EOF), so
    between requests a live connection has nothing to read and a closed one has: one
    poll() without waiting tells them apart. It replaces SQLAlchemy's pool_pre_ping, a
    SELECT 1 per checkout, which cost each request 25-30 microseconds of CPU in the app
    and a round trip to the database (Go's MySQL driver checks its connections the same
    way). A connection cut without a word (a network partition) fails its first statement
    instead, as it would have hung the ping."""
    fileno = getattr(dbapi_connection, "fileno", None)
    if fileno is None:  # SQLite
        return
    if dbapi_connection.closed:
        raise DisconnectionError("the connection is closed")
    poller = select.poll()
    poller.register(fileno(), select.POLLIN)
    if poller.poll(0):
        raise DisconnectionError("the server closed the connection")


_WROTE = "eigendossier.wrote"


@event.listens_for(Engine, "begin")
def _transaction_begins(conn) -> None:
    conn.info.pop(_WROTE, None)


@event.listens_for(Engine, "before_cursor_execute")
def _note_write(conn, _cursor, statement, *_args) -> None:
    """Anything but a plain SELECT counts as a write (a CTE, a savepoint, DDL: to be safe)."""
    if not statement.startswith("SELECT"):
        conn.info[_WROTE] = True


def end_reading_transaction(exc: BaseException | None) -> None:
    """End a request's PostgreSQL transaction that only read with COMMIT, before closing the
    session would roll it back: psycopg forgets every statement it prepared on the connection
    at a ROLLBACK, so each request that only read made the next ones plan their statements
    again (a redemption's SELECT: about 0.5 ms of the server's CPU instead of 0.05). A
    request that wrote or failed is rolled back as before. The commit is the connection's,
    not the session's: no session event runs, so jobs the request left are dropped as
    before."""
    if exc is not None or not db.session.registry.has():
        return
    session = db.session()
    if not session.in_transaction():
        return
    conn = session.connection()
    if conn.dialect.name == "postgresql" and not conn.info.get(_WROTE):
        conn.commit()
