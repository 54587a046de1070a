"""Credentials made on the spot for API and e2e tests: an Open Badges 3.0 microcredential
issued to a learner's email address (hashed with a salt, as issuers do) or to a DID, signed
by a did:key issuer, as VC-JWT or Data Integrity, optionally baked into a PNG or SVG.

Made with the project's own signing and baking code, so the tests need no files from
outside the repository (the third-party vectors are for tests/conformance only)."""
import hashlib
import json
import uuid
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ed25519

from eigendossier.credentials import bake_png, bake_svg, dataintegrity
from eigendossier.credentials.jws import sign_compact
from eigendossier.credentials.keys import PublicKey
from eigendossier.credentials.status import encode_bitstring

ROOT = Path(__file__).resolve().parents[1]
VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ICON = ROOT / "pwa" / "icons" / "favicon-32.png"  # a plain PNG, no credential in it
# A holder's DID that no learner here has: a credential issued to it verifies, but nothing
# links it to the learner who imports it (the recipient check warns).
UNLINKED_DID = "did:example:ebfeb1f712ebc6f1c276e12ec21"
TEAMWORK = "https://example.com/achievements/21st-century-skills/teamwork"
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">'
       '<circle cx="32" cy="32" r="30" fill="#0b5d6b"/></svg>')


class Issuer:
    def __init__(self):
        self.private = ed25519.Ed25519PrivateKey.generate()
        multikey = PublicKey("Ed25519", self.private.public_key()).to_multikey()
        self.did = f"did:key:{multikey}"
        self.method = f"{self.did}#{multikey}"


def microcredential(email: str, issuer: Issuer, *, name="Veilig werken met elektriciteit",
                    achievement_id="https://roc.example/achievements/elektra-veilig",
                    valid_from="2024-09-01T00:00:00Z",
                    valid_until: str | None = None, issuer_name="ROC Voorbeeld",
                    issuer_url: str | None = None,
                    criteria="Praktijkexamen en kennistoets behaald.") -> dict:
    """Issued to `email`, or to the DID when `email` is one (did:…)."""
    if email.startswith("did:"):
        recipient = {"id": email}
    else:
        salt = uuid.uuid4().hex[:12]
        identity = "sha256$" + hashlib.sha256((email.lower() + salt).encode()).hexdigest()
        recipient = {"identifier": [{"type": "IdentityObject", "identityHash": identity,
                                     "identityType": "emailAddress", "hashed": True,
                                     "salt": salt}]}
    document = {
        "@context": [VC2, OB3],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer.did, "type": ["Profile"], "name": issuer_name,
                   **({"url": issuer_url} if issuer_url else {})},
        "validFrom": valid_from,
        "name": name,
        "credentialSubject": {
            **recipient,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "name": name,
                "description": "Werkt veilig aan laagspanningsinstallaties.",
                "criteria": {"narrative": criteria},
                "creditsAvailable": 3,
                "alignment": [{"type": ["Alignment"], "targetName": "NLQF 4",
                               "targetFramework": "NLQF", "targetCode": "4",
                               "targetUrl": "https://nlqf.nl/"}],
            },
        },
    }
    if valid_until:
        document["validUntil"] = valid_until
    return document


def signed_di(email: str, **options) -> dict:
    issuer = Issuer()
    document = microcredential(email, issuer, **options)
    return dataintegrity.sign(document, issuer.private, issuer.method, document["validFrom"])


def unlinked(**options) -> dict:
    """Teamwork, issued in 2010 to a DID no learner has: verified, with a warning."""
    options = {"name": "Teamwork", "achievement_id": TEAMWORK,
               "valid_from": "2010-01-01T00:00:00Z", **options}
    return signed_di(UNLINKED_DID, **options)


def signed_jwt(email: str, **options) -> str:
    issuer = Issuer()
    document = microcredential(email, issuer, **options)
    payload = {**document, "iss": issuer.did, "jti": document["id"], "nbf": 1725148800}
    return sign_compact({"alg": "EdDSA", "typ": "vc+jwt", "kid": issuer.method},
                        json.dumps(payload).encode(), issuer.private)


def baked_png(email: str, **options) -> bytes:
    return bake_png(ICON.read_bytes(), json.dumps(signed_di(email, **options)))


def unlinked_png(**options) -> bytes:
    return bake_png(ICON.read_bytes(), json.dumps(unlinked(**options)))


def baked_svg(email: str, **options) -> bytes:
    return bake_svg(SVG, signed_jwt(email, **options), is_jws=True).encode()


def with_status_list(email: str, list_url: str, *, revoked: bool = False) -> tuple[dict, dict]:
    """A microcredential whose revocation is read from the BitstringStatusList at `list_url`,
    and that list (signed by the same issuer; the credential's bit set when `revoked`)."""
    issuer = Issuer()
    index = 7
    bits = bytearray(16 * 1024)
    if revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    status_list = dataintegrity.sign({
        "@context": [VC2], "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.did, "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": list_url + "#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation",
                              "encodedList": encode_bitstring(bytes(bits))},
    }, issuer.private, issuer.method, "2024-01-01T00:00:00Z")
    document = microcredential(email, issuer)
    document["credentialStatus"] = {
        "id": f"{list_url}#{index}", "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation", "statusListIndex": str(index),
        "statusListCredential": list_url}
    signed = dataintegrity.sign(document, issuer.private, issuer.method, document["validFrom"])
    return signed, status_list


def hosted_ob2_png(email: str, host: str = "https://127.0.0.1:9") -> bytes:
    """An Open Badges 2.0 hosted assertion baked into a PNG, as edubadges hands them out:
    the image holds only the assertion, its badge class and issuer live at `host` (by default
    an address that answers nothing, so the issuer's copy cannot be fetched)."""
    assertion = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": f"{host}/public/assertions/42",
        "recipient": {"type": "email", "hashed": False, "identity": email},
        "badge": f"{host}/public/badges/42",
        "issuedOn": "2024-09-01T10:00:00Z",
        "verification": {"type": "hosted"},
    }
    return bake_png(ICON.read_bytes(), json.dumps(assertion), version="2.0")
