"""The web app manifest makes the app installable."""
import struct

import pytest

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, WAIT_FOR_CONTROL

pytestmark = pytest.mark.e2e
# Some tests here are about the service worker (offline use, install, update, push).
SERVICE_WORKERS = "allow"


def png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", body[16:24])


def test_manifest_makes_the_app_installable(playwright_instance, live_server, tmp_path):
    # Chromium never offers installation in an incognito context (what new_context() gives),
    # so this test uses a browser with a profile directory of its own.
    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport=PHONE,
        base_url=live_server,
    )
    try:
        page = context.new_page()
        page.goto("/")
        page.evaluate(WAIT_FOR_CONTROL)
        cdp = context.new_cdp_session(page)
        result = cdp.send("Page.getInstallabilityErrors")
        assert result["installabilityErrors"] == []
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["errors"] == []
        assert manifest["url"] == f"{live_server}/manifest.webmanifest"
    finally:
        context.close()


def test_manifest_fields_and_icons(page):
    response = page.request.get("/manifest.webmanifest")
    assert response.ok
    manifest = response.json()
    assert manifest["name"] == "Eigen Dossier"
    assert manifest["short_name"] == "Eigen Dossier"
    assert manifest["id"] == "/"
    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["lang"] == "nl"
    assert manifest["theme_color"].startswith("#")
    assert manifest["background_color"].startswith("#")

    seen = set()
    for icon in manifest["icons"]:
        body = page.request.get(icon["src"])
        assert body.ok, icon["src"]
        assert body.headers["content-type"] == "image/png"
        width, height = png_size(body.body())
        assert f"{width}x{height}" == icon["sizes"]
        seen.add((icon["sizes"], icon.get("purpose", "any")))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= seen

    favicon = page.request.get("/icons/favicon-32.png")
    assert favicon.ok
    assert png_size(favicon.body()) == (32, 32)
