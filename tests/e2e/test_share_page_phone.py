"""The employer's page on a phone (issue 17, item 1): a credential from an issuer with a long
name and a long web address fits the screen at 390 and 320 px; nothing is cut off."""
import pytest
from playwright.sync_api import expect

from tests.credentials_support import baked_png
from tests.e2e.conftest import sign_up_by_api_and_open_dossier
from tests.e2e.test_accessibility import no_horizontal_scroll
from tests.e2e.test_dossier import add_file
from tests.e2e.test_sharing import make_share

pytestmark = pytest.mark.e2e

ISSUER = "Regionaal Opleidingscentrum Amsterdam-Flevoland, Techniek en Technologie"
ISSUER_URL = ("https://www.rocvanamsterdam-flevoland.nl/opleidingen/techniek/"
              "microcredentials/veilig-werken-met-elektriciteit")


def test_a_long_issuer_name_and_address_fit_a_phone(page, new_context, tmp_path):
    email = sign_up_by_api_and_open_dossier(page)
    badge = tmp_path / "badge.png"
    badge.write_bytes(baked_png(email, issuer_name=ISSUER, issuer_url=ISSUER_URL))
    add_file(page, badge)
    expect(page.locator(".credential-detail__head .status")).to_have_text("Geverifieerd")
    url = make_share(page, "Sollicitatie")

    for width in (390, 320):
        employer = new_context(viewport={"width": width, "height": 800}).new_page()
        employer.goto(url)
        issuer = employer.locator("article.credential .issuer")
        expect(issuer).to_contain_text(ISSUER)
        link = issuer.get_by_role("link", name=ISSUER_URL)
        expect(link).to_be_visible()
        no_horizontal_scroll(employer)
        for part in (issuer, link, employer.locator("article.credential h2")):
            box = part.bounding_box()
            assert box["x"] >= 0, (width, part, box)
            assert box["x"] + box["width"] <= width, (width, part, box)
