"""OB 2.0 with SURF edubadges microcredential extensions."""

import hashlib
import json

import pytest

from eigendossier.credentials import ParseError, parse_credential, verify_credential

from .helpers import NOW, Fetcher

OB2 = "https://w3id.org/openbadges/v2"
ASSERTION_URL = "https://edubadges.example/public/assertions/abc"
ISSUER_URL = "https://edubadges.example/public/issuers/roc"


def extension(name: str, **values) -> dict:
    return {
        "@context": f"https://openbadgespec.org/extensions/{name}/context.json",
        "type": ["Extension", f"extensions:{name}"],
        **values,
    }


BADGE_CLASS = {
    "@context": OB2,
    "type": "BadgeClass",
    "id": "https://edubadges.example/public/badges/lassen",
    "name": "Lassen MIG/MAG",
    "description": "Microcredential lassen voor de metaalbewerking.",
    "image": "https://edubadges.example/media/lassen.png",
    "criteria": {"narrative": "Praktijkexamen met goed gevolg afgelegd."},
    "issuer": ISSUER_URL,
    "extensions:ECTSExtension": extension("ECTSExtension", ECTS=2.5),
    "extensions:EQFExtension": extension("EQFExtension", EQF=4),
    "extensions:NLQFExtension": extension("NLQFExtension", NLQF="4"),
    "extensions:LearningOutcomeExtension": extension(
        "LearningOutcomeExtension", LearningOutcome="Kan een MIG/MAG-las leggen."
    ),
    "extensions:EducationProgramIdentifierExtension": extension(
        "EducationProgramIdentifierExtension", EducationProgramIdentifier=[25190]
    ),
    "extensions:StudyLoadExtension": extension("StudyLoadExtension", StudyLoad=60),
}
ISSUER = {
    "@context": OB2,
    "type": "Issuer",
    "id": ISSUER_URL,
    "name": "ROC Metaal",
    "url": "https://roc.example",
    "email": "info@roc.example",
}


def assertion(**extra) -> dict:
    salted = hashlib.sha256(b"jan@roc.example" + b"pepper").hexdigest()
    return {
        "@context": OB2,
        "type": "Assertion",
        "id": ASSERTION_URL,
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": "pepper",
            "identity": f"sha256${salted}",
        },
        "badge": BADGE_CLASS["id"],
        "issuedOn": "2024-09-01T10:00:00Z",
        "verification": {"type": "hosted"},
        **extra,
    }


def fetcher(hosted: dict | None = None) -> Fetcher:
    return Fetcher(
        {ASSERTION_URL: hosted or assertion(), BADGE_CLASS["id"]: BADGE_CLASS, ISSUER_URL: ISSUER}
    )


def test_edubadges_fields_in_the_summary():
    result = verify_credential(
        json.dumps(assertion()), fetch=fetcher(), now=NOW, recipient_emails=["jan@roc.example"]
    )
    assert result.status == "verified", [(c.id, c.message_code) for c in result.checks]
    summary = result.summary
    assert (summary.title, summary.issuer_name) == ("Lassen MIG/MAG", "ROC Metaal")
    achievement = summary.achievement
    assert (achievement.ec, achievement.eqf_level, achievement.nlqf_level) == (2.5, "4", "4")
    assert achievement.learning_outcomes == ["Kan een MIG/MAG-las leggen."]
    assert achievement.education_program_id == "25190"
    assert achievement.study_load_hours == 60.0
    assert achievement.criteria == "Praktijkexamen met goed gevolg afgelegd."


def test_hosted_copy_wins_over_the_presented_copy():
    forged = assertion(badge="https://edubadges.example/public/badges/lassen", expires=None)
    forged["recipient"] = {"type": "email", "hashed": False, "identity": "mallory@evil.example"}
    result = verify_credential(
        json.dumps(forged), fetch=fetcher(), now=NOW, recipient_emails=["mallory@evil.example"]
    )
    assert "proof.hosted_copy_differs" in {c.message_code for c in result.checks}
    assert result.outcome("recipient") == "fail"


def test_revoked_hosted_assertion():
    hosted = assertion(revoked=True, revocationReason="Fraude")
    result = verify_credential(json.dumps(assertion()), fetch=fetcher(hosted), now=NOW)
    assert result.status == "revoked"


def test_assertion_hosted_on_another_domain_is_out_of_scope():
    moved = assertion(id="https://evil.example/a")
    routes = fetcher().routes | {"https://evil.example/a": moved}
    result = verify_credential(json.dumps(moved), fetch=Fetcher(routes), now=NOW)
    assert "issuer_identity.out_of_scope" in {c.message_code for c in result.checks}
    assert result.status == "failed"


def test_signed_assertion_presented_as_json_fails():
    signed = assertion(verification={"type": "signed", "creator": "https://roc.example/key"})
    result = verify_credential(json.dumps(signed), fetch=fetcher(), now=NOW)
    assert "proof.jws_missing" in {c.message_code for c in result.checks}


@pytest.mark.parametrize("node", [BADGE_CLASS, ISSUER])
def test_badge_class_or_issuer_is_not_an_awarded_badge(node):
    with pytest.raises(ParseError) as caught:
        parse_credential(json.dumps(node))
    assert caught.value.code == "parse.not_a_credential"


def test_partial_summary_at_parse_time():
    parsed = parse_credential(json.dumps(assertion(badge=BADGE_CLASS)))
    assert parsed.format == "ob2_hosted"
    assert parsed.summary.achievement.ec == 2.5


def test_an_unreachable_issuer_copy_says_so_once_and_claims_nothing_about_withdrawal():
    result = verify_credential(json.dumps(assertion()), fetch=Fetcher({}), now=NOW)
    proofs = [c for c in result.checks if c.id == "proof"]
    assert [c.message_code for c in proofs] == ["proof.hosted_unavailable"]
    revocation = next(c for c in result.checks if c.id == "revocation")
    assert (revocation.outcome, revocation.message_code) == ("skipped",
                                                             "revocation.hosted_unknown")
    assert result.status != "verified"


def test_an_issuer_profile_that_cannot_be_fetched_still_leaves_its_id():
    badge_only = Fetcher({BADGE_CLASS["id"]: BADGE_CLASS})
    result = verify_credential(json.dumps(assertion()), fetch=badge_only, now=NOW)
    assert (result.summary.title, result.summary.issuer_id) == ("Lassen MIG/MAG", ISSUER_URL)
    assert result.summary.issuer_name is None
    assert [c.message_code for c in result.checks if c.id == "proof"] == [
        "proof.hosted_unavailable"]
