from eigendossier.accounts.models import Account
from eigendossier.catalog.service import upsert_institution
from eigendossier.core.extensions import db


def test_create_staff_for_an_institution(app, runner, client):
    with app.app_context():
        upsert_institution("tcr", "Techniek College Rijnmond")
        db.session.commit()
    result = runner.invoke(args=["accounts", "create-staff", "--email", "Docent@TCR.nl",
                                 "--name", "Pieter", "--institution", "tcr"],
                           input="staff password 1\nstaff password 1\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        staff = db.session.scalar(db.select(Account).filter_by(email="docent@tcr.nl"))
        assert staff.role == "issuer"
        assert staff.institution.slug == "tcr"
    response = client.post("/api/v1/session", json={"email": "docent@tcr.nl",
                                                    "password": "staff password 1"})
    assert response.get_json()["roles"] == ["issuer"]


def test_an_issuer_needs_a_known_institution(app, runner):
    result = runner.invoke(args=["accounts", "create-staff", "--email", "x@tcr.nl", "--name", "X",
                                 "--institution", "nope", "--password", "staff password 1"])
    assert result.exit_code != 0
    assert "Unknown institution" in result.output or "Onbekende" in result.output
    result = runner.invoke(args=["accounts", "create-staff", "--email", "x@tcr.nl", "--name", "X",
                                 "--password", "staff password 1"])
    assert result.exit_code != 0
    assert "--institution" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Account)) == 0
