"""The staff console's awards, vouchers and recognition screens in real Chromium, on a phone
(390 px) and a desktop, each reached through the staff section's one navigation: a staff
member awards a block, offers it to a wallet (QR code, a link that resolves to the offer,
with and without a transaction code; a revoked award's offer refused) and revokes it, sees
a refused CSV's lines, confirms a voucher claim, previews a list of graduates before issuing
it, gets the letters, withdraws a voucher, and refuses then approves a recognition request,
which the learner's route then shows; the vouchers and recognition screens name the school
they show. axe finds no violation on any of it, in Dutch or English; a learner who opens
a staff address gets "not found"."""
import base64
import re
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from eigendossier.catalog.models import Block
from eigendossier.core.extensions import db
from tests.api.routes.test_planning import plan
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_accessibility import assert_no_violations, no_horizontal_scroll
from tests.support import ApiClient, sign_up

pytestmark = pytest.mark.e2e

PRE_AUTHORIZED = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def unique(name: str) -> str:
    return f"{name.split()[0].lower()}-{uuid.uuid4().hex[:8]}@example.org"


@pytest.fixture
def school(catalog):
    """Techniek College Rijnmond with a signing key, a new issuer of it (email, password),
    and a learner who asked to have TIM-01 recognised from her work."""
    app = catalog
    runner = app.test_cli_runner()
    assert runner.invoke(args=["issuing", "create-key", "tcr"]).exit_code == 0
    staff_email = unique("docent")
    result = runner.invoke(args=["accounts", "create-staff", "--email", staff_email, "--name",
                                 "Pieter", "--institution", "tcr", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    learner = ApiClient(app, app.response_class, use_cookies=True)
    name = f"Noor {uuid.uuid4().hex[:6]}"
    learner_email = unique("noor")
    sign_up(learner, email=learner_email, display_name=name, password=PASSWORD)
    item = learner.post("/api/v1/dossier/experience", json={
        "role": "Timmerman", "employer": "Bouwbedrijf Noord", "start_date": "2016-02-01",
        "description": "Kozijnen en trappen gemaakt."}).get_json()
    with app.app_context():
        block = db.session.scalar(db.select(Block.id).filter_by(code="TIM-01"))
    asked = learner.post("/api/v1/routes/recognition",
                         json={"block_id": block, "experience_item_id": item["id"]})
    assert asked.status_code == 201, asked.get_data(as_text=True)
    staff = ApiClient(app, app.response_class, use_cookies=True)
    staff.post("/api/v1/session", json={"email": staff_email, "password": PASSWORD})
    batch = staff.post("/api/v1/vouchers/batches", headers={"Content-Type": "text/csv"},
                       data=f"name,email,graduation_date,qualification\n"
                            f"Eva Visser,{unique('eva')},2025-07-01,25655\n").get_json()
    claimed = learner.post("/api/v1/vouchers/claim", json={"code": batch["vouchers"][0]["code"]})
    assert claimed.status_code == 202, "not her address: the school is asked"
    return {"staff": staff_email, "staff_api": staff, "learner": learner,
            "learner_email": learner_email, "learner_name": name}


def sign_in(page, email):
    page.goto("/sign-in")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()


def csv_file(name: str, text: str) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode()}


def open_section(page, name, menu="Schoolbeheer"):
    """Follow a link of the staff section's one navigation, as a staff member would."""
    page.get_by_role("navigation", name=menu).get_by_role("link", name=name, exact=True).click()


def check_page(page, view, viewport):
    assert_no_violations(page, view)
    if viewport["width"] < 500:
        no_horizontal_scroll(page)


def award_and_revoke(page, school, viewport):
    menu = page.get_by_role("navigation", name="Schoolbeheer")
    expect(menu).to_have_count(1)
    expect(menu.get_by_role("link")).to_have_text(
        ["Inrichting", "Catalogus", "Toekennen", "Vouchers", "Erkenningsverzoeken", "Logboek"])
    open_section(page, "Toekennen")
    expect(page).to_have_url(re.compile(r"/staff/awards$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Toekennen")
    page.get_by_label("Blok").select_option(label="TIM-01 · Veilig werken")
    page.get_by_label("E-mailadres van de deelnemer").fill(school["learner_email"])
    page.get_by_role("button", name="Toekennen", exact=True).click()
    expect(page.locator("#awards-status")).to_contain_text(
        f"toegekend aan {school['learner_email']}")
    check_page(page, "awards", viewport)
    offer_to_a_wallet(page, school, viewport)

    page.get_by_label("CSV-bestand").set_input_files(csv_file("awards.csv",
        f"email,block\n{school['learner_email']},TIM-02\nniemand@example.org,TIM-02\n"))
    # the batch as SD-JWT: the form's proof is accepted, the list's own errors are named
    page.get_by_role("form", name="Een lijst toekennen").get_by_label(
        re.compile("^Uitgeven als SD-JWT")).check()
    page.get_by_role("button", name="Lijst toekennen").click()
    alert = page.locator("#award-csv-error")
    expect(alert).to_contain_text("Regel 3")
    expect(alert).not_to_contain_text("Regel 2")
    check_page(page, "awards with line errors", viewport)

    revoke = f"Veilig werken van {school['learner_email']} intrekken"
    page.get_by_role("button", name=revoke).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Intrekken").click()
    expect(dialog.get_by_text("Geef een reden van minstens 3 tekens.")).to_be_visible()
    dialog.get_by_label("Reden").fill("Toets ongeldig verklaard")
    dialog.get_by_role("button", name="Intrekken").click()
    expect(page.locator("#awards-status")).to_contain_text("ingetrokken")
    issued = page.get_by_role("listitem").filter(has_text=school["learner_email"])
    expect(issued).to_contain_text("Ingetrokken")
    expect(issued).to_contain_text("Toets ongeldig verklaard")


def offer_to_a_wallet(page, school, viewport):
    """The offer's QR code is the server's SVG as an image, its link leads to a live offer
    with a pre-authorized code, and the transaction code is mailed apart unless unticked."""
    email = school["learner_email"]
    name = f"Aanbieden aan een wallet: Veilig werken van {email}"
    page.get_by_role("button", name=name).click()
    offer = page.get_by_role("group", name=name)
    ticked = offer.get_by_label("met transactiecode")
    expect(ticked).to_be_checked()
    offer.get_by_role("button", name="Aanbod maken").click()
    expect(offer.get_by_role("status").filter(has_text="Aanbod gemaakt")).to_have_text(
        f"Aanbod gemaakt en naar {email} gemaild.")
    qr = offer.get_by_role(
        "img", name=f"QR-code van het aanbod voor {email}: scan hem met een wallet")
    expect(qr).to_be_visible()
    source = qr.get_attribute("src")
    assert source.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(source.split(",", 1)[1]).lstrip().startswith((b"<svg", b"<?xml"))
    expect(offer).to_contain_text(f"De transactiecode is apart naar {email} gemaild")
    expect(offer).to_contain_text(re.compile(r"Geldig tot .*\d{2}:\d{2} \(jouw tijd\)"))
    link = offer.get_by_label("Link van het aanbod").input_value()
    offer.get_by_role("button", name="Link kopiëren").click()
    expect(offer.get_by_role("status").filter(has_text="Link gekopieerd.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link
    check_page(page, "award offered to a wallet", viewport)

    assert link.startswith("openid-credential-offer://?")
    [by_reference] = parse_qs(urlsplit(link).query)["credential_offer_uri"]
    document = page.request.get(urlsplit(by_reference).path).json()
    grant = document["grants"][PRE_AUTHORIZED]
    assert grant["tx_code"]["length"] == 6

    ticked.uncheck()
    offer.get_by_role("button", name="Nieuw aanbod maken").click()
    expect(offer).to_contain_text("Zonder transactiecode")
    without = offer.get_by_label("Link van het aanbod").input_value()
    assert without != link
    [by_reference] = parse_qs(urlsplit(without).query)["credential_offer_uri"]
    document = page.request.get(urlsplit(by_reference).path).json()
    assert "tx_code" not in document["grants"][PRE_AUTHORIZED]


def upload_preview_issue_and_withdraw(page, school, viewport):
    first, second = unique("lars"), unique("mila")
    open_section(page, "Vouchers")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vouchers")
    expect(page.get_by_text("Je ziet hier alleen Techniek College Rijnmond.")).to_be_visible()
    name = school["learner_name"]
    page.get_by_role("button", name=f"Bevestigen voor {name}").click()
    expect(page.locator("#vouchers-status")).to_have_text(
        f"De voucher staat nu in het dossier van {name}.")
    assert [v["status"] for v in school["learner"].get("/api/v1/vouchers").get_json()] == \
        ["available"]
    upload = page.get_by_label("CSV-bestand")
    upload.set_input_files(csv_file("bad.csv",
        "name,email,graduation_date,qualification\nLars,geen-adres,2025-07-01,25655\n"))
    page.get_by_role("button", name="Lijst controleren").click()
    expect(page.locator("#upload-error")).to_contain_text("Regel 2")
    check_page(page, "voucher upload with line errors", viewport)

    upload.set_input_files(csv_file("graduates.csv",
        f"name,email,graduation_date,qualification\n"
        f"Lars Bakker,{first},2025-07-01,25655\nMila Jansen,{second},2025-07-01,25655\n"))
    page.get_by_role("button", name="Lijst controleren").click()
    preview = page.get_by_role("region", name="2 vouchers zouden worden uitgegeven")
    expect(preview.get_by_role("row")).to_have_count(3)
    expect(preview).to_contain_text(first)
    check_page(page, "voucher preview", viewport)
    preview.get_by_role("button", name="2 vouchers uitgeven").click()
    status = page.locator("#vouchers-status")
    expect(status).to_contain_text("2 vouchers uitgegeven")
    letters = status.get_by_role("link", name="in het Nederlands")
    pdf = page.request.get(letters.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")

    page.get_by_label("Naam of e-mailadres").fill(first)
    page.get_by_role("button", name="Zoeken").click()
    vouchers = page.get_by_role("list", name="Alle vouchers")
    expect(vouchers.get_by_role("listitem")).to_have_count(1)
    vouchers.get_by_role("button", name="De voucher van Lars Bakker intrekken").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Reden").fill("Verkeerd adres")
    dialog.get_by_role("button", name="Intrekken").click()
    expect(status).to_contain_text("De voucher van Lars Bakker is ingetrokken.")
    expect(vouchers).to_contain_text("Ingetrokken: Verkeerd adres")
    check_page(page, "vouchers after withdrawing", viewport)


def decide_recognition(page, school, viewport):
    open_section(page, "Erkenningsverzoeken")
    expect(page.get_by_role("heading", level=1)).to_have_text("Erkenningsverzoeken")
    expect(page.get_by_text("Je ziet hier alleen Techniek College Rijnmond.")).to_be_visible()
    name = school["learner_name"]
    request = page.get_by_role("listitem").filter(has_text=f"{name} vraagt erkenning")
    expect(request).to_contain_text("Bouwbedrijf Noord")
    request.get_by_role("button", name=f"TIM-01 afwijzen voor {name}").click()
    expect(request.get_by_text("Zeg waarom je afwijst")).to_be_visible()
    check_page(page, "recognition with a missing reason", viewport)
    request.get_by_label("Reden").fill("Ervaring past bij het blok")
    request.get_by_role("button", name=f"TIM-01 goedkeuren voor {name}").click()
    expect(page.locator("#recognition-status")).to_contain_text(
        f"TIM-01 goedgekeurd voor {name}")
    check_page(page, "recognition decided", viewport)
    [mine] = school["learner"].get("/api/v1/routes/recognition").get_json()
    assert (mine["status"], mine["decision_reason"]) == ("approved", "Ervaring past bij het blok")
    route = plan(school["learner"], preferences={"start_date": "2098-12-01"}).get_json()["plan"]
    assert [block["code"] for block in route["exempted"]] == ["TIM-01"]


@pytest.mark.parametrize("size", WIDTHS)
def test_staff_award_vouchers_and_recognition(new_context, school, size):
    viewport = WIDTHS[size]
    page = new_context(viewport=viewport, bypass_csp=True,
                       permissions=["clipboard-read", "clipboard-write"]).new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, school["staff"])
    award_and_revoke(page, school, viewport)
    upload_preview_issue_and_withdraw(page, school, viewport)
    decide_recognition(page, school, viewport)
    assert not errors, errors


def test_a_learner_gets_not_found_on_staff_screens(new_context, school, api):
    email, _ = api.sign_up(display_name="Sam Leerling")
    page = new_context().new_page()
    sign_in(page, email)
    page.goto("/staff/vouchers")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")


def test_the_staff_screens_speak_english(new_context, school):
    """In English, and with the offer of an award revoked meanwhile refused in the view, the
    message focused."""
    staff, email = school["staff_api"], school["learner_email"]
    with staff.application.app_context():
        block = db.session.scalar(db.select(Block.id).filter_by(code="TIM-02"))
    award = staff.post("/api/v1/issuing/tcr/awards", json={"block_id": block, "email": email})
    assert award.status_code == 201, award.get_data(as_text=True)
    page = new_context(viewport=WIDTHS["desktop"], bypass_csp=True).new_page()
    sign_in(page, school["staff"])
    page.goto("/profile")
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/staff/vouchers")
    expect(page.get_by_role("heading", level=2, name="Upload graduates")).to_be_visible()
    open_section(page, "Recognition requests", menu="School admin")
    name = school["learner_name"]
    request = page.get_by_role("listitem").filter(has_text=f"{name} asks for TIM-01")
    request.get_by_role("button", name=f"Refuse TIM-01 for {name}").click()
    expect(request.get_by_text("Say why you refuse")).to_be_visible()
    assert_no_violations(page, "recognition in English")

    open_section(page, "Awards", menu="School admin")
    name = f"Offer to a wallet: Maatvoering of {email}"
    page.get_by_role("button", name=name).click()
    offer = page.get_by_role("group", name=name)
    revoked = staff.post(f"/api/v1/issuing/tcr/credentials/{award.get_json()['id']}/revoke",
                         json={"reason": "Given by mistake"})
    assert revoked.status_code == 200, revoked.get_data(as_text=True)
    offer.get_by_role("button", name="Make offer").click()
    refused = offer.get_by_role("alert")
    expect(refused).to_contain_text("This credential cannot be offered")
    expect(refused).to_be_focused()
    expect(offer.get_by_role("img")).to_have_count(0)
    assert_no_violations(page, "a refused offer in English")
