"""Issuing through the VC-API: an institution's system sends a credential, we check it is
well-formed and in the institution's name, add a Bitstring Status List entry (VC 2.0), sign
it with the institution's newest key (its did:web or the same key as did:key) in the proof
form asked for, and keep a record so staff can revoke it like any credential they issued.
"""
import json
import uuid
from dataclasses import dataclass
from datetime import UTC

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask_babel import lazy_gettext as _l

from eigendossier.core import audit
from eigendossier.core.errors import DomainError, InvalidInput
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.credentials import dataintegrity
from eigendossier.credentials.errors import CredentialError
from eigendossier.credentials.jws import sign_compact
from eigendossier.credentials.linkeddata import ContextRefused, dropped_terms
from eigendossier.issuing import awarding, documents
from eigendossier.issuing import service as issuing
from eigendossier.issuing.models import IssuedCredential, IssuerProfile
from eigendossier.vcapi import datamodel
from eigendossier.vcapi.models import OAuthClient

VC1 = "https://www.w3.org/2018/credentials/v1"
VC2 = documents.VC2
DATA_INTEGRITY = "https://w3id.org/security/data-integrity/v2"
PROOF_FORMS = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt")
JWT_TYPES = ("VC-JWT", "vc+jwt", "JWT", "jwt_vc")


class NotYourIssuer(DomainError):
    status = 403
    slug = "vc-api-issuer-not-yours"
    title = _l("You may not issue in this issuer's name")
    detail = _l("The credential's issuer must be your institution's did:web or did:key.")


class ProofUnsupported(DomainError):
    status = 422
    slug = "vc-api-proof-unsupported"
    title = _l("This proof cannot be made here")
    detail = _l("Ask for a DataIntegrityProof with eddsa-rdfc-2022 or eddsa-jcs-2022, or for "
                "VC-JWT.")


@dataclass(frozen=True)
class Identity:
    """A DID the institution signs as, and the verification method it signs with."""

    did: str
    method: str
    private_key: Ed25519PrivateKey


def identities(profile: IssuerProfile) -> dict[str, Identity]:
    """The institution's did:web and its newest key as did:key (for verifiers that resolve
    did:key only)."""
    signer = issuing.signer(profile)
    multikey = profile.keys[-1].public_multikey
    did_key = f"did:key:{multikey}"
    return {profile.did: Identity(profile.did, signer.method, signer.private_key),
            did_key: Identity(did_key, f"{did_key}#{multikey}", signer.private_key)}


def proof_form(options: dict) -> str:
    kind = options.get("type") or "DataIntegrityProof"
    if kind in JWT_TYPES:
        return "vc-jwt"
    suite = options.get("cryptosuite") or "eddsa-rdfc-2022"
    if kind != "DataIntegrityProof" or suite not in PROOF_FORMS[:2]:
        raise ProofUnsupported()
    return suite


# -- the credential's shape -------------------------------------------------------------------


def _error(field: str, message) -> InvalidInput:
    return InvalidInput(errors={f"credential.{field}": [str(message)]})


def _strings_or_objects(value) -> bool:
    return all(isinstance(item, str | dict) for item in value)


def check_shape(credential) -> None:
    """What the VC data model requires of a credential to be issued (VC 1.1 and 2.0)."""
    if not isinstance(credential, dict):
        raise InvalidInput(errors={"credential": [str(_l("Send the credential as a JSON "
                                                         "object."))]})
    contexts = credential.get("@context")
    if not isinstance(contexts, list) or not contexts or not _strings_or_objects(contexts):
        raise _error("@context", _l("A list of context URLs or objects."))
    if contexts[0] not in (VC1, VC2):
        raise _error("@context", _l("The first context must be %(url)s.", url=VC2))
    types = credential.get("type")
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        raise _error("type", _l("A list of type names."))
    if "VerifiableCredential" not in types:
        raise _error("type", _l("The types must include VerifiableCredential."))
    issuer = credential.get("issuer")
    if not (isinstance(issuer, str) or (isinstance(issuer, dict)
                                        and isinstance(issuer.get("id"), str))):
        raise _error("issuer", _l("The issuer's DID, or an object with it as id."))
    subject = credential.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    if not subjects or not all(isinstance(s, dict) and s for s in subjects):
        raise _error("credentialSubject", _l("An object with claims about the subject."))
    for field, message in datamodel.problems(credential):
        raise _error(field, message)


def _issuer_id(credential: dict) -> str:
    issuer = credential["issuer"]
    return issuer["id"] if isinstance(issuer, dict) else issuer


