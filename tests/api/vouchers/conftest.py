from datetime import date, timedelta

import pytest

from eigendossier.catalog.models import Run
from eigendossier.core.extensions import db
from tests.support import sign_up

GRADUATES = """name,email,graduation_date,qualification
Sanne de Vries,sanne@example.nl,2025-07-01,25655
Yusuf Demir,yusuf@example.nl,2024-06-28,25655
"""


@pytest.fixture(autouse=True)
def runs_within_validity(app, catalog):
    """Vouchers buy runs that start before they expire: move the catalogue's 2099 runs to
    the coming months (R-EVE in 60 days, R-WKD in 120)."""
    today = date.today()
    with app.app_context():
        for code, offset in (("R-EVE", 60), ("R-WKD", 120)):
            start = today + timedelta(days=offset)
            db.session.execute(db.update(Run).filter_by(code=code)
                               .values(start_date=start, end_date=start + timedelta(days=35)))
        db.session.commit()


def issue(staff, csv_text=GRADUATES, **query):
    return staff.post("/api/v1/vouchers/batches", query_string=query, data=csv_text,
                      headers={"Content-Type": "text/csv"})


@pytest.fixture
def codes(staff):
    """Two vouchers issued by tcr for carpentry (25655): {email: code}."""
    response = issue(staff)
    assert response.status_code == 201, response.get_json()
    return {v["email"]: v["code"] for v in response.get_json()["vouchers"]}


@pytest.fixture
def claimed(client, learner, codes):
    """Sanne (the `learner`) has claimed her voucher."""
    response = client.post("/api/v1/vouchers/claim", json={"code": codes["sanne@example.nl"]})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def run_id(client, voucher_id, code="R-EVE"):
    runs = client.get(f"/api/v1/vouchers/{voucher_id}").get_json()["eligible_runs"]
    return next(r["id"] for r in runs if r["code"] == code)


def redeem(client, voucher_id, run, key="key-0000-0001"):
    return client.post(f"/api/v1/vouchers/{voucher_id}/redeem", json={"run_id": run},
                       headers={"Idempotency-Key": key})


def other_learner(app, email="other@example.nl"):
    """Another signed-in learner, address confirmed."""
    other = app.test_client()
    sign_up(other, email=email, display_name=email.split("@")[0].title(), verified=True)
    return other
