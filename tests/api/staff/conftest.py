"""Staff of Techniek College Rijnmond (tcr): a plain staff member (`staff`, from the API
conftest) and an institution admin; and an institution admin of Zorgacademie Oost (zao)."""
import pytest

from tests.support import PASSWORD

TCR = "/api/v1/staff/institutions/tcr"
ZAO = "/api/v1/staff/institutions/zao"


def signed_in_staff(app, runner, email, institution, *extra):
    result = runner.invoke(args=["accounts", "create-staff", "--email", email, "--name",
                                 email.split("@")[0].title(), "--institution", institution,
                                 "--password", PASSWORD, *extra])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    response = client.post("/api/v1/session", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200
    return client


@pytest.fixture
def tcr_admin(app, runner, catalog):
    """A signed-in institution admin of tcr."""
    return signed_in_staff(app, runner, "beheer@tcr.nl", "tcr", "--institution-admin")


@pytest.fixture
def zao_admin(app, runner, catalog):
    """A signed-in institution admin of zao: another school."""
    return signed_in_staff(app, runner, "beheer@zao.nl", "zao", "--institution-admin")
