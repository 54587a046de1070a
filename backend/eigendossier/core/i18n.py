"""The request's language: the signed-in learner's profile, else Accept-Language, else Dutch."""
from babel import Locale
from flask import current_app, request
from flask_login import current_user

LOCALES = ("nl", "en")
# Made once: flask_babel parses a language name the selector returns anew on every request.
_PARSED = {name: Locale.parse(name) for name in LOCALES}


def select_locale() -> Locale | str:
    """flask_babel's locale selector (once per request that translates), reading
    current_user once."""
    user = current_user._get_current_object()
    if getattr(user, "is_authenticated", False):
        name = user.locale
    else:
        best = request.accept_languages.best_match(LOCALES) if request else None
        name = best or current_app.config["DEFAULT_LOCALE"]
    return _PARSED.get(name, name)


def page_locale() -> str:
    """The language of a public page (the employer's share and request pages): ?lang= (the
    page's switch link), else Accept-Language, else Dutch; never a signed-in profile's."""
    asked = request.args.get("lang")
    if asked in LOCALES:
        return asked
    return request.accept_languages.best_match(LOCALES) or current_app.config["DEFAULT_LOCALE"]


def prefers_html() -> bool:
    """Whether a public page's caller (a browser) wants HTML rather than a problem document."""
    best = request.accept_mimetypes.best_match(
        ["application/problem+json", "application/json", "text/html"])
    return best == "text/html"


def localized(obj, field: str, language: str | None = None) -> str:
    """`obj.<field>_nl` or `obj.<field>_en`, in ``language`` (see :func:`request_language`; by
    default the request's: pass it when writing many fields, to ask once)."""
    return getattr(obj, f"{field}_{language or request_language()}")


def request_language() -> str:
    """The request's language as the catalogue has it: "en", else "nl"."""
    from flask_babel import get_locale

    return "en" if str(get_locale() or "nl") == "en" else "nl"
