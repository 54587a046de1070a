from datetime import date, timedelta

import pytest

from eigendossier.accounts.models import Account
from eigendossier.catalog.models import Institution, Qualification, Run
from eigendossier.core.extensions import db

# On SQLite and PostgreSQL: loading again is a no-op by unique keys.
pytestmark = pytest.mark.both_databases


def counts(app):
    with app.app_context():
        return {model.__name__: db.session.scalar(db.select(db.func.count()).select_from(model))
                for model in (Account, Institution)}


def test_demo_load_is_idempotent(app, runner, client):
    first = runner.invoke(args=["demo", "load", "--force"])
    assert first.exit_code == 0, first.output
    after_first = counts(app)
    assert after_first["Institution"] == 2
    assert after_first["Account"] >= 3
    second = runner.invoke(args=["demo", "load", "--force"])
    assert second.exit_code == 0, second.output
    assert counts(app) == after_first

    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Qualification)) == 3
        starts = db.session.scalars(db.select(Run.start_date)).all()
    today = date.today()
    assert min(starts) >= today
    assert min(starts) - today < timedelta(days=7)
    assert max(starts) - today > timedelta(days=600)

    response = client.post("/api/v1/session", json={"email": "sanne@demo.eigendossier.nl",
                                                    "password": "demo-wachtwoord-sanne"})
    assert response.status_code == 200
    assert response.get_json()["persona"] == "bijscholing", "the planner opens on her persona"

    # Demo staff are their school's institution admins: the whole staff console is theirs.
    staff = app.test_client()
    response = staff.post("/api/v1/session", json={
        "email": "docent@techniek.demo.eigendossier.nl", "password": "demo-wachtwoord-staf"})
    assert response.status_code == 200
    home = staff.get("/api/v1/staff").get_json()
    assert home["role"] == "institution_admin"
    assert [i["slug"] for i in home["institutions"]] == ["techniek-college-rijnmond"]


def test_demo_load_does_nothing_when_switched_off(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert "DEMO_DATA is off" in result.output
    assert counts(app) == {"Account": 0, "Institution": 0}
