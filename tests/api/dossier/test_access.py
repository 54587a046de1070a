"""A learner sees only their own dossier: another learner gets 404 on every endpoint, and
nobody signed in gets 401."""
import io

import pytest

from tests.api.dossier.conftest import CREDENTIALS, EMAIL, EXPERIENCE, upload
from tests.credentials_support import baked_png
from tests.support import PASSWORD, assert_problem, sign_up

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def endpoints(credential_id, item_id):
    """Every dossier endpoint that names one of the owner's things."""
    evidence = {"file": (io.BytesIO(PDF), "bewijs.pdf")}
    return [
        ("GET", f"{CREDENTIALS}/{credential_id}", {}),
        ("POST", f"{CREDENTIALS}/{credential_id}/verify", {}),
        ("GET", f"{CREDENTIALS}/{credential_id}/original", {}),
        ("DELETE", f"{CREDENTIALS}/{credential_id}", {}),
        ("GET", f"{EXPERIENCE}/{item_id}", {}),
        ("PATCH", f"{EXPERIENCE}/{item_id}", {"json": {"role": "Overgenomen"}}),
        ("DELETE", f"{EXPERIENCE}/{item_id}", {}),
        ("GET", f"{EXPERIENCE}/{item_id}/evidence", {}),
        ("PUT", f"{EXPERIENCE}/{item_id}/evidence",
         {"data": evidence, "content_type": "multipart/form-data"}),
        ("DELETE", f"{EXPERIENCE}/{item_id}/evidence", {}),
    ]


@pytest.fixture
def owned(client, learner):
    """Sanne's credential and experience item (with evidence); then Sanne signs out."""
    credential = upload(client, baked_png(EMAIL)).get_json()
    item = client.post(EXPERIENCE, json={"role": "Monteur", "employer": "Installatiebedrijf",
                                         "start_date": "2019-03-01"}).get_json()
    upload(client, PDF, "bewijs.pdf", path=f"{EXPERIENCE}/{item['id']}/evidence", method="put")
    assert client.delete("/api/v1/session").status_code == 204
    return credential["id"], item["id"]


def test_another_learner_gets_404_on_every_endpoint(client, owned):
    sign_up(client, email="indringer@example.nl", display_name="Indringer")
    for method, path, options in endpoints(*owned):
        response = client.open(path, method=method, **options)
        assert_problem(response, 404, "not-found")
    assert client.get(CREDENTIALS).get_json() == []
    assert client.get(EXPERIENCE).get_json() == []
    # the owner's dossier is untouched
    client.delete("/api/v1/session")
    assert client.post("/api/v1/session", json={"email": EMAIL, "password": PASSWORD}
                       ).status_code == 200
    credential_id, item_id = owned
    assert client.get(f"{CREDENTIALS}/{credential_id}").status_code == 200
    item = client.get(f"{EXPERIENCE}/{item_id}").get_json()
    assert item["role"] == "Monteur"
    assert item["evidence"]["name"] == "bewijs.pdf"


def test_another_learner_may_import_the_same_badge_file(client, owned):
    """Duplicates are per learner (their own copy is theirs; the recipient check says whose)."""
    sign_up(client, email="indringer@example.nl", display_name="Indringer")
    created = upload(client, baked_png(EMAIL))
    assert created.status_code == 201
    checks = {c["id"]: c["outcome"] for c in created.get_json()["verification"]["checks"]}
    assert checks["recipient"] == "fail"


def test_nobody_signed_in_gets_401_everywhere(app, owned):
    anonymous = app.test_client()
    every = [("GET", CREDENTIALS, {}), ("POST", CREDENTIALS, {"json": {"text": "{}"}}),
             ("GET", EXPERIENCE, {}), ("POST", EXPERIENCE, {"json": {}}),
             *endpoints(*owned)]
    for method, path, options in every:
        assert_problem(anonymous.open(path, method=method, **options), 401, "not-signed-in")
