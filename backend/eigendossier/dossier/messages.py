"""The credentials library's message codes in plain words, in the learner's language.

The library gives every check and every parse error a stable ``code`` and ``params``; the
learner reads the sentence here, translated through the gettext catalogue like every other
text. ``{name}`` is filled from the params after translation (the library's params are not
``%``-style). A code missing here falls back to the library's English message (a test keeps
this table complete).
"""
import re
from string import Formatter

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

MESSAGES = {
    # -- reading the file (refused imports) ------------------------------------------------
    "parse.too_large": _l("The file is larger than this server accepts ({limit} bytes)."),
    "parse.unknown_format": _l("This is not a badge image (PNG or SVG), a JSON file or a signed "
                               "credential (JWS)."),
    "parse.json_invalid": _l("The text is not valid JSON: {detail}"),
    "parse.json_duplicate_key": _l("The JSON names the field {key} twice."),
    "parse.json_too_deep": _l("The JSON is nested too deeply ({depth} levels; at most {limit})."),
    "parse.json_too_many_values": _l("The JSON holds more than {limit} keys and values."),
    "parse.jws_alg_refused": _l("The signature uses the algorithm {alg}, which is not allowed for "
                                "badges."),
    "parse.jws_crit_unsupported": _l("The signature uses header extensions we do not support."),
    "parse.png_too_large_image": _l("The image claims {width} x {height} pixels: far more than a "
                                    "badge has."),
    "parse.jws_key_url_refused": _l("The signature says to fetch its key from a web address (jku "
                                    "or x5u); we do not fetch keys that way."),
    "parse.jws_header_too_large": _l("The signature header is too large (over {limit} bytes)."),
    "parse.jws_invalid": _l("The signed credential (JWS) is damaged or incomplete."),
    "parse.sd_jwt_invalid": _l("The SD-JWT credential is damaged or its disclosed fields do not "
                               "match what the issuer signed."),
    "parse.not_a_credential": _l("This file is not an awarded badge or credential."),
    "parse.presentation_unsupported": _l("This is a presentation with several credentials: import "
                                         "them one by one."),
    "parse.png_corrupt": _l("The PNG image is damaged."),
    "parse.png_no_credential": _l("This image holds no badge. Download the badge image from your "
                                  "issuer again."),
    "parse.png_multiple_credentials": _l("This image holds more than one badge."),
    "parse.png_too_many_chunks": _l("The PNG image has too many parts to be read safely."),
    "parse.svg_invalid": _l("The SVG image is not well-formed."),
    "parse.svg_no_credential": _l("This SVG image holds no badge."),
    "parse.svg_unsafe": _l("The SVG image contains entities or external references and was refused "
                           "for safety."),
    "parse.baked_url": _l("The image holds only a web address of the badge."),
    "parse.baked_url_unavailable": _l("The image points to {url}, which could not be fetched."),
    "fetch.failed": _l("Could not fetch {url}: {reason}."),
    # -- format and schema ------------------------------------------------------------------
    "format.ok": _l("The credential is well-formed."),
    "format.context_invalid": _l("The credential does not declare the standard it follows "
                                 "(@context)."),
    "format.ob_context_missing": _l("The Open Badges 3.0 context is missing."),
    "format.type_invalid": _l("The credential has the wrong type ({types})."),
    "format.jwt_claim_mismatch": _l("The signed envelope says something else than the credential "
                                    "({claim})."),
    "format.vc_v1": _l("Uses the older version 1.1 of the credential standard."),
    "format.sd_jwt_vc": _l("A well-formed SD-JWT credential: its holder can show some fields and "
                           "withhold others."),
    "schema.valid": _l("The credential matches the Open Badges standard."),
    "schema.invalid": _l("The credential deviates from the Open Badges standard (the signature "
                         "holds): {errors}"),
    "schema.not_applicable": _l("No Open Badges schema applies to this kind of credential."),
    "schema.declared_not_checked": _l("An extra schema named by the credential was not checked."),
    # -- proof ------------------------------------------------------------------------------
    "proof.valid": _l("The signature is valid: nothing was changed after issuing."),
    "proof.hosted": _l("The issuer still publishes this badge on its own website."),
    "proof.hosted_copy_differs": _l("Your copy differs from the issuer's; the issuer's copy was "
                                    "checked."),
    "proof.hosted_id_differs": _l("The badge moved to another address ({declared})."),
    "proof.hosted_id_invalid": _l("The badge's own address is not where it is published."),
    "proof.hosted_invalid": _l("The issuer's website does not serve this badge."),
    "proof.hosted_unavailable": _l("The issuer's copy of the badge could not be fetched."),
    "proof.issuer_unavailable": _l("The badge description or issuer could not be fetched."),
    "proof.jws_missing": _l("A signed badge must come with its signature (JWS)."),
    "proof.key_missing": _l("The signature does not say which key made it."),
    "proof.key_type_mismatch": _l("The signature and the issuer's key do not fit together."),
    "proof.legacy_suite": _l("The signature uses an older method ({suite})."),
    "proof.missing": _l("The credential is not signed."),
    "proof.not_checked": _l("The signature could not be checked."),
    "proof.purpose_invalid": _l("The signature was not made for issuing credentials."),
    "proof.signature_invalid": _l("The signature is not valid: the credential was changed or not "
                                  "signed by this issuer."),
    "proof.too_complex": _l("The credential is too large to check."),
    "proof.type_unsupported": _l("The credential uses a signature method we do not support."),
    "proof.selective_disclosure_unsupported": _l("Selective disclosure signatures are not "
                                                 "supported yet."),
    "proof.value_malformed": _l("The signature is damaged."),
    "proof.canonicalization_failed": _l("The credential could not be prepared for checking."),
    "proof.context_mismatch": _l("The signature was made over a different vocabulary."),
    "proof.context_refused": _l("The credential uses a vocabulary we do not know ({url}), so its "
                                "signature could not be checked."),
    "proof.previous_missing": _l("A signature builds on an earlier signature that is missing."),
    # -- issuer key -------------------------------------------------------------------------
    "key.resolved": _l("The issuer's key was found."),
    "key.unavailable": _l("The issuer's key could not be fetched ({url}). Try again later."),
    "key.not_applicable": _l("This badge is not signed, so no key is needed."),
    "key.not_checked": _l("No key to check."),
    "key.malformed": _l("The issuer's key is damaged."),
    "key.document_invalid": _l("The issuer's key document is not valid."),
    "key.did_document_invalid": _l("The issuer's identity document ({did}) is not valid."),
    "key.invalid_reference": _l("The reference to the issuer's key is not valid."),
    "key.method_not_found": _l("The issuer's key is not in the issuer's key list."),
    "key.not_assertion_method": _l("The issuer does not use this key for issuing."),
    "key.unsupported_did_method": _l("The issuer uses an identity method we do not support "
                                     "({method})."),
    "key.unsupported_scheme": _l("The issuer's key is at an address we cannot use ({scheme})."),
    # -- issuer identity --------------------------------------------------------------------
    "issuer_identity.confirmed": _l("The key belongs to the issuer."),
    "issuer_identity.in_scope": _l("The badge is published on the issuer's own website."),
    "issuer_identity.unconfirmed": _l("The key is in the credential itself; the issuer's own key "
                                      "list could not confirm it."),
    "issuer_identity.controller_mismatch": _l("The key does not belong to the issuer."),
    "issuer_identity.cosigned": _l("A further proof is by someone other than the issuer "
                                   "({controller}): a co-signature."),
    "issuer_identity.key_not_listed": _l("The key is not one of the issuer's keys."),
    "issuer_identity.missing": _l("The credential does not name its issuer."),
    "issuer_identity.no_http_origin": _l("The issuer is not a web address, so the website cannot "
                                         "be tied to it."),
    "issuer_identity.unbound": _l("The issuer is a web address and the signing key is not shown to "
                                  "be theirs."),
    "issuer_identity.not_checked": _l("The issuer could not be checked."),
    "issuer_identity.not_resolvable": _l("The issuer's identity cannot be tied to a key."),
    "issuer_identity.out_of_scope": _l("The badge is published where its issuer does not allow."),
    # -- recipient --------------------------------------------------------------------------
    "recipient.matches": _l("Issued to you (your email address)."),
    "recipient.no_match": _l("Issued to someone else: the recipient is not your email address."),
    "recipient.unlinked": _l("Issued to an identifier (such as a DID) that is not linked to your "
                             "account, so we cannot confirm it is yours."),
    "recipient.absent": _l("The credential does not name a recipient."),
    "recipient.not_checked": _l("The recipient was not checked."),
    # -- validity ---------------------------------------------------------------------------
    "validity.current": _l("Valid today."),
    "validity.expired": _l("Expired on {expired_on}."),
    "validity.not_yet_valid": _l("Not valid yet: valid from {valid_from}."),
    "validity.expires_before_issued": _l("The credential expires before it was issued."),
    "validity.date_invalid": _l("A date in the credential is not valid."),
    # -- revocation -------------------------------------------------------------------------
    "revocation.not_revoked": _l("Not withdrawn by the issuer."),
    "revocation.hosted_not_revoked": _l("The issuer still publishes this badge: not withdrawn."),
    "revocation.hosted_unknown": _l("The issuer's copy of the badge could not be fetched, so we "
                                    "cannot tell whether it was withdrawn."),
    "revocation.none": _l("The issuer publishes no withdrawal list for it."),
    "revocation.revoked": _l("Withdrawn by the issuer."),
    "revocation.suspended": _l("Suspended by the issuer."),
    "revocation.unavailable": _l("The issuer's withdrawal list could not be fetched, so we cannot "
                                 "tell whether it was withdrawn."),
    "revocation.entry_invalid": _l("The credential's withdrawal entry is not valid."),
    "revocation.index_out_of_range": _l("The credential is not on the issuer's withdrawal list."),
    "revocation.list_invalid": _l("The issuer's withdrawal list is not valid."),
    "revocation.list_issuer_mismatch": _l("The withdrawal list the issuer points to was published "
                                          "by someone else."),
    "revocation.list_too_large": _l("The issuer's withdrawal list is too large to check."),
    "revocation.list_untrusted": _l("The withdrawal list's own signature is not valid."),
    "revocation.unsupported_type": _l("The issuer uses a withdrawal list we do not support."),
    # -- refresh ----------------------------------------------------------------------------
    "refresh.none": _l("The issuer offers no refresh service."),
    "refresh.available": _l("The issuer offers a refresh service."),
    # -- key proofs (OpenID4VCI: the wallet proves it holds the key) -------------------------
    "proof.invalid": _l("The wallet's key proof is not valid."),
    "proof.stale": _l("The wallet's key proof was not made just now."),
    "proof.wrong_audience": _l("The wallet's key proof is meant for another issuer."),
}

