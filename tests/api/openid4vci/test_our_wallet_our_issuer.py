"""Our wallet receives from our issuer, over HTTP, as any wallet and issuer would: the staff
offer an award, the learner previews the offer, types the code from the separate mail and
the credential lands in the dossier verified, bound to the learner's holder key."""
import json

from eigendossier.catalog.models import Block
from eigendossier.core.extensions import db
from eigendossier.credentials import sdjwt
from eigendossier.credentials.keys import from_multikey
from eigendossier.dossier.models import Credential
from eigendossier.openid4vci.models import VciOffer
from eigendossier.sharing.presenting import holder_key
from tests.api.openid4vci.conftest import LEARNER, issued_row, offer_for, tx_code_mailed
from tests.support import assert_problem
from tests.support_mail import text_of


def test_an_offered_award_lands_verified_and_bound_to_the_learners_key(
        app, live, staff, client, awarded, mailbox):
    offer = offer_for(staff, awarded)
    assert offer["offer_uri"].startswith("openid-credential-offer://?credential_offer_uri=")
    assert offer["tx_code_required"] is True
    assert offer["qr_svg"].startswith("<svg")
    code = tx_code_mailed(app, mailbox)
    assert code not in offer["offer_uri"]

    preview = client.post("/api/v1/openid4vci/offers/preview", json={"link": offer["offer_uri"]})
    assert preview.status_code == 200, preview.get_json()
    shown = preview.get_json()
    assert shown["issuer"] == {"id": f"{live}/issuers/tcr", "name": "Techniek College Rijnmond"}
    assert shown["tx_code"]["length"] == 6
    assert [c["format"] for c in shown["credentials"]] == ["ldp_vc", "jwt_vc_json", "dc+sd-jwt"]

    before = client.get("/api/v1/dossier/credentials").get_json()
    accepted = client.post("/api/v1/openid4vci/offers/accept",
                            json={"link": offer["offer_uri"], "tx_code": code})
    assert accepted.status_code == 201, accepted.get_json()
    credential = accepted.get_json()
    assert credential["verification"]["status"] == "verified", credential["verification"]
    assert len(client.get("/api/v1/dossier/credentials").get_json()) == len(before) + 1

    with app.app_context():
        stored = db.session.get(Credential, credential["id"])
        document = json.loads(stored.original)
        row = db.session.scalar(db.select(VciOffer))
        did = holder_key(stored.account_id).did
        assert document["credentialSubject"]["id"] == did
        assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
        assert row.delivered_format == "ldp_vc"
        assert row.holder == did
    # The same status list entry: revoking the award revokes the wallet's copy too.
    original = issued_row(app, awarded)
    assert document["credentialStatus"]["statusListIndex"] == str(original.status_index)
    assert document["id"] != f"urn:uuid:{original.uuid}"


def test_an_sd_jwt_award_is_offered_as_sd_jwt_and_bound_by_cnf_to_the_learners_key(
        app, live, staff, client, learner, issuer_key, mailbox):
    with app.app_context():
        block = db.session.scalar(db.select(Block).filter_by(code="TIM-01"))
    issued = staff.post("/api/v1/issuing/tcr/awards", json={
        "block_id": block.id, "email": LEARNER, "proof": "dc+sd-jwt", "grade": "7,5"})
    assert issued.status_code == 201, issued.get_json()
    offer = offer_for(staff, issued.get_json()["id"], tx_code=False)
    preview = client.post("/api/v1/openid4vci/offers/preview", json={"link": offer["offer_uri"]})
    assert preview.get_json()["credentials"][0]["format"] == "dc+sd-jwt"

    accepted = client.post("/api/v1/openid4vci/offers/accept", json={"link": offer["offer_uri"]})
    assert accepted.status_code == 201, accepted.get_json()
    credential = accepted.get_json()
    assert credential["format"] == "sd_jwt_vc"
    assert credential["verification"]["status"] == "verified", credential["verification"]
    assert credential["disclosable"] == ["learner_name", "grade"]
    with app.app_context():
        stored = db.session.get(Credential, credential["id"])
        received = sdjwt.parse(stored.original.decode("ascii"))
        key = holder_key(stored.account_id)
        assert sdjwt.holder_key(received.payload) == from_multikey(key.public_multikey)
        assert sdjwt.resolve(received).claims["grade"] == "7,5"
        assert db.session.scalar(db.select(VciOffer)).delivered_format == "dc+sd-jwt"


def test_the_link_and_the_code_travel_in_separate_mails(app, live, staff, client, awarded,
                                                         mailbox):
    offer = offer_for(staff, awarded)
    code = tx_code_mailed(app, mailbox)
    mails = [text_of(m) for m in mailbox.to(LEARNER)]
    with_link = [m for m in mails if "openid-credential-offer://" in m]
    with_code = [m for m in mails if code in m]
    assert len(with_link) == 1
    assert len(with_code) == 1
    assert with_link != with_code
    link = offer["offer_uri"].split("credential_offer_uri=")[1]
    assert link in with_link[0]
    assert link not in with_code[0]
    accepted = client.post("/api/v1/openid4vci/offers/accept",
                           json={"link": offer["offer_uri"], "tx_code": code})
    assert accepted.status_code == 201
    events = client.get("/api/v1/privacy/audit").get_json()
    said = " ".join(e["message"] for e in events["items"])
    assert "Techniek College Rijnmond heeft je een credential voor je wallet aangeboden." in said
    assert "Je hebt een credential van Techniek College Rijnmond in je dossier ontvangen." in said


def test_the_offer_works_once(app, live, staff, client, awarded, mailbox):
    offer = offer_for(staff, awarded)
    code = tx_code_mailed(app, mailbox)
    link = {"link": offer["offer_uri"], "tx_code": code}
    assert client.post("/api/v1/openid4vci/offers/accept", json=link).status_code == 201
    again = client.post("/api/v1/openid4vci/offers/accept", json=link)
    assert_problem(again, 422, "openid4vci-offer-gone")
