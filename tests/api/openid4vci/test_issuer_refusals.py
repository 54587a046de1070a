"""Every request to the issuer's endpoints is hostile until checked: replayed codes and
nonces, a wrong audience, expired offers, wrong transaction codes (a few tries only), stale
or foreign proofs. Each is refused with the specification's error code and a problem type,
and leaves nothing behind: no token, no credential, the offer and nonce as they were."""
import time
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.openid4vci.models import VciAccessToken, VciNonce, VciOffer
from tests.api.openid4vci.conftest import offer_for, tx_code_mailed
from tests.support_openid4vci import PRE_AUTH, did_key, sign_jwt

BASE = "/issuers/tcr/openid4vci"


def code_of(offer: dict) -> str:
    uri = parse_qs(urlsplit(offer["offer_uri"]).query)["credential_offer_uri"][0]
    return unquote(uri).rsplit("/", 1)[1]


def token(client, code, tx_code=None, **extra):
    form = {"grant_type": PRE_AUTH, "pre-authorized_code": code, **extra}
    if tx_code is not None:
        form["tx_code"] = tx_code
    return client.post(f"{BASE}/token", data=form)


def nonce(client) -> str:
    answer = client.post(f"{BASE}/nonce")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    return answer.get_json()["c_nonce"]


def proof(aud, c_nonce, *, key=None, iat=None, typ="openid4vci-proof+jwt"):
    key = key or Ed25519PrivateKey.generate()
    did = did_key(key.public_key())
    claims = {"aud": aud, "iat": int(time.time()) if iat is None else iat}
    if c_nonce is not None:
        claims["nonce"] = c_nonce
    return sign_jwt({"typ": typ, "alg": "EdDSA", "kid": f"{did}#{did[8:]}"}, claims, key)


def credential(client, access_token, jwt, config="OpenBadgeCredential_ldp_vc", **extra):
    return client.post(f"{BASE}/credential", headers={"Authorization": f"Bearer {access_token}"},
                       json={"credential_configuration_id": config,
                             "proofs": {"jwt": [jwt]}, **extra})


def refused(response, error, status=400):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"] == error
    assert response.headers["Cache-Control"].startswith("no-store")
    if "type" in body:  # our credential endpoint also names a problem type
        assert body["type"].startswith("https://eigendossier.nl/problems/openid4vci-")
        assert body["title"]
    return body


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.query(VciAccessToken).count(), db.session.query(VciNonce).count())


@pytest.fixture
def offered(staff, awarded, app, mailbox):
    offer = offer_for(staff, awarded)
    return code_of(offer), tx_code_mailed(app, mailbox)


def test_a_pre_authorized_code_is_redeemed_once(client, offered, app):
    code, tx = offered
    assert token(client, code, tx).status_code == 200
    refused(token(client, code, tx), "invalid_grant")
    assert counts(app)[0] == 1


def test_the_transaction_code_is_required_and_guessing_it_ends_the_offer(client, offered, app):
    code, tx = offered
    refused(token(client, code), "invalid_request")
    wrong = "000000" if tx != "000000" else "111111"
    for _ in range(5):
        refused(token(client, code, wrong), "invalid_grant")
    refused(token(client, code, tx), "invalid_grant")  # the right one, too late
    assert counts(app)[0] == 0
    assert client.get(f"{BASE}/offers/{code}").status_code == 404


def test_an_offer_without_a_transaction_code_refuses_one(client, staff, awarded):
    code = code_of(offer_for(staff, awarded, tx_code=False))
    refused(token(client, code, "123456"), "invalid_request")
    assert token(client, code).status_code == 200


def test_an_expired_offer_is_gone(client, offered, app):
    code, tx = offered
    with app.app_context():
        db.session.execute(db.update(VciOffer).values(expires_at=utcnow() - timedelta(1)))
        db.session.commit()
    assert client.get(f"{BASE}/offers/{code}").status_code == 404
    refused(token(client, code, tx), "invalid_grant")


def test_a_nonce_is_used_once_and_a_wrong_audience_spends_nothing(client, staff, awarded, app,
                                                                  aud, mailbox):
    first = token(client, code_of(offer_for(staff, awarded, tx_code=False))).get_json()
    second = token(client, code_of(offer_for(staff, awarded, tx_code=False))).get_json()
    key, c_nonce = Ed25519PrivateKey.generate(), nonce(client)

    refused(credential(client, first["access_token"], proof("https://other.example", c_nonce,
                                                            key=key)), "invalid_proof")
    assert counts(app)[1] == 1  # the nonce is still there
    replayable = proof(aud, c_nonce, key=key)
    assert credential(client, first["access_token"], replayable).status_code == 200
    refused(credential(client, second["access_token"], replayable), "invalid_nonce")
    refused(credential(client, second["access_token"], proof(aud, "made-up")), "invalid_nonce")
    refused(credential(client, second["access_token"], proof(aud, None)), "invalid_nonce")
    # The second token was not spent by those refusals.
    assert credential(client, second["access_token"],
                      proof(aud, nonce(client))).status_code == 200


