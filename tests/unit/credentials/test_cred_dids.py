import pytest

from eigendossier.credentials import DidResolver, KeyResolutionError
from eigendossier.credentials.dids import did_key_document, did_web_url, resolve_did_key

from .helpers import Fetcher, Issuer

WEB_DID = "did:web:roc.example:issuers:42"
WEB_URL = "https://roc.example/issuers/42/did.json"


def did_document(issuer: Issuer, did: str = WEB_DID, listed: bool = True) -> dict:
    method = {
        "id": f"{did}#key-1",
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": issuer.multikey,
    }
    return {
        "id": did,
        "verificationMethod": [method],
        "assertionMethod": ["#key-1"] if listed else [],
    }


def error_of(call) -> KeyResolutionError:
    with pytest.raises(KeyResolutionError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize("curve", ["Ed25519", "P-256"])
def test_did_key(curve):
    issuer = Issuer(curve=curve)
    resolved = DidResolver().resolve(issuer.method)
    assert resolved.key.to_multikey() == issuer.multikey
    assert (resolved.controller, resolved.confirmed, resolved.source) == (issuer.did, True, "key")
    assert DidResolver().resolve(issuer.did).method_id == issuer.method


def test_did_key_document_shape():
    issuer = Issuer()
    document = did_key_document(issuer.did)
    assert document["assertionMethod"] == [issuer.method]


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:example.com:user:alice", "https://example.com/user/alice/did.json"),
        ("did:web:localhost%3A8443", "https://localhost:8443/.well-known/did.json"),
    ],
)
def test_did_web_urls(did, url):
    assert did_web_url(did) == url


def test_did_web_path_traversal_is_refused():
    assert error_of(lambda: did_web_url("did:web:example.com:..:x")).code == "key.malformed"


def test_did_web_resolution_and_ttl_cache():
    issuer, clock = Issuer(), [0.0]
    fetch = Fetcher({WEB_URL: did_document(issuer)})
    resolver = DidResolver(fetch, ttl_seconds=60, clock=lambda: clock[0])
    first = resolver.resolve(f"{WEB_DID}#key-1")
    assert (first.controller, first.confirmed, first.source) == (WEB_DID, True, "web")
    resolver.resolve(f"{WEB_DID}#key-1")
    assert fetch.requested == [WEB_URL]
    clock[0] = 61.0
    resolver.resolve(f"{WEB_DID}#key-1")
    assert fetch.requested == [WEB_URL, WEB_URL]


def test_failed_fetches_are_not_cached_and_are_retryable():
    fetch = Fetcher({})
    resolver = DidResolver(fetch)
    error = error_of(lambda: resolver.resolve(f"{WEB_DID}#key-1"))
    assert (error.code, error.retryable) == ("key.unavailable", True)
    fetch.routes[WEB_URL] = did_document(Issuer())
    assert resolver.resolve(f"{WEB_DID}#key-1").confirmed


def test_did_web_document_must_be_for_that_did():
    fetch = Fetcher({WEB_URL: did_document(Issuer(), did="did:web:evil.example")})
    error = error_of(lambda: DidResolver(fetch).resolve(f"{WEB_DID}#key-1"))
    assert error.code == "key.did_document_invalid"


def test_key_must_be_an_assertion_method():
    fetch = Fetcher({WEB_URL: did_document(Issuer(), listed=False)})
    error = error_of(lambda: DidResolver(fetch).resolve(f"{WEB_DID}#key-1"))
    assert error.code == "key.not_assertion_method"


def test_https_key_document():
    issuer = Issuer()
    key_url = "https://roc.example/keys/1"
    document = {
        "id": key_url,
        "type": "Multikey",
        "controller": "https://roc.example/issuer",
        "publicKeyMultibase": issuer.multikey,
    }
    resolved = DidResolver(Fetcher({key_url: document})).resolve(key_url)
    assert resolved.controller == "https://roc.example/issuer"
    assert resolved.key.to_multikey() == issuer.multikey


def test_fragment_key_is_confirmed_only_by_the_controller_document():
    issuer = Issuer()
    reference = f"https://roc.example/issuer#{issuer.multikey}"
    unconfirmed = DidResolver(Fetcher({})).resolve(reference)
    assert (unconfirmed.controller, unconfirmed.confirmed) == ("https://roc.example/issuer", False)
    controller = {
        "id": "https://roc.example/issuer",
        "verificationMethod": [
            {
                "id": reference,
                "type": "Multikey",
                "controller": "https://roc.example/issuer",
                "publicKeyMultibase": issuer.multikey,
            }
        ],
    }
    fetch = Fetcher({"https://roc.example/issuer": controller})
    assert DidResolver(fetch).resolve(reference).confirmed


@pytest.mark.parametrize(
    ("reference", "code"),
    [
        ("z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", "key.invalid_reference"),
        ("xxx:abc", "key.unsupported_scheme"),
        ("did:example:abc", "key.unsupported_did_method"),
        ("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", "key.malformed"),
        ("https://a.example/#z6Mk0000", "key.malformed"),
        (None, "key.invalid_reference"),
    ],
)
def test_bad_references(reference, code):
    error = error_of(lambda: DidResolver().resolve(reference))
    assert (error.code, error.retryable) == (code, False)


def test_did_web_offline_uses_the_last_document_read_and_says_when():
    import json
    from datetime import UTC, datetime

    from eigendossier.credentials import verify_credential

    from .helpers import NOW, badge

    issuer = Issuer(WEB_DID)
    routes = {WEB_URL: did_document(issuer)}
    read_at = datetime(2025, 5, 29, 9, 0, tzinfo=UTC)
    resolver = DidResolver(Fetcher(routes), ttl_seconds=0, wall_clock=lambda: read_at)
    signed = issuer.sign_di(badge(WEB_DID), method=f"{WEB_DID}#key-1")
    assert verify_credential(json.dumps(signed), resolver=resolver, now=NOW).status == "verified"
    routes.clear()
    again = verify_credential(json.dumps(signed), resolver=resolver, now=NOW)
    assert again.status == "verified"
    (key,) = again.checks_for("issuer_key")
    assert key.params["checked_at"] == read_at.isoformat()


def test_did_key_results_are_kept_per_reference_and_never_mixed():
    first, second = Issuer(), Issuer(curve="P-256")
    resolver = DidResolver()
    for _ in range(2):
        assert resolver.resolve(first.method).key.to_multikey() == first.multikey
        assert resolver.resolve(second.method).key.to_multikey() == second.multikey
        assert DidResolver().resolve(first.did).method_id == first.method
    assert resolve_did_key.cache_info().hits >= 3
    assert resolve_did_key.cache_info().maxsize == 256


def test_a_did_key_naming_another_key_is_refused_every_time():
    issuer, other = Issuer(), Issuer()
    resolver = DidResolver()
    resolver.resolve(issuer.method)
    for _ in range(2):
        error = error_of(lambda: resolver.resolve(f"{issuer.did}#{other.multikey}"))
        assert error.code == "key.method_not_found"
