"""Verifying credentials and presentations for the VC-API: our verification, reported as the
VC-API's ``{checks, warnings, errors}``.

Our verdicts map onto the VC-API's yes or no as follows. ``verified`` and
``verified_with_warnings`` are a yes (the warnings listed). ``failed``, ``revoked`` and
``expired`` are a no: evidence against the credential is an error whichever checks the caller
asked for. ``unverifiable`` is a no when the check that could not be completed is one the
caller asked for (``options.checks``; all of them when not given), and a warning otherwise: a
caller that asks only for ``proof`` learns that the signature holds and, as a warning, that
the key was not shown to belong to the issuer.
"""
import json
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from eigendossier.core.errors import PROBLEM_BASE, DomainError
from eigendossier.credentials import (
    Check,
    ParsedCredential,
    ParseError,
    VerificationResult,
    parse_credential,
    verify_credential,
)
from eigendossier.credentials import dataintegrity as di
from eigendossier.credentials.checks import UNDETERMINED, overall_status
from eigendossier.credentials.errors import CredentialError, KeyResolutionError
from eigendossier.credentials.jws import looks_like_jws
from eigendossier.credentials.linkeddata import ContextRefused, dropped_terms
from eigendossier.dossier import verification

# Our check ids as the VC-API names what was checked.
CHECK_NAMES = {
    "format": "format",
    "schema": "schema",
    "proof": "proof",
    "issuer_key": "proof",
    "issuer_identity": "issuer",
    "validity": "validity",
    "revocation": "credentialStatus",
    "refresh": "refresh",
}
ALL_CHECKS = ("format", "schema", "proof", "issuer", "validity", "credentialStatus")
PRESENTATION = "presentation"
STATUS_ORDER = ("failed", "unverifiable", "revoked", "expired", "verified_with_warnings",
                "verified")
JWT_MEDIA_TYPES = ("application/vc+jwt", "application/vc+ld+json+jwt", "application/jwt")


# What the presentation checks say, in the caller's language (the credential checks' texts
# are the dossier's).
PRESENTATION_MESSAGES = {
    "presentation.proof_missing": _l("The presentation is not signed, but a challenge or "
                                     "domain was asked for."),
    "presentation.challenge_mismatch": _l("The presentation's challenge is not the one asked "
                                          "for."),
    "presentation.domain_mismatch": _l("The presentation's domain is not the one asked for."),
    "presentation.holder_mismatch": _l("The presentation is not signed by its holder."),
    "presentation.unsigned": _l("The presentation is not signed: nothing ties it to its "
                                "holder."),
}


class NotACredential(DomainError):
    status = 400
    slug = "vc-api-not-a-credential"
    title = _l("This is not a verifiable credential")


class NotAPresentation(DomainError):
    status = 400
    slug = "vc-api-not-a-presentation"
    title = _l("This is not a verifiable presentation")


@dataclass
class Verdict:
    """What the VC-API answers: ``verified`` and our status, the checks that held, the
    warnings and the errors (each a problem details object)."""

    status: str
    checks: list[str] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return not self.errors


def _problem(check: Check, prefix: str = "") -> dict:
    own = PRESENTATION_MESSAGES.get(check.message_code)
    title = str(own) if own else verification.message(check.message_code, check.params,
                                                      check.message)
    name = CHECK_NAMES.get(check.id, check.id)
    return {"type": f"{PROBLEM_BASE}checks/{check.message_code}", "title": title,
            "check": f"{prefix}{name}"}


def _undetermined(check: Check) -> bool:
    """A check that could not be completed and leaves the verdict open."""
    if check.outcome != "skipped":
        return False
    return check.message_code in UNDETERMINED or check.id in ("proof", "issuer_key")


def verdict(result: VerificationResult, requested: list[str] | None, prefix: str = "") -> Verdict:
    """Our result for a caller that asked for the ``requested`` VC-API checks."""
    wanted = set(requested or ALL_CHECKS)
    found = Verdict(result.status)
    for check in result.checks:
        name = CHECK_NAMES.get(check.id)
        if name is None:
            continue  # the recipient: nobody's dossier is at stake here
        if check.outcome == "fail":
            found.errors.append(_problem(check, prefix))
        elif _undetermined(check):
            (found.errors if name in wanted else found.warnings).append(_problem(check, prefix))
        elif check.outcome == "warn":
            found.warnings.append(_problem(check, prefix))
    passed = {CHECK_NAMES[c.id] for c in result.checks
              if c.id in CHECK_NAMES and c.outcome in ("pass", "warn")}
    failed_names = {e["check"].removeprefix(prefix) for e in found.errors}
    found.checks = [f"{prefix}{n}" for n in ALL_CHECKS if n in passed - failed_names]
    found.status = _status(found, result.status)
    return found


