"""The Meldingen tab in Chromium: permission is asked only on a click; the subscription the
page makes reaches the server; a tick sends the reminder to a real (local) push service and
the inbox shows it; the service worker shows a push and opens its view.

Headless Chromium here has no route to a browser push service (FCM), so the browser's own
``pushManager.subscribe()`` cannot succeed: one test checks the page says so gracefully; the
end-to-end path uses a subscription whose endpoint is our local push service (the page's
PushManager answers with it), and the push itself reaches the worker over DevTools."""
import json
import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from eigendossier.accounts.models import Account
from eigendossier.catalog.models import Run
from eigendossier.core.extensions import db
from eigendossier.notifications import reminders, vapid
from eigendossier.routes.models import Enrolment
from tests.e2e.conftest import WAIT_FOR_CONTROL, open_tab, sign_up_by_api_and_open_dossier
from tests.e2e.test_accessibility import assert_no_serious_violations
from tests.support_push import PushService

pytestmark = pytest.mark.e2e
# Some tests here are about the service worker (offline use, install, update, push).
SERVICE_WORKERS = "allow"
# Chromium's headless shell has no Push API and denies notifications: the full browser.
BROWSER = "full"

# 09:00 CET the day before R-EVE starts (Monday 5 January).
DUE = datetime(2099, 1, 4, 8, 0, tzinfo=UTC)

# Counts requestPermission() calls, so a test can tell the page never asked on its own.
COUNT_PERMISSION_REQUESTS = """
window.__permissionRequests = 0;
if (window.Notification) {
  const ask = Notification.requestPermission.bind(Notification);
  Notification.requestPermission = (...args) => {
    window.__permissionRequests += 1;
    return ask(...args);
  };
}
"""

# The browser's PushManager, answering with a subscription to our local push service.
LOCAL_PUSH_MANAGER = """
(() => {
  const fake = __SUBSCRIPTION__;
  const make = (key) => ({
    endpoint: fake.endpoint, expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: key },
    toJSON: () => fake,
    unsubscribe: async () => { localStorage.removeItem('fake-push-key'); return true; },
  });
  const stored = () => {
    const key = localStorage.getItem('fake-push-key');
    return key ? make(Uint8Array.from(JSON.parse(key)).buffer) : null;
  };
  PushManager.prototype.subscribe = async function (options) {
    const key = new Uint8Array(options.applicationServerKey);
    localStorage.setItem('fake-push-key', JSON.stringify(Array.from(key)));
    return stored();
  };
  PushManager.prototype.getSubscription = async function () { return stored(); };
})();
"""


@pytest.fixture(autouse=True)
def _catalogue(catalog):
    """The test catalogue (R-EVE starts on 5 January 2099) on the live server."""


@pytest.fixture
def local_push(e2e_app, monkeypatch):
    """A push service on 127.0.0.1 that the live server may send to (for this test only)."""
    monkeypatch.setitem(e2e_app.config, "OUTBOUND_ALLOW_HTTP", True)
    monkeypatch.setitem(e2e_app.config, "OUTBOUND_ALLOW_PRIVATE", True)
    e2e_app.extensions.pop("eigendossier.push_sender", None)
    with e2e_app.app_context():
        key = vapid.public_key()
    with PushService(key) as push:
        yield push
    e2e_app.extensions.pop("eigendossier.push_sender", None)


def sign_up(page, name="Noor Bakker"):
    """A new learner on the Dossier tab, signed up through the API (notifications, not the
    sign-up form, are tested here)."""
    email = sign_up_by_api_and_open_dossier(page, name=name)
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()
    return email


