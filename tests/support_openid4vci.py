"""An independent minimal OpenID4VCI 1.0 issuer and wallet, written from the specification
for the interop tests. They import nothing of the app (only the standard library,
``cryptography`` and ``requests``), so a shared misreading of the specification cannot hide
in shared code.

- :class:`PeerIssuer`: an http.server on 127.0.0.1 that is its own authorization server,
  offers one ``jwt_vc_json`` credential by value or by reference with a pre-authorized code
  and a transaction code, hands out nonces, checks the key proof (typ, alg, signature by the
  did:key in ``kid``, ``aud``, ``nonce``, ``iat``) and signs a VC 2.0 credential (VC-JWT,
  EdDSA, issuer ``did:key``) bound to the proof's key. ``mode`` makes it misbehave.
- :func:`peer_wallet_receive`: the wallet side, from an offer link to the credential.
"""
import base64
import hashlib
import json
import secrets
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

PRE_AUTH = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b58(data: bytes) -> str:
    number, out = int.from_bytes(data, "big"), ""
    while number:
        number, rest = divmod(number, 58)
        out = B58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def unb58(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + B58.index(char)
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + raw


def did_key(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "did:key:z" + b58(b"\xed\x01" + raw)


def key_of_did(did: str) -> Ed25519PublicKey:
    raw = unb58(did.removeprefix("did:key:z"))
    assert raw[:2] == b"\xed\x01", "only Ed25519 did:key"
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def sign_jwt(header: dict, claims: dict, private: Ed25519PrivateKey) -> str:
    signing_input = b64u(json.dumps(header).encode()) + "." + b64u(json.dumps(claims).encode())
    return signing_input + "." + b64u(private.sign(signing_input.encode()))


def read_jwt(token: str) -> tuple[dict, dict, bytes, bytes]:
    head, body, signature = token.split(".")
    return (json.loads(unb64u(head)), json.loads(unb64u(body)), f"{head}.{body}".encode(),
            unb64u(signature))


# -- the issuer ----------------------------------------------------------------------------------


class PeerIssuer:
    """A credential issuer at http://127.0.0.1:<port> (no path). ``mode``: "" behaves;
    "big_metadata" sends 2 MB of metadata; "other_issuer" names another issuer in its
    metadata; "redirect_offer" answers the offer URI with a redirect to ``redirect_to``."""

    def __init__(self, mode: str = "", redirect_to: str = ""):
        self.mode, self.redirect_to = mode, redirect_to
        self.key = Ed25519PrivateKey.generate()
        self.did = did_key(self.key.public_key())
        self.code, self.tx_code = secrets.token_urlsafe(16), "493536"
        self.tokens: set[str] = set()
        self.nonces: set[str] = set()
        self.proofs: list[tuple[dict, dict]] = []
        self.requests: list[str] = []
        self.authorizations: dict[str, dict] = {}  # code -> the request it answers
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.01}, daemon=True)

    def __enter__(self) -> "PeerIssuer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def offer(self, tx_code: bool = True) -> dict:
        grant: dict = {"pre-authorized_code": self.code}
        if tx_code:
            grant["tx_code"] = {"length": 6, "input_mode": "numeric",
                                "description": "The code in the text message"}
        else:
            self.tx_code = ""
        return {"credential_issuer": self.url,
                "credential_configuration_ids": ["Diploma_jwt"],
                "grants": {PRE_AUTH: grant}}

    def link_by_value(self, tx_code: bool = True) -> str:
        return "openid-credential-offer://?credential_offer=" + quote(json.dumps(
            self.offer(tx_code)))

    def link_for_code_flow(self) -> str:
        offer = {**self.offer(), "grants": {"authorization_code": {"issuer_state": "st-1"}}}
        return "openid-credential-offer://?credential_offer=" + quote(json.dumps(offer))

    def link_by_reference(self) -> str:
        return "openid-credential-offer://?credential_offer_uri=" + quote(
            self.url + "/offer", safe="")

    def metadata(self) -> dict:
        return {
            "credential_issuer": "https://elsewhere.example" if self.mode == "other_issuer"
            else self.url,
            "credential_endpoint": self.url + "/credential",
            "nonce_endpoint": self.url + "/nonce",
            "display": [{"name": "Peer Academy", "locale": "en"},
                        {"name": "Peer Academie", "locale": "nl"}],
            "credential_configurations_supported": {"Diploma_jwt": {
                "format": "jwt_vc_json",
                "cryptographic_binding_methods_supported": ["did:key"],
                "credential_signing_alg_values_supported": ["EdDSA"],
                "credential_definition": {"type": ["VerifiableCredential"]},
                "proof_types_supported": {"jwt": {
                    "proof_signing_alg_values_supported": ["EdDSA"]}},
                "credential_metadata": {"display": [{"name": "Diploma", "locale": "en"}]},
                "a_member_of_the_future": {"ignored": True},
            }},
        }

    def credential_for(self, holder: str) -> str:
        now = int(time.time())
        credential = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": f"urn:uuid:{uuid.uuid4()}",
            "type": ["VerifiableCredential"],
            "issuer": self.did,
            "name": "Diploma of the Peer Academy",
            "validFrom": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
            "credentialSubject": {"id": holder},
        }
        header = {"alg": "EdDSA", "typ": "vc+jwt",
                  "kid": f"{self.did}#{self.did.removeprefix('did:key:')}"}
        return sign_jwt(header, {**credential, "iss": self.did, "iat": now}, self.key)

    def _handler(self):
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body, content_type="application/json", headers=()):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _error(self, error: str, status: int = 400):
                self._send(status, {"error": error})

            def do_GET(self):
                peer.requests.append("GET " + self.path)
                if self.path == "/.well-known/openid-credential-issuer":
                    if peer.mode == "big_metadata":
                        return self._send(200, b'{"pad": "' + b"x" * 2_000_000 + b'"}')
                    return self._send(200, peer.metadata())
                if self.path == "/.well-known/oauth-authorization-server":
                    return self._send(200, {"issuer": peer.url,
                                            "token_endpoint": peer.url + "/token",
                                            "authorization_endpoint": peer.url + "/authorize",
                                            "code_challenge_methods_supported": ["S256"],
                                            "grant_types_supported": [PRE_AUTH,
                                                                      "authorization_code"],
                                            "pre-authorized_grant_anonymous_access_supported":
                                                True})
                if self.path.startswith("/authorize?"):
                    return self._authorize(parse_qs(urlsplit(self.path).query))
                if self.path == "/offer":
                    if peer.mode == "redirect_offer":
                        return self._send(302, b"", headers=[("Location", peer.redirect_to)])
                    return self._send(200, peer.offer())
                return self._error("not_found", 404)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_POST(self):
                peer.requests.append("POST " + self.path)
                body = self._body()
                if self.path == "/token":
                    return self._token(parse_qs(body.decode()))
                if self.path == "/nonce":
                    nonce = secrets.token_urlsafe(16)
                    peer.nonces.add(nonce)
                    return self._send(200, {"c_nonce": nonce})
                if self.path == "/credential":
                    return self._credential(body)
                return self._error("not_found", 404)

            def _authorize(self, query: dict):
                """Consent given at once (the End-User is assumed signed in here)."""
                asked = {k: v[0] for k, v in query.items()}
                if asked.get("code_challenge_method") != "S256" or not asked.get("state"):
                    return self._error("invalid_request")
                code = secrets.token_urlsafe(16)
                peer.authorizations[code] = asked
                target = (f"{asked['redirect_uri']}?code={code}&state={quote(asked['state'])}"
                          f"&iss={quote(peer.url, safe='')}")
                self._send(302, b"", headers=[("Location", target)])

            def _code_token(self, form: dict):
                asked = peer.authorizations.pop((form.get("code") or [""])[0], None)
                verifier = (form.get("code_verifier") or [""])[0]
                challenge = b64u(hashlib.sha256(verifier.encode()).digest())
                if (asked is None or challenge != asked["code_challenge"]
                        or form.get("redirect_uri") != [asked["redirect_uri"]]
                        or form.get("client_id") != [asked["client_id"]]):
                    return self._error("invalid_grant")
                token = secrets.token_urlsafe(16)
                peer.tokens.add(token)
                self._send(200, {"access_token": token, "token_type": "Bearer",
                                 "expires_in": 300})

            def _token(self, form: dict):
                if form.get("grant_type") == ["authorization_code"]:
                    return self._code_token(form)
                if form.get("grant_type") != [PRE_AUTH]:
                    return self._error("unsupported_grant_type")
                if form.get("pre-authorized_code") != [peer.code]:
                    return self._error("invalid_grant")
                if peer.tx_code and form.get("tx_code") != [peer.tx_code]:
                    return self._error("invalid_grant")
                peer.code = None  # single use
                token = secrets.token_urlsafe(16)
                peer.tokens.add(token)
                self._send(200, {"access_token": token, "token_type": "Bearer",
                                 "expires_in": 300})

            def _credential(self, body: bytes):
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if token not in peer.tokens:
                    return self._error("invalid_token", 401)
                request = json.loads(body)
                if request.get("credential_configuration_id") != "Diploma_jwt":
                    return self._error("unknown_credential_configuration")
                proofs = (request.get("proofs") or {}).get("jwt") or []
                if len(proofs) != 1:
                    return self._error("invalid_proof")
                header, claims, signed, signature = read_jwt(proofs[0])
                peer.proofs.append((header, claims))
                if header.get("typ") != "openid4vci-proof+jwt" or header.get("alg") != "EdDSA":
                    return self._error("invalid_proof")
                did = header.get("kid", "").split("#")[0]
                try:
                    key_of_did(did).verify(signature, signed)
                except Exception:
                    return self._error("invalid_proof")
                if claims.get("aud") != peer.url or abs(claims.get("iat", 0) - time.time()) > 60:
                    return self._error("invalid_proof")
                if claims.get("nonce") not in peer.nonces:
                    return self._error("invalid_nonce")
                peer.nonces.discard(claims["nonce"])
                peer.tokens.discard(token)
                self._send(200, {"credentials": [{"credential": peer.credential_for(did)}]})

        return Handler


