"""A school's wallet offer received on a phone (390 px), in real Chromium: the learner pastes
the offer link, sees who offers what, types the code from the separate mail, and the badge
lands in the dossier verified; a scanned offer QR code does the same. The PWA's server
fetches the offer from the school's issuer (this same live server) through the guarded
client, allowed loopback for this test only."""
import re
import uuid
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from playwright.sync_api import expect

from eigendossier.catalog import service as catalog_service
from eigendossier.catalog.models import Block
from eigendossier.core import jobs
from eigendossier.core.extensions import db
from eigendossier.issuing import service as issuing
from tests.e2e.conftest import PASSWORD, sign_up_by_api_and_open_dossier
from tests.e2e.test_vouchers import FAKE_SCANNER
from tests.support import ApiClient

pytestmark = pytest.mark.e2e
OUTBOUND = "eigendossier.core.outbound"


@pytest.fixture
def loopback_issuer(catalog, live_server):
    """Zorgacademie Oost (zao) as an issuer at the live server's address, and the wallet
    allowed to reach it over plain HTTP on loopback (put back afterwards)."""
    app = catalog
    saved = {k: app.config.get(k) for k in ("OUTBOUND_ALLOW_HTTP", "OUTBOUND_ALLOW_PRIVATE")}
    app.config.update(OUTBOUND_ALLOW_HTTP=True, OUTBOUND_ALLOW_PRIVATE=True)
    app.extensions.pop(OUTBOUND, None)
    with app.app_context():
        institution = catalog_service.institution_by_slug("zao")
        profile = issuing.profile_of(institution)
        if profile is None:
            issuing.create_key("zao", base=live_server)
        else:
            assert profile.base_url == live_server, "zao's issuer was made at another address"
    email = f"docent-{uuid.uuid4().hex[:8]}@zao.nl"
    result = app.test_cli_runner().invoke(args=[
        "accounts", "create-staff", "--email", email, "--name", "Els",
        "--institution", "zao", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    staff = ApiClient(app, app.response_class, use_cookies=True)
    assert staff.post("/api/v1/session", json={"email": email,
                                               "password": PASSWORD}).status_code in (200, 201)
    yield staff
    app.config.update(saved)
    app.extensions.pop(OUTBOUND, None)


def tx_code_mailed(app, email: str) -> str:
    jobs.runner_for(app).drain()
    for path in sorted(Path(app.instance_path, "outbox").glob("*.eml"), reverse=True):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] != email:
            continue
        found = re.search(r"^\s*(\d{6})\s*$",
                          message.get_body(preferencelist=("plain",)).get_content(),
                          re.MULTILINE)
        if found:
            return found.group(1)
    raise AssertionError(f"no transaction code mailed to {email}")


def test_a_schools_offer_is_received_verified_on_a_phone(page, catalog, loopback_issuer):
    app, staff = catalog, loopback_issuer
    email = sign_up_by_api_and_open_dossier(page)
    with app.app_context():
        block = db.session.scalar(db.select(Block).filter_by(code="VIG-01")).id
    award = staff.post("/api/v1/issuing/zao/awards", json={"block_id": block, "email": email})
    assert award.status_code == 201, award.get_data(as_text=True)
    offer = staff.post(f"/api/v1/issuing/zao/credentials/{award.get_json()['id']}/offer",
                       json={}).get_json()
    code = tx_code_mailed(app, email)

    page.goto("/dossier/add")
    page.get_by_role("link", name="Aanbod ontvangen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Een aanbod van een credential ontvangen")
    page.get_by_label("Link van het aanbod").fill("geen link")
    page.get_by_role("button", name="Aanbod bekijken").click()
    expect(page.locator("#offer-link-error, .field--invalid").first).to_be_visible()

    page.get_by_label("Link van het aanbod").fill(offer["offer_uri"])
    page.get_by_role("button", name="Aanbod bekijken").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Wil je deze credential aannemen?")
    expect(heading).to_be_focused()
    expect(page.get_by_role("heading", name="Aangeboden door Zorgacademie Oost")).to_be_visible()

    page.get_by_role("button", name="Aannemen en aan mijn dossier toevoegen").click()
    expect(page.locator(".field--invalid")).to_be_visible()  # the code is asked for first
    page.get_by_label("Code").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Aannemen en aan mijn dossier toevoegen").click()
    expect(page.locator("#offer-error")).to_contain_text("De code is niet geaccepteerd")
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Aannemen en aan mijn dossier toevoegen").click()

    expect(page).to_have_url(re.compile(r"/dossier/\d+$"))
    expect(page.locator(".credential-detail__head .status")).to_have_text("Geverifieerd")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_offer_qr_code_is_scanned_with_the_camera(new_context, catalog, loopback_issuer):
    app, staff = catalog, loopback_issuer
    context = new_context()
    context.add_init_script(FAKE_SCANNER)
    page = context.new_page()
    email = sign_up_by_api_and_open_dossier(page)
    with app.app_context():
        block = db.session.scalar(db.select(Block).filter_by(code="VIG-01")).id
    award = staff.post("/api/v1/issuing/zao/awards", json={"block_id": block, "email": email})
    offer = staff.post(f"/api/v1/issuing/zao/credentials/{award.get_json()['id']}/offer",
                       json={"tx_code": False}).get_json()

    page.goto("/dossier/offer")
    page.get_by_role("button", name="QR-code scannen").click()
    scanner = page.get_by_role("group", name="QR-code scannen")
    page.evaluate("window.__qrText = 'https://example.org/not-an-offer'")
    expect(scanner.get_by_role("alert")).to_contain_text("Dit is geen link van een aanbod")
    page.evaluate(f"window.__qrText = {offer['offer_uri']!r}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wil je deze credential aannemen?")
    expect(page.get_by_label("Code")).to_have_count(0)  # this offer asks for none
    page.get_by_role("button", name="Aannemen en aan mijn dossier toevoegen").click()
    expect(page).to_have_url(re.compile(r"/dossier/\d+$"))
    expect(page.locator(".credential-detail__head .status")).to_have_text("Geverifieerd")
    assert page.evaluate("window.__stream.getTracks().every((t) => t.readyState === 'ended')")
