"""SD-JWT and SD-JWT VC: the RFC 9901 examples read as the RFC says, and tampering refused."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from eigendossier.credentials import sdjwt, sdjwtvc, verify_credential
from eigendossier.credentials.jws import sign_compact
from eigendossier.credentials.keys import PublicKey, b64url_encode, from_jwk

from .helpers import Issuer

FIXTURES = Path(__file__).parents[2] / "fixtures" / "sdjwt"
KEYS = json.loads((FIXTURES / "keys.json").read_text())


def example(name: str) -> str:
    return (FIXTURES / f"{name}.txt").read_text().strip()


def code_of(call) -> str:
    with pytest.raises(sdjwt.SdJwtError) as caught:
        call()
    return caught.value.code


# -- the specification's vectors --------------------------------------------------------------


def test_disclosure_and_digest_match_rfc_9901_section_4():
    spec = "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0"
    read = sdjwt.read_disclosure(spec)
    assert (read.salt, read.name, read.value) == ("_26bc4LT-ac6q2KI6cBW5es", "family_name",
                                                   "Möbius")
    assert sdjwt.digest(spec) == "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0"
    # made by us from the same salt: the RFC's encoding (", " separators, UTF-8 kept)
    assert sdjwt.make_disclosure("family_name", "Möbius", "_26bc4LT-ac6q2KI6cBW5es").encoded == spec
    element = sdjwt.read_disclosure("WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0")
    assert (element.salt, element.name, element.value) == ("lklxF5jMYlGTPUovMNIvCA", None, "FR")
    assert sdjwt.make_disclosure(None, "FR", "lklxF5jMYlGTPUovMNIvCA").encoded == element.encoded


def test_rfc_example_a1_verifies_and_resolves_to_the_rfc_claims():
    sd = sdjwt.parse(example("a1"))
    assert sd.verify_signature(from_jwk(KEYS["issuer"]))
    resolved = sdjwt.resolve(sd)
    assert resolved.claims == {"iss": "https://issuer.example.com", "iat": 1683000000,
                               "exp": 1883000000, "address": {"region": "港区", "country": "JP"}}
    assert resolved.hidden == 8 + 6  # 8 top-level digests and 6 of the address's undisclosed
    assert sd.serialize() == example("a1")


def test_rfc_example_a2_places_a_disclosure_inside_an_array_element_inside_a_disclosure():
    sd = sdjwt.parse(example("a2"))
    assert sd.verify_signature(from_jwk(KEYS["issuer"]))
    claims = sdjwt.resolve(sd).claims
    assert claims["verified_claims"]["verification"] == {
        "trust_framework": "de_aml", "evidence": [{"method": "pipp"}], "time": "2012-04-23T18:25Z"}
    assert claims["verified_claims"]["claims"]["family_name"] == "Müller"
    assert claims["verified_claims"]["claims"]["address"]["street_address"] == "Weidenstraße 22"


def test_rfc_example_a4_key_binding_verifies_for_its_nonce_and_audience():
    sd = sdjwt.parse(example("a4"))
    assert sd.verify_signature(from_jwk(KEYS["issuer"]))
    assert sdjwt.holder_key(sd.payload) == from_jwk(KEYS["holder"])
    binding = sdjwt.verify_key_binding(sd, audience="https://verifier.example.org",
                                       nonce="1234567890", now=1748537244)
    assert binding.issued_at == 1748537244
    subject = sdjwt.resolve(sd).claims["credentialSubject"]
    assert subject["vaccine"]["medicinalProductName"] == "COVID-19 Vaccine Moderna"
    assert "recipient" in subject
    assert subject["recipient"] == {"type": "VaccineRecipient"}


@pytest.mark.parametrize(("audience", "nonce", "now", "code"), [
    ("https://other.example", "1234567890", 1748537244, "sdjwt.kb_audience"),
    ("https://verifier.example.org", "0987654321", 1748537244, "sdjwt.kb_nonce"),
    ("https://verifier.example.org", "1234567890", 1748537244 + 3600, "sdjwt.kb_stale"),
])
def test_rfc_example_a4_is_refused_for_another_verifier_request_or_time(audience, nonce, now,
                                                                         code):
    sd = sdjwt.parse(example("a4"))
    assert code_of(lambda: sdjwt.verify_key_binding(sd, audience=audience, nonce=nonce,
                                                    now=now)) == code


def test_dropping_a_disclosure_from_a_bound_presentation_breaks_sd_hash():
    parts = example("a4").split("~")
    fewer = "~".join([parts[0], *parts[2:]])
    sd = sdjwt.parse(fewer)
    assert code_of(lambda: sdjwt.verify_key_binding(
        sd, audience="https://verifier.example.org", nonce="1234567890",
        now=1748537244)) == "sdjwt.kb_sd_hash"


def test_a_presentation_without_key_binding_is_refused_when_one_is_required():
    sd = sdjwt.parse(example("a4").rsplit("~", 1)[0] + "~")
    assert code_of(lambda: sdjwt.verify_key_binding(
        sd, audience="https://verifier.example.org", nonce="1234567890",
        now=1748537244)) == "sdjwt.kb_missing"


# -- issuing and presenting with our own keys -------------------------------------------------

ISSUER = ed25519.Ed25519PrivateKey.generate()
HOLDER = ed25519.Ed25519PrivateKey.generate()
HOLDER_JWK = {"kty": "OKP", "crv": "Ed25519",
              "x": b64url_encode(HOLDER.public_key().public_bytes_raw())}
CLAIMS = {
    "iss": "did:web:school.example", "vct": "https://school.example/vct/award",
    "name": "Basis ICT", "ec": 15,
    "learner": {"given_name": "Sanne", "family_name": "de Vries", "birthdate": "2005-03-01"},
    "grade": "8,1",
    "evidence": ["portfolio.pdf", "stage-verslag.pdf"],
}
DISCLOSABLE = [("learner",), ("learner", "birthdate"), ("grade",), ("evidence",),
               ("evidence", 0), ("evidence", 1)]


def issued(**kwargs) -> sdjwt.SdJwt:
    token = sdjwt.issue(CLAIMS, DISCLOSABLE, ISSUER,
                        header={"alg": "EdDSA", "typ": sdjwt.VC_TYP}, **kwargs)
    return sdjwt.parse(token)


def test_issued_sd_jwt_vc_hides_the_chosen_claims_and_resolves_to_all_of_them():
    sd = issued(holder_jwk=HOLDER_JWK, decoys=2)
    assert sdjwt.is_vc(sd)
    assert sd.verify_signature(PublicKey("Ed25519", ISSUER.public_key()))
    assert "grade" not in sd.payload
    assert "learner" not in sd.payload
    assert sd.payload["name"] == "Basis ICT"
    assert sd.payload["_sd_alg"] == "sha-256"
    resolved = sdjwt.resolve(sd)
    assert resolved.claims == {**CLAIMS, "cnf": {"jwk": HOLDER_JWK}}
    assert len(resolved.disclosed) == 6


def test_decoys_go_where_claims_can_hide_and_resolve_to_nothing():
    counts = iter([3, 4, 5])
    sd = issued(decoys=lambda: next(counts))
    learner = next(d for d in sdjwt.resolve(sd).disclosed if d.path == ("learner",))
    # a count per object (the learner object is concealed first): the learner object (1
    # disclosable claim) gets 3, the payload (3: learner, grade, evidence) 4; nothing else
    assert len(learner.disclosure.value["_sd"]) == 1 + 3
    assert len(sd.payload["_sd"]) == 3 + 4
    resolved = sdjwt.resolve(sd)
    assert resolved.claims == CLAIMS
    assert resolved.hidden == 3 + 4  # a decoy reads as a withheld claim, never as a value


def test_presenting_a_choice_shows_only_that_and_what_it_sits_in():
    sd = issued(holder_jwk=HOLDER_JWK)
    shown = sdjwt.present(sd, lambda item: item.path in {("learner", "birthdate"),
                                                         ("evidence", 1)},
                          holder_key=HOLDER, audience="https://verifier.example",
                          nonce="n-1", issued_at=1000)
    received = sdjwt.parse(shown)
    sdjwt.verify_key_binding(received, audience="https://verifier.example", nonce="n-1",
                             now=1000)
    claims = sdjwt.resolve(received).claims
    assert "grade" not in claims
    assert claims["learner"] == {"given_name": "Sanne", "family_name": "de Vries",
                                 "birthdate": "2005-03-01"}
    assert claims["evidence"] == ["stage-verslag.pdf"]


def test_withholding_the_parent_withholds_its_children():
    sd = issued()
    shown = sdjwt.present(sd, lambda item: item.path == ("grade",))
    claims = sdjwt.resolve(sdjwt.parse(shown)).claims
    assert claims == {k: v for k, v in CLAIMS.items() if k not in ("learner", "evidence")}


def test_a_key_binding_by_another_key_is_refused():
    sd = issued(holder_jwk=HOLDER_JWK)
    other = ed25519.Ed25519PrivateKey.generate()
    shown = sdjwt.present(sd, lambda item: True, holder_key=other, audience="a", nonce="n",
                          issued_at=5)
    assert code_of(lambda: sdjwt.verify_key_binding(sdjwt.parse(shown), audience="a",
                                                    nonce="n", now=5)) == "sdjwt.kb_signature"


# -- hostile input ---------------------------------------------------------------------------


def test_a_changed_disclosure_is_unreferenced():
    sd = issued()
    forged = sdjwt.make_disclosure("grade", "10")
    token = sd.presentation_without_kb + forged.encoded + "~"
    assert code_of(lambda: sdjwt.resolve(sdjwt.parse(token))) == "sdjwt.disclosure_unreferenced"


def forged_payload(payload: dict, disclosures: list[str]) -> sdjwt.SdJwt:
    token = sign_compact({"alg": "EdDSA", "typ": sdjwt.VC_TYP},
                         json.dumps(payload).encode(), ISSUER)
    return sdjwt.parse("~".join([token, *disclosures]) + "~")


def test_a_digest_appearing_twice_is_refused():
    one = sdjwt.make_disclosure("grade", "8")
    sd = forged_payload({"_sd": [one.digest], "inner": {"_sd": [one.digest]}}, [one.encoded])
    assert code_of(lambda: sdjwt.resolve(sd)) == "sdjwt.duplicate_digest"


def test_a_disclosed_claim_may_not_overwrite_a_plain_one():
    one = sdjwt.make_disclosure("grade", "10")
    sd = forged_payload({"grade": "4", "_sd": [one.digest]}, [one.encoded])
    assert code_of(lambda: sdjwt.resolve(sd)) == "sdjwt.claim_exists"


@pytest.mark.parametrize("name", ["_sd", "..."])
def test_reserved_claim_names_are_refused_in_disclosures(name):
    body = b64url_encode(json.dumps(["salt", name, ["x"]]).encode())
    assert code_of(lambda: sdjwt.read_disclosure(body)) == "sdjwt.reserved_name"


def test_an_array_disclosure_in_an_object_and_a_property_in_an_array_are_refused():
    element = sdjwt.make_disclosure(None, "x")
    sd = forged_payload({"_sd": [element.digest]}, [element.encoded])
    assert code_of(lambda: sdjwt.resolve(sd)) == "sdjwt.disclosure_misplaced"
    prop = sdjwt.make_disclosure("a", "x")
    sd = forged_payload({"list": [{"...": prop.digest}]}, [prop.encoded])
    assert code_of(lambda: sdjwt.resolve(sd)) == "sdjwt.disclosure_misplaced"


@pytest.mark.parametrize(("text", "code"), [
    ("bm90IGpzb24", "sdjwt.disclosure_invalid"),
    (b64url_encode(b'["only-salt"]'), "sdjwt.disclosure_invalid"),
    (b64url_encode(b'["s", 5, "v"]'), "sdjwt.disclosure_invalid"),
    ("not base64!", "sdjwt.disclosure_invalid"),
])
def test_malformed_disclosures_are_refused(text, code):
    assert code_of(lambda: sdjwt.read_disclosure(text)) == code


def test_another_digest_algorithm_and_a_doubled_disclosure_are_refused():
    sd = issued()
    assert code_of(lambda: forged_payload({"_sd_alg": "md5"}, [])) == "sdjwt.hash_unsupported"
    one = sd.disclosures[0].encoded
    assert code_of(lambda: sdjwt.parse(sd.presentation_without_kb + one + "~")) == (
        "sdjwt.duplicate_disclosure")


# -- as a credential of the dossier -----------------------------------------------------------


def award_token(issuer, **kwargs) -> str:
    claims, paths = sdjwtvc.award_claims(
        issuer=issuer.did, issuer_name="ROC Test", credential_id="urn:uuid:1",
        issued_at=datetime(2026, 1, 1, tzinfo=UTC),
        achievement={"id": "https://school.example/a/1", "name": "Basis ICT", "ec": 15},
        learner_name="Sanne de Vries", birth_date="2005-03-01", grade="8,1",
        evidence=["portfolio.pdf"], **kwargs)
    return sdjwt.issue(claims, paths, issuer.private,
                       header={"alg": "EdDSA", "typ": sdjwt.VC_TYP, "kid": issuer.method})


def test_an_award_as_sd_jwt_vc_verifies_with_the_issuers_did_and_reads_as_a_badge():
    issuer = Issuer()
    result = verify_credential(award_token(issuer), now=datetime(2026, 2, 1, tzinfo=UTC))
    assert result.status == "verified", [(c.id, c.message_code) for c in result.checks]
    assert result.summary.format == "sd_jwt_vc"
    assert result.summary.title == "Basis ICT"
    assert result.summary.achievement.ec == 15
    assert result.summary.recipient == "Sanne de Vries"


@pytest.mark.parametrize("claim", ["nbf", "exp"])
def test_an_award_time_beyond_the_calendar_is_a_malformed_date_not_a_crash(claim):
    issuer = Issuer()
    claims, paths = sdjwtvc.award_claims(
        issuer=issuer.did, issuer_name="ROC Test", credential_id="urn:uuid:1",
        issued_at=datetime(2026, 1, 1, tzinfo=UTC), achievement={"name": "Basis ICT"})
    token = sdjwt.issue({**claims, claim: 10**20}, paths, issuer.private,
                        header={"alg": "EdDSA", "typ": sdjwt.VC_TYP, "kid": issuer.method})
    result = verify_credential(token, now=datetime(2026, 2, 1, tzinfo=UTC))
    assert result.status == "failed"
    assert [c.message_code for c in result.checks if c.id == "validity"] == [
        "validity.date_invalid"]
    assert result.summary.title == "Basis ICT"


def test_an_award_signed_by_another_key_fails_its_proof():
    issuer, other = Issuer(), Issuer()
    forged = sdjwt.issue({"iss": issuer.did, "vct": "x"}, [], other.private,
                         header={"alg": "EdDSA", "typ": sdjwt.VC_TYP, "kid": issuer.method})
    result = verify_credential(forged, now=datetime(2026, 2, 1, tzinfo=UTC))
    assert result.status == "failed"
    assert result.outcome("proof") == "fail"


def test_sharing_a_choice_withholds_the_rest_by_name():
    token = award_token(Issuer())
    assert sdjwtvc.disclosable(token) == ["learner_name", "birth_date", "grade", "evidence"]
    shown, withheld = sdjwtvc.choose(token, {"learner_name", "evidence"})
    assert withheld == ["birth_date", "grade"]
    claims = sdjwt.resolve(sdjwt.parse(shown)).claims
    assert claims["learner"] == {"name": "Sanne de Vries"}
    assert claims["evidence"] == ["portfolio.pdf"]
    assert "grade" not in claims
    assert sdjwtvc.shown_fields(claims) == ["learner_name", "evidence"]


def test_the_learner_holds_every_field_and_may_withhold_only_the_disclosable_ones():
    issuer = Issuer()
    claims, paths = sdjwtvc.award_claims(
        issuer=issuer.did, issuer_name="ROC Test", credential_id="urn:uuid:1",
        issued_at=datetime(2026, 1, 1, tzinfo=UTC), achievement={"name": "Basis ICT"},
        birth_date="2005-03-01", grade="8,1", evidence=["portfolio.pdf", "stage.pdf"])
    # an issuer that makes the grade always visible: the learner holds it but cannot hide it
    token = sdjwt.issue(claims, [p for p in paths if p != ("grade",)], issuer.private,
                        header={"alg": "EdDSA", "typ": sdjwt.VC_TYP, "kid": issuer.method})
    assert sdjwtvc.held_fields(token) == [
        ("birth_date", "2005-03-01", True),
        ("grade", "8,1", False),
        ("evidence", ["portfolio.pdf", "stage.pdf"], True),
    ]


def test_the_status_list_token_orders_bits_as_the_status_list_specification_example():
    """draft-ietf-oauth-status-list, section 4.1: statuses 1,0,0,1,1,1,0,1, 1,1,0,0,0,1,0,1
    are "eNrbuRgAAhcBXQ"; the same statuses in a W3C Bitstring are 0x9D 0xC5."""
    import zlib

    from eigendossier.credentials.keys import b64url_decode
    spec = zlib.decompress(b64url_decode("eNrbuRgAAhcBXQ"))
    assert sdjwtvc._lsb_first(bytes([0x9D, 0xC5])) == spec == bytes.fromhex("b9a3")


def test_an_sd_jwt_baked_into_an_image_is_refused():
    from eigendossier.credentials import ParseError, bake_svg, parse_credential
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"></svg>'
    with pytest.raises(ParseError) as caught:
        parse_credential(bake_svg(svg, award_token(Issuer()), is_jws=True).encode())
    assert caught.value.code == "parse.not_a_credential"