# -- issuing ------------------------------------------------------------------------------------


def _prepared(credential: dict, status_entry: dict | None, form: str) -> dict:
    """The credential as it will be signed: an id, an issue date, the status entry."""
    document = dataintegrity.unsecured(credential)
    document.setdefault("id", f"urn:uuid:{uuid.uuid4()}")
    if document["@context"][0] == VC1:
        document.setdefault("issuanceDate", documents.timestamp(utcnow()))
        if form != "vc-jwt" and DATA_INTEGRITY not in document["@context"]:
            # VC 1.1's context does not define the proof's terms; the proof would be
            # unreadable as linked data (Data Integrity 1.0, 2.1: add this context).
            document["@context"] = [*document["@context"], DATA_INTEGRITY]
    else:
        document.setdefault("validFrom", documents.timestamp(utcnow()))
    if status_entry is not None:
        # The caller's own status entries (another list it keeps) stay, next to ours.
        theirs = document.get("credentialStatus")
        document["credentialStatus"] = ([*datamodel.as_list(theirs), status_entry]
                                        if theirs else status_entry)
    return document


def _sign(document: dict, identity: Identity, form: str):
    if form == "vc-jwt":
        return _sign_jwt(document, identity)
    try:
        _no_data_loss(document, form)
        return dataintegrity.sign(document, identity.private_key, identity.method,
                                  documents.timestamp(utcnow()), cryptosuite=form)
    except ContextRefused as error:
        raise _error("@context", error.message) from None
    except CredentialError as error:
        raise _error("_schema", error.message) from None


def _no_data_loss(document: dict, form: str) -> None:
    """An RDFC proof signs the linked data: a term no context defines would be shown but
    not signed (Data Integrity's DATA_LOSS_DETECTION_ERROR)."""
    if form != "eddsa-rdfc-2022":
        return
    dropped = dropped_terms(document)
    if dropped:
        raise _error("_schema", _l("No context defines %(terms)s: a proof would not cover it.",
                                   terms=", ".join(sorted(set(dropped))[:10])))


def _sign_jwt(document: dict, identity: Identity) -> dict:
    """VC 2.0: the credential is the payload (VC-JOSE), returned enveloped; VC 1.1: the
    ``vc`` claim of a JWT."""
    now = int(utcnow().astimezone(UTC).timestamp())
    claims = {"iss": identity.did, "jti": document["id"], "nbf": now, "iat": now}
    if document["@context"][0] == VC1:
        payload, typ = {**claims, "vc": document}, "JWT"
    else:
        payload, typ = {**document, **claims}, "vc+jwt"
    token = sign_compact({"alg": "EdDSA", "typ": typ, "kid": identity.method},
                         json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                         identity.private_key)
    return {"@context": VC2, "id": f"data:application/vc+jwt,{token}",
            "type": "EnvelopedVerifiableCredential"}


def issue(client: OAuthClient, credential, options: dict) -> dict:
    """Sign ``credential`` for the client's institution; one transaction with its record."""
    check_shape(credential)
    form = proof_form(options)
    profile = issuing.profile_of(client.institution)
    if profile is None or not profile.keys:
        raise issuing.NoSigningKey()
    identity = identities(profile).get(_issuer_id(credential))
    if identity is None:
        raise NotYourIssuer()
    try:
        status_list, index = awarding.allocate_status(profile, 1)[0]
        versioned = credential["@context"][0] == VC2
        entry = documents.status_entry(status_list.url, index) if versioned else None
        document = _prepared(credential, entry, form)
        signed = _sign(document, identity, form)
        _record(client, profile, document, signed, form, status_list, index)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return signed


def _record(client: OAuthClient, profile: IssuerProfile, document: dict, signed, form: str,
            status_list, index: int) -> None:
    now, row_uuid = utcnow(), str(uuid.uuid4())
    name = document.get("name")
    row = IssuedCredential(
        uuid=row_uuid, profile_id=profile.id, block_id=None,
        achievement_id=str(document["id"])[:500],
        achievement_name=(name if isinstance(name, str) else "VC-API")[:200],
        account_id=None, issued_by_id=None, status_list=status_list, status_index=index,
        proof=form, issued_at=now)
    row.seal({"jwt": signed["id"].partition(",")[2]} if form == "vc-jwt" else {"json": signed})
    db.session.add(row)
    db.session.flush()
    audit.record("credential.issued", None, subject=row, achievement=row.achievement_id,
                 institution=profile.institution.name, client=client.client_id)
