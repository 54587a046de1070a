"""Smaller rough edges a new learner hit (issue 17, item 9), at 390 and 320 px: "modules.Bekijk"
without a space, withdrawing a share link without being asked, download links 19 px tall,
and a 404 in the console for every badge detail not issued here."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_routes import choose_carpentry_as_upskilling, plan_route
from tests.e2e.test_routes import sign_up as sign_up_on_route

pytestmark = pytest.mark.e2e

WIDTHS = (390, 320)


def phone(new_context, width):
    return new_context(viewport={"width": width, "height": 640}).new_page()


@pytest.mark.parametrize("width", WIDTHS)
def test_enrolled_says_modules_then_a_space_then_the_link(new_context, catalog, width):
    page = phone(new_context, width)
    sign_up_on_route(page)
    choose_carpentry_as_upskilling(page)
    plan_route(page)
    page.get_by_role("button", name="Route opslaan").click()
    page.get_by_role("button", name="Inschrijven voor alle modules", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="Ja, schrijf me in").click()
    status = page.locator("#result-status")
    expect(status).to_contain_text("Je bent ingeschreven voor 2 modules. Bekijk je rooster")
