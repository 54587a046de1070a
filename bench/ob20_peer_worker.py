"""The peer side of bench_ob20_peer.py: runs in .venv-peer with 1EdTech's ``openbadges``
validator (1.1.2) and nothing of ours.

    .venv-peer/bin/python bench/ob20_peer_worker.py BASE ROUNDS FILE...

Every URL the validator fetches (hosted assertions, BadgeClasses, Issuers, keys, revocation
lists, JSON-LD contexts) goes to the bench's file server at BASE instead: an HTTP adapter
rewrites ``https://host/path`` to ``BASE/<file name>/https/host/path``. Prints one JSON line per
verification: file, round, seconds, valid, errors, warnings, crash (the
exception the validator raised, if it did).
"""
import json
import logging
import sys
import time

import requests.adapters
from openbadges import verify

BASE = sys.argv[1]
_send = requests.adapters.HTTPAdapter.send
_serving = {"file": ""}  # the file being verified: the server shows each its own copies


def _to_file_server(self, request, *args, **kwargs):
    scheme, _, rest = request.url.partition("://")
    if not request.url.startswith(BASE):
        request.url = f"{BASE}/{_serving['file']}/{scheme}/{rest}"
    return _send(self, request, *args, **kwargs)


def verify_file(path: str) -> dict:
    if path.endswith(".png"):
        with open(path, "rb") as image:
            return verify(image)
    with open(path, encoding="utf-8") as text:
        return verify(text.read().strip())


def main() -> None:
    logging.disable(logging.CRITICAL)  # the validator logs every failed task as an error
    requests.adapters.HTTPAdapter.send = _to_file_server
    rounds, files = int(sys.argv[2]), sys.argv[3:]
    for round_number in range(rounds):
        for path in files:
            _serving["file"] = path.rsplit("/", 1)[-1]
            started = time.perf_counter()
            try:
                report = verify_file(path)["report"]
            except Exception as crash:  # the validator raises on some inputs: invalid
                report = {"valid": False, "errorCount": 1, "warningCount": 0,
                          "crash": type(crash).__name__}
            seconds = time.perf_counter() - started
            print(json.dumps({"file": path, "round": round_number, "seconds": seconds,
                              "valid": report["valid"], "errors": report["errorCount"],
                              "warnings": report["warningCount"],
                              "crash": report.get("crash")}), flush=True)


if __name__ == "__main__":
    main()
