"""The lean push HTTP client against a real socket server that answers with scripted bytes:
the answers a push service (or something posing as one) can give, kept-alive connections
and their reuse, timeouts, and the address guard."""
import socketserver
import threading
import time

import pytest

from eigendossier.core.outbound import AddressRefused, Policy
from eigendossier.notifications import wire
from tests.support import serve_in_thread

LOCAL = Policy(allow_http=True, allow_private=True)


class Scripted(socketserver.ThreadingTCPServer):
    """Answers each request (read up to its body) with the next scripted bytes (a list: in
    pieces, a moment apart); `None` closes the connection instead, ``(seconds, bytes)``
    waits first, ``("then hang up", bytes)`` closes the connection after answering."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        self.answers: list = []
        self.requests: list[bytes] = []
        self.connections = 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        server = self.server
        with server.lock:
            server.connections += 1
        while True:
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                byte = self.rfile.read(1)
                if not byte:
                    return
                head += byte
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length"))
            with server.lock:
                server.requests.append(head + self.rfile.read(length))
                answer = server.answers.pop(0) if server.answers else OK
            hang_up = False
            if isinstance(answer, tuple):
                wait, answer = answer
                hang_up = wait == "then hang up"
                if not hang_up:
                    time.sleep(wait)
            if answer is None:
                return
            for piece in answer if isinstance(answer, list) else [answer]:
                self.wfile.write(piece)
                self.wfile.flush()
                time.sleep(0.01 * isinstance(answer, list))
            if hang_up:
                return


OK = b"HTTP/1.1 201 Created\r\nLocation: /m/1\r\nContent-Length: 0\r\n\r\n"


@pytest.fixture
def server():
    server = Scripted()
    thread = serve_in_thread(server, "scripted")
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def origin(server):
    origin = wire.Origin(server.origin, LOCAL, (1, 1), maxsize=4)
    yield origin
    origin.close()


def test_a_post_carries_host_length_headers_and_body(server, origin):
    response = origin.post("/push/abc?x=1", {"TTL": "60", "Urgency": "high"}, b"\x00\x01body")
    assert (response.status, response.reason, response.headers["location"]) == \
        (201, "Created", "/m/1")
    request = server.requests[0]
    assert request.startswith(b"POST /push/abc?x=1 HTTP/1.1\r\n")
    port = server.server_address[1]
    for line in (f"Host: 127.0.0.1:{port}", "Content-Length: 6", "TTL: 60", "Urgency: high"):
        assert f"\r\n{line}\r\n".encode() in request
    assert request.endswith(b"\r\n\r\n\x00\x01body")


def test_one_connection_carries_many_messages(server, origin):
    for _ in range(5):
        assert origin.post("/push/a", {}, b"x").status == 201
    assert server.connections == 1


def test_answers_with_a_body_chunked_or_not_keep_the_connection(server, origin):
    server.answers += [
        b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 30\r\nContent-Length: 4\r\n\r\nslow",
        b"HTTP/1.1 410 Gone\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"4\r\ngone\r\n3;ext=1\r\n!!!\r\n0\r\nX-Trailer: 1\r\n\r\n",
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
    ]
    first = origin.post("/push/a", {}, b"x")
    assert (first.status, first.headers["retry-after"]) == (429, "30")
    assert origin.post("/push/a", {}, b"x").status == 410
    assert origin.post("/push/a", {}, b"x").status == 204
    assert origin.post("/push/a", {}, b"x").status == 201
    assert server.connections == 1


def test_connection_close_and_http_1_0_are_not_reused(server, origin):
    server.answers += [b"HTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
                       b"HTTP/1.0 201 Created\r\nContent-Length: 0\r\n\r\n"]
    for _ in range(3):
        assert origin.post("/push/a", {}, b"x").status == 201
    assert server.connections == 3


def test_a_connection_the_server_closed_meanwhile_is_not_reused(server, origin):
    assert origin.post("/push/a", {}, b"x").status == 201
    server.answers.append(None)  # the next request finds the connection closed
    with pytest.raises(wire.WireError):
        origin.post("/push/a", {}, b"x")
    assert origin.post("/push/a", {}, b"x").status == 201
    assert server.connections == 2


def test_an_idle_connection_closed_by_the_server_is_noticed_before_sending(server, origin):
    server.answers.append(("then hang up", OK))  # keep-alive, yet it hangs up after
    assert origin.post("/push/a", {}, b"x").status == 201
    time.sleep(0.2)
    assert origin.post("/push/a", {}, b"x").status == 201, "no error for the closed one"
    assert server.connections == 2


def test_a_slow_answer_is_a_timeout_and_the_connection_is_dropped(server, origin):
    server.answers.append((1.5, OK))
    with pytest.raises(TimeoutError):
        origin.post("/push/a", {}, b"x")
    assert origin._idle == []


@pytest.mark.parametrize("answer", [
    b"SPDY/3 200 OK\r\n\r\n",
    b"HTTP/1.1 2xx Fine\r\n\r\n",
    b"HTTP/1.1 201 Created\r\nno colon here\r\n\r\n",
    b"HTTP/1.1 201 Created\r\nContent-Length: -5\r\n\r\n",
    b"HTTP/1.1 201 Created\r\nX: " + b"a" * 10_000 + b"\r\n\r\n",
    b"HTTP/1.1 201 Created\r\n" + b"X: 1\r\n" * 200 + b"\r\n",
])
def test_what_is_not_http_is_a_wire_error(server, origin, answer):
    server.answers.append(answer)
    with pytest.raises(wire.WireError):
        origin.post("/push/a", {}, b"x")
    assert origin._idle == []


def test_a_large_or_unbounded_body_is_not_read_and_the_connection_not_kept(server, origin):
    server.answers += [b"HTTP/1.1 201 Created\r\nContent-Length: 10000000\r\n\r\nxx",
                       b"HTTP/1.1 201 Created\r\n\r\nuntil close"]
    started = time.monotonic()
    assert origin.post("/push/a", {}, b"x").status == 201
    assert origin.post("/push/a", {}, b"x").status == 201
    assert time.monotonic() - started < 0.9, "no waiting for bytes that do not come"
    assert origin._idle == []


@pytest.mark.parametrize(("target", "headers"), [
    ("/push/a b", {}),
    ("/push/a\r\nX-Injected: 1", {}),
    ("push/a", {}),
    ("/push/a", {"Topic": "t\r\nX-Injected: 1"}),
    ("/push/a", {"Topic": "t\nX-Injected: 1"}),
    ("/push/a", {"Topic": "t\rX-Injected: 1"}),
])
def test_line_breaks_and_spaces_never_reach_the_wire(server, origin, target, headers):
    with pytest.raises(ValueError, match=r"target|line break"):
        origin.post(target, headers, b"x")
    assert server.requests == []


def test_private_addresses_and_plain_http_are_refused_unless_allowed(server):
    guarded = wire.Origin(server.origin, Policy(allow_http=True), (1, 1))
    with pytest.raises(AddressRefused):
        guarded.post("/push/a", {}, b"x")
    with pytest.raises(ValueError, match="policy"):
        wire.Origin(server.origin, Policy(allow_private=True), (1, 1))
    assert server.connections == 0


def test_an_answer_arriving_in_pieces_is_read_whole(server, origin):
    server.answers = [[b"HTTP/1.1 429 Too Many\r\nRetry", b"-After: 7\r\nContent-Le",
                       b"ngth: 2\r\n\r\n", b"ok"],
                      [b"HTTP/1.1 201 Created\r\n", b"\r\n"]]
    response = origin.post("/p", {}, b"x")
    assert (response.status, response.headers) == (429, {"retry-after": "7",
                                                          "content-length": "2"})
    response = origin.post("/p", {}, b"x")
    assert (response.status, response.headers) == (201, {})
    assert server.connections == 1


def test_control_characters_never_reach_the_reason(server, origin):
    server.answers = [b"HTTP/1.1 500 Server\x00 \x1b[31merror\x85\r\nContent-Length: 0\r\n\r\n"]
    response = origin.post("/p", {}, b"x")
    assert (response.status, response.reason) == (500, "Server [31merror")
