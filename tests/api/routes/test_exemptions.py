"""Blocks whose exempting achievement is a verified credential in the dossier are skipped."""
import json

from tests.api.routes.test_planning import plan
from tests.credentials_support import signed_di

TEAMWORK = "urn:test:tim-01"  # TIM-01's exempting achievement in tests/fixtures/catalog.yaml


def add_credential(client, document):
    response = client.post("/api/v1/dossier/credentials", json={"text": json.dumps(document)})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_verified_credential_exempts_its_block(client, learner, catalog):
    credential = add_credential(client, signed_di(learner["email"], achievement_id=TEAMWORK))
    assert credential["verification"]["status"] == "verified"

    route = plan(client, preferences={"start_date": "2098-12-01"}).get_json()["plan"]
    assert [b["code"] for b in route["exempted"]] == ["TIM-01"]
    assert [c["block"]["code"] for c in route["choices"]] == ["TIM-02"]
    assert route["total_ec"] == 4.5

    without = plan(client, preferences={"start_date": "2098-12-01"},
                   use_exemptions=False).get_json()["plan"]
    assert without["exempted"] == []
    assert len(without["choices"]) == 2


def test_an_unverified_credential_exempts_nothing(client, learner, catalog):
    someone_else = signed_di("someone.else@example.nl", achievement_id=TEAMWORK)
    credential = add_credential(client, someone_else)
    assert credential["verification"]["status"] == "failed"
    route = plan(client, preferences={"start_date": "2098-12-01"}).get_json()["plan"]
    assert route["exempted"] == []


def test_another_learners_credential_exempts_nothing(app, client, learner, catalog):
    from tests.support import sign_up

    other = app.test_client()
    profile = sign_up(other, email="other@example.nl")
    add_credential(other, signed_di(profile["email"], achievement_id=TEAMWORK))
    route = plan(client, preferences={"start_date": "2098-12-01"}).get_json()["plan"]
    assert route["exempted"] == []


def test_a_badge_issued_to_an_unlinked_did_exempts_nothing(client, learner, catalog):
    """Issued to a DID: it verifies (with a warning), but nothing shows it is this learner's,
    so TIM-02 (which its Teamwork achievement would exempt) stays in the route."""
    from tests.credentials_support import unlinked

    credential = add_credential(client, unlinked())
    assert credential["verification"]["status"] == "verified_with_warnings"
    route = plan(client, preferences={"start_date": "2098-12-01"}).get_json()["plan"]
    assert route["exempted"] == []
