"""Every request from outside is hostile. Our verifier refuses a wrong answer (unknown fields,
replayed, for another audience or nonce, badly signed, too large, for an expired request) with
a problem document and keeps nothing; our wallet refuses a wrong request (at a private
address, badly signed, untyped, with unknown parameters, too large, expired, of a client id
prefix it cannot check) before showing it, and sends nothing."""
from datetime import timedelta
from urllib.parse import quote

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.openid4vp.models import PresentationRequest
from tests.api.dossier.conftest import EMAIL
from tests.api.openid4vp.conftest import SETTINGS, WALLET, ask, stored
from tests.credentials_support import signed_jwt
from tests.support import assert_problem, sign_up
from tests.support_openid4vp import (
    SPEC_DCQL,
    Authority,
    MiniVerifier,
    MiniWallet,
    read_jws,
    sign_jws,
)

# -- our verifier -------------------------------------------------------------------------------


@pytest.fixture
def asked(employer, served):
    """An open request of ours, opened by an independent wallet: (page, wallet, claims)."""
    page, link = ask(employer)
    wallet = MiniWallet()
    return page, wallet, wallet.open(link)


def _vp(wallet, claims, **changes):
    options = {"nonce": claims["nonce"], "audience": claims["client_id"], **changes}
    return wallet.vp_jwt([signed_jwt(EMAIL)], **options)


def _refused(response, status, slug):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["type"].endswith("/" + slug)


def _still_waiting(app, employer, page):
    assert employer.get(page + "/status").get_json() == {"state": "waiting"}
    assert stored(app)["answered"] == 0


@pytest.mark.parametrize(("change", "extra"), [
    ({"audience": "decentralized_identifier:did:web:elsewhere.example"}, {}),
    ({"nonce": "a-nonce-of-another-request"}, {}),
    ({}, {"presentation_submission": "{}"}),  # an unknown field (a draft's)
    ({}, {"state": "another-state"}),
], ids=["wrong-audience", "wrong-nonce", "unknown-field", "wrong-state"])
def test_a_wrong_answer_is_refused_and_nothing_kept(app, employer, asked, change, extra):
    page, wallet, claims = asked
    response = wallet.post(claims, {"badge_jwt": [_vp(wallet, claims, **change)]}, **extra)
    _refused(response, 400, "vp-answer-refused")
    _still_waiting(app, employer, page)
    # the right answer is still taken afterwards
    assert wallet.post(claims, {"badge_jwt": [_vp(wallet, claims)]}).status_code == 200


def test_a_presentation_signed_by_another_key_is_refused(app, employer, asked):
    page, wallet, claims = asked
    header, payload, _signed, _signature = read_jws(_vp(wallet, claims))
    forged = sign_jws(header, payload, Ed25519PrivateKey.generate())  # kid still the wallet's
    _refused(wallet.post(claims, {"badge_jwt": [forged]}), 400, "vp-answer-refused")
    _still_waiting(app, employer, page)


@pytest.mark.parametrize("token", [
    "not json", "[]", '{"badge_jwt": []}', '{"something_else": ["x"]}',
    '{"badge_jwt": ["not.a.jwt"]}', '{"badge_ldp": [{"type": "VerifiablePresentation"}]}',
])
def test_a_vp_token_of_the_wrong_shape_is_refused(app, employer, asked, token):
    page, _wallet, claims = asked
    response = requests.post(claims["response_uri"],
                             data={"vp_token": token, "state": claims["state"]}, timeout=10)
    _refused(response, 400, "vp-answer-refused")
    _still_waiting(app, employer, page)


def test_an_answer_as_json_is_refused(app, employer, asked):
    page, wallet, claims = asked
    response = requests.post(claims["response_uri"], timeout=10, json={
        "vp_token": {"badge_jwt": [_vp(wallet, claims)]}, "state": claims["state"]})
    _refused(response, 400, "vp-answer-refused")
    _still_waiting(app, employer, page)


@pytest.mark.both_databases
def test_an_answer_is_taken_once_and_a_replay_is_refused(app, employer, asked):
    page, wallet, claims = asked
    vp_token = {"badge_jwt": [_vp(wallet, claims)]}
    assert wallet.post(claims, vp_token).status_code == 200
    _refused(wallet.post(claims, vp_token), 409, "vp-request-answered")
    assert employer.get(page + "/status").get_json() == {"state": "verified"}


