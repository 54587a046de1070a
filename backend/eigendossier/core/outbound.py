"""The one guarded HTTP client for every outbound fetch (badge URLs, issuer profiles, keys,
DID documents, status lists).

- HTTPS only; plain HTTP only when config ``OUTBOUND_ALLOW_HTTP`` is true (tests).
- No private, loopback, link-local, multicast, reserved or otherwise non-global address: the
  check runs when the socket is opened, on the addresses DNS returned, and the socket is
  connected to the address that was checked, so DNS rebinding cannot slip past it. Every
  redirect opens a new connection and is checked again. ``OUTBOUND_ALLOW_PRIVATE`` lifts the
  rule (tests); ``OUTBOUND_ALLOW_NETWORKS`` lists networks allowed anyway (an internal issuer).
- At most 3 redirects; connect timeout 3 s, read timeout 5 s, 15 s in all. The total holds
  against a server that drips a byte at a time: the body is read in small pieces with the
  deadline checked between them, and a timer shuts the fetch's sockets when the deadline
  passes, also during the TLS handshake and the headers, which urllib3 reads itself.
- A response size cap (1 MB by default): the body is streamed and cut.
- No proxies from the environment, no cookies kept between fetches.

``fetcher()`` returns a callable ``fetch(url) -> (bytes, content_type)`` for the credentials
library; it raises the library's :class:`FetchError`.
"""
import contextlib
import http.cookiejar
import ipaddress
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
from flask import Flask, current_app
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    NameResolutionError,
    NewConnectionError,
    ReadTimeoutError,
)
from urllib3.exceptions import HTTPError as Urllib3Error

from eigendossier.credentials import FetchError

MB = 1024 * 1024
JSON_ACCEPT = "application/ld+json, application/json;q=0.9, application/jwt;q=0.8, */*;q=0.1"
USER_AGENT = "EigenDossier/0.1 (+https://eigendossier.nl)"
_EXTENSION = "eigendossier.core.outbound"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_READ_PIECE = 16 * 1024
_active = threading.local()


class AddressRefused(Exception):
    """The host resolves only to addresses we may not connect to (not an OSError on purpose:
    urllib3 and requests let it through instead of retrying or wrapping it)."""

    def __init__(self, host: str, address: str):
        super().__init__(f"{host} resolves to {address}, which is not a public address")
        self.host = host
        self.address = address


@dataclass(frozen=True)
class Policy:
    allow_http: bool = False
    allow_private: bool = False
    allowed_networks: tuple = ()
    max_bytes: int = MB
    connect_timeout: float = 3.0
    read_timeout: float = 5.0
    total_timeout: float = 15.0
    max_redirects: int = 3
    networks: tuple = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self):
        networks = tuple(ipaddress.ip_network(n, strict=False) for n in self.allowed_networks)
        object.__setattr__(self, "networks", networks)

    def address_allowed(self, address: Address) -> bool:
        if self.allow_private or any(address in n for n in self.networks
                                     if n.version == address.version):
            return True
        return is_public(address)


def is_public(address: Address) -> bool:
    """A globally routable unicast address (also looking inside IPv4-in-IPv6 forms)."""
    if address.version == 6:
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address.teredo:
            embedded = address.teredo[1]
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
    return address.is_global and not (
        address.is_multicast or address.is_private or address.is_loopback
        or address.is_link_local or address.is_reserved or address.is_unspecified
    )


def literal_host_refused(hostname: str, policy: Policy) -> bool:
    """True for a host that names a refused address without asking DNS: ``localhost`` (and
    ``*.localhost``), or an IP address in any form the system resolver reads (dotted, decimal
    ``2130706433``, octal ``0177.0.0.1``, hex, IPv6). Checked when a URL is stored for later;
    fetching checks the resolved address again."""
    host = (hostname or "").strip("[]").rstrip(".").lower()
    if policy.allow_private:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        try:
            address = ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return False
    return not policy.address_allowed(address)


class Deadline:
    """The total time one fetch may take, redirects included.

    Reads the client drives itself check it between pieces; for the parts urllib3 drives (the
    TLS handshake, the status line and headers) a timer shuts down every socket the fetch
    used when the deadline passes, so the blocked read returns at once. The sockets are
    watched through duplicates of their descriptors: a shutdown acts on the connection, and
    the duplicate survives TLS taking over the original socket object."""

    def __init__(self, seconds: float):
        self.at = time.monotonic() + seconds
        self._watched: list[socket.socket] = []
        self._lock = threading.Lock()
        self._passed = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def passed(self) -> bool:
        return self._passed or time.monotonic() >= self.at

    def watch(self, sock: socket.socket) -> None:
        try:
            watched = sock.dup()
        except OSError:
            return
        with self._lock:
            self._watched.append(watched)
            if self._passed:
                _hang_up(watched)

    def _expire(self) -> None:
        with self._lock:
            self._passed = True
            for watched in self._watched:
                _hang_up(watched)

    def __enter__(self) -> "Deadline":
        _active.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()
        _active.deadline = None
        with self._lock:
            for watched in self._watched:
                watched.close()
            self._watched.clear()


