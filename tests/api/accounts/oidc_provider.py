"""A small OpenID Connect provider for tests, built on authlib's authorization server.

It serves discovery, /authorize, /token and /jwks on 127.0.0.1 and signs RS256 ID tokens
with a key made at start. /authorize needs no login page: it approves every request for
`provider.user` at once. Tests control the user and can spoil the ID token through
`provider.id_token_claims` (claims that win over the correct ones: another nonce, an `exp` in
the past, another issuer); `reset()` puts both back."""
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import ClassVar

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oidc.core import AuthorizationCodeMixin, UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

from tests.support import serve_in_thread

CLIENT_ID = "eigendossier"
CLIENT_SECRET = "test-client-secret"
# Where the Flask test client (server name "localhost") receives the browser back.
REDIRECT_URI = "http://localhost/auth/oidc/eduid/callback"
DEFAULT_USER = {
    "sub": "eduid-7f3a",
    "email": "noor@example.nl",
    "email_verified": True,
    "name": "Noor Bakker",
}


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uri: str

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uri

    def get_allowed_scope(self, scope):
        return scope

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method == "client_secret_basic" or endpoint != "token"

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class AuthorizationCode(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    user: dict
    auth_time: int

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time


class Provider:
    """The provider's state, shared by its server thread and the tests."""

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"})
        self.client = Client(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI)
        self.codes: dict[str, AuthorizationCode] = {}
        self.issuer = ""  # set once the server has its port
        self.reset()

    def reset(self):
        self.user = dict(DEFAULT_USER)
        self.id_token_claims: dict = {}

    @property
    def server_metadata_url(self) -> str:
        return self.issuer + "/.well-known/openid-configuration"


def _grant_classes(provider: Provider):
    """authlib's code grant and its OpenID Connect extension, storing in `provider`."""
    class CodeGrant(AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS: ClassVar = ["client_secret_basic"]

        def save_authorization_code(self, code, request):
            provider.codes[code] = AuthorizationCode(
                code=code,
                client_id=request.client.get_client_id(),
                redirect_uri=request.payload.redirect_uri,
                scope=request.payload.scope,
                nonce=request.payload.data.get("nonce"),
                user=dict(request.user),
                auth_time=int(time.time()),
            )

        def query_authorization_code(self, code, client):
            item = provider.codes.get(code)
            return item if item and item.client_id == client.get_client_id() else None

        def delete_authorization_code(self, authorization_code):
            provider.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code):
            return authorization_code.user

    class IdTokens(OpenIDCode):
        def exists_nonce(self, nonce, request):
            return any(item.nonce == nonce for item in provider.codes.values())

        def resolve_client_private_key(self, client):
            return provider.key

        def get_client_claims(self, client):
            return {"iss": provider.issuer, "aud": [client.get_client_id()]}

        def get_encode_header(self, client):
            return {"alg": "RS256", "kid": provider.key.kid}

        def get_authorization_code_claims(self, authorization_code):
            # Applied after iss, aud, iat and exp: the test's spoilt claims win.
            claims = super().get_authorization_code_claims(authorization_code)
            return {**claims, **provider.id_token_claims}

        def generate_user_info(self, user, scope):
            return UserInfo(user)

    return CodeGrant, IdTokens


def create_provider_app(provider: Provider) -> Flask:
    app = Flask(__name__)
    server = AuthorizationServer(
        app, query_client=lambda client_id: (
            provider.client if client_id == provider.client.client_id else None
        ),
        save_token=lambda token, request: None,
    )
    code_grant, id_tokens = _grant_classes(provider)
    server.register_grant(code_grant, [id_tokens(require_nonce=True)])

    @app.get("/.well-known/openid-configuration")
    def discovery():
        return jsonify({
            "issuer": provider.issuer,
            "authorization_endpoint": provider.issuer + "/authorize",
            "token_endpoint": provider.issuer + "/token",
            "jwks_uri": provider.issuer + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        })

    @app.get("/authorize")
    def authorize():
        grant = server.get_consent_grant(end_user=provider.user)
        return server.create_authorization_response(grant=grant, grant_user=provider.user)

    @app.post("/token")
    def token():
        return server.create_token_response()

    @app.get("/jwks")
    def jwks():
        return jsonify(KeySet([provider.key]).as_dict(private=False))

    return app


@contextmanager
def serve_provider():
    """A new provider, served on a free port of 127.0.0.1 while the block runs."""
    provider = Provider()
    http = make_server("127.0.0.1", 0, create_provider_app(provider), threaded=True)
    provider.issuer = f"http://127.0.0.1:{http.server_port}"
    thread = serve_in_thread(http, "oidc-provider")
    try:
        yield provider
    finally:
        http.shutdown()
        http.server_close()
        thread.join(timeout=5)
