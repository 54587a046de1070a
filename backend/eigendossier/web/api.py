"""The PWA's static files, its client-side routes, and what the PWA asks the server first."""
from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory
from flask.views import MethodView

from eigendossier.core.arguments import Blueprint as ApiBlueprint
from eigendossier.web.schemas import MetaSchema
from eigendossier.web.service import meta

pages = Blueprint("web", __name__)
blp = ApiBlueprint("meta", __name__, url_prefix="/api/v1", description="About this server")

# Path prefixes that never fall back to the PWA shell.
SERVER_PREFIXES = ("api/", "auth/", "s/", "issuers/", "ical/", "dev/")


def pwa_dir() -> Path:
    return Path(current_app.config["PWA_DIR"])


@blp.route("/meta")
class Meta(MethodView):
    @blp.response(200, MetaSchema)
    def get(self):
        """The features this server offers (the PWA shows a tab per feature) and sign-in options."""
        return meta()


@pages.get("/")
def shell():
    return _send_shell()


@pages.get("/<path:path>")
def static_or_shell(path: str):
    """A file of the PWA, or the shell for a client-side route such as /profile."""
    if path.startswith(SERVER_PREFIXES):
        abort(404)
    file = (pwa_dir() / path).resolve()
    if file.is_relative_to(pwa_dir().resolve()) and file.is_file():
        response = send_from_directory(pwa_dir(), path, max_age=_max_age(path))
        if path == "sw.js":
            response.headers["Service-Worker-Allowed"] = "/"
        return response
    if "." in path.rsplit("/", 1)[-1]:
        abort(404)
    return _send_shell()


def _send_shell():
    response = send_from_directory(pwa_dir(), "index.html", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


def _max_age(path: str) -> int:
    """The service worker and the shell are revalidated; the vendored libraries may be cached."""
    return 86400 if path.startswith(("vendor/", "icons/")) else 0
