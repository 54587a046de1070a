"""The learner's phone (issue 17): bytes on the wire and requests of a cold first load of `/`
(the sign-in screen) and of `/dossier` signed in, and what a repeat visit still loads.

Debian's Chromium (Playwright, executable /usr/bin/chromium or EIGENDOSSIER_CHROMIUM) loads
each page in a fresh browser context, waits until the service worker controls the page and
the network is quiet, then the page is loaded again. The server counts what it sends (status
line, headers and body of every response), so the numbers are what a phone would download:
the service worker's own requests (its install precache, the dossier's badge details kept
for offline) are counted in the cold load, and the page's own requests, without the service
worker's, are shown beside them. Signed in, the page asks the service worker for the rest of
the app (the other screens' modules, for offline use) only once it has loaded and been idle
for a while (the `ed-precache-rest` mark in its timeline): what is served from that moment on
is not part of the cold load and is shown in a column of its own ("later, offline"), measured
until every module is in the service worker's cache; the repeat visit comes after it.
Layout shift (CLS) and the largest paint (LCP, loopback and no throttling: not Lighthouse's
mobile figure) are read in the page. When
`lighthouse` (npm) is on PATH, its mobile performance score, CLS and LCP of `/`, `/sign-in`,
`/dossier` and `/route` (signed in) are printed too."""

