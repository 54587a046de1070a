"""SD-JWT (RFC 9901) and SD-JWT VC (draft-ietf-oauth-sd-jwt-vc): issue, read, present.

Written on the project's own JWS code (``jws.py``) and base64url helpers rather than on the
PyPI ``sd-jwt`` package: its last release (0.10.4, 2024) predates the RFC's final form (the
``dc+sd-jwt`` media type, ``sd_hash`` over the whole presentation) and it signs with jwcrypto,
a second JWS implementation with its own algorithm list and errors. ``tests/unit/credentials/
test_sdjwt.py`` checks this module against the RFC's own examples (Appendix A and section 4).

An SD-JWT is ``<issuer JWT>~<disclosure>~…~<KB-JWT or nothing>``. A disclosure is the
base64url of ``[salt, name, value]`` (an object property) or ``[salt, value]`` (an array
element); the issuer signs only the SHA-256 digests of the disclosures, in ``_sd`` arrays of
objects and ``{"...": digest}`` array elements. The holder shows the disclosures it chooses;
with a Key Binding JWT it proves it holds the key in ``cnf`` and binds the presentation to one
verifier (``aud``) and one request (``nonce``) through ``sd_hash``.

Everything here is pure: no clock, no network. The caller resolves the issuer's key and passes
the time.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization

from .errors import CredentialError, KeyResolutionError, ParseError
from .jws import CompactJws, parse_compact, sign_compact
from .keys import PublicKey, b64url_decode, b64url_encode, from_jwk, from_multikey
from .limits import DEFAULT_LIMITS, Limits, load_json

VC_TYP = "dc+sd-jwt"
LEGACY_VC_TYP = "vc+sd-jwt"  # drafts before 06; still what many issuers send
KB_TYP = "kb+jwt"
HASH_ALG = "sha-256"
ARRAY_KEY = "..."
RESERVED_NAMES = frozenset({"_sd", ARRAY_KEY})
MAX_DISCLOSURES = 1000
MAX_DISCLOSURE_CHARS = 64 * 1024

Path = tuple[str | int, ...]


class SdJwtError(CredentialError):
    """An SD-JWT or its key binding is malformed or does not hold; codes start ``sdjwt.``."""


# -- disclosures ----------------------------------------------------------------------------


def digest(disclosure: str) -> str:
    """The base64url SHA-256 over the disclosure's ASCII (RFC 9901 section 4.2.3)."""
    return b64url_encode(hashlib.sha256(disclosure.encode("ascii")).digest())


@dataclass(frozen=True)
class Disclosure:
    encoded: str
    salt: str
    name: str | None  # None for an array element
    value: Any

    @property
    def digest(self) -> str:
        return digest(self.encoded)


def make_disclosure(name: str | None, value: Any, salt: str | None = None) -> Disclosure:
    """A new disclosure with 128 bits of salt (section 4.2.1)."""
    salt = salt if salt is not None else b64url_encode(secrets.token_bytes(16))
    if name is not None and name in RESERVED_NAMES:
        raise SdJwtError("sdjwt.reserved_name", f"{name!r} cannot be disclosed selectively.")
    body = [salt, value] if name is None else [salt, name, value]
    encoded = b64url_encode(json.dumps(body, ensure_ascii=False).encode("utf-8"))
    return Disclosure(encoded, salt, name, value)


def read_disclosure(encoded: str, limits: Limits = DEFAULT_LIMITS) -> Disclosure:
    if len(encoded) > MAX_DISCLOSURE_CHARS:
        raise SdJwtError("sdjwt.disclosure_invalid", "A disclosure is too large.")
    try:
        raw = b64url_decode(encoded)
    except ValueError:
        raise SdJwtError("sdjwt.disclosure_invalid", "A disclosure is not base64url.") from None
    try:
        body = load_json(raw, limits, what="disclosure")
    except ParseError:
        raise SdJwtError("sdjwt.disclosure_invalid", "A disclosure is not JSON.") from None
    if not isinstance(body, list) or len(body) not in (2, 3) or not isinstance(body[0], str):
        raise SdJwtError("sdjwt.disclosure_invalid",
                         "A disclosure must be [salt, value] or [salt, name, value].")
    if len(body) == 2:
        return Disclosure(encoded, body[0], None, body[1])
    if not isinstance(body[1], str):
        raise SdJwtError("sdjwt.disclosure_invalid", "A disclosure's claim name is not a string.")
    if body[1] in RESERVED_NAMES:
        raise SdJwtError("sdjwt.reserved_name",
                         f"A disclosure uses the reserved claim name {body[1]!r}.")
    return Disclosure(encoded, body[0], body[1], body[2])


