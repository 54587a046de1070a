"""Our wallet through the authorization code flow with PKCE, against our own issuer over
HTTP: the learner starts from an offer without a pre-authorized code, signs in (here: is
signed in) at the issuer, gives the award, comes back to our callback, and the credential
lands verified. The state works once and only for the learner who started."""
import json
from urllib.parse import parse_qs, quote, urlsplit

from eigendossier.core.extensions import db
from eigendossier.openid4vci.models import VciWalletFlow
from tests.api.openid4vci.test_authorization_code import form_of
from tests.support import sign_up

START = "/api/v1/openid4vci/offers/authorize"


def code_flow_offer(live) -> str:
    offer = {"credential_issuer": f"{live}/issuers/tcr",
             "credential_configuration_ids": ["OpenBadgeCredential_ldp_vc"],
             "grants": {"authorization_code": {}}}
    return "openid-credential-offer://?credential_offer=" + quote(json.dumps(offer))


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def test_the_learner_signs_in_at_the_issuer_and_the_award_lands_verified(app, live, client,
                                                                          awarded):
    started = client.post(START, json={"link": code_flow_offer(live)})
    assert started.status_code == 200, started.get_json()
    url = started.get_json()["authorization_url"]
    assert url.startswith(f"{live}/issuers/tcr/openid4vci/authorize?")
    asked = parse_qs(urlsplit(url).query)
    assert asked["code_challenge_method"] == ["S256"]
    assert asked["redirect_uri"] == ["https://dossier.example.test/openid4vci/callback"]
    assert "code_verifier" not in asked

    consent = client.get(local_path(url))  # the issuer's page, the learner signed in there
    assert consent.status_code == 200
    back = client.post(local_path(url).split("?")[0],
                       data={**form_of(consent), "answer": "give", "credential": awarded})
    assert back.status_code == 303
    landed = client.get(local_path(back.headers["Location"]))
    assert landed.status_code == 303, landed.get_data(as_text=True)
    credential_id = int(landed.headers["Location"].rsplit("/", 1)[1])
    shown = client.get(f"/api/v1/dossier/credentials/{credential_id}").get_json()
    assert shown["verification"]["status"] == "verified"
    # The state was used up.
    again = client.get(local_path(back.headers["Location"]))
    assert again.headers["Location"] == "/dossier/offer?failed=openid4vci-offer-gone"


def test_the_state_belongs_to_the_learner_who_started(app, live, client, awarded):
    url = client.post(START, json={"link": code_flow_offer(live)}).get_json()[
        "authorization_url"]
    state = parse_qs(urlsplit(url).query)["state"][0]
    other = app.test_client()
    sign_up(other, email="yusuf@example.nl", display_name="Yusuf", verified=True)
    stolen = other.get(f"/openid4vci/callback?state={state}&code=abc")
    assert stolen.headers["Location"] == "/dossier/offer?failed=openid4vci-offer-gone"
    with app.app_context():
        assert db.session.query(VciWalletFlow).count() == 1  # still Sanne's to finish
    refused = client.get(f"/openid4vci/callback?state={state}&error=access_denied")
    assert refused.headers["Location"] == "/dossier/offer?failed=openid4vci-issuer-refused"
    with app.app_context():
        assert db.session.query(VciWalletFlow).count() == 0
