"""What a new learner hit on a phone (issue 17, items 4, 5, 7 and 9), at 390 and 320 px: the
report of a badge whose issuer cannot be reached, the route planner's persona and pace, the
voucher's module list, and the smaller edges."""
import io
import json
import re
from datetime import date, timedelta

import pytest
import pyzipper
from playwright.sync_api import expect

from eigendossier.accounts.models import Account
from eigendossier.catalog.models import Block, Run
from eigendossier.core.extensions import db
from eigendossier.routes.models import Enrolment
from tests.credentials_support import hosted_ob2_png, signed_di
from tests.e2e.conftest import (
    PHONE_WIDTHS,
    WAIT_FOR_CONTROL,
    each_phone_width,
    sign_up_by_api,
    sign_up_by_api_and_open_dossier,
)
from tests.e2e.test_dossier import add_file
from tests.e2e.test_routes import CARPENTRY, plan_route, sign_up_by_api_and_open_route
from tests.e2e.test_vouchers import (
    amsterdam_today,
    graduate_email,
    issue,
    sign_up_and_open_vouchers,
    staff,  # noqa: F401 (a fixture)
)
from tests.support import set_seats_taken

pytestmark = pytest.mark.e2e

WIDTHS = (390, 320)


def phone(new_context, width):
    return new_context(viewport={"width": width, "height": 640}).new_page()


