"""The bottom bar on a phone (issue 17, item 3): six labels overlapped in English and touched in
Dutch at 390 px. Now at most five items fit side by side with room between them, the rest under
"Meer", which works by keyboard and for screen readers; axe finds nothing serious."""
import itertools
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE_WIDTHS, each_phone_width, sign_up_by_api_and_open_dossier
from tests.e2e.test_accessibility import assert_no_serious_violations, no_horizontal_scroll

pytestmark = pytest.mark.e2e

WIDTHS = (390, 320)
# Per bar item: the label's box, the item's box and whether the label is cut off.
LABELS = """(nav) => [...nav.querySelectorAll('.tabbar__list > li > .tabbar__link')].map((link) => {
  const label = link.querySelector('span').getBoundingClientRect();
  const item = link.getBoundingClientRect();
  return {text: link.innerText.trim(), left: label.left, right: label.right,
          itemLeft: item.left, itemRight: item.right,
          cut: link.scrollWidth > link.clientWidth};
})"""


def assert_labels_fit(nav):
    labels = nav.evaluate(LABELS)
    assert len(labels) <= 5, labels
    for label in labels:
        assert not label["cut"], f"{label['text']} is cut off"
        assert label["itemLeft"] <= label["left"], label
        assert label["right"] <= label["itemRight"], label
    for before, after in itertools.pairwise(labels):
        assert after["left"] - before["right"] >= 4, f"{before['text']} touches {after['text']}"


def switch_to_english(page):
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    nav.get_by_role("button", name="Meer").click()
    nav.get_by_role("link", name="Profiel").click()
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_bar_fits_in_dutch_and_english(new_context, width):
    page = new_context(viewport={"width": width, "height": 640}).new_page()
    sign_up_by_api_and_open_dossier(page)
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    expect(nav.get_by_role("button", name="Meer")).to_be_visible()
    assert_labels_fit(nav)
    no_horizontal_scroll(page)
    switch_to_english(page)
    nav = page.get_by_role("navigation", name="Main menu")
    expect(nav.get_by_role("button", name="More")).to_be_visible()
    assert_labels_fit(nav)
    no_horizontal_scroll(page)


def test_more_works_by_keyboard_and_says_where_you_are(new_context):
    page = new_context(bypass_csp=True,
                       viewport={"width": PHONE_WIDTHS[0], "height": 640}).new_page()
    sign_up_by_api_and_open_dossier(page)
    for _width in each_phone_width(page, "/dossier"):
        nav = page.get_by_role("navigation", name="Hoofdmenu")
        more = nav.get_by_role("button", name="Meer")
        expect(more).to_have_attribute("aria-expanded", "false")
        expect(nav.get_by_role("link", name="Meldingen")).to_have_count(0)  # hidden while closed

        more.focus()
        page.keyboard.press("Enter")
        expect(more).to_have_attribute("aria-expanded", "true")
        menu = page.locator("#tabbar-more")
        expect(menu.get_by_role("link")).to_have_count(2)
        assert_no_serious_violations(page, "the bar with Meer open")
        page.keyboard.press("Escape")
        expect(more).to_have_attribute("aria-expanded", "false")
        expect(more).to_be_focused()

        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        expect(nav.get_by_role("link", name="Meldingen")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/meldingen$"))
        expect(more).to_have_attribute("aria-expanded", "false")  # closed after choosing
        more.click()
        expect(nav.get_by_role("link", name="Meldingen")).to_have_attribute("aria-current", "page")
        page.get_by_role("heading", level=1).click()  # a click elsewhere closes it
        expect(more).to_have_attribute("aria-expanded", "false")
