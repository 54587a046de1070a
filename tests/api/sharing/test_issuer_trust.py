"""Whether a credential's issuer is in the installation's signed list of trusted issuers,
as the learner's credential detail and the employer's share page show it; an unknown issuer
is said plainly, and a list that fails its signature is ignored without breaking either."""
import html
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from eigendossier.dossier import trust
from tests.api.sharing.conftest import BROWSER, EMAIL, OPEN_OUTBOUND, make_share, path_of
from tests.credentials_support import signed_di

CREDENTIALS = "/api/v1/dossier/credentials"
EN = {**BROWSER, "Accept-Language": "en-GB,en;q=0.9"}
KEY = ed25519.Ed25519PrivateKey.generate()
LIST = {"name": "Lijst van MBO Test", "expires": "2099-01-01T00:00:00Z",
        "issuers": [{"name": "ROC Test", "kind": "mbo", "dids": [],
                     "origins": ["https://www.roc-test.example"]},
                    {"name": "Branche Academie", "kind": "trusted",
                     "dids": ["did:web:academie.example"], "origins": []}]}


@pytest.fixture
def app_settings(request, tmp_path):
    """The list signed by KEY; parametrize indirectly with another signing key."""
    path = tmp_path / "trusted.jws"
    path.write_text(trust.sign_list(LIST, getattr(request, "param", KEY)))
    return {**OPEN_OUTBOUND, "TRUSTED_ISSUERS_LIST": str(path),
            "TRUSTED_ISSUERS_PUBLIC_KEY": trust.public_key_text(KEY)}


def add(client, **options) -> dict:
    response = client.post(CREDENTIALS, json={"text": json.dumps(signed_di(EMAIL, **options))})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_the_credential_detail_says_whether_the_issuer_is_known(client, learner):
    known = add(client, issuer_name="ROC Test", issuer_url="https://www.roc-test.example/over")
    assert known["issuer_trust"] == {"status": "mbo", "name": "ROC Test",
                                     "list": "Lijst van MBO Test",
                                     "label": "Bekende mbo-instelling"}
    stranger = add(client, name="Iets anders", issuer_name="Cursus BV",
                   issuer_url="https://cursus.example")
    detail = client.get(f"{CREDENTIALS}/{stranger['id']}").get_json()
    assert detail["issuer_trust"]["status"] == "unknown"
    assert detail["issuer_trust"]["label"] == (
        "Onbekende uitgever: niet in de lijst van Lijst van MBO Test")
    listed = {c["id"]: c["issuer_trust"]["status"] for c in client.get(CREDENTIALS).get_json()}
    assert listed == {known["id"]: "mbo", stranger["id"]: "unknown"}


def test_the_share_page_shows_it_in_dutch_and_english(client, learner, app):
    known = add(client, issuer_name="ROC Test", issuer_url="https://www.roc-test.example")
    stranger = add(client, name="Iets anders", issuer_name="Cursus BV",
                   issuer_url="https://cursus.example")
    share = make_share(client, [known["id"], stranger["id"]])
    employer = app.test_client()
    page = html.unescape(employer.get(path_of(share), headers=BROWSER).get_data(as_text=True))
    assert "Bekende mbo-instelling" in page
    assert "Onbekende uitgever: niet in de lijst van Lijst van MBO Test" in page
    page = html.unescape(employer.get(path_of(share), headers=EN).get_data(as_text=True))
    assert "Known mbo institution" in page
    assert "Unknown issuer: not in the list of Lijst van MBO Test" in page


@pytest.mark.parametrize("app_settings", [ed25519.Ed25519PrivateKey.generate()],
                         indirect=True)
def test_a_list_with_a_bad_signature_is_ignored(client, learner, app, caplog):
    known = add(client, issuer_name="ROC Test", issuer_url="https://www.roc-test.example")
    assert known["issuer_trust"]["status"] == "unknown"
    assert known["issuer_trust"]["label"] == (
        "Onbekende uitgever: er is geen geldige lijst van vertrouwde uitgevers")
    share = make_share(client, [known["id"]])
    response = app.test_client().get(path_of(share), headers=BROWSER)
    assert response.status_code == 200
    assert "geen geldige lijst" in html.unescape(response.get_data(as_text=True))
    logged = caplog.get_records("setup") + caplog.get_records("call")
    assert any("signature does not match" in record.getMessage() for record in logged), \
        "a warning at start-up"
