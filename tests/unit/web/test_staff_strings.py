"""Every string the staff screens ask for exists in Dutch and in English (a missing key shows
as its dotted name on the page), including the states and statuses they build keys from."""
import json
import re
from pathlib import Path

PWA = Path(__file__).resolve().parents[3] / "pwa"
STATIC_KEY = re.compile(r"""\bt\(\s*'([A-Za-z][\w.]+)'""")
BUILT_KEYS = {
    "staffVouchers.state": ["issued", "claimed", "redeemed", "expired", "void"],
    "staffVouchers.language": ["nl", "en"],
    "staffRecognition.status": ["approved", "rejected"],
}


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
    assert {"staff.nav.awards", "staffAwards.title", "staffVouchers.previewTitle"} <= keys
    for language in ("nl", "en"):
        strings = json.loads((PWA / "i18n" / f"{language}.json").read_text(encoding="utf-8"))
        missing = sorted(key for key in keys if not isinstance(lookup(strings, key), str))
        assert not missing, f"{language}.json lacks {missing}"
