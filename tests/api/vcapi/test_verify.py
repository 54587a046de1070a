"""POST /vc-api/credentials/verify and /vc-api/presentations/verify: credentials the project
signs itself verify (200), a changed one, an expired one and a presentation with the wrong
challenge do not (422 problem with checks, warnings and errors), and what is not a credential
is refused (400) without anything being written."""
import copy
import json

import pytest

from eigendossier.core.extensions import db
from eigendossier.core.models import AuditEvent
from eigendossier.credentials import dataintegrity
from eigendossier.credentials.keys import b58encode
from eigendossier.dossier.models import Credential
from tests.credentials_support import VC2, Issuer, microcredential, signed_di, signed_jwt
from tests.support import assert_problem

VERIFY = "/vc-api/credentials/verify"
VERIFY_VP = "/vc-api/presentations/verify"
EMAIL = "sanne@example.nl"


def post(client, path, body, **kwargs):
    """As other software calls the VC-API: no cookie, no CSRF header."""
    return client.post(path, json=body, csrf=False, **kwargs)


def test_a_credential_signed_with_data_integrity_verifies(client):
    response = post(client, VERIFY, {"verifiableCredential": signed_di(EMAIL)})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["verified"] is True
    assert body["verdict"] == "verified"
    assert {"proof", "issuer", "validity"} <= set(body["checks"])
    assert body["errors"] == []


def test_a_vc_jwt_verifies_enveloped_and_bare(client):
    token = signed_jwt(EMAIL)
    enveloped = {"@context": VC2, "type": "EnvelopedVerifiableCredential",
                 "id": f"data:application/vc+jwt,{token}"}
    for credential in (enveloped, token):
        response = post(client, VERIFY, {"verifiableCredential": credential})
        assert response.status_code == 200, response.get_json()
        assert "proof" in response.get_json()["checks"]


def test_a_changed_credential_is_refused_with_the_reason(client):
    tampered = signed_di(EMAIL)
    tampered["credentialSubject"]["achievement"]["name"] = "Hoogspanning (zelf verzonnen)"
    response = post(client, VERIFY, {"verifiableCredential": tampered},
                    headers={"Accept-Language": "en"})
    body = assert_problem(response, 422, "credential-failed")
    assert body["verified"] is False
    assert "proof" not in body["checks"]
    codes = [error["type"].rsplit("/", 1)[1] for error in body["errors"]]
    assert "proof.signature_invalid" in codes
    assert all(error["title"] for error in body["errors"])


def test_an_expired_credential_is_refused_as_expired(client):
    expired = signed_di(EMAIL, valid_until="2025-01-01T00:00:00Z")
    body = assert_problem(post(client, VERIFY, {"verifiableCredential": expired}), 422,
                          "credential-expired")
    assert body["verdict"] == "expired"
    assert "proof" in body["checks"]


def web_issuer_credential() -> dict:
    """Issued in the name of a web address, signed with a did:key that does not name it."""
    issuer = Issuer()
    document = microcredential(EMAIL, issuer)
    document["issuer"] = {"id": "https://roc.example/issuer", "type": ["Profile"],
                          "name": "ROC Voorbeeld"}
    return dataintegrity.sign(document, issuer.private, issuer.method, document["validFrom"])


def test_an_unbound_key_is_an_error_unless_only_the_proof_is_asked_for(client):
    credential = web_issuer_credential()
    body = assert_problem(post(client, VERIFY, {"verifiableCredential": credential}), 422,
                          "credential-unverifiable")
    assert [e["check"] for e in body["errors"]] == ["issuer"]

    response = post(client, VERIFY, {"verifiableCredential": credential,
                                     "options": {"checks": ["proof"]}})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["verdict"] == "verified_with_warnings"
    assert "proof" in body["checks"]
    assert "issuer" not in body["checks"]
    assert [w["type"].rsplit("/", 1)[1] for w in body["warnings"]] == [
        "issuer_identity.unbound"]


def presentation(credentials, holder: Issuer, **options) -> dict:
    unsigned = {"@context": [VC2], "type": ["VerifiablePresentation"], "holder": holder.did,
                "verifiableCredential": credentials}
    return dataintegrity.sign(unsigned, holder.private, holder.method, "2025-06-01T00:00:00Z",
                              proof_purpose="authentication", **options)


def test_a_signed_presentation_verifies_with_its_challenge_and_domain(client):
    holder = Issuer()
    vp = presentation([signed_di(EMAIL)], holder, challenge="abc-123", domain="werkgever.nl")
    options = {"challenge": "abc-123", "domain": "werkgever.nl"}
    response = post(client, VERIFY_VP, {"verifiablePresentation": vp, "options": options})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert "presentation.proof" in body["checks"]
    assert "verifiableCredential[0].proof" in body["checks"]

    wrong = post(client, VERIFY_VP, {"verifiablePresentation": vp,
                                     "options": {**options, "challenge": "replayed"}})
    body = assert_problem(wrong, 422)
    assert "presentation.challenge_mismatch" in [e["type"].rsplit("/", 1)[1]
                                                 for e in body["errors"]]


def test_a_presentation_with_a_changed_credential_is_refused(client):
    credential = signed_di(EMAIL)
    credential["validFrom"] = "2020-01-01T00:00:00Z"
    vp = presentation([credential], Issuer())
    body = assert_problem(post(client, VERIFY_VP, {"verifiablePresentation": vp}), 422,
                          "credential-failed")
    assert any(e["check"] == "verifiableCredential[0].proof" for e in body["errors"])


