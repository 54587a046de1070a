"""What an issuer publishes and signs, as plain functions (no Flask, no database), so tests
and the benchmark use exactly what the service issues: did:web identifiers and the DID
document, the OB 3.0 issuer profile and achievement, the ``OpenBadgeCredential`` with a Data
Integrity ``eddsa-rdfc-2022`` proof or as VC-JWT, and the Bitstring Status List credential.

Only terms the pinned VC 2.0 and OB 3.0 contexts define are used: a Data Integrity proof
covers a document's RDF graph, and an undefined term drops out of it unsigned. So hours,
learning outcomes and the assessment go into the criteria narrative (Markdown), EC into
``creditsAvailable``, the NLQF/EQF level and the qualification (crebo) into ``alignment``.
"""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from html import escape
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from eigendossier.credentials import dataintegrity, sdjwt, sdjwtvc
from eigendossier.credentials.jws import sign_compact
from eigendossier.credentials.status import encode_bitstring

VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
PROOFS = ("eddsa-rdfc-2022", "vc-jwt")
SD_JWT_VC = "dc+sd-jwt"  # on request per award: fields the learner can withhold when sharing
LANGUAGES = ("nl", "en")
HOURS_PER_EC = 28
MICROCREDENTIAL_EC = (3, 30)
# 16 KB, the smallest list the Bitstring Status List specification recommends (herd privacy).
STATUS_LIST_BITS = 131072

ASSESSMENTS = {
    "nl": {"practical_exam": "praktijkexamen", "knowledge_test": "kennistoets",
           "portfolio": "portfolio", "assignment": "beroepsopdracht",
           "observation": "observatie in de beroepspraktijk",
           "proof_of_competence": "proeve van bekwaamheid"},
    "en": {"practical_exam": "practical exam", "knowledge_test": "knowledge test",
           "portfolio": "portfolio", "assignment": "professional assignment",
           "observation": "observation in professional practice",
           "proof_of_competence": "proof of competence"},
}
TEXTS = {
    "nl": {
        "description": "{name}: een onderdeel van de mbo-kwalificatie {qualification} "
                       "(crebo {crebo}, niveau {level}).",
        "criteria": "Met goed gevolg afgerond en beoordeeld met een {assessment}.",
        "assessment": "Beoordeling: {assessment}.",
        "outcomes": "Leeruitkomsten:",
        "load": "Studiebelasting: {ec} EC, {hours} uur (1 EC = 28 uur).",
        "level": "{framework} niveau {level}",
        "qualification": "{qualification} (crebo {crebo})",
    },
    "en": {
        "description": "{name}: part of the Dutch vocational (mbo) qualification "
                       "{qualification} (crebo {crebo}, level {level}).",
        "criteria": "Completed successfully and assessed by a {assessment}.",
        "assessment": "Assessment: {assessment}.",
        "outcomes": "Learning outcomes:",
        "load": "Study load: {ec} EC, {hours} hours (1 EC = 28 hours).",
        "level": "{framework} level {level}",
        "qualification": "{qualification} (crebo {crebo})",
    },
}
FRAMEWORK_URLS = {
    "NLQF": "https://www.nlqf.nl/",
    "EQF": "https://europass.europa.eu/en/europass-digital-tools/european-qualifications-framework",
    "crebo": "https://www.s-bb.nl/",
}


def did_web(base_url: str, slug: str) -> str:
    """``did:web:<host>[%3A<port>][:<path>]:issuers:<slug>`` for an installation at
    ``base_url``; it resolves to ``https://<host>[:<port>]/<path>/issuers/<slug>/did.json``."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"{base_url!r} is not an absolute http(s) URL")
    host = parts.hostname + (f"%3A{parts.port}" if parts.port else "")
    path = [segment for segment in parts.path.split("/") if segment]
    return ":".join(["did:web", host, *path, "issuers", slug])


def did_document(did: str, keys: list[tuple[str, str]]) -> dict:
    """The DID document listing every key (``(fragment, multikey)``, oldest first) for
    assertions: a rotated-out key stays, so what it signed keeps verifying."""
    methods = [{"id": f"{did}#{fragment}", "type": "Multikey", "controller": did,
                "publicKeyMultibase": multikey} for fragment, multikey in keys]
    return {
        "@context": DID_CONTEXTS,
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def timestamp(moment: datetime) -> str:
    """XSD dateTime in UTC with a ``Z``, to the second (naive datetimes are UTC)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Issuer:
    did: str
    name: str
    url: str = ""
    email: str = ""
    image: str = ""

    def profile(self) -> dict:
        """The OB 3.0 ``Profile`` (embedded in credentials; served with an ``@context``)."""
        profile = {"id": self.did, "type": ["Profile"], "name": self.name}
        if self.url:
            profile["url"] = self.url
        if self.email:
            profile["email"] = self.email
        if self.image:
            profile["image"] = {"id": self.image, "type": "Image"}
        return profile