# -- issuing --------------------------------------------------------------------------------


def issue(claims: dict[str, Any], disclosable: Iterable[Path], private_key: Any, *,
          header: dict[str, Any], holder_jwk: dict[str, Any] | None = None,
          decoys: int | Callable[[], int] = 0,
          salt: Callable[[], str] | None = None) -> str:
    """Sign ``claims`` as an SD-JWT whose claims at the ``disclosable`` paths are replaced by
    digests. A path is a tuple of object keys and array indexes; a disclosable claim may hold
    disclosable claims itself (a parent must then be disclosed for its children to be seen).
    ``decoys`` adds that many decoy digests (section 4.2.5) to the payload's ``_sd`` and to each
    object that holds a disclosable claim; a callable is asked once per such object, so a
    random count per object hides how many claims each really has. The issued SD-JWT
    carries every disclosure; ``header`` needs ``alg`` (and ``typ``/``kid`` as the caller
    wants)."""
    wanted = {tuple(p) for p in disclosable}
    holders = {p[:-1] for p in wanted} | {()}  # objects that get decoys
    decoy_count = decoys if callable(decoys) else (lambda: decoys)
    disclosures: list[Disclosure] = []
    new_salt = salt or (lambda: b64url_encode(secrets.token_bytes(16)))

    def conceal(node: Any, path: Path) -> Any:
        if isinstance(node, dict):
            out: dict[str, Any] = {}
            hidden: list[str] = []
            for key, value in node.items():
                if key in RESERVED_NAMES or key == "_sd_alg":
                    raise SdJwtError("sdjwt.reserved_name", f"{key!r} is a reserved claim name.")
                inner = conceal(value, (*path, key))
                if (*path, key) in wanted:
                    made = make_disclosure(key, inner, new_salt())
                    disclosures.append(made)
                    hidden.append(made.digest)
                else:
                    out[key] = inner
            if path in holders:
                hidden += [digest(b64url_encode(secrets.token_bytes(16)))
                           for _ in range(decoy_count())]
            if hidden:
                out["_sd"] = sorted(hidden)  # sorted: the order must not reveal the claims'
            return out
        if isinstance(node, list):
            items: list[Any] = []
            for index, value in enumerate(node):
                inner = conceal(value, (*path, index))
                if (*path, index) in wanted:
                    made = make_disclosure(None, inner, new_salt())
                    disclosures.append(made)
                    items.append({ARRAY_KEY: made.digest})
                else:
                    items.append(inner)
            return items
        return node

    payload = conceal(claims, ())
    payload["_sd_alg"] = HASH_ALG
    if holder_jwk is not None:
        payload["cnf"] = {"jwk": holder_jwk}
    token = sign_compact(header, json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                         private_key)
    return "~".join([token, *(d.encoded for d in disclosures)]) + "~"


# -- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SdJwt:
    issuer_jwt: str
    jws: CompactJws
    payload: dict[str, Any]
    disclosures: tuple[Disclosure, ...]
    kb_jwt: str | None

    @property
    def presentation_without_kb(self) -> str:
        """``<issuer JWT>~<disclosures>~``: what ``sd_hash`` is taken over."""
        return "~".join([self.issuer_jwt, *(d.encoded for d in self.disclosures)]) + "~"

    def serialize(self) -> str:
        return self.presentation_without_kb + (self.kb_jwt or "")

    def verify_signature(self, key: PublicKey) -> bool:
        return self.jws.verify(key)


def looks_like_sd_jwt(text: str) -> bool:
    text = text.strip()
    return "~" in text and text.split("~", 1)[0].count(".") == 2


