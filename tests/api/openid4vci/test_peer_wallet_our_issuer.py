"""Our issuer against an independent minimal wallet written from the specification
(tests/support_openid4vci.py), over HTTP, in both formats: the credential is bound to the
peer's did:key, and the VC-JWT's signature holds under the key the issuer's did:web
document publishes (read by the peer, not by our verifier)."""
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tests.api.openid4vci.conftest import offer_for, tx_code_mailed
from tests.support_openid4vci import peer_wallet_receive, read_jwt, unb58


def test_a_minimal_wallet_receives_the_award_as_jwt_vc_json(app, live, staff, awarded,
                                                             mailbox):
    offer = offer_for(staff, awarded)
    response, facts = peer_receive(offer, tx_code_mailed(app, mailbox),
                                   "OpenBadgeCredential_jwt_vc_json")
    assert facts["response"].status_code == 200, response
    assert facts["response"].headers["Cache-Control"] == "no-store"
    assert facts["token"].json()["token_type"] == "Bearer"
    jwt = response["credentials"][0]["credential"]
    header, claims, signed, signature = read_jwt(jwt)
    assert claims["credentialSubject"]["id"] == facts["did"]
    assert "OpenBadgeCredential" in claims["type"]
    # The issuer's did:web document, fetched as any verifier would.
    did = claims["issuer"]["id"]
    document = requests.get(f"{live}/issuers/tcr/did.json", timeout=10).json()
    assert document["id"] == did
    method = next(m for m in document["verificationMethod"] if m["id"] == header["kid"])
    public = Ed25519PublicKey.from_public_bytes(unb58(method["publicKeyMultibase"][1:])[2:])
    public.verify(signature, signed)  # raises when it does not hold


def test_a_minimal_wallet_receives_the_award_as_ldp_vc(app, live, staff, awarded, mailbox):
    offer = offer_for(staff, awarded, tx_code=False)
    response, facts = peer_receive(offer, None, "OpenBadgeCredential_ldp_vc")
    assert facts["response"].status_code == 200, response
    credential = response["credentials"][0]["credential"]
    assert credential["credentialSubject"]["id"] == facts["did"]
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    # Checked by our VC-API verifier, the one part of the app this test leans on.
    verified = requests.post(f"{live}/vc-api/credentials/verify", timeout=30,
                             json={"verifiableCredential": credential})
    assert verified.status_code == 200, verified.json()
    assert verified.json()["verified"] is True


def test_metadata_is_where_the_spec_puts_it(live, issuer_key, client):
    metadata = requests.get(f"{live}/.well-known/openid-credential-issuer/issuers/tcr",
                            timeout=10)
    assert metadata.headers["Content-Type"].startswith("application/json")
    document = metadata.json()
    assert document["credential_issuer"] == f"{live}/issuers/tcr"
    assert document["credential_endpoint"] == f"{live}/issuers/tcr/openid4vci/credential"
    assert set(document["credential_configurations_supported"]) == {
        "OpenBadgeCredential_ldp_vc", "OpenBadgeCredential_jwt_vc_json", "MboAward_dc+sd-jwt"}
    server = requests.get(f"{live}/.well-known/oauth-authorization-server/issuers/tcr",
                          timeout=10).json()
    assert server["issuer"] == document["credential_issuer"]
    assert server["pre-authorized_grant_anonymous_access_supported"] is True
    assert requests.get(f"{live}/.well-known/openid-credential-issuer/issuers/nope",
                        timeout=10).status_code == 404


def peer_receive(offer, tx_code, configuration):
    return peer_wallet_receive(offer["offer_uri"], tx_code=tx_code, configuration=configuration)