def fits(page):
    """Nothing sticks out sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


@pytest.mark.parametrize("width", WIDTHS)
def test_a_badge_whose_issuer_cannot_be_reached_is_reported_without_contradictions(
        new_context, tmp_path, width):
    page = phone(new_context, width)
    email = sign_up_by_api_and_open_dossier(page)
    badge = tmp_path / "edubadge.png"
    badge.write_bytes(hosted_ob2_png(email))
    add_file(page, badge)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Badge van 127.0.0.1:9 (naam niet opgehaald)")
    issuer = page.locator(".fields__row", has_text="Uitgever (onderwijsinstelling)")
    expect(issuer).to_contain_text("Onbekend: de gegevens van de uitgever konden niet worden "
                                   "opgehaald")
    checks = page.locator(".check")
    expect(checks.filter(has_text="Handtekening")).to_have_count(1)
    expect(checks.filter(has_text="Handtekening")).to_contain_text(
        "De kopie van de badge bij de uitgever kon niet worden opgehaald.")
    withdrawal = checks.filter(has_text="Intrekking")
    expect(withdrawal).to_contain_text("Intrekking: niet gecontroleerd")
    expect(withdrawal).to_contain_text("dus we weten niet of hij is ingetrokken")
    expect(page.get_by_text("Credential zonder naam")).to_have_count(0)
    fits(page)
    page.get_by_role("link", name="← Terug naar je dossier").click()
    card = page.locator(".credential-card")
    expect(card).to_contain_text("Badge van 127.0.0.1:9")
    expect(card).to_contain_text("Onbekend")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_planner_opens_on_the_learners_persona_with_a_pace_the_groups_meet(
        new_context, catalog, width):
    page = phone(new_context, width)
    sign_up_by_api_and_open_route(page)
    page.get_by_label("Opleiding").select_option(label=CARPENTRY)
    page.get_by_role("radio", name="Omscholing").check()
    page.get_by_label("Startdatum").fill("2099-01-01")
    plan_route(page)
    expect(page.locator("#route-status")).to_contain_text("Route gevonden")

    # Opened again (nothing kept in the page): the persona is the one planned with.
    page.reload()
    expect(page.get_by_role("radio", name="Omscholing")).to_be_checked()

    page.get_by_role("radio", name="Bijscholing").check()
    # TIM-02's only group asks 24.5 hours a week: the default pace is one that fits.
    expect(page.get_by_label("Hoogstens zoveel uur per week")).to_have_value("25")
    page.get_by_label("Startdatum").fill("2099-01-01")
    plan_route(page)
    expect(page.locator("#route-status")).to_contain_text("Route gevonden")
    timeline = page.get_by_role("list", name="Tijdlijn van je route")
    expect(timeline.get_by_role("heading", level=3)).to_have_count(2)
    expect(timeline).not_to_contain_text("Drukker dan je liever wilt")
    fits(page)


@pytest.fixture
def many_groups(e2e_app, staff):  # noqa: F811
    """Eight more evening groups of TIM-01, a week apart after R-EVE (removed afterwards)."""
    with e2e_app.app_context():
        first = db.session.scalar(db.select(Run).filter_by(code="R-EVE"))
        columns = {c.name: getattr(first, c.name) for c in Run.__table__.columns
                   if c.name not in ("id", "code", "start_date", "end_date", "seats_taken")}
        added = [Run(**columns, code=f"R-EVE-{n}",
                     start_date=first.start_date + timedelta(days=7 * n),
                     end_date=first.end_date + timedelta(days=7 * n)) for n in range(1, 9)]
        db.session.add_all(added)
        db.session.commit()
        ids = [run.id for run in added]
    yield
    with e2e_app.app_context():
        db.session.execute(db.delete(Enrolment).where(Enrolment.run_id.in_(ids)))
        db.session.execute(db.delete(Run).where(Run.id.in_(ids)))
        db.session.commit()


def enrol_directly(e2e_app, email, code):
    with e2e_app.app_context():
        account = db.session.scalar(db.select(Account).filter_by(email=email))
        run = db.session.scalar(db.select(Run).filter_by(code=code))
        db.session.add(Enrolment(account_id=account.id, run_id=run.id))
        set_seats_taken(run, run.seats_taken + 1)
        db.session.commit()
        return run.id


@pytest.mark.parametrize("width", WIDTHS)
def test_the_voucher_module_list_is_short_searchable_and_says_what_is_already_yours(
        new_context, e2e_app, staff, many_groups, width):  # noqa: F811
    email = graduate_email()
    code = issue(staff, email, amsterdam_today() - timedelta(days=400))
    page = phone(new_context, width)
    sign_up_and_open_vouchers(page, email=email)
    enrolled = enrol_directly(e2e_app, email, "R-EVE-1")
    page.get_by_label("Vouchercode").fill(code)
    page.get_by_role("button", name="Voucher toevoegen").click()
    modules = page.get_by_role("group", name="Modules die je met deze voucher kunt volgen")

    # TIM-01 has nine groups: three show, the rest on request.
    tim01 = modules.locator(".vruns__block").filter(has_text="TIM-01 Veilig werken")
    expect(tim01.get_by_role("radio")).to_have_count(3)
    expect(modules.get_by_role("radio")).to_have_count(4)
    mine = tim01.get_by_role("radio").nth(1)
    expect(mine).to_have_accessible_description(re.compile("Hiervoor sta je al ingeschreven"))
    other = tim01.get_by_role("radio").nth(0)
    expect(other).to_have_accessible_description(
        re.compile("Je staat al ingeschreven voor een andere groep van deze module"))
    tim01.get_by_role("button", name="Nog 6 groepen van TIM-01 tonen").click()
    expect(tim01.get_by_role("radio")).to_have_count(9)

    search = page.get_by_label("Zoek een module")
    search.fill("maatvoering")
    expect(page.locator(".vruns__count")).to_have_text("1 groep gevonden.")
    expect(modules.get_by_role("radio")).to_have_count(1)
    search.fill("lassen")
    expect(page.locator(".vruns__count")).to_have_text(
        "Geen module gevonden met \u2018lassen\u2019.")
    search.fill("tim-01 veilig")
    expect(page.locator(".vruns__count")).to_have_text("9 groepen gevonden.")
    fits(page)

    # Redeeming for a module already hers: said before, and refused plainly.
    other.check()
    page.get_by_role("button", name="Verzilveren").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Je staat al ingeschreven voor een andere groep van deze "
                                   "module.")
    dialog.get_by_role("button", name="Ja, verzilveren").click()
    expect(page.locator("#voucher-error")).to_contain_text(
        "Je staat al ingeschreven voor TIM-01 Veilig werken, in een andere groep.")
    with e2e_app.app_context():
        assert db.session.get(Run, enrolled).seats_taken == 1


def csrf(page):
    return next(c["value"] for c in page.context.cookies() if c["name"] == "csrf_token")


CRITERIA = ("# Degree Requirements\n\n- Praktijkexamen\n- **Kennistoets**\n\n"
            "<script>window.__ran = true</script>")


def test_criteria_in_markdown_read_as_text_with_headings_and_lists(new_context):
    page = phone(new_context, PHONE_WIDTHS[0])
    email = sign_up_by_api(page)
    text = json.dumps(signed_di(email, name="Lassen", criteria=CRITERIA,
                                achievement_id="https://roc.example/lassen"))
    added = page.request.post("/api/v1/dossier/credentials", data={"text": text},
                              headers={"X-CSRF-Token": csrf(page)})
    assert added.status == 201, added.text()
    for _width in each_phone_width(page, None):
        page.goto(f"/dossier/{added.json()['id']}")
        criteria = page.locator(".fields__row", has_text="Eisen").locator(".markdown")
        expect(criteria.get_by_role("heading", name="Degree Requirements")).to_be_visible()
        expect(criteria.get_by_role("listitem")).to_have_text(["Praktijkexamen", "Kennistoets"])
        expect(criteria).not_to_contain_text("# Degree")
        expect(criteria.locator("script")).to_have_count(0)
        assert page.evaluate("window.__ran === undefined")
        fits(page)


@pytest.fixture
def care_group(e2e_app):
    """A group of VIG-01 (Verzorgende-IG) next month, removed afterwards."""
    with e2e_app.app_context():
        block = db.session.scalar(db.select(Block).filter_by(code="VIG-01"))
        template = db.session.scalar(db.select(Run).filter_by(code="R-EVE"))
        columns = {c.name: getattr(template, c.name) for c in Run.__table__.columns
                   if c.name not in ("id", "code", "block_id", "institution_id", "start_date",
                                     "end_date", "seats_taken")}
        start = date.today() + timedelta(days=30)
        run = Run(**columns, code="VIG-01-E2E", block_id=block.id,
                  institution_id=block.qualification.institution_id,
                  start_date=start, end_date=start + timedelta(days=35))
        db.session.add(run)
        db.session.commit()
        run_id = run.id
    yield
    with e2e_app.app_context():
        db.session.execute(db.delete(Enrolment).where(Enrolment.run_id == run_id))
        db.session.execute(db.delete(Run).where(Run.id == run_id))
        db.session.commit()


def test_the_carousel_opens_on_the_learners_own_qualification(new_context, e2e_app, catalog,
                                                              care_group):
    page = phone(new_context, PHONE_WIDTHS[0])
    email = sign_up_by_api_and_open_dossier(page)
    enrol_directly(e2e_app, email, "VIG-01-E2E")
    for _width in each_phone_width(page, "/dossier"):
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Rooster").click()
        chosen = page.get_by_label("Opleiding").locator("option:checked")
        expect(chosen).to_have_text("Verzorgende-IG")
        expect(page.get_by_role("list", name="Blokken van Verzorgende-IG in vaste volgorde")
               ).to_be_visible()
        fits(page)


def test_the_exported_index_fits_a_phone(new_context):
    page = phone(new_context, PHONE_WIDTHS[0])
    email = sign_up_by_api(page)
    for name in ("Veilig werken met elektriciteit in een laagspanningsinstallatie", "Lassen"):
        text = json.dumps(signed_di(email, name=name, achievement_id=f"https://roc.example/{name}"))
        page.request.post("/api/v1/dossier/credentials", data={"text": text},
                          headers={"X-CSRF-Token": csrf(page)})
    answer = page.request.post("/api/v1/privacy/export", data={},
                               headers={"X-CSRF-Token": csrf(page)})
    assert answer.status == 200, answer.text()
    with pyzipper.AESZipFile(io.BytesIO(answer.body())) as archive:
        index = archive.read("index.html").decode()
    for _width in each_phone_width(page, None):
        page.goto("about:blank")  # opened from the unpacked zip: none of the app's headers
        page.set_content(index)
        expect(page.get_by_role("heading", level=1)).to_have_text("Mijn gegevens in Eigen Dossier")
        fits(page)
        # Each line says what it is, now that the column headings are out of sight.
        row = page.locator("tbody tr").first
        expect(row.get_by_role("cell", name="Uitgever: ROC Voorbeeld")).to_be_visible()


KEPT_ANSWERS = """async () => {
  const cache = await caches.open('ed-api-v1');
  return (await cache.keys()).map((request) => new URL(request.url).pathname);
}"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.usefixtures("with_service_worker")
def test_offline_every_badge_detail_reads_and_a_share_page_says_it_needs_internet(
        new_context, width):
    context = new_context(viewport={"width": width, "height": 640})
    page = context.new_page()
    page.goto("/")
    page.evaluate(WAIT_FOR_CONTROL)
    email = sign_up_by_api(page)  # the app is loaded again below, with the learner signed in
    ids = []
    for name in ("Lassen", "Solderen"):
        text = json.dumps(signed_di(email, name=name, achievement_id=f"https://roc.example/{name}"))
        added = page.request.post("/api/v1/dossier/credentials", data={"text": text},
                                  headers={"X-CSRF-Token": csrf(page)})
        ids.append(added.json()["id"])
    page.goto("/dossier")
    expect(page.locator(".credential-card")).to_have_count(2)
    wanted = {f"/api/v1/dossier/credentials/{i}" for i in ids}
    page.wait_for_function(f"""async () => {{
      const kept = await ({KEPT_ANSWERS})();
      return {sorted(wanted)!r}.every((path) => kept.includes(path));
    }}""")

    context.set_offline(True)
    page.get_by_role("link", name="Solderen").click()  # never opened online
    expect(page.get_by_role("heading", level=1)).to_have_text("Solderen")
    expect(page.locator(".fields")).to_contain_text("ROC Voorbeeld")
    fits(page)

    page.goto("/s/a-link-an-employer-was-sent")
    # In the browser's language first (English here), then in the other.
    expect(page.get_by_role("heading", level=1)).to_have_text("No internet connection")
    expect(page.get_by_role("heading", name="Geen internetverbinding")).to_be_visible()
    expect(page.get_by_text("alleen met internet te openen")).to_be_visible()
    expect(page.get_by_text("bestaat niet")).to_have_count(0)
    fits(page)
    context.set_offline(False)
