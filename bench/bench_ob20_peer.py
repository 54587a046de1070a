"""Open Badges 2.0 verification of the same files by our verifier and by 1EdTech's
``openbadges`` validator (openbadges-validator-core 1.1.2), offline, in one run.

    python bench/bench_ob20_peer.py [--rounds K]

The files are the OB 2.0 conformance vectors (``../shared/vectors/1edtech/ob20``: hosted and
signed assertions, a baked PNG, revoked, expired, out-of-scope and malformed ones). Every
``https://example.org/...`` URL they point at, and every JSON-LD context the peer asks for,
is served from files by one small HTTP server on 127.0.0.1 in a process of its own; both
verifiers reach it through their normal HTTP clients (ours: the guarded outbound client,
allowed to reach 127.0.0.1 by its network allow-list; the peer: requests), with each URL
rewritten to the server's address. Ours uses pinned local JSON-LD contexts and never asks
for one; the peer fetches them (from the same server).

The peer pins old, conflicting versions, so it lives in its own virtualenv, ``.venv-peer``,
built on first run from ``bench/peer-requirements.txt`` (exact versions, installed with
``--no-deps``), and runs in a subprocess (``bench/ob20_peer_worker.py``). Both verify all
files K times; the first round is a warm-up. Printed: verifications per second for each,
the ratio ours/peer, and per file whether both call it valid or invalid.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import os
import statistics
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT / "backend"), str(ROOT)]

from eigendossier.core.outbound import GuardedClient, Policy  # noqa: E402
from eigendossier.credentials import parse_credential, verify_credential  # noqa: E402
from tests.conformance.support import (  # noqa: E402
    EDTECH,
    OB20,
    body_of,
    ob20_asset_routes,
    strip_line_comments,
)

if not OB20.is_dir():  # third-party files kept outside the repository: skip, or fail in CI
    print(f"bench_ob20_peer needs the OB 2.0 vectors, which are not there: {OB20} (clone shared/ "
          "beside the repository, or set EIGENDOSSIER_TEST_VECTORS)")
    sys.exit(1 if os.environ.get("EIGENDOSSIER_TEST_REQUIRE_SERVICES") else 0)

from services import peer_python  # noqa: E402

from tests.conformance.test_ob20_vectors import REDIRECTED, TABLE  # noqa: E402

PEER_VENV = ROOT / ".venv-peer"
REQUIREMENTS = HERE / "peer-requirements.txt"
WORKER = HERE / "ob20_peer_worker.py"
VALID = ("verified", "verified_with_warnings")
EXTENSION_SCHEMAS = ROOT / "backend/eigendossier/credentials/schemas/ob2-extensions.json"
EXTENSIONS_IRI = "https://w3id.org/openbadges/extensions#"


# -- the file server -------------------------------------------------------------------------


def routes() -> tuple[dict[str, bytes], dict[str, dict[str, bytes]]]:
    """URL → body for every file (the validator's test assets, the pinned JSON-LD contexts
    and the extension schemas they name), and per file the URLs only it sees: a hosted
    assertion at its own id (several vectors share one id, so each is served its own copy,
    as the validator's tests do)."""
    common = {url: body_of(route) for url, route in ob20_asset_routes().items()}
    for line in (EDTECH / "contexts" / "URLS.txt").read_text().splitlines():
        if line.strip():
            url, path = line.split()
            common[url] = (EDTECH / path).read_bytes()
    common.update(extension_schemas(common))
    common = {**at_own_ids(common), **common}
    own = {}
    for name, _, _ in TABLE:
        parsed = parse_credential((OB20 / name).read_bytes())
        if parsed.format == "ob2_hosted":
            hosted = {parsed.document["id"]:
                      REDIRECTED.get(name) or json.dumps(parsed.document).encode()}
            own[name] = {**at_own_ids(hosted), **hosted}
    return common, own


def at_own_ids(documents: dict[str, bytes]) -> dict[str, bytes]:
    """Each JSON document also at the ``id`` it states, when that differs from where it is
    served (the validator's tests serve both; the peer follows such ids, ours does not)."""
    found = {}
    for body in documents.values():
        try:
            document = json.loads(strip_line_comments(body.decode()))
        except (UnicodeDecodeError, ValueError):
            continue
        if isinstance(document, dict) and isinstance(document.get("id"), str):
            found[document["id"]] = body
    return found


def extension_schemas(documents: dict[str, bytes]) -> dict[str, bytes]:
    """The JSON Schemas that extension contexts point the peer at (``obi:validationSchema``),
    served as the same schemas our verifier has pinned for those extension types."""
    pinned = json.loads(EXTENSION_SCHEMAS.read_text())
    found = {}
    for body in documents.values():
        try:
            context = json.loads(body)
        except ValueError:
            continue
        if not isinstance(context, dict):
            continue
        for rule in context.get("obi:validation") or []:
            kind = rule["obi:validatesType"].replace("extensions:", EXTENSIONS_IRI)
            if kind in pinned:
                found[rule["obi:validationSchema"]] = json.dumps(pinned[kind]["schema"]).encode()
    return found


def serve() -> None:
    """Serve ``/<file>/<scheme>/<host>/<path>`` as ``<scheme>://<host>/<path>`` seen while
    verifying ``<file>``; print the port."""
    common, own = routes()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else headers and body wait for a delayed ACK

        def log_message(self, *args):
            pass

        def do_GET(self):
            name, _, rest = self.path.lstrip("/").partition("/")
            scheme, _, rest = rest.partition("/")
            url = f"{scheme}://{rest}"
            body = own.get(name, {}).get(url) or common.get(url)
            if body is None:
                print(f"not served: {url} (for {name})", file=sys.stderr, flush=True)
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type",
                             mimetypes.guess_type(rest)[0] or "application/ld+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_port, flush=True)
    server.serve_forever()


def rewrite(base: str, url: str) -> str:
    """``https://host/path`` → ``<base>/https/host/path`` (base ends in the file's name)."""
    scheme, _, rest = url.partition("://")
    return f"{base}/{scheme}/{rest}"


# -- the peer --------------------------------------------------------------------------------


def install_peer(python: Path) -> None:
    """The validator's pins with pip, without their own (uninstallable) dependencies."""
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(PEER_VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps",
                    "-r", str(REQUIREMENTS)], check=True)
    subprocess.run([str(python), "-c", "from openbadges import verify"], check=True)


