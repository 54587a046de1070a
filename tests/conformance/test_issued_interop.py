"""What we issue, checked from outside: it validates against 1EdTech's OB 3.0 JSON Schema, our
own verifier accepts it fetching only our public documents, and its eddsa-rdfc-2022 proof
(and its VC-JWT signature) verify in an independent implementation written here from the
specifications with pyld and cryptography, not with our credentials library."""
import base64
import copy
import hashlib
import json
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from jsonschema import Draft4Validator
from pyld import jsonld

from eigendossier.accounts import service as accounts
from eigendossier.catalog.models import Block
from eigendossier.catalog.service import import_catalog
from eigendossier.core.extensions import db
from eigendossier.credentials import verify_credential
from eigendossier.issuing import awarding
from eigendossier.issuing import service as issuing
from tests.support import PASSWORD

from .support import EDTECH, FileFetcher

CATALOG = Path(__file__).resolve().parents[1] / "fixtures" / "catalog.yaml"
CONTEXTS = EDTECH / "contexts"
SCHEMA = EDTECH / "schemas" / "ob_v3p0_achievementcredential_schema_draft4.json"
BASE = "https://dossier.example.nl"
DID = "did:web:dossier.example.nl:issuers:tcr"


@pytest.fixture
def app_settings():
    return {"ISSUING_BASE_URL": BASE}


@pytest.fixture
def issued(app):
    """A credential issued by tcr to a learner through the service, with the public
    documents a wallet elsewhere would fetch: {url: document}."""
    with app.app_context():
        import_catalog(CATALOG.read_text())
        accounts.sign_up("sanne@example.nl", PASSWORD, "Sanne")
        staff = accounts.create_staff("docent@tcr.nl", PASSWORD, "Pieter", "issuer", "tcr")
        issuing.create_key("tcr")
        block = db.session.scalar(db.select(Block).filter_by(code="TIM-02"))
        row = awarding.award(staff, "tcr", block.id, "sanne@example.nl")
        profile = issuing.public_profile("tcr")
        published = {
            "https://dossier.example.nl/issuers/tcr/did.json": issuing.did_document(profile),
            row.status_list.url: json.loads(row.status_list.document),
        }
        return row.forms, published


# -- an independent eddsa-rdfc-2022 and EdDSA JWS check, from the specifications ----------

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58btc(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + B58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def pinned_loader():
    """pyld document loader serving only the contexts shipped with the vectors."""
    files = dict(line.split() for line in (CONTEXTS / "URLS.txt").read_text().splitlines()
                 if line.strip())

    def load(url, options=None):
        path = CONTEXTS / files[url].split("/")[-1]
        return {"contentType": "application/ld+json", "contextUrl": None,
                "documentUrl": url, "document": json.loads(path.read_text())}

    return load


def rdfc(document: dict) -> bytes:
    return jsonld.normalize(document, {"algorithm": "URDNA2015",
                                       "format": "application/n-quads",
                                       "documentLoader": pinned_loader()}).encode("utf-8")


def public_key(did_document: dict, method: str) -> Ed25519PublicKey:
    [entry] = [m for m in did_document["verificationMethod"] if m["id"] == method]
    assert method in did_document["assertionMethod"]
    raw = base58btc(entry["publicKeyMultibase"][1:])
    assert raw[:2] == b"\xed\x01"  # multicodec ed25519-pub
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def check_eddsa_rdfc_2022(document: dict, did_document: dict) -> None:
    """VC Data Integrity EdDSA Cryptosuites v1.0, 3.3: verify eddsa-rdfc-2022. Raises
    InvalidSignature when the proof does not verify."""
    proof = document["proof"]
    assert (proof["type"], proof["cryptosuite"]) == ("DataIntegrityProof", "eddsa-rdfc-2022")
    assert proof["proofPurpose"] == "assertionMethod"
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options["@context"] = document["@context"]
    data = hashlib.sha256(rdfc(options)).digest() + hashlib.sha256(rdfc(unsecured)).digest()
    assert proof["proofValue"].startswith("z")
    key = public_key(did_document, proof["verificationMethod"])
    key.verify(base58btc(proof["proofValue"][1:]), data)


def check_eddsa_jws(token: str, did_document: dict) -> dict:
    header_b64, payload_b64, signature_b64 = token.split(".")

    def decode(part):
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))

    header = json.loads(decode(header_b64))
    assert header["alg"] == "EdDSA"
    public_key(did_document, header["kid"]).verify(
        decode(signature_b64), f"{header_b64}.{payload_b64}".encode("ascii"))
    return json.loads(decode(payload_b64))


# -- the 1EdTech JSON Schema -----------------------------------------------------------------


def schema_validator() -> Draft4Validator:
    """The shipped draft-4 schema predates VC 2.0 and OB 3.0.3. Adapted only where those say
    otherwise: VC 2.0 names the dates validFrom/validUntil, a credentialStatus entry carries
    the Bitstring Status List properties, and a Related achievement has type and inLanguage
    (3.0.3). Everything else, additionalProperties: false included, stays as shipped."""
    schema = json.loads(SCHEMA.read_text())
    properties, required = schema["properties"], schema["required"]
    properties["validFrom"] = properties.pop("issuanceDate")
    properties["validUntil"] = properties.pop("expirationDate")
    schema["required"] = ["validFrom" if r == "issuanceDate" else r for r in required]
    schema["$defs"]["CredentialStatus"]["additionalProperties"] = True
    related = schema["$defs"]["Related"]["properties"]
    related["type"] = {"type": "array", "items": {"type": "string"}}
    related["inLanguage"] = related.pop("@language")
    return Draft4Validator(schema)


def test_what_we_issue_is_schema_valid_and_verifies_independently_and_in_ours(issued):
    forms, published = issued
    did_document = published["https://dossier.example.nl/issuers/tcr/did.json"]
    assert did_document["id"] == DID
    signed, token = forms["json"], forms["jwt"]

    validator = schema_validator()
    payload = check_eddsa_jws(token, did_document)
    for document in (signed, {k: v for k, v in payload.items()
                              if k not in ("iss", "jti", "nbf", "iat")}):
        errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(document)]
        assert errors == []
    assert payload["iss"] == DID
    assert payload["jti"] == signed["id"]

    check_eddsa_rdfc_2022(signed, did_document)
    status_list = published[signed["credentialStatus"]["statusListCredential"]]
    check_eddsa_rdfc_2022(status_list, did_document)
    assert status_list["issuer"] == signed["issuer"]["id"] == DID

    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["creditsAvailable"] = 30
    with pytest.raises(InvalidSignature):
        check_eddsa_rdfc_2022(tampered, did_document)

    fetch = FileFetcher(published)
    for credential in (json.dumps(forms["json"]), forms["jwt"]):
        result = verify_credential(credential, fetch=fetch,
                                   recipient_emails=["sanne@example.nl"])
        outcomes = {check.id: check.message_code for check in result.checks}
        assert result.status == "verified", outcomes
        assert outcomes["issuer_identity"] == "issuer_identity.confirmed"
        assert outcomes["revocation"] == "revocation.not_revoked"
    assert set(fetch.requested) == set(published)
