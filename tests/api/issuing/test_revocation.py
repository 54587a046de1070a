"""Revocation: the bit on the institution's signed status list flips, and the learner's copy
shows it revoked at once and on every later verification."""
import pytest

from eigendossier.accounts import service as accounts
from eigendossier.core import audit
from eigendossier.core.erase import erase
from eigendossier.core.extensions import db
from eigendossier.credentials import verify_credential
from eigendossier.credentials.limits import DEFAULT_LIMITS
from eigendossier.credentials.status import bit_is_set, decode_bitstring
from eigendossier.issuing.models import IssuedCredential
from tests.api.issuing.conftest import DID, award
from tests.support import assert_problem

# On SQLite and PostgreSQL: the status list changed under a row lock.
pytestmark = pytest.mark.both_databases


def status_bit(client, issued) -> bool:
    path = issued["status_list"].removeprefix("http://localhost")
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    document = response.get_json()
    assert document["issuer"] == DID
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    bits = decode_bitstring(document["credentialSubject"]["encodedList"], DEFAULT_LIMITS)
    assert len(bits) * 8 == 131072
    return bit_is_set(bits, issued["status_index"])


def elsewhere_copy(client, title) -> bytes:
    """The learner's VC-JWT download, as they would hand it to another wallet."""
    [found] = [c for c in client.get("/api/v1/dossier/credentials").get_json()
               if c["summary"]["title"] == title]
    return client.get(f"/api/v1/issuing/credentials/{found['id']}/download?form=jwt").data


def another_wallet(client, credential: bytes):
    """A verifier elsewhere: it fetches our DID document (did:web, https) and status list
    over HTTP, here through the test client, with no shortcut to our database."""

    def fetch(url):
        path = url.replace("https://localhost", "").replace("http://localhost", "")
        response = client.get(path)
        assert response.status_code == 200, url
        return response.data, response.mimetype

    return verify_credential(credential, fetch=fetch, recipient_emails=["sanne@example.nl"])


def test_revoking_flips_the_bit_and_the_dossier_shows_revoked(app, client, learner, staff,
                                                              issuer_key, blocks):
    issued = award(staff, blocks["TIM-01"]).get_json()
    kept = award(staff, blocks["TIM-02"]).get_json()
    assert status_bit(client, issued) is False
    jwt = elsewhere_copy(client, "Veilig werken")
    assert another_wallet(client, jwt).status == "verified"

    for reason in ("", "x"):
        assert_problem(staff.post(f"/api/v1/issuing/tcr/credentials/{issued['id']}/revoke",
                                  json={"reason": reason}), 422)
    response = staff.post(f"/api/v1/issuing/tcr/credentials/{issued['id']}/revoke",
                          json={"reason": "Examen ongeldig verklaard"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["revocation_reason"] == "Examen ongeldig verklaard"
    assert response.get_json()["revoked_at"]
    assert status_bit(client, issued) is True
    assert status_bit(client, kept) is False

    by_title = {c["summary"]["title"]: c for c in
                client.get("/api/v1/dossier/credentials").get_json()}
    revoked, other = by_title["Veilig werken"], by_title["Maatvoering"]
    assert revoked["verification"]["status"] == "revoked"
    again = client.post(f"/api/v1/dossier/credentials/{revoked['id']}/verify").get_json()
    assert again["verification"]["status"] == "revoked"
    checks = {c["id"]: c["message_code"] for c in again["verification"]["checks"]}
    assert checks["revocation"] == "revocation.revoked"
    assert client.post(f"/api/v1/dossier/credentials/{other['id']}/verify"
                       ).get_json()["verification"]["status"] == "verified"

    assert another_wallet(client, jwt).status == "revoked"
    assert_problem(staff.post(f"/api/v1/issuing/tcr/credentials/{issued['id']}/revoke",
                              json={"reason": "nog eens"}), 409, "credential-already-revoked")
    assert_problem(staff.post("/api/v1/issuing/tcr/credentials/9999/revoke",
                              json={"reason": "bestaat niet"}), 404)

    with app.app_context():
        erase(accounts.account_by_email("sanne@example.nl").id)
        kept_rows = db.session.scalars(db.select(IssuedCredential)).all()
        assert [(r.account_id, r.credential_id, r.forms) for r in kept_rows] == [
            (None, None, {}), (None, None, {})]
    listed = staff.get("/api/v1/issuing/tcr/credentials").get_json()
    assert {(c["learner"], bool(c["revoked_at"])) for c in listed} == {(None, True),
                                                                       (None, False)}


def test_the_learners_audit_trail_names_the_institution_that_issued_and_revoked(
        app, client, learner, staff, issuer_key, blocks):
    """The trail said " heeft een credential aan je uitgegeven.": the events did not record
    who. Events recorded before they did still read as a sentence."""
    issued = award(staff, blocks["TIM-01"]).get_json()
    staff.post(f"/api/v1/issuing/tcr/credentials/{issued['id']}/revoke",
               json={"reason": "Examen ongeldig verklaard"})
    with app.app_context():
        sanne = accounts.account_by_email("sanne@example.nl")
        audit.record("credential.issued", sanne.id, actor_id=sanne.id, achievement="urn:old")
        db.session.commit()
    messages = [(e["action"], e["message"]) for e in
                client.get("/api/v1/privacy/audit").get_json()["items"]
                if e["action"].startswith("credential.")]
    assert messages == [
        ("credential.issued", "Je school heeft een credential aan je uitgegeven."),
        ("credential.revoked", "Techniek College Rijnmond heeft een credential ingetrokken "
                               "die aan je was uitgegeven."),
        ("credential.issued", "Techniek College Rijnmond heeft een credential aan je "
                              "uitgegeven."),
    ]
