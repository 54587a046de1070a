"""How the server reads the PWA's module graph (web/assets.py): which files the shell
preloads, which the service worker precaches before and after sign-in."""
from pathlib import Path

from eigendossier.web.assets import build, closure, module_imports

PWA_DIR = Path(__file__).resolve().parents[3] / "pwa"


def test_imports_are_found_in_plain_and_minified_modules():
    source = """import { html } from '../core/html.js';
import htm from "../../vendor/htm.module.js";
export { DEFAULT_TIME_ZONE } from '../core/i18n.js';
import './side-effect.js';
const later = () => import('../dossier/view.js');
// a word like important or export is not an import
"""
    static, dynamic = module_imports("app/shell/main.js", source)
    assert static == ["app/core/html.js", "vendor/htm.module.js", "app/core/i18n.js",
                      "app/shell/side-effect.js"]
    assert dynamic == ["app/dossier/view.js"]
    minified = 'import{options as n}from"./preact.module.js";var t;export{t as useState}'
    assert module_imports("vendor/hooks.module.js", minified) == (["vendor/preact.module.js"], [])


def test_closure_follows_static_imports_once_each_and_skips_dynamic_ones():
    graph = {"a.js": (["b.js", "c.js"], ["lazy.js"]), "b.js": (["c.js"], []),
             "c.js": (["a.js"], []), "lazy.js": ([], [])}
    assert closure(["a.js"], graph) == ["a.js", "b.js", "c.js"]


def test_the_sign_in_screen_is_precached_at_install_and_the_tabs_after_sign_in():
    bundle = build(PWA_DIR)
    url = {path: asset.url for path, asset in bundle.assets.items()}
    build_line = next(line for line in bundle.worker.body.decode().splitlines()
                      if line.startswith("const BUILD = "))
    boot_part, app_part = build_line.split('"app":')
    assert url["vendor/preact.module.js"] in boot_part  # through html.js and hooks
    assert url["app/accounts/welcome.js"] in boot_part
    assert url["app/dossier/view.js"] in app_part.split('"rest":')[0]
    assert url["app/accounts/verify-email.js"] in app_part  # mail links need the network
    assert url["i18n/en.json"] in app_part.split('"rest":')[1]


def test_the_staff_section_is_precached_for_staff_only():
    bundle = build(PWA_DIR)
    url = {path: asset.url for path, asset in bundle.assets.items()}
    build_line = next(line for line in bundle.worker.body.decode().splitlines()
                      if line.startswith("const BUILD = "))
    learners, staff = build_line.split('"staff":')
    assert url["app/staff/sections.js"] in staff
    for module in ("catalogue", "awards", "vouchers", "recognition", "school-api", "school-parts"):
        assert url[f"app/staff/{module}.js"] in staff
        assert url[f"app/staff/{module}.js"] not in learners
