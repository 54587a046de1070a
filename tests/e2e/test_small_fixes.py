"""Smaller rough edges a new learner hit (issue 17, item 9), at 390 and 320 px: "modules.Bekijk"
without a space, withdrawing a share link without being asked, download links 19 px tall,
and a 404 in the console for every badge detail not issued here."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE_WIDTHS, each_phone_width, sign_up_by_api
from tests.e2e.test_messages_in_view import add_by_text
from tests.e2e.test_routes import (
    choose_carpentry_as_upskilling,
    plan_route,
    sign_up_by_api_and_open_route,
)
from tests.e2e.test_sharing import make_share
from tests.e2e.test_vouchers import staff  # noqa: F401 (a fixture)

pytestmark = pytest.mark.e2e

WIDTHS = (390, 320)


def phone(new_context, width):
    return new_context(viewport={"width": width, "height": 640}).new_page()


@pytest.mark.parametrize("width", WIDTHS)
def test_enrolled_says_modules_then_a_space_then_the_link(new_context, catalog, width):
    page = phone(new_context, width)
    sign_up_by_api_and_open_route(page)
    choose_carpentry_as_upskilling(page)
    plan_route(page)
    page.get_by_role("button", name="Route opslaan").click()
    page.get_by_role("button", name="Inschrijven voor alle modules", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="Ja, schrijf me in").click()
    status = page.locator("#result-status")
    expect(status).to_contain_text("Je bent ingeschreven voor 2 modules. Bekijk je rooster")


@pytest.mark.parametrize("width", WIDTHS)
def test_withdrawing_a_share_link_asks_first(new_context, width):
    page = phone(new_context, width)
    email = sign_up_by_api(page)
    add_by_text(page, email, "Veilig werken met elektriciteit")
    make_share(page, "Gesprek Bouwbedrijf")
    page.goto("/dossier")
    item = page.locator(".share-item")
    item.get_by_role("button", name="Intrekken").click()
    dialog = page.get_by_role("dialog", name="Link Gesprek Bouwbedrijf intrekken?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Nee, laten werken").click()
    expect(dialog).to_have_count(0)
    expect(item.locator(".status")).not_to_have_text("Link ingetrokken")

    item.get_by_role("link", name="Gesprek Bouwbedrijf").click()
    page.get_by_role("button", name="Intrekken").click()
    page.get_by_role("dialog").get_by_role("button", name="Ja, intrekken").click()
    expect(page.locator("#share-detail-status")).to_have_text(re.compile("is ingetrokken"))


def test_a_badge_from_elsewhere_asks_nothing_that_is_not_there(new_context):
    page = phone(new_context, PHONE_WIDTHS[0])
    email = sign_up_by_api(page)
    add_by_text(page, email, "Veilig werken met elektriciteit")
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    for _width in each_phone_width(page, None):
        failed.clear()
        page.goto("/dossier")
        page.get_by_role("link", name=re.compile("Veilig werken met elektriciteit")).first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Veilig werken met elektriciteit")
        page.wait_for_load_state("networkidle")
        assert failed == []
        expect(page.locator(".downloads")).to_have_count(0)


def test_downloads_of_a_credential_issued_here_are_touch_targets(new_context, catalog,
                                                                 staff):  # noqa: F811
    result = catalog.test_cli_runner().invoke(args=["issuing", "create-key", "tcr"])
    assert result.exit_code == 0, result.output
    page = phone(new_context, PHONE_WIDTHS[0])
    email = sign_up_by_api(page)
    block = next(b for b in staff.get("/api/v1/issuing/tcr/achievements").get_json()
                 if b["code"] == "TIM-01")
    response = staff.post("/api/v1/issuing/tcr/awards", json={
        "block_id": block["block_id"] if "block_id" in block else block["id"], "email": email})
    assert response.status_code == 201, response.get_data(as_text=True)
    for width in each_phone_width(page, None):
        page.goto("/dossier")
        page.get_by_role("link", name=re.compile("Veilig werken")).first.click()
        links = page.locator(".downloads a")
        expect(links).to_have_count(4)
        for index in range(4):
            box = links.nth(index).bounding_box()
            assert box["height"] >= 44, box
            assert box["x"] + box["width"] <= width, box
