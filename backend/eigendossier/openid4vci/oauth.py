"""The token endpoint of every institution's OpenID4VCI issuer: authlib's authorization
server with two grants, ``urn:ietf:params:oauth:grant-type:pre-authorized_code`` and
``authorization_code`` with PKCE, both without client authentication (a learner's wallet has
no registration with the school; the code, its transaction code or PKCE verifier are what is
proven).

A token is good for one credential of the offer it was traded for, for five minutes."""
import secrets

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import InvalidGrantError, InvalidRequestError
from authlib.oauth2.rfc6749.grants import BaseGrant, TokenEndpointMixin
from flask import current_app, request

from eigendossier.credentials.oid4vci import PRE_AUTHORIZED_GRANT
from eigendossier.openid4vci import authorization, issuer

SERVER = "eigendossier.openid4vci_oauth"
OAUTH_ERRORS = {"invalid_grant": InvalidGrantError, "invalid_request": InvalidRequestError}


class PreAuthorizedCodeGrant(BaseGrant, TokenEndpointMixin):
    """OpenID4VCI's pre-authorized code grant (anonymous access)."""

    GRANT_TYPE = PRE_AUTHORIZED_GRANT
    TOKEN_ENDPOINT_AUTH_METHODS = ["none"]  # noqa: RUF012 (authlib's class attribute)

    def validate_token_request(self):
        data = self.request.payload.data
        code = data.get("pre-authorized_code")
        if not code:
            raise InvalidRequestError("pre-authorized_code is required.")
        try:
            self.request.offer = issuer.redeem_code(request.view_args["slug"], code,
                                                    data.get("tx_code"))
        except issuer.ProtocolError as error:
            raise OAUTH_ERRORS.get(error.error, InvalidGrantError)(error.description) \
                from None

    def create_token_response(self):
        token = {"access_token": secrets.token_urlsafe(32), "token_type": "Bearer",
                 "expires_in": issuer.TOKEN_SECONDS}
        issuer.save_token(self.request.offer, token["access_token"], issuer.TOKEN_SECONDS)
        return 200, token, self.TOKEN_RESPONSE_HEADER


class WalletAuthorizationCodeGrant(PreAuthorizedCodeGrant):
    """The authorization code grant with PKCE (S256), for a public wallet client: the code,
    its client id and redirect URI, and the verifier of its challenge."""

    GRANT_TYPE = "authorization_code"

    def validate_token_request(self):
        data = self.request.payload.data
        if not data.get("code"):
            raise InvalidRequestError("code is required.")
        try:
            self.request.offer = authorization.redeem_authorization_code(
                request.view_args["slug"], data["code"], data.get("client_id") or "",
                data.get("redirect_uri") or "", data.get("code_verifier") or "")
        except issuer.ProtocolError as error:
            raise OAUTH_ERRORS.get(error.error, InvalidGrantError)(error.description) \
                from None


def init_app(app) -> None:
    server = AuthorizationServer()
    server.init_app(app, query_client=lambda client_id: None,
                    save_token=lambda token, req: None)
    server.register_grant(PreAuthorizedCodeGrant)
    server.register_grant(WalletAuthorizationCodeGrant)
    app.extensions[SERVER] = server


def token_response():
    """The token endpoint's answer (RFC 6749 JSON, also for its errors)."""
    return current_app.extensions[SERVER].create_token_response()
