"""Eigen Dossier: a learner-held wallet of microcredentials and a route planner for mbo."""
import gc
from pathlib import Path

from flask import Flask, abort
from sqlalchemy.orm import configure_mappers
from werkzeug.middleware.proxy_fix import ProxyFix

from eigendossier.core import mail
from eigendossier.core.config import (
    create_private_sqlite_file,
    default_instance_path,
    flask_settings,
    load_settings,
    project_dir,
)
from eigendossier.core.errors import register_error_handlers
from eigendossier.core.extensions import (
    CookieFirstSessionInterface,
    EigenFlask,
    api,
    babel,
    db,
    end_reading_transaction,
    init_limiter,
    login_manager,
    migrate,
)
from eigendossier.core.i18n import select_locale
from eigendossier.core.keys import check_start
from eigendossier.web import hardening
from eigendossier.web.security import SecurityHeaders


def create_app(config: dict | None = None) -> Flask:
    """Build the app: the only place that wires domains, extensions and commands together."""
    settings = load_settings(config)
    check_start(settings)  # before any key is generated into the instance folder
    instance_path = str(settings.get("INSTANCE_PATH") or default_instance_path())
    app = EigenFlask(__name__, instance_path=instance_path, static_folder=None)
    app.config.from_mapping(flask_settings(settings, instance_path))
    app.config.setdefault("PWA_DIR", str(project_dir("pwa")))
    app.config["FEATURES"] = set()
    app.session_interface = CookieFirstSessionInterface()
    Path(instance_path).mkdir(parents=True, exist_ok=True)
    create_private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    app.wsgi_app = SecurityHeaders(app.wsgi_app)
    if app.config["PROXY_COUNT"]:
        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    _init_extensions(app)
    hardening.init_app(app)
    _register_domains(app)
    api.spec_complete(app)
    register_error_handlers(app)
    # Every model is imported now: relate the mappers here, not in the first request of
    # each worker (about a tenth of a second of CPU, while it holds a client waiting).
    configure_mappers()
    if not app.testing:
        _freeze_start_up_objects()
    return app


def _freeze_start_up_objects() -> None:
    """Leave what the start made (about 230,000 objects: modules, functions, mappers,
    schemas) out of the garbage collector's full collections. They live as long as
    the process; without this, each gunicorn worker walked them all in one full collection a
    few dozen requests after it started, about 100 ms of CPU while a client waited (in
    bench_vouchers.py one request per worker took over 100 ms). Later full collections walk
    only what requests made since. Not for tests, which make an app per test: frozen
    objects are never freed."""
    gc.freeze()


