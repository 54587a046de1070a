"""The guarded outbound client: every refusal, against literal addresses and a local server.

Nothing here reaches the internet: refused addresses are refused before a connection is
opened, and the local server listens on 127.0.0.1 only."""
import json
import socket
import socketserver
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from eigendossier.core.outbound import GuardedClient, Policy, is_public, policy_from_config
from eigendossier.credentials import FetchError
from tests.support import serve_in_thread

BADGE = {"type": "Assertion", "id": "urn:test"}


class Handler(BaseHTTPRequestHandler):
    hits: ClassVar[list] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.hits.append((url.path, self.headers.get("Host")))
        if url.path == "/badge":
            body = json.dumps(BADGE).encode()
            self._send(200, body, "application/ld+json")
        elif url.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", query["to"])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif url.path == "/hops":
            left = int(query["n"])
            self.send_response(301)
            self.send_header("Location", f"/hops?n={left - 1}" if left > 1 else "/badge")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif url.path == "/big":
            self._send(200, b"x" * (2 * 1024 * 1024), "application/json")
        elif url.path == "/endless":  # no Content-Length: the client must cut the stream
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            try:
                for _ in range(64):
                    self.wfile.write(b"x" * 65536)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
        elif url.path == "/slow":
            time.sleep(1.5)
            self._send(200, b"{}", "application/json")
        else:
            self._send(404, b"not here", "text/plain")

    def do_POST(self):
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.hits.append((url.path, self.headers.get("Host")))
        if url.path == "/echo":  # an OAuth-style error answer, with what was sent
            self._send(400, json.dumps({"error": "invalid_grant", "got": body.decode(),
                                        "type": self.headers.get("Content-Type")}).encode(),
                       "application/json")
        elif url.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/badge")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif url.path == "/big":
            self._send(200, b"x" * (2 * 1024 * 1024), "application/json")
        else:
            self._send(404, b"not here", "text/plain")

    def _send(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up, as it should
            self.close_connection = True


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    serve_in_thread(httpd, "outbound-target")
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def clear_hits():
    Handler.hits.clear()


def local(**options):
    """A client that may reach only the test server's 127.0.0.1, over plain HTTP."""
    return GuardedClient(Policy(allow_http=True, allowed_networks=("127.0.0.1/32",), **options))


def refused(client, url, reason):
    with pytest.raises(FetchError) as caught:
        client(url)
    assert reason in str(caught.value)
    return caught.value


def test_fetches_a_document_as_bytes_and_content_type(server):
    body, content_type = local()(f"{server}/badge")
    assert json.loads(body) == BADGE
    assert content_type == "application/ld+json"


def test_http_is_refused_unless_allowed(server):
    refused(GuardedClient(Policy(allowed_networks=("127.0.0.1/32",))), f"{server}/badge",
            "only https")
    refused(GuardedClient(), "ftp://example.org/badge.json", "only https")
    assert Handler.hits == []


@pytest.mark.parametrize("host", [
    "127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.251",  # noqa: S104 - hosts under test "240.0.0.1", "255.255.255.255",
    "[::1]", "[::]", "[fe80::1]", "[fc00::1]", "[ff02::1]", "[::ffff:127.0.0.1]",
    "[::ffff:10.0.0.1]", "[64:ff9b::a00:1]", "[2002:a00:1::]",
])
def test_private_loopback_link_local_multicast_reserved_addresses_are_refused(host):
    client = GuardedClient(Policy(allow_http=True))
    for scheme in ("https", "http"):
        error = refused(client, f"{scheme}://{host}:9/latest/meta-data", "address not allowed")
        assert error.code == "fetch.failed"


def test_a_name_is_checked_after_dns_resolution(server):
    port = urlsplit(server).port
    refused(GuardedClient(Policy(allow_http=True)), f"http://localhost:{port}/badge",
            "address not allowed")
    assert Handler.hits == []


def test_the_checked_address_is_the_one_connected_to(server, monkeypatch):
    """DNS rebinding: the socket goes to the address that passed the check, whatever the
    name resolves to later; a name that resolves to a private address is refused."""
    port = urlsplit(server).port
    answers = {"badges.test": "127.0.0.1"}
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    client = local()
    body, _ = client(f"http://badges.test:{port}/badge")
    assert json.loads(body) == BADGE
    assert Handler.hits == [("/badge", f"badges.test:{port}")]
    answers["badges.test"] = "10.0.0.1"  # the name now points inside the network
    refused(client, f"http://badges.test:{port}/badge", "address not allowed (10.0.0.1)")


@pytest.mark.parametrize("target", [
    "http://10.0.0.1/badge", "http://169.254.169.254/latest/meta-data/", "http://[::1]/",
    "http://127.0.0.2/badge",
])
def test_a_redirect_to_a_private_address_is_refused(server, target):
    refused(local(), f"{server}/redirect?to={target}", "address not allowed")
    assert [path for path, _ in Handler.hits] == ["/redirect"]


def test_a_redirect_from_https_to_http_is_refused(server):
    client = GuardedClient(Policy(allowed_networks=("127.0.0.1/32",)))
    with pytest.raises(FetchError, match="only https"):
        client._check_url(f"{server}/badge")  # what every hop goes through


def test_at_most_three_redirects(server):
    body, _ = local()(f"{server}/hops?n=3")
    assert json.loads(body) == BADGE
    refused(local(), f"{server}/hops?n=4", "too many redirects")


def test_response_size_is_capped_by_header_and_by_stream(server):
    refused(local(), f"{server}/big", "response too large")
    refused(local(max_bytes=100_000), f"{server}/endless", "response too large")
    body, _ = local().fetch(f"{server}/big", max_bytes=3 * 1024 * 1024)
    assert len(body) == 2 * 1024 * 1024


def test_slow_answers_time_out(server):
    started = time.monotonic()
    refused(local(read_timeout=0.3), f"{server}/slow", "timed out")
    assert time.monotonic() - started < 1.4


def test_errors_are_fetch_errors(server):
    refused(local(), f"{server}/missing", "HTTP 404")
    refused(local(), "http://127.0.0.1:1/closed", "connection failed")
    refused(GuardedClient(), "https://user:secret@example.org/", "user name or password")
    refused(GuardedClient(), "https://example.org:99999/", "not a valid URL")


def test_proxies_from_the_environment_are_ignored(server, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://10.255.255.1:3128")
    monkeypatch.setenv("http_proxy", "http://10.255.255.1:3128")
    body, _ = local()(f"{server}/badge")
    assert json.loads(body) == BADGE


def test_allow_private_lets_tests_reach_local_servers(server):
    client = GuardedClient(Policy(allow_http=True, allow_private=True))
    assert json.loads(client(f"{server}/badge")[0]) == BADGE


def test_policy_from_config():
    policy = policy_from_config({"OUTBOUND_ALLOW_HTTP": True, "OUTBOUND_ALLOW_NETWORKS":
                                 ["10.1.2.0/24"]})
    assert policy.allow_http
    assert not policy.allow_private
    assert policy.connect_timeout == 3
    assert policy.read_timeout == 5
    assert policy.max_redirects == 3
    assert policy.max_bytes == 1024 * 1024
    import ipaddress
    assert policy.address_allowed(ipaddress.ip_address("10.1.2.3"))
    assert not policy.address_allowed(ipaddress.ip_address("10.1.3.3"))


@pytest.mark.parametrize(("address", "public"), [
    ("93.184.216.34", True), ("2606:2800:220:1:248:1893:25c8:1946", True),
    ("8.8.8.8", True), ("192.0.2.1", False), ("198.18.0.1", False), ("::ffff:8.8.8.8", True),
])
def test_is_public(address, public):
    import ipaddress
    assert is_public(ipaddress.ip_address(address)) is public


class DripHandler(socketserver.StreamRequestHandler):
    """A hostile server that sends one byte at a time, each well within the read timeout,
    for far longer than the fetch may take in all: in the body or in the headers."""

    def handle(self):
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass
        body = b'{"type": "Assertion"}' + b" " * 20
        if b"headers" in self.server.mode:
            head, drip = b"HTTP/1.1 200 OK\r\n", b"X-Slowly: " + b"y" * len(body)
        else:
            head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n" % len(body))
            drip = body
        try:
            self.wfile.write(head)
            for byte in drip:
                self.wfile.write(bytes([byte]))
                time.sleep(0.1)
        except OSError:  # the client hung up, as it should
            pass


@pytest.fixture(params=[b"body", b"headers"])
def drip_server(request):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), DripHandler)
    server.daemon_threads = True
    server.mode = request.param
    serve_in_thread(server, "drip-server")
    yield f"http://127.0.0.1:{server.server_address[1]}/badge.json"
    server.shutdown()
    server.server_close()


