"""End-to-end fixtures: the real app on a live local server, driven by Debian's Chromium.

One server and one browser per test session (Chromium's headless shell, plus the full
Chromium for a module that asks for it: see HEADLESS_SHELL); a fresh browser context (cookies,
storage, service workers) per test. The server serves a copy of pwa/ so that one test can publish a
"new version" of the service worker without touching the working tree.
"""
import logging
import os
import shutil
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from eigendossier import create_app
from eigendossier.core.extensions import db, limiter
from tests.conftest import CHEAP_PASSWORD_HASHING
from tests.support import serve_in_thread

ROOT = Path(__file__).resolve().parents[2]
PWA_DIR = ROOT / "pwa"
DOCS_DIR = ROOT / "docs"
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
CHROMIUM = os.environ.get("EIGENDOSSIER_CHROMIUM", "/usr/bin/chromium")
# Debian's chromium-headless-shell, where installed, drives every module but those that say
# `BROWSER = "full"` (push notifications: the shell has no Push API and denies notifications):
# the same Chromium without the full browser's own user interface, which it runs even headless
# (a WebUI renderer per context). It takes a third less CPU for the same pages: 10 sign-ups
# with three app loads each took 17 s of CPU instead of 25 s.
HEADLESS_SHELL = os.environ.get("EIGENDOSSIER_CHROMIUM_HEADLESS_SHELL",
                                "/usr/bin/chromium-headless-shell")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A machine running the whole suite on two cores is slow: give the page time to settle.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items):
    """When Chromium aborts a request (a service-worker update, a navigation), werkzeug's
    development server may drop the file it was sending without closing it; the warning
    comes from the test server's thread, not from the app (gunicorn closes it)."""
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.filterwarnings(
                "ignore::pytest.PytestUnraisableExceptionWarning"))


PHONE = {"width": 390, "height": 844}
PHONE_WIDTHS = (390, 320)
PASSWORD = "correct horse battery"

# Resolves once a service worker controls the page (after its clients.claim()).
WAIT_FOR_CONTROL = """async () => {
  const registration = await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) =>
      navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  }
  return { scope: registration.scope, caches: await caches.keys() };
}"""


@pytest.fixture(scope="session")
def pwa_copy(tmp_path_factory):
    target = tmp_path_factory.mktemp("pwa") / "pwa"
    shutil.copytree(PWA_DIR, target)
    return target


@pytest.fixture(scope="session")
def e2e_app(tmp_path_factory, pwa_copy):
    """The Flask app behind the live server, for tests that set up data directly."""
    tmp = tmp_path_factory.mktemp("e2e")
    app = create_app({
        "TESTING": False,
        "DATABASE_URL": f"sqlite:///{tmp}/e2e.db",
        "SECRET_KEY": "e2e",
        "RATELIMIT_ENABLED": False,
        "DEMO_DATA": False,
        "INSTANCE_PATH": str(tmp / "instance"),
        "PWA_DIR": str(pwa_copy),
        **CHEAP_PASSWORD_HASHING,
    })
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture(autouse=True)
def _rate_limits_off(e2e_app):
    """The live server runs without rate limits. Flask-Limiter is one object per process that
    takes its on/off switch from the app built last; when an API test's app was built after
    the live server's (pytest-xdist mixes modules in a worker), switch it off again."""
    limiter.enabled = False


@pytest.fixture(scope="session")
def catalog(e2e_app):
    """The test catalogue (tests/fixtures/catalog.yaml: carpentry TIM-01 -> TIM-02 in 2099),
    imported once per session through the app's own import."""
    from eigendossier.catalog.service import import_catalog

    with e2e_app.app_context():
        import_catalog((ROOT / "tests" / "fixtures" / "catalog.yaml").read_text())
    return e2e_app


@pytest.fixture(scope="session")
def live_server(e2e_app):
    """Base URL of the app served by werkzeug on a free port of 127.0.0.1."""
    app = e2e_app
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = serve_in_thread(server, "e2e-server")
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def playwright_instance():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"e2e tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def full_browser(playwright_instance):
    """Debian's full Chromium, for modules that say `BROWSER = "full"`."""
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def browser(playwright_instance, request):
    """Chromium's headless shell where installed, else the full Chromium (see HEADLESS_SHELL)."""
    if not Path(HEADLESS_SHELL).exists():
        yield request.getfixturevalue("full_browser")
        return
    browser = playwright_instance.chromium.launch(
        executable_path=HEADLESS_SHELL, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def new_context(live_server, request):
    """Make browser contexts on the live server, in the module's browser (`browser`, or
    `full_browser` where the module says `BROWSER = "full"`); all are closed after the test.

    Service workers are blocked unless the test uses the fixture with_service_worker, or its
    module says `SERVICE_WORKERS = "allow"` (modules about offline use, installing, updating and
    push): installing the worker and filling its caches cost each test about 0.5 s of CPU that
    a test of anything else does not need. In a blocked context navigator.serviceWorker.ready
    never resolves (WAIT_FOR_CONTROL hangs)."""
    contexts = []
    full = getattr(request.module, "BROWSER", "headless shell") == "full"
    browser = request.getfixturevalue("full_browser" if full else "browser")
    service_workers = getattr(request.module, "SERVICE_WORKERS", "block")
    if "with_service_worker" in request.fixturenames:
        service_workers = "allow"

    def make(**options):
        options.setdefault("viewport", PHONE)
        options.setdefault("service_workers", service_workers)
        context = browser.new_context(base_url=live_server, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def with_service_worker():
    """For a test about offline use in a module of other things (see new_context):
    `@pytest.mark.usefixtures("with_service_worker")` lets its contexts run the worker."""


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    """A page that fails the test on uncaught script errors and on CSP violations."""
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text)
        if "Content Security Policy" in message.text
        else None,
    )
    yield page
    assert not errors, f"errors in the page: {errors}"