def _hang_up(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _watch(sock: socket.socket | None) -> None:
    """Put a socket under the running fetch's deadline (if a fetch is running)."""
    deadline = getattr(_active, "deadline", None)
    if deadline is not None and sock is not None:
        deadline.watch(sock)


def open_guarded(host: str, port: int, policy: Policy, timeout: float | None,
                 socket_options=()) -> socket.socket:
    """A TCP connection to `host`, only to an address the policy allows: the check runs on
    the addresses DNS returned and the socket connects to exactly the one checked. Raises
    AddressRefused when every address is refused, socket.gaierror when the name does not
    resolve, TimeoutError when connecting times out, OSError when nothing connects."""
    results = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    error: OSError | None = None
    refused = None
    for family, kind, proto, _, sockaddr in results:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if not policy.address_allowed(address):
            refused = refused or str(address)
            continue
        sock = socket.socket(family, kind, proto)
        try:
            for option in socket_options or ():
                sock.setsockopt(*option)
            if timeout is not None:
                sock.settimeout(timeout)
            _watch(sock)
            sock.connect(sockaddr)
            sys.audit("http.client.connect", None, host, port)
            return sock
        except TimeoutError:
            sock.close()
            raise
        except OSError as failure:
            sock.close()
            error = failure
    if error is None:
        raise AddressRefused(host, refused or "nothing")
    raise error


def _connect(conn: HTTPConnection, policy: Policy) -> socket.socket:
    """urllib3's create_connection, refusing addresses the policy does not allow and
    connecting to exactly the address that was checked."""
    try:
        return open_guarded(conn._dns_host.strip("[]"), conn.port, policy, conn.timeout,
                            conn.socket_options)
    except socket.gaierror as error:
        raise NameResolutionError(conn.host, conn, error) from error
    except TimeoutError as timeout:
        raise ConnectTimeoutError(conn, f"Connection to {conn.host} timed out") from timeout
    except OSError as error:
        raise NewConnectionError(conn, f"Failed to establish a new connection: {error}") \
            from error


def _pool_classes(policy: Policy) -> dict:
    class GuardedHTTPConnection(HTTPConnection):
        def _new_conn(self):
            return _connect(self, policy)

        def request(self, *args, **kwargs):
            _watch(self.sock)  # a kept-alive connection, opened by an earlier fetch
            return super().request(*args, **kwargs)

    class GuardedHTTPSConnection(HTTPSConnection):
        def _new_conn(self):
            return _connect(self, policy)

        def request(self, *args, **kwargs):
            _watch(self.sock)
            return super().request(*args, **kwargs)

    class GuardedHTTPPool(HTTPConnectionPool):
        ConnectionCls = GuardedHTTPConnection

    class GuardedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = GuardedHTTPSConnection

    return {"http": GuardedHTTPPool, "https": GuardedHTTPSPool}


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, policy: Policy, **pool):
        self._pool_classes = _pool_classes(policy)
        super().__init__(max_retries=0, **pool)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pool_classes

    def proxy_manager_for(self, *args, **kwargs):  # pragma: no cover - trust_env is off
        raise RuntimeError("outbound fetches never use a proxy")