def test_an_expired_request_is_neither_served_nor_answered(app, employer, asked):
    page, wallet, claims = asked
    with app.app_context():
        db.session.execute(db.update(PresentationRequest).values(
            expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    request_uri = claims["response_uri"].replace("/responses/", "/requests/")
    _refused(requests.get(request_uri, timeout=5), 410, "vp-request-expired")
    _refused(wallet.post(claims, {"badge_jwt": [_vp(wallet, claims)]}), 410,
             "vp-request-expired")
    assert employer.get(page + "/status").get_json() == {"state": "expired"}


def test_an_oversized_answer_is_refused(app, employer, asked):
    page, wallet, claims = asked
    app.config["OPENID4VP_MAX_ANSWER_BYTES"] = 2000
    _refused(wallet.post(claims, {"badge_jwt": [_vp(wallet, claims)]}), 400,
             "vp-answer-refused")
    _still_waiting(app, employer, page)


def test_an_unknown_request_is_a_problem(served):
    _refused(requests.get(served + "/openid4vp/requests/nothing-here", timeout=5), 404,
             "vp-request-unknown")
    _refused(requests.post(served + "/openid4vp/responses/nothing-here",
                           data={"vp_token": "{}"}, timeout=5), 404, "vp-request-unknown")


def test_a_credential_that_is_not_what_was_asked_is_refused(app, employer, served):
    page, link = ask(employer, achievement="Lassen")
    wallet = MiniWallet()
    claims = wallet.open(link)
    vp = wallet.vp_jwt([signed_jwt(EMAIL)], nonce=claims["nonce"], audience=claims["client_id"])
    _refused(wallet.post(claims, {"badge_jwt": [vp]}), 400, "vp-answer-refused")
    _still_waiting(app, employer, page)


# -- our wallet ----------------------------------------------------------------------------------


@pytest.fixture
def hostile(request):
    verifier = MiniVerifier(**{"query": SPEC_DCQL, **getattr(request, "param", {})})
    yield verifier
    verifier.stop()


def _open(client, link):
    return client.post(f"{WALLET}/requests", json={"link": link})


@pytest.mark.parametrize(("hostile", "slug"), [
    ({"sign_with": Ed25519PrivateKey.generate()}, "vp-request-refused"),
    ({"typ": "JWT"}, "vp-request-refused"),
    ({"extra_claims": {"transaction_data": ["e30"]}}, "vp-request-refused"),
    ({"extra_claims": {"response_mode": "fragment"}}, "vp-request-refused"),
    ({"extra_claims": {"dcql_query": {"credentials": [{"id": "x", "format": "mso_mdoc",
                                                       "meta": {}}]}}}, "vp-request-refused"),
    ({"expires_in": -60}, "vp-request-refused"),
    ({"padding": 70_000}, "vp-request-unreachable"),
], indirect=["hostile"], ids=["bad-signature", "untyped", "unknown-claim", "response-mode",
                              "unknown-format", "expired", "oversized"])
def test_a_hostile_request_is_refused_before_it_is_shown(app, client, dossier, hostile, slug):
    response = _open(client, hostile.link())
    assert_problem(response, 422 if slug == "vp-request-refused" else 502, slug)
    assert hostile.answers == []
    assert stored(app)["sent"] == 0


BY_VALUE = ("openid4vp://?client_id=redirect_uri:https://e.x/a&response_type=vp_token"
            "&response_mode=direct_post&response_uri=https://e.x/a&nonce=n&dcql_query=")


@pytest.mark.parametrize("link", [
    "https://example.com/?client_id=x&request_uri=https://example.com/r",
    "openid4vp://?client_id=decentralized_identifier:did:key:z6Mk&request_uri=https://e.x/r"
    "&presentation_definition=%7B%7D",
    "openid4vp://?client_id=x509_san_dns:example.com&response_type=vp_token",
    "openid4vp://?client_id=a&client_id=b&request_uri=https://e.x/r",
    "openid4vp://?client_id=decentralized_identifier:did:key:z6Mk&request_uri=https://e.x/r"
    "&request_uri_method=post",
    # a query in the link itself goes through the strict JSON parser: no 500 on deep nesting,
    # no silent choice between a key given twice
    BY_VALUE + quote("[" * 1200 + "]" * 1200),
    BY_VALUE + quote('{"credentials": [], "credentials": [{"id": "x"}]}'),
], ids=["not-openid4vp", "unknown-parameter", "unsigned-x509", "repeated", "post-method",
        "query-nested-deep", "query-key-twice"])
def test_a_link_we_cannot_read_is_refused(client, learner, link):
    assert_problem(_open(client, link), 422, "vp-request-refused")


@pytest.mark.parametrize("case", ["no-anchors", "other-authority", "answer-elsewhere"])
def test_an_x509_verifier_needs_a_trusted_chain_naming_where_the_answer_goes(
        app, client, learner, tmp_path, case):
    trusted, other = Authority(), Authority("Someone else")
    if case != "no-anchors":
        (tmp_path / "anchors.pem").write_bytes(trusted.pem())
        app.config["OPENID4VP_X509_TRUST_ANCHORS"] = str(tmp_path / "anchors.pem")
    verifier = MiniVerifier(SPEC_DCQL, scheme="x509",
                            authority=other if case == "other-authority" else trusted)
    if case == "answer-elsewhere":
        verifier.response_uri = verifier.response_uri.replace("localhost", "127.0.0.1")
    try:
        response = _open(client, verifier.link())
        assert_problem(response, 422, "vp-request-refused")
        detail = response.get_json()["detail"]
        expected = {"no-anchors": "no trust anchors", "other-authority": "does not hold",
                    "answer-elsewhere": "andere host"}[case]
        assert expected in detail, detail
        assert verifier.answers == []
    finally:
        verifier.stop()


def test_a_client_id_other_than_the_links_is_refused(client, learner, hostile):
    hostile.extra["client_id"] = "decentralized_identifier:did:key:z6MkOther"
    assert_problem(_open(client, hostile.link()), 422, "vp-request-refused")


@pytest.mark.parametrize("app_settings", [{**SETTINGS, "OUTBOUND_ALLOW_PRIVATE": False}],
                         indirect=True)
def test_a_request_uri_at_a_private_address_is_never_fetched(client, learner, hostile):
    response = _open(client, hostile.link())
    assert_problem(response, 502, "vp-request-unreachable")
    assert "address not allowed" in response.get_json()["detail"]
    assert hostile.fetches == 0


def test_an_answer_needs_consent_a_fresh_handle_and_own_credentials(
        app, client, dossier, hostile):
    body = _open(client, hostile.link()).get_json()
    answer = {"handle": body["handle"], "credential_ids": [dossier["png"]], "consent": True}
    assert_problem(client.post(f"{WALLET}/answers", json={**answer, "consent": False}), 422,
                   "validation")
    assert_problem(client.post(f"{WALLET}/answers", json={**answer, "handle": "x" + answer[
        "handle"]}), 410, "vp-handle-expired")
    assert_problem(client.post(f"{WALLET}/answers", json={**answer, "credential_ids": [
        dossier["jwt"]]}), 422, "validation")  # not what was asked (ldp_vc only)
    other = app.test_client()
    sign_up(other, email="joost@example.nl", verified=True)
    assert_problem(other.post(f"{WALLET}/answers", json=answer), 410, "vp-handle-expired")
    assert_problem(client.post(f"{WALLET}/answers", json={**answer, "credential_ids": [999]}),
                   404, "not-found")
    assert hostile.answers == []
    assert stored(app) == {"answered": 0, "sent": 0, "audit": 0}
    assert other.get(f"{WALLET}/presentations").get_json() == []


def test_a_verifier_that_refuses_the_answer_leaves_nothing_behind(app, client, dossier, hostile):
    body = _open(client, hostile.link()).get_json()
    hostile.nonce = "changed-after-the-request"  # so its check of our answer fails
    response = client.post(f"{WALLET}/answers", json={
        "handle": body["handle"], "credential_ids": [dossier["png"]], "consent": True})
    assert_problem(response, 502, "vp-verifier-refused")
    assert stored(app)["sent"] == 0
    assert client.get(f"{WALLET}/presentations").get_json() == []


@pytest.mark.parametrize("app_settings", [{**SETTINGS, "OUTBOUND_ALLOW_PRIVATE": False}],
                         indirect=True)
def test_an_answer_is_never_posted_to_a_private_address(app, client, dossier):
    """A redirect_uri request comes in the link (nothing fetched): the answer is the first
    contact, and the guarded client refuses it too."""
    verifier = MiniVerifier(SPEC_DCQL, scheme="redirect_uri")
    try:
        body = _open(client, verifier.link()).get_json()
        response = client.post(f"{WALLET}/answers", json={
            "handle": body["handle"], "credential_ids": [dossier["png"]], "consent": True})
        assert_problem(response, 502, "vp-verifier-refused")
        assert "address not allowed" in response.get_json()["detail"]
        assert verifier.answers == []
        assert stored(app)["sent"] == 0
    finally:
        verifier.stop()


def test_the_employers_form_refuses_an_overlong_achievement_and_stores_nothing(app, employer):
    response = employer.post("/verify", data={"achievement": "x" * 201},
                             headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.get_json()["errors"]["achievement"] == ["Te lang."]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(PresentationRequest.id))) == 0
