"""A transcript from the route: the learner's verified awards of a qualification, signed by
the school as a 1EdTech CLR 2.0, verify in the dossier like any credential; progress shows
EC done / total and the blocks to go with their next start date."""
import json

import pytest

from eigendossier.catalog.models import Block
from eigendossier.core.extensions import db
from eigendossier.credentials import parse_credential
from eigendossier.issuing.models import IssuedCredential
from tests.api.issuing.conftest import DID, award
from tests.support import assert_problem

CLR = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"


@pytest.fixture
def carpenter(app, catalog):
    """The id of Timmerman (crebo 25655, tcr): TIM-01 (3 EC) and TIM-02 (4.5 EC)."""
    with app.app_context():
        return db.session.scalar(db.select(Block.qualification_id).filter_by(code="TIM-01"))


def transcript(client, qualification_id):
    return client.post(f"/api/v1/routes/qualifications/{qualification_id}/transcript")


def awarded(staff, block_id):
    response = award(staff, block_id)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def award_forms(app, issued_ids):
    with app.app_context():
        return [db.session.get(IssuedCredential, i).forms["json"] for i in issued_ids]


def dossier_ids(client):
    return {c["id"] for c in client.get("/api/v1/dossier/credentials").get_json()}


@pytest.mark.both_databases
def test_the_transcript_holds_exactly_the_verified_awards_and_verifies(
        app, client, learner, staff, issuer_key, blocks, carpenter):
    first = awarded(staff, blocks["TIM-01"])
    second = awarded(staff, blocks["TIM-02"])
    revoked = staff.post(f"/api/v1/issuing/tcr/credentials/{second['id']}/revoke",
                         json={"reason": "issued by mistake"})
    assert revoked.status_code == 200, revoked.get_json()

    response = transcript(client, carpenter)
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert made["verification"]["status"] == "verified", made["verification"]["checks"]
    checks = {c["id"]: c["message_code"] for c in made["verification"]["checks"]}
    assert checks["proof"] == "proof.valid"
    assert checks["issuer_identity"] == "issuer_identity.confirmed"
    assert checks["recipient"] == "recipient.matches"
    assert (made["summary"]["title"], made["summary"]["issuer_id"]) == (
        "Transcript Timmerman", DID)

    clr = json.loads(client.get(f"/api/v1/dossier/credentials/{made['id']}/original").data)
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
    assert CLR in clr["@context"]
    assert clr["issuer"]["id"] == DID
    assert clr["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert clr["partial"] is True
    subject = clr["credentialSubject"]
    assert subject["verifiableCredential"] == award_forms(app, [first["id"]])
    [association] = subject["association"]
    assert association["associationType"] == "isChildOf"
    assert association["targetId"] == subject["achievement"][0]["id"]

    again = client.post(f"/api/v1/dossier/credentials/{made['id']}/verify")
    assert again.get_json()["verification"]["status"] == "verified"


def test_a_changed_transcript_fails_our_verifier(client, learner, staff, issuer_key, blocks,
                                                 carpenter):
    awarded(staff, blocks["TIM-01"])
    made = transcript(client, carpenter).get_json()
    clr = json.loads(client.get(f"/api/v1/dossier/credentials/{made['id']}/original").data)
    clr["credentialSubject"]["verifiableCredential"][0]["credentialSubject"]["achievement"][
        "creditsAvailable"] = 30
    client.delete(f"/api/v1/dossier/credentials/{made['id']}")
    imported = client.post("/api/v1/dossier/credentials", json={"text": json.dumps(clr)})
    assert imported.status_code == 201, imported.get_json()
    assert imported.get_json()["verification"]["status"] == "failed"


@pytest.mark.both_databases
def test_progress_counts_ec_and_names_the_next_start_of_the_blocks_to_go(
        client, learner, staff, issuer_key, blocks, carpenter):
    url = f"/api/v1/routes/qualifications/{carpenter}/progress"
    assert_problem(client.get(url), 404)
    assert client.get("/api/v1/routes/progress").get_json() == []

    issued = awarded(staff, blocks["TIM-01"])
    staff.post(f"/api/v1/issuing/tcr/credentials/{issued['id']}/revoke",
               json={"reason": "issued by mistake"})
    revoked = client.get(url).get_json()
    assert (revoked["ec_done"], revoked["ec_total"], revoked["done"]) == (0, 7.5, [])
    # The 2020 run of TIM-01 is past: the next one starts in 2099.
    assert [(b["code"], b["next_start"]) for b in revoked["to_go"]] == [
        ("TIM-01", "2099-01-05"), ("TIM-02", "2099-03-07")]

    awarded(staff, blocks["TIM-01"])
    after = client.get(url).get_json()
    assert (after["ec_done"], after["ec_total"]) == (3, 7.5)
    assert [b["code"] for b in after["done"]] == ["TIM-01"]
    assert [(b["code"], b["next_start"]) for b in after["to_go"]] == [("TIM-02", "2099-03-07")]
    [overview] = client.get("/api/v1/routes/progress").get_json()
    assert (overview["qualification_id"], overview["ec_done"]) == (carpenter, 3)


def test_no_transcript_without_a_completed_block_and_nothing_written(
        app, client, learner, other_learner, staff, issuer_key, blocks, carpenter):
    unknown = transcript(client, 99999)
    assert_problem(unknown, 404)
    assert_problem(client.get("/api/v1/routes/qualifications/99999/progress"), 404)
    # Holding nothing of the qualification: it is not the learner's to ask about.
    assert_problem(transcript(client, carpenter), 404)

    issued = awarded(staff, blocks["TIM-01"])
    staff.post(f"/api/v1/issuing/tcr/credentials/{issued['id']}/revoke",
               json={"reason": "issued by mistake"})
    held = dossier_ids(client)
    # Sanne reads Dutch.
    body = assert_problem(transcript(client, carpenter), 422, "transcript-nothing-completed")
    assert body["title"] == "Nog geen afgerond onderdeel van deze kwalificatie"
    assert dossier_ids(client) == held


def test_another_learner_gets_404_for_what_is_not_theirs(
        client, learner, other_learner, staff, issuer_key, blocks, carpenter):
    awarded(staff, blocks["TIM-01"])
    made = transcript(client, carpenter).get_json()
    held = dossier_ids(other_learner)
    assert_problem(transcript(other_learner, carpenter), 404)
    assert_problem(other_learner.get(f"/api/v1/dossier/credentials/{made['id']}"), 404)
    assert dossier_ids(other_learner) == held
    assert_problem(other_learner.get(f"/api/v1/routes/qualifications/{carpenter}/progress"),
                   404)
    assert other_learner.get("/api/v1/routes/progress").get_json() == []


@pytest.mark.parametrize("app_settings", [
    {"ISSUING_BASE_URL": "http://localhost", "ISSUING_DEFAULT_PROOF": "vc-jwt"}])
def test_a_school_that_signs_vc_jwt_gives_a_transcript_as_vc_jwt(
        app, client, learner, staff, issuer_key, blocks, carpenter):
    first = awarded(staff, blocks["TIM-01"])
    second = awarded(staff, blocks["TIM-02"])
    made = transcript(client, carpenter).get_json()
    assert made["verification"]["status"] == "verified", made["verification"]["checks"]
    assert made["container"] == "jws"
    token = client.get(f"/api/v1/dossier/credentials/{made['id']}/original").data
    clr = parse_credential(token).document
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
    assert clr["partial"] is False
    assert clr["credentialSubject"]["verifiableCredential"] == award_forms(
        app, [first["id"], second["id"]])
