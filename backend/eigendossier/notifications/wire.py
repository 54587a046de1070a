"""A lean HTTP/1.1 client for one thing: POSTing push messages to a push service over
kept-alive connections.

Push services answer a message with a status line, a few headers and (nearly always) no
body. urllib3 and http.client spent ~0.2 ms of CPU per message on that (header validation
per call, the email parser for the response, response and header objects); this spends a
tenth of it. What it does not do, it refuses: no redirects (the caller never follows them),
no proxies, no content decoding, no request bodies but bytes.

- Connections open through the outbound guard (:func:`open_guarded`: only addresses the
  policy allows, connected to exactly the one checked); https checks the certificate and
  host name against the same CA bundle as requests.
- A connect timeout, then a read timeout on every socket operation.
- A connection is reused only after a complete response that allows it, and only when the
  server has not closed it meanwhile; otherwise it is closed.
"""
import re
import select
import socket
import ssl
import threading
import weakref
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi

from eigendossier.core.outbound import Policy, open_guarded

MAX_LINE = 8192
MAX_HEADERS = 100
MAX_BODY = 64 * 1024
_SAFE_TARGET = re.compile(r"^/[\x21-\x7e]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class WireError(OSError):
    """The connection broke or the answer was not HTTP/1.x."""


class WireTimeout(WireError, TimeoutError):
    """Connecting or reading took longer than its timeout."""


@dataclass(frozen=True)
class Response:
    status: int
    reason: str
    headers: dict[str, str]  # lower-case names; a repeated header keeps its last value


class _Connection:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.reader = sock.makefile("rb")
        self.poller = select.poll()  # registered once: asked before every reuse
        self.poller.register(sock, select.POLLIN)

    def dropped(self) -> bool:
        """Closed (or talking out of turn) since its last answer: not to be reused."""
        return bool(self.poller.poll(0))

    def close(self) -> None:
        self.reader.close()
        self.sock.close()


class Origin:
    """Kept-alive connections to one origin (``scheme://host:port``), up to `maxsize` idle;
    safe to share between threads (each request holds its connection alone)."""

    def __init__(self, origin: str, policy: Policy, timeout: tuple[float, float],
                 maxsize: int = 10):
        parts = urlsplit(origin)
        schemes = ("https", "http") if policy.allow_http else ("https",)
        if parts.scheme not in schemes or not parts.hostname:
            raise ValueError("not an origin the policy allows")
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.host_header = parts.netloc.rpartition("@")[2]
        self._host = header_block({"Host": self.host_header})
        self.policy = policy
        self.connect_timeout, self.read_timeout = timeout
        self.maxsize = maxsize
        self.tls = ssl.create_default_context(cafile=certifi.where()) \
            if parts.scheme == "https" else None
        self._idle: list[_Connection] = []
        self._lock = threading.Lock()
        weakref.finalize(self, _close_all, self._idle)  # a sender dropped without close()

    def post(self, target: str, headers: dict[str, str], body: bytes,
             fixed: bytes = b"") -> Response:
        """POST `body` to `target` (path and query) with `headers` and the `fixed` ones (a
        :func:`header_block` the caller keeps for many requests). Raises AddressRefused,
        WireTimeout, WireError (ssl.SSLError for a certificate or handshake that fails)."""
        if not _SAFE_TARGET.match(target):
            raise ValueError("not a request target")
        request = b"".join((f"POST {target} HTTP/1.1\r\n".encode("latin-1"), self._host,
                            b"Content-Length: %d\r\n" % len(body), header_block(headers),
                            fixed, b"\r\n", body))
        connection = self._take()
        try:
            connection.sock.sendall(request)
            response, reusable = _read_response(connection.reader)
        except TimeoutError as error:
            connection.close()
            raise WireTimeout("timed out") from error
        except (OSError, ValueError) as error:
            connection.close()
            if isinstance(error, WireError | ssl.SSLError):
                raise
            raise WireError(f"broken: {type(error).__name__}") from error
        self._give_back(connection, reusable)
        return response

    def close(self) -> None:
        with self._lock:
            idle = list(self._idle)
            self._idle.clear()
        _close_all(idle)

    def _take(self) -> _Connection:
        while True:
            with self._lock:
                connection = self._idle.pop() if self._idle else None
            if connection is None:
                return self._open()
            if not connection.dropped():
                return connection
            connection.close()

    def _give_back(self, connection: _Connection, reusable: bool) -> None:
        with self._lock:
            if reusable and len(self._idle) < self.maxsize:
                self._idle.append(connection)
                return
        connection.close()

    def _open(self) -> _Connection:
        try:
            sock = open_guarded(self.host, self.port, self.policy, self.connect_timeout)
        except TimeoutError as error:
            raise WireTimeout("connect timed out") from error
        except socket.gaierror as error:
            raise WireError("name does not resolve") from error
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.tls is not None:
                sock = self.tls.wrap_socket(sock, server_hostname=self.host)
            sock.settimeout(self.read_timeout)
        except TimeoutError as error:
            sock.close()
            raise WireTimeout("TLS handshake timed out") from error
        except OSError:
            sock.close()
            raise
        return _Connection(sock)


def header_block(headers: dict[str, str]) -> bytes:
    """Header lines as they go on the wire; ValueError when a name or value holds a line
    break (it would start a header of its own)."""
    if not headers:
        return b""
    block = "".join([f"{name}: {value}\r\n" for name, value in headers.items()])
    if block.count("\n") != len(headers) or block.count("\r") != len(headers):
        raise ValueError("a header holds a line break")
    return block.encode("latin-1")


def _close_all(connections: list[_Connection]) -> None:
    for connection in connections:
        connection.close()


def _line(reader) -> bytes:
    line = reader.readline(MAX_LINE + 1)
    if not line:
        raise WireError("closed before the answer")
    if len(line) > MAX_LINE or not line.endswith(b"\n"):
        raise WireError("line too long")
    return line


def _read_response(reader) -> tuple[Response, bool]:
    """The answer to one request, and whether the connection may carry the next one."""
    while True:
        version, _, rest = _line(reader).rstrip(b"\r\n").partition(b" ")
        code, _, reason = rest.partition(b" ")
        if version not in (b"HTTP/1.1", b"HTTP/1.0") or len(code) != 3 or not code.isdigit():
            raise WireError("not an HTTP/1.x answer")
        status = int(code)
        headers = _read_headers(reader)
        if not 100 <= status < 200:
            break  # 1xx: an interim answer; the real one follows
    reusable = _read_body(reader, status, headers)
    connection = headers.get("connection", "").lower()
    if "close" in connection or (version == b"HTTP/1.0" and "keep-alive" not in connection):
        reusable = False
    # The reason phrase is kept as the attempt's error: without control characters (a NUL
    # cannot be stored in PostgreSQL, and the batch's record would fail with it).
    reason_text = reason.decode("latin-1")
    if not reason_text.isalnum():  # "Created", "OK": nothing to take out
        reason_text = _CONTROL.sub("", reason_text)
    return Response(status, reason_text[:200], headers), reusable


def _read_headers(reader) -> dict[str, str]:
    """The header lines up to the blank one. Nearly always they came in with the status
    line and are parsed from the buffer at once; else line by line as they arrive."""
    buffered = reader.peek(MAX_LINE)[:MAX_LINE]
    if buffered.startswith(b"\r\n"):
        reader.read(2)
        return {}
    end = buffered.find(b"\r\n\r\n")
    if end > 0:
        block = buffered[:end]
        lines = block.decode("latin-1").split("\r\n")
        if len(lines) <= MAX_HEADERS and block.count(b"\n") == len(lines) - 1:
            reader.read(end + 4)
            return _parse_headers(lines)
    lines = []
    for _ in range(MAX_HEADERS + 1):
        line = _line(reader)
        if line in (b"\r\n", b"\n"):
            return _parse_headers(lines)
        lines.append(line.decode("latin-1"))
    raise WireError("too many headers")


def _parse_headers(lines: list[str]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in lines:
        name, colon, value = line.partition(":")
        if not colon:
            raise WireError("not a header line")
        headers[name.strip().lower()] = value.strip()
    return headers


def _read_body(reader, status: int, headers: dict[str, str]) -> bool:
    """Read (and drop) the body; True when the connection stays usable."""
    if status in (204, 304):
        return True
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return _read_chunks(reader)
    length = headers.get("content-length")
    if length is None:
        return False  # the body runs until the server closes: do not wait for it
    if not length.isdigit():
        raise WireError("bad Content-Length")
    if int(length) > MAX_BODY:
        return False
    if len(reader.read(int(length))) != int(length):
        raise WireError("body cut short")
    return True


def _read_chunks(reader) -> bool:
    total = 0
    while True:
        size_text = _line(reader).split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise WireError("bad chunk size") from None
        total += size
        if size < 0 or total > MAX_BODY:
            return False
        if size == 0:
            while _line(reader) not in (b"\r\n", b"\n"):  # trailers
                pass
            return True
        if len(reader.read(size)) != size or _line(reader) not in (b"\r\n", b"\n"):
            raise WireError("chunk cut short")
