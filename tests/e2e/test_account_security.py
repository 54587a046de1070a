"""Account basics in real Chromium: confirming the address with the mailed link, a forgotten
password, changing it, and the devices list; by keyboard, in Dutch and English, checked with
axe. Mails are read from the local outbox page, as a developer would."""
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, confirm_email, find_mail, mail_link, open_tab
from tests.e2e.test_accessibility import assert_no_serious_violations

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "een heel nieuw wachtwoord"


@pytest.fixture
def page(new_context):
    """A page that fails the test on script errors; its context lets axe's script in."""
    page = new_context(bypass_csp=True).new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert not errors, f"errors in the page: {errors}"


def new_email(who="learner"):
    return f"{who}-{uuid.uuid4().hex[:10]}@example.org"


def sign_up(page, email, name="Sanne de Vries"):
    page.goto("/sign-up")
    page.get_by_label("Naam").fill(name)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Account aanmaken").click()


def sign_in(page, email, password=PASSWORD):
    page.goto("/sign-in")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen", exact=True).click()


def open_profile(page):
    open_tab(page, "Profiel")
    expect(page).to_have_url(re.compile(r"/profile$"))


def test_sign_up_check_your_mail_then_confirm_with_the_link(page):
    email = new_email()
    sign_up(page, email)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Kijk in je mail")
    expect(heading).to_be_focused()
    assert_no_serious_violations(page, "check your mail")
    page.get_by_role("button", name="Verder naar mijn dossier").click()
    open_profile(page)
    expect(page.locator("#email-state")).to_have_text("Nog niet bevestigd")

    page.get_by_role("button", name="Nieuwe link sturen").click()
    expect(page.locator("#profile-status")).to_have_text(
        "Controleer je mail: we hebben een nieuwe link gestuurd.")

    confirm_email(page, email)
    expect(page).to_have_url(re.compile(r"/verify-email$"))  # the token left the address bar
    assert_no_serious_violations(page, "address confirmed")
    page.get_by_role("link", name="Naar je profiel").click()
    expect(page.locator("#email-state")).to_have_text("Bevestigd")

    # the same link again: it worked once
    page.goto(mail_link(page, email, "/verify-email"))
    expect(page.locator("#verify-error")).to_contain_text("Deze link werkt niet (meer)")


def test_forgot_password_by_keyboard_reset_and_other_devices_are_signed_out(page, new_context,
                                                                            api):
    email, _ = api.sign_up()
    laptop = new_context().new_page()
    sign_in(laptop, email)
    expect(laptop.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()

    page.goto("/sign-in")
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    expect(page).to_have_url(re.compile(r"/forgot-password$"))
    assert_no_serious_violations(page, "forgot password")
    page.get_by_label("E-mailadres").focus()
    page.keyboard.type(email)
    page.keyboard.press("Enter")
    expect(page.locator("#forgot-status")).to_contain_text(
        "Als dit adres een account heeft, hebben we er een link naartoe gestuurd")

    page.goto(mail_link(page, email, "/reset-password"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kies een nieuw wachtwoord")
    expect(page).to_have_url(re.compile(r"/reset-password$"))
    assert_no_serious_violations(page, "reset password")
    page.get_by_label("Nieuw wachtwoord", exact=True).fill("kort")
    page.get_by_role("button", name="Nieuw wachtwoord opslaan").click()
    expect(page.locator("#password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#password")).to_be_focused()
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()

    laptop.reload()
    expect(laptop).to_have_url(re.compile(r"/sign-in$"))
    sign_in(laptop, email)
    expect(laptop.get_by_role("alert")).to_contain_text("E-mailadres of wachtwoord klopt niet")
    sign_in(laptop, email, NEW_PASSWORD)
    expect(laptop.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()


def test_an_unknown_address_gets_the_same_answer(page):
    page.goto("/forgot-password")
    page.get_by_label("E-mailadres").fill(new_email("nobody"))
    page.get_by_role("button", name="Link sturen").click()
    expect(page.locator("#forgot-status")).to_contain_text(
        "Als dit adres een account heeft, hebben we er een link naartoe gestuurd")


def test_change_password_and_the_devices_list(page, new_context, api):
    email, _ = api.sign_up()
    sign_in(page, email)
    phone = new_context(user_agent=(
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Mobile Safari/537.36")).new_page()
    sign_in(phone, email)
    expect(phone.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()

    open_profile(page)
    page.get_by_role("link", name="Waar je bent ingelogd").click()
    expect(page).to_have_url(re.compile(r"/profile/devices$"))
    devices = page.locator(".device")
    expect(devices).to_have_count(2)
    expect(page.get_by_text("Dit apparaat")).to_have_count(1)
    expect(devices.filter(has_text="Chrome op Android")).to_have_count(1)
    assert_no_serious_violations(page, "devices")
    page.get_by_role("button", name="Chrome op Android uitloggen").click()
    expect(page.locator("#devices-status")).to_have_text("Chrome op Android is uitgelogd.")
    expect(devices).to_have_count(1)
    phone.reload()
    expect(phone).to_have_url(re.compile(r"/sign-in$"))

    open_tab(page, "Profiel")
    page.get_by_role("link", name="Wachtwoord wijzigen").click()
    expect(page).to_have_url(re.compile(r"/profile/password$"))
    assert_no_serious_violations(page, "change password")
    page.get_by_label("Huidig wachtwoord").fill("niet mijn wachtwoord")
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Wachtwoord wijzigen").click()
    expect(page.locator("#current_password-error")).to_contain_text(
        "Dit is niet je huidige wachtwoord.")
    expect(page.locator("#current_password")).to_be_focused()
    page.get_by_label("Huidig wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Wachtwoord wijzigen").click()
    expect(page.locator("#password-status")).to_have_text(
        "Je wachtwoord is gewijzigd. Je andere apparaten zijn uitgelogd.")
    find_mail(page, email, "Je wachtwoord is gewijzigd")

    sign_in(phone, email, NEW_PASSWORD)
    expect(phone.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()
    page.goto("/profile/devices")
    expect(page.locator(".device")).to_have_count(2)
    page.get_by_role("button", name="Overal uitloggen").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    phone.reload()
    expect(phone).to_have_url(re.compile(r"/sign-in$"))


def test_forgot_password_in_english(page):
    page.goto("/sign-in")
    page.get_by_role("button", name=re.compile("English")).click()
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forgot your password")
    page.get_by_label("Email address").fill(new_email("en"))
    page.get_by_role("button", name="Send link").click()
    expect(page.locator("#forgot-status")).to_contain_text(
        "If this address has an account, we sent it a link")
