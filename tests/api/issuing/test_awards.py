"""Awarding: one learner or a CSV of completions; the credential lands verified in the
learner's dossier and downloads in every form; nothing is issued when anything is wrong."""
import json

import pytest

from eigendossier.core.extensions import db
from eigendossier.credentials import parse_credential
from eigendossier.issuing.models import IssuedCredential
from tests.api.issuing.conftest import DID, award, award_csv
from tests.credentials_support import signed_di
from tests.support import assert_problem

# On SQLite and PostgreSQL: status-list indexes taken under a row lock; all or nothing.
pytestmark = pytest.mark.both_databases


def checks_of(credential):
    return {c["id"]: c["message_code"] for c in credential["verification"]["checks"]}


def test_an_award_lands_verified_and_downloads_in_every_form(client, learner, other_learner,
                                                             staff, issuer_key, blocks):
    response = award(staff, blocks["TIM-01"], completed_on="2025-06-20")
    assert response.status_code == 201, response.get_json()
    issued = response.get_json()
    assert issued["learner"] == "sanne@example.nl"
    assert issued["proof"] == "eddsa-rdfc-2022"
    assert issued["status_list"].startswith("http://localhost/issuers/tcr/status/")

    [credential] = client.get("/api/v1/dossier/credentials").get_json()
    assert credential["verification"]["status"] == "verified"
    assert checks_of(credential) == {
        "format": "format.ok", "schema": "schema.valid", "proof": "proof.valid",
        "issuer_key": "key.resolved", "issuer_identity": "issuer_identity.confirmed",
        "recipient": "recipient.matches", "validity": "validity.current",
        "revocation": "revocation.not_revoked", "refresh": "refresh.none"}
    assert credential["format"] == "ob3_data_integrity"
    summary = credential["summary"]
    assert (summary["title"], summary["issuer_id"]) == ("Veilig werken", DID)
    assert summary["issuer_name"] == "Techniek College Rijnmond"
    achievement = summary["achievement"]
    assert (achievement["ec"], achievement["nlqf_level"], achievement["eqf_level"]) == (3, "2", "2")
    assert achievement["achievement_type"] == "MicroCredential"
    assert "84 uur" in achievement["criteria"]
    assert "praktijkexamen" in achievement["criteria"]
    assert credential["achievement_ids"] == [
        "http://localhost/issuers/tcr/achievements/25655/TIM-01"]
    assert credential["image_src"].startswith("data:image/svg+xml;base64,")

    links = client.get(f"/api/v1/issuing/credentials/{credential['id']}").get_json()
    formats = {}
    for form, url in links["downloads"].items():
        response = client.get(url)
        assert response.status_code == 200, form
        assert "attachment" in response.headers["Content-Disposition"]
        parsed = parse_credential(response.data)
        formats[form] = (parsed.format, parsed.container)
    assert formats == {"json": ("ob3_data_integrity", "json"), "jwt": ("ob3_jwt", "jws"),
                       "png": ("ob3_data_integrity", "png"),
                       "svg": ("ob3_data_integrity", "svg")}
    document = json.loads(client.get(links["downloads"]["json"]).data)
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert document["proof"]["verificationMethod"] == f"{DID}#key-1"

    for url in [f"/api/v1/issuing/credentials/{credential['id']}", *links["downloads"].values()]:
        assert_problem(other_learner.get(url), 404)
    assert_problem(client.get(links["downloads"]["json"].replace("json", "pdf")), 422)
    imported = client.post("/api/v1/dossier/credentials",
                           json={"text": json.dumps(signed_di("sanne@example.nl"))})
    assert_problem(client.get(f"/api/v1/issuing/credentials/{imported.get_json()['id']}"), 404)


def test_a_csv_of_completions_awards_each_learner_in_their_language_as_vc_jwt(
        app, client, learner, other_learner, staff, issuer_key):
    app.config["ISSUING_DEFAULT_PROOF"] = "vc-jwt"
    response = award_csv(staff, "email;block;completed_on\n"
                                "sanne@example.nl;TIM-01;2025-06-20\n"
                                "Yusuf@Example.nl;TIM-02;\n")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["count"] == 2
    assert [c["learner"] for c in body["credentials"]] == ["sanne@example.nl",
                                                           "yusuf@example.nl"]
    assert len({c["status_index"] for c in body["credentials"]}) == 2
    titles = {}
    for who in (client, other_learner):
        [credential] = who.get("/api/v1/dossier/credentials").get_json()
        assert credential["format"] == "ob3_jwt"
        assert credential["verification"]["status"] == "verified"
        assert checks_of(credential)["issuer_identity"] == "issuer_identity.confirmed"
        titles[credential["summary"]["title"]] = credential["summary"]["achievement"]["criteria"]
    assert set(titles) == {"Veilig werken", "Measuring"}
    assert "126 hours" in titles["Measuring"]
    png = other_learner.get(f"/api/v1/issuing/credentials/{credential['id']}/download?form=png")
    assert parse_credential(png.data).format == "ob3_jwt"
    listed = staff.get("/api/v1/issuing/tcr/credentials").get_json()
    assert sorted(c["learner"] for c in listed) == ["sanne@example.nl", "yusuf@example.nl"]


def test_refused_awards_issue_nothing(app, client, learner, staff, issuer_key, blocks):
    response = award_csv(staff, "email,block\n"
                                "sanne@example.nl,TIM-01\n"
                                "nobody@example.nl,TIM-01\n"
                                "sanne@example.nl,VIG-01\n"
                                "not-an-address,TIM-02\n"
                                "sanne@example.nl,TIM-01\n")
    body = assert_problem(response, 422, "award-invalid")
    assert set(body["errors"]) == {"line 3", "line 4", "line 5", "line 6"}
    assert "no learner" in body["errors"]["line 3"][0]
    assert "not a block of your institution" in body["errors"]["line 4"][0]
    assert "not a valid email address" in body["errors"]["line 5"][0]
    assert "earlier line" in body["errors"]["line 6"][0]
    body = assert_problem(award_csv(staff, "naam,blok\nSanne,TIM-01\n"), 422, "award-invalid")
    assert body["errors"] == {"line 1": ["missing columns: email, block"]}
    body = assert_problem(award(staff, blocks["TIM-01"], email="nobody@example.nl"), 422,
                          "award-invalid")
    assert "no learner" in body["errors"]["email"][0]
    assert_problem(award(staff, blocks["TIM-01"], email="docent@tcr.nl"), 422, "award-invalid")
    assert_problem(award(staff, blocks["VIG-01"]), 404)
    assert_problem(staff.post("/api/v1/issuing/tcr/awards", json={"email": "x"}), 422)
    body = assert_problem(award(staff, blocks["TIM-01"], completed_on="2999-01-01"), 422)
    assert body["errors"] == {"completed_on": ["in the future"]}
    assert client.get("/api/v1/dossier/credentials").get_json() == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(IssuedCredential.id))) == 0

    assert award(staff, blocks["TIM-01"]).status_code == 201
    body = assert_problem(award(staff, blocks["TIM-01"]), 422, "award-invalid")
    assert "already holds TIM-01" in body["errors"]["email"][0]
    assert len(client.get("/api/v1/dossier/credentials").get_json()) == 1
