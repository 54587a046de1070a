"""Data sealed with a key this node does not have (another node's generated key, a key
dropped from the keyring, a tampered row) is a clear problem, never a 500: for the learner's
API and for the employer's share page."""
import pytest

from eigendossier.core.extensions import db
from tests.api.dossier.conftest import CREDENTIALS
from tests.api.sharing.conftest import BROWSER, path_of
from tests.conftest import make_app
from tests.support import PASSWORD, assert_problem

pytestmark = pytest.mark.both_databases


@pytest.fixture
def other_node(database_url, tmp_path, app_settings):
    """A second app on the same database with an instance folder (and so keys) of its own,
    as a second machine set up without configured keys."""
    node = make_app(database_url, tmp_path / "node-b", **app_settings)
    yield node
    with node.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_credential_sealed_on_another_node_is_a_clear_problem(other_node, dossier, share):
    learner = other_node.test_client()
    signed_in = learner.post("/api/v1/session",
                             json={"email": "sanne@example.nl", "password": PASSWORD})
    assert signed_in.status_code == 200

    body = assert_problem(learner.get(f"{CREDENTIALS}/{dossier.png}"), 503,
                          "sealed-data-unavailable")
    assert body["title"] == "Deze gegevens kunnen nu niet worden geopend"
    assert "beheerder" in body["detail"]
    assert_problem(learner.get(f"{CREDENTIALS}/{dossier.png}/original"), 503,
                   "sealed-data-unavailable")
    assert_problem(learner.get(CREDENTIALS), 503, "sealed-data-unavailable")


def test_the_share_page_from_another_node_is_a_clear_problem(other_node, share):
    employer = other_node.test_client()
    page = employer.get(path_of(share), headers=BROWSER)
    assert page.status_code == 503
    assert page.mimetype == "text/html"
    assert "Deze gegevens kunnen nu niet worden geopend" in page.get_data(as_text=True)
    assert_problem(employer.get(path_of(share), headers={"Accept": "application/json"}),
                   503, "sealed-data-unavailable")


def test_the_node_that_sealed_it_still_opens_it(client, employer, dossier, share):
    assert client.get(f"{CREDENTIALS}/{dossier.png}").status_code == 200
    assert employer.get(path_of(share), headers=BROWSER).status_code == 200
