"""Vouchers: a graduate claims an alumni LLO voucher by typing its code (any case, no
hyphens) or by scanning its QR code, sees how long it is valid, picks a module from the
eligible runs, confirms, and finds it in Rooster; a retry after a network error reuses the
Idempotency-Key; a typo is caught before any request; axe finds nothing serious; 320 px."""
import os
import re
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from eigendossier.catalog.models import Run
from eigendossier.core.extensions import db
from tests.e2e.conftest import PASSWORD, confirm_email, sign_up_by_api
from tests.e2e.test_accessibility import assert_no_serious_violations, no_horizontal_scroll
from tests.support import ApiClient

pytestmark = pytest.mark.e2e

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december"]
CARPENTRY = "25655"
MOVED = {"R-EVE": 60, "R-WKD": 120}  # days from today: both start while a voucher is valid

# A camera and a QR reader for Chromium on Linux, which has neither: the page reads the QR
# text from window.__qrText. Counts getUserMedia calls and keeps the stream to check it stops.
FAKE_SCANNER = """
window.__qrText = '';
window.__cameraCalls = 0;
window.BarcodeDetector = class {
  static async getSupportedFormats() { return ['qr_code']; }
  async detect() {
    return window.__qrText ? [{ rawValue: window.__qrText, format: 'qr_code' }] : [];
  }
};
navigator.mediaDevices.getUserMedia = async () => {
  window.__cameraCalls += 1;
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 64;
  canvas.getContext('2d').fillRect(0, 0, 64, 64);
  window.__stream = canvas.captureStream(5);
  return window.__stream;
};
"""


def amsterdam_today():
    return datetime.now(ZoneInfo("Europe/Amsterdam")).date()


def graduated_five_months_ago(today):
    month, year = today.month - 5, today.year
    if month <= 0:
        month, year = month + 12, year - 1
    return date(year, month, min(today.day, 28))


def unit(n, one, many):
    return f"{n} {one if n == 1 else many}"


def countdown(today, last_day):
    """The Dutch countdown the app shows, for a voucher valid through last_day."""
    months = (last_day.year - today.year) * 12 + last_day.month - today.month
    months -= 1 if last_day.day < today.day else 0
    years, rest = divmod(months, 12)
    if rest == 0:
        return f"Nog {unit(years, 'jaar', 'jaar')} geldig"
    return f"Nog {unit(years, 'jaar', 'jaar')} en {unit(rest, 'maand', 'maanden')} geldig"


