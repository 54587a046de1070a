"""The staff console in real Chromium: an institution admin signs in and lands on the staff
section; on a phone (390 px, then 320 px) sets up the school (signing key with its did:web
address and a reachability check, profile, a VC-API client whose secret shows once, a staff
member); on a desktop uploads a catalogue, sees what it would change before applying it,
edits a run and finds the actions in the audit trail, also in English. axe-core finds no
violations on any of these screens; a learner sees no staff section at all.

The school here is one of this file's own (its catalogue is changed), so the session's shared
test catalogue stays as other files expect it."""
import os
import re

import pytest
import yaml
from playwright.sync_api import expect

from eigendossier.accounts import service as accounts
from eigendossier.catalog.service import import_catalog
from tests.e2e.conftest import PASSWORD, open_tab
from tests.e2e.test_accessibility import assert_no_violations, no_horizontal_scroll

pytestmark = pytest.mark.e2e

SLUG = "staff-e2e"
DESKTOP = {"width": 1280, "height": 900}
CATALOGUE = {
    "institutions": [{"slug": SLUG, "name": "Vakschool Zuid"}],
    "qualifications": [{
        "institution": SLUG, "crebo": "25100", "name": {"nl": "Schilder", "en": "Painter"},
        "level": 2,
        "blocks": [{
            "code": "SCH-01", "name": {"nl": "Voorbehandelen", "en": "Preparing surfaces"},
            "ec": 3, "hours": 84,
            "runs": [
                {"code": "SZ-AVOND", "start": "2099-01-05", "end": "2099-02-13",
                 "time_of_day": "evening", "weekdays": ["tue"], "starts_at": "18:30",
                 "ends_at": "21:30", "location_kind": "school", "learning_form": "physical",
                 "seats_total": 12, "seats_taken": 3},
                {"code": "SZ-OUD", "start": "2099-03-02", "end": "2099-04-10",
                 "time_of_day": "daytime", "location_kind": "school",
                 "learning_form": "physical", "seats_total": 10},
            ],
        }],
    }],
}


@pytest.fixture(scope="module")
def school(catalog):
    """This file's school with its catalogue, and an institution admin of it."""
    app = catalog
    email = f"beheer-{os.urandom(3).hex()}@vakschool.example"
    with app.app_context():
        import_catalog(yaml.safe_dump(CATALOGUE))
        accounts.create_staff(email, PASSWORD, "Bea Beheer", "issuer", SLUG,
                              institution_admin=True)
    return email


def sign_in(page, email):
    page.goto("/sign-in")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()


def open_section(page, name, menu="Schoolbeheer"):
    page.get_by_role("navigation", name=menu).get_by_role("link", name=name).click()


def test_set_up_on_a_phone(new_context, school):
    page = new_context(bypass_csp=True).new_page()
    sign_in(page, school)
    expect(page).to_have_url(re.compile(r"/staff/school$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Inrichting")
    expect(page.get_by_text("Schoolbeheer · Vakschool Zuid")).to_be_visible()
    expect(page.get_by_text("nog geen ondertekeningssleutel")).to_be_visible()
    assert_no_violations(page, "set-up, no key")
    no_horizontal_scroll(page)

    page.get_by_role("button", name="Ondertekeningssleutel maken").click()
    expect(page.locator("#keys-status")).to_have_text("De ondertekeningssleutel is gemaakt.")
    expect(page.locator("dd code", has_text="did:web:127.0.0.1%3A")).to_be_visible()
    address = page.get_by_role("link", name=re.compile(rf"issuers.{SLUG}.did.json"))
    expect(address).to_have_attribute("href", re.compile(r"^https://127\.0\.0\.1:\d+/issuers/"))
    page.get_by_role("button", name="Controleer het openbare adres").click()
    # The guarded client refuses the loopback address: said plainly, not as a crash.
    expect(page.locator("#keys-error")).to_contain_text("Niet bereikbaar")
    expect(page.locator("#keys-error")).to_contain_text("not allowed")
    page.get_by_role("button", name="Vervangen: vanaf nu tekent een nieuwe sleutel").click()
    expect(page.locator("#keys-status")).to_contain_text("Vanaf nu tekent een nieuwe sleutel")
    expect(page.get_by_text("Sleutel 2 ondertekent")).to_be_visible()
    # With a key there is an issuer profile: its contact address needs no key any more.
    expect(page.get_by_text("zodra de instelling een ondertekeningssleutel heeft")).to_have_count(0)

    page.get_by_label("Contactadres (e-mail)").fill("geen adres")
    page.get_by_role("button", name="Profiel opslaan").click()
    expect(page.get_by_label("Contactadres (e-mail)")).to_be_focused()
    page.get_by_label("Contactadres (e-mail)").fill("info@vakschool.example")
    page.get_by_role("button", name="Profiel opslaan").click()
    expect(page.locator("#school-profile-status")).to_have_text(
        "Het uitgeversprofiel is opgeslagen.")

    page.get_by_role("button", name="Nieuwe client").click()
    expect(page.get_by_role("heading", name="Geheim van de nieuwe client")).to_be_focused()
    secret = page.locator("#client-secret").text_content()
    assert len(secret) >= 40
    assert_no_violations(page, "set-up with a new client's secret")
    page.get_by_role("button", name="Ik heb het gekopieerd").click()
    expect(page.get_by_text(secret)).to_have_count(0)

    page.get_by_label("Naam", exact=True).last.fill("Daan Docent")
    page.get_by_label("E-mailadres").fill(f"daan-{os.urandom(3).hex()}@vakschool.example")
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.locator("#members-status")).to_contain_text("Daan Docent is toegevoegd")
    expect(page.get_by_label("Rol van Daan Docent")).to_have_value("staff")
    no_horizontal_scroll(page)
    assert_no_violations(page, "set-up done")

    page.set_viewport_size({"width": 320, "height": 640})  # the narrowest phone
    no_horizontal_scroll(page)
    for section, heading in (("Catalogus", "Catalogus"), ("Logboek", "Logboek")):
        open_section(page, section)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.get_by_role("status").filter(has_text="Bezig met laden")).to_have_count(0)
        no_horizontal_scroll(page)


