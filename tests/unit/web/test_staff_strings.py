"""The staff section speaks Dutch and English: every string key its screens use exists in
both languages (a missing key shows as its dotted name on the page), including the states and
statuses the award, voucher and recognition screens build keys from."""
import json
import re
from pathlib import Path

PWA = Path(__file__).resolve().parents[3] / "pwa"
LITERAL_KEY = re.compile(r"""'((?:staff|nav)\.[A-Za-z0-9_.]+)'""")
STATIC_KEY = re.compile(r"""\bt\(\s*'([A-Za-z][\w.]+)'""")
BUILT_KEYS = {
    "staffVouchers.state": ["issued", "claimed", "redeemed", "expired", "void"],
    "staffVouchers.language": ["nl", "en"],
    "staffRecognition.status": ["approved", "rejected"],
}


def _keys(node, prefix=""):
    for name, value in node.items():
        if isinstance(value, dict):
            yield from _keys(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}"


def test_both_languages_have_the_same_staff_strings():
    nl, en = (json.loads((PWA / "i18n" / f"{lang}.json").read_text()) for lang in ("nl", "en"))
    assert set(_keys(nl["staff"])) == set(_keys(en["staff"]))
    assert nl["nav"]["staff"]
    assert en["nav"]["staff"]


def test_every_key_the_staff_screens_use_exists():
    strings = json.loads((PWA / "i18n" / "en.json").read_text())
    known = set(_keys(strings))
    used = {key for path in (PWA / "app" / "staff").glob("*.js")
            for key in LITERAL_KEY.findall(path.read_text())}
    assert used, "no keys found: has the pattern changed?"
    assert used <= known, sorted(used - known)


def used_keys() -> set[str]:
    keys = set()
    for module in (PWA / "app" / "staff").glob("*.js"):
        text = module.read_text(encoding="utf-8")
        keys |= set(STATIC_KEY.findall(text))
        keys |= set(re.findall(r"""\b(?:title|intro)="(staff\w*\.\w+)\"""", text))
        keys |= set(re.findall(r"""label: '(staff\.nav\.\w+)'""", text))
    for prefix, names in BUILT_KEYS.items():
        keys |= {f"{prefix}.{name}" for name in names}
    return keys


def lookup(strings: dict, key: str):
    node = strings
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def test_each_staff_string_is_in_both_languages():
    keys = used_keys()
    assert {"staff.nav.awards", "staffAwards.intro", "staffVouchers.previewTitle"} <= keys
    for language in ("nl", "en"):
        strings = json.loads((PWA / "i18n" / f"{language}.json").read_text(encoding="utf-8"))
        missing = sorted(key for key in keys if not isinstance(lookup(strings, key), str))
        assert not missing, f"{language}.json lacks {missing}"