@dataclass(frozen=True)
class Signer:
    private_key: Ed25519PrivateKey
    method: str  # <did>#key-<n>


@dataclass(frozen=True)
class Facts:
    """A catalogue block as an achievement; texts are ``{"nl": …, "en": …}``."""

    id: str
    code: str
    name: dict
    qualification: dict
    crebo: str
    level: int
    ec: float
    hours: int
    learning_outcomes: list
    assessment_type: str = "practical_exam"
    description: dict | None = None
    criteria: dict | None = None


def _number(value: float) -> int | float:
    """Whole numbers as integers: JSON-LD processors in JavaScript read ``3.0`` as the integer
    3, so a float would canonicalise differently there and break the signature."""
    return int(value) if float(value).is_integer() else float(value)


def _ec_text(value: float, language: str) -> str:
    text = f"{_number(value)}"
    return text.replace(".", ",") if language == "nl" else text


def _text(texts: dict | None, language: str) -> str:
    return ((texts or {}).get(language) or "").strip()


def achievement_type(ec: float) -> str:
    low, high = MICROCREDENTIAL_EC
    return "MicroCredential" if low <= ec <= high else "Course"


def description(facts: Facts, language: str) -> str:
    return _text(facts.description, language) or TEXTS[language]["description"].format(
        name=facts.name[language], qualification=facts.qualification[language],
        crebo=facts.crebo, level=facts.level)


def criteria(facts: Facts, language: str) -> str:
    """Markdown: what was required, how it was assessed, the learning outcomes, the load."""
    words, assessment = TEXTS[language], ASSESSMENTS[language][facts.assessment_type]
    own = _text(facts.criteria, language)
    lines = [own + "\n\n" + words["assessment"].format(assessment=assessment) if own
             else words["criteria"].format(assessment=assessment)]
    outcomes = [_text(o, language) for o in facts.learning_outcomes if _text(o, language)]
    if outcomes:
        lines.append(words["outcomes"] + "\n\n" + "\n".join(f"- {o}" for o in outcomes))
    lines.append(words["load"].format(ec=_ec_text(facts.ec, language), hours=facts.hours))
    return "\n\n".join(lines)


def _alignment(name: str, framework: str, code: str, url: str) -> dict:
    return {"type": ["Alignment"], "targetName": name, "targetFramework": framework,
            "targetCode": code, "targetUrl": url}


def alignments(facts: Facts, language: str) -> list[dict]:
    words = TEXTS[language]
    levels = [_alignment(words["level"].format(framework=f, level=facts.level), f,
                         str(facts.level), FRAMEWORK_URLS[f]) for f in ("NLQF", "EQF")]
    qualification = words["qualification"].format(
        qualification=facts.qualification[language], crebo=facts.crebo)
    return [*levels, _alignment(qualification, "Kwalificatiestructuur mbo (crebo)",
                                facts.crebo, FRAMEWORK_URLS["crebo"])]


def badge_svg(code: str, ec: float) -> str:
    """A plain round badge with the block's code and study load (the image of the badge)."""
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" '
            'viewBox="0 0 256 256"><circle cx="128" cy="128" r="120" fill="#0b5d6b"/>'
            '<circle cx="128" cy="128" r="104" fill="none" stroke="#fff" stroke-width="4"/>'
            f'<text x="128" y="122" font-family="sans-serif" font-size="34" fill="#fff" '
            f'text-anchor="middle">{escape(code[:12])}</text>'
            f'<text x="128" y="166" font-family="sans-serif" font-size="26" fill="#fff" '
            f'text-anchor="middle">{escape(_ec_text(ec, "en"))} EC</text></svg>')


def image(facts: Facts) -> dict:
    return {"id": _image_uri(facts.code, facts.ec), "type": "Image"}


