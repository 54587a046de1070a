"""The credentials library's message codes in plain words, in Dutch and English.

The library gives every check and every parse error a stable ``code`` and ``params``; the
learner reads the sentence here in their own language. ``{name}`` is filled from the params.
A code missing here falls back to the library's English message (a test keeps this table
complete).
"""
import re
from string import Formatter

# code: (English, Dutch)
MESSAGES: dict[str, tuple[str, str]] = {
    # -- reading the file (refused imports) ------------------------------------------------
    "parse.too_large": ("The file is larger than this server accepts ({limit} bytes).",
                        "Het bestand is groter dan deze server aanneemt ({limit} bytes)."),
    "parse.unknown_format": (
        "This is not a badge image (PNG or SVG), a JSON file or a signed credential (JWS).",
        "Dit is geen badge-afbeelding (PNG of SVG), geen JSON-bestand en geen ondertekende "
        "credential (JWS)."),
    "parse.json_invalid": ("The text is not valid JSON: {detail}",
                           "De tekst is geen geldige JSON: {detail}"),
    "parse.json_duplicate_key": ("The JSON names the field {key} twice.",
                                 "De JSON noemt het veld {key} twee keer."),
    "parse.json_too_deep": ("The JSON is nested too deeply ({depth} levels; at most {limit}).",
                            "De JSON is te diep genest ({depth} niveaus; hooguit {limit})."),
    "parse.jws_alg_refused": ("The signature uses the algorithm {alg}, which is not allowed "
                              "for badges.",
                              "De handtekening gebruikt het algoritme {alg}, dat niet is "
                              "toegestaan voor badges."),
    "parse.jws_crit_unsupported": ("The signature uses header extensions we do not support.",
                                   "De handtekening gebruikt uitbreidingen die we niet "
                                   "ondersteunen."),
    "parse.png_too_large_image": ("The image claims {width} x {height} pixels: far more than "
                                  "a badge has.",
                                  "De afbeelding zegt {width} x {height} pixels groot te zijn: "
                                  "veel groter dan een badge."),
    "parse.jws_key_url_refused": ("The signature says to fetch its key from a web address "
                                  "(jku or x5u); we do not fetch keys that way.",
                                  "De handtekening zegt haar sleutel van een webadres te halen "
                                  "(jku of x5u); zo halen we geen sleutels op."),
    "parse.jws_header_too_large": ("The signature header is too large (over {limit} bytes).",
                                   "De kop van de handtekening is te groot (meer dan {limit} "
                                   "bytes)."),
    "parse.jws_invalid": ("The signed credential (JWS) is damaged or incomplete.",
                          "De ondertekende credential (JWS) is beschadigd of onvolledig."),
    "parse.not_a_credential": ("This file is not an awarded badge or credential.",
                               "Dit bestand is geen uitgereikte badge of credential."),
    "parse.presentation_unsupported": (
        "This is a presentation with several credentials: import them one by one.",
        "Dit is een presentatie met meerdere credentials: importeer ze een voor een."),
    "parse.png_corrupt": ("The PNG image is damaged.", "De PNG-afbeelding is beschadigd."),
    "parse.png_no_credential": ("This image holds no badge. Download the badge image from "
                                "your issuer again.",
                                "In deze afbeelding zit geen badge. Download de "
                                "badge-afbeelding opnieuw bij de uitgever."),
    "parse.png_multiple_credentials": ("This image holds more than one badge.",
                                       "In deze afbeelding zit meer dan één badge."),
    "parse.png_too_many_chunks": ("The PNG image has too many parts to be read safely.",
                                  "De PNG-afbeelding heeft te veel onderdelen om veilig te "
                                  "lezen."),
    "parse.svg_invalid": ("The SVG image is not well-formed.",
                          "De SVG-afbeelding is niet goed opgebouwd."),
    "parse.svg_no_credential": ("This SVG image holds no badge.",
                                "In deze SVG-afbeelding zit geen badge."),
    "parse.svg_unsafe": ("The SVG image contains entities or external references and was "
                         "refused for safety.",
                         "De SVG-afbeelding bevat entiteiten of externe verwijzingen en is "
                         "om veiligheidsredenen geweigerd."),
    "parse.baked_url": ("The image holds only a web address of the badge.",
                        "De afbeelding bevat alleen een webadres van de badge."),
    "parse.baked_url_unavailable": ("The image points to {url}, which could not be fetched.",
                                    "De afbeelding verwijst naar {url}, maar dat adres kon "
                                    "niet worden opgehaald."),
    "fetch.failed": ("Could not fetch {url}: {reason}.", "Kon {url} niet ophalen: {reason}."),
    # -- format and schema ------------------------------------------------------------------
    "format.ok": ("The credential is well-formed.", "De credential is goed opgebouwd."),
    "format.context_invalid": ("The credential does not declare the standard it follows "
                               "(@context).",
                               "De credential vermeldt niet welke standaard hij volgt "
                               "(@context)."),
    "format.ob_context_missing": ("The Open Badges 3.0 context is missing.",
                                  "De Open Badges 3.0-context ontbreekt."),
    "format.type_invalid": ("The credential has the wrong type ({types}).",
                            "De credential heeft het verkeerde type ({types})."),
    "format.jwt_claim_mismatch": ("The signed envelope says something else than the "
                                  "credential ({claim}).",
                                  "De ondertekende envelop zegt iets anders dan de "
                                  "credential ({claim})."),
    "format.vc_v1": ("Uses the older version 1.1 of the credential standard.",
                     "Gebruikt de oudere versie 1.1 van de credential-standaard."),
    "schema.valid": ("The credential matches the Open Badges standard.",
                     "De credential voldoet aan de Open Badges-standaard."),
    "schema.invalid": ("The credential deviates from the Open Badges standard (the signature "
                       "holds): {errors}",
                       "De credential wijkt af van de Open Badges-standaard (de handtekening "
                       "klopt): {errors}"),
    "schema.not_applicable": ("No Open Badges schema applies to this kind of credential.",
                              "Voor dit soort credential is er geen Open Badges-schema."),
    "schema.declared_not_checked": ("An extra schema named by the credential was not "
                                    "checked.",
                                    "Een extra schema dat de credential noemt, is niet "
                                    "gecontroleerd."),
    # -- proof ------------------------------------------------------------------------------
    "proof.valid": ("The signature is valid: nothing was changed after issuing.",
                    "De handtekening klopt: er is na het uitgeven niets veranderd."),
    "proof.hosted": ("The issuer still publishes this badge on its own website.",
                     "De uitgever publiceert deze badge nog op de eigen website."),
    "proof.hosted_copy_differs": ("Your copy differs from the issuer's; the issuer's copy "
                                  "was checked.",
                                  "Jouw kopie wijkt af van die van de uitgever; die van de "
                                  "uitgever is gecontroleerd."),
    "proof.hosted_id_differs": ("The badge moved to another address ({declared}).",
                                "De badge is verhuisd naar een ander adres ({declared})."),
    "proof.hosted_id_invalid": ("The badge's own address is not where it is published.",
                                "Het eigen adres van de badge is niet waar hij gepubliceerd "
                                "is."),
    "proof.hosted_invalid": ("The issuer's website does not serve this badge.",
                             "De website van de uitgever levert deze badge niet."),
    "proof.hosted_unavailable": ("The issuer's copy of the badge could not be fetched.",
                                 "De kopie van de badge bij de uitgever kon niet worden "
                                 "opgehaald."),
    "proof.issuer_unavailable": ("The badge description or issuer could not be fetched.",
                                 "De badgebeschrijving of de uitgever kon niet worden "
                                 "opgehaald."),
    "proof.jws_missing": ("A signed badge must come with its signature (JWS).",
                          "Een ondertekende badge moet met zijn handtekening (JWS) komen."),
    "proof.key_missing": ("The signature does not say which key made it.",
                          "De handtekening vermeldt niet met welke sleutel ze is gezet."),
    "proof.key_type_mismatch": ("The signature and the issuer's key do not fit together.",
                                "De handtekening en de sleutel van de uitgever passen niet "
                                "bij elkaar."),
    "proof.legacy_suite": ("The signature uses an older method ({suite}).",
                           "De handtekening gebruikt een oudere methode ({suite})."),
    "proof.missing": ("The credential is not signed.", "De credential is niet ondertekend."),
    "proof.not_checked": ("The signature could not be checked.",
                          "De handtekening kon niet worden gecontroleerd."),
    "proof.purpose_invalid": ("The signature was not made for issuing credentials.",
                              "De handtekening is niet gezet om credentials uit te geven."),
    "proof.signature_invalid": ("The signature is not valid: the credential was changed or "
                                "not signed by this issuer.",
                                "De handtekening klopt niet: de credential is veranderd of "
                                "niet door deze uitgever ondertekend."),
    "proof.too_complex": ("The credential is too large to check.",
                          "De credential is te groot om te controleren."),
    "proof.type_unsupported": ("The credential uses a signature method we do not support.",
                               "De credential gebruikt een handtekeningmethode die we niet "
                               "ondersteunen."),
    "proof.selective_disclosure_unsupported": (
        "Selective disclosure signatures are not supported yet.",
        "Handtekeningen voor selectieve openbaarmaking worden nog niet ondersteund."),
    "proof.value_malformed": ("The signature is damaged.", "De handtekening is beschadigd."),
    "proof.canonicalization_failed": ("The credential could not be prepared for checking.",
                                      "De credential kon niet worden voorbereid op de "
                                      "controle."),
    "proof.context_mismatch": ("The signature was made over a different vocabulary.",
                               "De handtekening is gezet over een andere woordenlijst."),
    "proof.context_refused": ("The credential uses a vocabulary we do not know ({url}), so "
                              "its signature could not be checked.",
                              "De credential gebruikt een woordenlijst die we niet kennen "
                              "({url}), dus de handtekening kon niet worden gecontroleerd."),
    "proof.previous_missing": ("A signature builds on an earlier signature that is missing.",
                               "Een handtekening bouwt voort op een eerdere handtekening die "
                               "ontbreekt."),
    # -- issuer key -------------------------------------------------------------------------
    "key.resolved": ("The issuer's key was found.", "De sleutel van de uitgever is gevonden."),
    "key.unavailable": ("The issuer's key could not be fetched ({url}). Try again later.",
                        "De sleutel van de uitgever kon niet worden opgehaald ({url}). "
                        "Probeer het later opnieuw."),
    "key.not_applicable": ("This badge is not signed, so no key is needed.",
                           "Deze badge is niet ondertekend, dus er is geen sleutel nodig."),
    "key.not_checked": ("No key to check.", "Geen sleutel om te controleren."),
    "key.malformed": ("The issuer's key is damaged.", "De sleutel van de uitgever is "
                                                      "beschadigd."),
    "key.document_invalid": ("The issuer's key document is not valid.",
                             "Het sleuteldocument van de uitgever is ongeldig."),
    "key.did_document_invalid": ("The issuer's identity document ({did}) is not valid.",
                                 "Het identiteitsdocument van de uitgever ({did}) is "
                                 "ongeldig."),
    "key.invalid_reference": ("The reference to the issuer's key is not valid.",
                              "De verwijzing naar de sleutel van de uitgever is ongeldig."),
    "key.method_not_found": ("The issuer's key is not in the issuer's key list.",
                             "De sleutel staat niet in de sleutellijst van de uitgever."),
    "key.not_assertion_method": ("The issuer does not use this key for issuing.",
                                 "De uitgever gebruikt deze sleutel niet om uit te geven."),
    "key.unsupported_did_method": ("The issuer uses an identity method we do not support "
                                   "({method}).",
                                   "De uitgever gebruikt een identiteitsmethode die we niet "
                                   "ondersteunen ({method})."),
    "key.unsupported_scheme": ("The issuer's key is at an address we cannot use ({scheme}).",
                               "De sleutel van de uitgever staat op een adres dat we niet "
                               "kunnen gebruiken ({scheme})."),
    # -- issuer identity --------------------------------------------------------------------
    "issuer_identity.confirmed": ("The key belongs to the issuer.",
                                  "De sleutel hoort bij de uitgever."),
    "issuer_identity.in_scope": ("The badge is published on the issuer's own website.",
                                 "De badge staat op de eigen website van de uitgever."),
    "issuer_identity.unconfirmed": ("The key is in the credential itself; the issuer's own key "
                                    "list could not confirm it.",
                                    "De sleutel zit in de credential zelf; de eigen "
                                    "sleutellijst van de uitgever kon hem niet bevestigen."),
    "issuer_identity.controller_mismatch": ("The key does not belong to the issuer.",
                                            "De sleutel hoort niet bij de uitgever."),
    "issuer_identity.key_not_listed": ("The key is not one of the issuer's keys.",
                                       "De sleutel is niet een van de sleutels van de "
                                       "uitgever."),
    "issuer_identity.missing": ("The credential does not name its issuer.",
                                "De credential vermeldt geen uitgever."),
    "issuer_identity.no_http_origin": ("The issuer is not a web address, so the website "
                                       "cannot be tied to it.",
                                       "De uitgever is geen webadres, dus de website is er "
                                       "niet aan te koppelen."),
    "issuer_identity.unbound": ("The issuer is a web address and the signing key is not "
                                "shown to be theirs.",
                                "De uitgever is een webadres en er is niet aangetoond dat de "
                                "sleutel van de uitgever is."),
    "issuer_identity.not_checked": ("The issuer could not be checked.",
                                    "De uitgever kon niet worden gecontroleerd."),
    "issuer_identity.not_resolvable": ("The issuer's identity cannot be tied to a key.",
                                       "De identiteit van de uitgever is niet aan een "
                                       "sleutel te koppelen."),
    "issuer_identity.out_of_scope": ("The badge is published where its issuer does not allow.",
                                     "De badge staat op een plek die de uitgever niet "
                                     "toestaat."),
    # -- recipient --------------------------------------------------------------------------
    "recipient.matches": ("Issued to you (your email address).",
                          "Uitgegeven aan jou (jouw e-mailadres)."),
    "recipient.no_match": ("Issued to someone else: the recipient is not your email address.",
                           "Uitgegeven aan iemand anders: de ontvanger is niet jouw "
                           "e-mailadres."),
    "recipient.unlinked": ("Issued to an identifier (such as a DID) that is not linked to your "
                           "account, so we cannot confirm it is yours.",
                           "Uitgegeven aan een kenmerk (zoals een DID) dat niet aan je account "
                           "is gekoppeld; we kunnen niet bevestigen dat hij van jou is."),
    "recipient.absent": ("The credential does not name a recipient.",
                         "De credential vermeldt geen ontvanger."),
    "recipient.not_checked": ("The recipient was not checked.",
                              "De ontvanger is niet gecontroleerd."),
    # -- validity ---------------------------------------------------------------------------
    "validity.current": ("Valid today.", "Vandaag geldig."),
    "validity.expired": ("Expired on {expired_on}.", "Verlopen op {expired_on}."),
    "validity.not_yet_valid": ("Not valid yet: valid from {valid_from}.",
                               "Nog niet geldig: geldig vanaf {valid_from}."),
    "validity.expires_before_issued": ("The credential expires before it was issued.",
                                       "De credential verloopt voordat hij is uitgegeven."),
    "validity.date_invalid": ("A date in the credential is not valid.",
                              "Een datum in de credential is ongeldig."),
    # -- revocation -------------------------------------------------------------------------
    "revocation.not_revoked": ("Not withdrawn by the issuer.",
                               "Niet ingetrokken door de uitgever."),
    "revocation.hosted_not_revoked": ("The issuer still publishes this badge: not withdrawn.",
                                      "De uitgever publiceert deze badge nog: niet "
                                      "ingetrokken."),
    "revocation.none": ("The issuer publishes no withdrawal list for it.",
                        "De uitgever publiceert er geen intrekkingslijst voor."),
    "revocation.revoked": ("Withdrawn by the issuer.", "Ingetrokken door de uitgever."),
    "revocation.suspended": ("Suspended by the issuer.", "Tijdelijk ingetrokken door de "
                                                         "uitgever."),
    "revocation.unavailable": ("The issuer's withdrawal list could not be fetched, so we "
                               "cannot tell whether it was withdrawn.",
                               "De intrekkingslijst van de uitgever kon niet worden "
                               "opgehaald, dus we weten niet of hij is ingetrokken."),
    "revocation.entry_invalid": ("The credential's withdrawal entry is not valid.",
                                 "De intrekkingsgegevens in de credential zijn ongeldig."),
    "revocation.index_out_of_range": ("The credential is not on the issuer's withdrawal list.",
                                      "De credential staat niet op de intrekkingslijst van "
                                      "de uitgever."),
    "revocation.list_invalid": ("The issuer's withdrawal list is not valid.",
                                "De intrekkingslijst van de uitgever is ongeldig."),
    "revocation.list_issuer_mismatch": ("The withdrawal list the issuer points to was "
                                        "published by someone else.",
                                        "De intrekkingslijst waar de uitgever naar verwijst, "
                                        "is door een ander gepubliceerd."),
    "revocation.list_too_large": ("The issuer's withdrawal list is too large to check.",
                                  "De intrekkingslijst van de uitgever is te groot om te "
                                  "controleren."),
    "revocation.list_untrusted": ("The withdrawal list's own signature is not valid.",
                                  "De handtekening van de intrekkingslijst klopt niet."),
    "revocation.unsupported_type": ("The issuer uses a withdrawal list we do not support.",
                                    "De uitgever gebruikt een intrekkingslijst die we niet "
                                    "ondersteunen."),
    # -- refresh ----------------------------------------------------------------------------
    "refresh.none": ("The issuer offers no refresh service.",
                     "De uitgever biedt geen vernieuwingsdienst."),
    "refresh.available": ("The issuer offers a refresh service.",
                          "De uitgever biedt een vernieuwingsdienst."),
}

