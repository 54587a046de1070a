"""Our wallet against an independent minimal issuer written from the specification
(tests/support_openid4vci.py): offers by value and by reference, a transaction code, a
nonce, and a key proof the peer checks itself. Hostile issuers and links are refused with a
problem document and nothing is stored."""
import json
from urllib.parse import quote, urlsplit

import pytest
import requests

from tests.support import assert_problem
from tests.support_openid4vci import PeerIssuer

PREVIEW, ACCEPT = "/api/v1/openid4vci/offers/preview", "/api/v1/openid4vci/offers/accept"


def _count(client) -> int:
    return len(client.get("/api/v1/dossier/credentials").get_json())


@pytest.fixture
def peer():
    with PeerIssuer() as issuer:
        yield issuer


def test_an_offer_by_value_is_previewed_then_received_with_its_code(client, learner, peer):
    link = peer.link_by_value()
    preview = client.post(PREVIEW, json={"link": link})
    assert preview.status_code == 200, preview.get_json()
    shown = preview.get_json()
    assert shown["issuer"] == {"id": peer.url, "name": "Peer Academie"}
    assert shown["tx_code"] == {"input_mode": "numeric", "length": 6,
                                "description": "The code in the text message"}
    assert shown["credentials"] == [{"id": "Diploma_jwt", "name": "Diploma",
                                     "format": "jwt_vc_json", "supported": True}]
    assert peer.code is not None  # previewing redeems nothing

    accepted = client.post(ACCEPT, json={"link": link, "tx_code": peer.tx_code})
    assert accepted.status_code == 201, accepted.get_json()
    body = accepted.get_json()
    assert body["verification"]["status"] in ("verified", "verified_with_warnings")
    checks = {c["id"]: c["outcome"] for c in body["verification"]["checks"]}
    assert checks["proof"] == "pass"
    assert checks["recipient"] == "pass"  # bound to the learner's own holder key
    (header, claims), = peer.proofs
    assert header["typ"] == "openid4vci-proof+jwt"
    assert header["kid"].startswith("did:key:z6Mk")
    assert claims["aud"] == peer.url
    assert "iss" not in claims  # anonymous pre-authorized access


def test_an_offer_by_reference_is_fetched(client, learner, peer):
    accepted = client.post(ACCEPT, json={"link": peer.link_by_reference(),
                                         "tx_code": peer.tx_code})
    assert accepted.status_code == 201, accepted.get_json()
    assert "GET /offer" in peer.requests


def test_a_wrong_code_is_refused_and_nothing_is_stored(client, learner, peer):
    before = _count(client)
    refused = client.post(ACCEPT, json={"link": peer.link_by_value(), "tx_code": "000000"})
    body = assert_problem(refused, 422, "openid4vci-tx-code")
    assert "tx_code" in body["errors"]
    missing = client.post(ACCEPT, json={"link": peer.link_by_value()})
    assert_problem(missing, 422, "openid4vci-tx-code")
    assert _count(client) == before


def test_an_offer_pointing_at_a_private_address_is_never_fetched(app, client, learner, peer):
    app.config["OUTBOUND_ALLOW_PRIVATE"] = False
    app.extensions.pop("eigendossier.core.outbound", None)
    for link in (peer.link_by_reference(), peer.link_by_value(),
                 "openid-credential-offer://?credential_offer_uri=http%3A%2F%2Flocalhost%2Fo",
                 "openid-credential-offer://?credential_offer_uri=http%3A%2F%2F10.0.0.7%2Fo"):
        refused = client.post(PREVIEW, json={"link": link}, headers={"Accept-Language": "en"})
        assert_problem(refused, 422, "openid4vci-offer-invalid")
    assert peer.requests == []


@pytest.mark.parametrize("mode", ["big_metadata", "other_issuer"])
def test_oversized_or_foreign_metadata_is_refused(client, learner, mode):
    with PeerIssuer(mode) as peer:
        before = _count(client)
        refused = client.post(ACCEPT, json={"link": peer.link_by_value(),
                                            "tx_code": peer.tx_code})
        assert_problem(refused, 422, "openid4vci-offer-invalid")
        assert _count(client) == before
        assert not any(r.startswith("POST") for r in peer.requests)  # no code was spent


@pytest.mark.parametrize("link", [
    "https://example.org/not-an-offer",
    "openid-credential-offer://?credential_offer=%7Bnot%20json",
    "openid-credential-offer://?credential_offer=%7B%7D",
    "openid-credential-offer://?credential_offer=%5B%5D&credential_offer_uri=https%3A%2F%2Fa.b",
    'openid-credential-offer://?credential_offer={"credential_issuer":"ftp://x",'
    '"credential_configuration_ids":["a"]}',
])
def test_links_that_are_not_offers_are_refused(client, learner, link):
    assert_problem(client.post(PREVIEW, json={"link": link}), 422, "openid4vci-offer-invalid")


def test_unknown_fields_and_anonymous_callers_are_refused(client, learner, app):
    refused = client.post(PREVIEW, json={"link": "x", "extra": 1})
    assert_problem(refused, 422, "validation")
    anonymous = app.test_client()
    assert anonymous.post(PREVIEW, json={"link": "x"}).status_code in (401, 403)


def test_an_offer_for_the_authorization_code_flow_says_so(client, learner, peer):
    offer = {**peer.offer(), "grants": {"authorization_code": {"issuer_state": "abc"}}}
    link = "openid-credential-offer://?credential_offer=" + quote(json.dumps(offer))
    assert client.post(PREVIEW, json={"link": link}).get_json()["pre_authorized"] is False
    refused = client.post(ACCEPT, json={"link": link}, headers={"Accept-Language": "en"})
    assert_problem(refused, 422, "openid4vci-offer-invalid")
    assert not any(r.startswith("POST") for r in peer.requests)


def test_the_code_flow_with_an_independent_issuer(client, learner, peer):
    started = client.post("/api/v1/openid4vci/offers/authorize",
                          json={"link": peer.link_for_code_flow()})
    assert started.status_code == 200, started.get_json()
    url = started.get_json()["authorization_url"]
    sent_back = requests.get(url, allow_redirects=False, timeout=10)  # the learner's browser
    assert sent_back.status_code == 302
    (asked,) = peer.authorizations.values()
    assert asked["issuer_state"] == "st-1"
    assert "code_verifier" not in asked
    back = urlsplit(sent_back.headers["Location"])
    landed = client.get(f"{back.path}?{back.query}")
    assert landed.status_code == 303, landed.get_data(as_text=True)
    credential_id = landed.headers["Location"].rsplit("/", 1)[1]
    shown = client.get(f"/api/v1/dossier/credentials/{credential_id}").get_json()
    assert shown["verification"]["status"] in ("verified", "verified_with_warnings")
    (_header, claims), = peer.proofs
    assert claims["aud"] == peer.url


def test_an_answer_from_another_server_is_refused(client, learner, peer):
    url = client.post("/api/v1/openid4vci/offers/authorize",
                      json={"link": peer.link_for_code_flow()}).get_json()["authorization_url"]
    back = urlsplit(requests.get(url, allow_redirects=False, timeout=10).headers["Location"])
    mixed_up = back.query.replace("iss=", "iss=https%3A%2F%2Fattacker.example&x=")
    landed = client.get(f"{back.path}?{mixed_up}")
    assert landed.headers["Location"] == "/dossier/offer?failed=openid4vci-issuer-refused"
    assert not peer.proofs
