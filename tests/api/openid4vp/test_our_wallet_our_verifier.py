"""Our wallet answers our verifier, over HTTP as with any other: the employer asks, the
learner opens the link, sees who asks for what, picks a credential, consents; the employer's
page shows it verified; the learner's audit trail and list of presentations show it."""
import json
import logging

from tests.api.dossier.conftest import EMAIL
from tests.api.openid4vp.conftest import ELEKTRA, WALLET, ask
from tests.api.privacy.conftest import export, open_zip


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
    assert [a["values"] for a in body["asks"]] == [[ELEKTRA], [ELEKTRA]]
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
