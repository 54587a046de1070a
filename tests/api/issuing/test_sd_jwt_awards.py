"""Selective disclosure: a school awards as SD-JWT VC, the learner's dossier accepts it, and a
share link shows the employer only the fields the learner chose, naming what was withheld."""
import base64
import io
import json
import zlib

import pytest

from eigendossier.core.extensions import db
from eigendossier.credentials import sdjwt, sdjwtvc
from eigendossier.credentials.keys import from_multikey
from eigendossier.dossier.models import Credential
from eigendossier.sharing.presenting import holder_key
from tests.api.issuing.conftest import award
from tests.support import assert_problem, sign_up

SHARES = "/api/v1/shares"


@pytest.fixture
def sd_award(client, learner, staff, issuer_key, blocks):
    return award_sd_jwt(client, staff, blocks)


def award_sd_jwt(client, staff, blocks):
    response = award(staff, blocks["TIM-01"], completed_on="2025-06-20", proof="dc+sd-jwt",
                     grade="8,1", birth_date="2005-03-01", evidence=["Proeve: keukenblok"])
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["proof"] == "dc+sd-jwt"
    [credential] = client.get("/api/v1/dossier/credentials").get_json()
    credential["issued_id"] = response.get_json()["id"]
    return credential


def test_an_sd_jwt_award_lands_verified_with_its_fields_hidden_in_the_signed_part(sd_award,
                                                                                  client):
    assert sd_award["format"] == "sd_jwt_vc"
    assert sd_award["container"] == "sd-jwt"
    assert sd_award["verification"]["status"] == "verified"
    checks = {c["id"]: c["message_code"] for c in sd_award["verification"]["checks"]}
    assert checks["proof"] == "proof.valid"
    assert checks["issuer_identity"] == "issuer_identity.confirmed"
    assert checks["revocation"] == "revocation.not_revoked"
    assert sd_award["summary"]["title"] == "Veilig werken"
    assert sd_award["summary"]["achievement"]["ec"] == 3
    # what the share form offers to show or withhold
    assert sd_award["disclosable"] == ["learner_name", "birth_date", "completion_date", "grade",
                                       "evidence"]


def test_the_learner_sees_every_field_they_hold_and_which_they_may_withhold(sd_award, client,
                                                                          other_learner):
    detail = client.get(f"/api/v1/dossier/credentials/{sd_award['id']}")
    assert detail.status_code == 200
    held = {f["name"]: (f["value"], f["withholdable"]) for f in detail.get_json()["held_fields"]}
    assert held == {"learner_name": ("Sanne", True),
                    "birth_date": ("2005-03-01", True),
                    "completion_date": ("2025-06-20", True),
                    "grade": ("8,1", True),
                    "evidence": (["Proeve: keukenblok"], True)}
    assert sd_award["held_fields"] == detail.get_json()["held_fields"]  # the list says the same
    assert_problem(other_learner.get(f"/api/v1/dossier/credentials/{sd_award['id']}"), 404,
                   "not-found")


def test_the_award_is_bound_to_the_learners_holder_key_so_the_wallet_can_present_it(
        sd_award, app):
    with app.app_context():
        stored = db.session.get(Credential, sd_award["id"])
        payload = sdjwt.parse(stored.original.decode("ascii")).payload
        key = holder_key(stored.account_id)
        assert sdjwt.holder_key(payload) == from_multikey(key.public_multikey)


def test_awards_carry_decoy_digests_that_verify_and_disclose_nothing(sd_award, app):
    assert sd_award["verification"]["status"] == "verified"
    with app.app_context():
        stored = db.session.get(Credential, sd_award["id"]).original.decode("ascii")
    sd = sdjwt.parse(stored)
    resolved = sdjwt.resolve(sd)
    # the learner's copy holds every disclosure: what no disclosure opens is a decoy, 2 to 5
    # per object that holds fields (the payload and the learner)
    assert 4 <= resolved.hidden <= 10
    # the payload's digests: completion date, grade and evidence, and the decoys; the
    # learner's: name and birth date, and decoys of their own
    assert 2 <= len(sd.payload["_sd"]) - 3 <= 5
    assert 2 <= len(sd.payload["learner"]["_sd"]) - 2 <= 5
    assert set(resolved.claims) == {"iss", "iat", "nbf", "vct", "jti", "issuer_name",
                                    "achievement", "status", "learner", "completion_date",
                                    "grade", "evidence", "cnf"}
    assert "_sd" not in sd.payload["achievement"]  # nothing to hide there: no decoys either


