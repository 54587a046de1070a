"""The learner's credentials issued here, asked once (issue 17, item 9): the dossier detail
asked per credential, and each badge from elsewhere logged a 404 in the browser."""
import json

import pytest

from tests.api.issuing.conftest import award
from tests.credentials_support import signed_di

pytestmark = pytest.mark.both_databases


def test_the_list_holds_only_credentials_issued_here_to_this_learner(
        client, learner, other_learner, staff, issuer_key, blocks):
    assert client.get("/api/v1/issuing/credentials").get_json() == []
    assert award(staff, blocks["TIM-01"], completed_on="2025-06-20").status_code == 201
    imported = client.post("/api/v1/dossier/credentials",
                           json={"text": json.dumps(signed_di("sanne@example.nl"))}).get_json()
    ours = [c["id"] for c in client.get("/api/v1/dossier/credentials").get_json()
            if c["id"] != imported["id"]]

    listed = client.get("/api/v1/issuing/credentials")
    assert listed.status_code == 200
    [issued] = listed.get_json()
    assert [issued["credential_id"]] == ours
    assert issued["downloads"]["png"] == (
        f"/api/v1/issuing/credentials/{ours[0]}/download?form=png")
    assert client.get(issued["downloads"]["png"]).status_code == 200
    assert other_learner.get("/api/v1/issuing/credentials").get_json() == []