def test_proofs_that_do_not_hold_are_refused_and_spend_nothing(client, staff, awarded, aud):
    access = token(client, code_of(offer_for(staff, awarded, tx_code=False))).get_json()
    c_nonce, key = nonce(client), Ed25519PrivateKey.generate()
    bad = {
        "typ": proof(aud, c_nonce, typ="JWT"),
        "stale": proof(aud, c_nonce, iat=int(time.time()) - 3600),
        "future": proof(aud, c_nonce, iat=int(time.time()) + 3600),
        "private_jwk": sign_jwt(
            {"typ": "openid4vci-proof+jwt", "alg": "EdDSA",
             "jwk": {"kty": "OKP", "crv": "Ed25519", "x": "A" * 43, "d": "B" * 43}},
            {"aud": aud, "iat": int(time.time()), "nonce": c_nonce}, key),
        "alg_none": "eyJ0eXAiOiJvcGVuaWQ0dmNpLXByb29mK2p3dCIsImFsZyI6Im5vbmUifQ.eyJhdWQiOiJ4In0.",
        "garbage": "not.a.jwt",
    }
    for name, jwt in bad.items():
        body = refused(credential(client, access["access_token"], jwt), "invalid_proof")
        assert body["error_description"], name
    # The token and the nonce are still good for a proper proof.
    assert credential(client, access["access_token"], proof(aud, c_nonce)).status_code == 200


def test_requests_without_a_token_or_for_unknown_configurations_are_refused(client, staff,
                                                                           awarded, aud, app):
    access = token(client, code_of(offer_for(staff, awarded, tx_code=False))).get_json()
    good = proof(aud, nonce(client))
    refused(credential(client, "made-up", good), "invalid_token", 401)
    refused(client.post(f"{BASE}/credential", json={}), "invalid_token", 401)
    refused(credential(client, access["access_token"], good, config="Passport"),
            "unknown_credential_configuration")
    refused(client.post(f"{BASE}/credential", data="x", content_type="text/plain",
                        headers={"Authorization": "Bearer " + access["access_token"]}),
            "invalid_credential_request")
    # Unknown members are ignored, as the specification says.
    answer = credential(client, access["access_token"], good, a_future_member={"x": 1})
    assert answer.status_code == 200, answer.get_json()
    refused(credential(client, access["access_token"], proof(aud, nonce(client))),
            "invalid_token", 401)  # one credential per token


def test_a_revoked_award_is_not_offered_nor_delivered(client, staff, awarded, aud):
    access = token(client, code_of(offer_for(staff, awarded, tx_code=False))).get_json()
    revoked = staff.post(f"/api/v1/issuing/tcr/credentials/{awarded}/revoke",
                         json={"reason": "fraud"})
    assert revoked.status_code == 200
    refused(credential(client, access["access_token"], proof(aud, nonce(client))),
            "credential_request_denied")
    again = staff.post(f"/api/v1/issuing/tcr/credentials/{awarded}/offer", json={})
    assert again.status_code == 409


def test_only_the_institutions_staff_offer(app, client, staff, awarded, runner):
    assert client.post(f"/api/v1/issuing/tcr/credentials/{awarded}/offer",
                       json={}).status_code in (403, 404)
    result = runner.invoke(args=["accounts", "create-staff", "--email", "docent@zao.nl",
                                 "--name", "Els", "--institution", "zao",
                                 "--password", "correct horse battery"])
    assert result.exit_code == 0, result.output
    other = app.test_client()
    other.post("/api/v1/session", json={"email": "docent@zao.nl",
                                        "password": "correct horse battery"})
    assert other.post(f"/api/v1/issuing/zao/credentials/{awarded}/offer",
                      json={}).status_code in (404, 409)
    assert other.post(f"/api/v1/issuing/tcr/credentials/{awarded}/offer",
                      json={}).status_code == 404
    assert staff.post("/api/v1/issuing/tcr/credentials/9999/offer", json={}).status_code == 404
    assert staff.post(f"/api/v1/issuing/tcr/credentials/{awarded}/offer",
                      json={"tx_code": True, "extra": 1}).status_code == 422
