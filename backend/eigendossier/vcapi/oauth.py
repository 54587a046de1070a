"""OAuth 2.0 client credentials for the VC-API's issuer (authlib's authorization server):
an institution's system trades its client id and secret for a bearer token at
``/vc-api/oauth/token`` and sends it to ``/vc-api/credentials/issue``.

Tokens last an hour (config OAUTH2_TOKEN_EXPIRES_IN); a revoked client's tokens stop at once.
"""
import secrets
from typing import ClassVar

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6750 import BearerTokenValidator
from flask import current_app
from flask_babel import lazy_gettext as _l

from eigendossier.accounts.service import UnknownInstitution
from eigendossier.catalog import service as catalog
from eigendossier.core.errors import DomainError, NotFound
from eigendossier.core.extensions import api, db
from eigendossier.core.timeutil import utcnow
from eigendossier.vcapi.models import (
    ISSUE_SCOPE,
    TOKEN_ENDPOINT_METHODS,
    OAuthClient,
    OAuthToken,
    digest,
)

SERVER = "eigendossier.vcapi_oauth"
TOKEN_SECONDS = 3600
SCHEME = "oauth2ClientCredentials"


class NotAuthorized(DomainError):
    status = 401
    slug = "vc-api-token-required"
    title = _l("A valid access token is required")
    detail = _l("Get one with your client id and secret at /vc-api/oauth/token and send it as "
                "Authorization: Bearer.")
    headers = {"WWW-Authenticate": 'Bearer realm="vc-api"'}  # noqa: RUF012 (read only)


class IssuingClientCredentials(ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar = list(TOKEN_ENDPOINT_METHODS)


def _query_client(client_id: str) -> OAuthClient | None:
    """A revoked client is found, and refused by its secret check like a wrong secret."""
    return db.session.scalar(db.select(OAuthClient).filter_by(client_id=client_id))


def _save_token(token: dict, request) -> None:
    db.session.add(OAuthToken.lasting(int(token["expires_in"]),
                                      token_digest=digest(token["access_token"]),
                                      client_id=request.client.id,
                                      scope=token.get("scope", "")))
    db.session.commit()


class DigestBearerValidator(BearerTokenValidator):
    def authenticate_token(self, token_string: str) -> OAuthToken | None:
        return db.session.scalar(db.select(OAuthToken).filter_by(
            token_digest=digest(token_string or "")))


def init_app(app) -> None:
    app.config.setdefault("OAUTH2_TOKEN_EXPIRES_IN", {"client_credentials": TOKEN_SECONDS})
    server = AuthorizationServer(app, query_client=_query_client, save_token=_save_token)
    server.register_grant(IssuingClientCredentials)
    protector = ResourceProtector()
    protector.register_token_validator(DigestBearerValidator())
    app.extensions[SERVER] = (server, protector)
    api.document_later(_document_scheme)


def _document_scheme(spec) -> None:
    """The OpenAPI security scheme the issue endpoint names."""
    components = spec.components
    if SCHEME not in components.security_schemes:
        components.security_scheme(SCHEME, {"type": "oauth2", "flows": {"clientCredentials": {
            "tokenUrl": "/vc-api/oauth/token", "scopes": {ISSUE_SCOPE: "Issue credentials in "
                                                                      "the institution's name"}}}})


def token_response():
    """The token endpoint's answer (RFC 6749 JSON, also for its errors)."""
    server, _ = current_app.extensions[SERVER]
    return server.create_token_response()


def calling_client() -> OAuthClient:
    """The client whose bearer token came with the request, allowed to issue."""
    _, protector = current_app.extensions[SERVER]
    try:
        token = protector.acquire_token([ISSUE_SCOPE])
    except OAuth2Error:
        raise NotAuthorized() from None
    return token.client


def create_client(slug: str) -> tuple[OAuthClient, str]:
    """A new client of the institution ``slug``; the secret is returned once, never stored."""
    institution = catalog.institution_by_slug(slug)
    if institution is None:
        raise UnknownInstitution(detail=slug)
    secret = secrets.token_urlsafe(32)
    client = OAuthClient(client_id=f"{slug}-{secrets.token_hex(8)}",
                         secret_digest=digest(secret), institution_id=institution.id,
                         scope=ISSUE_SCOPE)
    db.session.add(client)
    db.session.commit()
    return client, secret


def revoke_client(client_id: str) -> OAuthClient:
    """Stop a client: no new tokens, and the tokens it holds stop working at once."""
    client = db.session.scalar(db.select(OAuthClient).filter_by(client_id=client_id))
    if client is None:
        raise NotFound(detail=client_id)
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        db.session.commit()
    return client


def clients_of(institution_id: int) -> list[OAuthClient]:
    """An institution's clients, newest first (revoked ones too: staff see what was stopped)."""
    return db.session.scalars(
        db.select(OAuthClient).filter_by(institution_id=institution_id)
        .order_by(OAuthClient.created_at.desc(), OAuthClient.id.desc())).all()


def client_of(institution_id: int, client_id: str) -> OAuthClient:
    """A client of the institution; another institution's is not found."""
    client = db.session.scalar(db.select(OAuthClient).filter_by(client_id=client_id))
    if client is None or client.institution_id != institution_id:
        raise NotFound()
    return client