# Why a fetch failed (fetch.failed's {reason}, from the guarded client), in English and Dutch.
# Any other reason (an exception's class name such as "ConnectionError", a parse code) is
# not shown to a learner: it reads as UNKNOWN_REASON.
REASONS = {
    "only https URLs are fetched": ("only https addresses are fetched",
                                    "alleen https-adressen worden opgehaald"),
    "not an http(s) URL": ("this is not a web address", "dit is geen webadres"),
    "response too large": ("the answer is too large", "het antwoord is te groot"),
    "too many redirects": ("too many redirects", "te veel doorverwijzingen"),
    "timed out": ("it took too long", "het duurde te lang"),
    "offline": ("no connection", "geen verbinding"),
    "the URL has no host": ("the address has no server", "het adres heeft geen server"),
    "not a valid URL": ("not a valid web address", "geen geldig webadres"),
    "TLS certificate not valid": ("the security certificate is not valid",
                                  "het beveiligingscertificaat is ongeldig"),
    "the connection broke off": ("the connection broke off", "de verbinding werd verbroken"),
    "URLs with a user name or password are not fetched": (
        "addresses with a user name or password are not fetched",
        "adressen met een gebruikersnaam of wachtwoord worden niet opgehaald"),
}
REASON_PREFIXES = {
    "address not allowed": ("this address may not be fetched",
                            "dit adres mag niet worden opgehaald"),
    "connection failed": ("the server could not be reached", "de server was niet bereikbaar"),
}
HTTP_REASON = re.compile(r"^HTTP (\d{3})$")
HTTP_REASONS = ("the server answered with error {status}",
                "de server antwoordde met foutcode {status}")