def sign_up_by_api(page, name="Fatima El Amrani", email=None) -> str:
    """A new learner signed in in `page`'s browser context, through the API calls the sign-up
    form makes, without loading the app for it (about 1.5 s of Chromium CPU less): for tests
    of what comes after, which open the app themselves. Signing up through the form is tested
    in test_account.py and test_account_security.py. Returns the address."""
    email = email or f"{name.split()[0].lower()}-{uuid.uuid4().hex[:8]}@example.org"
    page.request.get("/api/v1/meta")

    def csrf():
        return next(c["value"] for c in page.context.cookies() if c["name"] == "csrf_token")

    response = page.request.post("/api/v1/accounts", headers={"X-CSRF-Token": csrf()}, data={
        "email": email, "password": PASSWORD, "display_name": name, "locale": "nl"})
    assert response.status == 202, response.text()
    response = page.request.post("/api/v1/session", headers={"X-CSRF-Token": csrf()},
                                 data={"email": email, "password": PASSWORD})
    assert response.status == 200, response.text()
    return email


def sign_up_by_api_and_open_dossier(page, name="Fatima El Amrani") -> str:
    """Where the sign-up form leaves a new learner (the Dossier tab), reached by sign_up_by_api
    and one load of the app. Returns the address."""
    email = sign_up_by_api(page, name=name)
    page.goto("/dossier")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossier")
    return email


def each_phone_width(page, path):
    """Each phone width in PHONE_WIDTHS in turn, in one browser context for one learner: the
    page is resized, and from the second width on `path` (if any) is opened afresh, as a new context
    would have it, without a new context, a new learner and the app loaded cold again (about
    1.5 s of CPU a width). Only for checks that write nothing a later width would see."""
    for index, width in enumerate(PHONE_WIDTHS):
        page.set_viewport_size({"width": width, "height": 640})
        print(f"at {width} px")  # shown with a failure
        if index and path:
            page.goto(path)
        yield width


def find_mail(page, email: str, text: str):
    """The newest mail to `email` holding `text`, on the local outbox page (/dev/outbox)."""
    for _ in range(50):  # a background job writes the mail just after the answer
        page.goto("/dev/outbox")
        found = page.locator("article", has_text=email).filter(has_text=text)
        if found.count():
            return found.first
        page.wait_for_timeout(200)
    raise AssertionError(f"no mail to {email} with {text!r} in the outbox")


def mail_link(page, email: str, path: str) -> str:
    """The newest link to `path` mailed to `email`."""
    mail = find_mail(page, email, f"{path}#token=")
    return mail.locator(f'a[href*="{path}#token="]').first.get_attribute("href")


def confirm_email(page, email: str) -> None:
    """Open the confirmation link mailed to `email`, as the learner would."""
    page.goto(mail_link(page, email, "/verify-email"))
    expect(page.locator("#verify-status")).to_have_text("Je e-mailadres is bevestigd. Dank je wel.")


@pytest.fixture
def api(playwright_instance, live_server):
    """A plain HTTP client on the live server that speaks the CSRF double submit."""
    request = playwright_instance.request.new_context(base_url=live_server)
    yield ApiHelper(request)
    request.dispose()


class ApiHelper:
    def __init__(self, request):
        self.request = request

    def csrf(self):
        self.request.get("/api/v1/meta")
        cookies = {c["name"]: c["value"] for c in self.request.storage_state()["cookies"]}
        return cookies["csrf_token"]

    def sign_up(self, display_name="Fatima El Amrani", locale="nl"):
        """Create a learner (not signed in, address not confirmed); returns (email, password)."""
        email = f"learner-{uuid.uuid4().hex[:10]}@example.org"
        token = self.csrf()
        response = self.request.post(
            "/api/v1/accounts",
            data={
                "email": email,
                "password": PASSWORD,
                "display_name": display_name,
                "locale": locale,
            },
            headers={"X-CSRF-Token": token},
        )
        assert response.status == 202, response.text()
        return email, PASSWORD


def open_tab(page, name, menu="Hoofdmenu", more="Meer"):
    """Go to a tab of the bottom bar, opening "Meer" first when the tab is under it."""
    nav = page.get_by_role("navigation", name=menu)
    link = nav.get_by_role("link", name=name, exact=True)
    if not link.count():
        nav.get_by_role("button", name=more).click()
    link.click()
