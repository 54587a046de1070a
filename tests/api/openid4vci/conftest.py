"""OpenID4VCI fixtures: the app also served on a live local port (the wallet reaches the
issuer over HTTP through the guarded client, allowed loopback for these tests only), an
institution with a key, and an award to the signed-in learner."""
import logging
import re

import pytest
from werkzeug.serving import make_server

from eigendossier.core.extensions import db
from eigendossier.issuing.models import IssuedCredential
from tests.support import serve_in_thread
from tests.support_mail import drain, text_of
from tests.support_servers import free_port

LEARNER = "sanne@example.nl"


@pytest.fixture
def port():
    return free_port()


@pytest.fixture
def app_settings(port, smtp_settings):
    return {"ISSUING_BASE_URL": f"http://127.0.0.1:{port}", "OUTBOUND_ALLOW_HTTP": True,
            "OUTBOUND_ALLOW_PRIVATE": True, **smtp_settings}


@pytest.fixture
def aud(port):
    """The issuer's identifier, the audience of key proofs."""
    return f"http://127.0.0.1:{port}/issuers/tcr"


@pytest.fixture
def live(app, port):
    """The app on http://127.0.0.1:<port>, its issuer's public address."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = serve_in_thread(server, "openid4vci-issuer")
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture
def issuer_key(runner, catalog):
    result = runner.invoke(args=["issuing", "create-key", "tcr"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def awarded(app, staff, learner, issuer_key):
    """The id of the issued credential of TIM-01 awarded to the learner."""
    with app.app_context():
        from eigendossier.catalog.models import Block

        block = db.session.scalar(db.select(Block).filter_by(code="TIM-01"))
    response = staff.post("/api/v1/issuing/tcr/awards",
                          json={"block_id": block.id, "email": LEARNER})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def offer_for(staff, issued_id, **body):
    response = staff.post(f"/api/v1/issuing/tcr/credentials/{issued_id}/offer", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def tx_code_mailed(app, mailbox) -> str:
    drain(app)
    for message in reversed(mailbox.to(LEARNER)):
        found = re.search(r"^\s*(\d{6})\s*$", text_of(message), re.MULTILINE)
        if found:
            return found.group(1)
    raise AssertionError("no transaction code mailed")


def issued_row(app, issued_id) -> IssuedCredential:
    with app.app_context():
        return db.session.get(IssuedCredential, issued_id)