def _init_extensions(app: Flask) -> None:
    from eigendossier.accounts.api import account_from_request

    db.init_app(app)
    app.teardown_appcontext(end_reading_transaction)  # runs before the session's removal
    migrate.init_app(app, db, directory=str(project_dir("migrations")))
    init_limiter(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.request_loader(account_from_request)
    login_manager.unauthorized_handler(lambda: abort(401))
    api.init_app(app)
    mail.init_app(app)


def _register_domains(app: Flask) -> None:
    from eigendossier import demo
    from eigendossier.accounts import api as accounts_api
    from eigendossier.accounts import cli as accounts_cli
    from eigendossier.accounts import oidc
    from eigendossier.accounts.cookies import check_csrf, free_of_csrf, keep_csrf_cookie
    from eigendossier.catalog import api as catalog_api
    from eigendossier.catalog import cli as catalog_cli
    from eigendossier.core.caching import add_cache_headers
    from eigendossier.dossier import api as dossier_api
    from eigendossier.dossier import cli as dossier_cli
    from eigendossier.dossier import holder as dossier_holder
    from eigendossier.dossier import trust, trust_cli
    from eigendossier.dossier import verification as dossier_verification
    from eigendossier.issuing import api as issuing_api
    from eigendossier.issuing import cli as issuing_cli
    from eigendossier.issuing import service as issuing_service
    from eigendossier.notifications import api as notifications_api
    from eigendossier.notifications import cli as notifications_cli
    from eigendossier.notifications import scheduler as notifications_scheduler
    from eigendossier.notifications import vapid
    from eigendossier.openid4vci import api as openid4vci_api
    from eigendossier.openid4vp import api as openid4vp_api
    from eigendossier.openid4vp import verifier as openid4vp_verifier
    from eigendossier.privacy import api as privacy_api
    from eigendossier.privacy import cli as privacy_cli
    from eigendossier.routes import api as routes_api
    from eigendossier.sharing import api as sharing_api
    from eigendossier.staff import api as staff_api
    from eigendossier.vcapi import api as vcapi_api
    from eigendossier.vcapi import cli as vcapi_cli
    from eigendossier.vcapi import oauth as vcapi_oauth
    from eigendossier.vouchers import api as vouchers_api
    from eigendossier.web import api as web_api
    from eigendossier.web import outbox

    app.before_request(check_csrf)
    app.after_request(accounts_api.note_session_use)
    app.before_request(hardening.check_json_body)
    app.after_request(keep_csrf_cookie)
    app.after_request(add_cache_headers)

    api.register_blueprint(accounts_api.blp)
    api.register_blueprint(catalog_api.blp)
    api.register_blueprint(dossier_api.blp)
    app.config["FEATURES"].add("dossier")
    api.register_blueprint(routes_api.blp)
    app.register_blueprint(routes_api.feeds)
    app.config["FEATURES"].update({"route", "schedule"})
    api.register_blueprint(issuing_api.blp)
    app.register_blueprint(issuing_api.pages)
    api.register_blueprint(issuing_api.transcripts)
    dossier_verification.add_local_source(app, issuing_service.local_document)
    app.config["FEATURES"].add("issuing")
    api.register_blueprint(sharing_api.blp)
    dossier_verification.add_identifier_source(app, dossier_holder.holder_dids)
    app.register_blueprint(sharing_api.pages)
    api.register_blueprint(vouchers_api.blp)
    api.register_blueprint(vouchers_api.staff_blp)
    api.register_blueprint(vouchers_api.school_blp)
    app.config["FEATURES"].add("vouchers")
    api.register_blueprint(notifications_api.blp)
    app.config["FEATURES"].add("notifications")
    vapid.init_app(app)
    notifications_scheduler.init_app(app)
    api.register_blueprint(privacy_api.blp)
    api.register_blueprint(vcapi_api.blp)
    free_of_csrf(app, vcapi_api.blp.name)
    vcapi_oauth.init_app(app)
    api.register_blueprint(openid4vp_api.blp)
    app.register_blueprint(openid4vp_api.protocol)
    app.register_blueprint(openid4vp_api.pages)
    # A wallet has no cookie of ours; the employer has no account: forging their requests
    # from another site gains nothing (see accounts.cookies.free_of_csrf).
    free_of_csrf(app, openid4vp_api.protocol.name)
    free_of_csrf(app, openid4vp_api.pages.name)
    dossier_verification.add_local_source(app, openid4vp_verifier.local_document)
    app.config["FEATURES"].add("openid4vp")
    api.register_blueprint(staff_api.blp)
    api.register_blueprint(openid4vci_api.staff_blp)
    api.register_blueprint(openid4vci_api.blp)
    app.register_blueprint(openid4vci_api.pages)
    free_of_csrf(app, openid4vci_api.pages.name)
    openid4vci_api.init_app(app)
    api.register_blueprint(web_api.blp)
    app.register_blueprint(oidc.bp)
    app.register_blueprint(outbox.pages)
    oidc.init_app(app)
    app.cli.add_command(accounts_cli.group)
    app.cli.add_command(catalog_cli.group)
    app.cli.add_command(dossier_cli.group)
    app.cli.add_command(trust_cli.group)
    trust.init_app(app)
    issuing_cli.group.add_command(vcapi_cli.api_client)
    app.cli.add_command(issuing_cli.group)
    app.cli.add_command(notifications_cli.group)
    app.cli.add_command(privacy_cli.group)
    app.cli.add_command(demo.group)
    # Last: its catch-all route serves the PWA for every other path.
    app.register_blueprint(web_api.pages)
    app.add_template_global(web_api.pwa_asset)
