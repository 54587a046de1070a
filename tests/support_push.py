"""A real Web Push service for tests, on 127.0.0.1.

It does what a push service does to a request, strictly: checks the VAPID JWT (ES256)
against the application server key the subscription was made with (and its audience and
expiry), requires TTL, checks Urgency and Topic, decrypts the aes128gcm body with the
subscription's private key (http_ece), and records it. Per subscription it can be told to
answer 404/410/429/500 (with Retry-After), and every answer can wait a set delay.

Run on its own (the benchmark does) with ``python -m tests.support_push --port 0``: it prints
its base URL, then serves until killed; GET /_stats answers {"requests": n, "delivered": n}.
"""
import argparse
import base64
import json
import os
import re
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from tests.support import serve_in_thread

TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
URGENCIES = {"very-low", "low", "normal", "high"}


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class FakeSubscription:
    """What a browser keeps for one subscription: a P-256 key pair and a 16-byte secret."""

    name: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    @property
    def p256dh(self) -> str:
        return b64url(self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def to_json(self) -> dict:
        """As PushSubscription.toJSON() gives it."""
        return {"endpoint": self.endpoint, "expirationTime": None,
                "keys": {"p256dh": self.p256dh, "auth": self.auth}}


@dataclass
class Received:
    """One request the push service accepted or refused."""

    name: str
    status: int
    headers: dict
    claims: dict | None = None
    payload: dict | None = None
    error: str = ""
    at: float = field(default_factory=time.time)


class PushService:
    def __init__(self, application_server_key: str | None = None, verify: bool = True,
                 delay: float = 0.0, port: int = 0):
        self.application_server_key = application_server_key
        self.verify = verify
        self.delay = delay
        self.subscriptions: dict[str, FakeSubscription] = {}
        self.requests: list[Received] = []
        self.counts = {"requests": 0, "delivered": 0}
        self._scripts: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()
        service = self

        class Handler(_Handler):
            push = service

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = None

    # -- control ----------------------------------------------------------------------------

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def subscribe(self, name: str) -> FakeSubscription:
        subscription = FakeSubscription(name, f"{self.origin}/push/{name}",
                                        ec.generate_private_key(ec.SECP256R1()), os.urandom(16))
        self.subscriptions[name] = subscription
        return subscription

    def answer(self, name: str, *responses) -> None:
        """Answer the next requests for `name` so: a status, or (status, {headers}), or
        (status, {headers}, delay in seconds instead of the service's delay)."""
        with self._lock:
            for response in responses:
                parts = list(response) if isinstance(response, tuple) else [response]
                parts += [{}, None][len(parts) - 1:]
                self._scripts[name].append(tuple(parts[:3]))

    def delivered(self, name: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self.requests
                    if 200 <= r.status < 300 and (name is None or r.name == name)]

    def start(self) -> "PushService":
        self.thread = serve_in_thread(self.server, "push-service")
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self.thread:
            self.thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- handling ---------------------------------------------------------------------------

    def handle(self, name: str, headers: dict, body: bytes) -> tuple[int, dict, float]:
        with self._lock:
            scripted = self._scripts[name].popleft() if self._scripts[name] else None
        record = Received(name, 201, headers)
        refusal = self._check(name, headers, body, record) if self.verify else None
        if refusal is not None:
            record.status, record.error = refusal
        elif scripted is not None:
            record.status = scripted[0]
        extra = dict(scripted[1]) if scripted and refusal is None else {}
        delay = scripted[2] if scripted and scripted[2] is not None else self.delay
        with self._lock:
            self.counts["requests"] += 1
            if 200 <= record.status < 300:
                self.counts["delivered"] += 1
            if self.verify:
                self.requests.append(record)
        return record.status, extra, delay

    def _check(self, name, headers, body, record) -> tuple[int, str] | None:
        subscription = self.subscriptions.get(name)
        if subscription is None:
            return 404, "no such subscription"
        try:
            record.claims = self._vapid(headers.get("authorization", ""))
        except (ValueError, KeyError, InvalidSignature) as error:
            return 401, f"vapid: {error}"
        ttl = headers.get("ttl", "")
        if not ttl.isdigit():
            return 400, "TTL missing"
        if headers.get("urgency", "normal") not in URGENCIES:
            return 400, "bad Urgency"
        if "topic" in headers and not TOPIC.match(headers["topic"]):
            return 400, "bad Topic"
        if headers.get("content-encoding") != "aes128gcm":
            return 415, "not aes128gcm"
        if len(body) > 4096:
            return 413, "payload too large"
        try:
            plain = http_ece.decrypt(body, private_key=subscription.private_key,
                                     auth_secret=subscription.auth_secret, version="aes128gcm")
            record.payload = json.loads(plain)
        except Exception as error:  # any failure to decrypt is a 400
            return 400, f"decrypt: {type(error).__name__}"
        return None

    def _vapid(self, authorization: str) -> dict:
        scheme, _, params = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise ValueError("not a vapid Authorization")
        parts = dict(item.strip().split("=", 1) for item in params.split(","))
        token, key = parts["t"], parts["k"]
        if self.application_server_key and key != self.application_server_key:
            raise ValueError("not the key the subscription was made with")
        header_b64, claims_b64, signature_b64 = token.split(".")
        header = json.loads(unb64url(header_b64))
        if header.get("alg") != "ES256":
            raise ValueError("alg is not ES256")
        signature = unb64url(signature_b64)
        if len(signature) != 64:
            raise InvalidSignature()
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        public.verify(encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                           int.from_bytes(signature[32:], "big")),
                      f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        claims = json.loads(unb64url(claims_b64))
        if claims.get("aud") != self.origin:
            raise ValueError(f"aud {claims.get('aud')!r} is not {self.origin}")
        now = time.time()
        if not now < int(claims["exp"]) <= now + 24 * 3600:
            raise ValueError("exp not within 24 hours")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            raise ValueError("sub is not mailto: or https:")
        return claims


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real push services do
    push: PushService

    def log_message(self, *args):  # quiet
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        name = self.path.rsplit("/", 1)[-1]
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, extra, delay = self.push.handle(name, headers, body)
        if delay:
            time.sleep(delay)
        self.send_response(status)
        for key, value in extra.items():
            self.send_header(key, value)
        if 200 <= status < 300:
            self.send_header("Location", f"{self.push.origin}/message/{time.time_ns()}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        with self.push._lock:
            body = json.dumps(self.push.counts).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--no-verify", action="store_true")
    args = parser.parse_args()
    service = PushService(verify=not args.no_verify, delay=args.delay, port=args.port)
    print(service.origin, flush=True)
    service.server.serve_forever()


if __name__ == "__main__":
    main()
