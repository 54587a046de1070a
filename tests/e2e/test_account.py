"""A learner signs up, sees their profile, switches language, signs out and in again."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, find_mail, open_tab

pytestmark = pytest.mark.e2e


def test_sign_up_profile_language_sign_out_sign_in(page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    # eduID is not configured on this server: no provider buttons
    expect(page.get_by_role("link", name=re.compile("Inloggen met"))).to_have_count(0)

    page.get_by_role("link", name="Account aanmaken").click()
    expect(page).to_have_url(re.compile(r"/sign-up$"))
    expect(page).to_have_title("Account aanmaken – Eigen Dossier")
    email = "anna.devries@example.org"
    page.get_by_label("Naam").fill("Anna de Vries")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Account aanmaken").click()
    page.get_by_role("button", name="Verder naar mijn dossier").click()

    # signed up: the first tab opens; Profile is always the last tab
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    expect(nav.get_by_role("link").first).to_have_attribute("aria-current", "page")
    nav.get_by_role("button", name="Meer").click()
    expect(page.locator("#tabbar-more").get_by_role("link").last).to_have_text("Profiel")
    open_tab(page, "Profiel")
    expect(page).to_have_url(re.compile(r"/profile$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hallo, Anna de Vries")
    expect(page.get_by_text(email)).to_be_visible()
    expect(page.get_by_label("Tijdzone")).to_have_value("Europe/Amsterdam")
    nav.get_by_role("button", name="Meer").click()
    expect(nav.get_by_role("link", name="Profiel")).to_have_attribute("aria-current", "page")
    nav.get_by_role("button", name="Meer").click()

    page.get_by_label("Taal").select_option("en")
    page.get_by_label("Tijdzone").select_option("Europe/London")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#profile-status")).to_contain_text("Your changes have been saved.")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Anna de Vries")
    nav = page.get_by_role("navigation", name="Main menu")
    expect(nav.get_by_role("button", name="More")).to_be_visible()
    expect(page.get_by_label("Time zone")).to_have_value("Europe/London")

    # the profile came from the server: a reload shows the same
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Anna de Vries")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/London")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_role("status")).to_contain_text("You have signed out.")
    expect(page.locator("html")).to_have_attribute("lang", "en")  # remembered on this device
    expect(page.get_by_role("navigation", name="Main menu")).to_have_count(0)

    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/sign-in$"))
    open_tab(page, "Profile", menu="Main menu", more="More")
    expect(page).to_have_url(re.compile(r"/profile$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Anna de Vries")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    page.goto("/profile")  # signed out: back to sign in
    expect(page).to_have_url(re.compile(r"/sign-in$"))


def test_language_toggle_on_sign_in_persists(page):
    page.goto("/sign-in")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    page.get_by_role("button", name="Switch to English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page).to_have_title("Sign in – Eigen Dossier")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_role("button", name="Overschakelen naar Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")


def test_wrong_password_is_announced(page, api):
    email, _ = api.sign_up()
    expected = api.request.post(
        "/api/v1/session",
        data={"email": email, "password": "not the password"},
        headers={"X-CSRF-Token": api.csrf(), "Accept-Language": "nl"},
    )
    assert expected.status == 401
    assert expected.headers["content-type"].startswith("application/problem+json")
    problem = expected.json()

    page.goto("/sign-in")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill("not the password")
    page.get_by_role("button", name="Inloggen", exact=True).click()
    alert = page.get_by_role("alert")
    expect(alert).to_have_text(f"{problem['title']} {problem['detail']}")
    expect(page).to_have_url(re.compile(r"/sign-in$"))


def test_field_errors_are_linked_to_their_fields(page):
    page.goto("/sign-up")
    page.get_by_label("E-mailadres").fill("not-an-email")
    page.get_by_label("Wachtwoord").fill("short")
    page.get_by_role("button", name="Account aanmaken").click()
    expect(page.get_by_role("alert")).to_have_text("Controleer de gemarkeerde velden.")
    for field in ("display_name", "email", "password"):
        control = page.locator(f"#{field}")
        expect(control).to_have_attribute("aria-invalid", "true")
        expect(control).to_have_attribute("aria-describedby", re.compile(f"{field}-error"))
        expect(page.locator(f"#{field}-error")).not_to_be_empty()
    expect(page.locator("#display_name")).to_be_focused()


def test_an_existing_address_gets_check_your_mail_and_its_owner_a_mail(page, api):
    email, _ = api.sign_up()
    page.goto("/sign-up")
    page.get_by_label("Naam").fill("Tweede Account")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill("another passphrase")
    page.get_by_role("button", name="Account aanmaken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in je mail")
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    expect(page.get_by_role("status").first).to_have_text(
        f"We hebben een bericht gestuurd naar {email}.")
    expect(page.get_by_role("button", name="Verder naar mijn dossier")).to_have_count(0)
    notice = find_mail(page, email, "Iemand probeerde een account te maken met je adres")
    expect(notice).to_contain_text("door hier een nieuw wachtwoord te kiezen")


def test_keyboard_only_sign_in(page, api):
    email, password = api.sign_up(display_name="Sem Jansen")
    page.goto("/sign-in")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Naar de inhoud")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    for _ in range(10):
        if page.evaluate("document.activeElement.id") == "email":
            break
        page.keyboard.press("Tab")
    expect(page.locator("#email")).to_be_focused()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type(password)
    page.keyboard.press("Enter")

    expect(page).not_to_have_url(re.compile(r"/sign-in$"))  # the first tab
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_focused()  # focus moves to the new page's heading
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    nav.get_by_role("button", name="Meer").press("Enter")
    nav.get_by_role("link", name="Profiel").press("Enter")
    expect(page).to_have_url(re.compile(r"/profile$"))
    expect(heading).to_have_text("Hallo, Sem Jansen")
    expect(heading).to_be_focused()

    # the focus ring is visible on a keyboard-focused control
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")


def test_rate_limited_sign_in_says_when_to_retry(page):
    problem = (
        '{"type": "about:blank", "title": "Te veel pogingen", "status": 429,'
        ' "detail": "Wacht even voordat je het opnieuw probeert."}'
    )
    page.route(
        "**/api/v1/session",
        lambda route: route.fulfill(
            status=429,
            headers={"Content-Type": "application/problem+json", "Retry-After": "30"},
            body=problem,
        ),
    )
    page.goto("/sign-in")
    page.get_by_label("E-mailadres").fill("iemand@example.org")
    page.get_by_label("Wachtwoord").fill("whatever-it-is")
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(
        "Te veel pogingen"
        " Wacht even voordat je het opnieuw probeert. Probeer het over 30 seconden opnieuw."
    )


def test_meta_drives_provider_buttons_and_tabs(page):
    meta = (
        '{"features": ["dossier", "not-yet-built"], "version": "0.1.0", "oidc_providers":'
        ' [{"name": "eduid", "label": "eduID", "login_url": "/auth/oidc/eduid/login"}]}'
    )
    page.route(
        "**/api/v1/meta",
        lambda route: route.fulfill(status=200, content_type="application/json", body=meta),
    )
    page.goto("/sign-in")
    provider = page.get_by_role("link", name="Inloggen met eduID")
    expect(provider).to_have_attribute("href", "/auth/oidc/eduid/login")

    page.get_by_role("link", name="Account aanmaken").click()
    page.get_by_label("Naam").fill("Daan Smit")
    page.get_by_label("E-mailadres").fill("daan.smit@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Account aanmaken").click()
    page.get_by_role("button", name="Verder naar mijn dossier").click()
    # the server offers only the dossier here: it is the first tab and opens first; the
    # features the PWA has no view for get no tab (no empty placeholder screens)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossier")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    expect(nav.get_by_role("link")).to_have_text(["Dossier", "Profiel"])