@lru_cache(maxsize=256)
def _image_uri(code: str, ec: float) -> str:
    """The badge as a data: URI, a function of the code and the load alone (made twice for
    every credential: its image and its achievement's)."""
    svg = base64.b64encode(badge_svg(code, ec).encode()).decode()
    return f"data:image/svg+xml;base64,{svg}"


def achievement(facts: Facts, language: str) -> dict:
    """The OB 3.0 ``Achievement`` in one language; the other language's edition is given as
    ``related`` (served at ``<id>?lang=<language>``)."""
    other = next(lang for lang in LANGUAGES if lang != language)
    return {
        "id": facts.id,
        "type": ["Achievement"],
        "achievementType": achievement_type(facts.ec),
        "name": facts.name[language],
        "description": description(facts, language),
        "criteria": {"narrative": criteria(facts, language)},
        "creditsAvailable": _number(facts.ec),
        "humanCode": facts.code,
        "fieldOfStudy": facts.qualification[language],
        "inLanguage": language,
        "image": image(facts),
        "alignment": alignments(facts, language),
        "otherIdentifier": [{"type": "IdentifierEntry", "identifier": facts.crebo,
                             "identifierType": "ext:crebo"}],
        "related": [{"id": f"{facts.id}?lang={other}", "type": ["Related"],
                     "inLanguage": other}],
    }


