import csv
import io

import pytest

from eigendossier.core.extensions import db
from eigendossier.vouchers.models import Voucher
from tests.api.vouchers.conftest import GRADUATES, issue
from tests.support import assert_problem

# On SQLite and PostgreSQL: unique codes; a batch is all or nothing.
pytestmark = pytest.mark.both_databases


def voucher_count(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Voucher))


def test_staff_issue_vouchers_and_see_the_codes_once(app, staff):
    response = issue(staff)
    assert response.status_code == 201, response.get_json()
    batch = response.get_json()
    assert batch["count"] == 2
    sanne = batch["vouchers"][0]
    assert sanne["email"] == "sanne@example.nl"
    assert len(sanne["code"]) == 21
    assert sanne["code"].count("-") == 4
    assert sanne["valid_until"] == "2030-07-01T22:00:00+00:00"
    with app.app_context():
        stored = db.session.scalars(db.select(Voucher.code_hash)).all()
    plain = sanne["code"].replace("-", "")
    assert len(stored) == 2
    assert all(len(h) == 64 and plain not in h for h in stored)


def test_codes_as_csv_for_a_mail_merge(staff):
    response = staff.post("/api/v1/vouchers/batches", data=GRADUATES,
                          headers={"Content-Type": "text/csv", "Accept": "text/csv"})
    assert response.status_code == 201
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["email"] for r in rows] == ["sanne@example.nl", "yusuf@example.nl"]
    assert all(r["code"] for r in rows)


def test_a_file_upload_works_too(staff):
    response = staff.post("/api/v1/vouchers/batches", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(GRADUATES.encode()), "graduates.csv")})
    assert response.status_code == 201, response.get_json()


def test_every_bad_line_is_named_and_nothing_is_issued(app, staff):
    bad = GRADUATES + ("Piet,not-an-email,2025-13-01,25655\n"
                       "Kees,kees@example.nl,2099-01-01,99999\n")
    body = assert_problem(issue(staff, bad), 422, "voucher-batch-invalid")
    assert set(body["errors"]) == {"line 4", "line 5"}
    assert any("email" in m for m in body["errors"]["line 4"])
    assert any("graduation_date" in m for m in body["errors"]["line 4"])
    assert any("future" in m for m in body["errors"]["line 5"])
    assert any("99999" in m for m in body["errors"]["line 5"])
    assert voucher_count(app) == 0


def test_missing_columns_and_empty_lists_are_refused(app, staff):
    body = assert_problem(issue(staff, "name,email\nA,a@example.nl\n"), 422)
    assert "graduation_date" in body["errors"]["line 1"][0]
    assert_problem(issue(staff, "name,email,graduation_date,qualification\n"), 422)
    assert voucher_count(app) == 0


def test_the_offer_must_be_the_institutions_own(app, staff):
    body = assert_problem(issue(staff, eligible_qualifications="25491"), 422)
    assert "25491" in body["errors"]["eligible_qualifications"][0]
    assert voucher_count(app) == 0


def test_learners_cannot_issue_vouchers(app, client, learner, catalog):
    assert_problem(issue(client), 403, "staff-only")
    assert voucher_count(app) == 0


def test_the_mail_merge_csv_never_hands_a_spreadsheet_a_formula(staff):
    """Valid email addresses may start with = + - (the local part allows them): the mail-merge
    file must show them as text, not run them when staff open it in Excel."""
    graduates = ("name,email,graduation_date,qualification\n"
                 "Sanne de Vries,=2+5@example.nl,2025-07-01,25655\n"
                 "Yusuf Demir,+31612345678@example.nl,2024-06-28,25655\n"
                 "Anouk Jansen,-1+cmd@example.nl,2024-06-28,25655\n")
    response = staff.post("/api/v1/vouchers/batches", data=graduates,
                          headers={"Content-Type": "text/csv", "Accept": "text/csv"})
    assert response.status_code == 201, response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["email"] for r in rows] == [
        "'=2+5@example.nl", "'+31612345678@example.nl", "'-1+cmd@example.nl"]
    assert [r["name"] for r in rows] == ["Sanne de Vries", "Yusuf Demir", "Anouk Jansen"]
