"""OpenID4VP fixtures: the app served on a real port of 127.0.0.1 (its public address), so
that the wallet reaches the verifier through the guarded outbound client as it would reach
any other; a learner with two verified microcredentials (Data Integrity and VC-JWT)."""
import logging
import re

import pytest
from werkzeug.serving import make_server

from eigendossier.core.extensions import db
from eigendossier.core.models import AuditEvent
from eigendossier.openid4vp.models import PresentationRequest, SentPresentation
from tests.api.dossier.conftest import EMAIL, upload
from tests.credentials_support import baked_png, signed_jwt
from tests.support import serve_in_thread
from tests.support_servers import free_port

PORT = free_port()
BASE = f"http://127.0.0.1:{PORT}"
SETTINGS = {"OUTBOUND_ALLOW_HTTP": True, "OUTBOUND_ALLOW_PRIVATE": True,
            "PUBLIC_BASE_URL": BASE, "RATELIMIT_ENABLED": False}
WALLET = "/api/v1/openid4vp/wallet"
ELEKTRA = "Veilig werken met elektriciteit"


@pytest.fixture
def app_settings(request):
    return getattr(request, "param", SETTINGS)


@pytest.fixture
def served(app):
    """The app on BASE, in a thread, for as long as the test runs."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", PORT, app, threaded=True)
    thread = serve_in_thread(server, "openid4vp-server")
    yield BASE
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture
def dossier(client, learner) -> dict:
    """Sanne's verified credentials: {"png": id (Data Integrity), "jwt": id (VC-JWT)}."""
    png = upload(client, baked_png(EMAIL), "elektra.png").get_json()
    jwt = upload(client, signed_jwt(EMAIL, name="Werken op hoogte",
                                    achievement_id="https://roc.example/a/hoogte").encode(),
                 "hoogte.jwt").get_json()
    assert png["verification"]["status"] == jwt["verification"]["status"] == "verified"
    return {"png": png["id"], "jwt": jwt["id"]}


@pytest.fixture
def employer(app):
    """A browser with no account."""
    return app.test_client()


def stored(app) -> dict:
    """What the verifier and the wallet keep: requests answered, presentations sent."""
    with app.app_context():
        return {
            "answered": db.session.scalar(db.select(db.func.count(PresentationRequest.id))
                                          .where(PresentationRequest.answered_at.is_not(None))),
            "sent": db.session.scalar(db.select(db.func.count(SentPresentation.id))),
            "audit": db.session.scalar(db.select(db.func.count(AuditEvent.id))
                                       .where(AuditEvent.action.like("openid4vp.%"))),
        }


def ask(employer, **form) -> tuple[str, str]:
    """The employer makes a request: (their page's path, the openid4vp:// link on it)."""
    response = employer.post("/verify", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)
    page = response.headers["Location"]
    html = employer.get(page).get_data(as_text=True)
    link = re.search(r'value="(openid4vp://[^"]+)"', html).group(1).replace("&amp;", "&")
    return page, link
