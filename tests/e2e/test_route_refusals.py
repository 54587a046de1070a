"""Mijn leerweg on a phone (issue 17, item 6): "no route fits" is a neutral message with a way
forward, not a green success; a start date in the past is refused at the field."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE_WIDTHS, each_phone_width
from tests.e2e.test_messages_in_view import IN_VIEW
from tests.e2e.test_routes import (
    choose_carpentry_as_upskilling,
    plan_route,
    sign_up_by_api_and_open_route,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _catalogue(catalog):
    """The test catalogue (runs in 2099) on the live server."""


def background(locator) -> str:
    return locator.evaluate("(element) => getComputedStyle(element).backgroundColor")


def test_no_route_is_a_neutral_message_with_a_way_forward(new_context):
    page = new_context(viewport={"width": PHONE_WIDTHS[0], "height": 640}).new_page()
    sign_up_by_api_and_open_route(page, name="Mila Daglicht")
    for _width in each_phone_width(page, "/route"):
        choose_carpentry_as_upskilling(page)
        times = page.get_by_role("group", name="Lestijden", exact=True)
        times.get_by_label("’s Avonds").uncheck()
        times.get_by_label("Weekend").uncheck()
        times.get_by_label("Overdag").check()
        plan_route(page)

        message = page.locator("#route-none")
        expect(message).to_contain_text("Er is geen route die past bij je keuzes.")
        expect(message).to_have_attribute("role", "status")
        expect(message).not_to_have_class(re.compile("notice--status"))
        assert background(message) != "rgb(236, 253, 243)", "shown in the green of success"
        assert page.locator("#route-status").inner_text() == ""  # no "done" message beside it
        message.get_by_role("button", name="Naar wat zou helpen").click()
        help_list = page.locator("#relaxations")
        expect(help_list).to_be_focused()
        assert help_list.evaluate(IN_VIEW), "what would help is not on the screen"
        expect(help_list.get_by_role("button", name=re.compile("^Pas toe"))).not_to_have_count(0)


def test_a_start_date_in_the_past_is_refused_at_the_field(new_context):
    page = new_context(viewport={"width": PHONE_WIDTHS[0], "height": 640}).new_page()
    sign_up_by_api_and_open_route(page, name="Kees Gisteren")
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/routes/plan" in r.url else None)
    for _width in each_phone_width(page, "/route"):
        choose_carpentry_as_upskilling(page, start="2020-01-01")
        requests.clear()
        plan_route(page)
        field = page.get_by_label("Startdatum")
        expect(field).to_be_focused()
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_text("Kies vandaag of een latere datum")).to_be_visible()
        expect(page.get_by_role("region", name="Geen route die past")).to_have_count(0)
        assert requests == [], "a past start date was sent to the planner"
