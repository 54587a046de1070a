"""The server side of the PWA: the shell, its files, client-side routes, security headers."""
import json

import pytest

from tests.conftest import make_app
from tests.support import assert_problem


def fetch(client, path, **kwargs):
    """GET a file and close it (a served file stays open until its response is closed)."""
    response = client.get(path, **kwargs)
    response.get_data()
    response.close()
    return response


def test_the_shell_is_served_with_a_strict_policy(client):
    response = fetch(client, "/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert b'<html lang="nl"' in response.data
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_only_under_https(client):
    response = fetch(client, "/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_api_responses_carry_the_security_headers_too(client):
    response = client.get("/api/v1/me")
    assert response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_pages_own_policy_is_sent_once(client):
    """The shell's policy (with its import map's hash) replaces the default, never joins it."""
    [policy] = fetch(client, "/").headers.getlist("Content-Security-Policy")
    assert "'sha256-" in policy
    assert len(fetch(client, "/").headers.getlist("X-Frame-Options")) == 1


def test_hsts_behind_a_proxy_that_terminates_https(database_url, tmp_path):
    client = make_app(database_url, tmp_path, PROXY_COUNT=1).test_client()
    response = fetch(client, "/api/v1/me", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in fetch(client, "/api/v1/me").headers


@pytest.mark.parametrize("path", ["/profile", "/sign-in", "/dossier/12"])
def test_client_side_routes_get_the_shell(client, path):
    response = fetch(client, path)
    assert response.status_code == 200
    assert b'<html lang="nl"' in response.data


def test_the_service_worker_may_control_the_whole_origin(client):
    response = fetch(client, "/sw.js")
    assert response.status_code == 200
    assert "javascript" in response.mimetype
    assert response.headers["Service-Worker-Allowed"] == "/"


def test_the_manifest_makes_the_app_installable(client):
    manifest = json.loads(fetch(client, "/manifest.webmanifest").data)
    assert manifest["display"] == "standalone"
    assert manifest["lang"] == "nl"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any("maskable" in icon.get("purpose", "") for icon in manifest["icons"])
    for icon in manifest["icons"]:
        image = fetch(client, icon["src"])
        assert image.status_code == 200
        assert image.data.startswith(b"\x89PNG")


@pytest.mark.parametrize("path", ["/missing.js", "/api/v1/nope", "/auth/nope", "/app/nope.js"])
def test_missing_files_and_server_paths_are_problems_not_the_shell(client, path):
    assert_problem(fetch(client, path), 404)


@pytest.mark.parametrize("path", ["/../pyproject.toml", "/%2e%2e/pyproject.toml",
                                  "/app/../../pyproject.toml"])
def test_no_file_outside_the_pwa_is_served(client, path):
    response = fetch(client, path)
    assert b"[project]" not in response.data


def test_meta_lists_the_features_in_tab_order_and_no_providers_by_default(client):
    from eigendossier.web.service import TAB_ORDER

    meta = client.get("/api/v1/meta").get_json()
    assert {"route", "schedule"} <= set(meta["features"])
    assert meta["features"] == [tab for tab in TAB_ORDER if tab in meta["features"]]
    assert meta["oidc_providers"] == []
    assert meta["version"]
