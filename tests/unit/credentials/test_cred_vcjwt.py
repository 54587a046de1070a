import json

import pytest

from eigendossier.credentials import ParseError, parse_credential, verify_credential

from .helpers import NOW, VC1, Fetcher, Issuer, badge
from .test_cred_dids import WEB_DID, WEB_URL, did_document

EPOCH_2024 = 1704067200


def vc2_jwt(issuer: Issuer, header: dict, **claims) -> str:
    payload = {**badge(issuer.id), "iss": issuer.id, "nbf": EPOCH_2024, **claims}
    return issuer.sign_jwt(payload, header)


def codes(result) -> set[str]:
    return {check.message_code for check in result.checks}


def test_vc2_eddsa_with_did_key_kid():
    issuer = Issuer()
    result = verify_credential(vc2_jwt(issuer, {"kid": issuer.method}), now=NOW)
    assert result.status == "verified"
    assert result.summary.format == "ob3_jwt"
    assert result.outcome("issuer_identity") == "pass"


def test_vc11_es256_with_embedded_jwk_is_unconfirmed():
    issuer = Issuer("https://roc.example/issuer", curve="P-256")
    document = badge(issuer.id)
    document["@context"][0] = VC1
    document["issuanceDate"] = document.pop("validFrom")
    payload = {
        "vc": document,
        "iss": issuer.id,
        "jti": document["id"],
        "nbf": EPOCH_2024,
        "sub": "did:example:learner",
    }
    result = verify_credential(issuer.sign_jwt(payload, {"jwk": issuer.jwk()}), now=NOW)
    assert result.status == "verified_with_warnings"
    assert {"format.vc_v1", "issuer_identity.unconfirmed", "proof.valid"} <= codes(result)


def test_did_web_kid_resolves_through_the_fetcher():
    issuer = Issuer(WEB_DID)
    fetch = Fetcher({WEB_URL: did_document(issuer)})
    result = verify_credential(vc2_jwt(issuer, {"kid": f"{WEB_DID}#key-1"}), fetch=fetch, now=NOW)
    assert result.status == "verified"
    assert "issuer_identity.confirmed" in codes(result)


def test_did_web_unreachable_is_unverifiable():
    issuer = Issuer(WEB_DID)
    result = verify_credential(vc2_jwt(issuer, {"kid": f"{WEB_DID}#key-1"}), now=NOW)
    assert result.status == "unverifiable"


def test_iss_must_match_the_issuer():
    issuer = Issuer()
    token = vc2_jwt(issuer, {"kid": issuer.method}, iss="did:example:other")
    result = verify_credential(token, now=NOW)
    assert result.status == "failed"
    assert "format.jwt_claim_mismatch" in codes(result)


def test_expired_by_exp_claim():
    issuer = Issuer()
    result = verify_credential(
        vc2_jwt(issuer, {"kid": issuer.method}, exp=EPOCH_2024 + 60), now=NOW
    )
    assert result.status == "expired"


def test_not_yet_valid_by_nbf():
    issuer = Issuer()
    token = vc2_jwt(issuer, {"kid": issuer.method}, nbf=int(NOW.timestamp()) + 3600)
    assert verify_credential(token, now=NOW).status == "failed"


def test_key_of_someone_else_fails_the_signature():
    issuer, other = Issuer(), Issuer()
    result = verify_credential(vc2_jwt(issuer, {"kid": other.method}), now=NOW)
    assert result.status == "failed"
    assert "proof.signature_invalid" in codes(result)


def test_key_controlled_by_another_did_fails_identity():
    issuer, other = Issuer(), Issuer()
    token = other.sign_jwt({**badge(issuer.id), "nbf": EPOCH_2024}, {"kid": other.method})
    result = verify_credential(token, now=NOW)
    assert result.outcome("proof") == "pass"
    assert "issuer_identity.controller_mismatch" in codes(result)
    assert result.status == "failed"


def test_jwt_without_key_reference_fails():
    issuer = Issuer("https://roc.example/issuer")
    result = verify_credential(vc2_jwt(issuer, {}), now=NOW)
    assert "proof.key_missing" in codes(result)
    assert result.status == "failed"


