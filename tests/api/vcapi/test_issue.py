"""POST /vc-api/credentials/issue: an institution's system, with an OAuth 2.0
client-credentials token, has credentials signed in its institution's name (did:web or
did:key) in the proof form it asks for; what it issues verifies at /vc-api/credentials/verify,
and carries a status entry staff can revoke. No token, another institution's issuer, or a
malformed credential: refused, nothing issued."""
import base64
import json

import pytest

from eigendossier.core.extensions import db
from eigendossier.issuing.models import IssuedCredential, IssuerKey, StatusList
from eigendossier.vcapi.models import OAuthClient, OAuthToken
from tests.api.vcapi.conftest import DID, new_client, token_of
from tests.support import assert_problem

ISSUE = "/vc-api/credentials/issue"
VERIFY = "/vc-api/credentials/verify"
VC2 = "https://www.w3.org/ns/credentials/v2"
V2 = VC2
# The published digest of the VC 2.0 context (W3C vc-data-model-2.0 test suite).
SRI = "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg"
WRONG_SRI = "sha384-" + base64.b64encode(bytes(48)).decode()
# The VC 2.0 context's SHA-256 stated in the Recommendation, and that of the file served today.
MULTIBASE = "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k"
SERVED_TODAY_SRI = "sha256-WZVc7WaX1h4D8rJVb+vlMIqxaEKEb1tYbX8fet7JJzQ="

# On SQLite, and on PostgreSQL what depends on it: issuing takes the status list's row
# lock and revoking flips its bit; tokens and clients stored and revoked. The checks of
# the request (proof formats, malformed credentials) are the same on either.


def credential(issuer=DID, **extra) -> dict:
    return {"@context": [VC2], "type": ["VerifiableCredential"], "issuer": issuer,
            "name": "Veilig werken op hoogte",
            "credentialSubject": {"id": "did:example:sanne", "name": "Sanne"}, **extra}


def issue(client, token, body):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(ISSUE, json=body, headers=headers, csrf=False)


def issued_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(IssuedCredential))


def did_key_of(app) -> str:
    """Techniek College Rijnmond's signing key as did:key."""
    with app.app_context():
        return f"did:key:{db.session.scalar(db.select(IssuerKey.public_multikey))}"