def test_a_presentation_signed_by_someone_else_than_its_holder_is_refused(client):
    vp = presentation([signed_di(EMAIL)], Issuer())
    vp_other = copy.deepcopy(vp)
    vp_other["holder"] = Issuer().did  # changes the signed document as well
    body = assert_problem(post(client, VERIFY_VP, {"verifiablePresentation": vp_other}), 422)
    codes = {e["type"].rsplit("/", 1)[1] for e in body["errors"]}
    assert "presentation.holder_mismatch" in codes


def nothing_written(app):
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Credential)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == 0


@pytest.mark.both_databases
@pytest.mark.parametrize(("body", "status"), [
    ({"verifiableCredential": {"@context": ["https://example.org/v1"], "type": ["Thing"]}}, 400),
    ({"verifiableCredential": 42}, 400),
    ({"verifiableCredential": "not a jwt"}, 400),
    # A credential as a JSON string is not a map: Data Integrity 1.0 says refuse it.
    ({"verifiableCredential": json.dumps(signed_di(EMAIL))}, 400),
    ({"verifiableCredential": {"type": "EnvelopedVerifiableCredential",
                               "id": "data:text/plain,hello"}}, 400),
    ({"credential": {}}, 422),
])
def test_what_is_not_a_credential_is_refused_and_nothing_is_written(app, client, body, status):
    assert_problem(post(client, VERIFY, body), status)
    nothing_written(app)


def test_what_is_not_a_presentation_is_refused(client):
    body = {"verifiablePresentation": signed_di(EMAIL)}
    assert_problem(post(client, VERIFY_VP, body), 400, "vc-api-not-a-presentation")


def test_a_body_larger_than_a_credential_may_be_is_refused(client):
    credential = signed_di(EMAIL)
    credential["description"] = "x" * (2 * 1024 * 1024)
    response = client.post(VERIFY, data=json.dumps({"verifiableCredential": credential}),
                           content_type="application/json", csrf=False)
    assert_problem(response, 413, "too-large")


@pytest.mark.parametrize("change", [
    *({"@context": value} for value in ("string", {}, None, 10, True)),
    *({"@context": [value]} for value in ([], None, 10, True)),
    *({"type": value} for value in ("string", {}, None, 10, True)),
    {"type": [4]},
    {"issuer": 4},
    {"credentialSubject": "Sanne"},
    {"proof": "z123"},
])
def test_a_signed_credential_of_the_wrong_shape_is_refused_not_a_server_error(client, change):
    """What the W3C verifier suite sends: once a 500 from inside the JSON-LD processor."""
    credential = {**signed_di(EMAIL), **change}
    response = post(client, VERIFY, {"verifiableCredential": credential})
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"


def cosigned(document: dict, signer: Issuer) -> dict:
    """``document`` (with one proof that has an id) signed again by ``signer``, chained to
    the first proof (Data Integrity 1.0 proof chains)."""
    first = document["proof"]
    options = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
               "created": "2025-06-01T00:00:00Z", "verificationMethod": signer.method,
               "proofPurpose": "assertionMethod", "previousProof": first["id"]}
    signature = signer.private.sign(dataintegrity.verify_data(document, options))
    second = {**options, "proofValue": "z" + b58encode(signature)}
    return {**dataintegrity.unsecured(document), "proof": [first, second]}


def issued_with_proof_id() -> dict:
    issuer = Issuer()
    document = microcredential(EMAIL, issuer)
    return dataintegrity.sign(document, issuer.private, issuer.method, document["validFrom"],
                              id="urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544")


def test_a_credential_cosigned_by_another_party_verifies(client):
    """A notary's proof chained after the issuer's is not a wrong key (W3C eddsa suite)."""
    credential = cosigned(issued_with_proof_id(), Issuer())
    response = post(client, VERIFY, {"verifiableCredential": credential})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["verdict"] == "verified"


def test_a_cosignature_does_not_save_a_changed_credential(client):
    credential = cosigned(issued_with_proof_id(), Issuer())
    credential["name"] = "Iets anders"
    body = assert_problem(post(client, VERIFY, {"verifiableCredential": credential}), 422,
                          "credential-failed")
    assert "issuer_identity.cosigned" not in {e["type"].rsplit("/", 1)[1]
                                              for e in body["errors"]}


def test_only_a_stranger_signing_is_still_a_wrong_key(client):
    """Without a valid proof by the issuer, another party's key is evidence against."""
    stranger = Issuer()
    document = microcredential(EMAIL, Issuer())
    forged = dataintegrity.sign(document, stranger.private, stranger.method,
                                document["validFrom"])
    body = assert_problem(post(client, VERIFY, {"verifiableCredential": forged}), 422,
                          "credential-failed")
    assert "issuer_identity.controller_mismatch" in {e["type"].rsplit("/", 1)[1]
                                                     for e in body["errors"]}


def test_a_term_added_after_signing_that_no_context_defines_is_refused(client):
    """JSON-LD drops an undefined term, so the signature still 'verifies' without it: Data
    Integrity requires an error (W3C eddsa suite, DATA_LOSS_DETECTION_ERROR)."""
    credential = signed_di(EMAIL)
    credential["credentialSubject"]["invalidTerm"] = "toegevoegd na ondertekening"
    body = assert_problem(post(client, VERIFY, {"verifiableCredential": credential}), 422,
                          "credential-failed")
    assert "proof" not in body["checks"]
    assert "checks/proof.data_loss" in body["errors"][-1]["type"]
    assert "invalidTerm" in body["errors"][-1]["title"]
