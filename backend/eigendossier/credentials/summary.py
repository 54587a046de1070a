"""The parsed summary: title, issuer, dates, recipient and the achievement with its Dutch
microcredential fields.

SURF edubadges (OB 2.0) carry those fields as BadgeClass extensions
(``extensions:ECTSExtension`` → ``ECTS``, ``EQFExtension`` → ``EQF``, ``StudyLoadExtension``
→ ``StudyLoad`` hours, ``LearningOutcomeExtension``, ``EducationProgramIdentifierExtension``,
``TimeInvestmentExtension``); their OB 3.0 exports put ``ECTS`` and
``educationProgramIdentifier`` on the achievement. OB 3.0's own ``creditsAvailable`` and NLQF /
EQF alignments are read too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .model import Achievement, CredentialSummary, Kind

BADGE_TYPES = ("OpenBadgeCredential", "AchievementCredential")


def parse_datetime(value: Any) -> datetime | None:
    """An ISO 8601 / XSD dateTime as an aware UTC datetime (naive values are taken as UTC)."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("z", "Z")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def text(value: Any) -> str | None:
    """A display string from a plain or language-mapped value."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("nl", "en", "@value"):
            candidate = value.get(key)
            if isinstance(candidate, str):
                return candidate
        return next((v for v in value.values() if isinstance(v, str)), None)
    if isinstance(value, list) and value:
        return text(value[0])
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "."))
        except ValueError:
            return None
    return None


def _image(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else None


def as_object(value: Any) -> dict[str, Any]:
    """A JSON object as it is; anything else as an empty one."""
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [str(v) for v in items if isinstance(v, str | int | float) and not isinstance(v, bool)]


# -- OB 3.0 -----------------------------------------------------------------------------------


def types_of(node: Any) -> list[str]:
    if not isinstance(node, dict):
        return []
    value = node.get("type", [])
    if isinstance(value, str):
        return [value]
    return [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


def vc_summary(credential: dict[str, Any], fmt: str) -> CredentialSummary:
    issuer = credential.get("issuer")
    issuer = issuer if isinstance(issuer, dict) else {"id": issuer}
    subject = credential.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    subject = subject if isinstance(subject, dict) else {}
    achievement = as_object(subject.get("achievement"))
    return CredentialSummary(
        format=fmt,
        kind=_kind(credential),
        credential_id=credential.get("id") if isinstance(credential.get("id"), str) else None,
        title=text(credential.get("name")) or text(achievement.get("name")),
        description=text(credential.get("description")) or text(achievement.get("description")),
        issuer_id=issuer.get("id") if isinstance(issuer.get("id"), str) else None,
        issuer_name=text(issuer.get("name")),
        issuer_url=issuer.get("url") if isinstance(issuer.get("url"), str) else None,
        image=_image(credential.get("image")) or _image(achievement.get("image")),
        issued_on=parse_datetime(
            subject.get("awardedDate")
            or credential.get("validFrom")
            or credential.get("issuanceDate")
        ),
        expires_on=parse_datetime(credential.get("validUntil") or credential.get("expirationDate")),
        recipient=_vc_recipient(subject),
        achievement=_ob3_achievement(achievement),
    )


def _kind(credential: dict[str, Any]) -> Kind:
    types = types_of(credential)
    if any(t in BADGE_TYPES for t in types):
        return "open_badge"
    if "EndorsementCredential" in types:
        return "endorsement"
    return "other_credential"


def _vc_recipient(subject: dict[str, Any]) -> str | None:
    subject_id = subject.get("id")
    if isinstance(subject_id, str):
        return subject_id
    for identity in (
        subject.get("identifier", []) if isinstance(subject.get("identifier"), list) else []
    ):
        identity_hash = identity.get("identityHash") if isinstance(identity, dict) else None
        if isinstance(identity_hash, str):
            return identity_hash
    return None


def _ob3_achievement(node: dict[str, Any]) -> Achievement:
    criteria = as_object(node.get("criteria"))
    levels = _alignment_levels(node.get("alignment"))
    return Achievement(
        id=node.get("id") if isinstance(node.get("id"), str) else None,
        name=text(node.get("name")),
        description=text(node.get("description")),
        achievement_type=text(node.get("achievementType")),
        criteria=text(criteria.get("narrative")) or criteria.get("id"),
        ec=_number(node.get("ECTS", node.get("creditsAvailable"))),
        nlqf_level=_level(node.get("NLQF")) or levels.get("NLQF"),
        eqf_level=_level(node.get("EQF")) or levels.get("EQF"),
        learning_outcomes=_strings(node.get("learningOutcome", node.get("learningOutcomes", []))),
        assessment=text(node.get("assessmentType") or node.get("assessment")),
        education_program_id=_program_id(node.get("educationProgramIdentifier")),
        study_load_hours=_number(node.get("studyLoad", node.get("StudyLoad"))),
    )


def _alignment_levels(alignments: Any) -> dict[str, str]:
    levels: dict[str, str] = {}
    for item in alignments if isinstance(alignments, list) else []:
        if not isinstance(item, dict):
            continue
        framework = str(item.get("targetFramework", "")).upper()
        for name in ("NLQF", "EQF"):
            if name in framework and item.get("targetCode") is not None:
                levels.setdefault(name, str(item["targetCode"]))
    return levels


def _level(value: Any) -> str | None:
    if value is None or isinstance(value, bool | dict | list):
        return None
    return str(value)


def _program_id(value: Any) -> str | None:
    ids = _strings(value)
    return ", ".join(ids) if ids else None


# -- OB 2.0 -----------------------------------------------------------------------------------


def _extension(node: dict[str, Any], name: str) -> dict[str, Any]:
    value = node.get(f"extensions:{name}")
    return value if isinstance(value, dict) else {}


def edubadges_achievement(badge: dict[str, Any]) -> Achievement:
    """Achievement of an OB 2.0 BadgeClass, with SURF edubadges extensions."""
    criteria = badge.get("criteria")
    criteria_text = criteria.get("narrative") if isinstance(criteria, dict) else criteria
    study_load = _extension(badge, "StudyLoadExtension").get("StudyLoad")
    if study_load is None:
        study_load = _extension(badge, "TimeInvestmentExtension").get("TimeInvestment")
    return Achievement(
        id=badge.get("id") if isinstance(badge.get("id"), str) else None,
        name=text(badge.get("name")),
        description=text(badge.get("description")),
        criteria=text(criteria_text),
        ec=_number(_extension(badge, "ECTSExtension").get("ECTS")),
        nlqf_level=_level(_extension(badge, "NLQFExtension").get("NLQF")),
        eqf_level=_level(_extension(badge, "EQFExtension").get("EQF")),
        learning_outcomes=_strings(
            _extension(badge, "LearningOutcomeExtension").get("LearningOutcome", [])
        ),
        assessment=text(_extension(badge, "AssessmentExtension").get("Assessment")),
        education_program_id=_program_id(
            _extension(badge, "EducationProgramIdentifierExtension").get(
                "EducationProgramIdentifier"
            )
        ),
        study_load_hours=_number(study_load),
    )


def ob2_summary(
    assertion: dict[str, Any], badge: dict[str, Any], issuer: dict[str, Any], fmt: str
) -> CredentialSummary:
    recipient = assertion.get("recipient")
    recipient = recipient if isinstance(recipient, dict) else {}
    return CredentialSummary(
        format=fmt,
        kind="open_badge",
        credential_id=assertion.get("id") if isinstance(assertion.get("id"), str) else None,
        title=text(badge.get("name")),
        description=text(badge.get("description")),
        issuer_id=issuer.get("id") if isinstance(issuer.get("id"), str) else None,
        issuer_name=text(issuer.get("name")),
        issuer_url=issuer.get("url") if isinstance(issuer.get("url"), str) else None,
        image=_image(assertion.get("image")) or _image(badge.get("image")),
        issued_on=parse_datetime(assertion.get("issuedOn")),
        expires_on=parse_datetime(assertion.get("expires")),
        recipient=recipient.get("identity") if isinstance(recipient.get("identity"), str) else None,
        achievement=edubadges_achievement(badge),
    )


def now_utc() -> datetime:
    return datetime.now(UTC)