def test_a_drip_feed_server_cannot_hold_a_fetch_past_its_total_limit(drip_server):
    """Each byte comes within the read timeout; the whole answer would take 4 s. The fetch
    gives up at its total limit (1 s here, 15 s in production) and frees the thread."""
    client = local(read_timeout=0.5, total_timeout=1.0)
    started = time.monotonic()
    refused(client, drip_server, "timed out")
    assert time.monotonic() - started < 1.3


def test_a_post_answers_any_status_with_its_body(server):
    status, body, content_type = local().post(f"{server}/echo", data={"code": "abc"})
    assert status == 400
    assert content_type == "application/json"
    assert json.loads(body) == {"error": "invalid_grant", "got": "code=abc",
                                "type": "application/x-www-form-urlencoded"}
    status, body, _ = local().post(f"{server}/echo", json_body={"a": 1})
    assert json.loads(json.loads(body)["got"]) == {"a": 1}


def test_a_post_keeps_the_guards(server):
    with pytest.raises(FetchError, match="address not allowed"):
        GuardedClient(Policy(allow_http=True)).post(f"{server}/echo", data={})
    with pytest.raises(FetchError, match="only https"):
        GuardedClient(Policy(allowed_networks=("127.0.0.1/32",))).post(f"{server}/echo")
    with pytest.raises(FetchError, match="response too large"):
        local().post(f"{server}/big")
    assert local().post(f"{server}/redirect")[0] == 302  # not followed
    assert [path for path, _ in Handler.hits] == ["/big", "/redirect"]