def test_catalogue_preview_then_apply_on_a_desktop(new_context, school, tmp_path):
    page = new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    sign_in(page, school)
    expect(page).to_have_url(re.compile(r"/staff/school$"))
    open_section(page, "Catalogus")
    expect(page.get_by_role("heading", level=1)).to_have_text("Catalogus")
    expect(page.get_by_role("link", name="SZ-OUD")).to_be_visible()
    assert_no_violations(page, "catalogue")

    page.get_by_role("button", name="Bekijk wat er verandert").click()
    expect(page.locator("#catalogue-error")).to_have_text("Kies eerst een catalogusbestand.")

    changed = yaml.safe_load(yaml.safe_dump(CATALOGUE))
    runs = changed["qualifications"][0]["blocks"][0]["runs"]
    runs[0]["start"] = "2099-01-12"
    runs[1:] = [{"code": "SZ-NIEUW", "start": "2099-05-04", "end": "2099-06-12",
                 "time_of_day": "weekend", "location_kind": "company",
                 "learning_form": "practical", "seats_total": 8}]
    document = tmp_path / "catalogus.yaml"
    document.write_text(yaml.safe_dump(changed))
    page.get_by_label("Catalogusbestand (YAML of JSON)").set_input_files(str(document))
    page.get_by_role("button", name="Bekijk wat er verandert").click()
    preview = page.get_by_role("heading", name="Wat er zou veranderen")
    expect(preview).to_be_focused()
    expect(page.get_by_text("1 nieuwe, 1 gewijzigde en 1 verwijderde uitvoeringen.")
           ).to_be_visible()
    expect(page.get_by_text("In 1 van de gewijzigde uitvoeringen zijn deelnemers ingeschreven")
           ).to_be_visible()
    expect(page.get_by_text("3 ingeschreven")).to_be_visible()
    # Nothing has changed yet: the run that would go is still listed.
    expect(page.get_by_role("link", name="SZ-OUD")).to_be_visible()
    assert_no_violations(page, "catalogue preview")

    page.get_by_role("button", name="Deze wijzigingen toepassen").click()
    expect(page.locator("#catalogue-status")).to_have_text(
        "De catalogus is bijgewerkt: 1 nieuwe, 1 gewijzigde en 1 verwijderde uitvoeringen.")
    expect(page.get_by_role("link", name="SZ-NIEUW")).to_be_visible()
    expect(page.get_by_role("link", name="SZ-OUD")).to_have_count(0)

    page.get_by_role("link", name="SZ-AVOND").click()
    expect(page.get_by_role("heading", name=re.compile("Uitvoering SZ-AVOND"))).to_be_visible()
    page.get_by_label("Plaatsen").fill("2")
    page.get_by_role("button", name="Uitvoering opslaan").click()
    expect(page.get_by_label("Plaatsen")).to_be_focused()
    expect(page.locator("#seats_total-error")).to_contain_text("3")
    assert_no_violations(page, "run with an error")
    page.get_by_label("Plaatsen").fill("14")
    page.get_by_label("Adres").fill("Verfstraat 1")
    page.get_by_role("button", name="Uitvoering opslaan").click()
    expect(page.locator("#run-status")).to_have_text("De uitvoering is opgeslagen.")
    expect(page.get_by_role("link", name="Agenda downloaden (iCalendar)")).to_have_attribute(
        "href", re.compile(r"/enrolments\.ics$"))
    assert_no_violations(page, "run")

    open_section(page, "Logboek")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logboek")
    page.get_by_label("Zoeken", exact=True).fill("SZ-AVOND")
    page.get_by_role("button", name="Zoeken", exact=True).click()
    expect(page.get_by_role("heading", name="2 handelingen")).to_be_visible()
    expect(page.get_by_text("Uitvoering gewijzigd")).to_be_visible()
    expect(page.get_by_text("Catalogus geüpload")).to_be_visible()
    assert_no_violations(page, "audit")

    # In English too: the staff member chooses it in their profile.
    open_tab(page, "Profiel")
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    open_tab(page, "School", menu="Main menu", more="More")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set-up")
    open_section(page, "Audit", menu="School admin")
    expect(page.get_by_text("Run changed")).to_be_visible()
    assert_no_violations(page, "audit in English")


def test_learners_have_no_staff_section(new_context, catalog):
    page = new_context().new_page()
    page.goto("/sign-up")
    page.get_by_label("Naam").fill("Lotte Leerling")
    page.get_by_label("E-mailadres").fill(f"lotte-{os.urandom(3).hex()}@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Account aanmaken").click()
    page.get_by_role("button", name="Verder naar mijn dossier").click()
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()
    expect(page.get_by_role("link", name="School")).to_have_count(0)
    page.goto("/staff/school")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Inrichting")
    expect(page.get_by_text("Schoolbeheer")).to_have_count(0)
