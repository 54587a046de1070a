"""The staff catalogue: a preview of what an upload changes, equal to what applying it does;
refusals that write nothing; the institution boundary."""
import json

import pytest
import yaml

from eigendossier.catalog.models import Run
from eigendossier.core.extensions import db
from eigendossier.core.models import AuditEvent
from tests.api.conftest import CATALOG
from tests.api.staff.conftest import TCR, ZAO
from tests.support import assert_problem

pytestmark = pytest.mark.both_databases


def tcr_document(**edits) -> dict:
    """The tcr part of the test catalogue: R-OLD, R-EVE (4 seats taken), R-WKD."""
    document = yaml.safe_load(CATALOG)
    document["institutions"] = [document["institutions"][0]]
    document["qualifications"] = [document["qualifications"][0]]
    for block in document["qualifications"][0]["blocks"]:
        for run in block["runs"]:
            run.update(edits.get(run["code"], {}))
    return document


def send(client, method, path, document):
    body = document if isinstance(document, str) else json.dumps(document)
    return client.open(path, method=method, data=body,
                       headers={"Content-Type": "application/json"})


def runs(app):
    with app.app_context():
        return {run.code: (run.start_date.isoformat(), run.seats_total, run.address)
                for run in db.session.scalars(db.select(Run))}


def changed_document():
    document = tcr_document(**{"R-EVE": {"seats_total": 20, "start": "2099-01-12"},
                               "R-WKD": {"address": "Havenweg 3"}})
    blocks = document["qualifications"][0]["blocks"]
    blocks[0]["runs"] = [run for run in blocks[0]["runs"] if run["code"] != "R-OLD"]
    blocks[1]["runs"].append({"code": "R-NEW", "start": "2099-05-01", "end": "2099-06-01",
                              "time_of_day": "daytime", "location_kind": "school",
                              "learning_form": "physical", "seats_total": 10})
    return document


def test_the_preview_lists_new_changed_removed_and_affected_runs_and_writes_nothing(app, staff):
    before = runs(app)
    preview = send(staff, "POST", f"{TCR}/catalog/preview", changed_document())
    assert preview.status_code == 200, preview.get_json()
    body = preview.get_json()
    assert [run["code"] for run in body["new"]] == ["R-NEW"]
    assert [run["code"] for run in body["removed"]] == ["R-OLD"]
    assert [run["code"] for run in body["changed"]] == ["R-EVE", "R-WKD"]
    evening = body["changed"][0]
    assert {change["field"]: (change["old"], change["new"]) for change in evening["fields"]} == {
        "start_date": ("2099-01-05", "2099-01-12"), "seats_total": (16, 20)}
    assert evening["enrolled"] == 4
    assert evening["affects_learners"] is True
    assert not body["changed"][1]["affects_learners"]  # nobody enrolled in R-WKD
    assert [run["code"] for run in body["affected"]] == ["R-EVE"]
    assert runs(app) == before


def test_applying_does_exactly_what_the_preview_showed(app, staff):
    document = changed_document()
    preview = send(staff, "POST", f"{TCR}/catalog/preview", document).get_json()
    applied = send(staff, "PUT", f"{TCR}/catalog", document)
    assert applied.status_code == 200
    assert applied.get_json() == preview
    after = runs(app)
    assert "R-OLD" not in after
    assert after["R-NEW"][1] == 10
    assert after["R-EVE"][:2] == ("2099-01-12", 20)
    assert after["R-WKD"][2] == "Havenweg 3"
    # Once applied, the same document changes nothing.
    again = send(staff, "POST", f"{TCR}/catalog/preview", document).get_json()
    assert again["new"] == again["changed"] == again["removed"] == []
    with app.app_context():
        event = db.session.scalar(db.select(AuditEvent).filter_by(action="catalog.imported"))
        assert event.details["removed"] == ["R-OLD"]
        assert event.institution_id is not None


def test_a_run_with_enrolled_learners_is_not_removed_and_nothing_is_written(app, staff):
    document = tcr_document(**{"R-WKD": {"seats_total": 9}})
    blocks = document["qualifications"][0]["blocks"]
    blocks[0]["runs"] = [run for run in blocks[0]["runs"] if run["code"] != "R-EVE"]
    before = runs(app)
    for method, path in (("POST", f"{TCR}/catalog/preview"), ("PUT", f"{TCR}/catalog")):
        problem = assert_problem(send(staff, method, path, document), 422, "catalog-invalid")
        assert "R-EVE" in json.dumps(problem["errors"])
    assert runs(app) == before


def test_a_broken_document_is_refused_with_line_numbers(app, staff):
    broken = CATALOG.replace("time_of_day: weekend", "time_of_day: night")
    before = runs(app)
    response = staff.put(f"{TCR}/catalog", data=broken,
                         headers={"Content-Type": "application/yaml"})
    problem = assert_problem(response, 422, "catalog-invalid")
    assert "line 29" in json.dumps(problem["errors"])
    assert runs(app) == before


def test_a_document_touching_another_school_is_refused(app, staff):
    before = runs(app)
    response = send(staff, "PUT", f"{TCR}/catalog", yaml.safe_load(CATALOG))  # holds zao too
    assert_problem(response, 403, "catalog-not-yours")
    assert runs(app) == before


def test_other_schools_and_learners_get_nothing(app, staff, learner, client):
    document = changed_document()
    for method, path in (("POST", f"{ZAO}/catalog/preview"), ("PUT", f"{ZAO}/catalog"),
                         ("POST", "/api/v1/staff/institutions/nope/catalog/preview")):
        assert_problem(send(staff, method, path, document), 404)
        assert_problem(send(client, method, f"{TCR}/catalog"
                            if method == "PUT" else f"{TCR}/catalog/preview", document),
                       403, "staff-only")
    assert_problem(client.get("/api/v1/staff"), 403, "staff-only")
    assert_problem(client.get(f"{TCR}/runs"), 403, "staff-only")
