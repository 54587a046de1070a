"""OpenID4VCI's ``jwt`` key proof (``typ: openid4vci-proof+jwt``, section 8.2.1.1): made by
the wallet with the holder's key, checked by the issuer before it binds a credential to that
key. Pure; refusals are :class:`~.oid4vci.OfferError` with ``proof.*`` codes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .errors import KeyResolutionError, ParseError
from .jws import parse_compact, sign_compact
from .keys import PublicKey, b64url_encode, from_jwk, from_multikey
from .limits import Limits
from .oid4vci import OfferError

PROOF_TYP = "openid4vci-proof+jwt"
PROOF_ALGS = ("EdDSA", "ES256")


def build_proof(private_key: Any, kid: str, *, audience: str, issued_at: int,
                nonce: str | None) -> str:
    """A ``jwt`` key proof signed with an Ed25519 key named by ``kid`` (a did:key URL). No
    ``iss``: the pre-authorized code was redeemed anonymously."""
    claims: dict[str, Any] = {"aud": audience, "iat": issued_at}
    if nonce is not None:
        claims["nonce"] = nonce
    header = {"typ": PROOF_TYP, "alg": "EdDSA", "kid": kid}
    return sign_compact(header, json.dumps(claims).encode("utf-8"), private_key)


@dataclass(frozen=True)
class CheckedProof:
    holder: str  # the DID the credential is bound to (did:key, or did:jwk for a bare jwk)
    nonce: str | None
    issued_at: int


def check_proof(token: Any, *, audience: str, now: int, max_age: int = 300,
                max_skew: int = 60) -> CheckedProof:
    """A key proof checked as OpenID4VCI says: typed, an allowed asymmetric algorithm, signed
    by the key its header names (a did:key URL or a public jwk), for this issuer, recent.
    The nonce is returned for the caller to redeem (it keeps the nonces)."""
    if not isinstance(token, str):
        raise OfferError("proof.invalid", "The key proof is not a JWT.")
    try:
        jws = parse_compact(token, Limits(max_jws_bytes=16 * 1024,
                                          max_jws_header_bytes=4 * 1024))
    except ParseError as error:
        raise OfferError("proof.invalid", "The key proof is not a valid JWT.",
                         detail=error.message) from None
    header = jws.header
    if header.get("typ") != PROOF_TYP:
        raise OfferError("proof.invalid", f"The key proof's typ must be {PROOF_TYP}.")
    if jws.alg not in PROOF_ALGS:
        raise OfferError("proof.invalid", "The key proof's algorithm is not supported.")
    key, holder = _proof_key(header)
    if not jws.verify(key):
        raise OfferError("proof.invalid", "The key proof's signature does not verify.")
    try:
        claims = jws.payload_json(Limits(max_json_bytes=8 * 1024, max_json_depth=8))
    except ParseError:
        raise OfferError("proof.invalid", "The key proof's claims are not JSON.") from None
    if not isinstance(claims, dict):
        raise OfferError("proof.invalid", "The key proof's claims are not an object.")
    if claims.get("aud") != audience:
        raise OfferError("proof.wrong_audience", "The key proof is meant for another issuer.")
    issued_at = claims.get("iat")
    if not isinstance(issued_at, int) or isinstance(issued_at, bool):
        raise OfferError("proof.invalid", "The key proof has no iat.")
    if issued_at > now + max_skew or issued_at < now - max_age:
        raise OfferError("proof.stale", "The key proof was not made just now.")
    nonce = claims.get("nonce")
    if nonce is not None and not isinstance(nonce, str):
        raise OfferError("proof.invalid", "The key proof's nonce is not a string.")
    return CheckedProof(holder, nonce, issued_at)


def _proof_key(header: dict[str, Any]) -> tuple[PublicKey, str]:
    named = [name for name in ("kid", "jwk", "x5c") if name in header]
    if len(named) != 1:
        raise OfferError("proof.invalid", "The key proof must name its key by kid or jwk.")
    try:
        if named[0] == "jwk":
            jwk = header["jwk"]
            if not isinstance(jwk, dict) or any(p in jwk for p in ("d", "p", "q", "k")):
                raise OfferError("proof.invalid", "The key proof's jwk is not a public key.")
            public = {k: v for k, v in jwk.items() if k in ("kty", "crv", "x", "y", "n", "e")}
            key = from_jwk(public)
            did = "did:jwk:" + b64url_encode(json.dumps(public, separators=(",", ":"),
                                                        sort_keys=True).encode("utf-8"))
            return key, did
        if named[0] == "kid":
            return _did_key(header["kid"])
    except KeyResolutionError:
        raise OfferError("proof.invalid", "The key proof's key cannot be read.") from None
    raise OfferError("proof.invalid", "Key proofs with x5c are not supported.")


def _did_key(kid: Any) -> tuple[PublicKey, str]:
    if not isinstance(kid, str) or not kid.startswith("did:key:") or len(kid) > 400:
        raise OfferError("proof.invalid", "The key proof's kid must be a did:key URL.")
    did, _, fragment = kid.partition("#")
    multikey = did[len("did:key:"):]
    if fragment and fragment != multikey:
        raise OfferError("proof.invalid", "The key proof's kid names another key.")
    return from_multikey(multikey), did
