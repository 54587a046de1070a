"""The authorization code flow with PKCE at our issuer, driven as a wallet would: the signed-in
learner sees which wallet asks and gives one of their awards; the code works once, for that
client, redirect URI and verifier only. Refusals write nothing."""
import base64
import hashlib
import html
import re
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest

from eigendossier.core.extensions import db
from eigendossier.openid4vci.models import AUTHORIZATION_CODE, VciOffer
from tests.api.openid4vci.test_issuer_refusals import PRE_AUTH, credential, nonce, proof
from tests.support import assert_problem, sign_up

BASE = "/issuers/tcr/openid4vci"
WALLET = "https://wallet.example.org/callback"


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def ask(client, challenge, **changes):
    params = {"response_type": "code", "client_id": "peer-wallet", "redirect_uri": WALLET,
              "code_challenge": challenge, "code_challenge_method": "S256",
              "scope": "OpenBadgeCredential", "state": "s-1", **changes}
    return client.get(f"{BASE}/authorize", query_string=params)


def form_of(page) -> dict:
    text = page.get_data(as_text=True)
    return {name: html.unescape(value) for name, value in
            re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', text)}


def give(client, page, issued_id, **changes):
    return client.post(f"{BASE}/authorize", data={**form_of(page), "answer": "give",
                                                  "credential": str(issued_id), **changes})


def code_of(answer) -> str:
    assert answer.status_code == 303, answer.get_data(as_text=True)
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    return query["code"][0]


def exchange(client, code, verifier, **changes):
    return client.post(f"{BASE}/token", data={
        "grant_type": "authorization_code", "code": code, "client_id": "peer-wallet",
        "redirect_uri": WALLET, "code_verifier": verifier, **changes})


def test_a_learner_gives_an_award_to_a_wallet_that_proves_its_verifier(client, awarded, aud,
                                                                      app):
    verifier, challenge = pkce()
    page = ask(client, challenge)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "wallet.example.org" in text
    assert "Techniek College Rijnmond" in text
    assert "form-action 'self' https://wallet.example.org" in \
        page.headers["Content-Security-Policy"]

    answer = give(client, page, awarded)
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == WALLET
    query = parse_qs(location.query)
    assert query["state"] == ["s-1"]
    assert query["iss"] == [aud]
    code = code_of(answer)

    token = exchange(client, code, verifier)
    assert token.status_code == 200, token.get_json()
    issued = credential(client, token.get_json()["access_token"], proof(aud, nonce(client)))
    assert issued.status_code == 200, issued.get_json()
    subject = issued.get_json()["credentials"][0]["credential"]["credentialSubject"]
    assert subject["id"].startswith("did:key:z6Mk")
    # Once only, and never as a pre-authorized code.
    assert exchange(client, code, verifier).get_json()["error"] == "invalid_grant"
    assert client.post(f"{BASE}/token", data={"grant_type": PRE_AUTH, "pre-authorized_code":
                                              code}).get_json()["error"] == "invalid_grant"


@pytest.mark.parametrize("change", [{"code_verifier": "x" * 50}, {"client_id": "other"},
                                    {"redirect_uri": "https://evil.example/cb"},
                                    {"code_verifier": ""}])
def test_the_code_is_bound_to_client_redirect_and_verifier(client, awarded, change):
    verifier, challenge = pkce()
    code = code_of(give(client, ask(client, challenge), awarded))
    refused = exchange(client, code, verifier, **change)
    assert refused.status_code == 400
    assert refused.get_json()["error"] in ("invalid_grant", "invalid_request")
    assert exchange(client, code, verifier).status_code == 200  # still the wallet's


@pytest.mark.parametrize("change", [{"code_challenge_method": "plain"}, {"code_challenge": ""},
                                    {"redirect_uri": "javascript:alert(1)"},
                                    {"redirect_uri": "http://wallet.example.org/cb"},
                                    {"response_type": "token"}, {"scope": "email"}])
def test_requests_a_wallet_may_not_make_are_refused(client, learner, change):
    _, challenge = pkce()
    assert_problem(ask(client, challenge, **change), 400, "openid4vci-authorization-invalid")


def test_a_changed_or_foreign_consent_gives_nothing(app, client, awarded):
    _, challenge = pkce()
    page = ask(client, challenge)
    forged = give(client, page, awarded, redirect_uri="https://evil.example/cb")
    assert_problem(forged, 400, "openid4vci-authorization-invalid")
    other = app.test_client()
    sign_up(other, email="yusuf@example.nl", display_name="Yusuf", verified=True)
    theirs = give(other, ask(other, challenge), awarded)  # Sanne's award, Yusuf's form
    assert_problem(theirs, 400, "openid4vci-authorization-invalid")
    with app.app_context():
        assert db.session.query(VciOffer).filter_by(flow=AUTHORIZATION_CODE).count() == 0


def test_refusing_tells_the_wallet_and_strangers_are_asked_to_sign_in(app, client, awarded):
    _, challenge = pkce()
    answer = client.post(f"{BASE}/authorize", data={**form_of(ask(client, challenge)),
                                                   "answer": "refuse"})
    assert answer.status_code == 303
    assert parse_qs(urlsplit(answer.headers["Location"]).query) == {
        "error": ["access_denied"], "state": ["s-1"]}
    stranger = app.test_client()
    page = ask(stranger, challenge)
    assert page.status_code == 200
    assert form_of(page) == {}
    assert stranger.post(f"{BASE}/authorize", data={"answer": "give"}).status_code in (400, 401)
