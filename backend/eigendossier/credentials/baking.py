"""Baked badges: read (and write) the credential inside a PNG or SVG image.

PNG: an ``iTXt`` chunk with keyword ``openbadges`` (OB 2.0) or ``openbadgecredential``
(OB 3.0); ``tEXt``/``zTXt`` are read too. Compressed text is inflated with a cap.
SVG: an ``openbadges:assertion`` (2.0) or ``openbadges:credential`` (3.0) element whose
``verify`` attribute holds a JWS or whose text holds JSON. SVG is parsed with defusedxml:
entity declarations (billion laughs, XXE) and external references are refused.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError as XmlParseError
from defusedxml.ElementTree import fromstring

from .errors import ParseError
from .limits import DEFAULT_LIMITS, Limits

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORDS = {"openbadges": "2.0", "openbadgecredential": "3.0"}
SVG_NAMESPACES = {"http://openbadges.org": "2.0", "https://purl.imsglobal.org/ob/v3p0": "3.0"}
SVG_ELEMENTS = {"assertion": "2.0", "credential": "3.0"}
_TEXT_CHUNKS = (b"iTXt", b"tEXt", b"zTXt")


@dataclass(frozen=True)
class Baked:
    """What an image carries: the text (JSON, JWS or a URL) and the OB version it declares."""

    text: str
    version: str
    container: str


def is_png(data: bytes) -> bool:
    return data.startswith(PNG_SIGNATURE)


def iter_png_chunks(
    data: bytes, limits: Limits = DEFAULT_LIMITS
) -> Iterator[tuple[bytes, bytes, bytes]]:
    """Yield ``(type, body, type + body)`` for each chunk (the last is what its CRC covers),
    checking bounds and the chunk-count cap."""
    offset, count = len(PNG_SIGNATURE), 0
    while offset < len(data):
        count += 1
        if count > limits.max_png_chunks:
            raise ParseError("parse.png_too_many_chunks", "The PNG has too many chunks.")
        if offset + 12 > len(data):
            raise ParseError("parse.png_corrupt", "The PNG ends inside a chunk header.")
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        end = offset + 12 + length
        if end > len(data):
            raise ParseError("parse.png_corrupt", "A PNG chunk runs past the end of the file.")
        yield kind, data[offset + 8 : offset + 8 + length], data[offset + 4 : end]
        if kind == b"IEND":
            return
        offset = end


def _inflate(data: bytes, limits: Limits) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, limits.max_inflated_bytes)
    except zlib.error as exc:
        raise ParseError("parse.png_corrupt", "Compressed PNG text is corrupt.") from exc
    if inflater.unconsumed_tail:
        raise ParseError(
            "parse.too_large",
            "Compressed PNG text inflates beyond the limit.",
            what="inflated PNG text",
            limit=limits.max_inflated_bytes,
        )
    return out


def _text_chunk(kind: bytes, body: bytes, limits: Limits) -> tuple[str, str] | None:
    """(keyword, text) of a tEXt/zTXt/iTXt chunk, or None for an unreadable one."""
    keyword, sep, rest = body.partition(b"\x00")
    if not sep:
        return None
    name = keyword.decode("latin-1")
    if name not in PNG_KEYWORDS:
        return name, ""
    if kind == b"tEXt":
        return name, rest.decode("latin-1")
    if kind == b"zTXt":
        return name, _inflate(rest[1:], limits).decode("latin-1")
    return name, _itxt_text(rest, limits)


def _itxt_text(rest: bytes, limits: Limits) -> str:
    if len(rest) < 2:
        raise ParseError("parse.png_corrupt", "Truncated iTXt chunk.")
    compressed = rest[0] == 1
    _lang, _, rest = rest[2:].partition(b"\x00")
    _translated, _, text = rest.partition(b"\x00")
    raw = _inflate(text, limits) if compressed else text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError("parse.png_corrupt", "iTXt text is not UTF-8.") from exc


def unbake_png(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Baked:
    """Return the credential text of a baked PNG or raise ``parse.png_no_credential``."""
    found: list[Baked] = []
    for kind, body, crc_input in iter_png_chunks(data, limits):
        if kind == b"IHDR":
            _check_dimensions(body, limits)
        if kind not in _TEXT_CHUNKS:
            continue
        chunk = _text_chunk(kind, body, limits)
        if chunk and chunk[0] in PNG_KEYWORDS:
            _check_crc(data, crc_input)
            found.append(Baked(chunk[1].strip(), PNG_KEYWORDS[chunk[0]], "png"))
    if not found:
        raise ParseError("parse.png_no_credential", "The PNG carries no Open Badge.")
    if len(found) > 1:
        raise ParseError("parse.png_multiple_credentials", "The PNG carries more than one badge.")
    return found[0]


def _check_dimensions(ihdr: bytes, limits: Limits) -> None:
    """Refuse an image that claims more pixels than a badge has: whoever shows it (the share
    page's visitor, the app) would have to inflate it."""
    if len(ihdr) != 13:
        raise ParseError("parse.png_corrupt", "The PNG header chunk has the wrong length.")
    width, height = struct.unpack(">II", ihdr[:8])
    if width * height > limits.max_png_pixels:
        raise ParseError("parse.png_too_large_image",
                         f"The image claims {width} x {height} pixels.",
                         width=width, height=height)


def _check_crc(data: bytes, crc_input: bytes) -> None:
    body, crc = crc_input[:-4], crc_input[-4:]
    if zlib.crc32(body) != struct.unpack(">I", crc)[0]:
        raise ParseError("parse.png_corrupt", "A badge chunk fails its CRC check.")


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bake_png(image: bytes, text: str, version: str = "3.0") -> bytes:
    """Return ``image`` with ``text`` baked in (replacing any earlier badge chunk)."""
    if not is_png(image):
        raise ParseError("parse.png_corrupt", "Not a PNG image.")
    keyword = next(k for k, v in PNG_KEYWORDS.items() if v == version).encode("latin-1")
    out = [PNG_SIGNATURE]
    for kind, body, _ in iter_png_chunks(image):
        if kind in _TEXT_CHUNKS and body.split(b"\x00", 1)[0].decode("latin-1") in PNG_KEYWORDS:
            continue
        if kind == b"IEND":
            out.append(_chunk(b"iTXt", keyword + b"\x00\x00\x00\x00\x00" + text.encode("utf-8")))
        out.append(_chunk(kind, body))
    return b"".join(out)


# -- SVG -------------------------------------------------------------------------------------


def looks_like_svg(text: str) -> bool:
    head = text.lstrip()[:2048]
    return head.startswith("<") and "<svg" in head


def parse_svg(data: bytes | str) -> Element:
    try:
        return fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ParseError(
            "parse.svg_unsafe",
            "The SVG declares entities or external references; refused.",
            detail=type(exc).__name__,
        ) from exc
    except XmlParseError as exc:
        raise ParseError("parse.svg_invalid", f"The SVG is not well-formed XML: {exc}") from exc


def _badge_element(root: Element) -> tuple[Element, str] | None:
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag.startswith("{"):
            continue
        namespace, _, local = tag[1:].partition("}")
        if namespace in SVG_NAMESPACES and local in SVG_ELEMENTS:
            return element, SVG_ELEMENTS[local]
    return None


def unbake_svg(data: bytes | str) -> Baked:
    """Return the credential text of a baked SVG or raise ``parse.svg_no_credential``."""
    found = _badge_element(parse_svg(data))
    if found is None:
        raise ParseError("parse.svg_no_credential", "The SVG carries no Open Badge.")
    element, version = found
    text = element.get("verify") or "".join(element.itertext())
    if not text.strip():
        raise ParseError("parse.svg_no_credential", "The SVG badge element is empty.")
    return Baked(text.strip(), version, "svg")


def bake_svg(svg: str, text: str, version: str = "3.0", is_jws: bool = False) -> str:
    """Insert an ``openbadges`` element right after the opening ``<svg …>`` tag."""
    parse_svg(svg)
    namespace = next(ns for ns, v in SVG_NAMESPACES.items() if v == version)
    local = next(name for name, v in SVG_ELEMENTS.items() if v == version)
    start = svg.index("<svg")
    close = svg.index(">", start)
    if svg[close - 1] == "/":  # <svg …/>: open it so the badge element can go inside
        svg = svg[: close - 1] + "></svg>" + svg[close + 1 :]
        close -= 1
    if is_jws:
        element = f'<openbadges:{local} xmlns:openbadges="{namespace}" verify="{text}"/>'
    else:
        safe = text.replace("]]>", "]]]]><![CDATA[>")
        element = (
            f'<openbadges:{local} xmlns:openbadges="{namespace}"><![CDATA[{safe}]]>'
            f"</openbadges:{local}>"
        )
    return svg[: close + 1] + element + svg[close + 1 :]
