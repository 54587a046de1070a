"""Accessibility: axe-core finds no serious or critical violations, 320 px wide works, and
the README screenshots are taken from the real app."""
import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import AXE_JS, DOCS_DIR, PASSWORD, open_tab

pytestmark = pytest.mark.e2e

AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {
      type: 'tag',
      values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
    },
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')),
  }));
}"""


def settle_colours(page):
    """Stop the buttons' 120 ms colour transitions (they run only without reduced motion):
    axe measuring a button the test just clicked, mid-way from one colour to the other, saw
    a contrast the learner never sees for more than a blink."""
    page.emulate_media(reduced_motion="reduce")


def run_axe(page):
    """axe-core's violations on the page as it is now. axe (650 kB) is injected once per
    loaded document: the app's views change in place, and parsing it again for every view
    cost more CPU than the check itself."""
    settle_colours(page)
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(AXE_RUN)


def assert_no_violations(page, view):
    """axe-core with no violation of any impact (the screens added since stop 20 hold to it)."""
    violations = run_axe(page)
    assert not violations, f"axe on {view}: {violations}"


def assert_no_serious_violations(page, view):
    violations = run_axe(page)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe on {view}: {serious}"


def sign_up(page, name="Lotte Visser", email=None):
    page.goto("/sign-up")
    page.get_by_label("Naam").fill(name)
    email = email or f"{name.split()[0].lower()}-{os.urandom(4).hex()}@example.org"
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Account aanmaken").click()
    page.get_by_role("button", name="Verder naar mijn dossier").click()
    # signed up: the app opens its first tab (a feature's); Profile is always the last one
    open_tab(page, "Profiel")
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def test_axe_sign_in_sign_up_profile(new_context):
    # axe is injected as a script: the app's strict CSP would refuse it, so bypass CSP here only
    page = new_context(bypass_csp=True).new_page()
    page.goto("/sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    assert_no_serious_violations(page, "sign-in")

    page.get_by_role("button", name="Inloggen", exact=True).click()  # empty: errors shown
    expect(page.get_by_role("alert")).not_to_be_empty()
    assert_no_serious_violations(page, "sign-in with errors")

    page.goto("/sign-up")
    expect(page.get_by_role("heading", level=1)).to_have_text("Account aanmaken")
    assert_no_serious_violations(page, "sign-up")
    page.get_by_role("button", name="Account aanmaken").click()
    expect(page.get_by_role("alert")).not_to_be_empty()
    assert_no_serious_violations(page, "sign-up with errors")

    sign_up(page)
    assert_no_serious_violations(page, "profile")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#profile-status")).not_to_be_empty()
    assert_no_serious_violations(page, "profile saved")


def no_horizontal_scroll(page):
    content, viewport = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert content <= viewport, f"{page.url}: content {content} px wide in {viewport} px"


def test_320_px_wide_has_no_horizontal_scroll(new_context):
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    page.goto("/sign-in")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    no_horizontal_scroll(page)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page.get_by_role("alert")).not_to_be_empty()
    no_horizontal_scroll(page)
    page.goto("/sign-up")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    no_horizontal_scroll(page)
    sign_up(page, name="Bartholomeus Wilhelmina van Oldenbarnevelt-Schimmelpenninck")
    no_horizontal_scroll(page)
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    no_horizontal_scroll(page)


def save_screenshot(page, name, tmp_path):
    """Into docs/ when missing, or always with EIGENDOSSIER_UPDATE_SCREENSHOTS=1."""
    shot = tmp_path / name
    page.screenshot(path=str(shot))
    target = DOCS_DIR / name
    if not target.exists() or os.environ.get("EIGENDOSSIER_UPDATE_SCREENSHOTS") == "1":
        DOCS_DIR.mkdir(exist_ok=True)
        shutil.copyfile(shot, target)
    assert Path(shot).stat().st_size > 1000


def test_readme_screenshots(new_context, tmp_path):
    page = new_context(device_scale_factor=2).new_page()
    page.goto("/sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    page.evaluate("document.fonts.ready")
    save_screenshot(page, "screenshot-signin.png", tmp_path)

    sign_up(page, name="Anna de Vries", email="anna@voorbeeld.nl")
    expect(page).to_have_url(re.compile(r"/profile$"))
    page.evaluate("document.activeElement.blur()")
    save_screenshot(page, "screenshot-profile.png", tmp_path)
