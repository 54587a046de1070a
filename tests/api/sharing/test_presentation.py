"""The Verifiable Presentation of a share, as JSON with a Data Integrity proof and as a
VP-JWT, signed by the learner's holder key: checked with a verifier independent of ours."""
import json

import pytest
from cryptography.exceptions import InvalidSignature

from eigendossier.core.extensions import db
from eigendossier.credentials import verify_credential
from eigendossier.dossier.models import HolderKey
from tests.api.sharing import independent
from tests.api.sharing.conftest import EMAIL, OPEN_OUTBOUND, make_share, path_of


def download(employer, share, name):
    response = employer.get(path_of(share) + "/" + name)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Disposition"] == f"attachment; filename={name}"
    assert response.headers["X-Robots-Tag"] == "noindex"
    return response


def test_the_json_presentation_verifies_independently(app, employer, dossier, share):
    response = download(employer, share, "presentation.json")
    assert response.mimetype == "application/vp"
    vp = json.loads(response.get_data())
    assert vp["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert vp["type"] == ["VerifiablePresentation"]
    assert vp["id"].startswith("urn:uuid:")
    proof = independent.verify_data_integrity(vp)
    assert proof["proofPurpose"] == "authentication"
    assert proof["domain"] == "localhost:5000"
    assert proof["challenge"] == vp["id"]
    assert proof["verificationMethod"].startswith(vp["holder"] + "#")
    assert vp["holder"].startswith("did:key:z6Mk")
    # the credentials inside are the learner's own, each with its issuer's proof intact
    embedded, enveloped = vp["verifiableCredential"]
    assert embedded["name"] == "Veilig werken met elektriciteit"
    independent.verify_data_integrity(embedded)
    assert enveloped["type"] == "EnvelopedVerifiableCredential"
    jwt = enveloped["id"].removeprefix("data:application/vc+jwt,")
    _header, payload = independent.verify_jwt(jwt)
    assert payload["name"] == "Werken op hoogte"
    for credential in (json.dumps(embedded), jwt):
        result = verify_credential(credential, recipient_emails=[EMAIL])
        assert result.status == "verified", result.checks


def test_a_changed_presentation_does_not_verify(employer, share):
    vp = json.loads(download(employer, share, "presentation.json").get_data())
    vp["verifiableCredential"] = vp["verifiableCredential"][:1]
    with pytest.raises(InvalidSignature):
        independent.verify_data_integrity(vp)


def test_the_vp_jwt_verifies_independently(employer, dossier, share):
    response = download(employer, share, "presentation.jwt")
    assert response.mimetype == "application/vp+jwt"
    header, payload = independent.verify_jwt(response.get_data(as_text=True))
    assert header["typ"] == "vp+jwt"
    assert header["cty"] == "vp"
    assert payload["type"] == ["VerifiablePresentation"]
    assert payload["iss"] == payload["holder"]
    assert header["kid"].startswith(payload["holder"])
    assert payload["jti"] == payload["id"]
    assert isinstance(payload["iat"], int)
    assert len(payload["verifiableCredential"]) == 2
    tampered = response.get_data(as_text=True).split(".")
    tampered[1] = tampered[1][:-4] + ("AAAA" if not tampered[1].endswith("AAAA") else "BBBB")
    with pytest.raises(InvalidSignature):
        independent.verify_jwt(".".join(tampered))


def test_one_holder_key_per_learner_kept_encrypted(app, employer, client, dossier, share):
    first = json.loads(download(employer, share, "presentation.json").get_data())
    other_share = make_share(client, [dossier.png])
    second = json.loads(download(employer, other_share, "presentation.json").get_data())
    assert first["holder"] == second["holder"]
    assert len(second["verifiableCredential"]) == 1
    with app.app_context():
        keys = db.session.scalars(db.select(HolderKey)).all()
        assert len(keys) == 1
        sealed = keys[0].private_sealed
        assert len(sealed) == 12 + 32 + 16  # nonce, the 32-byte key encrypted, tag
        assert keys[0].private_bytes not in sealed


@pytest.mark.parametrize("app_settings", [
    {**OPEN_OUTBOUND, "PUBLIC_BASE_URL": "https://dossier.roc.example/"}], indirect=True)
def test_the_presentation_is_bound_to_our_configured_address_not_the_host_header(
        employer, dossier, share):
    """The proof's domain said whatever Host the request carried: a page at evil.example
    could hand out presentations that claim to be bound to it."""
    response = employer.get(path_of(share) + "/presentation.json",
                            headers={"Host": "evil.example"})
    assert response.status_code == 200, response.get_data(as_text=True)
    proof = independent.verify_data_integrity(json.loads(response.get_data()))
    assert proof["domain"] == "dossier.roc.example"
