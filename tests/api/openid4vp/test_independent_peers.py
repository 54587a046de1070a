"""Interop with peers written from the specification (tests/support_openid4vp.py): our
wallet answers an independent verifier, and an independent wallet answers our verifier."""
import json
import re
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.api.dossier.conftest import EMAIL
from tests.api.openid4vp.conftest import ELEKTRA, WALLET, ask
from tests.credentials_support import signed_di, signed_jwt
from tests.support_openid4vp import (
    SPEC_DCQL,
    SPEC_DCQL_JWT,
    Authority,
    MiniVerifier,
    MiniWallet,
)


@pytest.fixture
def mini_verifier(request):
    options = getattr(request, "param", {})
    verifier = MiniVerifier(**options)
    yield verifier
    verifier.stop()


def _answer(client, link: str, credential_id: int):
    opened = client.post(f"{WALLET}/requests", json={"link": link})
    assert opened.status_code == 200, opened.get_json()
    body = opened.get_json()
    assert credential_id in [c["credential_id"] for c in body["candidates"]]
    return body, client.post(f"{WALLET}/answers", json={
        "handle": body["handle"], "credential_ids": [credential_id], "consent": True})


@pytest.mark.parametrize("mini_verifier", [{"query": SPEC_DCQL}], indirect=True)
def test_our_wallet_answers_an_independent_verifier_with_data_integrity(
        client, dossier, mini_verifier):
    body, sent = _answer(client, mini_verifier.link(), dossier["png"])
    assert sent.status_code == 201, sent.get_json()
    assert body["verifier_host"] == ""  # a did:key says nothing about who it is
    (checked,) = mini_verifier.checked
    assert checked["format"] == "ldp_vc"
    vp = checked["presentation"]
    assert vp["verifiableCredential"][0]["name"] == ELEKTRA
    assert vp["proof"]["domain"] == mini_verifier.client_id


@pytest.mark.parametrize("mini_verifier", [{"query": SPEC_DCQL_JWT}], indirect=True)
def test_our_wallet_answers_an_independent_verifier_with_a_vp_jwt(
        client, dossier, mini_verifier):
    _body, sent = _answer(client, mini_verifier.link(), dossier["jwt"])
    assert sent.status_code == 201, sent.get_json()
    (checked,) = mini_verifier.checked
    assert checked["format"] == "jwt_vc_json"


@pytest.mark.parametrize("mini_verifier", [{"query": SPEC_DCQL, "scheme": "redirect_uri"}],
                         indirect=True)
def test_our_wallet_answers_a_redirect_uri_verifier_by_value(client, dossier, mini_verifier):
    body, sent = _answer(client, mini_verifier.link(), dossier["png"])
    assert sent.status_code == 201, sent.get_json()
    assert body["verifier_host"] == mini_verifier.response_uri.split("/")[2]
    assert mini_verifier.fetches == 0  # nothing fetched: the request was in the link
    assert len(mini_verifier.checked) == 1


def test_our_wallet_answers_an_x509_verifier_of_a_trusted_framework(app, client, dossier,
                                                                    tmp_path):
    authority = Authority()
    (tmp_path / "anchors.pem").write_bytes(authority.pem())
    app.config["OPENID4VP_X509_TRUST_ANCHORS"] = str(tmp_path / "anchors.pem")
    verifier = MiniVerifier(SPEC_DCQL, scheme="x509", authority=authority)
    try:
        body, sent = _answer(client, verifier.link(), dossier["png"])
        assert sent.status_code == 201, sent.get_json()
        assert body["verifier_host"] == "localhost"  # the certificate's DNS name
        assert body["client_id"] == "x509_san_dns:localhost"
        assert len(verifier.checked) == 1
    finally:
        verifier.stop()


def _request_of(employer, served, **form):
    page, link = ask(employer, **form)
    wallet = MiniWallet()
    return page, wallet, wallet.open(link)