def _status(found: Verdict, ours: str) -> str:
    """Our status as the caller's choice of checks leaves it."""
    if found.errors:
        return ours if ours in ("failed", "unverifiable", "revoked", "expired") else "failed"
    return "verified_with_warnings" if found.warnings else "verified"


def worst(statuses: list[str]) -> str:
    return min(statuses, key=STATUS_ORDER.index)


# -- credentials -------------------------------------------------------------------------


def _enveloped_token(credential: dict) -> str | None:
    """The JWT of an ``EnvelopedVerifiableCredential`` (``data:application/vc+jwt,…``)."""
    types = credential.get("type")
    types = types if isinstance(types, list) else [types]
    identifier = credential.get("id")
    if "EnvelopedVerifiableCredential" not in types or not isinstance(identifier, str):
        return None
    media_type, _, token = identifier.removeprefix("data:").partition(",")
    if not identifier.startswith("data:") or media_type.split(";")[0] not in JWT_MEDIA_TYPES:
        raise NotACredential(detail=_l("An enveloped credential must be a data: URL of a "
                                       "VC-JWT."))
    return token


def parse(credential) -> ParsedCredential:
    """The credential of a request: a JSON object (Data Integrity, or an enveloped VC-JWT),
    or a compact VC-JWT."""
    if isinstance(credential, dict):
        raw = _enveloped_token(credential) or json.dumps(credential, ensure_ascii=False)
    elif isinstance(credential, str) and looks_like_jws(credential.strip()):
        raw = credential.strip()
    else:
        raise NotACredential(detail=_l("Send the credential as a JSON object, or a VC-JWT."))
    try:
        return parse_credential(raw.encode("utf-8"), limits=verification.limits())
    except ParseError as error:
        detail = verification.message(error.code, error.params, error.message)
        raise NotACredential(detail=detail) from None


def verify(parsed: ParsedCredential) -> VerificationResult:
    return verify_credential(parsed, fetch=verification.verification_fetch,
                             resolver=verification.resolver(), limits=verification.limits())


def verify_credential_request(credential, options: dict) -> Verdict:
    """``POST /credentials/verify``."""
    parsed = parse(credential)
    if parsed.format.startswith("ob2"):
        raise NotACredential(detail=_l("Open Badges 2.0 assertions are not verifiable "
                                       "credentials."))
    return _data_loss(parsed, verdict(verify(parsed), options.get("checks")))


def _data_loss(parsed: ParsedCredential, found: Verdict, prefix: str = "") -> Verdict:
    """Terms no context defines are not covered by an RDFC proof: Data Integrity requires
    an error (DATA_LOSS_DETECTION_ERROR), whatever the signature says about the rest."""
    rdfc = [p for p in di.proofs_of(parsed.document)
            if di.classify(p).suite and di.SUITES[di.classify(p).suite].canonical == "rdfc"]
    if parsed.jws or not rdfc:
        return found
    try:
        dropped = dropped_terms(parsed.document)
    except CredentialError:
        return found  # the proof check has said what is wrong with the JSON-LD
    if dropped:
        terms = ", ".join(sorted(set(dropped))[:10])
        found.errors.append({"type": f"{PROBLEM_BASE}checks/proof.data_loss",
                             "title": str(_l("No context defines %(terms)s: the proof does "
                                             "not cover it.", terms=terms)),
                             "check": f"{prefix}proof"})
        found.checks = [name for name in found.checks if name != f"{prefix}proof"]
        found.status = "failed"
    return found


# -- presentations -------------------------------------------------------------------------


