"""The PWA's static files, its client-side routes, and what the PWA asks the server first."""
from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_from_directory
from flask.views import MethodView

from eigendossier.core.arguments import Blueprint as ApiBlueprint
from eigendossier.core.caching import public_answer
from eigendossier.web import assets
from eigendossier.web.schemas import MetaSchema
from eigendossier.web.security import CONTENT_SECURITY_POLICY, mark_static_file
from eigendossier.web.service import meta

pages = Blueprint("web", __name__)
blp = ApiBlueprint("meta", __name__, url_prefix="/api/v1", description="About this server")

# Path prefixes that never fall back to the PWA shell.
SERVER_PREFIXES = ("api/", "auth/", "s/", "issuers/", "ical/", "dev/")
REVALIDATE = "no-cache"


def pwa_dir() -> Path:
    return Path(current_app.config["PWA_DIR"])


@blp.route("/meta")
class Meta(MethodView):
    @blp.response(200, MetaSchema)
    @public_answer
    def get(self):
        """The features this server offers (the PWA shows a tab per feature) and sign-in options."""
        return meta()


def pwa_asset(path: str) -> str:
    """The content-hashed URL of a file under pwa/, for the server's own pages."""
    return assets.current(current_app).asset_url(path)


@pages.get("/")
def shell():
    return _send_shell()


@pages.get("/<path:path>")
def static_or_shell(path: str):
    """A file of the PWA, or the shell for a client-side route such as /profile.

    A file asked for by its hashed URL may be kept for a year; by its plain URL it is checked
    again on each use. The shell, the service worker and the manifest have fixed URLs."""
    if path.startswith(SERVER_PREFIXES):
        abort(404)
    if path == "sw.js":
        response = _send(assets.current(current_app, check=True).worker, REVALIDATE)
        response.headers["Service-Worker-Allowed"] = "/"
        return response
    if path == "index.html":
        return _send_shell()
    bundle = assets.current(current_app)
    if path == "manifest.webmanifest" and bundle.manifest:
        return _send(bundle.manifest, REVALIDATE, page=False)
    url = "/" + path
    if url not in bundle.by_url and assets.HASHED_URL.match(path):
        bundle = assets.current(current_app, check=True)  # a file may have changed since
    if url in bundle.by_url:
        return _send(bundle.by_url[url], assets.CACHE_FOREVER, page=False)
    if path in bundle.assets:
        return _send(bundle.assets[path], REVALIDATE, page=False)
    file = (pwa_dir() / path).resolve()
    if file.is_relative_to(pwa_dir().resolve()) and file.is_file():
        return send_from_directory(pwa_dir(), path, max_age=0)
    if "." in path.rsplit("/", 1)[-1]:
        abort(404)
    return _send_shell()


def _send_shell():
    bundle = assets.current(current_app, check=True)
    response = _send(bundle.shell, REVALIDATE)
    # The import map is an inline script: allowed by its hash, nothing else inline is.
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "script-src 'self'", f"script-src 'self' '{bundle.shell_script_hash}'")
    return response


def _send(asset: assets.Asset, cache_control: str, page: bool = True):
    """The file, gzipped when the browser accepts it; 304 when the browser has it. `page`:
    a document or a worker, which gets the page's security headers."""
    if not page:
        mark_static_file()
    gzipped = asset.gzipped is not None and request.accept_encodings["gzip"] > 0
    response = current_app.response_class(asset.gzipped if gzipped else asset.body,
                                          mimetype=asset.mimetype)
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    if asset.gzipped is not None:
        response.headers["Vary"] = "Accept-Encoding"
    response.set_etag(f"{asset.etag}-gzip" if gzipped else asset.etag)
    response.headers["Cache-Control"] = cache_control
    return response.make_conditional(request)
