"""An OpenID4VP 1.0 verifier and wallet written from the specification, apart from the app:
no module of eigendossier is imported (only tests/api/sharing/independent.py, itself written
apart, for Data Integrity and JWS checks). They talk HTTP to the app like any peer would.

- :class:`MiniVerifier` serves a request object signed with its did:key (client_id prefix
  ``decentralized_identifier:``) or puts the request in the link (``redirect_uri:``), takes
  the ``direct_post`` answer and checks each presentation's holder binding: signed by the
  presentation's holder, over its nonce (challenge / ``nonce``) and its client id (domain /
  ``aud``). Its knobs make it hostile for the wallet's tests.
- :class:`MiniWallet` opens a link, fetches and checks the request object (its did:web
  document fetched over HTTP), and answers with a VP-JWT (``jwt_vc_json``) or a Data Integrity
  presentation (``ldp_vc``) signed by its own did:key, or an SD-JWT VC (``dc+sd-jwt``) with
  the disclosures it picks and a Key Binding JWT (RFC 9901)."""
import base64
import datetime
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.api.sharing import independent

ALPHABET = independent.ALPHABET
REQUEST_TYPE = "oauth-authz-req+jwt"
VC2 = "https://www.w3.org/ns/credentials/v2"

# Appendix/section examples of the specification, adapted to W3C credentials (section 6.4's
# shape: an id, a format, meta.type_values, claims with path and values).
SPEC_DCQL = {
    "credentials": [{
        "id": "my_credential",
        "format": "ldp_vc",
        "meta": {"type_values": [["OpenBadgeCredential"]]},
        "claims": [{"path": ["credentialSubject", "achievement", "name"]}],
    }]
}
SPEC_DCQL_JWT = {
    "credentials": [{
        "id": "example_jwt_vc",
        "format": "jwt_vc_json",
        "meta": {"type_values": [["VerifiableCredential", "OpenBadgeCredential"]]},
        "claims": [{"path": ["credentialSubject", "achievement", "name"]}],
    }]
}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = ALPHABET[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def did_key_of(private: Ed25519PrivateKey) -> tuple[str, str]:
    """(did, verification method) of an Ed25519 key as did:key (multicodec 0xed01)."""
    raw = private.public_key().public_bytes_raw()
    multikey = "z" + b58encode(b"\xed\x01" + raw)
    return f"did:key:{multikey}", f"did:key:{multikey}#{multikey}"


def sign_jws(header: dict, payload: dict, private: Ed25519PrivateKey) -> str:
    head = b64url(json.dumps(header).encode())
    body = b64url(json.dumps(payload).encode())
    signature = private.sign(f"{head}.{body}".encode())
    return f"{head}.{body}.{b64url(signature)}"


def sign_jws_es256(header: dict, payload: dict, private: ec.EllipticCurvePrivateKey) -> str:
    head = b64url(json.dumps(header).encode())
    body = b64url(json.dumps(payload).encode())
    r, s = decode_dss_signature(private.sign(f"{head}.{body}".encode(),
                                             ec.ECDSA(hashes.SHA256())))
    return f"{head}.{body}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


class Authority:
    """A certificate authority of a (pretend) wallet trust framework, and the leaf
    certificates it gives verifiers: P-256, the verifier's DNS name as subjectAltName."""

    def __init__(self, name="Test trust framework"):
        self.key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = datetime.datetime.now(datetime.UTC)
        self.certificate = (
            x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                         False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()),
                           critical=False)
            .sign(self.key, hashes.SHA256()))

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def leaf(self, dns_name: str) -> tuple[ec.EllipticCurvePrivateKey, str]:
        """A verifier's key and its certificate (base64 DER, as x5c holds it)."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, dns_name)]))
            .issuer_name(self.certificate.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=7))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(dns_name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False,
                                         False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256()))
        der = certificate.public_bytes(serialization.Encoding.DER)
        return key, base64.b64encode(der).decode("ascii")


def read_jws(token: str) -> tuple[dict, dict, bytes, bytes]:
    head, body, signature = token.split(".")
    return (json.loads(independent._b64(head)), json.loads(independent._b64(body)),
            f"{head}.{body}".encode(), independent._b64(signature))


def sign_data_integrity(document: dict, private: Ed25519PrivateKey, method: str, *,
                        challenge: str, domain: str) -> dict:
    """An eddsa-rdfc-2022 proof (VC Data Integrity EdDSA Cryptosuites, section 3.2.1)."""
    options = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
               "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "verificationMethod": method, "proofPurpose": "authentication",
               "challenge": challenge, "domain": domain}
    data = (hashlib.sha256(independent.canonical({**options,
                                                  "@context": document["@context"]})).digest()
            + hashlib.sha256(independent.canonical(document)).digest())
    return {**document, "proof": {**options, "proofValue": "z" + b58encode(private.sign(data))}}


class _Server:
    def __init__(self, handler):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class MiniVerifier:
    """A verifier from the specification. ``scheme`` is "did" (signed request object by
    reference) or "redirect_uri" (parameters in the link). The other knobs spoil it."""

    def __init__(self, query=None, *, scheme="did", typ=REQUEST_TYPE, extra_claims=None,
                 sign_with=None, expires_in=300, padding=0, address=None, authority=None,
                 dns_name="localhost"):
        self.key = Ed25519PrivateKey.generate()
        self.did, self.method = did_key_of(self.key)
        self.query = query or SPEC_DCQL
        self.scheme, self.typ, self.extra = scheme, typ, extra_claims or {}
        self.sign_with, self.expires_in, self.padding = sign_with, expires_in, padding
        self.nonce, self.state = secrets.token_urlsafe(16), secrets.token_urlsafe(8)
        self.answers: list[dict] = []
        self.checked: list[dict] = []
        self.fetches = 0
        verifier = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                verifier.fetches += 1
                body = verifier.request_object().encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/oauth-authz-req+jwt")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                verifier.answers.append(form)
                ok = verifier.check(form)
                body = b"{}" if ok else b'{"error":"invalid_request"}'
                self.send_response(200 if ok else 400)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.http = _Server(Handler)
        self.base = address or self.http.base
        self.response_uri = f"{self.http.base}/response"
        self.dns_name = dns_name
        if scheme == "x509":  # answers go to the host the certificate names
            self.response_uri = f"http://{dns_name}:{self.http.server.server_port}/response"
            self.leaf_key, self.leaf = authority.leaf(dns_name)

    @property
    def client_id(self) -> str:
        if self.scheme == "redirect_uri":
            return f"redirect_uri:{self.response_uri}"
        if self.scheme == "x509":
            return f"x509_san_dns:{self.dns_name}"
        return f"decentralized_identifier:{self.did}"

    def claims(self) -> dict:
        now = int(time.time())
        return {"client_id": self.client_id, "response_type": "vp_token",
                "response_mode": "direct_post", "response_uri": self.response_uri,
                "nonce": self.nonce, "state": self.state, "dcql_query": self.query,
                "aud": "https://self-issued.me/v2", "iat": now, "exp": now + self.expires_in,
                **({"client_metadata": {"client_name": "x" * self.padding}}
                   if self.padding else {}), **self.extra}

    def request_object(self) -> str:
        if self.scheme == "x509":
            return sign_jws_es256({"alg": "ES256", "typ": self.typ, "x5c": [self.leaf]},
                                  self.claims(), self.leaf_key)
        header = {"alg": "EdDSA", "typ": self.typ, "kid": self.method}
        return sign_jws(header, self.claims(), self.sign_with or self.key)

    def link(self) -> str:
        if self.scheme == "redirect_uri":
            claims = {k: v for k, v in self.claims().items() if k not in ("aud", "iat", "exp")}
            claims["dcql_query"] = json.dumps(claims["dcql_query"])
            return "openid4vp://?" + urlencode(claims)
        return "openid4vp://?" + urlencode({"client_id": self.client_id,
                                             "request_uri": f"{self.base}/request"})

    def check(self, form: dict) -> bool:
        """Section 8.6/14.1: every presentation bound to our nonce and client id and signed
        by its holder."""
        if form.get("state") != self.state or "vp_token" not in form:
            return False
        token = json.loads(form["vp_token"])
        if set(token) - {c["id"] for c in self.query["credentials"]}:
            return False
        for query_id, presentations in token.items():
            fmt = next(c["format"] for c in self.query["credentials"] if c["id"] == query_id)
            for presented in presentations:
                if fmt == "ldp_vc":
                    proof = independent.verify_data_integrity(presented)
                    bound = (proof["challenge"] == self.nonce
                             and proof["domain"] == self.client_id
                             and proof["proofPurpose"] == "authentication"
                             and proof["verificationMethod"].startswith(presented["holder"]))
                else:
                    header, payload = independent.verify_jwt(presented)
                    bound = (payload["nonce"] == self.nonce and payload["aud"] == self.client_id
                             and header["kid"].startswith(payload["iss"] + "#"))
                if not bound:
                    return False
                self.checked.append({"format": fmt, "presentation": presented})
        return True

    def stop(self):
        self.http.stop()


class MiniWallet:
    """A wallet from the specification, holding credentials it was given."""

    def __init__(self, *, http_for_did_web=True):
        self.key = Ed25519PrivateKey.generate()
        self.did, self.method = did_key_of(self.key)
        self.http_for_did_web = http_for_did_web

    def open(self, link: str) -> dict:
        """Fetch the request object and check it: typed, signed by a key of the DID in the
        client_id, naming that client_id."""
        params = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
        response = requests.get(params["request_uri"], timeout=5)
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].startswith("application/oauth-authz-req+jwt")
        header, claims, signed, signature = read_jws(response.text)
        assert header["typ"] == REQUEST_TYPE
        assert claims["client_id"] == params["client_id"]
        did = params["client_id"].removeprefix("decentralized_identifier:")
        assert header["kid"].startswith(did + "#")
        self._did_web_key(did, header["kid"]).verify(signature, signed)
        return claims

    def _did_web_key(self, did: str, kid: str) -> Ed25519PublicKey:
        host, *path = did.removeprefix("did:web:").split(":")
        scheme = "http" if self.http_for_did_web else "https"
        document = requests.get(f"{scheme}://{unquote(host)}/{'/'.join(path)}/did.json",
                                timeout=5).json()
        method = next(m for m in document["verificationMethod"] if m["id"] == kid)
        raw = independent.b58decode(method["publicKeyMultibase"][1:])
        assert raw[:2] == b"\xed\x01"
        return Ed25519PublicKey.from_public_bytes(raw[2:])

    def vp_jwt(self, credentials: list[str], *, nonce: str, audience: str) -> str:
        """A VP-JWT (VCDM 1.1 JWT encoding: the presentation in the ``vp`` claim)."""
        now = int(time.time())
        payload = {"iss": self.did, "aud": audience, "nonce": nonce, "iat": now,
                   "exp": now + 300, "jti": f"urn:uuid:{secrets.token_hex(8)}",
                   "vp": {"@context": [VC2], "type": ["VerifiablePresentation"],
                          "holder": self.did, "verifiableCredential": credentials}}
        return sign_jws({"alg": "EdDSA", "typ": "JWT", "kid": self.method}, payload, self.key)

    def ldp_vp(self, credentials: list[dict], *, nonce: str, audience: str) -> dict:
        document = {"@context": [VC2], "type": ["VerifiablePresentation"],
                    "holder": self.did, "verifiableCredential": credentials}
        return sign_data_integrity(document, self.key, self.method, challenge=nonce,
                                   domain=audience)

    def sd_jwt_vc(self, issuer: Ed25519PrivateKey, claims: dict, hidden: dict) -> tuple[str, dict]:
        """An SD-JWT VC (RFC 9901 sections 4.2.1-4.2.4, SD-JWT VC section 3) bound by ``cnf`` to
        this wallet's key, issued by ``issuer`` (as a did:key), with the claims of ``hidden``
        (``{path of the object: {name: value}}``) selectively disclosable. Returns the issuer's
        JWT and the disclosures by name."""
        did, method = did_key_of(issuer)
        payload = json.loads(json.dumps(claims))
        disclosures = {}
        for where, members in hidden.items():
            node = payload
            for step in where:
                node = node.setdefault(step, {})
            for name, value in members.items():
                disclosure = b64url(json.dumps([b64url(secrets.token_bytes(16)), name, value])
                                    .encode())
                node.setdefault("_sd", []).append(
                    b64url(hashlib.sha256(disclosure.encode("ascii")).digest()))
                disclosures[name] = disclosure
        holder = b64url(self.key.public_key().public_bytes_raw())
        payload.update({"iss": did, "_sd_alg": "sha-256",
                        "cnf": {"jwk": {"kty": "OKP", "crv": "Ed25519", "x": holder}}})
        return sign_jws({"alg": "EdDSA", "typ": "dc+sd-jwt", "kid": method}, payload,
                        issuer), disclosures

    def sd_jwt_presentation(self, issuer_jwt: str, disclosures: list[str], *, nonce: str,
                            audience: str, key_binding: bool = True) -> str:
        """``<issuer JWT>~<disclosures>~<KB-JWT>`` (RFC 9901 section 4.3): the KB-JWT's
        ``sd_hash`` is the SHA-256 of everything before it."""
        shown = "~".join([issuer_jwt, *disclosures]) + "~"
        if not key_binding:
            return shown
        sd_hash = b64url(hashlib.sha256(shown.encode("ascii")).digest())
        return shown + sign_jws({"alg": "EdDSA", "typ": "kb+jwt"},
                                {"iat": int(time.time()), "aud": audience, "nonce": nonce,
                                 "sd_hash": sd_hash}, self.key)

    @staticmethod
    def post(claims: dict, vp_token: dict, **extra) -> requests.Response:
        form = {"vp_token": json.dumps(vp_token), "state": claims["state"], **extra}
        return requests.post(claims["response_uri"], data=form, timeout=10)
