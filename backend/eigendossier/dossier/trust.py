"""Trusted issuers: is a credential's issuer a known Dutch mbo institution or another party
the installation trusts? Read from a signed list (a compact JWS, EdDSA/Ed25519) whose file
the installation configures (TRUSTED_ISSUERS_LIST) with the public key that must have signed
it (TRUSTED_ISSUERS_PUBLIC_KEY); the package ships a demo list signed by the demo key.

Checked offline: the list is read at the first look-up and again whenever its file changes,
never fetched while a credential is shown. A list with a bad signature, one that cannot be
read, or one past its expiry is ignored with a warning in the log: every issuer is then
"unknown", which is said plainly; nothing fails.

The list (the JWS payload)::

    {"name": "…", "expires": "2030-01-01T00:00:00Z",
     "issuers": [{"name": "…", "kind": "mbo" | "trusted",
                  "dids": ["did:web:…"], "origins": ["https://…"]}]}
"""
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ed25519
from flask import current_app
from flask_babel import gettext

from eigendossier.core.timeutil import utcnow
from eigendossier.credentials.errors import ParseError
from eigendossier.credentials.jws import parse_compact, sign_compact
from eigendossier.credentials.keys import PublicKey, b64url_decode, b64url_encode

log = logging.getLogger(__name__)

DEMO_LIST = Path(__file__).with_name("trusted_issuers_demo.jws")
KINDS = ("mbo", "trusted")
MBO, TRUSTED, UNKNOWN = "mbo", "trusted", "unknown"


class ListRefused(ValueError):
    """The list cannot be used; the message says why (for the log, never for learners)."""


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str


@dataclass
class Registry:
    name: str = ""
    expires: datetime | None = None
    by_did: dict[str, Entry] = field(default_factory=dict)
    by_origin: dict[str, Entry] = field(default_factory=dict)

    def find(self, issuer_id: str | None, issuer_url: str | None) -> Entry | None:
        if issuer_id:
            found = self.by_did.get(issuer_id.split("#")[0])
            if found:
                return found
        for url in (issuer_id, issuer_url):
            origin = origin_of(url)
            if origin and origin in self.by_origin:
                return self.by_origin[origin]
        return None


def origin_of(url: str | None) -> str | None:
    """scheme://host[:port] of an http(s) URL, lower case; None for anything else."""
    if not url or not url.startswith(("https://", "http://")):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    default = {"https": 443, "http": 80}[parts.scheme]
    suffix = f":{port}" if port and port != default else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{suffix}"


# -- reading and signing --------------------------------------------------------------------


def public_key_from(text: str) -> ed25519.Ed25519PublicKey:
    """An Ed25519 public key from its 32 raw bytes, base64url."""
    return ed25519.Ed25519PublicKey.from_public_bytes(b64url_decode(text.strip()))


def read_list(token: str, public_key: ed25519.Ed25519PublicKey, now: datetime) -> Registry:
    """The registry in a signed list, or ListRefused: a bad signature, a malformed list or
    one past its expiry. Read by the project's one JWS code and strict JSON parser."""
    try:
        signed = parse_compact(token)
        if signed.alg != "EdDSA":
            raise ListRefused(f"algorithm {signed.alg!r} is not EdDSA")
        if not signed.verify(PublicKey("Ed25519", public_key)):
            raise ListRefused("the signature does not match the configured public key")
        document = signed.payload_json()
    except ParseError:
        raise ListRefused("not a compact JWS with a JSON payload") from None
    if not isinstance(document, dict):
        raise ListRefused("the list lacks name, expires or issuers")
    return _registry(document, now)


def _registry(document: dict, now: datetime) -> Registry:
    try:
        expires = datetime.fromisoformat(document["expires"].replace("Z", "+00:00"))
        registry = Registry(name=str(document["name"]), expires=expires)
        for item in document["issuers"]:
            entry = Entry(str(item["name"]), item["kind"] if item["kind"] in KINDS else TRUSTED)
            for did in item.get("dids", []):
                registry.by_did[did] = entry
            for url in item.get("origins", []):
                if origin_of(url):
                    registry.by_origin[origin_of(url)] = entry
    except (KeyError, TypeError, AttributeError, ValueError):
        raise ListRefused("the list lacks name, expires or issuers") from None
    if expires.tzinfo is None or expires <= now:
        raise ListRefused(f"the list expired on {document['expires']}")
    return registry