# Why a fetch failed (fetch.failed's {reason}, from the guarded client), in plain words.
# Any other reason (an exception's class name such as "ConnectionError", a parse code) is
# not shown to a learner: it reads as UNKNOWN_REASON.
REASONS = {
    "only https URLs are fetched": _l("only https addresses are fetched"),
    "not an http(s) URL": _l("this is not a web address"),
    "response too large": _l("the answer is too large"),
    "too many redirects": _l("too many redirects"),
    "timed out": _l("it took too long"),
    "offline": _l("no connection"),
    "the URL has no host": _l("the address has no server"),
    "not a valid URL": _l("not a valid web address"),
    "TLS certificate not valid": _l("the security certificate is not valid"),
    "the connection broke off": _l("the connection broke off"),
    "URLs with a user name or password are not fetched": _l(
        "addresses with a user name or password are not fetched"),
}
REASON_PREFIXES = {
    "address not allowed": _l("this address may not be fetched"),
    "connection failed": _l("the server could not be reached"),
}
HTTP_REASON = re.compile(r"^HTTP (\d{3})$")
UNKNOWN_REASON = _l("the address gave no usable answer")


class _Params(dict):
    """Missing params render as an ellipsis; lists as comma-separated text; dates as dates."""

    def __missing__(self, key):
        return "…"


def _display(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_display(v) for v in value)
    if isinstance(value, str) and len(value) >= 20 and value[4:5] == "-" and value[10:11] == "T":
        return value[:10]  # an ISO timestamp: the date is what a learner needs
    return str(value)


def reason(text: str) -> str:
    """Why a fetch failed, in plain words of the request's language."""
    if text in REASONS:
        return str(REASONS[text])
    for prefix, words in REASON_PREFIXES.items():
        if text.startswith(prefix):
            return str(words)
    status = HTTP_REASON.match(text)
    if status:
        return gettext("the server answered with error %(status)s", status=status.group(1))
    return str(UNKNOWN_REASON)


def fill(template, params: dict | None) -> str:
    """A translated template with ``{name}`` filled from ``params``."""
    values = _Params({k: _display(v) for k, v in (params or {}).items()})
    return Formatter().vformat(str(template), (), values)


def render(code: str, params: dict | None, default: str = "") -> str:
    """The message for ``code`` in the request's language, or ``default`` when unknown."""
    template = MESSAGES.get(code)
    if template is None:
        return default or code
    if code == "fetch.failed" and params and "reason" in params:
        params = {**params, "reason": reason(str(params["reason"]))}
    return fill(template, params)
