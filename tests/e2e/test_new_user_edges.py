"""What a new learner hit on a phone (issue 17, items 4, 5, 7 and 9), at 390 and 320 px: the
report of a badge whose issuer cannot be reached, the route planner's persona and pace, the
voucher's module list, and the smaller edges."""
import re

import pytest
from playwright.sync_api import expect

from tests.credentials_support import hosted_ob2_png
from tests.e2e.test_dossier import add_file, sign_up
from tests.e2e.test_routes import CARPENTRY, plan_route
from tests.e2e.test_routes import sign_up as sign_up_on_route

pytestmark = pytest.mark.e2e

WIDTHS = (390, 320)


def phone(new_context, width):
    return new_context(viewport={"width": width, "height": 640}).new_page()


def fits(page):
    """Nothing sticks out sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


@pytest.mark.parametrize("width", WIDTHS)
def test_a_badge_whose_issuer_cannot_be_reached_is_reported_without_contradictions(
        new_context, tmp_path, width):
    page = phone(new_context, width)
    email = sign_up(page)
    badge = tmp_path / "edubadge.png"
    badge.write_bytes(hosted_ob2_png(email))
    add_file(page, badge)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Badge van 127.0.0.1:9 (naam niet opgehaald)")
    issuer = page.locator(".fields__row", has_text="Uitgever (onderwijsinstelling)")
    expect(issuer).to_contain_text("Onbekend: de gegevens van de uitgever konden niet worden "
                                   "opgehaald")
    checks = page.locator(".check")
    expect(checks.filter(has_text="Handtekening")).to_have_count(1)
    expect(checks.filter(has_text="Handtekening")).to_contain_text(
        "De kopie van de badge bij de uitgever kon niet worden opgehaald.")
    withdrawal = checks.filter(has_text="Intrekking")
    expect(withdrawal).to_contain_text("Intrekking: niet gecontroleerd")
    expect(withdrawal).to_contain_text("dus we weten niet of hij is ingetrokken")
    expect(page.get_by_text("Credential zonder naam")).to_have_count(0)
    fits(page)
    page.get_by_role("link", name="← Terug naar je dossier").click()
    card = page.locator(".credential-card")
    expect(card).to_contain_text("Badge van 127.0.0.1:9")
    expect(card).to_contain_text("Onbekend")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_planner_opens_on_the_learners_persona_with_a_pace_the_groups_meet(
        new_context, catalog, width):
    page = phone(new_context, width)
    sign_up_on_route(page)
    page.get_by_label("Opleiding").select_option(label=CARPENTRY)
    page.get_by_role("radio", name="Omscholing").check()
    page.get_by_label("Startdatum").fill("2099-01-01")
    plan_route(page)
    expect(page.locator("#route-status")).to_contain_text("Route gevonden")

    # Opened again (nothing kept in the page): the persona is the one planned with.
    page.reload()
    expect(page.get_by_role("radio", name="Omscholing")).to_be_checked()

    page.get_by_role("radio", name="Bijscholing").check()
    # TIM-02's only group asks 24.5 hours a week: the default pace is one that fits.
    expect(page.get_by_label("Hoogstens zoveel uur per week")).to_have_value("25")
    page.get_by_label("Startdatum").fill("2099-01-01")
    plan_route(page)
    expect(page.locator("#route-status")).to_contain_text("Route gevonden")
    timeline = page.get_by_role("list", name="Tijdlijn van je route")
    expect(timeline.get_by_role("heading", level=3)).to_have_count(2)
    expect(timeline).not_to_contain_text("Drukker dan je liever wilt")
    fits(page)
