"""1EdTech's baked OB 3.0 images, uploaded to the dossier through the API: each lands with
its signature checked and the recipient as a warning."""
import pytest

from tests.api.dossier.conftest import upload

from .support import OB30


@pytest.mark.parametrize(("name", "fmt"), [("simple-json.png", "ob3_data_integrity"),
                                       ("simple-jwt.png", "ob3_jwt"),
                                       ("simple-json.svg", "ob3_data_integrity"),
                                       ("simple-jwt.svg", "ob3_jwt")])
def test_upload_the_1edtech_baked_images(client, learner, name, fmt):
    """Issued to a DID we cannot link to this learner: the signature is fine, the recipient
    is a warning (not proof it is someone else's)."""
    response = upload(client, (OB30 / name).read_bytes(), name)
    assert response.status_code == 201
    body = response.get_json()
    assert body["format"] == fmt
    assert body["summary"]["title"] == "Teamwork Badge"
    assert body["summary"]["issuer_name"] == "Example Corp"
    checks = {c["id"]: c["outcome"] for c in body["verification"]["checks"]}
    assert checks["proof"] == "pass"
    assert checks["recipient"] == "warn"
    assert body["verification"]["status"] == "verified_with_warnings"