def open_meldingen(page):
    open_tab(page, "Meldingen")
    expect(page).to_have_url(re.compile(r"/meldingen$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Meldingen")


def enrol_and_tick(app, email):
    """Enrol the learner in R-EVE (directly) and run the scheduler tick at the 1-day moment."""
    with app.app_context():
        account_id = db.session.scalar(db.select(Account.id).filter_by(email=email))
        run_id = db.session.scalar(db.select(Run.id).filter_by(code="R-EVE"))
        db.session.add(Enrolment(account_id=account_id, run_id=run_id,
                                 created_at=datetime(2020, 1, 1, tzinfo=UTC)))
        db.session.commit()
        try:
            return reminders.tick(DUE)
        finally:
            db.session.remove()


def test_asks_only_on_a_click_and_a_no_is_handled(new_context):
    context = new_context()  # no permission granted: the browser's answer is "no"
    context.add_init_script(COUNT_PERMISSION_REQUESTS)
    page = context.new_page()
    sign_up(page)
    open_meldingen(page)
    expect(page.get_by_text("Nog geen berichten.", exact=False)).to_be_visible()
    assert page.evaluate("window.__permissionRequests") == 0, "never asked on load"
    assert page.evaluate("Notification.permission") == "default"
    page.get_by_role("button", name="Meldingen aanzetten").click()
    expect(page.locator("#push-error")).to_contain_text("Je hebt geen toestemming gegeven.")
    assert page.evaluate("window.__permissionRequests") == 1


def test_chromiums_own_push_service_is_out_of_reach_and_that_is_said(new_context, api):
    context = new_context()
    context.grant_permissions(["notifications"])
    page = context.new_page()
    page.goto("/")
    page.evaluate(WAIT_FOR_CONTROL)
    sign_up(page)
    open_meldingen(page)
    page.get_by_role("button", name="Meldingen aanzetten").click()
    devices = page.get_by_role("region", name="Apparaten met meldingen")
    failed = page.locator("#push-error").get_by_text("Meldingen konden niet worden aangezet")
    expect(failed.or_(devices.get_by_text("Dit apparaat"))).to_be_visible(timeout=30_000)
    if failed.is_visible():  # no network to FCM: the inbox stays the way in
        expect(page.get_by_role("button", name="Meldingen aanzetten")).to_be_visible()
        expect(devices.get_by_text("Nog geen apparaten.")).to_be_visible()


def test_subscribe_then_a_tick_brings_the_reminder(e2e_app, new_context, local_push):
    fake = local_push.subscribe("chromium")
    context = new_context(bypass_csp=True)  # for axe
    context.grant_permissions(["notifications"])
    context.add_init_script(LOCAL_PUSH_MANAGER.replace("__SUBSCRIPTION__",
                                                       json.dumps(fake.to_json())))
    page = context.new_page()
    page.goto("/")
    page.evaluate(WAIT_FOR_CONTROL)
    email = sign_up(page)
    open_meldingen(page)
    page.get_by_role("button", name="Meldingen aanzetten").click()
    # The spoken confirmation is transient (the view re-renders with the device list):
    # assert the lasting outcome.
    devices = page.get_by_role("region", name="Apparaten met meldingen")
    expect(devices.get_by_text("Dit apparaat")).to_be_visible()
    expect(page.get_by_text("Meldingen staan aan op dit apparaat.")).to_be_visible()

    result = enrol_and_tick(e2e_app, email)
    assert result.claimed >= 1
    [message] = local_push.delivered("chromium")  # VAPID checked, body decrypted
    assert message.payload["title"] == "Je module begint morgen"
    assert message.payload["url"] == "/rooster"

    page.reload()
    inbox = page.get_by_role("region", name="Berichten")
    expect(inbox.get_by_role("heading", name="Je module begint morgen")).to_be_visible()
    expect(inbox).to_contain_text(
        "Veilig werken begint op maandag 5 januari 2099 om 18:30, Bouwlaan 12.")
    expect(page.locator("#inbox-count")).to_have_text("1 ongelezen bericht")
    assert_no_serious_violations(page, "meldingen")
    inbox.get_by_role("button", name="Markeer „Je module begint morgen” als gelezen").click()
    expect(page.locator("#inbox-count")).to_have_text("Alles gelezen.")
    inbox.get_by_role("link", name="Bekijken").click()
    expect(page).to_have_url(re.compile(r"/rooster$"))

    # The same message through the service worker: shown, tagged with the inbox entry. The push
    # goes to the registration whose activated worker controls this page (the browser reports
    # the registrations and versions just after ServiceWorker.enable).
    cdp = context.new_cdp_session(page)
    page_target = cdp.send("Target.getTargetInfo")["targetInfo"]["targetId"]
    versions, worker_errors = [], []
    cdp.on("ServiceWorker.workerVersionUpdated", lambda event: versions.extend(event["versions"]))
    cdp.on("ServiceWorker.workerErrorReported",
           lambda event: worker_errors.append(event["errorMessage"]))
    cdp.send("ServiceWorker.enable")

    def controlling():
        return [v["registrationId"] for v in versions
                if v["status"] == "activated" and page_target in v.get("controlledClients", [])]

    for _ in range(250):  # up to 5 s: waits for the events, not a fixed time
        if controlling():
            break
        page.wait_for_timeout(20)
    assert controlling(), f"no activated worker controls the page: {versions}"
    origin = page.evaluate("location.origin")
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": origin, "registrationId": controlling()[-1],
        "data": json.dumps(message.payload)})
    shown = page.evaluate("""async () => {
      const registration = await navigator.serviceWorker.ready;
      for (let i = 0; i < 150; i += 1) {
        const found = await registration.getNotifications();
        if (found.length) {
          return found.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data }));
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return [];
    }""")
    assert shown == [{"title": "Je module begint morgen", "body": message.payload["body"],
                      "tag": message.payload["tag"], "data": {"url": "/rooster"}}], (
        f"worker errors: {worker_errors}")


def test_remove_a_device(e2e_app, new_context, local_push):
    fake = local_push.subscribe("laptop")
    context = new_context()
    context.grant_permissions(["notifications"])
    context.add_init_script(LOCAL_PUSH_MANAGER.replace("__SUBSCRIPTION__",
                                                       json.dumps(fake.to_json())))
    page = context.new_page()
    page.goto("/")
    page.evaluate(WAIT_FOR_CONTROL)
    sign_up(page)
    open_meldingen(page)
    page.get_by_role("button", name="Meldingen aanzetten").click()
    devices = page.get_by_role("region", name="Apparaten met meldingen")
    expect(devices.get_by_role("listitem")).to_have_count(1)
    devices.get_by_role("button", name=re.compile("^Verwijderen: ")).click()
    expect(devices.get_by_text("Nog geen apparaten.")).to_be_visible()
    expect(page.get_by_role("button", name="Meldingen aanzetten")).to_be_visible()
