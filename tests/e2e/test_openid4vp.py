"""An employer asks for proof and the learner answers from the phone: the employer's page
(no account) shows a QR code and the link, the learner pastes the link in the wallet at
390 px, sees who asks for what, picks the credential, consents, and the employer's page
shows the verified answer by itself."""
import pytest
from playwright.sync_api import expect

from eigendossier.core import outbound
from tests.credentials_support import baked_png
from tests.e2e.conftest import sign_up_by_api_and_open_dossier
from tests.e2e.test_accessibility import assert_no_violations, no_horizontal_scroll
from tests.e2e.test_dossier import add_file

pytestmark = pytest.mark.e2e
CHANGED = ("PUBLIC_BASE_URL", "OUTBOUND_ALLOW_HTTP", "OUTBOUND_ALLOW_PRIVATE")


@pytest.fixture
def verifier_on_live_server(e2e_app, live_server):
    """The live server's public address is its own, and the wallet may reach it over plain
    HTTP on 127.0.0.1 (as OUTBOUND_ALLOW_* allow in tests); restored afterwards."""
    before = {name: e2e_app.config.get(name) for name in CHANGED}
    e2e_app.config.update(PUBLIC_BASE_URL=live_server, OUTBOUND_ALLOW_HTTP=True,
                          OUTBOUND_ALLOW_PRIVATE=True)
    e2e_app.extensions.pop(outbound._EXTENSION, None)
    yield live_server
    e2e_app.config.update(before)
    e2e_app.extensions.pop(outbound._EXTENSION, None)


def test_an_employer_asks_and_the_learner_answers_from_the_phone(
        new_context, tmp_path, verifier_on_live_server):
    page = new_context(bypass_csp=True).new_page()  # a phone, 390 px; CSP off for axe only
    email = sign_up_by_api_and_open_dossier(page)
    badge = tmp_path / "elektra.png"
    badge.write_bytes(baked_png(email))
    add_file(page, badge)
    expect(page.locator(".credential-detail__head .status")).to_have_text("Geverifieerd")

    employer = new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL",
                           bypass_csp=True).new_page()  # for axe's inline script
    employer.goto("/verify")
    expect(employer.get_by_role("heading", level=1)).to_have_text("Vraag een bewijs op")
    employer.get_by_label("Naam van de prestatie (optioneel)").fill(
        "Veilig werken met elektriciteit")
    employer.get_by_label("Uw organisatie").fill("Bouwbedrijf De Vries")
    employer.get_by_role("button", name="Maak het verzoek").click()
    expect(employer.get_by_role("img", name="QR-code van het verzoek")).to_be_visible()
    expect(employer.locator("#request-state")).to_have_text("Wachten op het antwoord")
    link = employer.get_by_label("Link van het verzoek").input_value()
    assert link.startswith("openid4vp://?client_id=decentralized_identifier")
    assert_no_violations(employer, "the employer's request page")

    page.goto("/dossier")
    page.get_by_role("link", name="Beantwoord een verzoek om bewijs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beantwoord een verzoek om bewijs")
    page.get_by_label("Link van het verzoek").fill(link)
    page.get_by_role("button", name="Open het verzoek").click()
    host = verifier_on_live_server.removeprefix("http://")
    heading = page.get_by_role("heading", name=f"{host} vraagt om bewijs")
    expect(heading).to_be_focused()
    expect(page.get_by_text("Noemt zich “Bouwbedrijf De Vries” (niet gecontroleerd).")
           ).to_be_visible()
    expect(page.get_by_text("met de naam “Veilig werken met elektriciteit”")).to_be_visible()
    no_horizontal_scroll(page)
    assert_no_violations(page, "the wallet's request")
    expect(page.get_by_label("Veilig werken met elektriciteit")).to_be_checked()
    page.get_by_role("button", name="Laat zien").click()  # no consent yet
    expect(page.locator("#vp-consent-error")).to_have_text(
        "Bevestig dat je deze bewijzen wilt laten zien.")
    page.get_by_label(f"Ik ga akkoord met het tonen van de gekozen bewijzen aan {host}.").check()
    page.get_by_role("button", name="Laat zien").click()
    expect(page.locator("#present-status")).to_contain_text("Verstuurd.")

    # The employer's page sees the answer by itself (it asks every two seconds).
    expect(employer.locator("#request-state")).to_have_text("Geverifieerd", timeout=10_000)
    expect(employer.get_by_role("heading", name="Veilig werken met elektriciteit",
                                exact=True)).to_be_visible()
    expect(employer.locator(".check").first).to_contain_text("geslaagd")

    # The learner sees where the credential was shown.
    page.goto("/dossier/present")
    shown = page.get_by_role("region", name="Eerder getoond")
    expect(shown).to_contain_text(f"1 bewijs/bewijzen aan {host} op")
    expect(shown).to_contain_text("Bouwbedrijf De Vries")