import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from goals import goal

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("EIGENDOSSIER_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
GOALS = {"/": (100_000, 20), "/dossier": (150_000, None)}
QUIET_MS = 1500
# Pages Lighthouse scores when it is installed (npm install -g lighthouse); never in make test.
LIGHTHOUSE_PAGES = (("/", False), ("/sign-in", False), ("/dossier", True), ("/route", True))

# Layout shifts and the largest paint, watched from the start of the page.
WATCH_PAINT = """(() => {
  window.__shifts = 0;
  window.__lcp = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (!entry.hadRecentInput) window.__shifts += entry.value;
    }
  }).observe({ type: 'layout-shift', buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__lcp = entry.startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
})();"""

# Resolves once a service worker controls the page and has finished installing.
SETTLED = """async () => {
  if (!('serviceWorker' in navigator)) return;
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) =>
      navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  }
}"""


class Wire:
    """WSGI middleware that counts the requests served and the bytes sent for them."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.requests, self.bytes, self.paths = 0, 0, []

    def __call__(self, environ, start_response):
        head, codes = [], []

        def counting_start(status, headers, exc_info=None):
            codes.append(status.split()[0])
            head.append(len(f"HTTP/1.1 {status}\r\n") + 2
                        + sum(len(f"{key}: {value}\r\n") for key, value in headers))
            return start_response(status, headers, exc_info)

        body = 0
        started = time.time() * 1000
        result = self.app(environ, counting_start)
        try:
            for chunk in result:
                body += len(chunk)
                yield chunk
        finally:
            if hasattr(result, "close"):
                result.close()
            with self.lock:
                self.requests += 1
                self.bytes += body + sum(head)
                path = environ.get("PATH_INFO", "")
                if codes and codes[-1] == "304":
                    path += " (304)"
                self.paths.append((path, body + sum(head), started))

    def snapshot(self):
        with self.lock:
            return self.requests, self.bytes, list(self.paths)


def make_app(tmp: Path):
    sys.path.insert(0, str(ROOT))
    from eigendossier import create_app
    from eigendossier.core.extensions import db
    from tests.support import ApiClient, sign_up

    app = create_app({
        "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
        "DEMO_DATA": False,
        "RATELIMIT_ENABLED": False,
        "INSTANCE_PATH": str(tmp / "instance"),
        "SECRET_KEY": "bench",
    })
    app.test_client_class = ApiClient
    with app.app_context():
        db.create_all()
        from eigendossier.demo import load_demo
        load_demo()
    client = app.test_client()
    sign_up(client, email="bench@example.nl", display_name="Sanne de Vries", verified=True)
    return app, client.get_cookie("ed_session").value


def serve(app):
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    wire = Wire(app.wsgi_app)
    app.wsgi_app = wire
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, wire


def settle(page, wire):
    """Wait for the service worker and then for a quiet network (nothing served for a while)."""
    page.evaluate(SETTLED)
    last, quiet_since = None, time.monotonic()
    while time.monotonic() - quiet_since < QUIET_MS / 1000:
        now = wire.snapshot()[0]
        if now != last:
            last, quiet_since = now, time.monotonic()
        time.sleep(0.1)


# Resolves once every module of the signed-in app is in the service worker's cache.
ALL_PRECACHED = """async (urls) => {
  for (;;) {
    const names = (await caches.keys()).filter((name) => name.startsWith('ed-shell-'));
    for (const name of names) {
      const keys = await (await caches.open(name)).keys();
      const kept = new Set(keys.map((request) => new URL(request.url).pathname));
      if (urls.every((url) => kept.has(url))) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}"""
# When the page asked for the rest of the app (epoch ms), or null.
REST_ASKED = """() => {
  const mark = performance.getEntriesByName('ed-precache-rest')[0];
  return mark ? performance.timeOrigin + mark.startTime : null;
}"""


def app_modules(app) -> list[str]:
    """The learner's modules the service worker precaches after sign-in (BUILD.app of sw.js),
    read from the app (a request would be counted)."""
    import re

    from eigendossier.web import assets

    source = assets.current(app).worker.body.decode()
    return json.loads(re.search(r"^const BUILD = (.*);$", source, re.M).group(1))["app"]


def split_at(paths, moment):
    """(requests, bytes, paths) served before `moment` (epoch ms; all when None), and after."""
    before = [(p, n) for p, n, started in paths if moment is None or started < moment]
    after = [(p, n) for p, n, started in paths if moment is not None and started >= moment]
    return ((len(before), sum(n for _, n in before), before),
            (len(after), sum(n for _, n in after), after))


def load(browser, base, wire, path, cookie=None, modules=()):
    """Bytes and requests of a cold load, of the rest of the app precached after it (signed
    in), then of the repeat visit in the same context."""
    context = browser.new_context(base_url=base, viewport=PHONE)
    if cookie:
        context.add_cookies([{"name": "ed_session", "value": cookie, "url": base}])
    page = context.new_page()
    page.add_init_script(WATCH_PAINT)
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    wire.reset()
    page.goto(path)
    settle(page, wire)
    paint = page.evaluate("[window.__shifts, window.__lcp]")
    own_requests = len(asked)
    if cookie:  # the rest of the app, for offline use: asked for once the page settled
        page.wait_for_function("() => performance.getEntriesByName('ed-precache-rest').length > 0",
                               timeout=30_000)
        page.evaluate(ALL_PRECACHED, list(modules))
        settle(page, wire)
    cold, later = split_at(wire.snapshot()[2], page.evaluate(REST_ASKED))
    cold = (*cold, paint, own_requests)
    wire.reset()
    page.goto(path)
    settle(page, wire)
    repeat = split_at(wire.snapshot()[2], None)[0]
    context.close()
    return cold, later, repeat


def lighthouse(base, path, cookie=None):
    """Lighthouse's mobile performance score, CLS, LCP, bytes and requests (what it saw while
    it loaded the page) of `path` (signed in with the session cookie when given), or None when
    `lighthouse` (npm) is not on PATH or the page did not load signed in. Lighthouse drives a
    Chromium we start, with the cookie in its jar: a Cookie header in `--extra-headers` does
    not reach the app's own fetches (they answered 401 and the app showed /sign-in, whose
    score was then reported as the dossier's)."""
    from playwright.sync_api import sync_playwright

    binary = shutil.which("lighthouse")
    if not binary:
        return None
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True,
            args=[f"--remote-debugging-port={port}", "--no-sandbox"])
        if cookie:
            browser.add_cookies([{"name": "ed_session", "value": cookie, "url": base}])
        result = subprocess.run(
            [binary, base + path, "--quiet", "--output=json", "--only-categories=performance",
             f"--port={port}"], capture_output=True, text=True, timeout=300)
        browser.close()
    if result.returncode:
        return None
    report = json.loads(result.stdout)
    audits = report["audits"]
    if cookie and not _answered_me(audits):
        return None  # the page loaded signed out: its score would be of another page
    return (round(report["categories"]["performance"]["score"] * 100),
            audits["cumulative-layout-shift"]["numericValue"],
            audits["largest-contentful-paint"]["numericValue"],
            audits["total-byte-weight"]["numericValue"],
            len(audits["network-requests"]["details"]["items"]))


def _answered_me(audits) -> bool:
    """Whether the page's own `/api/v1/me` answered 200 (the cookie reached the API)."""
    requests = audits.get("network-requests", {}).get("details", {}).get("items", [])
    return any(item.get("url", "").endswith("/api/v1/me") and item.get("statusCode") == 200
               for item in requests)


def main():
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        app, cookie = make_app(Path(tmp))
        server, wire = serve(app)
        base = f"http://127.0.0.1:{server.server_port}"
        print("## PWA load (Chromium, cold cache, 390 px)\n")
        print("| page | cold bytes | cold requests (the page's own) | later, offline: bytes "
              "(requests) | repeat bytes | repeat requests | CLS | LCP |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        rows = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=["--no-sandbox", "--disable-gpu"])
            for path, signed_in in (("/", False), ("/dossier", True)):
                cold, later, repeat = load(browser, base, wire, path,
                                           cookie if signed_in else None, app_modules(app))
                rows[path] = (cold, later, repeat)
                label = f"`{path}`" + (" signed in" if signed_in else "")
                shifts, lcp = cold[3]
                deferred = f"{later[1]:,} ({later[0]})" if signed_in else "–"
                print(f"| {label} | {cold[1]:,} | {cold[0]} ({cold[4]}) | {deferred} "
                      f"| {repeat[1]:,} | {repeat[0]} | {shifts:.3f} | {lcp:.0f} ms |")
            browser.close()
        if os.environ.get("BENCH_VERBOSE"):
            for path, (cold, later, repeat) in rows.items():  # bytes with the headers
                print(f"\n{path} cold:", *(f"  {p} {n}" for p, n in cold[2]), sep="\n")
                print(f"{path} later:", *(f"  {p} {n}" for p, n in later[2]), sep="\n")
                print(f"{path} repeat:", *(f"  {p} {n}" for p, n in repeat[2]), sep="\n")
        print()
        for path, (max_bytes, max_requests) in GOALS.items():
            cold, _later, repeat = rows[path]
            name = f"cold load of {path}" + (" (signed in)" if path != "/" else "")
            goal(f"{name}: bytes", f"<= {max_bytes // 1000} KB", f"{cold[1] / 1000:.0f} KB",
                 cold[1] / max_bytes, cold[1] <= max_bytes)
            if max_requests:
                goal(f"{name}: requests", f"<= {max_requests}", str(cold[0]),
                     cold[0] / max_requests, cold[0] <= max_requests)
            # A navigation the service worker controls makes the browser check for a new
            # worker (a 304 of /sw.js while nothing changed, when it falls in the window):
            # that is no app file loaded again.
            statics = [(p, n) for p, n in repeat[2]
                       if not p.startswith("/api/") and p != "/sw.js (304)"]
            goal(f"repeat visit of {path}: static files", "0", str(len(statics)),
                 float(len(statics)), not statics)
            shifts = cold[3][0]
            goal(f"cold load of {path}: layout shift (CLS)", "0", f"{shifts:.3f}", shifts,
                 shifts == 0)
        if shutil.which("lighthouse"):
            print("\n## Lighthouse (mobile defaults: simulated slow 4G, 4x CPU slowdown)\n")
            print("| page | performance | CLS | LCP | bytes | requests |")
            print("|---|---:|---:|---:|---:|---:|")
            for path, signed_in in LIGHTHOUSE_PAGES:
                found = lighthouse(base, path, cookie if signed_in else None)
                label = f"`{path}`" + (" signed in" if signed_in else "")
                if found is None:
                    print(f"| {label} | failed | | | | |")
                    continue
                score, shifts, lcp, weight, requests = found
                print(f"| {label} | {score} | {shifts:.3f} | {lcp / 1000:.1f} s "
                      f"| {weight:,.0f} | {requests} |")
                goal(f"Lighthouse mobile performance {path}", ">= 95", str(score), score / 95,
                     score >= 95)
                goal(f"Lighthouse CLS {path}", "0", f"{shifts:.3f}", shifts, shifts == 0)
        server.shutdown()


if __name__ == "__main__":
    main()
