import json

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from eigendossier.credentials import KeyResolutionError, Limits, ParseError
from eigendossier.credentials.jws import parse_compact, sign_compact
from eigendossier.credentials.keys import PublicKey, b64url_encode, from_jwk

from .helpers import Issuer


def token(header: dict, payload: bytes = b"{}", signature: bytes = b"sig") -> str:
    encode = lambda data: b64url_encode(data)  # noqa: E731
    return ".".join([encode(json.dumps(header).encode()), encode(payload), encode(signature)])


def code_of(call) -> str:
    with pytest.raises(ParseError) as caught:
        call()
    return caught.value.code


@pytest.mark.parametrize("alg", ["none", "HS256", "HS512", "PS256", "ES512"])
def test_disallowed_algorithms_are_refused(alg):
    assert code_of(lambda: parse_compact(token({"alg": alg}))) == "parse.jws_alg_refused"


def test_unsigned_jws_is_refused():
    unsigned = token({"alg": "none"}).rsplit(".", 1)[0] + "."
    assert code_of(lambda: parse_compact(unsigned)) == "parse.jws_invalid"


def test_header_cap_allows_an_embedded_rsa_jwk_but_not_more_than_8_kb():
    jwk = {"kty": "RSA", "n": "x" * 342, "e": "AQAB"}
    assert parse_compact(token({"alg": "RS256", "jwk": jwk})).header["jwk"] == jwk
    huge = {"alg": "RS256", "pad": "x" * 9000}
    assert code_of(lambda: parse_compact(token(huge))) == "parse.jws_header_too_large"
    small = Limits(max_jws_header_bytes=512)
    assert code_of(lambda: parse_compact(token({"alg": "RS256", "jwk": jwk}), small)) == (
        "parse.jws_header_too_large"
    )


def test_critical_extensions_are_refused():
    assert code_of(lambda: parse_compact(token({"alg": "ES256", "crit": ["exp"]}))) == (
        "parse.jws_crit_unsupported"
    )


@pytest.mark.parametrize("curve", ["Ed25519", "P-256"])
def test_sign_and_verify(curve):
    issuer = Issuer(curve=curve)
    jws = parse_compact(issuer.sign_jwt({"a": 1}, {}))
    assert jws.verify(issuer.public)
    assert not jws.verify(Issuer(curve=curve).public)
    tampered = jws.signing_input.decode().split(".")
    forged = parse_compact(f"{tampered[0]}.{b64url_encode(b'{}')}.{b64url_encode(jws.signature)}")
    assert not forged.verify(issuer.public)


def test_rs256_and_algorithm_key_binding():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = PublicKey("RSA", private.public_key())
    jws = parse_compact(sign_compact({"alg": "RS256"}, b"{}", private))
    assert jws.verify(public)
    assert not public.verify("ES256", jws.signing_input, jws.signature)


def test_short_rsa_keys_are_refused():
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()  # noqa: S505 - weak on purpose
    numbers = small.public_numbers()
    jwk = {
        "kty": "RSA",
        "n": b64url_encode(numbers.n.to_bytes(128, "big")),
        "e": b64url_encode(numbers.e.to_bytes(3, "big")),
    }
    with pytest.raises(KeyResolutionError) as caught:
        from_jwk(jwk)
    assert caught.value.code == "key.malformed"


@pytest.mark.parametrize(
    "jwk",
    [
        {"kty": "oct", "k": "c2VjcmV0"},
        {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"},
        {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"},
        "not a jwk",
    ],
)
def test_bad_jwks(jwk):
    with pytest.raises(KeyResolutionError):
        from_jwk(jwk)