class GuardedClient:
    """Fetch a URL under a :class:`Policy`; a callable the credentials library accepts."""

    def __init__(self, policy: Policy | None = None):
        self.policy = policy or Policy()
        session = requests.Session()
        session.trust_env = False  # no proxies or .netrc from the environment
        session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        session.max_redirects = self.policy.max_redirects
        adapter = _GuardedAdapter(self.policy)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        self.session = session

    def __call__(self, url: str) -> tuple[bytes, str]:
        return self.fetch(url)

    def fetch(self, url: str, *, max_bytes: int | None = None,
              accept: str = JSON_ACCEPT) -> tuple[bytes, str]:
        limit = max_bytes or self.policy.max_bytes
        current = url
        with Deadline(self.policy.total_timeout) as deadline:
            for _ in range(self.policy.max_redirects + 1):
                self._check_url(current)
                response = self._get(current, accept, deadline)
                try:
                    if response.is_redirect:
                        current = urljoin(current, response.headers["Location"])
                        continue
                    if response.status_code != 200:
                        raise FetchError(current, f"HTTP {response.status_code}")
                    body = self._read(current, response, limit, deadline)
                    return body, response.headers.get("Content-Type", "")
                finally:
                    response.close()
        raise FetchError(url, "too many redirects")

    def post_form(self, url: str, form: dict[str, str], *, max_bytes: int | None = None,
                  accept: str = "application/json") -> tuple[int, bytes, str]:
        """POST a form (``application/x-www-form-urlencoded``) under the same guard, e.g. a
        wallet's answer to a verifier. A redirect is not followed (the form would be sent
        again, elsewhere); the status, the body (capped) and its content type are returned."""
        return self.post(url, data=form, max_bytes=max_bytes, accept=accept)

    def post(self, url: str, *, data: dict | None = None, json_body: dict | None = None,
             headers: dict | None = None, max_bytes: int | None = None,
             accept: str = "application/json") -> tuple[int, bytes, str]:
        """POST a form or a JSON body under the same guards (an OAuth token endpoint, an
        OpenID4VCI nonce or credential endpoint): no redirects followed, any status answered
        with its body, so the caller can read an error document. (status, body, type)."""
        limit = max_bytes or self.policy.max_bytes
        self._check_url(url)
        with Deadline(self.policy.total_timeout) as deadline:
            if deadline.passed():
                raise FetchError(url, "timed out")
            try:
                response = self.session.post(
                    url, data=data, json=json_body, stream=True, allow_redirects=False,
                    timeout=(self.policy.connect_timeout, self.policy.read_timeout),
                    headers={"Accept": accept, "Accept-Encoding": "identity",
                             "User-Agent": USER_AGENT, **(headers or {})})
            except AddressRefused as refused:
                raise FetchError(url, f"address not allowed ({refused.address})") from None
            except requests.Timeout:
                raise FetchError(url, "timed out") from None
            except requests.exceptions.SSLError:
                raise FetchError(url, "TLS certificate not valid") from None
            except requests.RequestException as error:
                if deadline.passed():
                    raise FetchError(url, "timed out") from None
                raise FetchError(url, f"connection failed ({type(error).__name__})") from None
            try:
                body = self._read(url, response, limit, deadline)
                return response.status_code, body, response.headers.get("Content-Type", "")
            finally:
                response.close()

    def _check_url(self, url: str) -> None:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises on a malformed port
        except ValueError:
            raise FetchError(url, "not a valid URL") from None
        allowed = ("https", "http") if self.policy.allow_http else ("https",)
        if parts.scheme not in allowed:
            raise FetchError(url, "only https URLs are fetched")
        if not parts.hostname:
            raise FetchError(url, "the URL has no host")
        if parts.username is not None or parts.password is not None:
            raise FetchError(url, "URLs with a user name or password are not fetched")

    def _get(self, url: str, accept: str, deadline: Deadline) -> requests.Response:
        if deadline.passed():
            raise FetchError(url, "timed out")
        try:
            return self.session.get(
                url,
                stream=True,
                allow_redirects=False,
                timeout=(self.policy.connect_timeout, self.policy.read_timeout),
                headers={"Accept": accept, "Accept-Encoding": "identity",
                         "User-Agent": USER_AGENT},
            )
        except AddressRefused as refused:
            raise FetchError(url, f"address not allowed ({refused.address})") from None
        except requests.Timeout:
            raise FetchError(url, "timed out") from None
        except requests.exceptions.SSLError:
            raise FetchError(url, "TLS certificate not valid") from None
        except requests.RequestException as error:
            if deadline.passed():
                raise FetchError(url, "timed out") from None
            raise FetchError(url, f"connection failed ({type(error).__name__})") from None

    def _read(self, url: str, response, limit: int, deadline: Deadline) -> bytes:
        """The body, read in pieces of at most one socket read each, so the deadline is
        checked between reads however slowly the bytes come."""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(url, "response too large")
        chunks, size = [], 0
        try:
            while piece := response.raw.read1(_READ_PIECE, decode_content=True):
                if deadline.passed():
                    raise FetchError(url, "timed out")
                size += len(piece)
                if size > limit:
                    raise FetchError(url, "response too large")
                chunks.append(piece)
        except Urllib3Error as error:
            if deadline.passed() or isinstance(error, ReadTimeoutError):
                raise FetchError(url, "timed out") from None
            raise FetchError(url, "the connection broke off") from None
        if deadline.passed():  # the timer hung up: what came is cut short
            raise FetchError(url, "timed out")
        return b"".join(chunks)


def policy_from_config(config, **overrides) -> Policy:
    settings = {
        "allow_http": bool(config.get("OUTBOUND_ALLOW_HTTP", False)),
        "allow_private": bool(config.get("OUTBOUND_ALLOW_PRIVATE", False)),
        "allowed_networks": tuple(config.get("OUTBOUND_ALLOW_NETWORKS") or ()),
        "max_bytes": int(config.get("OUTBOUND_MAX_BYTES") or MB),
    }
    settings.update(overrides)
    return Policy(**settings)


def fetcher(app: Flask | None = None) -> GuardedClient:
    """The app's guarded client (one per app, built on first use)."""
    app = app or current_app._get_current_object()
    client = app.extensions.get(_EXTENSION)
    if client is None:
        client = app.extensions[_EXTENSION] = GuardedClient(policy_from_config(app.config))
    return client