def test_the_employer_sees_only_what_the_learner_chose_and_what_was_withheld(sd_award, client):
    response = client.post(SHARES, json={"credential_ids": [sd_award["id"]], "label": "Baan",
                                         "disclose": {str(sd_award["id"]): ["grade"]}})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["credentials"][0]["disclosed"] == ["grade"]
    path = "/s/" + body["url"].rsplit("/s/", 1)[1]

    page = client.get(path, headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "8,1" in page
    assert "2005-03-01" not in page
    assert "Proeve: keukenblok" not in page
    assert "Niet gedeeld door" in page
    assert "geboortedatum" in page
    assert "bewijs" in page
    english = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Withheld by" in english
    assert "birth date" in english

    # the file the employer can download carries the chosen disclosure only, still signed
    original = client.get(f"{path}/credentials/{sd_award['id']}/original")
    assert original.status_code == 200
    shown = sdjwt.parse(original.get_data(as_text=True))
    claims = sdjwt.resolve(shown).claims
    assert claims["grade"] == "8,1"
    assert claims.get("learner", {}) == {}  # neither name nor birth date
    assert "evidence" not in claims
    assert claims["achievement"]["name"] == "Veilig werken"


def test_fields_the_credential_lacks_or_of_other_credentials_are_refused(sd_award, client, app):
    def refused(body):
        assert_problem(client.post(SHARES, json={"label": "x", **body}), 422)

    refused({"credential_ids": [sd_award["id"]], "disclose": {str(sd_award["id"]): ["shoe"]}})
    refused({"credential_ids": [sd_award["id"]], "disclose": {"999": ["grade"]}})
    assert client.get(SHARES).get_json() == []


def test_another_learner_cannot_share_it(sd_award, app):
    other = app.test_client()
    sign_up(other, email="indringer@example.nl", display_name="Indringer")
    assert_problem(other.post(SHARES, json={"credential_ids": [sd_award["id"]], "label": "x",
                                            "disclose": {str(sd_award["id"]): ["grade"]}}),
                   404, "not-found")


def _revoked_bit(token: bytes, index: int) -> int:
    payload = json.loads(base64.urlsafe_b64decode(token.split(b".")[1] + b"=="))
    bits = zlib.decompress(base64.urlsafe_b64decode(payload["status_list"]["lst"] + "=="))
    return bits[index // 8] >> (index % 8) & 1


def test_revoking_the_award_shows_the_sd_jwt_revoked_through_its_status_list_token(
        sd_award, client, staff, app, monkeypatch):
    with app.app_context():
        stored = db.session.get(Credential, sd_award["id"]).original.decode("ascii")
    index = sdjwt.parse(stored).payload["status"]["status_list"]["idx"]
    signed = []
    real = sdjwtvc.status_list_token
    monkeypatch.setattr(sdjwtvc, "status_list_token",
                        lambda *a, **k: signed.append(1) or real(*a, **k))
    before = client.get("/issuers/tcr/status/1/token")
    assert before.headers["Cache-Control"] == "public, max-age=60"
    assert client.get("/issuers/tcr/status/1/token").data == before.data
    assert _revoked_bit(before.data, index) == 0
    assert signed == []  # signed once when the award was verified, kept since

    response = staff.post(f"/api/v1/issuing/tcr/credentials/{sd_award['issued_id']}/revoke",
                          json={"reason": "Fraude bij de proeve"})
    assert response.status_code == 200, response.get_json()
    [credential] = client.get("/api/v1/dossier/credentials").get_json()
    assert credential["verification"]["status"] == "revoked"
    token = client.get("/issuers/tcr/status/1/token")
    assert token.headers["Content-Type"] == "application/statuslist+jwt"
    header = json.loads(base64.urlsafe_b64decode(token.data.split(b".")[0] + b"=="))
    assert header["typ"] == "statuslist+jwt"
    assert _revoked_bit(token.data, index) == 1  # at once, not after the cache's time
    assert len(signed) == 1  # signed again once, for the changed bits


def test_a_csv_batch_can_be_issued_as_sd_jwt_bound_to_each_learner(client, learner,
                                                                   other_learner, staff,
                                                                   issuer_key, app):
    csv_text = "email,block,completed_on\nsanne@example.nl,TIM-01,2025-06-20\n" \
               "yusuf@example.nl,TIM-02,\n"
    for refused in ("dc sd-jwt", "sd-jwt"):  # an unencoded + arrives as a space
        body = assert_problem(staff.post(f"/api/v1/issuing/tcr/awards/csv?proof={refused}",
                                         data=csv_text, headers={"Content-Type": "text/csv"}),
                              422)
        assert "proof" in body["errors"]
    assert staff.get("/api/v1/issuing/tcr/credentials").get_json() == []

    response = staff.post("/api/v1/issuing/tcr/awards/csv?proof=dc%2Bsd-jwt",
                          data={"file": (io.BytesIO(csv_text.encode()), "awards.csv")},
                          content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    assert [c["proof"] for c in response.get_json()["credentials"]] == ["dc+sd-jwt"] * 2
    for who, held in ((client, {"learner_name", "completion_date"}),
                      (other_learner, {"learner_name"})):
        [credential] = who.get("/api/v1/dossier/credentials").get_json()
        assert credential["format"] == "sd_jwt_vc"
        assert credential["verification"]["status"] == "verified"
        assert {f["name"] for f in credential["held_fields"] if f["withholdable"]} == held
        with app.app_context():
            stored = db.session.get(Credential, credential["id"])
            payload = sdjwt.parse(stored.original.decode("ascii")).payload
            key = holder_key(stored.account_id)
        assert sdjwt.holder_key(payload) == from_multikey(key.public_multikey)
