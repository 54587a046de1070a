import pytest

from eigendossier.catalog.models import Block
from eigendossier.core.extensions import db
from tests.support import sign_up

BASE = "http://localhost"
DID = "did:web:localhost:issuers:tcr"


@pytest.fixture
def app_settings():
    """The test client's host is localhost: the issuer lives at did:web:localhost."""
    return {"ISSUING_BASE_URL": BASE}


@pytest.fixture
def issuer_key(runner, catalog):
    """Techniek College Rijnmond (tcr) has its first signing key."""
    result = runner.invoke(args=["issuing", "create-key", "tcr"])
    assert result.exit_code == 0, result.output
    return result.output.split()[0]


@pytest.fixture
def blocks(app, catalog):
    """Block ids by code: TIM-01, TIM-02 (tcr), VIG-01 (zao)."""
    with app.app_context():
        return {b.code: b.id for b in db.session.scalars(db.select(Block))}


@pytest.fixture
def other_learner(app):
    client = app.test_client()
    sign_up(client, email="yusuf@example.nl", display_name="Yusuf", locale="en")
    return client


def award(staff, block_id, email="sanne@example.nl", **extra):
    return staff.post("/api/v1/issuing/tcr/awards",
                      json={"block_id": block_id, "email": email, **extra})


def award_csv(staff, text):
    return staff.post("/api/v1/issuing/tcr/awards/csv", data=text,
                      headers={"Content-Type": "text/csv"})
