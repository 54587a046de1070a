import json

import pytest
import yaml

from eigendossier.catalog.models import Block, Qualification, Run
from eigendossier.core.extensions import db
from tests.api.conftest import CATALOG
from tests.support import PASSWORD, assert_problem, set_seats_taken

# On SQLite, and on PostgreSQL what depends on it: JSON columns, dates, an import is all
# or nothing, a re-import updates in place, seats taken.


def counts(app):
    with app.app_context():
        return [db.session.scalar(db.select(db.func.count()).select_from(model))
                for model in (Qualification, Block, Run)]


@pytest.mark.both_databases
def test_qualifications_in_the_requested_language(client, catalog):
    names = {q["crebo"]: q for q in client.get("/api/v1/catalog/qualifications").get_json()}
    assert names["25655"]["name"] == "Timmerman"
    assert names["25655"]["ec"] == 7.5
    assert names["25655"]["block_count"] == 2
    english = client.get("/api/v1/catalog/qualifications", headers={"Accept-Language": "en"})
    assert {q["name"] for q in english.get_json()} == {"Carpenter", "Care worker"}


@pytest.mark.both_databases
def test_carousel_lists_blocks_in_order_with_runs_not_yet_started(client, catalog):
    qualification_id = next(q["id"] for q in client.get("/api/v1/catalog/qualifications")
                            .get_json() if q["crebo"] == "25655")
    carousel = client.get(f"/api/v1/catalog/qualifications/{qualification_id}/carousel").get_json()
    blocks = carousel["blocks"]
    assert [b["code"] for b in blocks] == ["TIM-01", "TIM-02"]
    assert [b["position"] for b in blocks] == [1, 2]
    assert blocks[1]["prerequisites"] == [blocks[0]["id"]]
    assert [r["code"] for r in blocks[0]["upcoming_runs"]] == ["R-EVE"]
    evening = blocks[0]["upcoming_runs"][0]
    assert evening["seats_left"] == 12
    assert evening["weekdays"] == ["tue", "thu"]
    assert evening["institution"]["slug"] == "tcr"


def test_unknown_qualification_is_404(client, catalog):
    assert_problem(client.get("/api/v1/catalog/qualifications/999"), 404)
    assert_problem(client.get("/api/v1/catalog/qualifications/999/carousel"), 404)


@pytest.mark.both_databases
def test_cli_import_is_all_or_nothing_with_line_numbers(app, runner, tmp_path):
    broken = CATALOG.replace("time_of_day: weekend", "time_of_day: night")
    path = tmp_path / "catalog.yaml"
    path.write_text(broken)
    result = runner.invoke(args=["catalog", "import", str(path)])
    assert result.exit_code != 0
    assert "line 29" in result.output
    assert "'night' is not one of" in result.output
    assert counts(app) == [0, 0, 0]


@pytest.mark.both_databases
def test_cli_import_twice_changes_nothing(app, runner, tmp_path):
    path = tmp_path / "catalog.yaml"
    path.write_text(CATALOG)
    assert runner.invoke(args=["catalog", "import", str(path)]).exit_code == 0
    before = counts(app)
    again = runner.invoke(args=["catalog", "import", str(path)])
    nothing_new = "created {'institutions': 0, 'qualifications': 0, 'blocks': 0, 'runs': 0}"
    assert nothing_new in again.output
    assert counts(app) == before == [2, 3, 3]


@pytest.mark.both_databases
def test_export_reads_back_as_the_same_catalogue(app, runner, catalog):
    exported = runner.invoke(args=["catalog", "export", "--format", "json"])
    document = json.loads(exported.output)
    assert document["qualifications"][0]["blocks"][1]["prerequisites"] == ["TIM-01"]
    with app.app_context():
        from eigendossier.catalog.service import export_catalog, import_catalog

        report = import_catalog(json.dumps(document))
        assert sum(report.created.values()) == 0
        assert export_catalog() == document
    as_yaml = runner.invoke(args=["catalog", "export"]).output
    assert yaml.safe_load(as_yaml)["institutions"][0]["slug"] == "tcr"


