"""Every message code the credentials library can give has plain words in Dutch and English,
from the one gettext catalogue."""
import re
from contextlib import contextmanager
from string import Formatter

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from eigendossier.core.config import PROJECT_ROOT
from eigendossier.dossier.messages import MESSAGES, render
from eigendossier.sharing.page import EMPLOYER_MESSAGES
from tests.conftest import make_app

LIBRARY = PROJECT_ROOT / "backend" / "eigendossier" / "credentials"
CATALOG = PROJECT_ROOT / "backend" / "eigendossier" / "translations" / "nl" / "LC_MESSAGES" / \
    "messages.po"
PREFIXES = ("parse", "fetch", "format", "schema", "proof", "key", "issuer_identity",
            "recipient", "validity", "revocation", "refresh")
CODE = re.compile(r'"((?:' + "|".join(PREFIXES) + r')\.[a-z_0-9]+)"')


def library_codes() -> set[str]:
    codes = set()
    for path in LIBRARY.glob("*.py"):
        codes |= set(CODE.findall(path.read_text()))
    return codes | {"revocation.suspended"}  # built with an f-string in status.py


def dutch() -> dict[str, str]:
    with CATALOG.open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


@pytest.fixture
def in_request(tmp_path):
    """A request of a real app, in the language asked for."""
    app = make_app("sqlite://", tmp_path)

    @contextmanager
    def speaking(locale: str):
        with app.test_request_context(), force_locale(locale):
            yield

    return speaking


def test_every_library_code_is_translated():
    codes = library_codes()
    assert len(codes) > 90
    missing = sorted(codes - set(MESSAGES))
    assert not missing, f"add to dossier/messages.py: {missing}"


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_both_languages_use_the_same_placeholders(code):
    english = str(MESSAGES[code])  # outside a request: the msgid
    assert placeholders(english) == placeholders(dutch()[english])


@pytest.mark.parametrize("code", sorted(EMPLOYER_MESSAGES))
def test_the_employers_words_name_the_learner_in_both_languages(code):
    english = str(EMPLOYER_MESSAGES[code])
    assert placeholders(english) == placeholders(dutch()[english]) == {"name"}


def test_params_are_filled_in_dutch(in_request):
    refused = {"url": "https://x.nl/b", "reason": "address not allowed (10.0.0.1)"}
    with in_request("nl"):
        assert render("validity.expired", {"expired_on": "2025-01-01T00:00:00+00:00"}) == \
            "Verlopen op 2025-01-01."
        assert render("fetch.failed", {"url": "https://x.nl/b", "reason": "timed out"}) == \
            "Kon https://x.nl/b niet ophalen: het duurde te lang."
        assert render("fetch.failed", refused) == \
            "Kon https://x.nl/b niet ophalen: dit adres mag niet worden opgehaald."
        assert render("proof.legacy_suite", {}) == \
            "De handtekening gebruikt een oudere methode (…)."
        assert render("no.such_code", {}, "English default") == "English default"


def test_params_are_filled_in_english(in_request):
    refused = {"url": "https://x.nl/b", "reason": "address not allowed (10.0.0.1)"}
    with in_request("en"):
        assert render("format.type_invalid", {"types": ["A", "B"]}) == \
            "The credential has the wrong type (A, B)."
        assert render("fetch.failed", refused) == \
            "Could not fetch https://x.nl/b: this address may not be fetched."


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
def test_why_a_fetch_failed_is_told_in_plain_words_never_an_exception_name(
        in_request, reason, english, dutch):
    params = {"url": "https://x.nl/b", "reason": reason}
    with in_request("en"):
        assert render("fetch.failed", params) == f"Could not fetch https://x.nl/b: {english}."
    with in_request("nl"):
        assert render("fetch.failed", params) == f"Kon https://x.nl/b niet ophalen: {dutch}."
