"""Dossier API fixtures: an HTTP server on 127.0.0.1 for URL imports and hosted badges, and
settings that let the guarded client reach it (HTTP, private addresses)."""
import hashlib
import io
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import text

from eigendossier.core.extensions import db
from tests.support import serve_in_thread

OPEN_OUTBOUND = {"OUTBOUND_ALLOW_HTTP": True, "OUTBOUND_ALLOW_PRIVATE": True}
CREDENTIALS = "/api/v1/dossier/credentials"
EXPERIENCE = "/api/v1/dossier/experience"
EMAIL = "sanne@example.nl"  # tests.support.sign_up's default


@pytest.fixture
def app_settings(request):
    """URL imports reach the local badge server; parametrize indirectly to override."""
    return getattr(request, "param", OPEN_OUTBOUND)


class BadgeHost:
    """Serves documents set per test: path → (body, content type)."""

    def __init__(self):
        self.documents: dict[str, tuple[bytes, str]] = {}
        self.requests: list[str] = []
        self.url = ""

    def put(self, path: str, body, content_type="application/json") -> str:
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        self.documents[path] = (body, content_type)
        return self.url + path

    def hosted_badge(self, email=EMAIL, ects=2.5, name="Klantgericht werken") -> str:
        """An Open Badges 2.0 hosted assertion with SURF edubadges extensions."""
        salt = "zeezout"
        base = self.url
        self.put("/issuer.json", {
            "@context": "https://w3id.org/openbadges/v2", "type": "Issuer",
            "id": base + "/issuer.json", "name": "ROC Voorbeeld", "url": base,
            "email": "info@roc.example"})
        self.put("/badge.json", {
            "@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass",
            "id": base + "/badge.json", "name": name,
            "description": "Helpt klanten vriendelijk en deskundig.",
            "image": base + "/badge.png", "criteria": {"narrative": "Praktijkopdracht."},
            "issuer": base + "/issuer.json",
            "extensions:ECTSExtension": {
                "@context": "https://openbadgespec.org/extensions/ectsExtension/context.json",
                "type": ["Extension", "extensions:ECTSExtension"], "ECTS": ects}})
        return self.put("/assertion.json", {
            "@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
            "id": base + "/assertion.json",
            "recipient": {"type": "email", "hashed": True, "salt": salt,
                          "identity": "sha256$" + hashlib.sha256(
                              (email + salt).encode()).hexdigest()},
            "issuedOn": "2024-06-30T10:00:00Z", "badge": base + "/badge.json",
            "verification": {"type": "hosted"}})


@pytest.fixture(scope="session")
def _badge_server():
    host = BadgeHost()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            host.requests.append(self.path)
            found = host.documents.get(self.path)
            if found is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body, content_type = found
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    serve_in_thread(server, "badge-host")
    host.url = f"http://127.0.0.1:{server.server_port}"
    yield host
    server.shutdown()
    server.server_close()


@pytest.fixture
def badge_host(_badge_server):
    _badge_server.documents.clear()
    _badge_server.requests.clear()
    return _badge_server


def upload(client, data: bytes, filename="badge.png", path=CREDENTIALS, method="post"):
    return client.open(path, method=method.upper(), content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), filename)})


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            table: db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608 - table names of our own
            for table in ("credential", "verification_result", "verification_check",
                          "experience_item")
        }
