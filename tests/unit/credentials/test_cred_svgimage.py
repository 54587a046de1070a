"""The picture-only copy of a badge SVG keeps what draws and drops what runs or fetches."""
import pytest
from defusedxml.ElementTree import fromstring

from eigendossier.credentials import ParseError
from eigendossier.credentials.svgimage import safe_svg_image

SVG = "http://www.w3.org/2000/svg"
PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"


def test_gradients_fragment_references_and_inline_images_stay():
    copy = safe_svg_image(
        f'<svg xmlns="{SVG}" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 8 8">'
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient>'
        '<circle id="c" r="2"/></defs><rect width="8" height="8" fill="url(#g)"/>'
        f'<use xlink:href="#c"/><image href="{PIXEL}" width="1" height="1"/></svg>')
    root = fromstring(copy)
    assert root.find(f"{{{SVG}}}rect").get("fill") == "url(#g)"
    assert root.find(f"{{{SVG}}}use").get("href") == "#c"
    assert root.find(f"{{{SVG}}}image").get("href") == PIXEL
    assert root.find(f"{{{SVG}}}defs/{{{SVG}}}linearGradient/{{{SVG}}}stop") is not None


@pytest.mark.parametrize("element", [
    '<style>@import url("https://tracker.example/a.css");</style>',
    '<image href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" width="1" height="1"/>',
    '<feImage href="https://tracker.example/x.png"/>',
    '<rect width="1" height="1" style="fill: u\\72l(https://tracker.example/y)"/>',
    '<animate attributeName="href" values="javascript:alert(1)"/>',
    '<rect width="1" height="1" onmouseover="alert(1)"/>',
])
def test_what_runs_or_fetches_goes(element):
    copy = safe_svg_image(f'<svg xmlns="{SVG}">{element}</svg>')
    for word in (b"tracker", b"javascript", b"alert", b"svg+xml", b"import"):
        assert word not in copy


@pytest.mark.parametrize("document", [
    "<html><body>not a picture</body></html>", "<svg>no namespace</svg>", "{}",
])
def test_a_document_that_is_not_an_svg_image_is_refused(document):
    with pytest.raises(ParseError):
        safe_svg_image(document)
