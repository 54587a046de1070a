"""base58btc, the encoding of every Data Integrity proof value and Multikey we write."""

import os

import pytest

from eigendossier.credentials.keys import b58decode, b58encode

# The textbook encoding, one division by 58 per digit (the test wallet writes with it).
from tests.support_openid4vci import b58 as digit_by_digit


@pytest.mark.parametrize(("data", "text"), [
    (b"Hello World!", "2NEpo7TZRRrLZSi2U"),
    (b"\x00yes mani !", "17paNL19xttacUY"),
    (b"\x00\x00yes mani !", "117paNL19xttacUY"),
    (b"", ""),
    (b"\x00", "1"),
    (b"\x39", "z"),
    (b"\x3a", "21"),
])
def test_known_encodings(data, text):
    assert b58encode(data) == text
    assert b58decode(text) == data


def test_signatures_keys_and_leading_zeros_encode_as_digit_by_digit_and_back():
    samples = [os.urandom(size) for size in (1, 2, 31, 32, 34, 49, 64, 96) for _ in range(40)]
    samples += [b"\x00" * zeros + os.urandom(64) for zeros in range(1, 4)]
    samples += [b"\x00" * 64, b"\xff" * 64, b"\x00\x01", b"\x01" + b"\x00" * 63]
    for data in samples:
        assert b58encode(data) == digit_by_digit(data)
        assert b58decode(b58encode(data)) == data
