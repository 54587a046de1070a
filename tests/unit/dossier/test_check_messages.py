"""Every message code the credentials library can give has plain words in Dutch and English."""
import re
from string import Formatter

import pytest

from eigendossier.core.config import PROJECT_ROOT
from eigendossier.dossier.messages import MESSAGES, render

LIBRARY = PROJECT_ROOT / "backend" / "eigendossier" / "credentials"
PREFIXES = ("parse", "fetch", "format", "schema", "proof", "key", "issuer_identity",
            "recipient", "validity", "revocation", "refresh")
CODE = re.compile(r'"((?:' + "|".join(PREFIXES) + r')\.[a-z_0-9]+)"')


def library_codes() -> set[str]:
    codes = set()
    for path in LIBRARY.glob("*.py"):
        codes |= set(CODE.findall(path.read_text()))
    return codes | {"revocation.suspended"}  # built with an f-string in status.py


def test_every_library_code_is_translated():
    codes = library_codes()
    assert len(codes) > 90
    missing = sorted(codes - set(MESSAGES))
    assert not missing, f"add to dossier/messages.py: {missing}"


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_both_languages_use_the_same_placeholders(code):
    english, dutch = MESSAGES[code]
    names = {name for _, name, _, _ in Formatter().parse(english) if name}
    assert names == {name for _, name, _, _ in Formatter().parse(dutch) if name}
    assert render(code, {}, "", "nl")  # missing params never raise


def test_params_are_filled_in():
    assert render("validity.expired", {"expired_on": "2025-01-01T00:00:00+00:00"}, "", "nl") \
        == "Verlopen op 2025-01-01."
    assert render("format.type_invalid", {"types": ["A", "B"]}, "", "en") == \
        "The credential has the wrong type (A, B)."
    assert render("fetch.failed", {"url": "https://x.nl/b", "reason": "timed out"}, "", "nl") \
        == "Kon https://x.nl/b niet ophalen: het duurde te lang."
    assert render("no.such_code", {}, "English default", "nl") == "English default"


@pytest.mark.parametrize(("reason", "english", "dutch"), [
    ("connection failed (ConnectionError)", "the server could not be reached",
     "de server was niet bereikbaar"),
    ("ConnectionError", "the address gave no usable answer",
     "het adres gaf geen bruikbaar antwoord"),
    ("parse.json_invalid", "the address gave no usable answer",
     "het adres gaf geen bruikbaar antwoord"),
    ("HTTP 404", "the server answered with error 404", "de server antwoordde met foutcode 404"),
    ("address not allowed (127.0.0.1)", "this address may not be fetched",
     "dit adres mag niet worden opgehaald"),
    ("the connection broke off", "the connection broke off", "de verbinding werd verbroken"),
])
def test_why_a_fetch_failed_is_told_in_plain_words_never_an_exception_name(reason, english,
                                                                          dutch):
    params = {"url": "https://x.nl/b", "reason": reason}
    assert render("fetch.failed", params, "", "en") == f"Could not fetch https://x.nl/b: {english}."
    assert render("fetch.failed", params, "", "nl") == f"Kon https://x.nl/b niet ophalen: {dutch}."
