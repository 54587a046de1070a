"""The CLR 2.0 transcript as a plain document: made from awards as issued, signed as Data
Integrity and as VC-JWT, it verifies offline with our own verifier (did:key, no network),
with no warning for its type; a changed award inside breaks the school's signature."""
import copy
import json
from datetime import UTC, datetime

import pytest

from eigendossier.credentials import verify_credential
from eigendossier.issuing import documents
from tests.credentials_support import Issuer, signed_di

EMAIL = "sanne@example.nl"


def transcript(proof: str):
    school = Issuer()
    awards = [signed_di(EMAIL, name="Veilig werken"), signed_di(EMAIL, name="Maatvoering")]
    qualification = documents.qualification_achievement(
        "https://dossier.example.nl/issuers/tcr/achievements/25655",
        {"nl": "Timmerman", "en": "Carpenter"}, "25655", 2, 7.5, "nl")
    now = datetime(2026, 6, 1, tzinfo=UTC)
    unsigned = documents.clr_credential(
        documents.Issuer(school.did, "Techniek College Rijnmond"),
        credential_id="urn:uuid:00000000-0000-4000-8000-000000000001",
        name="Transcript Timmerman", description="Afgeronde onderdelen van Timmerman.",
        email=EMAIL, salt="abc123", valid_from=now, qualification=qualification,
        awards=awards, partial=True)
    signer = documents.Signer(school.private, school.method)
    if proof == "vc-jwt":
        return documents.sign_vc_jwt(unsigned, signer), awards
    return documents.sign_data_integrity(unsigned, signer, now), awards


@pytest.mark.parametrize("proof", documents.PROOFS)
def test_a_transcript_verifies_offline_without_warnings(proof):
    signed, _ = transcript(proof)
    result = verify_credential(signed if isinstance(signed, str) else
                               json.dumps(signed), recipient_emails=[EMAIL])
    assert result.status == "verified", [(c.id, c.message_code) for c in result.checks]
    assert {c.id: c.message_code for c in result.checks}["format"] == "format.ok"
    assert result.summary.title == "Transcript Timmerman"


def test_a_changed_award_inside_breaks_the_signature():
    signed, _ = transcript("eddsa-rdfc-2022")
    changed = copy.deepcopy(signed)
    award = changed["credentialSubject"]["verifiableCredential"][1]
    award["credentialSubject"]["achievement"]["creditsAvailable"] = 30
    result = verify_credential(json.dumps(changed), recipient_emails=[EMAIL])
    assert result.status == "failed"
    assert {c.id: c.message_code for c in result.checks}["proof"] != "proof.valid"


def test_each_block_is_a_child_of_the_qualification():
    signed, awards = transcript("eddsa-rdfc-2022")
    subject = signed["credentialSubject"]
    qualification, *blocks = subject["achievement"]
    assert qualification["achievementType"] == "LearningProgram"
    assert blocks == [a["credentialSubject"]["achievement"] for a in awards]
    assert [(a["sourceId"], a["associationType"], a["targetId"]) for a in subject["association"]] \
        == [(b["id"], "isChildOf", qualification["id"]) for b in blocks]
