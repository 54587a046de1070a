"""The PWA's files as a phone gets them (issue 17): compressed, under content-hashed URLs that
are kept for a year, found through the import map in index.html; the shell and the service
worker checked on every use; API answers with personal data never stored."""
import base64
import gzip
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

PWA_DIR = Path(__file__).resolve().parents[3] / "pwa"
IMMUTABLE = "public, max-age=31536000, immutable"
IMPORT_MAP = re.compile(r'<script type="importmap">(.*?)</script>', re.S)


def fetch(client, path, **kwargs):
    response = client.get(path, **kwargs)
    response.get_data()
    response.close()
    return response


def import_map(client) -> dict:
    shell = fetch(client, "/")
    return json.loads(IMPORT_MAP.search(shell.get_data(as_text=True)).group(1))["imports"]


def worker_build(client) -> dict:
    source = fetch(client, "/sw.js").get_data(as_text=True)
    return json.loads(re.search(r"^const BUILD = (.*);$", source, re.M).group(1))


def app_files():
    return sorted(path.relative_to(PWA_DIR).as_posix() for path in PWA_DIR.rglob("*")
                  if path.suffix in {".js", ".css", ".json", ".png"} and path.name != "sw.js")


def test_every_app_file_is_in_the_import_map_under_its_content_hash(client):
    imports = import_map(client)
    for path in app_files():
        body = (PWA_DIR / path).read_bytes()
        stem, suffix = path.rsplit(".", 1)
        digest = hashlib.sha256(body).hexdigest()[:12]
        assert imports[f"/{path}"] == f"/{stem}.{digest}.{suffix}"


def test_hashed_files_are_immutable_compressed_and_decompress_to_the_same_bytes(client):
    for plain, hashed in import_map(client).items():
        on_disk = (PWA_DIR / plain.lstrip("/")).read_bytes()
        packed = fetch(client, hashed, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert packed.status_code == 200, hashed
        assert packed.headers["Cache-Control"] == IMMUTABLE
        if plain.endswith((".js", ".css", ".json")):
            assert packed.headers["Content-Encoding"] == "gzip", hashed
            assert packed.headers["Vary"] == "Accept-Encoding"
            assert len(packed.data) < len(on_disk)
            assert gzip.decompress(packed.data) == on_disk
        else:
            assert "Content-Encoding" not in packed.headers  # PNG: already compressed
            assert packed.data == on_disk
        plain_answer = fetch(client, hashed)  # a client that takes no compression
        assert "Content-Encoding" not in plain_answer.headers
        assert plain_answer.data == on_disk


def test_a_file_is_sent_only_once(client):
    hashed = import_map(client)["/app/core/html.js"]
    first = fetch(client, hashed, headers={"Accept-Encoding": "gzip"})
    again = fetch(client, hashed, headers={"Accept-Encoding": "gzip",
                                           "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""


def test_files_carry_no_page_headers_no_cookie_and_no_vary_on_cookie(client):
    hashed = import_map(client)["/app/core/html.js"]
    response = fetch(client, hashed, headers={"Accept-Encoding": "gzip"})
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "text/javascript"
    assert "Content-Security-Policy" not in response.headers
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")


def test_plain_urls_still_work_but_are_checked_again(client):
    response = fetch(client, "/app/core/html.js", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert gzip.decompress(response.data) == (PWA_DIR / "app/core/html.js").read_bytes()


def test_an_unknown_hash_is_not_found(client):
    response = fetch(client, "/app/core/html.000000000000.js")
    assert response.status_code == 404


def test_the_shell_is_checked_every_time_and_its_import_map_allowed_by_hash(client):
    response = fetch(client, "/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Content-Encoding"] == "gzip"
    text = gzip.decompress(response.data).decode()
    script = IMPORT_MAP.search(text).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = response.headers["Content-Security-Policy"]
    assert f"script-src 'self' 'sha256-{digest}';" in policy
    assert "unsafe-inline" not in policy
    imports = json.loads(script)["imports"]
    # the entry module, its static imports preloaded, the style sheet: all by hashed URL
    assert f'<script type="module" src="{imports["/app/shell/main.js"]}">' in text
    assert f'<link rel="modulepreload" href="{imports["/vendor/preact.module.js"]}">' in text
    assert f'<link rel="stylesheet" href="{imports["/styles/app.css"]}">' in text
    assert text.index('type="importmap"') < text.index('rel="modulepreload"')
    # views are loaded when first visited: not preloaded with the shell
    assert f'href="{imports["/app/dossier/view.js"]}"' not in text


def test_the_service_worker_is_checked_every_time_and_lists_hashed_urls(client):
    response = fetch(client, "/sw.js")
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    build = worker_build(client)
    imports = import_map(client)
    assert re.fullmatch(r"[0-9a-f]{12}", build["version"])
    assert build["boot"][0] == "/"
    assert imports["/app/accounts/welcome.js"] in build["boot"]  # sign-in, sign-up: one module
    assert imports["/i18n/nl.json"] in build["boot"]
    assert imports["/app/dossier/view.js"] in build["app"]
    assert imports["/app/dossier/view.js"] not in build["boot"]
    # the worker may take the shell from the HTTP cache when its ETag names this version's
    assert build["shell"] in fetch(client, "/").headers["ETag"]
    assert imports["/app/staff/view.js"] in build["staff"]
    assert imports["/app/staff/view.js"] not in build["app"]
    listed = set(build["boot"]) | set(build["app"]) | set(build["rest"]) | set(build["staff"])
    assert listed - {"/"} == set(imports.values())


def test_the_manifest_names_its_icons_by_hashed_url(client):
    response = fetch(client, "/manifest.webmanifest")
    assert response.headers["Cache-Control"] == "no-cache"
    icons = {icon["src"] for icon in json.loads(response.data)["icons"]}
    assert import_map(client)["/icons/icon-192.png"] in icons


@pytest.fixture
def app_settings(tmp_path):
    copy = tmp_path / "pwa"
    shutil.copytree(PWA_DIR, copy)
    return {"PWA_DIR": str(copy)}


def test_an_edited_file_gets_a_new_url_and_a_new_worker_version(client, app):
    before, version = import_map(client), worker_build(client)["version"]
    router = Path(app.config["PWA_DIR"]) / "app/core/router.js"
    router.write_text(router.read_text() + "\n// edited\n")

    after = import_map(client)
    assert after["/app/core/router.js"] != before["/app/core/router.js"]
    assert after["/app/core/html.js"] == before["/app/core/html.js"]  # unchanged: same URL
    assert worker_build(client)["version"] != version
    assert fetch(client, before["/app/core/router.js"]).status_code == 404
    new = fetch(client, after["/app/core/router.js"])
    assert new.data.endswith(b"// edited\n")


def test_api_answers_with_personal_data_are_never_stored(client, learner):
    for path in ("/api/v1/me", "/api/v1/dossier/credentials", "/api/v1/sessions"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


def test_refusals_are_not_stored_either(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["Cache-Control"] == "no-store"


def test_public_answers_may_be_kept_but_are_checked_again(client, catalog):
    for path in ("/api/v1/meta", "/api/v1/catalog/qualifications"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, no-cache", path
