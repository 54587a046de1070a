"""How the dossier reads and checks a credential: the size limits, the guarded fetch of
hosted documents (our own institutions' documents answered locally), the DID resolver, the
learner's identifiers to match the recipient, and the check messages in the learner's
language."""

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from eigendossier.accounts.models import Account
from eigendossier.core import outbound
from eigendossier.core.errors import DomainError
from eigendossier.credentials import (
    DidResolver,
    FetchError,
    Limits,
    ParseError,
    parse_credential,
    verify_credential,
)
from eigendossier.credentials.fetching import fetch_json
from eigendossier.dossier import messages


class CredentialUnreadable(DomainError):
    status = 422
    slug = "credential-unreadable"
    title = _l("This credential cannot be read")
    detail = _l("Nothing was added to your dossier.")


class UrlUnavailable(DomainError):
    status = 422
    slug = "url-unavailable"
    title = _l("The web address could not be fetched")
    detail = _l("Nothing was added to your dossier.")


class TooLarge(DomainError):
    status = 413
    slug = "too-large"
    title = _l("Too large")
    detail = _l("The request is larger than this server accepts.")


def max_upload() -> int:
    return int(current_app.config.get("DOSSIER_MAX_UPLOAD", 5 * 1024 * 1024))


def max_json() -> int:
    return int(current_app.config.get("DOSSIER_MAX_JSON", 1024 * 1024))


def limits() -> Limits:
    return Limits(max_file_bytes=max_upload(), max_json_bytes=max_json())


def too_large(limit: int) -> TooLarge:
    megabytes = f"{limit / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
    return TooLarge(detail=_l("The most this server accepts is %(size)s MB.", size=megabytes))


def locale() -> str:
    try:
        return "en" if str(get_locale() or "nl") == "en" else "nl"
    except (RuntimeError, AttributeError):
        return "nl"


def message(code: str, params: dict | None, default: str = "") -> str:
    """A library message code in the learner's language."""
    return messages.render(code, params, default)


LOCAL_SOURCES = "eigendossier.local_documents"


def add_local_source(app, source) -> None:
    """Let a domain answer fetches of URLs this installation serves itself (issuing: its
    issuers' DID documents and status lists) from the database. ``source(url)`` returns
    ``(bytes, content type)`` for a URL of its own, else None. Verifying a credential we
    issued then needs no network trip to ourselves and sees a new key or a revocation at once."""
    app.extensions.setdefault(LOCAL_SOURCES, []).append(source)


def local_document(url: str) -> tuple[bytes, str] | None:
    for source in current_app.extensions.get(LOCAL_SOURCES, ()):
        found = source(url)
        if found is not None:
            return found
    return None


def verification_fetch(url: str) -> tuple[bytes, str]:
    """The fetcher verification uses: our own documents locally, others through the guarded
    client."""
    return local_document(url) or outbound.fetcher()(url)


class LocalFirstResolver(DidResolver):
    """did:web documents this installation serves come from its database, never cached (a
    rotated key counts at once); all others through the guarded client, cached."""

    def fetch_document(self, url: str):
        found = local_document(url)
        if found is None:
            return super().fetch_document(url)
        return fetch_json(lambda _: found, url, self.limits)


def resolver() -> DidResolver:
    """One DID resolver per app, so did:web documents are cached between verifications."""
    app = current_app._get_current_object()
    found = app.extensions.get("eigendossier.did_resolver")
    if found is None:
        found = LocalFirstResolver(outbound.fetcher(app), limits=limits(), ttl_seconds=3600)
        app.extensions["eigendossier.did_resolver"] = found
    return found


IDENTIFIER_SOURCES = "eigendossier.identifier_sources"


def add_identifier_source(app, source) -> None:
    """Let a higher domain name more identifiers of a learner for the recipient check:
    ``source(account_id)`` returns DIDs or URLs (sharing: the holder key's did:key, which
    credentials received through OpenID4VCI are bound to)."""
    app.extensions.setdefault(IDENTIFIER_SOURCES, []).append(source)


def learner_identifiers(account: Account) -> dict:
    """What the recipient check compares against: the account's (one) email address, and
    the identifiers other domains know the learner by."""
    ids = [f"mailto:{account.email}"]
    for source in current_app.extensions.get(IDENTIFIER_SOURCES, ()):
        ids.extend(source(account.id))
    return {"recipient_emails": [account.email], "recipient_ids": ids}


def verify(parsed, account: Account, identifiers: dict | None = None):
    """Verify for this learner; `identifiers` (from :func:`learner_identifiers`) when the
    caller verifies several credentials of one learner: asked once, not once per credential
    (each source may query the database)."""
    return verify_credential(
        parsed, fetch=verification_fetch, resolver=resolver(), limits=limits(),
        **(identifiers if identifiers is not None else learner_identifiers(account)),
    )


def parse(raw: bytes):
    try:
        return parse_credential(raw, limits=limits(), fetch=outbound.fetcher())
    except ParseError as error:
        detail = message(error.code, error.params, error.message)
        if error.code == "parse.too_large":
            raise TooLarge(detail=detail) from None
        raise CredentialUnreadable(detail=detail) from None


def fetch_url(url: str) -> bytes:
    """The bytes at a URL the learner gave, through the guarded client."""
    try:
        body, _ = outbound.fetcher().fetch(url, max_bytes=max_upload())
    except FetchError as error:
        if error.params.get("reason") == "response too large":
            raise too_large(max_upload()) from None
        raise UrlUnavailable(detail=message(error.code, error.params, error.message)) from None
    return body