def parse(text: str, limits: Limits = DEFAULT_LIMITS) -> SdJwt:
    """Split an SD-JWT (section 4) and decode its parts; nothing is verified yet."""
    text = text.strip()
    if len(text) > limits.max_jws_bytes:
        raise ParseError("parse.too_large", "The SD-JWT is too large.", what="SD-JWT",
                         limit=limits.max_jws_bytes, size=len(text))
    parts = text.split("~")
    if len(parts) < 2:
        raise SdJwtError("sdjwt.invalid", "Not an SD-JWT: it has no '~'.")
    if len(parts) - 2 > MAX_DISCLOSURES:
        raise SdJwtError("sdjwt.invalid", "The SD-JWT has too many disclosures.")
    jws = parse_compact(parts[0], limits)
    payload = jws.payload_json(limits)
    if not isinstance(payload, dict):
        raise SdJwtError("sdjwt.invalid", "The SD-JWT's payload is not an object.")
    alg = payload.get("_sd_alg", HASH_ALG)
    if alg != HASH_ALG:
        raise SdJwtError("sdjwt.hash_unsupported", f"Digest algorithm {alg!r} is not supported.",
                         alg=str(alg))
    middle, last = parts[1:-1], parts[-1]
    if any(not p for p in middle):
        raise SdJwtError("sdjwt.invalid", "The SD-JWT has an empty disclosure.")
    disclosures = tuple(read_disclosure(p, limits) for p in middle)
    if len({d.encoded for d in disclosures}) != len(disclosures):
        raise SdJwtError("sdjwt.duplicate_disclosure", "A disclosure is given twice.")
    return SdJwt(parts[0], jws, payload, disclosures, last or None)


@dataclass(frozen=True)
class Disclosed:
    """One disclosure as placed in the claims: where it went and which disclosures hold it."""

    disclosure: Disclosure
    path: Path
    parents: tuple[str, ...]  # digests of the disclosures it sits inside, outermost first


@dataclass(frozen=True)
class Resolved:
    claims: dict[str, Any]
    disclosed: tuple[Disclosed, ...]
    hidden: int  # digests with no disclosure: withheld claims and decoys, indistinguishable
    by_digest: dict[str, Disclosed] = field(default_factory=dict)

    def path_of(self, digest_: str) -> Path | None:
        found = self.by_digest.get(digest_)
        return found.path if found else None


def resolve(sd: SdJwt) -> Resolved:
    """The claims with every disclosure put back (section 7.1 step 3): refuses a digest seen
    twice, a disclosure no digest refers to, a property disclosure where an array element
    stands (and the reverse), a claim name the payload already has, and ``_sd``/``...`` as
    names."""
    by_digest = {d.digest: d for d in sd.disclosures}
    seen: set[str] = set()
    placed: list[Disclosed] = []
    hidden = 0

    def take(value: Any, path: Path, parents: tuple[str, ...]) -> Any:
        if isinstance(value, dict):
            return take_object(value, path, parents)
        if isinstance(value, list):
            return take_array(value, path, parents)
        return value

    def claim(found: str) -> Disclosure | None:
        if found in seen:
            raise SdJwtError("sdjwt.duplicate_digest", "A digest appears twice in the SD-JWT.")
        seen.add(found)
        return by_digest.get(found)

    def take_object(node: dict[str, Any], path: Path, parents: tuple[str, ...]) -> Any:
        nonlocal hidden
        out = {k: take(v, (*path, k), parents) for k, v in node.items()
               if k not in ("_sd", "_sd_alg")}
        digests = node.get("_sd", [])
        if not isinstance(digests, list) or not all(isinstance(d, str) for d in digests):
            raise SdJwtError("sdjwt.invalid", "An _sd claim is not a list of digests.")
        for found in digests:
            disclosure = claim(found)
            if disclosure is None:
                hidden += 1
                continue
            if disclosure.name is None:
                raise SdJwtError("sdjwt.disclosure_misplaced",
                                 "An array-element disclosure is referred to from _sd.")
            if disclosure.name in out:
                raise SdJwtError("sdjwt.claim_exists",
                                 f"The disclosed claim {disclosure.name!r} is already there.")
            where = (*path, disclosure.name)
            placed.append(Disclosed(disclosure, where, parents))
            out[disclosure.name] = take(disclosure.value, where, (*parents, found))
        return out

    def take_array(node: list[Any], path: Path, parents: tuple[str, ...]) -> Any:
        nonlocal hidden
        items: list[Any] = []
        for item in node:
            if isinstance(item, dict) and ARRAY_KEY in item:
                found = item[ARRAY_KEY]
                if len(item) != 1 or not isinstance(found, str):
                    raise SdJwtError("sdjwt.invalid", "A '...' array element is malformed.")
                disclosure = claim(found)
                if disclosure is None:
                    hidden += 1
                    continue
                if disclosure.name is not None:
                    raise SdJwtError("sdjwt.disclosure_misplaced",
                                     "A property disclosure is referred to from an array.")
                where = (*path, len(items))
                placed.append(Disclosed(disclosure, where, parents))
                items.append(take(disclosure.value, where, (*parents, found)))
            else:
                items.append(take(item, (*path, len(items)), parents))
        return items

    claims = take_object(sd.payload, (), ())
    unused = set(by_digest) - seen
    if unused:
        raise SdJwtError("sdjwt.disclosure_unreferenced",
                         "A disclosure is not referred to by any digest.", count=len(unused))
    lookup = {p.disclosure.digest: p for p in placed}
    return Resolved(claims, tuple(placed), hidden, lookup)