def presentation_proof_checks(presentation: dict, options: dict) -> list[Check]:
    """The presentation's own Data Integrity proof: purpose authentication, the caller's
    challenge and domain, signed by the holder."""
    proofs = di.proofs_of(presentation)
    if not proofs:
        if options.get("challenge") or options.get("domain"):
            return [Check("proof", "fail", "presentation.proof_missing",
                          {}, "The presentation is not signed.")]
        return []
    out: list[Check] = []
    for proof in proofs:
        out += _one_presentation_proof(presentation, proof, options)
    return out


def _binding_checks(proof: dict, options: dict) -> list[Check]:
    out = []
    for name in ("challenge", "domain"):
        expected = options.get(name)
        if expected is not None and proof.get(name) != expected:
            out.append(Check("proof", "fail", f"presentation.{name}_mismatch", {},
                             f"The presentation's {name} is not the one asked for."))
    return out


def _one_presentation_proof(presentation: dict, proof: dict, options: dict) -> list[Check]:
    out = _binding_checks(proof, options)
    if di.classify(proof).suite is None:
        return [*out, Check("proof", "fail", "proof.type_unsupported",
                            {"type": str(proof.get("type"))}, "Unsupported proof type.")]
    try:
        resolved = verification.resolver().resolve(proof.get("verificationMethod"))
    except KeyResolutionError as error:
        outcome = "skipped" if error.retryable else "fail"
        return [*out, Check("issuer_key", outcome, error.code, dict(error.params),
                            error.message)]
    holder = presentation.get("holder")
    holder = holder.get("id") if isinstance(holder, dict) else holder
    if holder and resolved.controller != holder:
        out.append(Check("issuer_identity", "fail", "presentation.holder_mismatch", {},
                         "The presentation is not signed by its holder."))
    try:
        di.verify_proof(presentation, proof, resolved.key, purpose="authentication")
    except ContextRefused as error:
        out.append(Check("proof", "skipped", error.code, dict(error.params), error.message))
    except CredentialError as error:
        out.append(Check("proof", "fail", error.code, dict(error.params), error.message))
    else:
        out.append(Check("proof", "pass", "proof.valid", {}, "The signature is valid."))
    return out


def presentation_format(presentation) -> None:
    if not isinstance(presentation, dict):
        raise NotAPresentation(detail=_l("Send the presentation as a JSON object."))
    types = presentation.get("type")
    types = types if isinstance(types, list) else [types]
    contexts = presentation.get("@context")
    contexts = contexts if isinstance(contexts, list) else [contexts]
    if "VerifiablePresentation" not in types or contexts[0] not in (
            "https://www.w3.org/ns/credentials/v2", "https://www.w3.org/2018/credentials/v1"):
        raise NotAPresentation(detail=_l("A presentation has the W3C credentials context "
                                         "first and the type VerifiablePresentation."))


def verify_presentation_request(presentation, options: dict) -> Verdict:
    """``POST /presentations/verify``: the presentation's proof (when signed, or when a
    challenge or domain is asked for) and every credential in it."""
    presentation_format(presentation)
    own = presentation_proof_checks(presentation, options)
    result = VerificationResult(overall_status(own), own, None)  # type: ignore[arg-type]
    found = verdict(result, options.get("checks"), prefix=f"{PRESENTATION}.")
    if not own:
        found.warnings.append({"type": f"{PROBLEM_BASE}checks/presentation.unsigned",
                               "title": str(PRESENTATION_MESSAGES["presentation.unsigned"]),
                               "check": f"{PRESENTATION}.proof"})
    statuses = [_status(found, result.status)]
    credentials = presentation.get("verifiableCredential") or []
    credentials = credentials if isinstance(credentials, list) else [credentials]
    for number, credential in enumerate(credentials):
        inner = _verify_member(credential, number, options)
        found.checks += inner.checks
        found.warnings += inner.warnings
        found.errors += inner.errors
        statuses.append(inner.status)
    found.status = worst(statuses)
    return found


def _verify_member(credential, number: int, options: dict) -> Verdict:
    prefix = f"verifiableCredential[{number}]."
    try:
        parsed = parse(credential)
    except NotACredential as error:
        return Verdict("failed", errors=[{
            "type": PROBLEM_BASE + error.slug, "title": str(error.title),
            "detail": str(error.detail or ""), "check": prefix + "format"}])
    return _data_loss(parsed, verdict(verify(parsed), options.get("checks"), prefix=prefix),
                      prefix)
