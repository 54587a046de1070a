"""Every OB 2.0 vector of ``shared/vectors/README.md`` gives its stated outcome.

As in the 1EdTech validator's tests, ``https://example.org/<name>`` is served from
``ob20/assets/<name>``. A hosted assertion is also served at its own ``id`` (the issuer hosts
it); for ``warning-with-redirection.json`` that URL serves ``redirected-validation-subject``,
as the README describes.
"""

from __future__ import annotations

import json

import pytest

from eigendossier.credentials import ParseError, parse_credential, verify_credential
from eigendossier.credentials.ob2 import profile_errors

from .support import NOW, OB20, FileFetcher, ob20_asset_routes, strip_line_comments

VALID, WARN = "verified", "verified_with_warnings"

TABLE = [
    ("basic-assertion.json", VALID, ["proof.hosted", "issuer_identity.in_scope"]),
    ("simple-badge.png", VALID, ["proof.hosted"]),
    ("simple.jwt", VALID, ["proof.valid", "issuer_identity.confirmed"]),
    ("simple-not-revoked.jwt", VALID, ["proof.valid", "revocation.not_revoked"]),
    ("basic-assertion-with-language.json", VALID, ["proof.hosted"]),
    ("assertion-with-endorsements.json", VALID, ["proof.hosted"]),
    ("assertion-with-extension-node-basic.json", VALID, ["schema.valid"]),
    ("assertion-with-multiple-extensions.json", VALID, ["schema.valid"]),
    ("basic-assertion-no-public-key.json", VALID, ["proof.hosted"]),
    ("basic-assertion-with-allowed-origins.json", VALID, ["issuer_identity.in_scope"]),
    (
        "basic-assertion-with-allowed-origins-valid-starts-with.json",
        VALID,
        ["issuer_identity.in_scope"],
    ),
    (
        "basic-assertion-with-allowed-origins-valid-multiple-starts-with.json",
        VALID,
        ["issuer_identity.in_scope"],
    ),
    ("simple-revoked.jwt", "revoked", ["revocation.revoked", "proof.valid"]),
    ("basic-assertion-expired.json", "expired", ["validity.expired"]),
    ("basic-assertion-expired-before-issued.json", "failed", ["validity.expires_before_issued"]),
    ("basic-assertion-in-future.json", "failed", ["validity.not_yet_valid"]),
    ("basic-assertion-invalid-context.json", "failed", ["format.context_invalid"]),
    ("basic-assertion-invalid-type.json", "failed", ["format.type_invalid"]),
    ("assertion-with-extension-node-invalid.json", "failed", ["schema.invalid"]),
    ("assertion-with-data-image.json", "failed", ["schema.invalid"]),
    (
        "basic-assertion-with-allowed-origins-invalid-starts-with.json",
        "failed",
        ["issuer_identity.out_of_scope"],
    ),
    (
        "basic-assertion-with-allowed-origins-invalid-multiple-starts-with.json",
        "failed",
        ["issuer_identity.out_of_scope"],
    ),
    ("warning-with-redirection.json", WARN, ["proof.hosted_id_differs"]),
    ("warning-issuer-non-http.json", WARN, ["issuer_identity.no_http_origin"]),
]

REDIRECTED = {
    "warning-with-redirection.json": strip_line_comments(
        (OB20 / "redirected-validation-subject.json").read_text()
    ).encode("utf-8")
}


def verify_vector(name: str, emails: tuple[str, ...] = ()):
    parsed = parse_credential((OB20 / name).read_bytes())
    routes = ob20_asset_routes()
    if parsed.format == "ob2_hosted":
        routes[parsed.document["id"]] = REDIRECTED.get(name) or json.dumps(parsed.document).encode()
    fetch = FileFetcher(routes)
    return verify_credential(parsed, fetch=fetch, now=NOW, recipient_emails=emails), fetch


@pytest.mark.parametrize(("name", "status", "required"), TABLE, ids=[row[0] for row in TABLE])
def test_vector_outcome(name, status, required):
    result, _ = verify_vector(name)
    assert result.status == status, [(c.id, c.outcome, c.message_code) for c in result.checks]
    assert set(required) <= {check.message_code for check in result.checks}


def test_issuer_profile_is_valid_but_not_a_credential():
    """issuer-compact-iri-validation.json is an Issuer profile: valid as OB 2.0, but a wallet
    stores awarded badges, so parsing refuses it clearly."""
    document = json.loads((OB20 / "issuer-compact-iri-validation.json").read_text())
    assert profile_errors(document) == []
    with pytest.raises(ParseError) as caught:
        parse_credential(json.dumps(document))
    assert caught.value.code == "parse.not_a_credential"


def test_recipient_hashed_email_matches_the_learner():
    result, _ = verify_vector("basic-assertion.json", emails=("Nobody@Example.org",))
    assert result.outcome("recipient") == "pass"
    assert result.status == VALID


def test_recipient_of_someone_else_fails():
    result, _ = verify_vector("basic-assertion.json", emails=("someone@example.nl",))
    assert result.outcome("recipient") == "fail"
    assert result.status == "failed"


def test_hosted_verification_fetches_the_issuers_copy():
    result, fetch = verify_vector("basic-assertion.json")
    assert fetch.requested[0] == "https://example.org/beths-robotics-badge.json"
    assert result.summary.title == "Awesome Robotics Badge"
    assert result.summary.issuer_name == "An Example Badge Issuer"


def test_hosted_badge_is_unverifiable_when_the_issuer_is_offline():
    parsed = parse_credential((OB20 / "basic-assertion.json").read_bytes())
    result = verify_credential(parsed, fetch=FileFetcher({}), now=NOW)
    assert result.status == "unverifiable"