# -- the wallet ----------------------------------------------------------------------------------


def _well_known(identifier: str, name: str) -> str:
    parts = urlsplit(identifier)
    return f"{parts.scheme}://{parts.netloc}/.well-known/{name}{parts.path.rstrip('/')}"


def peer_wallet_receive(link: str, *, tx_code: str | None = None, configuration: str = "",
                        key: Ed25519PrivateKey | None = None, audience: str | None = None,
                        ) -> tuple[dict, dict]:
    """Receive the credential of an offer link as a minimal wallet would. Returns (credential
    response, facts: the wallet's did, the offer, the metadata, the token response)."""
    key = key or Ed25519PrivateKey.generate()
    did = did_key(key.public_key())
    query = parse_qs(urlsplit(link).query)
    if "credential_offer_uri" in query:
        offer = requests.get(query["credential_offer_uri"][0], timeout=10).json()
    else:
        offer = json.loads(unquote(query["credential_offer"][0]))
    issuer = offer["credential_issuer"]
    metadata = requests.get(_well_known(issuer, "openid-credential-issuer"), timeout=10).json()
    assert metadata["credential_issuer"] == issuer
    server = (metadata.get("authorization_servers") or [issuer])[0]
    as_metadata = requests.get(_well_known(server, "oauth-authorization-server"),
                               timeout=10).json()
    grant = offer["grants"][PRE_AUTH]
    form = {"grant_type": PRE_AUTH, "pre-authorized_code": grant["pre-authorized_code"]}
    if "tx_code" in grant:
        form["tx_code"] = tx_code or ""
    token = requests.post(as_metadata["token_endpoint"], data=form, timeout=10)
    facts = {"did": did, "offer": offer, "metadata": metadata, "token": token}
    if token.status_code != 200:
        return {}, facts
    nonce = requests.post(metadata["nonce_endpoint"], timeout=10).json()["c_nonce"]
    proof = sign_jwt({"typ": "openid4vci-proof+jwt", "alg": "EdDSA",
                      "kid": f"{did}#{did.removeprefix('did:key:')}"},
                     {"aud": audience or issuer, "iat": int(time.time()), "nonce": nonce}, key)
    config_id = configuration or offer["credential_configuration_ids"][0]
    response = requests.post(metadata["credential_endpoint"], timeout=10,
                             json={"credential_configuration_id": config_id,
                                   "proofs": {"jwt": [proof]}},
                             headers={"Authorization": "Bearer " + token.json()["access_token"]})
    facts["response"] = response
    return response.json(), facts
