"""A badge SVG made safe to open on its own: a copy that draws the same picture and can do
nothing else.

An SVG opened from disk (the unpacked data export) runs its scripts with the file's origin.
The copy is rebuilt from an allow-list: only drawing elements of the SVG namespace, only
their presentation attributes; no script, no event handlers, no foreignObject, no animation
(``<set>`` can write a ``javascript:`` link), no links, nothing fetched from elsewhere (only
``#fragment`` references and inline raster ``data:`` images), no embedded credential. The
original stays untouched beside it: its bytes are the credential."""
import re
from xml.etree.ElementTree import Element, SubElement, tostring

from .baking import parse_svg
from .errors import ParseError

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"

DRAWING = frozenset({
    "svg", "g", "defs", "symbol", "use", "title", "desc", "path", "rect", "circle", "ellipse",
    "line", "polyline", "polygon", "text", "tspan", "textPath", "image", "linearGradient",
    "radialGradient", "stop", "pattern", "clipPath", "mask", "marker", "filter",
    "feGaussianBlur", "feOffset", "feBlend", "feColorMatrix", "feComposite", "feFlood",
    "feMerge", "feMergeNode", "feMorphology", "feDropShadow",
})
# A link around a drawing: the drawing stays, the link goes.
UNWRAPPED = frozenset({"a", "switch"})
REFERENCES = frozenset({"href", f"{{{XLINK}}}href"})
INLINE_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*\Z")
# url(...) in a presentation attribute or style: only a reference inside this document.
URL = re.compile(r"url\s*\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
STYLE_ESCAPES = re.compile(r"\\|@import|expression\s*\(|javascript:", re.IGNORECASE)


def safe_svg_image(data: bytes | str) -> bytes:
    """The drawing of an SVG without anything that runs or fetches; ParseError when the
    data is not an SVG document."""
    root = parse_svg(data)
    if root.tag != f"{{{SVG}}}svg":
        raise ParseError("parse.svg_invalid", "The document is not an SVG image.")
    copy = Element("svg", {"xmlns": SVG, **_safe_attributes(root)})
    copy.text = root.text
    _copy_children(root, copy)
    written: bytes = tostring(copy, encoding="utf-8", xml_declaration=True)
    return written


def _copy_children(source: Element, target: Element) -> None:
    for child in source:
        local = _svg_local(child.tag)
        if local in DRAWING and local != "svg":
            kept = SubElement(target, local, _safe_attributes(child, local))
            kept.text, kept.tail = child.text, child.tail
            _copy_children(child, kept)
        elif local in UNWRAPPED:
            _copy_children(child, target)


def _svg_local(tag: object) -> str | None:
    if isinstance(tag, str) and tag.startswith(f"{{{SVG}}}"):
        return tag[len(SVG) + 2:]
    return None


def _safe_attributes(element: Element, local: str = "svg") -> dict[str, str]:
    kept = {}
    for name, value in element.attrib.items():
        if name in REFERENCES:
            if value.startswith("#") or (local == "image" and INLINE_IMAGE.match(value)):
                kept["href"] = value
            continue
        if name == f"{{{XML}}}space":
            kept["xml:space"] = value
            continue
        if name.startswith("{") or name.lower().startswith("on") or name == "xmlns":
            continue
        if URL.search(value) or (name == "style" and STYLE_ESCAPES.search(value)):
            continue
        kept[name] = value
    return kept
