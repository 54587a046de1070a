"""Mijn leerweg and Rooster: plan a route through the carousel, save it, enrol in all its
modules, see them in the schedule, put the schedule in a calendar; an impossible route says
why and offers a relaxation; a full module is reported; axe finds nothing serious."""
import json
import os
import re

import pytest
from playwright.sync_api import expect

from eigendossier.catalog.models import Run
from eigendossier.core.extensions import db
from tests.e2e.conftest import PASSWORD, WAIT_FOR_CONTROL, open_tab, sign_up_by_api
from tests.e2e.test_accessibility import assert_no_serious_violations, no_horizontal_scroll
from tests.support import set_seats_taken

pytestmark = pytest.mark.e2e

CARPENTRY = "Timmerman (niveau 2, Techniek College Rijnmond)"
BLOCKS = ["TIM-01 Veilig werken", "TIM-02 Maatvoering"]
CAROUSEL = "Blokken van Timmerman in vaste volgorde"


@pytest.fixture(autouse=True)
def _catalogue(catalog):
    """Every test here needs the test catalogue (runs in 2099) on the live server."""


def sign_up(page, name="Kees Timmer"):
    """Sign up through the form, then open Route: for the offline start right after signing up.
    Other tests use sign_up_by_api_and_open_route."""
    page.goto("/sign-up")
    page.get_by_label("Naam").fill(name)
    page.get_by_label("E-mailadres").fill(f"{name.split()[0].lower()}-{os.urandom(4).hex()}@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Account aanmaken").click()
    page.get_by_role("button", name="Verder naar mijn dossier").click()
    # signed up: the app opens its first tab; go to Route
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Route").click()
    expect(page).to_have_url(re.compile(r"/route$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn leerweg")


def sign_up_by_api_and_open_route(page, name="Kees Timmer"):
    """A new learner (signed up through the API: see sign_up_by_api) on the Route tab, for
    tests of the planner rather than of signing up."""
    sign_up_by_api(page, name=name)
    page.goto("/route")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn leerweg")


def choose_carpentry_as_upskilling(page, start="2099-01-01"):
    page.get_by_label("Opleiding").select_option(label=CARPENTRY)
    page.get_by_role("radio", name="Bijscholing").check()
    page.get_by_label("Startdatum").fill(start)


def plan_route(page):
    page.get_by_role("button", name="Plan mijn route").click()


def test_plan_save_enrol_schedule_and_calendar(page, context, api):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_up_by_api_and_open_route(page)
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    expect(nav.get_by_role("link", name="Route")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Rooster")).to_be_visible()

    # the five personas, each with its explanation and recognition
    personas = page.get_by_role("group", name="Wat past bij jou?")
    for name in ("Initieel onderwijs", "Voorschakelen", "Bijscholing", "Omscholing", "Opscholing"):
        expect(personas.get_by_role("radio", name=name, exact=True)).to_have_count(1)
    choose_carpentry_as_upskilling(page)
    expect(page.get_by_role("radio", name="Bijscholing")).to_have_accessible_description(
        re.compile("naast je werk.*Waardering: Erkenning na afronding")
    )

    # a working adult's defaults: evenings and weekends, and that is a must
    times = page.get_by_role("group", name="Lestijden", exact=True)
    expect(times.get_by_label("’s Avonds")).to_be_checked()
    expect(times.get_by_label("Weekend")).to_be_checked()
    expect(times.get_by_label("Overdag")).not_to_be_checked()
    expect(times.get_by_role("radio", name="Moet")).to_be_checked()
    expect(page.get_by_label("Hoogstens zoveel blokken tegelijk")).to_have_value("1")

    plan_route(page)
    expect(page.locator("#route-status")).to_have_text("Route gevonden: klaar op 11 april 2099.")
    heading = page.get_by_role("heading", name="Jouw route: klaar op 11 april 2099")
    expect(heading).to_be_focused()
    timeline = page.get_by_role("list", name="Tijdlijn van je route")
    expect(timeline.get_by_role("heading", level=3)).to_have_text(BLOCKS)
    expect(timeline).to_contain_text("’s avonds, di en do 18:30–21:30")
    expect(timeline).to_contain_text("Dit is de eerste start die past.")
    expect(timeline).to_contain_text(
        "Begint na TIM-01 Veilig werken, dat op 13 februari 2099 klaar is."
    )
    expect(page.get_by_text("2 blokken · 7,5 EC · 210 uur")).to_be_visible()

    page.get_by_role("button", name="Route opslaan").click()
    expect(page.locator("#result-status")).to_contain_text("Je route is opgeslagen.")
    saved = page.get_by_role("region", name="Mijn opgeslagen routes")
    expect(saved.get_by_role("heading", name="Timmerman")).to_be_visible()

    page.get_by_role("button", name="Inschrijven voor alle modules", exact=True).click()
    dialog = page.get_by_role("dialog", name="Inschrijven voor alle modules?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("TIM-01 Veilig werken")
    expect(dialog).to_contain_text("TIM-02 Maatvoering")
    expect(dialog.get_by_role("button", name="Ja, schrijf me in")).to_be_focused()
    dialog.get_by_role("button", name="Ja, schrijf me in").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#result-status")).to_contain_text("Je bent ingeschreven voor 2 modules.")
    expect(saved).to_contain_text("Je bent ingeschreven.")

    page.locator("#result-status").get_by_role("link", name="Bekijk je rooster").click()
    expect(page).to_have_url(re.compile(r"/rooster$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Rooster")
    expect(page).to_have_title("Rooster – Eigen Dossier")
    mine = page.get_by_role("region", name="Mijn rooster")
    expect(mine.get_by_role("heading", level=3)).to_have_text(BLOCKS)
    expect(mine).to_contain_text("5 jan – 13 feb 2099")
    expect(mine).to_contain_text("18:30–21:30")
    expect(mine).to_contain_text("Tijden zijn Nederlandse tijd (Europe/Amsterdam).")

    # the carousel: blocks in their fixed order, with upcoming runs, mine marked
    blocks = page.get_by_role("list", name=CAROUSEL)
    expect(blocks.get_by_role("heading", level=3)).to_have_text(BLOCKS)
    expect(blocks.get_by_text("Ingeschreven")).to_have_count(2)
    expect(page.locator("svg.ring")).to_have_attribute("aria-hidden", "true")

    # the calendar link: shown once, webcal, copy, and it can be stopped
    calendar = page.get_by_role("region", name="Zet in mijn agenda")
    calendar.get_by_role("button", name="Maak mijn agenda-link").click()
    link = calendar.get_by_label("Je agenda-link")
    expect(link).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/ical/[\w-]+\.ics$"))
    url = link.input_value()
    expect(calendar.get_by_role("link", name="Open in je agenda-app")).to_have_attribute(
        "href", url.replace("http://", "webcal://")
    )
    ics = api.request.get(url)
    assert ics.status == 200
    assert ics.headers["content-type"].startswith("text/calendar")
    assert "Veilig werken" in ics.text()
    calendar.get_by_role("button", name="Kopieer link").click()
    expect(calendar.get_by_role("status")).to_have_text("De link is gekopieerd.")
    calendar.get_by_role("button", name="Stop deze link").click()
    expect(calendar.get_by_role("status")).to_have_text("De agenda-link werkt niet meer.")
    expect(calendar.get_by_label("Je agenda-link")).to_have_count(0)
    assert api.request.get(url).status == 404

    # cancel one enrolment
    mine.get_by_role("button", name="Uitschrijven voor TIM-02 Maatvoering").click()
    confirm = page.get_by_role("dialog", name="Uitschrijven voor TIM-02 Maatvoering?")
    confirm.get_by_role("button", name="Ja, schrijf me uit").click()
    expect(mine.get_by_role("status")).to_have_text(
        "Je bent uitgeschreven voor TIM-02 Maatvoering."
    )
    expect(mine.get_by_role("heading", level=3)).to_have_text(["TIM-01 Veilig werken"])


def test_no_route_shows_causes_and_a_relaxation_to_apply(page):
    sign_up_by_api_and_open_route(page, name="Mila Daglicht")
    choose_carpentry_as_upskilling(page)
    times = page.get_by_role("group", name="Lestijden", exact=True)
    times.get_by_label("’s Avonds").uncheck()
    times.get_by_label("Weekend").uncheck()
    times.get_by_label("Overdag").check()
    expect(times.get_by_role("radio", name="Moet")).to_be_checked()
    plan_route(page)

    result = page.get_by_role("region", name="Geen route die past")
    expect(result).to_be_visible()
    expect(page.locator("#route-none")).to_contain_text(
        "Er is geen route die past bij je keuzes."
    )
    expect(result.get_by_role("heading", level=2)).to_be_focused()
    expect(result).to_contain_text(
        "TIM-01 Veilig werken is alleen ’s avonds te volgen, en je lestijd moet overdag zijn."
    )
    relaxation = result.get_by_role("listitem").filter(has_text="Ook ’s avonds")
    expect(relaxation).to_contain_text("klaar op 11 april 2099")
    relaxation.get_by_role("button", name="Pas toe: Ook ’s avonds").click()

    expect(page.locator("#route-status")).to_have_text("Route gevonden: klaar op 11 april 2099.")
    expect(times.get_by_role("radio", name="Liever")).to_be_checked()  # the change is in the form
    timeline = page.get_by_role("list", name="Tijdlijn van je route")
    expect(timeline.get_by_role("heading", level=3)).to_have_count(2)
    # the soft preference it now breaks is said in plain words
    expect(page.get_by_text("Niet alles past bij je voorkeuren:")).to_be_visible()
    expect(timeline).to_contain_text("je had liever overdag")


def test_a_full_module_books_nothing_and_says_so(page, catalog):
    sign_up_by_api_and_open_route(page, name="Vera Vol")
    choose_carpentry_as_upskilling(page)
    plan_route(page)
    expect(page.locator("#route-status")).to_contain_text("Route gevonden")
    page.get_by_role("button", name="Route opslaan").click()
    expect(page.locator("#result-status")).to_contain_text("Je route is opgeslagen.")

    with catalog.app_context():  # someone else takes the last seats of TIM-02 meanwhile
        run = db.session.scalar(db.select(Run).filter_by(code="R-WKD"))
        taken = run.seats_taken
        set_seats_taken(run, run.seats_total)
        db.session.commit()
    try:
        enrol = page.get_by_role("button", name="Inschrijven voor alle modules", exact=True)
        enrol.click()
        yes = page.get_by_role("dialog").get_by_role("button", name="Ja, schrijf me in")
        expect(yes).to_be_focused()
        page.keyboard.press("Escape")  # changed my mind: nothing happens, focus comes back
        expect(page.get_by_role("dialog")).to_be_hidden()
        expect(enrol).to_be_focused()
        enrol.press("Enter")
        page.get_by_role("dialog").get_by_role("button", name="Ja, schrijf me in").click()
        alert = page.locator("#result-error")
        expect(alert).to_have_attribute("role", "alert")
        expect(alert).to_contain_text("Een module is vol")
        expect(alert).to_contain_text("Er is niets geboekt.")
    finally:
        with catalog.app_context():
            run = db.session.scalar(db.select(Run).filter_by(code="R-WKD"))
            set_seats_taken(run, taken)
            db.session.commit()
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Rooster").click()
    expect(page.get_by_role("region", name="Mijn rooster")).to_contain_text(
        "Je bent nog nergens voor ingeschreven."
    )


def test_english_phrasing_and_keyboard_strictness_toggle(page):
    sign_up_by_api_and_open_route(page, name="Sam Keyboard")
    open_tab(page, "Profiel")
    page.get_by_label("Taal").select_option("en")
    page.get_by_label("Tijdzone").select_option("Europe/London")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Route").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My learning route")
    # the first persona is chosen, with its default preferences
    expect(page.get_by_role("radio", name="Initial education")).to_be_checked()
    daytime = page.get_by_role("group", name="Lesson times", exact=True).get_by_label("Daytime")
    expect(daytime).to_be_checked()

    page.get_by_label("Programme").select_option(
        label="Carpenter (level 2, Techniek College Rijnmond)"
    )
    page.get_by_role("radio", name="Upskilling").check()
    page.get_by_label("Start date").fill("2099-01-01")
    times = page.get_by_role("group", name="Lesson times", exact=True)
    must = times.get_by_role("radio", name="Must")
    expect(must).to_be_checked()
    must.focus()
    page.keyboard.press("ArrowLeft")  # arrow keys move within the radio pair
    expect(times.get_by_role("radio", name="Preferred")).to_be_checked()
    expect(times.get_by_role("radio", name="Preferred")).to_be_focused()

    page.get_by_role("button", name="Plan my route").click()
    expect(page.locator("#route-status")).to_have_text("Route found: finished on 11 April 2099.")
    timeline = page.get_by_role("list", name="Timeline of your route")
    expect(timeline.get_by_role("heading", level=3)).to_have_text(
        ["TIM-01 Working safely", "TIM-02 Measuring"]
    )
    expect(timeline).to_contain_text(
        "Starts after TIM-01 Working safely, which ends on 13 February 2099."
    )
    # lesson times are Amsterdam's; a learner in London also sees their own
    expect(timeline).to_contain_text(
        "in the evening, Tue and Thu 18:30–21:30 (17:30–20:30 your time)"
    )


@pytest.mark.usefixtures("with_service_worker")
def test_schedule_works_offline_from_what_was_loaded(page, context):
    page.goto("/sign-up")
    page.evaluate(WAIT_FOR_CONTROL)
    sign_up(page, name="Olga Offline")  # no reload after signing up: the app must start offline
    choose_carpentry_as_upskilling(page)
    plan_route(page)
    page.get_by_role("button", name="Route opslaan").click()
    page.get_by_role("button", name="Inschrijven voor alle modules", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="Ja, schrijf me in").click()
    expect(page.locator("#result-status")).to_contain_text("Je bent ingeschreven")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Rooster").click()
    mine = page.get_by_role("region", name="Mijn rooster")
    expect(mine.get_by_role("heading", level=3)).to_have_count(2)
    expect(page.get_by_role("list", name=CAROUSEL)).to_be_visible()

    context.set_offline(True)
    try:
        page.reload()
        expect(page.locator(".banner--offline")).to_be_visible()
        expect(mine.get_by_role("heading", level=3)).to_have_text(BLOCKS)
        expect(page.get_by_role("list", name=CAROUSEL)).to_be_visible()
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Route").click()
        saved = page.get_by_role("region", name="Mijn opgeslagen routes")
        expect(saved.get_by_role("heading", name="Timmerman")).to_be_visible()
        # planning needs the server: the learner is told, nothing breaks
        plan_route(page)
        expect(page.locator("#route-error")).to_contain_text("internetverbinding")
    finally:
        context.set_offline(False)


def test_axe_and_320_px_on_route_and_rooster(new_context):
    page = new_context(bypass_csp=True, viewport={"width": 320, "height": 640}).new_page()
    sign_up_by_api_and_open_route(
        page, name="Bartholomeus Wilhelmina van Oldenbarnevelt-Schimmelpenninck")
    expect(page.get_by_role("radio", name="Bijscholing")).to_be_visible()
    no_horizontal_scroll(page)
    assert_no_serious_violations(page, "route")

    choose_carpentry_as_upskilling(page)
    plan_route(page)
    expect(page.get_by_role("list", name="Tijdlijn van je route")).to_be_visible()
    no_horizontal_scroll(page)
    assert_no_serious_violations(page, "route with a plan")
    page.get_by_role("button", name="Route opslaan").click()
    page.get_by_role("button", name="Inschrijven voor alle modules", exact=True).click()
    expect(page.get_by_role("dialog")).to_be_visible()
    assert_no_serious_violations(page, "enrol dialog")
    page.get_by_role("dialog").get_by_role("button", name="Ja, schrijf me in").click()
    expect(page.locator("#result-status")).to_contain_text("Je bent ingeschreven")

    page.get_by_role("group", name="Lestijden", exact=True).get_by_label("Overdag").check()
    page.get_by_role("group", name="Lestijden", exact=True).get_by_label("’s Avonds").uncheck()
    page.get_by_role("group", name="Lestijden", exact=True).get_by_label("Weekend").uncheck()
    plan_route(page)
    expect(page.get_by_role("region", name="Geen route die past")).to_be_visible()
    no_horizontal_scroll(page)
    assert_no_serious_violations(page, "route without a route")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Rooster").click()
    expect(page.get_by_role("list", name=CAROUSEL)).to_be_visible()
    page.get_by_role("button", name="Maak mijn agenda-link").click()
    expect(page.get_by_label("Je agenda-link")).to_be_visible()
    no_horizontal_scroll(page)
    assert_no_serious_violations(page, "rooster")


def test_alternatives_later_but_fitting_better(page):
    """The test catalogue has one route only: add an alternative to the server's answer, and
    let it say the search stopped at its step limit."""
    def with_alternative(route):
        answer = route.fetch().json()
        alternative = json.loads(json.dumps(answer["plan"]))
        alternative["choices"][1].update(start="2099-04-25", end="2099-05-30")
        alternative.update(finish="2099-05-30", score=0, violations=[], trade={
            "code": "later_finish_better_preferences", "days_later": 49, "score": 0,
            "score_gain": 1,
        })
        answer["alternatives"] = [alternative]
        answer["plan"].update(optimal=False, finish_lower_bound="2099-03-28")
        answer["alternatives_complete"] = False
        route.fulfill(json=answer)

    page.route("**/api/v1/routes/plan", with_alternative)
    sign_up_by_api_and_open_route(page, name="Alex Ander")
    choose_carpentry_as_upskilling(page)
    plan_route(page)
    choice = page.get_by_role("group", name="Kies je route")
    fastest = choice.get_by_role("radio", name="Snelste route")
    expect(fastest).to_be_checked()
    # the search ran out of steps: the answer says it is not proven, nor the list complete
    result = page.locator(".result")
    expect(result).to_contain_text("misschien kun je al op 28 maart 2099 klaar zijn")
    expect(result).to_contain_text("Er zijn misschien meer alternatieven dan hier staan")
    expect(choice).to_contain_text(
        "49 dagen later klaar, past beter bij je voorkeuren: klaar op 30 mei 2099"
    )
    choice.get_by_role("radio", name="Alternatief 1").check()
    later = page.get_by_role("heading", level=2, name="Jouw route: klaar op 30 mei 2099")
    expect(later).to_be_visible()
    expect(page.get_by_text("Past bij al je voorkeuren.")).to_be_visible()

    # saving sends the chosen alternative; this server has none, and says so
    with page.expect_request("**/api/v1/routes") as saved:
        page.get_by_role("button", name="Route opslaan").click()
    assert saved.value.post_data_json["choice"] == 1
    expect(page.locator("#result-error")).to_contain_text("Er past geen leerweg bij deze keuzes")


def test_the_next_learner_on_this_device_sees_nothing_of_the_last(page):
    sign_up_by_api_and_open_route(page, name="Anna Eerst")
    choose_carpentry_as_upskilling(page)
    plan_route(page)
    page.get_by_role("button", name="Route opslaan").click()
    expect(page.locator("#result-status")).to_contain_text("Je route is opgeslagen.")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    nav.get_by_role("link", name="Rooster").click()
    page.get_by_role("button", name="Maak mijn agenda-link").click()
    expect(page.get_by_label("Je agenda-link")).to_be_visible()
    open_tab(page, "Profiel")
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))

    # no reload: the app (and what it keeps in memory) stays loaded for the next learner
    page.get_by_role("link", name="Account aanmaken").click()
    page.get_by_label("Naam").fill("Bram Daarna")
    page.get_by_label("E-mailadres").fill(f"bram-{os.urandom(4).hex()}@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Account aanmaken").click()
    page.get_by_role("button", name="Verder naar mijn dossier").click()
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Route").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn leerweg")
    expect(page.get_by_role("list", name="Tijdlijn van je route")).to_have_count(0)
    expect(page.get_by_role("region", name="Mijn opgeslagen routes")).to_contain_text(
        "Je hebt nog geen route opgeslagen."
    )
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Rooster").click()
    expect(page.get_by_role("button", name="Maak mijn agenda-link")).to_be_visible()
    expect(page.get_by_label("Je agenda-link")).to_have_count(0)