@pytest.mark.both_databases
def test_staff_import_their_own_institution_through_the_api(app, staff):
    document = CATALOG.replace("name: {nl: Maatvoering, en: Measuring}",
                               "name: {nl: Maatvoering en uitzetten, en: Measuring}")
    own_only = yaml.safe_load(document)
    own_only["institutions"] = [i for i in own_only["institutions"] if i["slug"] == "tcr"]
    own_only["qualifications"] = [q for q in own_only["qualifications"]
                                  if q["institution"] == "tcr"]
    response = staff.put("/api/v1/catalog", data=yaml.safe_dump(own_only),
                         headers={"Content-Type": "application/yaml"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["updated"]["blocks"] == 2
    with app.app_context():
        assert db.session.scalar(db.select(Block.name_nl).filter_by(code="TIM-02")) == \
            "Maatvoering en uitzetten"


def test_staff_cannot_touch_another_institution(app, staff):
    before = counts(app)
    response = staff.put("/api/v1/catalog", data=CATALOG.replace("Basiszorg", "Gewijzigd"),
                         headers={"Content-Type": "application/yaml"})
    body = assert_problem(response, 403, "catalog-not-yours")
    assert body["errors"]["/qualifications/1/institution"] == ["zao is niet je instelling"]
    assert counts(app) == before
    with app.app_context():
        assert db.session.scalar(db.select(Block.name_nl).filter_by(code="VIG-01")) == "Basiszorg"


def test_an_invalid_document_through_the_api_names_its_lines(staff):
    body = assert_problem(staff.put("/api/v1/catalog", data="qualifications: [{crebo: 1}]",
                                    headers={"Content-Type": "application/yaml"}), 422)
    messages = [m for ms in body["errors"].values() for m in ms]
    assert all(m.startswith("line 1: ") for m in messages)


def test_learners_and_anonymous_cannot_import_or_export(client, learner, catalog, app):
    assert_problem(client.put("/api/v1/catalog", data=CATALOG), 403, "staff-only")
    assert_problem(client.get("/api/v1/catalog"), 403, "staff-only")
    anonymous = app.test_client()
    assert_problem(anonymous.put("/api/v1/catalog", data=CATALOG), 401)


def zao_staff(app, runner):
    """A signed-in issuer of Zorgacademie Oost (zao), the other institution."""
    result = runner.invoke(args=["accounts", "create-staff", "--email", "docent@zao.nl",
                                 "--name", "Fatima", "--institution", "zao",
                                 "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    client.post("/api/v1/session", json={"email": "docent@zao.nl", "password": PASSWORD})
    return client


def run_as_learners_see_it(app, code):
    with app.app_context():
        run = db.session.scalar(db.select(Run).filter_by(code=code))
        return (run.block.code, run.institution.slug, run.address, run.start_date.isoformat())


def zao_document_with(exported: dict, run: dict) -> dict:
    """zao's own qualification from the export, with `run` put under its block VIG-01."""
    zao = next(q for q in exported["qualifications"] if q["institution"] == "zao")
    zao["blocks"][0]["runs"] = [run]
    return {"institutions": [i for i in exported["institutions"] if i["slug"] == "zao"],
            "qualifications": [zao]}


@pytest.mark.both_databases
def test_staff_cannot_take_over_another_institutions_run(app, runner, catalog):
    """zao's staff copy tcr's run R-EVE from the export and move it under their own block with
    a new address and start: tcr's learners would see zao's module at zao's address."""
    other = zao_staff(app, runner)
    exported = other.get("/api/v1/catalog").get_json()
    taken = next(r for q in exported["qualifications"] for b in q["blocks"] for r in b["runs"]
                 if r["code"] == "R-EVE")
    moved = {**taken, "institution": "zao", "address": "Zorgplein 1", "start": "2099-01-12"}
    before = counts(app), run_as_learners_see_it(app, "R-EVE")
    response = other.put("/api/v1/catalog", json=zao_document_with(exported, moved))
    body = assert_problem(response, 403, "catalog-not-yours")
    assert body["title"] == "Deze catalogus raakt het aanbod van een andere instelling"
    assert "R-EVE" in " ".join(body["errors"]["/qualifications/0/blocks/0/runs/0/code"])
    assert (counts(app), run_as_learners_see_it(app, "R-EVE")) == before
    assert before[1] == ("TIM-01", "tcr", "Bouwlaan 12", "2099-01-05")


def test_staff_cannot_offer_a_run_in_another_institutions_name(app, runner, catalog):
    other = zao_staff(app, runner)
    exported = other.get("/api/v1/catalog").get_json()
    in_their_name = {"code": "R-NEW", "institution": "tcr", "start": "2099-05-01",
                     "end": "2099-06-01", "time_of_day": "daytime", "location_kind": "school",
                     "learning_form": "physical", "seats_total": 10}
    document = zao_document_with(exported, in_their_name)
    del document["institutions"]  # without them, any known institution may be named
    before = counts(app)
    body = assert_problem(other.put("/api/v1/catalog", json=document), 403, "catalog-not-yours")
    assert body["errors"] == {"/qualifications/0/blocks/0/runs/0/institution":
                              ["tcr is niet je instelling"]}
    assert counts(app) == before


def test_cli_with_an_institution_imports_only_its_own_offer(app, runner, catalog, tmp_path):
    exported = json.loads(runner.invoke(args=["catalog", "export", "--format", "json"]).output)
    taken = exported["qualifications"][0]["blocks"][0]["runs"][1]
    assert taken["code"] == "R-EVE"
    path = tmp_path / "zao.json"
    path.write_text(json.dumps(zao_document_with(
        exported, {**taken, "institution": "zao", "address": "Zorgplein 1"})))
    before = counts(app), run_as_learners_see_it(app, "R-EVE")
    result = runner.invoke(args=["catalog", "import", "--institution", "zao", str(path)])
    assert result.exit_code != 0
    assert "R-EVE" in result.output
    assert (counts(app), run_as_learners_see_it(app, "R-EVE")) == before
    unknown = runner.invoke(args=["catalog", "import", "--institution", "nope", str(path)])
    assert unknown.exit_code != 0
    assert "nope" in unknown.output
    own_run = {**taken, "code": "Z-EVE", "institution": "zao", "address": "Zorgplein 1"}
    path.write_text(json.dumps(zao_document_with(exported, own_run)))
    own = runner.invoke(args=["catalog", "import", "--institution", "zao", str(path)])
    assert own.exit_code == 0, own.output
    assert run_as_learners_see_it(app, "Z-EVE") == ("VIG-01", "zao", "Zorgplein 1",
                                                    "2099-01-05")


def lower_seats_below_those_taken(app):
    """Learners took 10 of R-EVE's 16 seats; the school's file now says 8 seats (and renames a
    block, to show nothing of it is written)."""
    with app.app_context():
        set_seats_taken("R-EVE", 10)
        db.session.commit()
    return (CATALOG.replace("seats_total: 16, seats_taken: 4", "seats_total: 8")
            .replace("Maatvoering", "Maatvoering en uitzetten"))


def seats_of(app, code):
    with app.app_context():
        return db.session.execute(db.select(Run.seats_total, Run.seats_taken)
                                  .filter_by(code=code)).one()._tuple()


def block_names(app):
    with app.app_context():
        return db.session.scalars(db.select(Block.name_nl).order_by(Block.code)).all()


@pytest.mark.both_databases
def test_reimport_with_fewer_seats_than_taken_names_the_run(app, staff):
    document = yaml.safe_load(lower_seats_below_those_taken(app))
    document["institutions"] = document["institutions"][:1]
    document["qualifications"] = document["qualifications"][:1]
    names = block_names(app)
    response = staff.put("/api/v1/catalog", json=document)
    body = assert_problem(response, 422, "catalog-invalid")
    assert body["errors"] == {"/qualifications/0/blocks/0/runs/1/seats_total": [
        "uitvoering R-EVE heeft al 10 plaatsen bezet, meer dan de 8 in het bestand"]}
    assert seats_of(app, "R-EVE") == (16, 10)
    assert block_names(app) == names


def test_cli_reimport_with_fewer_seats_than_taken_is_a_clear_error(app, runner, catalog,
                                                                   tmp_path):
    path = tmp_path / "catalog.yaml"
    path.write_text(lower_seats_below_those_taken(app))
    names = block_names(app)
    result = runner.invoke(args=["catalog", "import", str(path)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "R-EVE" in result.output
    assert "/qualifications/0/blocks/0/runs/1/seats_total" in result.output
    assert "Traceback" not in result.output
    assert seats_of(app, "R-EVE") == (16, 10)
    assert block_names(app) == names


def test_cli_run_of_an_unknown_institution_is_a_clear_error(app, runner, catalog, tmp_path):
    document = yaml.safe_load(CATALOG)
    del document["institutions"]  # without them, only the database knows the institutions
    document["qualifications"][0]["blocks"][1]["runs"][0]["institution"] = "nope"
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(document))
    before = counts(app)
    result = runner.invoke(args=["catalog", "import", str(path)])
    assert result.exit_code == 1, result.output
    assert "unknown institution 'nope' (/qualifications/0/blocks/1/runs/0/institution)" in \
        result.output
    assert counts(app) == before


def test_an_issuer_of_no_institution_imports_nothing(app, catalog):
    """An issuer account whose institution is not set is not an admin: refused, not let in
    to every institution's catalogue."""
    from eigendossier.accounts.service import create_staff

    with app.app_context():
        create_staff("los@example.nl", PASSWORD, "Los", "issuer", None)
    client = app.test_client()
    client.post("/api/v1/session", json={"email": "los@example.nl", "password": PASSWORD})
    before = counts(app), block_names(app)
    response = client.put("/api/v1/catalog", data=CATALOG.replace("Basiszorg", "Gewijzigd"),
                          headers={"Content-Type": "application/yaml"})
    assert_problem(response, 403, "staff-only")
    assert (counts(app), block_names(app)) == before
