"""The Dossier tab: import a credential with the file picker, see it verified, read its
details, and read both again offline; self-declared experience is labelled as such."""
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.credentials_support import baked_png, unlinked_png
from tests.e2e.conftest import PASSWORD, WAIT_FOR_CONTROL, sign_up_by_api_and_open_dossier
from tests.e2e.test_accessibility import assert_no_serious_violations, no_horizontal_scroll

pytestmark = pytest.mark.e2e


def sign_up(page, name="Fatima El Amrani"):
    """Sign up through the form. Tests of what comes after use
    sign_up_by_api_and_open_dossier (one app load and the form's CPU less)."""
    email = f"fatima-{uuid.uuid4().hex[:8]}@example.org"
    page.goto("/sign-up")
    page.get_by_label("Naam").fill(name)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Account aanmaken").click()
    page.get_by_role("button", name="Verder naar mijn dossier").click()
    expect(page).to_have_url(re.compile(r"/dossier$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossier")
    return email


def add_file(page, path):
    page.get_by_role("link", name="Credential toevoegen").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Credential toevoegen")
    expect(heading).to_be_focused()  # also when its module was loaded on this first click
    page.get_by_label("Bestand", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Bestand toevoegen").click()


@pytest.mark.usefixtures("with_service_worker")
def test_import_by_file_picker_verified_details_and_offline(page, context, tmp_path):
    page.goto("/")
    page.evaluate(WAIT_FOR_CONTROL)  # from here the app and what it reads are kept offline
    email = sign_up_by_api_and_open_dossier(page)
    expect(page.get_by_text("Je hebt nog geen credentials.")).to_be_visible()
    badge = tmp_path / "elektra-veilig.png"
    badge.write_bytes(baked_png(email))

    add_file(page, badge)
    expect(page).to_have_url(re.compile(r"/dossier/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Veilig werken met elektriciteit")
    expect(page.locator("#detail-status")).to_have_text("Toegevoegd aan je dossier.")
    expect(page.locator(".credential-detail__head .status")).to_have_text("Geverifieerd")

    page.get_by_role("link", name="← Terug naar je dossier").click()
    card = page.locator(".credential-card")
    expect(card).to_have_count(1)
    expect(card.locator(".status")).to_have_text("Geverifieerd")
    expect(card).to_contain_text("ROC Voorbeeld")
    expect(card).to_contain_text("Uitgegeven op 1 september 2024")
    expect(card.locator("img")).to_have_js_property("naturalWidth", 32)  # the badge image

    card.get_by_role("link", name="Veilig werken met elektriciteit").click()
    fields = page.locator(".fields")
    expect(fields).to_contain_text("Studielast3 EC")
    expect(fields).to_contain_text("Niveau (NLQF)4")
    # A did:key issuer is in no list: said plainly (the shipped demo list is the default).
    expect(fields).to_contain_text("Uitgever in de lijstOnbekende uitgever: niet in de lijst "
                                   "van Demo-lijst Eigen Dossier")
    expect(fields).to_contain_text("Praktijkexamen en kennistoets behaald.")
    checks = page.locator(".checks")
    expect(checks).to_contain_text("Handtekening: in orde")
    expect(checks).to_contain_text("Uitgegeven aan jou (jouw e-mailadres).")
    expect(page.get_by_text(re.compile(r"Laatst gecontroleerd op \d+ \w+ 20\d\d"))).to_be_visible()
    detail_url = page.url

    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Veilig werken met elektriciteit")
    expect(page.locator(".banner--offline")).to_be_visible()
    expect(page.locator(".credential-detail__head .status")).to_have_text("Geverifieerd")
    expect(page.get_by_text(re.compile("Laatst gecontroleerd op"))).to_be_visible()
    page.goto("/dossier")
    expect(page.locator(".credential-card .status")).to_have_text("Geverifieerd")
    expect(page.locator(".credential-card")).to_contain_text("Laatst gecontroleerd op")
    page.get_by_role("link", name="Veilig werken met elektriciteit").click()
    expect(page).to_have_url(detail_url)
    expect(page.locator(".fields")).to_contain_text("Studielast3 EC")
    # checking again needs the network: the learner is told
    page.get_by_role("button", name="Opnieuw controleren").click()
    expect(page.locator("#detail-error")).to_contain_text("internetverbinding")
    context.set_offline(False)


def test_refusals_are_announced_and_experience_is_self_declared(page, tmp_path):
    sign_up_by_api_and_open_dossier(page, name="Jan de Boer")
    unlinked = tmp_path / "teamwork.png"
    unlinked.write_bytes(unlinked_png())  # issued to a DID
    add_file(page, unlinked)
    expect(page.locator(".credential-detail__head .status")).to_have_text(
        "Geverifieerd, met opmerkingen")
    expect(page.locator(".checks")).to_contain_text("Uitgegeven aan een kenmerk")

    page.goto("/dossier")
    someone_else = tmp_path / "elektra.png"
    someone_else.write_bytes(baked_png("iemand.anders@example.nl"))
    add_file(page, someone_else)
    expect(page.locator(".credential-detail__head .status")).to_have_text("Niet geldig")
    expect(page.locator(".checks")).to_contain_text("Uitgegeven aan iemand anders")

    page.goto("/dossier/add")
    page.get_by_label("Credential als tekst").fill('{"hallo": "wereld"}')
    page.get_by_role("button", name="Tekst toevoegen").click()
    alert = page.locator("#add-error")
    expect(alert).to_contain_text("Deze credential kunnen we niet lezen")
    expect(alert).to_contain_text("geen uitgereikte badge")
    expect(page).to_have_url(re.compile(r"/dossier/add$"))

    page.goto("/dossier")
    page.get_by_role("link", name="Ervaring toevoegen").click()
    expect(page.locator(".self-declared")).to_contain_text("Zelf opgegeven")
    page.get_by_label("Functie of taak").fill("Monteur zonnepanelen")
    page.get_by_label("Werkgever of organisatie").fill("Zon & Co")
    page.get_by_label("Begindatum").fill("2021-04-01")
    page.get_by_role("button", name="Opslaan").click()
    expect(page).to_have_url(re.compile(r"/dossier$"))
    item = page.locator(".experience-card")
    expect(item).to_contain_text("Zelf opgegeven")
    expect(item).to_contain_text("Monteur zonnepanelen")
    expect(item).to_contain_text("Sinds 1 april 2021")


def test_dossier_views_are_accessible_and_fit_320_px(new_context, tmp_path):
    page = new_context(bypass_csp=True, viewport={"width": 320, "height": 640}).new_page()
    email = sign_up_by_api_and_open_dossier(
        page, name="Bartholomeus Wilhelmina van Oldenbarnevelt-Schimmelpenninck")
    no_horizontal_scroll(page)
    assert_no_serious_violations(page, "dossier (empty)")
    badge = tmp_path / "badge.png"
    badge.write_bytes(baked_png(email, name="Werken met de Nederlandse kwalificatiestructuur "
                                            "voor het middelbaar beroepsonderwijs"))
    page.get_by_role("link", name="Credential toevoegen").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    no_horizontal_scroll(page)
    assert_no_serious_violations(page, "add credential")
    page.get_by_role("button", name="Tekst toevoegen").click()
    expect(page.locator("#text")).to_be_focused()  # the field with the error
    page.get_by_label("Bestand", exact=True).set_input_files(str(badge))
    page.get_by_role("button", name="Bestand toevoegen").click()
    expect(page.locator(".credential-detail__head .status")).to_have_text("Geverifieerd")
    no_horizontal_scroll(page)
    assert_no_serious_violations(page, "credential detail")
    page.goto("/dossier")
    expect(page.locator(".credential-card")).to_have_count(1)
    no_horizontal_scroll(page)
    assert_no_serious_violations(page, "dossier")
    page.goto("/dossier/experience/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkervaring toevoegen")
    no_horizontal_scroll(page)
    assert_no_serious_violations(page, "experience form")


@pytest.mark.usefixtures("with_service_worker")
def test_a_check_answered_from_a_kept_copy_shows_its_age(page, e2e_app, tmp_path):
    """A did:web document or status list read from the copy kept for offline use: the check
    says how long ago that copy was read, with the moment itself on hover."""
    from datetime import timedelta

    from eigendossier.core.extensions import db
    from eigendossier.core.timeutil import utcnow
    from eigendossier.dossier.models import Credential, VerificationCheck

    email = sign_up_by_api_and_open_dossier(page)
    page.evaluate(WAIT_FOR_CONTROL)
    badge = tmp_path / "elektra-veilig.png"
    badge.write_bytes(baked_png(email))
    add_file(page, badge)
    expect(page).to_have_url(re.compile(r"/dossier/\d+$"))
    expect(page.locator(".checks")).to_be_visible()
    expect(page.locator(".check__age")).to_have_count(0)  # did:key: nothing was fetched
    credential_id = int(page.url.rsplit("/", 1)[1])
    read_at = utcnow() - timedelta(days=3, hours=2)
    with e2e_app.app_context():
        credential = db.session.get(Credential, credential_id)
        check = db.session.scalar(db.select(VerificationCheck).filter_by(
            result_id=credential.verification.id, check_id="issuer_key"))
        check.params = {**check.params, "checked_at": read_at.isoformat()}
        db.session.commit()

    page.reload()
    age = page.locator(".check__age time")
    expect(age).to_have_text("gecontroleerd 3 dagen geleden")
    expect(age).to_have_attribute("datetime", read_at.isoformat())
    expect(age).to_have_attribute("title", re.compile(r"\d+ \w+ 20\d\d"))
