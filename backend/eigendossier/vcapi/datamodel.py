"""What the VC Data Model 2.0 requires of a credential before an issuer signs it, beyond
its shape (issuance.check_shape): identifiers are URLs, dates are dateTimeStamps, the typed
objects (status, schemas, evidence, terms of use, refresh services) name their type, and
related resources carry an id and a well-formed digest, one that matches the resource when we
hold its bytes offline. Each problem: (field, message)."""
import base64
import binascii
import hashlib
import re
from datetime import datetime
from functools import cache

from flask_babel import lazy_gettext as _l

from eigendossier.credentials.keys import multibase_decode
from eigendossier.credentials.linkeddata import CONTEXT_DIR, pinned_hashes, pinned_urls

URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
DATE_TIME_STAMP = re.compile(
    r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
TYPED = ("credentialStatus", "credentialSchema", "evidence", "termsOfUse", "refreshService")
SRI = re.compile(r"^(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})$")
SRI_BYTES = {"sha256": 32, "sha384": 48, "sha512": 64}
# Multihash prefixes (code, length) of the digests a digestMultibase may carry.
MULTIHASH = {"sha256": b"\x12\x20", "sha384": b"\x20\x30", "sha512": b"\x13\x40"}
# Revisions of a resource we hold besides its pinned context file: the VC 2.0 Recommendation
# states the SHA-256 of its base context (24a18c90…), which is w3c/vc-data-model 8d0ee107's
# file, not the one served (and pinned) today. A digest of either revision is accepted.
EARLIER_REVISIONS = {"https://www.w3.org/ns/credentials/v2": ("credentials-v2-rec-2024-07.jsonld",)}


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _has_type(node) -> bool:
    kind = node.get("type")
    return isinstance(kind, str) or (isinstance(kind, list) and bool(kind)
                                     and all(isinstance(k, str) for k in kind))


def problems(credential: dict) -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    if "id" in credential and not (isinstance(credential["id"], str)
                                   and URL.match(credential["id"])):
        found.append(("id", _l("An identifier must be a single URL.")))
    for name in ("validFrom", "validUntil"):
        if name in credential and not _date_time_stamp(credential[name]):
            found.append((name, _l("A date and time with a time zone (XML Schema "
                                   "dateTimeStamp), such as 2025-09-01T00:00:00Z.")))
    for name in TYPED:
        if name in credential:
            found += _typed(name, credential[name])
    if "relatedResource" in credential:
        found += _related(credential["relatedResource"])
    return found


def _date_time_stamp(value) -> bool:
    if not isinstance(value, str) or not DATE_TIME_STAMP.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _typed(name: str, value) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for node in as_list(value):
        if not isinstance(node, dict) or not _has_type(node):
            out.append((name, _l("Each of these objects must name its type.")))
        elif "id" in node and not (isinstance(node["id"], str) and URL.match(node["id"])):
            out.append((name, _l("An identifier must be a single URL.")))
        elif name == "credentialSchema" and not isinstance(node.get("id"), str):
            out.append((name, _l("A credential schema needs the URL of the schema as id.")))
    return out


def _related(value) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    seen: set[str] = set()
    for node in as_list(value):
        if not isinstance(node, dict):
            out.append(("relatedResource", _l("Each related resource is an object.")))
            continue
        identifier = node.get("id")
        if not isinstance(identifier, str) or not URL.match(identifier):
            out.append(("relatedResource", _l("Each related resource needs its URL as id.")))
        elif identifier in seen:
            out.append(("relatedResource", _l("Each related resource is listed once.")))
        else:
            seen.add(identifier)
        if "digestSRI" not in node and "digestMultibase" not in node:
            out.append(("relatedResource", _l("Each related resource needs a digestSRI or "
                                              "digestMultibase.")))
        elif not _digests_well_formed(node):
            out.append(("relatedResource", _l("A digest is not well-formed.")))
        elif isinstance(identifier, str) and not _digests_match(identifier, node):
            out.append(("relatedResource", _l("A digest does not match the resource at "
                                              "this URL.")))
    return out


@cache
def revisions(url: str) -> tuple[bytes, ...]:
    """The bytes we hold of the resource at ``url`` (pinned files whose hash holds); none
    for a resource we cannot obtain offline, whose digest is then taken on trust."""
    names = [path.name for found, path in pinned_urls().items() if found == url]
    names += EARLIER_REVISIONS.get(url, ())
    held = []
    for name in names:
        data = (CONTEXT_DIR / name).read_bytes()
        if hashlib.sha256(data).hexdigest() == pinned_hashes().get(name):
            held.append(data)
    return tuple(held)


def _digests_match(url: str, node: dict) -> bool:
    """Every digest given matches one revision of the resource we hold (or we hold none)."""
    held = revisions(url)
    if not held:
        return True
    wanted = []
    if node.get("digestSRI") is not None:
        wanted.append({base64.b64decode(node["digestSRI"].partition("-")[2])})
    if node.get("digestMultibase") is not None:
        wanted.append(_multibase_digests(node["digestMultibase"]))
    return all(any(_digest_forms(data) & forms for data in held) for forms in wanted)


def _digest_forms(data: bytes) -> set[bytes]:
    """The digests of ``data``, bare and as multihashes."""
    out = set()
    for algorithm, prefix in MULTIHASH.items():
        digest = hashlib.new(algorithm, data).digest()
        out |= {digest, prefix + digest}
    return out


def _multibase_digests(value: str) -> set[bytes]:
    body = value[1:]
    try:
        if value[0] in "uz":
            return {multibase_decode(value)}
        if value[0] in "mM":
            return {base64.b64decode(body + "=" * (-len(body) % 4))}
        return {bytes.fromhex(body)}
    except ValueError:
        return set()


def _digests_well_formed(node: dict) -> bool:
    sri = node.get("digestSRI")
    if sri is not None:
        match = SRI.match(sri) if isinstance(sri, str) else None
        if match is None:
            return False
        try:
            raw = base64.b64decode(match[2], validate=True)
        except binascii.Error:
            return False
        if len(raw) != SRI_BYTES[match[1]]:
            return False
    multibase = node.get("digestMultibase")
    return multibase is None or (isinstance(multibase, str) and len(multibase) > 1
                                 and multibase[0] in "uzmMfF")