def run_peer(base: str, rounds: int, files: list[Path]) -> list[dict]:
    result = subprocess.run(
        [str(peer_python(PEER_VENV, REQUIREMENTS, install_peer)), str(WORKER), base,
         str(rounds), *map(str, files)],
        capture_output=True, text=True, timeout=1800, check=False)
    if result.returncode:
        raise SystemExit(f"the peer worker failed:\n{result.stderr[-3000:]}")
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


# -- ours ------------------------------------------------------------------------------------


def run_ours(base: str, rounds: int, files: list[Path]) -> list[dict]:
    client = GuardedClient(Policy(allow_http=True, allowed_networks=("127.0.0.1/32",)))

    found = []
    for round_number in range(rounds):
        for path in files:
            def fetch(url: str, base=f"{base}/{path.name}") -> tuple[bytes, str]:
                return client(rewrite(base, url))

            started = time.perf_counter()
            result = verify_credential(path.read_bytes(), fetch=fetch)
            seconds = time.perf_counter() - started
            found.append({"file": str(path), "round": round_number, "seconds": seconds,
                          "status": result.status, "valid": result.status in VALID})
    return found


# -- report ----------------------------------------------------------------------------------


def rate(rows: list[dict]) -> tuple[float, float]:
    """Verifications per second over all rounds but the first, and the median time (ms)."""
    measured = [row["seconds"] for row in rows if row["round"] > 0]
    return len(measured) / sum(measured), statistics.median(measured) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6, help="rounds over all files (≥ 2)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return 0
    files = [OB20 / name for name, _, _ in TABLE]
    expected = {str(OB20 / name): status for name, status, _ in TABLE}
    rounds = max(args.rounds, 2)

    server = subprocess.Popen([sys.executable, __file__, "--serve"], stdout=subprocess.PIPE,
                              text=True)
    try:
        base = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        peer = run_peer(base, rounds, files)
        ours = run_ours(base, rounds, files)
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(f"Open Badges 2.0: {len(files)} files x {rounds - 1} rounds (after a warm-up), "
          "hosted URLs served from files on 127.0.0.1\n")
    print(f"{'file':66} {'expected':23} {'ours':23} {'peer':16} agree")
    first = {row["file"]: row for row in ours if row["round"] == 0}
    disagree = []
    for row in (row for row in peer if row["round"] == 0):
        mine = first[row["file"]]
        name = Path(row["file"]).name
        agree = mine["valid"] == row["valid"]
        if not agree:
            disagree.append(name)
        peer_says = ("valid" if row["valid"] else "invalid") + (
            f" ({row['warnings']}w)" if row["warnings"] else "") + (
            f" ({row['crash']})" if row["crash"] else "")
        print(f"{name:66} {expected[row['file']]:23} {mine['status']:23} {peer_says:16} "
              f"{'yes' if agree else 'NO'}")
    (our_rate, our_ms), (peer_rate, peer_ms) = rate(ours), rate(peer)
    print(f"\n{'verifier':34} {'verify/s':>10} {'median ms':>10}")
    print(f"{'ours (eigendossier.credentials)':34} {our_rate:10.1f} {our_ms:10.2f}")
    print(f"{'peer (openbadges 1.1.2)':34} {peer_rate:10.1f} {peer_ms:10.2f}")
    print(f"ratio ours/peer: {our_rate / peer_rate:.1f}x "
          f"(verifications per second; higher = ours faster)")
    print(f"valid/invalid agreement: {len(files) - len(disagree)}/{len(files)} files"
          + (f"; disagree on: {', '.join(disagree)}" if disagree else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
