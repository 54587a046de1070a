"""Every server-side text, in code, pages and mails, has its Dutch translation (Dutch is the
default language)."""
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from eigendossier.core.config import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "backend" / "eigendossier"
CATALOG = PACKAGE / "translations" / "nl" / "LC_MESSAGES" / "messages.po"


def test_every_message_in_the_code_has_a_dutch_translation():
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2"),
                  ("**/templates/**.txt", "jinja2")]
    in_code = {message for _, _, message, _, _ in
               extract_from_dir(str(PACKAGE), method_map=method_map, keywords=keywords)}
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(in_code - translated)
    assert not missing, f"run `make messages` and translate: {missing}"
