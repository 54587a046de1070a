"""credentials.oid4vci against the specification's own examples, and the key proof made and
checked: every way a proof can be wrong is refused with a stable code."""
import base64
import json
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from eigendossier.credentials import keyproofs, oid4vci
from eigendossier.credentials.jws import sign_compact
from eigendossier.credentials.keys import PublicKey, b64url_encode

EXAMPLES = Path(__file__).parents[2] / "fixtures" / "openid4vci"
ISSUER = "https://credential-issuer.example.com"


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text())


def test_the_specifications_offers_are_read():
    pre = oid4vci.read_offer(example("credential_offer_pre-authz_code.json"))
    assert pre.credential_issuer == ISSUER
    assert pre.configuration_ids == ("UniversityDegreeCredential",)
    assert pre.pre_authorized_code == "adhjhdjajkdkhjhdj"
    assert pre.tx_code == oid4vci.TxCode("numeric", None, "Please provide the one-time code "
                                         "which was sent to your mobile phone via SMS")
    multiple = oid4vci.read_offer(example("credential_offer_multiple_credentials.json"))
    assert multiple.tx_code == oid4vci.TxCode("numeric", 4, "Please provide the one-time code "
                                              "that was sent via e-mail")
    assert len(multiple.configuration_ids) == 2
    empty_tx = oid4vci.read_offer(example("credential_offer_by_reference.json"))
    assert empty_tx.tx_code == oid4vci.TxCode()  # present but empty: a code is still needed
    authz = oid4vci.read_offer(example("credential_offer_authz_code.json"))
    assert authz.pre_authorized_code is None
    assert authz.issuer_state == "eyJhbGciOiJSU0Et...FYUaBy"


def test_offer_links_by_value_and_by_reference():
    offer = example("credential_offer_multiple_credentials.json")
    by_value = oid4vci.parse_offer_link("openid-credential-offer://?credential_offer="
                                        + quote(json.dumps(offer)))
    assert by_value.offer == offer
    link = oid4vci.offer_link("https://server.example.com/credential-offer/GkurKxf5T0Y")
    assert link == ("openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fserver."
                    "example.com%2Fcredential-offer%2FGkurKxf5T0Y")
    assert oid4vci.parse_offer_link(link).offer_uri == \
        "https://server.example.com/credential-offer/GkurKxf5T0Y"


@pytest.mark.parametrize("link", [
    "", "hello", "openid-credential-offer://?credential_offer_uri=http%3A%2F%2Fa.example%2Fo",
    "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fa.example%2Fo"
    "&credential_offer=%7B%7D",
    "openid-credential-offer://?credential_offer=%5B1%5D",
    "openid-credential-offer://?credential_offer=" + "%5B" * 40 + "%5D" * 40,
    "openid-credential-offer://?credential_offer=" + "x" * 20000,
])
def test_links_that_are_not_offers(link):
    with pytest.raises(oid4vci.OfferError):
        oid4vci.parse_offer_link(link)


@pytest.mark.parametrize("change", [
    {"credential_issuer": "http://credential-issuer.example.com"},
    {"credential_issuer": "https://credential-issuer.example.com?x=1"},
    {"credential_configuration_ids": []},
    {"credential_configuration_ids": ["a", "a"]},
    {"grants": {oid4vci.PRE_AUTHORIZED_GRANT: {"tx_code": {}}}},
    {"grants": {oid4vci.PRE_AUTHORIZED_GRANT: {"pre-authorized_code": "c",
                                               "tx_code": {"input_mode": "emoji"}}}},
    {"grants": {oid4vci.PRE_AUTHORIZED_GRANT: {"pre-authorized_code": "c",
                                               "tx_code": {"description": "x" * 301}}}},
])
def test_offers_that_break_the_rules(change):
    with pytest.raises(oid4vci.OfferError):
        oid4vci.read_offer({**example("credential_offer_pre-authz_code.json"), **change})


def test_unknown_offer_members_are_ignored():
    offer = {**example("credential_offer_pre-authz_code.json"), "x-future": {"a": 1}}
    assert oid4vci.read_offer(offer).credential_issuer == ISSUER


def test_the_well_known_goes_between_host_and_path():
    assert oid4vci.well_known_url("https://issuer.example.com/tenant") == \
        "https://issuer.example.com/.well-known/openid-credential-issuer/tenant"
    assert oid4vci.well_known_url("https://tenant.issuer.example.com") == \
        "https://tenant.issuer.example.com/.well-known/openid-credential-issuer"
    assert oid4vci.well_known_url("https://h.example/a/b", oid4vci.AS_WELL_KNOWN) == \
        "https://h.example/.well-known/oauth-authorization-server/a/b"


def _metadata(example_name: str) -> dict:
    return {"credential_issuer": ISSUER, "credential_endpoint": ISSUER + "/credential",
            **example(example_name)}


