"""The route screen's progress card in real Chromium: a learner with TIM-01 awarded sees
3 of 7.5 EC, TIM-02 to go with its next start, makes a transcript (CLR) that lands verified
in the dossier, and axe finds no violation on the card."""
import re
import uuid

import pytest
from playwright.sync_api import expect

from eigendossier.catalog.models import Block
from eigendossier.core.extensions import db
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_accessibility import assert_no_violations
from tests.e2e.test_staff_awards import sign_in
from tests.support import ApiClient, sign_up

pytestmark = pytest.mark.e2e


@pytest.fixture
def learner_with_tim_01(catalog):
    """A learner holding the award of TIM-01 from Techniek College Rijnmond."""
    app = catalog
    runner = app.test_cli_runner()
    assert runner.invoke(args=["issuing", "create-key", "tcr"]).exit_code == 0
    staff_email = f"docent-{uuid.uuid4().hex[:8]}@example.org"
    assert runner.invoke(args=["accounts", "create-staff", "--email", staff_email, "--name",
                               "Pieter", "--institution", "tcr", "--password",
                               PASSWORD]).exit_code == 0
    email = f"noor-{uuid.uuid4().hex[:8]}@example.org"
    sign_up(ApiClient(app, app.response_class, use_cookies=True), email=email,
            display_name="Noor", password=PASSWORD, verified=True)
    staff = ApiClient(app, app.response_class, use_cookies=True)
    staff.post("/api/v1/session", json={"email": staff_email, "password": PASSWORD})
    with app.app_context():
        block = db.session.scalar(db.select(Block.id).filter_by(code="TIM-01"))
    awarded = staff.post("/api/v1/issuing/tcr/awards", json={"block_id": block, "email": email})
    assert awarded.status_code == 201, awarded.get_data(as_text=True)
    return email


def test_progress_card_and_a_transcript_into_the_dossier(new_context, learner_with_tim_01):
    page = new_context(bypass_csp=True).new_page()
    sign_in(page, learner_with_tim_01)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Route").click()
    expect(page).to_have_url(re.compile(r"/route$"))
    progress = page.get_by_role("region", name="Mijn voortgang")
    expect(progress.get_by_role("heading", name="Timmerman")).to_be_visible()
    expect(progress.get_by_role("progressbar", name="3 van 7,5 EC behaald")).to_be_visible()
    to_go = progress.get_by_role("list", name="Nog te volgen onderdelen: 1")
    expect(to_go.get_by_role("listitem")).to_have_text(
        "TIM-02 Maatvoering (4,5 EC): start weer op 7 maart 2099")
    assert_no_violations(page, "route with progress")

    progress.get_by_role("button", name="Maak een transcript (CLR)").click()
    expect(progress.get_by_role("status")).to_contain_text(
        "Je school heeft het transcript ondertekend")
    progress.get_by_role("link", name="Naar mijn dossier").click()
    expect(page.get_by_text("Transcript Timmerman").first).to_be_visible()