@pytest.mark.parametrize("options", [
    {},
    {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"},
    {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"},
    {"type": "VC-JWT"},
])
def test_an_issued_credential_verifies_at_the_verifier(app, client, tcr_token, options):
    response = issue(client, tcr_token, {"credential": credential(), "options": options})
    assert response.status_code == 201, response.get_json()
    signed = response.get_json()["verifiableCredential"]
    if options.get("type") == "VC-JWT":
        assert signed["type"] == "EnvelopedVerifiableCredential"
        assert signed["id"].startswith("data:application/vc+jwt,ey")
    else:
        assert signed["proof"]["cryptosuite"] == options.get("cryptosuite", "eddsa-rdfc-2022")
        assert signed["proof"]["verificationMethod"] == f"{DID}#key-1"
        assert signed["credentialStatus"]["type"] == "BitstringStatusListEntry"
        assert signed["id"].startswith("urn:uuid:")
        assert signed["validFrom"]

    verified = client.post(VERIFY, json={"verifiableCredential": signed}, csrf=False)
    assert verified.status_code == 200, verified.get_json()
    assert verified.get_json()["verdict"] == "verified"
    assert {"proof", "issuer", "credentialStatus"} <= set(verified.get_json()["checks"])
    assert issued_count(app) == 1


def test_the_institution_may_sign_as_did_key(app, client, tcr_token):
    did_key = did_key_of(app)
    response = issue(client, tcr_token, {"credential": credential(issuer={"id": did_key})})
    assert response.status_code == 201, response.get_json()
    signed = response.get_json()["verifiableCredential"]
    multikey = did_key.removeprefix("did:key:")
    assert signed["proof"]["verificationMethod"] == f"{did_key}#{multikey}"
    verified = client.post(VERIFY, json={"verifiableCredential": signed}, csrf=False)
    assert verified.status_code == 200, verified.get_json()
    assert "proof" in verified.get_json()["checks"]


@pytest.mark.both_databases
def test_a_revoked_credential_no_longer_verifies(app, client, tcr_token, staff):
    signed = issue(client, tcr_token, {"credential": credential()}).get_json()[
        "verifiableCredential"]
    with app.app_context():
        row_id = db.session.scalar(db.select(IssuedCredential.id))
    revoked = staff.post(f"/api/v1/issuing/tcr/credentials/{row_id}/revoke",
                         json={"reason": "Uitgegeven aan de verkeerde persoon"})
    assert revoked.status_code == 200, revoked.get_json()
    body = assert_problem(client.post(VERIFY, json={"verifiableCredential": signed},
                                      csrf=False), 422, "credential-revoked")
    assert body["verdict"] == "revoked"


def test_without_a_token_nothing_is_issued(app, client, issuer_key):
    for token in (None, "made-up-token"):
        response = issue(client, token, {"credential": credential()})
        assert_problem(response, 401, "vc-api-token-required")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert issued_count(app) == 0


def test_a_wrong_secret_gets_no_token(client, runner, issuer_key):
    client_id, _ = new_client(runner, "tcr")
    response = client.post("/vc-api/oauth/token", csrf=False, data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": "guess"})
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"


@pytest.mark.both_databases
def test_a_client_of_another_institution_cannot_issue_as_this_one(app, client, runner,
                                                                  issuer_key):
    tcr_did_key = did_key_of(app)
    assert runner.invoke(args=["issuing", "create-key", "zao"]).exit_code == 0
    zao_token = token_of(client, *new_client(runner, "zao"))
    for issuer in (DID, tcr_did_key):
        response = issue(client, zao_token, {"credential": credential(issuer=issuer)})
        assert_problem(response, 403, "vc-api-issuer-not-yours")
    assert issued_count(app) == 0


@pytest.mark.both_databases
def test_secrets_and_tokens_are_stored_only_as_hashes(app, client, runner, issuer_key):
    client_id, secret = new_client(runner, "tcr")
    token = token_of(client, client_id, secret)
    with app.app_context():
        stored = db.session.scalar(db.select(OAuthClient).filter_by(client_id=client_id))
        assert secret not in stored.secret_digest
        tokens = db.session.scalars(db.select(OAuthToken.token_digest)).all()
        assert tokens
        assert token not in tokens


@pytest.mark.parametrize(("body", "status"), [
    ({"verifiableCredential": credential()}, 422),
    ({"credential": {k: v for k, v in credential().items() if k != "@context"}}, 422),
    ({"credential": credential(**{"@context": 4})}, 422),
    ({"credential": credential(type=4)}, 422),
    ({"credential": credential(type=["Thing"])}, 422),
    ({"credential": {k: v for k, v in credential().items() if k != "issuer"}}, 422),
    ({"credential": credential(issuer=4)}, 422),
    ({"credential": {k: v for k, v in credential().items() if k != "credentialSubject"}}, 422),
    ({"credential": credential(credentialSubject="Sanne")}, 422),
    ({"credential": credential(credentialStatus={"id": "https://elders.example/1"})}, 422),
    ({"credential": credential(id="niet een URL")}, 422),
    ({"credential": credential(validFrom="2025-09-01")}, 422),
    ({"credential": credential(validUntil="2025-09-01T00:00:00")}, 422),
    *(({"credential": credential(**{name: {"id": "https://roc.example/x"}})}, 422)
      for name in ("evidence", "termsOfUse", "refreshService", "credentialSchema")),
    ({"credential": credential(relatedResource=["https://www.w3.org/ns/credentials/v2"])}, 422),
    ({"credential": credential(relatedResource=[{"digestSRI": SRI}])}, 422),
    ({"credential": credential(relatedResource=[{"id": V2}])}, 422),
    ({"credential": credential(relatedResource=[{"id": V2, "digestSRI": SRI},
                                                {"id": V2, "digestSRI": SRI}])}, 422),
    ({"credential": credential(relatedResource=[{"id": V2, "digestSRI": "sha384-_x-"}])}, 422),
    # Well-formed, but not the digest of the VC 2.0 context we hold (W3C vc-data-model-2.0
    # suite, "If the digest provided by the issuer does not match ...").
    ({"credential": credential(relatedResource=[
        {"id": V2, "digestMultibase": "uM4RgWQc3RUDtjJCSgTJtTfvpZ7SPEg_LNO0ESlovQC0"}])}, 422),
    ({"credential": credential(relatedResource=[{"id": V2, "digestSRI": WRONG_SRI}])}, 422),
    ({"credential": credential(relatedResource=[
        {"id": V2, "digestSRI": SRI, "digestMultibase": "z" + "1" * 32}])}, 422),
    ({"credential": credential(), "options": {"cryptosuite": "bbs-2023"}}, 422),
])
def test_what_cannot_be_issued_is_refused_and_nothing_is_written(app, client, tcr_token,
                                                                 body, status):
    with app.app_context():
        lists_before = db.session.scalar(db.select(db.func.sum(StatusList.used)))
    assert_problem(issue(client, tcr_token, body), status)
    assert issued_count(app) == 0
    with app.app_context():
        assert db.session.scalar(db.select(db.func.sum(StatusList.used))) == lists_before


def test_an_institution_without_a_key_cannot_issue(app, client, runner, catalog):
    token = token_of(client, *new_client(runner, "zao"))
    response = issue(client, token, {"credential": credential(issuer="did:web:localhost:"
                                                                     "issuers:zao")})
    assert_problem(response, 409, "issuer-no-key")
    assert issued_count(app) == 0


def test_the_vc_jwt_payload_is_the_credential(client, tcr_token):
    signed = issue(client, tcr_token, {"credential": credential(),
                                       "options": {"type": "VC-JWT"}}).get_json()
    token = signed["verifiableCredential"]["id"].partition(",")[2]
    header, payload, _ = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["iss"] == DID
    assert claims["name"] == "Veilig werken op hoogte"
    assert json.loads(base64.urlsafe_b64decode(header + "==="))["typ"] == "vc+jwt"


def test_a_vc_1_1_credential_gets_the_data_integrity_context_and_verifies(client, tcr_token):
    """VC 1.1's context does not define the proof's terms: without the data-integrity
    context a linked-data reader (the W3C eddsa suite) finds no verificationMethod."""
    old = {"@context": ["https://www.w3.org/2018/credentials/v1"],
           "type": ["VerifiableCredential"], "issuer": DID,
           "credentialSubject": {"id": "did:example:sanne"}}
    response = issue(client, tcr_token, {"credential": old})
    assert response.status_code == 201, response.get_json()
    signed = response.get_json()["verifiableCredential"]
    assert signed["@context"][-1] == "https://w3id.org/security/data-integrity/v2"
    assert signed["issuanceDate"]
    assert "credentialStatus" not in signed
    verified = client.post(VERIFY, json={"verifiableCredential": signed}, csrf=False)
    assert verified.status_code == 200, verified.get_json()


def test_a_term_no_context_defines_is_not_signed_with_rdfc(app, client, tcr_token):
    undefined = credential()
    undefined["credentialSubject"]["invalidTerm"] = "niet gedefinieerd"
    body = assert_problem(issue(client, tcr_token, {"credential": undefined}), 422)
    assert "invalidTerm" in json.dumps(body["errors"])
    assert issued_count(app) == 0
    jcs = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"}
    assert issue(client, tcr_token, {"credential": undefined, "options": jcs}).status_code == 201


def test_the_callers_own_status_entry_stays_next_to_ours(client, tcr_token):
    theirs = {"id": "https://roc.example/status/3#94567", "type": "BitstringStatusListEntry",
              "statusPurpose": "suspension", "statusListIndex": "94567",
              "statusListCredential": "https://roc.example/status/3"}
    extra = {"credentialStatus": theirs, "relatedResource": {"id": V2, "digestSRI": SRI}}
    response = issue(client, tcr_token, {"credential": credential(**extra)})
    assert response.status_code == 201, response.get_json()
    statuses = response.get_json()["verifiableCredential"]["credentialStatus"]
    assert statuses[0] == theirs
    assert statuses[1]["statusListCredential"].startswith("http://localhost/issuers/tcr/")


@pytest.mark.both_databases
def test_a_revoked_client_is_stopped_at_once(app, client, runner, issuer_key):
    client_id, secret = new_client(runner, "tcr")
    token = token_of(client, client_id, secret)
    result = runner.invoke(args=["issuing", "api-client", "revoke", client_id])
    assert result.exit_code == 0, result.output
    assert_problem(issue(client, token, {"credential": credential()}), 401)
    refused = client.post("/vc-api/oauth/token", csrf=False, data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})
    assert refused.status_code == 401
    assert issued_count(app) == 0


@pytest.mark.parametrize("related", [
    {"id": V2, "digestSRI": SRI},
    {"id": V2, "digestMultibase": MULTIBASE},
    {"id": V2, "digestSRI": SERVED_TODAY_SRI, "mediaType": "application/ld+json"},
    # A resource we cannot read offline: its digest is taken on trust, not checked.
    {"id": "https://roc.example/reglement.pdf", "digestSRI": WRONG_SRI},
])
def test_related_resources_with_matching_or_unknowable_digests_are_issued(client, tcr_token,
                                                                          related):
    response = issue(client, tcr_token, {"credential": credential(relatedResource=[related])})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["verifiableCredential"]["relatedResource"] == [related]
