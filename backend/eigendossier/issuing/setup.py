"""An institution's issuer set-up as its staff see it in the app: the signing keys and the
did:web document with its public address, whether that address can be reached from the
internet, and the name and address shown in new credentials."""
import json
from dataclasses import dataclass, field

from eigendossier.catalog.models import Institution
from eigendossier.core import outbound
from eigendossier.credentials import FetchError
from eigendossier.credentials.dids import did_web_url
from eigendossier.issuing import service
from eigendossier.issuing.models import IssuerKey, IssuerProfile

DID_ACCEPT = "application/did+json, application/did+ld+json, application/json;q=0.9"


@dataclass
class KeysView:
    institution: Institution
    profile: IssuerProfile | None

    @property
    def did(self) -> str | None:
        return self.profile.did if self.profile else None

    @property
    def did_url(self) -> str | None:
        """Where verifiers fetch the DID document (did:web resolves over HTTPS only)."""
        return did_web_url(self.profile.did) if self.profile else None

    @property
    def keys(self) -> list[IssuerKey]:
        return list(self.profile.keys) if self.profile else []

    @property
    def did_document(self) -> dict | None:
        return service.did_document(self.profile) if self.profile and self.profile.keys else None


@dataclass
class Reachability:
    url: str
    reachable: bool
    matches: bool = False
    reason: str = ""
    extra: dict = field(default_factory=dict)


def keys_of(institution: Institution) -> KeysView:
    return KeysView(institution, service.profile_of(institution))


def new_key(institution: Institution) -> IssuerKey:
    """A new signing key: the first makes the issuer profile (its did:web from this
    installation's address), a later one takes over signing; earlier keys stay published."""
    return service.create_key(institution.slug)


def check_reachable(institution: Institution) -> Reachability:
    """Fetch the DID document from its public address through the guarded client, as a
    verifier elsewhere would, and compare it with ours. A clear answer either way; never
    raises for what the network does."""
    view = keys_of(institution)
    if view.did_url is None:
        return Reachability(url="", reachable=False, reason="no signing key yet")
    try:
        body, _type = outbound.fetcher().fetch(view.did_url, max_bytes=256 * 1024,
                                               accept=DID_ACCEPT)
    except FetchError as error:
        return Reachability(url=view.did_url, reachable=False, reason=str(error))
    try:
        published = json.loads(body)
    except ValueError:
        return Reachability(url=view.did_url, reachable=True,
                            reason="the address answers, but not with JSON")
    if published != view.did_document:
        return Reachability(url=view.did_url, reachable=True,
                            reason="the address answers with another DID document")
    return Reachability(url=view.did_url, reachable=True, matches=True)


def update_profile(profile: IssuerProfile, changes: dict) -> IssuerProfile:
    """Name and URL are the institution's (the catalogue's); contact and logo the issuer's."""
    institution = profile.institution
    for name in ("name", "url"):
        if name in changes:
            setattr(institution, name, changes[name])
    for name in ("email", "image_url"):
        if name in changes:
            setattr(profile, name, changes[name])
    return profile
