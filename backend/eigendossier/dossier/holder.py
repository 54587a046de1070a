"""The learner's holder key: the did:key that binds credentials to the learner (an SD-JWT's
cnf, an OpenID4VCI key proof) and signs their presentations. It lives with the dossier, below
both issuing and sharing, which use it."""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.exc import IntegrityError

from eigendossier.core import rotation
from eigendossier.core.extensions import db
from eigendossier.credentials.keys import PublicKey
from eigendossier.dossier.models import HolderKey


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
