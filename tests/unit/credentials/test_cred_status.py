import base64
import gzip
import json
from datetime import UTC, datetime

import pytest

from eigendossier.credentials import CredentialError, DidResolver, Limits, verify_credential
from eigendossier.credentials.status import bit_is_set, decode_bitstring, encode_bitstring

from .helpers import NOW, VC2, Fetcher, Issuer, badge

LIST_URL = "https://roc.example/status/1"


def bits_with(*indexes: int, size: int = 16 * 1024) -> bytes:
    bits = bytearray(size)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def status_list(issuer: Issuer, bits: bytes, kind: str = "BitstringStatusList") -> dict:
    encoded = encode_bitstring(bits)
    if kind == "StatusList2021":
        encoded = base64.urlsafe_b64encode(gzip.compress(bits)).rstrip(b"=").decode()
    return issuer.sign_di(
        {
            "@context": [VC2],
            "id": LIST_URL,
            "type": ["VerifiableCredential", f"{kind}Credential"],
            "issuer": issuer.id,
            "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": {
                "id": LIST_URL + "#list",
                "type": kind,
                "statusPurpose": "revocation",
                "encodedList": encoded,
            },
        }
    )


def credential(issuer: Issuer, index: int, kind: str = "BitstringStatusListEntry") -> str:
    entry = {
        "id": f"{LIST_URL}#{index}",
        "type": kind,
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": LIST_URL,
    }
    return json.dumps(issuer.sign_di(badge(issuer.id, credentialStatus=entry)))


def test_bit_order_is_left_most_first():
    bits = bits_with(0, 23)
    assert bit_is_set(bits, 0)
    assert bit_is_set(bits, 23)
    assert not bit_is_set(bits, 1)
    assert decode_bitstring(encode_bitstring(bits), Limits()) == bits


@pytest.mark.parametrize(("index", "status"), [(5, "revoked"), (6, "verified")])
def test_bitstring_status_list(index, status):
    issuer = Issuer()
    fetch = Fetcher({LIST_URL: status_list(issuer, bits_with(5))})
    result = verify_credential(credential(issuer, index), fetch=fetch, now=NOW)
    assert result.status == status, [(c.id, c.message_code, c.params) for c in result.checks]


def test_status_list_2021():
    issuer = Issuer()
    fetch = Fetcher({LIST_URL: status_list(issuer, bits_with(9), kind="StatusList2021")})
    result = verify_credential(credential(issuer, 9, "StatusList2021Entry"), fetch=fetch, now=NOW)
    assert result.status == "revoked"


def test_list_from_another_issuer_is_read_with_a_warning():
    """The issuer named the list's URL in its signed credential; the list's own proof holds."""
    issuer, other = Issuer(), Issuer()
    fetch = Fetcher({LIST_URL: status_list(other, bits_with(5))})
    result = verify_credential(credential(issuer, 5), fetch=fetch, now=NOW)
    assert result.status == "revoked"
    assert [c.message_code for c in result.checks_for("revocation")] == [
        "revocation.list_issuer_mismatch",
        "revocation.revoked",
    ]


def test_tampered_list_is_not_trusted():
    issuer = Issuer()
    forged = status_list(issuer, bits_with())
    forged["credentialSubject"]["encodedList"] = encode_bitstring(bits_with(5))
    result = verify_credential(credential(issuer, 5), fetch=Fetcher({LIST_URL: forged}), now=NOW)
    assert result.checks_for("revocation")[0].message_code == "revocation.list_untrusted"


def test_unavailable_list_leaves_the_credential_unverifiable():
    issuer = Issuer()
    result = verify_credential(credential(issuer, 5), fetch=Fetcher({}), now=NOW)
    assert result.status == "unverifiable"
    assert result.checks_for("revocation")[0].message_code == "revocation.unavailable"


@pytest.mark.parametrize("named", [{}, {"statusListCredential": 42}])
def test_a_status_entry_that_names_no_list_leaves_the_credential_unverifiable(named):
    """Verification used to stop with a TypeError here: the import failed instead of saying
    that revocation could not be checked."""
    issuer = Issuer()
    entry = {"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
             "statusListIndex": "5", **named}
    signed = json.dumps(issuer.sign_di(badge(issuer.id, credentialStatus=entry)))
    result = verify_credential(signed, fetch=Fetcher({}), now=NOW)
    assert result.status == "unverifiable"
    assert result.checks_for("revocation")[0].message_code == "revocation.unavailable"


def test_gzip_bomb_is_capped():
    bomb = encode_bitstring(bytes(4 * 1024 * 1024))
    with pytest.raises(CredentialError) as caught:
        decode_bitstring(bomb, Limits(max_status_list_bits=8 * 1024 * 1024))
    assert caught.value.code == "revocation.list_too_large"


def test_index_out_of_range():
    issuer = Issuer()
    fetch = Fetcher({LIST_URL: status_list(issuer, bits_with(size=16))})
    result = verify_credential(credential(issuer, 4096), fetch=fetch, now=NOW)
    assert result.checks_for("revocation")[0].message_code == "revocation.index_out_of_range"


def test_offline_verification_uses_the_last_list_read_and_says_when():
    issuer = Issuer()
    routes = {LIST_URL: status_list(issuer, bits_with(5))}
    read_at = datetime(2025, 5, 29, 9, 0, tzinfo=UTC)
    fetch = Fetcher(routes)
    resolver = DidResolver(fetch, ttl_seconds=0, wall_clock=lambda: read_at)
    first = verify_credential(credential(issuer, 5), fetch=fetch, resolver=resolver, now=NOW)
    routes.clear()  # the phone goes offline
    again = verify_credential(credential(issuer, 5), fetch=fetch, resolver=resolver, now=NOW)
    assert first.status == again.status == "revoked"
    (check,) = again.checks_for("revocation")
    assert check.params["checked_at"] == read_at.isoformat()


def test_offline_without_an_earlier_read_is_unverifiable():
    issuer = Issuer()
    resolver = DidResolver(Fetcher({}), ttl_seconds=0)
    result = verify_credential(credential(issuer, 5), fetch=Fetcher({}), resolver=resolver, now=NOW)
    assert result.status == "unverifiable"
