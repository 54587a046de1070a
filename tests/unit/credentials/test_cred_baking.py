import struct
import zlib
from pathlib import Path

import pytest

from eigendossier.credentials import Limits, ParseError, parse_credential
from eigendossier.credentials.baking import (
    PNG_SIGNATURE,
    bake_png,
    bake_svg,
    iter_png_chunks,
    unbake_png,
    unbake_svg,
)

# A plain PNG of the project's own (no credential in it).
ASSET = Path(__file__).resolve().parents[3] / "pwa" / "icons" / "favicon-32.png"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>'


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_with(*chunks: bytes) -> bytes:
    image = ASSET.read_bytes()
    iend = image.rindex(b"IEND") - 4
    return image[:iend] + b"".join(chunks) + image[iend:]


def code_of(call) -> str:
    with pytest.raises(ParseError) as caught:
        call()
    return caught.value.code


def test_png_round_trip():
    baked = bake_png(ASSET.read_bytes(), '{"a": 1}', version="3.0")
    found = unbake_png(baked)
    assert (found.text, found.version, found.container) == ('{"a": 1}', "3.0", "png")
    rebaked = unbake_png(bake_png(baked, "https://example.org/a.json", version="2.0"))
    assert (rebaked.text, rebaked.version) == ("https://example.org/a.json", "2.0")


def test_png_without_badge():
    assert code_of(lambda: unbake_png(ASSET.read_bytes())) == "parse.png_no_credential"


def test_compressed_itxt_is_inflated_within_the_cap():
    body = b"openbadgecredential\x00\x01\x00\x00\x00" + zlib.compress(b'{"x": "y"}')
    assert unbake_png(png_with(chunk(b"iTXt", body))).text == '{"x": "y"}'


def test_ztxt_decompression_bomb_is_capped():
    bomb = zlib.compress(b" " * (2 * 1024 * 1024), 9)
    image = png_with(chunk(b"zTXt", b"openbadges\x00\x00" + bomb))
    assert code_of(lambda: unbake_png(image)) == "parse.too_large"


def test_itxt_decompression_bomb_is_capped():
    bomb = zlib.compress(b"{" * (300 * 1024), 9)
    image = png_with(chunk(b"iTXt", b"openbadges\x00\x01\x00\x00\x00" + bomb))
    assert code_of(lambda: unbake_png(image, Limits(max_inflated_bytes=100 * 1024))) == (
        "parse.too_large"
    )


def test_chunk_count_is_capped():
    image = png_with(*[chunk(b"tEXt", b"note\x00x")] * 50)
    with pytest.raises(ParseError) as caught:
        list(iter_png_chunks(image, Limits(max_png_chunks=20)))
    assert caught.value.code == "parse.png_too_many_chunks"


def test_corrupt_badge_chunk_crc():
    bad = chunk(b"iTXt", b"openbadges\x00\x00\x00\x00\x00{}")[:-4] + b"\x00\x00\x00\x00"
    assert code_of(lambda: unbake_png(png_with(bad))) == "parse.png_corrupt"


def test_truncated_png():
    image = bake_png(ASSET.read_bytes(), "{}")
    assert code_of(lambda: unbake_png(image[:60])) == "parse.png_corrupt"


def test_two_badges_in_one_png_are_refused():
    one = chunk(b"iTXt", b"openbadges\x00\x00\x00\x00\x00{}")
    assert code_of(lambda: unbake_png(png_with(one, one))) == "parse.png_multiple_credentials"


def test_png_signature_required_for_baking():
    assert code_of(lambda: bake_png(b"GIF89a", "{}")) == "parse.png_corrupt"
    assert ASSET.read_bytes().startswith(PNG_SIGNATURE)


def test_svg_round_trip_json_and_jws():
    baked = bake_svg(SVG, '{"a": "]]> tricky"}')
    assert unbake_svg(baked).text == '{"a": "]]> tricky"}'
    token = "eyJhbGciOiJFZERTQSJ9.e30.c2ln"
    assert unbake_svg(bake_svg(SVG, token, version="2.0", is_jws=True)).text == token


def test_svg_xxe_is_refused():
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<svg xmlns="http://www.w3.org/2000/svg">&xxe;</svg>'
    )
    assert code_of(lambda: parse_credential(xxe)) == "parse.svg_unsafe"


def test_svg_billion_laughs_is_refused():
    lol = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;">]><svg xmlns="http://www.w3.org/2000/svg">&c;</svg>'
    )
    assert code_of(lambda: parse_credential(lol)) == "parse.svg_unsafe"


def test_svg_without_badge_or_malformed():
    assert code_of(lambda: parse_credential(SVG)) == "parse.svg_no_credential"
    assert code_of(lambda: parse_credential("<svg><g></svg>")) == "parse.svg_invalid"


def test_baked_url_needs_a_fetcher():
    image = bake_png(ASSET.read_bytes(), "https://example.org/beths-robotics-badge.json", "2.0")
    with pytest.raises(ParseError) as caught:
        parse_credential(image)
    assert caught.value.code == "parse.baked_url"
    assert caught.value.params["url"] == "https://example.org/beths-robotics-badge.json"