def sign_list(document: dict, private_key: ed25519.Ed25519PrivateKey) -> str:
    """The list as a compact JWS signed with the key (what `flask issuers sign-list` writes)."""
    _registry(document, datetime.fromisoformat("1970-01-01T00:00:00+00:00"))  # well formed
    payload = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    return sign_compact({"alg": "EdDSA", "typ": "trusted-issuers+jws"}, payload, private_key)


def public_key_text(private_key: ed25519.Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = private_key.public_key().public_bytes(serialization.Encoding.Raw,
                                                serialization.PublicFormat.Raw)
    return b64url_encode(raw)


# -- the installation's registry ------------------------------------------------------------


def _list_path(app) -> Path:
    configured = str(app.config.get("TRUSTED_ISSUERS_LIST") or "").strip()
    return Path(configured) if configured else DEMO_LIST


class Loaded:
    """The registry read from the configured file, read again when the file changes."""

    def __init__(self):
        self.stamp: tuple | None = None
        self.registry: Registry | None = None

    def current(self, app) -> Registry | None:
        path = _list_path(app)
        try:
            stat = os.stat(path)
            stamp = (str(path), stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = (str(path), None, None)
        if stamp != self.stamp:
            self.stamp, self.registry = stamp, self._read(app, path)
        if self.registry is not None and self.registry.expires <= utcnow():
            log.warning("trusted issuers list %s expired; issuers are shown as unknown", path)
            self.registry = None
        return self.registry

    @staticmethod
    def _read(app, path: Path) -> Registry | None:
        try:
            token = path.read_text(encoding="utf-8")
            key = public_key_from(str(app.config.get("TRUSTED_ISSUERS_PUBLIC_KEY") or ""))
            return read_list(token, key, utcnow())
        except (OSError, ValueError) as error:
            log.warning("trusted issuers list %s ignored: %s", path, error)
            return None


MAX_LIST_BYTES = 1024 * 1024


def fetch_list(app) -> Registry:
    """Fetch the list from TRUSTED_ISSUERS_URL (through the guarded client) and, only when
    its signature and expiry hold, put it in place of the file TRUSTED_ISSUERS_LIST (the
    next look-up reads it). For `flask issuers fetch-list` from cron: showing a credential
    never waits for the network. Raises ListRefused, or FetchError, leaving the file as it
    was."""
    from eigendossier.core import outbound

    url = str(app.config.get("TRUSTED_ISSUERS_URL") or "").strip()
    configured = str(app.config.get("TRUSTED_ISSUERS_LIST") or "").strip()
    if not url or not configured:
        raise ListRefused("set TRUSTED_ISSUERS_URL and TRUSTED_ISSUERS_LIST (where to keep it)")
    body, _ = outbound.fetcher(app).fetch(url, max_bytes=MAX_LIST_BYTES, accept="*/*")
    token = body.decode("utf-8", errors="replace")
    key = public_key_from(str(app.config.get("TRUSTED_ISSUERS_PUBLIC_KEY") or ""))
    found = read_list(token, key, utcnow())
    target = Path(configured)
    partial = target.with_name(target.name + ".new")
    partial.write_text(token.strip() + "\n", encoding="utf-8")
    partial.replace(target)
    return found


LOADED = "eigendossier.trusted_issuers"


def init_app(app) -> None:
    """Read the list at start-up, so a bad one is in the log before anyone asks."""
    app.extensions[LOADED] = Loaded()
    app.extensions[LOADED].current(app)


def registry() -> Registry | None:
    app = current_app._get_current_object()
    loaded = app.extensions.setdefault(LOADED, Loaded())
    return loaded.current(app)


def issuer_trust(summary: dict) -> dict:
    """What the learner and an employer see about the issuer: status (mbo, trusted or
    unknown), the name it has in the list, and a label in the request's language."""
    found_registry = registry()
    entry = found_registry.find(summary.get("issuer_id"), summary.get("issuer_url")) \
        if found_registry else None
    if entry is None:
        if found_registry is None:
            label = gettext("Unknown issuer: no valid list of trusted issuers is loaded")
        else:
            label = gettext("Unknown issuer: not in the list of %(list)s",
                            list=found_registry.name)
        return {"status": UNKNOWN, "name": None,
                "list": found_registry.name if found_registry else None, "label": label}
    label = (gettext("Known mbo institution") if entry.kind == MBO
             else gettext("Trusted party"))
    return {"status": entry.kind, "name": entry.name, "list": found_registry.name,
            "label": label}
