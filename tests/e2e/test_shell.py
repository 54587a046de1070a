"""The shell loads what the screen shows and no more (issue 17): the sign-in screen loads no
view of the signed-in app, every file comes by its content-hashed URL, a signed-in learner's
cold /dossier stays within 150 KB on the wire, and once the page has settled the service
worker precaches the rest, so a tab never opened works offline."""
import re
import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, WAIT_FOR_CONTROL

pytestmark = pytest.mark.e2e
# Some tests here are about the service worker (offline use, install, update, push).
SERVICE_WORKERS = "allow"

HASHED = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")
SIGNED_IN_VIEWS = ("/app/dossier/", "/app/routes/", "/app/schedule/", "/app/vouchers/",
                   "/app/notifications/", "/app/sharing/", "/app/privacy/",
                   "/app/accounts/profile.")
# The other tabs' screens: not part of a cold /dossier, precached once the page has settled.
OTHER_TABS = ("/app/routes/view.", "/app/schedule/", "/app/vouchers/view.",
              "/app/notifications/view.", "/app/accounts/profile.")
# When the page asked the service worker for the rest of the app (epoch ms).
REST_ASKED = """() => {
  const mark = performance.getEntriesByName('ed-precache-rest')[0];
  return mark && performance.timeOrigin + mark.startTime;
}"""
# Resolves once the service worker's cache holds the Route tab's module.
ROUTE_VIEW_PRECACHED = """async () => {
  for (let tries = 0; tries < 100; tries += 1) {
    for (const name of await caches.keys()) {
      if (!name.startsWith('ed-shell-')) continue;
      const keys = await (await caches.open(name)).keys();
      const paths = keys.map((request) => new URL(request.url).pathname);
      if (paths.some((path) => path.startsWith('/app/routes/view.'))) return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}"""


def test_the_sign_in_screen_loads_no_view_of_the_signed_in_app(page):
    loaded = []
    page.on("request", lambda request: loaded.append(urlsplit(request.url).path))
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    page.evaluate(WAIT_FOR_CONTROL)

    files = [path for path in loaded
             if path.startswith(("/app/", "/vendor/", "/styles/", "/i18n/"))]
    assert any(path.startswith("/app/accounts/welcome.") for path in files)  # sign-in's module
    assert [path for path in files if not HASHED.search(path)] == []
    assert [path for path in files if path.startswith(SIGNED_IN_VIEWS)] == []


def test_after_sign_in_a_tab_never_opened_works_offline(page, context):
    page.goto("/sign-up")
    page.evaluate(WAIT_FOR_CONTROL)
    page.get_by_label("Naam").fill("Olga Offline")
    page.get_by_label("E-mailadres").fill("olga-shell@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Account aanmaken").click()
    page.get_by_role("button", name="Verder naar mijn dossier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossier")
    assert page.evaluate(ROUTE_VIEW_PRECACHED)

    context.set_offline(True)
    try:
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Route").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Mijn leerweg")
        expect(page.locator(".banner--offline")).to_be_visible()
    finally:
        context.set_offline(False)


def test_a_screen_not_yet_loaded_offline_says_so_in_dutch(page, context):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    page.evaluate(WAIT_FOR_CONTROL)
    context.set_offline(True)
    try:
        # a mail link's page: precached after sign-in only, it needs the network anyway
        page.goto("/reset-password")
        expect(page.get_by_role("alert")).to_have_text(
            "Dit deel van de app kon niet worden geladen. Controleer je internetverbinding "
            "en probeer het opnieuw.")
    finally:
        context.set_offline(False)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


class Served:
    """WSGI middleware: every response the server sends, as (path, bytes on the wire: status
    line, headers and body, when it was asked for in epoch ms); the service worker's requests
    included."""

    def __init__(self, app):
        self.app, self.responses = app, []

    def __call__(self, environ, start_response):
        head = []

        def counting_start(status, headers, exc_info=None):
            head.append(len(f"HTTP/1.1 {status}\r\n") + 2
                        + sum(len(f"{key}: {value}\r\n") for key, value in headers))
            return start_response(status, headers, exc_info)

        started, body = time.time() * 1000, 0
        result = self.app(environ, counting_start)
        try:
            for chunk in result:
                body += len(chunk)
                yield chunk
        finally:
            if hasattr(result, "close"):
                result.close()
            self.responses.append((environ.get("PATH_INFO", ""), body + sum(head), started))


def test_a_cold_dossier_stays_within_150_kb_and_the_rest_follows_once_settled(
        page, context, api, e2e_app, monkeypatch):
    email, password = api.sign_up(display_name="Sanne de Vries")
    answer = api.request.post("/api/v1/session", data={"email": email, "password": password},
                              headers={"X-CSRF-Token": api.csrf()})
    assert answer.ok, answer.text()
    context.add_cookies([cookie for cookie in api.request.storage_state()["cookies"]
                         if cookie["name"] == "ed_session"])
    served = Served(e2e_app.wsgi_app)
    monkeypatch.setattr(e2e_app, "wsgi_app", served)

    page.goto("/dossier")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossier")
    expect(page.get_by_role("heading", name="Microcredentials en badges")).to_be_visible()
    page.evaluate(WAIT_FOR_CONTROL)
    page.wait_for_function(f"() => Boolean(({REST_ASKED})())")
    asked = page.evaluate(REST_ASKED)

    cold = [(path, size) for path, size, started in served.responses if started < asked]
    assert "/api/v1/dossier/credentials" in [path for path, _ in cold]
    assert sum(size for _, size in cold) <= 150_000, cold
    assert [path for path, _ in cold if path.startswith(OTHER_TABS)] == []
    assert page.evaluate(ROUTE_VIEW_PRECACHED)  # then the rest, for offline use