# -- presenting -----------------------------------------------------------------------------


def sd_hash(presentation_without_kb: str) -> str:
    return digest(presentation_without_kb)


def select(sd: SdJwt, keep: Callable[[Disclosed], bool]) -> SdJwt:
    """The SD-JWT with only the disclosures ``keep`` accepts, and the disclosures they sit in
    (a claim inside a hidden object could not be placed). No KB-JWT."""
    resolved = resolve(sd)
    wanted: set[str] = set()
    for item in resolved.disclosed:
        if keep(item):
            wanted.add(item.disclosure.digest)
            wanted.update(item.parents)
    chosen = tuple(d for d in sd.disclosures if d.digest in wanted)
    return SdJwt(sd.issuer_jwt, sd.jws, sd.payload, chosen, None)


def present(sd: SdJwt, keep: Callable[[Disclosed], bool], *, holder_key: Any = None,
            alg: str = "EdDSA", audience: str | None = None, nonce: str | None = None,
            issued_at: int | None = None) -> str:
    """A presentation of the chosen disclosures; with ``holder_key`` a KB-JWT binds it to
    ``audience`` and ``nonce`` (section 4.3)."""
    chosen = select(sd, keep)
    base = chosen.presentation_without_kb
    if holder_key is None:
        return base
    if audience is None or nonce is None or issued_at is None:
        raise ValueError("a key binding needs audience, nonce and issued_at")
    claims = {"iat": issued_at, "aud": audience, "nonce": nonce, "sd_hash": sd_hash(base)}
    kb = sign_compact({"typ": KB_TYP, "alg": alg}, json.dumps(claims).encode("utf-8"),
                      holder_key)
    return base + kb


def public_jwk(key: PublicKey) -> dict[str, str]:
    """A public key as the JWK ``cnf`` carries (Ed25519 or an EC curve)."""
    if key.kind == "Ed25519":
        raw = key.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(raw)}
    if key.kind in ("P-256", "P-384"):
        size = 32 if key.kind == "P-256" else 48
        numbers = key.key.public_numbers()
        return {"kty": "EC", "crv": key.kind, "x": b64url_encode(numbers.x.to_bytes(size, "big")),
                "y": b64url_encode(numbers.y.to_bytes(size, "big"))}
    raise SdJwtError("sdjwt.cnf_invalid", "Only Ed25519 and EC holder keys are bound.")


def cnf_jwk_of_did(did: str) -> dict[str, str]:
    """The public JWK of a holder named by ``did:key`` or ``did:jwk`` (what an OpenID4VCI key
    proof gives), for the ``cnf`` of the credential bound to it."""
    try:
        if did.startswith("did:key:"):
            return public_jwk(from_multikey(did[len("did:key:"):].split("#", 1)[0]))
        if did.startswith("did:jwk:"):
            jwk = json.loads(b64url_decode(did[len("did:jwk:"):].split("#", 1)[0]))
            return public_jwk(from_jwk(jwk))
    except (KeyResolutionError, ValueError):
        pass
    raise SdJwtError("sdjwt.cnf_invalid", "The holder's key cannot be read from its DID.")


