"""Presenting: the learner's holder key (made on first use, sealed at rest) and the signed
Verifiable Presentations of a share or of the whole dossier, as JSON with a Data Integrity
proof and as VP-JWT."""
import logging

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app

from eigendossier.core.config import public_domain
from eigendossier.credentials import parse_credential
from eigendossier.dossier import verification as dossier_verification
from eigendossier.dossier.holder import holder_key
from eigendossier.dossier.models import Credential
from eigendossier.sharing import presentation
from eigendossier.sharing.models import (
    Share,
)
from eigendossier.sharing.service import (
    NoPresentation,
)

log = logging.getLogger(__name__)


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
