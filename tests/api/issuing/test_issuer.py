"""The issuer: staff endpoints need the issuer role of that institution (learners get 403,
other institutions' staff 404, anonymous visitors 401); the public documents (did:web,
profile, achievements); key rotation: old keys stay published, so what they signed keeps
verifying, and new credentials use the newest key."""
import json

import pytest

from tests.api.issuing.conftest import DID, award
from tests.support import PASSWORD, assert_problem

# On SQLite and PostgreSQL: keys and status lists as rows and JSON documents.
pytestmark = pytest.mark.both_databases

STAFF_CALLS = [
    ("get", "/api/v1/issuing/tcr/profile", None),
    ("patch", "/api/v1/issuing/tcr/profile", {"email": "info@tcr.nl"}),
    ("get", "/api/v1/issuing/tcr/achievements", None),
    ("put", "/api/v1/issuing/tcr/achievements/1", {"assessment_type": "portfolio"}),
    ("post", "/api/v1/issuing/tcr/awards", {"block_id": 1, "email": "sanne@example.nl"}),
    ("get", "/api/v1/issuing/tcr/credentials", None),
    ("post", "/api/v1/issuing/tcr/credentials/1/revoke", {"reason": "omdat het moet"}),
]


def call(client, method, path, body):
    return getattr(client, method)(path, json=body)


@pytest.fixture
def zao_staff(app, runner, catalog):
    result = runner.invoke(args=["accounts", "create-staff", "--email", "docent@zao.nl",
                                 "--name", "Els", "--institution", "zao",
                                 "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    client.post("/api/v1/session", json={"email": "docent@zao.nl", "password": PASSWORD})
    return client


def test_issuer_access_documents_and_key_rotation(app, client, learner, staff, zao_staff,
                                                  runner, blocks):
    anonymous = app.test_client()
    for method, path, body in STAFF_CALLS:
        assert_problem(call(client, method, path, body), 403, "staff-only")
        assert_problem(call(zao_staff, method, path, body), 404)
        assert_problem(call(anonymous, method, path, body), 401)
        assert_problem(call(staff, method, path, body), 409, "issuer-no-key")
    assert_problem(staff.get("/api/v1/issuing/nowhere/profile"), 404)
    assert_problem(app.test_client().get("/issuers/tcr/did.json"), 404)

    result = runner.invoke(args=["issuing", "create-key", "tcr"])
    assert result.exit_code == 0
    assert result.output.startswith(f"{DID}#key-1 ")
    assert staff.get("/api/v1/issuing/tcr/profile").status_code == 200
    assert_problem(zao_staff.get("/api/v1/issuing/tcr/profile"), 404)
    assert_problem(client.get("/api/v1/issuing/tcr/credentials"), 403)
    assert_problem(zao_staff.get("/api/v1/issuing/zao/profile"), 409, "issuer-no-key")
    result = runner.invoke(args=["issuing", "create-key", "nowhere"])
    assert result.exit_code != 0
    assert "nowhere" in result.output

    response = staff.patch("/api/v1/issuing/tcr/profile",
                           json={"email": "examens@tcr.nl",
                                 "image_url": "https://tcr.example/logo.png"})
    assert response.status_code == 200, response.get_json()
    assert_problem(staff.patch("/api/v1/issuing/tcr/profile",
                               json={"image_url": "javascript:alert(1)"}), 422)

    profile = client.get("/issuers/tcr")
    assert profile.mimetype == "application/ld+json"
    assert profile.get_json() == {
        "@context": ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": DID, "type": ["Profile"], "name": "Techniek College Rijnmond",
        "email": "examens@tcr.nl",
        "image": {"id": "https://tcr.example/logo.png", "type": "Image"}}

    response = staff.put(f"/api/v1/issuing/tcr/achievements/{blocks['TIM-01']}",
                         json={"assessment_type": "portfolio",
                               "description_nl": "Werkt veilig op de bouwplaats."})
    assert response.status_code == 200, response.get_json()
    assert_problem(staff.put(f"/api/v1/issuing/tcr/achievements/{blocks['VIG-01']}",
                             json={"assessment_type": "portfolio"}), 404)
    assert_problem(staff.put(f"/api/v1/issuing/tcr/achievements/{blocks['TIM-01']}",
                             json={"assessment_type": "gevoel"}), 422)
    listed = {a["code"]: a for a in staff.get("/api/v1/issuing/tcr/achievements").get_json()}
    assert set(listed) == {"TIM-01", "TIM-02"}
    assert listed["TIM-01"]["document"]["description"] == "Werkt veilig op de bouwplaats."
    english = client.get("/issuers/tcr/achievements/25655/TIM-01?lang=en").get_json()
    assert english["name"] == "Working safely"
    assert english["inLanguage"] == "en"
    assert "portfolio" in english["criteria"]["narrative"]
    assert english["related"][0]["inLanguage"] == "nl"
    assert_problem(client.get("/issuers/tcr/achievements/25655/NOPE"), 404)

    assert award(staff, blocks["TIM-01"]).status_code == 201
    result = runner.invoke(args=["issuing", "create-key", "tcr"])
    assert result.exit_code == 0
    assert result.output.startswith(f"{DID}#key-2 ")
    document = client.get("/issuers/tcr/did.json")
    assert document.headers["Access-Control-Allow-Origin"] == "*"
    methods = json.loads(document.data)
    assert methods["id"] == DID
    assert [m["id"] for m in methods["verificationMethod"]] == [f"{DID}#key-1", f"{DID}#key-2"]
    assert methods["assertionMethod"] == [f"{DID}#key-1", f"{DID}#key-2"]

    assert award(staff, blocks["TIM-02"]).status_code == 201
    for credential in client.get("/api/v1/dossier/credentials").get_json():
        again = client.post(f"/api/v1/dossier/credentials/{credential['id']}/verify")
        assert again.get_json()["verification"]["status"] == "verified"
    keys = {}
    for credential in client.get("/api/v1/dossier/credentials").get_json():
        url = f"/api/v1/issuing/credentials/{credential['id']}/download?form=json"
        signed = json.loads(client.get(url).data)
        keys[signed["name"]] = signed["proof"]["verificationMethod"]
    assert keys == {"Veilig werken": f"{DID}#key-1", "Maatvoering": f"{DID}#key-2"}
    signed_tim01 = next(c for c in client.get("/api/v1/dossier/credentials").get_json()
                        if c["summary"]["title"] == "Veilig werken")
    assert "portfolio" in signed_tim01["summary"]["achievement"]["criteria"]
    assert signed_tim01["summary"]["description"] == "Werkt veilig op de bouwplaats."