def holder_key(payload: dict[str, Any]) -> PublicKey | None:
    """The key the holder must prove, from ``cnf`` (a ``jwk``, or a did:key ``kid``)."""
    cnf = payload.get("cnf")
    if cnf is None:
        return None
    if not isinstance(cnf, dict):
        raise SdJwtError("sdjwt.cnf_invalid", "The cnf claim is not an object.")
    try:
        if isinstance(cnf.get("jwk"), dict):
            jwk = cnf["jwk"]
            if any(p in jwk for p in ("d", "p", "q", "k")):
                raise SdJwtError("sdjwt.cnf_invalid", "The cnf key is not a public key.")
            return from_jwk(jwk)
        kid = cnf.get("kid")
        if isinstance(kid, str) and kid.startswith("did:key:"):
            return from_multikey(kid[len("did:key:"):].split("#", 1)[0])
    except KeyResolutionError:
        raise SdJwtError("sdjwt.cnf_invalid", "The cnf key cannot be read.") from None
    raise SdJwtError("sdjwt.cnf_invalid", "The cnf claim names no usable key.")


@dataclass(frozen=True)
class KeyBinding:
    audience: str
    nonce: str
    issued_at: int


def verify_key_binding(sd: SdJwt, *, audience: str, nonce: str, now: int,
                       max_age: int = 300, max_skew: int = 60,
                       limits: Limits = DEFAULT_LIMITS) -> KeyBinding:
    """Section 7.3: the KB-JWT is there, typed ``kb+jwt``, signed by the ``cnf`` key, recent,
    for this ``audience`` and ``nonce``, and its ``sd_hash`` covers exactly this
    presentation."""
    if not sd.kb_jwt:
        raise SdJwtError("sdjwt.kb_missing", "The presentation has no key binding JWT.")
    key = holder_key(sd.payload)
    if key is None:
        raise SdJwtError("sdjwt.cnf_missing", "The credential is bound to no holder key.")
    try:
        kb = parse_compact(sd.kb_jwt, limits)
        claims = kb.payload_json(limits)
    except ParseError:
        raise SdJwtError("sdjwt.kb_invalid", "The key binding JWT cannot be read.") from None
    if kb.header.get("typ") != KB_TYP:
        raise SdJwtError("sdjwt.kb_invalid", f"The key binding JWT's typ must be {KB_TYP}.")
    if not kb.verify(key):
        raise SdJwtError("sdjwt.kb_signature", "The key binding JWT's signature does not verify.")
    if not isinstance(claims, dict):
        raise SdJwtError("sdjwt.kb_invalid", "The key binding JWT's claims are not an object.")
    if claims.get("sd_hash") != sd_hash(sd.presentation_without_kb):
        raise SdJwtError("sdjwt.kb_sd_hash", "The key binding JWT covers another presentation.")
    if claims.get("aud") != audience:
        raise SdJwtError("sdjwt.kb_audience", "The key binding JWT is meant for another verifier.")
    if claims.get("nonce") != nonce:
        raise SdJwtError("sdjwt.kb_nonce", "The key binding JWT answers another request.")
    issued_at = claims.get("iat")
    if not isinstance(issued_at, int) or isinstance(issued_at, bool):
        raise SdJwtError("sdjwt.kb_invalid", "The key binding JWT has no iat.")
    if issued_at > now + max_skew or issued_at < now - max_age:
        raise SdJwtError("sdjwt.kb_stale", "The key binding JWT was not made just now.")
    return KeyBinding(audience, nonce, issued_at)


def is_vc(sd: SdJwt) -> bool:
    """An SD-JWT VC: typed ``dc+sd-jwt`` (or the older ``vc+sd-jwt``) with a ``vct``."""
    return (sd.jws.header.get("typ") in (VC_TYP, LEGACY_VC_TYP)
            and isinstance(sd.payload.get("vct"), str))
