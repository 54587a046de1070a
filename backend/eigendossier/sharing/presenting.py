"""Presenting: the learner's holder key (made on first use, sealed at rest) and the signed
Verifiable Presentations of a share or of the whole dossier, as JSON with a Data Integrity
proof and as VP-JWT."""
import logging

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from sqlalchemy.exc import IntegrityError

from eigendossier.core import rotation
from eigendossier.core.config import public_domain
from eigendossier.core.extensions import db
from eigendossier.credentials import parse_credential
from eigendossier.credentials.keys import PublicKey
from eigendossier.dossier import verification as dossier_verification
from eigendossier.dossier.models import Credential
from eigendossier.sharing import presentation
from eigendossier.sharing.models import (
    HolderKey,
    Share,
)
from eigendossier.sharing.service import (
    NoPresentation,
)

log = logging.getLogger(__name__)


def holder_key(account_id: int) -> HolderKey:
    """The learner's holder key, made on first use (once, also when two requests race)."""
    found = db.session.scalar(db.select(HolderKey).filter_by(account_id=account_id))
    if found is None:
        private = Ed25519PrivateKey.generate()
        found = HolderKey(account_id=account_id,
                          public_multikey=PublicKey("Ed25519", private.public_key()).to_multikey())
        found.seal(private.private_bytes(serialization.Encoding.Raw,
                                         serialization.PrivateFormat.Raw,
                                         serialization.NoEncryption()))
        db.session.add(found)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return db.session.scalar(db.select(HolderKey).filter_by(account_id=account_id))
    elif found.key_id != _current_key_id():
        found.seal(found.private_bytes)  # the keyring was rotated: seal with the current key
        db.session.commit()
    return found


def holder_dids(account_id: int) -> list[str]:
    """The learner's holder DID, if they have a key (none is made here)."""
    multikey = db.session.scalar(db.select(HolderKey.public_multikey)
                                 .filter_by(account_id=account_id))
    return [f"did:key:{multikey}"] if multikey else []


def _current_key_id() -> str:
    from eigendossier.core.encryption import keyring

    return keyring().current


rotation.register_rows("sharing.holder_keys", HolderKey.key_id,
                       lambda key: key.seal(key.private_bytes))


def holder(account_id: int) -> presentation.Holder:
    key = holder_key(account_id)
    private = Ed25519PrivateKey.from_private_bytes(key.private_bytes)
    return presentation.Holder(key.did, key.verification_method, private)


def _embedded(share: Share) -> list[dict]:
    return embedded_credentials([link.credential for link in share.credentials])


def embedded_credentials(credentials: list[Credential]) -> list[dict]:
    """The credentials as a presentation carries them (Open Badges 2.0 left out)."""
    embedded = []
    for found in credentials:
        if found.format not in presentation.VC_FORMATS:
            continue  # Open Badges 2.0: offered as the original file only
        try:
            parsed = parse_credential(found.original, limits=dossier_verification.limits())
        except Exception:
            log.warning("credential %s no longer parses", found.id)
            continue
        carried = presentation.embeddable(parsed)
        if carried is not None:
            embedded.append(carried)
    return embedded


def _domain() -> str:
    """The domain a presentation is bound to: this installation's configured public address,
    never the request's Host header (a forged Host would bind it to another site)."""
    return public_domain(current_app.config)


def dossier_presentation(account_id: int, credentials: list[Credential]) -> dict | None:
    """Credentials of the learner's own dossier in one presentation signed by their holder
    key (for the data export); None when none of them is a Verifiable Credential."""
    embedded = embedded_credentials(credentials)
    if not embedded:
        return None
    return presentation.sign_data_integrity(holder(account_id), embedded, domain=_domain())


def presentation_json(share: Share) -> dict:
    """The shared Verifiable Credentials in a presentation with a Data Integrity proof."""
    credentials = _embedded(share)
    if not credentials:
        raise NoPresentation()
    return presentation.sign_data_integrity(holder(share.account_id), credentials,
                                            domain=_domain())


def presentation_jwt(share: Share) -> str:
    """The same presentation as a VP-JWT."""
    credentials = _embedded(share)
    if not credentials:
        raise NoPresentation()
    return presentation.sign_jwt(holder(share.account_id), credentials)