UNKNOWN_REASON = ("the address gave no usable answer", "het adres gaf geen bruikbaar antwoord")


def fetch_reason(reason: str, locale: str) -> str:
    """Why a fetch failed, in plain words of the learner's language."""
    index = 1 if locale == "nl" else 0
    if reason in REASONS:
        return REASONS[reason][index]
    for prefix, words in REASON_PREFIXES.items():
        if reason.startswith(prefix):
            return words[index]
    status = HTTP_REASON.match(reason)
    if status:
        return HTTP_REASONS[index].format(status=status.group(1))
    return UNKNOWN_REASON[index]


class _Params(dict):
    """Missing params render as empty; lists as comma-separated text; dates as dates."""

    def __missing__(self, key):
        return "…"


def _display(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_display(v) for v in value)
    if isinstance(value, str) and len(value) >= 20 and value[4:5] == "-" and value[10:11] == "T":
        return value[:10]  # an ISO timestamp: the date is what a learner needs
    return str(value)


def render(code: str, params: dict | None, default: str, locale: str) -> str:
    """The message for ``code`` in ``locale`` (nl or en), or ``default`` when unknown."""
    templates = MESSAGES.get(code)
    if templates is None:
        return default or code
    template = templates[1] if locale == "nl" else templates[0]
    values = _Params({k: _display(v) for k, v in (params or {}).items()})
    if code == "fetch.failed":
        values["reason"] = fetch_reason(str((params or {}).get("reason", "")), locale)
    return Formatter().vformat(template, (), values)
