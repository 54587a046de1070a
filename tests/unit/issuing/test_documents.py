"""The issuer's documents as plain functions: did:web names, status list indexes and bits,
study load and language in the achievement."""
import base64
from datetime import UTC, datetime

import pytest

from eigendossier.credentials.dids import did_web_url
from eigendossier.credentials.limits import DEFAULT_LIMITS
from eigendossier.credentials.status import bit_is_set, decode_bitstring, encode_bitstring
from eigendossier.issuing import documents

FACTS = documents.Facts(
    id="https://dossier.example.nl/issuers/tcr/achievements/25655/TIM-02", code="TIM-02",
    name={"nl": "Maatvoering", "en": "Measuring"},
    qualification={"nl": "Timmerman", "en": "Carpenter"}, crebo="25655", level=2, ec=4.5,
    hours=126, learning_outcomes=[{"nl": "Zet een bouwwerk uit <volgens tekening>.",
                                   "en": "Sets out a structure to the drawing."}])


@pytest.mark.parametrize(("base", "did", "url"), [
    ("https://dossier.example.nl", "did:web:dossier.example.nl:issuers:tcr",
     "https://dossier.example.nl/issuers/tcr/did.json"),
    ("http://localhost:5000/", "did:web:localhost%3A5000:issuers:tcr",
     "https://localhost:5000/issuers/tcr/did.json"),
    ("https://roc.example/dossier", "did:web:roc.example:dossier:issuers:tcr",
     "https://roc.example/dossier/issuers/tcr/did.json"),
])
def test_did_web_names_resolve_back_to_where_we_serve_the_document(base, did, url):
    assert documents.did_web(base, "tcr") == did
    assert did_web_url(did) == url


def test_a_relative_base_url_is_refused():
    with pytest.raises(ValueError, match="not an absolute http"):
        documents.did_web("dossier.example.nl", "tcr")


def test_status_indexes_are_a_permutation_that_hides_the_order():
    size = 1024
    indexes = [documents.status_index(n, a=387, b=91, size=size) for n in range(size)]
    assert sorted(indexes) == list(range(size))
    assert indexes[:4] != [0, 1, 2, 3]


def test_set_bit_is_the_bit_verifiers_read():
    bits = bytes(16)
    for index in (0, 7, 8, 127):
        bits = documents.set_bit(bits, index)
    decoded = decode_bitstring(encode_bitstring(bits), DEFAULT_LIMITS)
    assert [i for i in range(128) if bit_is_set(decoded, i)] == [0, 7, 8, 127]


def test_the_achievement_carries_load_level_outcomes_and_the_other_language():
    dutch = documents.achievement(FACTS, "nl")
    assert dutch["creditsAvailable"] == 4.5
    assert dutch["inLanguage"] == "nl"
    assert dutch["achievementType"] == "MicroCredential"
    narrative = dutch["criteria"]["narrative"]
    assert "Studiebelasting: 4,5 EC, 126 uur (1 EC = 28 uur)." in narrative
    assert "- Zet een bouwwerk uit <volgens tekening>." in narrative
    assert [(a["targetFramework"], a["targetCode"]) for a in dutch["alignment"]] == [
        ("NLQF", "2"), ("EQF", "2"), ("Kwalificatiestructuur mbo (crebo)", "25655")]
    assert dutch["related"] == [{"id": FACTS.id + "?lang=en", "type": ["Related"],
                                 "inLanguage": "en"}]
    english = documents.achievement(FACTS, "en")
    assert english["name"] == "Measuring"
    assert "Study load: 4.5 EC, 126 hours" in english["criteria"]["narrative"]


def test_whole_ec_are_integers_and_small_blocks_are_courses():
    three = documents.achievement(documents.Facts(**{**FACTS.__dict__, "ec": 3.0}), "nl")
    assert three["creditsAvailable"] == 3
    assert isinstance(three["creditsAvailable"], int)
    one = documents.achievement(documents.Facts(**{**FACTS.__dict__, "ec": 1.5}), "nl")
    assert one["achievementType"] == "Course"


def test_the_badge_image_escapes_the_code():
    assert "&lt;x&gt;" in documents.badge_svg("<x>", 3)


def test_each_block_shows_its_own_code_and_load_in_its_badge_image():
    """The image is remembered per code and load: another block never gets it."""
    shown = {}
    for code, ec in [("TIM-02", 4.5), ("TIM-03", 4.5), ("TIM-02", 3), ("TIM-02", 4.5)]:
        facts = documents.Facts(**{**FACTS.__dict__, "code": code, "ec": ec})
        uri = documents.image(facts)["id"]
        svg = base64.b64decode(uri.removeprefix("data:image/svg+xml;base64,")).decode()
        assert svg == documents.badge_svg(code, ec)
        assert f">{code}<" in svg
        assert f">{str(ec).replace('.0', '')} EC<" in svg
        shown[code, ec] = uri
    assert len(set(shown.values())) == 3
    credential = documents.credential(
        documents.Issuer("did:web:x.example:issuers:tcr", "TCR"), FACTS, language="nl",
        credential_id="urn:uuid:1", email="a@example.nl", salt="s", valid_from=datetime.now(UTC),
        list_url="https://x.example/status/1", index=1)
    assert credential["image"] == credential["credentialSubject"]["achievement"]["image"]
    assert credential["image"] is not credential["credentialSubject"]["achievement"]["image"]


def test_the_recipient_is_a_salted_hash_of_the_lowercased_address():
    identity = documents.identity("Sanne@Example.nl", "zout")
    assert identity["identityHash"] == documents.identity("sanne@example.nl", "zout")[
        "identityHash"]
    assert "sanne" not in str(identity)
    assert identity["hashed"] is True
    assert documents.timestamp(datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)) == \
        "2025-01-02T03:04:05Z"
