"""The service worker: installs, serves the shell offline, keeps the last API answers until
sign-out, and offers an update when a new version waits."""
import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import WAIT_FOR_CONTROL, open_tab

pytestmark = pytest.mark.e2e
# Some tests here are about the service worker (offline use, install, update, push).
SERVICE_WORKERS = "allow"


def shell_version(live_server) -> str:
    """The shell cache is named after the version the server writes into sw.js: a new one
    whenever a file of the app changed."""
    with urllib.request.urlopen(f"{live_server}/sw.js") as response:  # noqa: S310 - our own test server
        source = response.read().decode()
    return json.loads(re.search(r"^const BUILD = (.*);$", source, re.M).group(1))["version"]

CACHED_API_URLS = """async () => {
  if (!(await caches.has('ed-api-v1'))) return [];
  const cache = await caches.open('ed-api-v1');
  return (await cache.keys()).map((request) => new URL(request.url).pathname);
}"""


def test_service_worker_installs_and_shell_works_offline(page, context, live_server):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    state = page.evaluate(WAIT_FOR_CONTROL)
    assert state["scope"] == f"{live_server}/"
    assert f"ed-shell-{shell_version(live_server)}" in state["caches"]

    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    expect(page.locator(".banner--offline")).to_be_visible()
    page.goto("/sign-up")  # another client route, never visited online
    expect(page.get_by_role("heading", level=1)).to_have_text("Account aanmaken")
    context.set_offline(False)


def test_profile_offline_from_last_answer_and_dropped_on_sign_out(page, context, api):
    email, password = api.sign_up(display_name="Noor Bakker")
    page.goto("/sign-in")
    page.evaluate(WAIT_FOR_CONTROL)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    open_tab(page, "Profiel")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hallo, Noor Bakker")
    page.reload()  # /api/v1/me now goes through the service worker
    expect(page.get_by_role("heading", level=1)).to_have_text("Hallo, Noor Bakker")
    assert "/api/v1/me" in page.evaluate(CACHED_API_URLS)

    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hallo, Noor Bakker")
    expect(page.locator(".banner--offline")).to_be_visible()
    # signing out needs the network: the learner is told, nothing changes
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("alert")).to_contain_text("internetverbinding")
    context.set_offline(False)

    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    assert page.evaluate(CACHED_API_URLS) == []
    context.set_offline(True)
    page.goto("/profile")  # offline, signed out: no cached profile to show
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    context.set_offline(False)


def test_update_available_prompt(page, pwa_copy, live_server):
    page.goto("/")
    page.evaluate(WAIT_FOR_CONTROL)
    expect(page.locator(".banner--update")).to_have_count(0)
    before = shell_version(live_server)

    # A changed app file is a new version: no number to bump by hand.
    router = pwa_copy / "app" / "core" / "router.js"
    original = router.read_text()
    try:
        router.write_text(original + "\n// a new version\n")
        after = shell_version(live_server)
        assert after != before
        page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
        banner = page.locator(".banner--update")
        expect(banner).to_contain_text("Er is een nieuwe versie van Eigen Dossier.")
        with page.expect_navigation():
            banner.get_by_role("button", name="Nu bijwerken").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
        keys = page.evaluate("caches.keys()")
        assert f"ed-shell-{after}" in keys
        assert f"ed-shell-{before}" not in keys
    finally:
        router.write_text(original)
