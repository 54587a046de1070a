"""Shared helpers for the conformance tests: vector paths and URL → file fetchers.

The vectors are third-party files kept outside the repository: ``../shared/vectors`` beside
it (where CI has them), or wherever ``EIGENDOSSIER_TEST_VECTORS`` points. Without them these
tests skip (fail in CI, see ``conftest.py``). Nothing here opens a network connection (see
the socket guard in ``conftest.py``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from eigendossier.credentials import FetchError

VECTORS = Path(os.environ.get("EIGENDOSSIER_TEST_VECTORS")
               or Path(__file__).resolve().parents[2] / ".." / "shared" / "vectors").resolve()
EDTECH = VECTORS / "1edtech"
OB20 = EDTECH / "ob20"
OB30 = EDTECH / "ob30"
OB20_HOSTS = ("https://example.org/", "http://example.org/", "https://www.example.org/")
NOW = datetime(2025, 6, 1, tzinfo=UTC)

Route = Path | bytes | dict


def body_of(route: Route) -> bytes:
    if isinstance(route, Path):
        return route.read_bytes()
    if isinstance(route, dict):
        return json.dumps(route).encode("utf-8")
    return route


class FileFetcher:
    """``fetch(url)`` over a URL → file/bytes/JSON map; records every URL asked for."""

    def __init__(self, routes: Mapping[str, Route]) -> None:
        self.routes = dict(routes)
        self.requested: list[str] = []

    def __call__(self, url: str) -> tuple[bytes, str]:
        self.requested.append(url)
        if url not in self.routes:
            raise FetchError(url, "no such test resource")
        return body_of(self.routes[url]), "application/json"


def ob20_asset_routes() -> dict[str, Route]:
    """``https://example.org/<name>`` (and the http / www variants) → ``ob20/assets/<name>``,
    as the 1EdTech validator's own tests serve them."""
    return {host + path.name: path for path in (OB20 / "assets").iterdir() for host in OB20_HOSTS}


def strip_line_comments(text: str) -> str:
    """Remove ``// …`` comments outside JSON strings (one vector is annotated that way)."""
    lines = []
    for line in text.splitlines():
        in_string, escaped, cut = False, False, len(line)
        for index, char in enumerate(line):
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = not in_string
            elif not in_string and line.startswith("//", index):
                cut = index
                break
        lines.append(line[:cut])
    return "\n".join(lines)


Fetch = Callable[[str], tuple[bytes, str]]