def test_the_specifications_metadata_is_read_and_a_format_chosen():
    jwt = oid4vci.read_issuer_metadata(_metadata("credential_metadata_jwt_vc_json.json"), ISSUER)
    config = jwt.configurations["UniversityDegreeCredential"]
    assert config.format == "jwt_vc_json"
    assert config.types == ("VerifiableCredential", "UniversityDegreeCredential")
    assert oid4vci.display_name(config.display, "en") == "University Credential"
    ldp = oid4vci.read_issuer_metadata(_metadata("credential_metadata_ldp_vc.json"), ISSUER)
    assert ldp.configurations["UniversityDegree_LDP_VC"].format == "ldp_vc"
    sd = oid4vci.read_issuer_metadata(_metadata("credential_metadata_sd_jwt_vc.json"), ISSUER)
    offer = oid4vci.CredentialOffer(ISSUER, tuple(sd.configurations))
    with pytest.raises(oid4vci.OfferError, match="format"):
        oid4vci.choose_configuration(offer, sd)  # dc+sd-jwt: not received (yet)


def test_metadata_of_another_issuer_is_not_used():
    with pytest.raises(oid4vci.OfferError) as refused:
        oid4vci.read_issuer_metadata(_metadata("credential_metadata_ldp_vc.json"),
                                     ISSUER + "/")
    assert refused.value.code == "metadata.issuer_mismatch"


# -- key proofs -------------------------------------------------------------------------------


@pytest.fixture
def key():
    return Ed25519PrivateKey.generate()


def _kid(key) -> str:
    multikey = PublicKey("Ed25519", key.public_key()).to_multikey()
    return f"did:key:{multikey}#{multikey}"


def test_a_proof_made_here_is_checked_here(key):
    now = int(time.time())
    jwt = keyproofs.build_proof(key, _kid(key), audience=ISSUER, issued_at=now, nonce="n-1")
    checked = keyproofs.check_proof(jwt, audience=ISSUER, now=now)
    assert checked == keyproofs.CheckedProof(_kid(key).split("#")[0], "n-1", now)


def test_a_proof_with_a_public_jwk_binds_to_did_jwk(key):
    now = int(time.time())
    jwk = {"kty": "OKP", "crv": "Ed25519",
           "x": b64url_encode(key.public_key().public_bytes_raw())}
    jwt = sign_compact({"typ": keyproofs.PROOF_TYP, "alg": "EdDSA", "jwk": jwk},
                       json.dumps({"aud": ISSUER, "iat": now}).encode(), key)
    checked = keyproofs.check_proof(jwt, audience=ISSUER, now=now)
    assert checked.holder.startswith("did:jwk:")
    assert json.loads(base64.urlsafe_b64decode(checked.holder[8:] + "==")) == jwk


@pytest.mark.parametrize(("header", "claims", "code"), [
    ({"typ": "JWT"}, {}, "proof.invalid"),
    ({}, {"aud": "https://other.example"}, "proof.wrong_audience"),
    ({}, {"iat": 1}, "proof.stale"),
    ({}, {"iat": 10**10}, "proof.stale"),
    ({}, {"iat": "now"}, "proof.invalid"),
    ({}, {"nonce": 5}, "proof.invalid"),
    ({"kid": "did:web:example.com#k"}, {}, "proof.invalid"),
    ({"x5c": ["MII"]}, {}, "proof.invalid"),
])
def test_proofs_that_do_not_hold(key, header, claims, code):
    now = int(time.time())
    jwt = sign_compact({"typ": keyproofs.PROOF_TYP, "alg": "EdDSA", "kid": _kid(key), **header},
                       json.dumps({"aud": ISSUER, "iat": now, **claims}).encode(), key)
    with pytest.raises(oid4vci.OfferError) as refused:
        keyproofs.check_proof(jwt, audience=ISSUER, now=now)
    assert refused.value.code == code


def test_a_proof_signed_by_another_key_is_refused(key):
    now = int(time.time())
    other = Ed25519PrivateKey.generate()
    jwt = keyproofs.build_proof(other, _kid(key), audience=ISSUER, issued_at=now, nonce=None)
    with pytest.raises(oid4vci.OfferError, match="signature"):
        keyproofs.check_proof(jwt, audience=ISSUER, now=now)


def test_tx_code_input_is_checked_against_its_description():
    assert oid4vci.check_tx_code(oid4vci.TxCode("numeric", 6), "493536")
    assert not oid4vci.check_tx_code(oid4vci.TxCode("numeric", 6), "49353")
    assert not oid4vci.check_tx_code(oid4vci.TxCode("numeric"), "49a536")
    assert oid4vci.check_tx_code(oid4vci.TxCode("text"), "AB-12")
