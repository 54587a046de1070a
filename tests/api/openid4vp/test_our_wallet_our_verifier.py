"""Our wallet answers our verifier, over HTTP as with any other: the employer asks, the
learner opens the link, sees who asks for what, picks a credential, consents; the employer's
page shows it verified; the learner's audit trail and list of presentations show it."""
import json
import logging
from datetime import UTC, datetime

from eigendossier.accounts.models import Account
from eigendossier.core.extensions import db
from eigendossier.credentials import sdjwt, sdjwtvc
from eigendossier.credentials.keys import from_multikey
from eigendossier.sharing.presenting import holder_key
from tests.api.dossier.conftest import EMAIL, upload
from tests.api.openid4vp.conftest import ELEKTRA, WALLET, ask
from tests.api.privacy.conftest import export, open_zip
from tests.credentials_support import Issuer


def test_a_learner_answers_an_employer_and_the_page_shows_it_verified(
        client, employer, served, dossier, caplog):
    caplog.set_level(logging.DEBUG)
    page, link = ask(employer, achievement=ELEKTRA, verifier_name="Bouwbedrijf De Vries")
    assert employer.get(page + "/status").get_json() == {"state": "waiting"}

    opened = client.post(f"{WALLET}/requests", json={"link": link})
    assert opened.status_code == 200, opened.get_json()
    body = opened.get_json()
    assert body["verifier_host"] == served.removeprefix("http://")
    assert body["verifier_name"] == "Bouwbedrijf De Vries"
    assert body["client_id"].startswith("decentralized_identifier:did:web:127.0.0.1%3A")
    assert [a["values"] for a in body["asks"]] == [[ELEKTRA], [ELEKTRA], [ELEKTRA]]
    # Only the credential with that name fits (the VC-JWT is another achievement).
    assert [c["credential_id"] for c in body["candidates"]] == [dossier["png"]]

    sent = client.post(f"{WALLET}/answers", json={
        "handle": body["handle"], "credential_ids": [dossier["png"]], "consent": True})
    assert sent.status_code == 201, sent.get_json()

    assert employer.get(page + "/status").get_json() == {"state": "verified"}
    html = employer.get(page, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert ELEKTRA in html
    assert "Verified" in html
    assert "<strong>Signature</strong>: passed" in html

    listed = client.get(f"{WALLET}/presentations").get_json()
    assert [p["credential_ids"] for p in listed] == [[dossier["png"]]]
    (event, *_) = client.get("/api/v1/privacy/audit").get_json()["items"]  # newest first
    assert event["action"] == "openid4vp.presented"
    host = served.removeprefix("http://")
    assert event["message"] == f"Je hebt 1 bewijs(en) laten zien aan {host}."
    # Nothing personal in the logs: not the learner, not the request's secrets.
    assert EMAIL not in caplog.text
    assert "Sanne" not in caplog.text
    assert body["handle"] not in caplog.text


def test_the_data_export_lists_where_credentials_were_shown(client, employer, served, dossier):
    _page, link = ask(employer)
    body = client.post(f"{WALLET}/requests", json={"link": link}).get_json()
    client.post(f"{WALLET}/answers", json={
        "handle": body["handle"], "credential_ids": [dossier["png"]], "consent": True})
    files = open_zip(export(client).data)
    (shown,) = json.loads(files["presentations.json"])
    assert shown["credential_ids"] == [dossier["png"]]
    assert shown["client_id"] == body["client_id"]


def test_the_vc_jwt_is_presented_as_a_vp_jwt(client, employer, served, dossier):
    page, link = ask(employer, achievement="Werken op hoogte")
    body = client.post(f"{WALLET}/requests", json={"link": link}).get_json()
    assert [c["credential_id"] for c in body["candidates"]] == [dossier["jwt"]]
    assert body["candidates"][0]["query_id"] == "badge_jwt"
    sent = client.post(f"{WALLET}/answers", json={
        "handle": body["handle"], "credential_ids": [dossier["jwt"]], "consent": True})
    assert sent.status_code == 201, sent.get_json()
    assert employer.get(page + "/status").get_json() == {"state": "verified"}


def test_a_learner_who_declines_is_heard_and_it_is_noted(client, employer, served, dossier):
    page, link = ask(employer)
    body = client.post(f"{WALLET}/requests", json={"link": link}).get_json()
    assert client.post(f"{WALLET}/declines", json={"handle": body["handle"]}).status_code == 204
    assert employer.get(page + "/status").get_json() == {"state": "declined"}
    html = employer.get(page, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "The learner chose not to show anything." in html
    (event, *_) = client.get("/api/v1/privacy/audit").get_json()["items"]
    assert event["action"] == "openid4vp.declined"
    assert client.get(f"{WALLET}/presentations").get_json() == []
    # the request is closed: the same handle cannot answer it any more
    answer = client.post(f"{WALLET}/answers", json={
        "handle": body["handle"], "credential_ids": [dossier["png"]], "consent": True})
    assert answer.status_code == 502
    assert answer.get_json()["type"].endswith("/vp-verifier-refused")


def sd_jwt_award(app, grade="8,1") -> bytes:
    """An SD-JWT VC award of ELEKTRA by a did:key school, bound to Sanne's holder key."""
    with app.app_context():
        account = db.session.scalar(db.select(Account).filter_by(email=EMAIL))
        bound = sdjwt.public_jwk(from_multikey(holder_key(account.id).public_multikey))
    school = Issuer()
    claims, paths = sdjwtvc.award_claims(
        issuer=school.did, issuer_name="ROC Test", credential_id="urn:uuid:sd-1",
        issued_at=datetime(2026, 1, 1, tzinfo=UTC),
        achievement={"id": "https://roc.example/a/elektra", "name": ELEKTRA, "ec": 3},
        learner_name="Sanne de Vries", birth_date="2005-03-01", grade=grade)
    return sdjwt.issue(claims, paths, school.private, holder_jwk=bound,
                       header={"alg": "EdDSA", "typ": sdjwt.VC_TYP,
                               "kid": school.method}).encode()


def test_an_sd_jwt_award_is_presented_with_only_the_approved_claims_and_a_key_binding(
        app, client, employer, served, learner):
    card = upload(client, sd_jwt_award(app), "elektra.sd-jwt").get_json()
    assert card["verification"]["status"] == "verified", card
    page, link = ask(employer, achievement=ELEKTRA)
    body = client.post(f"{WALLET}/requests", json={"link": link}).get_json()
    assert body["candidates"] == [{"credential_id": card["id"], "title": ELEKTRA,
                                   "issuer_name": "ROC Test", "status": "verified",
                                   "query_id": "award_sd_jwt"}]
    assert body["asks"][2]["withholdable"] == ["learner_name", "grade"]
    sent = client.post(f"{WALLET}/answers", json={
        "handle": body["handle"], "credential_ids": [card["id"]], "consent": True,
        "withhold": ["grade"]})
    assert sent.status_code == 201, sent.get_json()

    assert employer.get(page + "/status").get_json() == {"state": "verified"}
    html = employer.get(page, headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Sanne de Vries" in html
    assert "8,1" not in html
    assert "2005-03-01" not in html
    assert "Gevraagd maar niet gedeeld: cijfer." in html