def identity(email: str, salt: str) -> dict:
    """OB 3.0 ``IdentityObject``: the address lower-cased, salted and hashed (SHA-256)."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return {"type": "IdentityObject", "identityHash": f"sha256${digest}",
            "identityType": "emailAddress", "hashed": True, "salt": salt}


def status_entry(list_url: str, index: int) -> dict:
    return {"id": f"{list_url}#{index}", "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": str(index),
            "statusListCredential": list_url}


def credential(issuer: Issuer, facts: Facts, *, language: str, credential_id: str,
               email: str, salt: str, valid_from: datetime, list_url: str, index: int,
               completed_on: date | None = None) -> dict:
    """An unsigned ``OpenBadgeCredential`` (VC data model 2.0) for one learner."""
    subject = {"type": ["AchievementSubject"], "identifier": [identity(email, salt)],
               "achievement": achievement(facts, language)}
    if completed_on:
        subject["activityEndDate"] = f"{completed_on.isoformat()}T00:00:00Z"
    return {
        "@context": [VC2, OB3],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer.profile(),
        "validFrom": timestamp(valid_from),
        "name": facts.name[language],
        "image": image(facts),
        "credentialSubject": subject,
        "credentialStatus": status_entry(list_url, index),
    }


def sign_data_integrity(document: dict, signer: Signer, created: datetime) -> dict:
    """The document with an ``eddsa-rdfc-2022`` proof."""
    return dataintegrity.sign(document, signer.private_key, signer.method, timestamp(created))


def sign_vc_jwt(document: dict, signer: Signer) -> str:
    """The document as a VC-JWT (EdDSA): the credential is the payload, with the registered
    claims a JWT verifier checks (``iss``, ``jti``, ``nbf``, ``iat``)."""
    issuer = document["issuer"]
    moment = datetime.strptime(document["validFrom"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    seconds = int(moment.timestamp())
    payload = {**document, "iss": issuer["id"] if isinstance(issuer, dict) else issuer,
               "jti": document["id"], "nbf": seconds, "iat": seconds}
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": signer.method}
    return sign_compact(header, json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                        signer.private_key)


def sign_sd_jwt_vc(document: dict, signer: Signer, *, learner_name: str | None = None,
                   birth_date: date | None = None, grade: str | None = None,
                   evidence: list[str] | None = None,
                   holder_jwk: dict | None = None) -> str:
    """The award as an SD-JWT VC (``dc+sd-jwt``): issuer, achievement, EC and dates always
    shown; the learner's name, birth date, completion date, grade and evidence disclosable
    one by one, so the learner chooses what an employer sees."""
    issuer = document["issuer"]
    achievement = document["credentialSubject"]["achievement"]
    levels = {a["targetFramework"]: a["targetCode"] for a in achievement.get("alignment", [])}
    completed = document["credentialSubject"].get("activityEndDate")
    entry = document.get("credentialStatus") or {}
    status = ((entry["statusListCredential"] + "/token", int(entry["statusListIndex"]))
              if entry.get("statusListCredential") else None)
    moment = datetime.strptime(document["validFrom"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    claims, paths = sdjwtvc.award_claims(
        issuer=issuer["id"], issuer_name=issuer.get("name", ""), credential_id=document["id"],
        issued_at=moment,
        achievement={"id": achievement["id"], "name": achievement["name"],
                     "description": achievement["description"],
                     "type": achievement["achievementType"],
                     "code": achievement["humanCode"], "ec": achievement["creditsAvailable"],
                     "qualification": achievement.get("fieldOfStudy"),
                     "crebo": levels.get("Kwalificatiestructuur mbo (crebo)"),
                     "nlqf_level": levels.get("NLQF")},
        learner_name=learner_name, birth_date=birth_date.isoformat() if birth_date else None,
        completion_date=completed[:10] if completed else None, grade=grade, evidence=evidence,
        status=status)
    header = {"alg": "EdDSA", "typ": sdjwt.VC_TYP, "kid": signer.method}
    return sdjwt.issue(claims, paths, signer.private_key, header=header, holder_jwk=holder_jwk,
                       decoys=award_decoys)


def award_decoys() -> int:
    """Decoy digests per object of an award (RFC 9901 section 4.2.5): a random 2 to 5, so the
    number of digests does not tell how many fields (grade, birth date, …) an award holds."""
    return 2 + secrets.randbelow(4)


def status_list_credential(url: str, issuer_did: str, bits: bytes, valid_from: datetime,
                           purpose: str = "revocation") -> dict:
    """An unsigned ``BitstringStatusListCredential``; sign it with Data Integrity (what
    verifiers, ours included, check on a status list)."""
    return {
        "@context": [VC2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did,
        "validFrom": timestamp(valid_from),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList",
                              "statusPurpose": purpose, "encodedList": encode_bitstring(bits)},
    }


def status_index(position: int, a: int, b: int, size: int = STATUS_LIST_BITS) -> int:
    """The index of the ``position``-th credential on a list: ``(a·position + b) mod size``,
    a permutation of ``0…size-1`` because ``a`` is odd and ``size`` a power of two."""
    return (a * position + b) % size


def set_bit(bits: bytes, index: int) -> bytes:
    """Index 0 is the left-most bit of the first byte (Bitstring Status List)."""
    changed = bytearray(bits)
    changed[index // 8] |= 0x80 >> (index % 8)
    return bytes(changed)


CLR2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"


def qualification_achievement(achievement_id: str, name: dict, crebo: str, level: int,
                              ec_total: float, language: str) -> dict:
    """The whole qualification as the ``LearningProgram`` the blocks are children of."""
    texts = TEXTS[language]
    return {
        "id": achievement_id, "type": ["Achievement"], "achievementType": "LearningProgram",
        "name": name[language], "humanCode": crebo,
        "description": texts["qualification"].format(qualification=name[language], crebo=crebo),
        "criteria": {"narrative": texts["load"].format(
            ec=_ec_text(ec_total, language),
            hours=round(ec_total * HOURS_PER_EC))},
        "creditsAvailable": _number(ec_total),
        "alignment": [_alignment(texts["level"].format(framework="NLQF", level=level),
                                 "NLQF", str(level), FRAMEWORK_URLS["NLQF"])],
    }


def clr_credential(issuer: Issuer, *, credential_id: str, name: str, description: str,
                   email: str, salt: str, valid_from: datetime, qualification: dict,
                   awards: list[dict], partial: bool) -> dict:
    """An unsigned 1EdTech CLR 2.0 ``ClrCredential``: the learner's awards as they were
    issued (``verifiableCredential``), the qualification and the blocks' achievements
    (``achievement``), and that each block is a child of the qualification (``association``).
    ``partial`` says the record is not (yet) the whole qualification."""
    blocks = [award["credentialSubject"]["achievement"] for award in awards]
    subject = {
        "type": ["ClrSubject"], "identifier": [identity(email, salt)],
        "achievement": [qualification, *blocks],
        "verifiableCredential": awards,
        "association": [{"type": "Association", "associationType": "isChildOf",
                         "sourceId": block["id"], "targetId": qualification["id"]}
                        for block in blocks],
    }
    return {
        "@context": [VC2, CLR2, OB3],
        "id": credential_id,
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": issuer.profile(),
        "validFrom": timestamp(valid_from),
        "name": name,
        "description": description,
        "partial": partial,
        "credentialSubject": subject,
    }