def dutch_date(day):
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@pytest.fixture(scope="module")
def staff(catalog):
    """Runs of the test catalogue moved into the coming months (put back afterwards), and a
    signed-in issuer of Techniek College Rijnmond (tcr)."""
    app = catalog
    today = date.today()
    saved = {}
    with app.app_context():
        for code, offset in MOVED.items():
            run = db.session.scalar(db.select(Run).filter_by(code=code))
            saved[code] = (run.start_date, run.end_date)
            start = today + timedelta(days=offset)
            db.session.execute(db.update(Run).filter_by(code=code)
                               .values(start_date=start, end_date=start + timedelta(days=35)))
        db.session.commit()
    email = f"docent-{uuid.uuid4().hex[:8]}@tcr.nl"
    result = app.test_cli_runner().invoke(args=[
        "accounts", "create-staff", "--email", email, "--name", "Pieter",
        "--institution", "tcr", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    client = ApiClient(app, app.response_class, use_cookies=True)
    response = client.post("/api/v1/session", json={"email": email, "password": PASSWORD})
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    yield client
    with app.app_context():
        for code, (start, end) in saved.items():
            db.session.execute(db.update(Run).filter_by(code=code)
                               .values(start_date=start, end_date=end))
        db.session.commit()


@pytest.fixture
def cancel_days(e2e_app):
    """A cancellation period other than the default 14 days: the PWA shows the server's."""
    saved = e2e_app.config["VOUCHER_CANCEL_DAYS"]
    e2e_app.config["VOUCHER_CANCEL_DAYS"] = 10
    yield 10
    e2e_app.config["VOUCHER_CANCEL_DAYS"] = saved


def issue(staff, email, graduation_date):
    """One voucher for carpentry; returns its code as shown for mail-merge."""
    csv_text = (f"name,email,graduation_date,qualification\n"
                f"Sam Alumnus,{email},{graduation_date.isoformat()},{CARPENTRY}\n")
    response = staff.post("/api/v1/vouchers/batches", data=csv_text,
                          headers={"Content-Type": "text/csv"})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["vouchers"][0]["code"]


def typo_of(code):
    """The same code with one character changed: the check symbol no longer matches."""
    index = 5
    replacement = "2" if code[index] != "2" else "3"
    return code[:index] + replacement + code[index + 1:]


def graduate_email(name="Sam Alumnus"):
    return f"{name.split()[0].lower()}-{os.urandom(4).hex()}@example.org"


def sign_up_and_open_vouchers(page, name="Sam Alumnus", email=None):
    """Sign up as the graduate (through the API: vouchers, not the sign-up form, are tested
    here; the app is first loaded by the link), confirm the address with the link from the
    local outbox (a voucher is the graduate's only with a confirmed address), open Vouchers."""
    email = sign_up_by_api(page, name=name, email=email or graduate_email(name))
    confirm_email(page, email)
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    nav.get_by_role("link", name="Vouchers").click()
    expect(page).to_have_url(re.compile(r"/vouchers$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("LLO-vouchers")
    expect(nav.get_by_role("link", name="Vouchers")).to_have_attribute("aria-current", "page")
    return email


def test_claim_typed_code_pick_module_redeem_and_see_it_in_rooster(page, staff, cancel_days):
    today = amsterdam_today()
    graduated = graduated_five_months_ago(today)
    email = graduate_email()
    code = issue(staff, email, graduated)
    claims, redemptions = [], []
    page.on("request", lambda r: claims.append(r) if r.url.endswith("/vouchers/claim") else None)
    page.on("request", lambda r: redemptions.append(r) if r.url.endswith("/redeem") else None)

    sign_up_and_open_vouchers(page, email=email)
    expect(page.get_by_text("Je hebt nog geen voucher.")).to_be_visible()
    has_detector = page.evaluate("'BarcodeDetector' in window")
    expect(page.get_by_role("button", name="Scan QR-code")).to_have_count(1 if has_detector else 0)

    field = page.get_by_label("Vouchercode")
    expect(field).to_have_attribute("autocomplete", "off")
    expect(field).to_have_attribute("inputmode", "text")
    expect(field).to_have_attribute("autocapitalize", "characters")

    # a typo: the check symbol catches it here, nothing is sent
    field.press_sequentially(typo_of(code).replace("-", "").lower())
    page.get_by_role("button", name="Voucher toevoegen").click()
    error = page.locator("#claim-error")
    expect(error).to_have_attribute("role", "alert")
    expect(error).to_contain_text("Dit is geen vouchercode")
    expect(error).to_contain_text("tikfout")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    assert claims == []

    # typed in lower case without hyphens: formatted while typing
    field.fill("")
    field.press_sequentially(code.replace("-", "").lower())
    expect(field).to_have_value(code)
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}-[0-9A-Z*~$=U]", code)
    page.get_by_role("button", name="Voucher toevoegen").click()

    expect(page).to_have_url(re.compile(r"/vouchers/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("LLO-voucher Timmerman")
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    expect(page.locator("#voucher-status")).to_contain_text("De voucher staat nu in je dossier.")
    # the diploma is the school's statement, in words, never a verified credential
    expect(page.get_by_text("Diploma, volgens Techniek College Rijnmond")).to_be_visible()
    expect(page.get_by_text("geen geverifieerd bewijs")).to_be_visible()
    last_day = graduated.replace(year=graduated.year + 5)
    expect(page.locator(".validity__left")).to_have_text(countdown(today, last_day))
    until = f"Geldig tot {dutch_date(last_day)} om 23:59"
    expect(page.locator(".validity__until")).to_have_text(until)

    # the modules it can buy, grouped per qualification and block, with their facts
    choose = page.get_by_role("region", name="Kies een module")
    modules = choose.get_by_role("group", name="Modules die je met deze voucher kunt volgen")
    expect(modules.get_by_role("heading", level=3)).to_have_text(["Timmerman"])
    expect(modules.get_by_role("heading", level=4)).to_have_text(
        ["TIM-01 Veilig werken", "TIM-02 Maatvoering"])
    evening = modules.get_by_role("radio", name=re.compile("^TIM-01 Veilig werken"))
    expect(evening).to_have_accessible_description(
        re.compile(r"’s avonds, di en do 18:30–21:30.*op school, Bouwlaan 12.*\d+ plaatsen vrij"))
    second = modules.get_by_role("radio", name=re.compile("^TIM-02 Maatvoering"))
    expect(second).to_have_accessible_description(
        re.compile("in het weekend.*bij een bedrijf"))

    choose.get_by_role("button", name="Verzilveren").click()  # nothing chosen yet
    expect(page.locator("#voucher-error")).to_have_text("Kies eerst een module.")
    expect(modules.get_by_role("radio").first).to_be_focused()
    page.keyboard.press("Space")
    expect(evening).to_be_checked()

    # the first confirmation gets no answer (the network drops after the server booked)
    def lose_answer(route):
        route.fetch()
        route.abort("internetdisconnected")

    page.route("**/api/v1/vouchers/*/redeem", lose_answer)
    choose.get_by_role("button", name="Verzilveren").click()
    dialog = page.get_by_role("dialog", name="Voucher verzilveren voor TIM-01 Veilig werken?")
    expect(dialog).to_contain_text("’s avonds, di en do 18:30–21:30")
    start = date.today() + timedelta(days=MOVED["R-EVE"])
    expect(dialog).to_contain_text(
        f"Annuleren kan tot {cancel_days} dagen voor de start, dus tot en met "
        f"{dutch_date(start - timedelta(days=cancel_days))}.")
    expect(dialog.get_by_role("button", name="Ja, verzilveren")).to_be_focused()
    dialog.get_by_role("button", name="Ja, verzilveren").click()
    expect(page.locator("#voucher-error")).to_contain_text("je wordt nooit twee keer ingeschreven")
    page.unroute("**/api/v1/vouchers/*/redeem")

    # trying again sends the same Idempotency-Key: the server answers the first booking
    choose.get_by_role("button", name="Verzilveren").click()
    dialog.get_by_role("button", name="Ja, verzilveren").click()
    expect(page.locator("#voucher-status")).to_contain_text(
        "Je voucher is verzilverd: je bent ingeschreven voor TIM-01 Veilig werken.")
    keys = [r.headers.get("idempotency-key") for r in redemptions]
    assert len(keys) == 2, keys
    assert keys[0] == keys[1], keys
    uuid4 = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
    assert re.fullmatch(uuid4, keys[0])

    redeemed = page.get_by_role("region", name="Verzilverd")
    expect(redeemed.get_by_role("heading", level=2)).to_be_focused()
    expect(redeemed).to_contain_text("TIM-01 Veilig werken")
    expect(redeemed).to_contain_text("Deze module staat in je rooster.")
    expect(redeemed).to_contain_text(
        f"Annuleren kan tot {cancel_days} dagen voor de start van de module, dus tot en met "
        f"{dutch_date(start - timedelta(days=cancel_days))}.")
    expect(page.get_by_role("region", name="Kies een module")).to_have_count(0)

    page.locator("#voucher-status").get_by_role("link", name="Bekijk je rooster").click()
    expect(page).to_have_url(re.compile(r"/rooster$"))
    mine = page.get_by_role("region", name="Mijn rooster")
    expect(mine.get_by_role("heading", level=3)).to_have_text(["TIM-01 Veilig werken"])  # once

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Vouchers").click()
    card = page.locator(".voucher-card")
    expect(card).to_contain_text("Verzilverd")
    expect(card).to_contain_text("Verzilverd voor TIM-01 Veilig werken")

    # cancel: the voucher can be used again
    card.get_by_role("link", name="LLO-voucher Timmerman").click()
    page.get_by_role("button", name="Verzilvering annuleren").click()
    cancel = page.get_by_role("dialog", name="Verzilvering annuleren?")
    cancel.get_by_role("button", name="Ja, annuleren").click()
    expect(page.locator("#voucher-status")).to_have_text(
        "De verzilvering is geannuleerd. Je voucher is weer te gebruiken.")
    expect(page.get_by_role("heading", name="Kies een module")).to_be_focused()
    expect(page.locator(".validity__left")).to_have_text(countdown(today, last_day))


def test_scan_a_qr_code_with_the_camera(new_context, staff):
    today = amsterdam_today()
    graduated = graduated_five_months_ago(today)
    email = graduate_email("Quinty Scanner")
    code = issue(staff, email, graduated)
    context = new_context()
    context.add_init_script(FAKE_SCANNER)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_up_and_open_vouchers(page, name="Quinty Scanner", email=email)

    assert page.evaluate("window.__cameraCalls") == 0  # no camera before the click
    page.get_by_role("button", name="Scan QR-code").click()
    scanner = page.get_by_role("group", name="QR-code scannen")
    expect(scanner.get_by_role("button", name="Stoppen met scannen")).to_be_focused()
    expect(scanner).to_contain_text("Richt je camera op de QR-code")
    assert page.evaluate("window.__cameraCalls") == 1

    page.evaluate("window.__qrText = 'https://example.org/not-a-voucher'")
    expect(scanner.get_by_role("alert")).to_contain_text("In deze QR-code staat geen vouchercode.")

    page.evaluate(f"window.__qrText = 'https://eigendossier.nl/v/{code.lower()}'")
    expect(page).to_have_url(re.compile(r"/vouchers/\d+$"))
    expect(page.locator("#voucher-status")).to_contain_text("De voucher staat nu in je dossier.")
    last_day = graduated.replace(year=graduated.year + 5)
    expect(page.locator(".validity__left")).to_have_text(countdown(today, last_day))
    assert page.evaluate("window.__stream.getTracks().every((t) => t.readyState === 'ended')")
    assert not errors, errors


def test_vouchers_view_is_accessible_and_fits_320_px(new_context, staff):
    email = graduate_email("Bartholomeus")
    code = issue(staff, email, amsterdam_today() - timedelta(days=400))
    # axe is injected as a script: the app's strict CSP would refuse it, so bypass CSP here only
    page = new_context(bypass_csp=True, viewport={"width": 320, "height": 640}).new_page()
    sign_up_and_open_vouchers(page, name="Bartholomeus Wilhelmina van Oldenbarnevelt",
                              email=email)
    no_horizontal_scroll(page)
    assert_no_serious_violations(page, "vouchers")

    page.get_by_label("Vouchercode").fill(typo_of(code))
    page.get_by_role("button", name="Voucher toevoegen").click()
    expect(page.locator("#claim-error")).to_contain_text("Dit is geen vouchercode")
    no_horizontal_scroll(page)
    assert_no_serious_violations(page, "vouchers with a typo")

    page.get_by_label("Vouchercode").fill(code)
    page.get_by_role("button", name="Voucher toevoegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("LLO-voucher Timmerman")
    expect(page.get_by_role("radio")).to_have_count(2)
    no_horizontal_scroll(page)
    assert_no_serious_violations(page, "voucher with eligible modules")

    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="Verzilveren").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    no_horizontal_scroll(page)
    page.get_by_role("button", name="Ja, verzilveren").click()
    expect(page.get_by_role("region", name="Verzilverd")).to_be_visible()
    no_horizontal_scroll(page)
    assert_no_serious_violations(page, "redeemed voucher")

    page.get_by_role("link", name="Alle vouchers").click()
    expect(page.locator(".voucher-card")).to_contain_text("Verzilverd voor TIM-01 Veilig werken")
    no_horizontal_scroll(page)
    assert_no_serious_violations(page, "vouchers list")


def test_a_voucher_issued_to_another_address_waits_for_the_school(new_context, staff):
    """Sam types a code the school issued to another address: the school is asked to confirm,
    and nothing of that graduate shows."""
    page = new_context(bypass_csp=True).new_page()  # for axe
    code = issue(staff, graduate_email("Yusuf"), graduated_five_months_ago(amsterdam_today()))
    sign_up_and_open_vouchers(page)
    page.get_by_label("Vouchercode").fill(code)
    page.get_by_role("button", name="Voucher toevoegen").click()
    expect(page.locator("#claim-status")).to_contain_text("Je school wordt gevraagd")
    waiting = page.get_by_role("region", name="Wacht op je school")
    expect(waiting).to_contain_text("Techniek College Rijnmond kijkt of deze voucher van jou is.")
    expect(page.get_by_text("Je hebt nog geen voucher.")).to_be_visible()
    assert_no_serious_violations(page, "claim waiting for the school")