def test_alg_none_vc_jwt_is_a_parse_error():
    token = Issuer().sign_jwt(badge("did:example:x"), {}).split(".")
    header = "eyJhbGciOiJub25lIn0"  # {"alg":"none"}
    with pytest.raises(ParseError) as caught:
        parse_credential(f"{header}.{token[1]}.{token[2]}")
    assert caught.value.code == "parse.jws_alg_refused"


def test_baked_vc_jwt_in_svg():
    from eigendossier.credentials import bake_svg

    issuer = Issuer()
    svg = bake_svg(
        '<svg xmlns="http://www.w3.org/2000/svg"/>',
        vc2_jwt(issuer, {"kid": issuer.method}),
        is_jws=True,
    )
    result = verify_credential(svg.encode(), now=NOW)
    assert result.status == "verified"


def test_vc_jose_es384_credential_is_verified():
    """VC-JOSE (application/vc+jwt): the payload is the credential itself, no vc claim."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from eigendossier.credentials.jws import sign_compact
    from eigendossier.credentials.keys import PublicKey

    private = ec.generate_private_key(ec.SECP384R1())
    multikey = PublicKey("P-384", private.public_key()).to_multikey()
    did = f"did:key:{multikey}"
    header = {"alg": "ES384", "typ": "vc+jwt", "kid": f"{did}#{multikey}"}
    token = sign_compact(header, json.dumps(badge(did)).encode(), private)
    result = verify_credential(token, now=NOW)
    assert multikey.startswith("z82")
    assert result.status == "verified", [(c.id, c.message_code) for c in result.checks]


@pytest.mark.parametrize("kind", [None, 5, {"Profile": True}])
def test_an_issuer_type_that_is_no_list_of_names_is_reported_not_a_crash(kind):
    issuer = Issuer()
    document = badge(issuer.id)
    document["issuer"]["type"] = kind
    result = verify_credential(issuer.sign_jwt({**document, "iss": issuer.id},
                                               {"kid": issuer.method}), now=NOW)
    assert result.status == "verified_with_warnings"
    schema_check = result.checks_for("schema")[0]
    assert "issuer: type must include Profile" in schema_check.params["errors"]


def test_each_verification_gives_a_summary_of_its_own():
    issuer = Issuer()
    parsed = parse_credential(vc2_jwt(issuer, {"kid": issuer.method}))
    first = verify_credential(parsed, now=NOW).summary
    first.title = "changed"
    first.achievement.name = "changed"
    first.achievement.learning_outcomes.append("changed")
    second = verify_credential(parsed, now=NOW).summary
    assert second == parsed.summary
    assert (second.title, second.achievement.name) == ("Basis veiligheid VCA",) * 2
    assert "changed" not in second.achievement.learning_outcomes


@pytest.mark.parametrize("claim", ["nbf", "exp"])
def test_a_jwt_time_beyond_the_calendar_is_a_malformed_date_not_a_crash(claim):
    issuer = Issuer()
    result = verify_credential(vc2_jwt(issuer, {"kid": issuer.method}, **{claim: 10**20}), now=NOW)
    assert result.status == "failed"
    assert "validity.date_invalid" in codes(result)


def test_a_remembered_did_key_vouches_only_for_its_own_issuer():
    issuer, other = Issuer(), Issuer()
    assert verify_credential(vc2_jwt(other, {"kid": other.method}), now=NOW).status == "verified"
    assert verify_credential(vc2_jwt(issuer, {"kid": issuer.method}), now=NOW).status == "verified"
    forged = other.sign_jwt({**badge(issuer.id), "nbf": EPOCH_2024}, {"kid": other.method})
    assert verify_credential(forged, now=NOW).status == "failed"
    signed_by_issuer_under_others_kid = vc2_jwt(issuer, {"kid": other.method})
    result = verify_credential(signed_by_issuer_under_others_kid, now=NOW)
    assert (result.status, result.outcome("proof")) == ("failed", "fail")