def test_an_independent_wallet_answers_our_verifier_with_a_vp_jwt(employer, served):
    page, wallet, claims = _request_of(employer, served)
    assert claims["response_mode"] == "direct_post"
    assert claims["dcql_query"]["credentials"][1]["format"] == "jwt_vc_json"
    credential = signed_jwt(EMAIL)
    vp = wallet.vp_jwt([credential], nonce=claims["nonce"], audience=claims["client_id"])
    response = wallet.post(claims, {"badge_jwt": [vp]})
    assert response.status_code == 200, response.text
    assert response.json() == {}
    assert employer.get(page + "/status").get_json() == {"state": "verified"}
    html = employer.get(page, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert wallet.did in html


def test_an_independent_wallet_answers_our_verifier_with_data_integrity(employer, served):
    page, wallet, claims = _request_of(employer, served, achievement=ELEKTRA)
    vp = wallet.ldp_vp([signed_di(EMAIL)], nonce=claims["nonce"], audience=claims["client_id"])
    response = wallet.post(claims, {"badge_ldp": [vp]})
    assert response.status_code == 200, response.text
    assert employer.get(page + "/status").get_json() == {"state": "verified"}


AWARD_VCT = "urn:eigendossier:vct:mbo-award:1"


def _sd_jwt_answer(employer, served, **presentation):
    page, wallet, claims = _request_of(employer, served, achievement=ELEKTRA)
    issuer_jwt, disclosures = wallet.sd_jwt_vc(
        Ed25519PrivateKey.generate(),
        {"vct": AWARD_VCT, "iat": 1767225600, "achievement": {"name": ELEKTRA, "ec": 3}},
        {(): {"grade": "8,1"}, ("learner",): {"name": "Sanne de Vries"}})
    options = {"nonce": claims["nonce"], "audience": claims["client_id"], **presentation}
    shown = wallet.sd_jwt_presentation(issuer_jwt, [disclosures["name"]], **options)
    return page, wallet.post(claims, {"award_sd_jwt": [shown]})


def test_an_independent_wallet_answers_with_an_sd_jwt_vc_and_withholds_the_grade(employer,
                                                                                 served):
    page, response = _sd_jwt_answer(employer, served)
    assert response.status_code == 200, response.text
    assert employer.get(page + "/status").get_json() == {"state": "verified"}
    html = employer.get(page, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Sanne de Vries" in html
    assert "8,1" not in html
    assert "Asked for but not shared: grade." in html


@pytest.mark.parametrize("presentation", [
    {"nonce": "another-request"}, {"audience": "decentralized_identifier:did:web:elsewhere"},
    {"key_binding": False}])
def test_an_sd_jwt_vc_not_bound_to_this_request_is_refused(employer, served, presentation):
    page, response = _sd_jwt_answer(employer, served, **presentation)
    assert response.status_code == 400, response.text
    assert employer.get(page + "/status").get_json() == {"state": "waiting"}


def test_the_request_object_is_what_the_specification_describes(employer, served):
    _page, _wallet, claims = _request_of(employer, served, achievement=ELEKTRA)
    assert claims["response_type"] == "vp_token"
    assert claims["client_id"].startswith("decentralized_identifier:did:web:")
    assert claims["response_uri"].startswith(served + "/openid4vp/responses/")
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", claims["nonce"])
    assert claims["aud"] == "https://self-issued.me/v2"
    assert claims["exp"] > claims["iat"]
    ldp, jwt, sd = claims["dcql_query"]["credentials"]
    assert (ldp["format"], jwt["format"], sd["format"]) == ("ldp_vc", "jwt_vc_json", "dc+sd-jwt")
    assert ldp["claims"] == jwt["claims"] == [{
        "path": ["credentialSubject", "achievement", "name"], "values": [ELEKTRA]}]
    assert sd["meta"] == {"vct_values": [AWARD_VCT]}
    assert sd["claims"][0] == {"id": "achievement", "path": ["achievement", "name"],
                               "values": [ELEKTRA]}
    assert sd["claim_sets"][0] == ["achievement", "learner_name", "grade"]
    assert claims["dcql_query"]["credential_sets"] == [{"options": [
        ["badge_ldp"], ["badge_jwt"], ["award_sd_jwt"]]}]
    assert "ldp_vc" in json.dumps(claims["client_metadata"]["vp_formats_supported"])


# The specification's example requests by value (section 5 and 8.2), the DCQL adapted to a
# W3C credential. Only reading them: answering would post to client.example.org.
SPEC_DIRECT_POST = (
    "openid4vp://?response_type=vp_token&response_mode=direct_post"
    "&client_id=redirect_uri%3Ahttps%3A%2F%2Fclient.example.org%2Fpost"
    "&response_uri=https%3A%2F%2Fclient.example.org%2Fpost"
    "&dcql_query=" + quote(json.dumps(SPEC_DCQL)) + "&nonce=n-0S6_WzA2Mj&state=eyJhb")
SPEC_FRAGMENT = (
    "openid4vp://?response_type=vp_token"
    "&client_id=redirect_uri%3Ahttps%3A%2F%2Fclient.example.org%2Fcb"
    "&redirect_uri=https%3A%2F%2Fclient.example.org%2Fcb"
    "&dcql_query=" + quote(json.dumps(SPEC_DCQL)) + "&nonce=n-0S6_WzA2Mj")


def test_the_specifications_direct_post_request_reads(client, dossier):
    opened = client.post(f"{WALLET}/requests", json={"link": SPEC_DIRECT_POST})
    assert opened.status_code == 200, opened.get_json()
    body = opened.get_json()
    assert body["verifier_host"] == body["response_host"] == "client.example.org"
    assert [c["credential_id"] for c in body["candidates"]] == [dossier["png"]]


def test_the_specifications_fragment_request_is_refused_plainly(client, dossier):
    opened = client.post(f"{WALLET}/requests", json={"link": SPEC_FRAGMENT})
    assert opened.status_code == 422
    assert "redirect_uri" in opened.get_json()["detail"]  # a parameter we do not take
