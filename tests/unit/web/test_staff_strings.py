"""The staff section speaks Dutch and English: every string key its screens use exists in
both languages (a missing key shows as the bare key on screen)."""
import json
import re
from pathlib import Path

PWA = Path(__file__).resolve().parents[3] / "pwa"
LITERAL_KEY = re.compile(r"""'((?:staff|nav)\.[A-Za-z0-9_.]+)'""")


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
