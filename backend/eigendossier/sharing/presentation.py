"""Verifiable Presentations of shared credentials (VC Data Model 2.0), signed by the learner's
platform holder key (did:key, Ed25519): as JSON with an ``eddsa-rdfc-2022`` Data Integrity
proof, and as a VP-JWT (VC-JOSE-COSE, ``typ: vp+jwt``).

Credentials secured with Data Integrity are embedded as they are; VC-JWTs are embedded as
``EnvelopedVerifiableCredential`` (``data:application/vc+jwt,…``). Open Badges 2.0 assertions
are not Verifiable Credentials: they are offered only as their original files.

No Flask, no database: the service hands in the parsed credentials and the key."""
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from eigendossier.credentials import dataintegrity
from eigendossier.credentials.jws import sign_compact
from eigendossier.credentials.linkeddata import canonicalize

VC2 = "https://www.w3.org/ns/credentials/v2"
VC_FORMATS = ("ob3_jwt", "ob3_data_integrity", "other_vc")


@dataclass(frozen=True)
class Holder:
    did: str
    verification_method: str
    private_key: Ed25519PrivateKey


def embeddable(parsed) -> dict | None:
    """The credential as a VP carries it, or None when it is not a Verifiable Credential."""
    if parsed.format not in VC_FORMATS:
        return None
    if parsed.jws:
        return {"@context": VC2, "id": f"data:application/vc+jwt,{parsed.jws}",
                "type": "EnvelopedVerifiableCredential"}
    if dataintegrity.proofs_of(parsed.document):
        return parsed.document
    return None


def _canonicalizable(credential: dict) -> bool:
    try:
        canonicalize(credential)
    except Exception:  # ContextRefused, or pyld's JsonLdError for what it cannot expand
        return False
    return True


def presentation(holder: Holder, credentials: list[dict], *, presentation_id: str | None = None,
                 ) -> dict:
    """The unsigned presentation."""
    return {
        "@context": [VC2],
        "id": presentation_id or f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
        "verifiableCredential": credentials,
    }


def sign_data_integrity(holder: Holder, credentials: list[dict], *, domain: str,
                        challenge: str | None = None, now: datetime | None = None) -> dict:
    """The presentation with a Data Integrity proof (purpose authentication, the platform's
    host or a verifier's client id as domain, the verifier's nonce as challenge, else the
    presentation id). Credentials whose JSON-LD cannot be processed with the pinned contexts
    are left out rather than failing the download."""
    created = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    document = presentation(holder, credentials)
    try:
        return _sign(holder, document, created, domain, challenge)
    except Exception:  # as above: find the credentials that cannot be processed
        kept = [c for c in credentials if _canonicalizable(c)]
        return _sign(holder, {**document, "verifiableCredential": kept}, created, domain,
                     challenge)


def _sign(holder: Holder, document: dict, created: str, domain: str,
          challenge: str | None) -> dict:
    return dataintegrity.sign(document, holder.private_key, holder.verification_method, created,
                              proof_purpose="authentication", domain=domain,
                              challenge=challenge or document["id"])


def sign_jwt(holder: Holder, credentials: list[dict], *, now: datetime | None = None,
             audience: str | None = None, nonce: str | None = None) -> str:
    """The presentation as a VP-JWT: the JWS payload is the presentation itself; bound to a
    verifier by ``aud`` (its client id) and ``nonce`` when it asked (OpenID4VP)."""
    moment = now or datetime.now(UTC)
    document = presentation(holder, credentials)
    payload = {**document, "iss": holder.did, "jti": document["id"],
               "iat": int(moment.timestamp())}
    if audience is not None:
        payload["aud"] = audience
    if nonce is not None:
        payload["nonce"] = nonce
    header = {"alg": "EdDSA", "typ": "vp+jwt", "cty": "vp", "kid": holder.verification_method}
    return sign_compact(header, json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                        holder.private_key)
