"""Messages a learner must see, on a phone (issue 17, item 2): an error or "saved" that appears
above or below the screen is brought into view and gets the focus (and is announced), and
no technical English shows inside Dutch text."""
import json
import re

import pytest
from playwright.sync_api import expect

from tests.credentials_support import signed_di
from tests.e2e.conftest import (
    PHONE_WIDTHS,
    each_phone_width,
    open_tab,
    sign_up_by_api,
    sign_up_by_api_and_open_dossier,
)

pytestmark = pytest.mark.e2e

# The visible part of the screen: above the bottom bar.
IN_VIEW = """(element) => {
  const box = element.getBoundingClientRect();
  const bar = document.querySelector('.tabbar');
  const bottom = bar ? bar.getBoundingClientRect().top : window.innerHeight;
  return box.height > 0 && box.top >= 0 && box.bottom <= bottom;
}"""


def assert_seen(locator):
    expect(locator).to_be_focused()
    assert locator.evaluate(IN_VIEW), "the message is not on the screen"


def add_by_text(page, email, name):
    """A credential added through the API, as the Tekst plakken form would."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrf_token")
    text = json.dumps(signed_di(email, name=name, achievement_id=f"https://roc.example/{name}"))
    response = page.request.post("/api/v1/dossier/credentials", data={"text": text},
                                 headers={"X-CSRF-Token": token})
    assert response.status == 201, response.text()


def test_a_url_that_cannot_be_fetched_is_told_on_screen_in_dutch(new_context):
    page = new_context(viewport={"width": PHONE_WIDTHS[0], "height": 640}).new_page()
    sign_up_by_api_and_open_dossier(page)
    for _width in each_phone_width(page, "/dossier"):
        page.get_by_role("link", name="Credential toevoegen").click()
        url_field = page.get_by_label("Webadres van je badge")
        url_field.fill("https://127.0.0.1:9/badge.json")
        url_field.press("Enter")  # the form's own button is far below the message's place
        error = page.locator("#add-error")
        expect(error).to_contain_text("Het webadres kon niet worden opgehaald")
        assert_seen(error)
        text = error.inner_text()
        assert "Error" not in text, text
        assert "(" not in text, text


def test_choose_at_least_one_credential_is_shown_where_the_learner_looks(new_context):
    page = new_context(viewport={"width": PHONE_WIDTHS[0], "height": 640}).new_page()
    email = sign_up_by_api(page)
    for number in range(5):
        add_by_text(page, email, f"Module {number + 1} veilig werken")
    page.goto("/dossier")
    for _width in each_phone_width(page, "/dossier"):
        page.get_by_role("link", name="Deellink maken").click()
        page.get_by_label("Voor wie is de link?").fill("Gesprek")
        page.get_by_role("button", name="Link maken").click()  # nothing chosen
        error = page.locator("#share-credentials-error")
        expect(error).to_have_text(re.compile("Kies minstens één credential"))
        expect(page.locator("#share-credentials")).to_be_focused()
        assert error.evaluate(IN_VIEW), "the error is not on the screen"


def test_saved_reminder_settings_say_so_on_screen(new_context):
    page = new_context(viewport={"width": PHONE_WIDTHS[0], "height": 640}).new_page()
    sign_up_by_api_and_open_dossier(page)
    for _width in each_phone_width(page, "/dossier"):
        open_tab(page, "Meldingen")
        save = page.get_by_role("button", name="Opslaan")
        save.scroll_into_view_if_needed()
        save.click()
        status = page.locator("#settings-status")
        expect(status).to_have_text("Opgeslagen.")
        assert_seen(status)
