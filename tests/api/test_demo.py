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


def signed_in(app, email, password):
    client = app.test_client()
    response = client.post("/api/v1/session", json={"email": email, "password": password})
    assert response.status_code == 200, response.get_json()
    return client


def test_the_demo_tells_the_whole_story(app, runner):
    assert runner.invoke(args=["demo", "load", "--force"]).exit_code == 0
    sanne = signed_in(app, "sanne@demo.eigendossier.nl", "demo-wachtwoord-sanne")
    statuses = {c["summary"]["title"]: c["verification"]["status"]
                for c in sanne.get("/api/v1/dossier/credentials").get_json()}
    assert statuses.pop("Eerste Hulp Bij Ongelukken") == "expired"
    assert statuses.pop("VCA Basisveiligheid") == "verified", "imported, signed elsewhere"
    assert list(statuses.values()) == ["verified", "verified"], "awarded by her school"
    assert len(sanne.get("/api/v1/routes").get_json()) == 1
    assert sanne.get("/api/v1/enrolments").get_json(), "enrolled in her route"
    assert [s["state"] for s in sanne.get("/api/v1/shares").get_json()] == ["active"]
    assert len(sanne.get("/api/v1/notifications").get_json()) == 2

    yusuf = signed_in(app, "yusuf@demo.eigendossier.nl", "demo-wachtwoord-yusuf")
    assert [v["status"] for v in yusuf.get("/api/v1/vouchers").get_json()] == ["available"]
    assert [c["verification"]["status"]
            for c in yusuf.get("/api/v1/dossier/credentials").get_json()] == ["revoked"]
    maria = signed_in(app, "maria@demo.eigendossier.nl", "demo-wachtwoord-maria")
    assert len(maria.get("/api/v1/routes").get_json()) == 1

    staff = signed_in(app, "docent@techniek.demo.eigendossier.nl", "demo-wachtwoord-staf")
    pending = staff.get("/api/v1/staff/recognition-requests").get_json()
    assert [(r["learner"], r["block"]["code"]) for r in pending] == [
        ("Maria Kowalska", "MEC-01"), ("Maria Kowalska", "MEC-02")]
    assert [(c["title"], c["status"]) for c in pending[0]["credentials"]] == [
        ("Inżynier mechanik (bachelor)", "verified")]
    states = sorted(v["state"] for v in staff.get("/api/v1/staff/vouchers").get_json())
    assert states == ["claimed", "issued", "issued", "issued"]
    assert len(staff.get("/api/v1/issuing/techniek-college-rijnmond/credentials").get_json()) == 2
