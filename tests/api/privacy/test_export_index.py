"""The export's index.html says what the app says: modules by name (not internal run codes)
and a voucher's last day as the app shows it."""
from eigendossier.catalog.models import Run
from eigendossier.core.extensions import db
from eigendossier.routes.models import Enrolment
from eigendossier.vouchers.models import Voucher
from tests.api.notifications.conftest import account_id
from tests.api.privacy.conftest import export, open_zip
from tests.api.vouchers.conftest import issue


def test_modules_by_name_and_the_vouchers_last_day_as_in_the_app(app, client, learner, staff):
    issued = issue(staff).get_json()["vouchers"]
    code = next(v["code"] for v in issued if v["email"] == "sanne@example.nl")
    voucher = client.post("/api/v1/vouchers/claim", json={"code": code}).get_json()
    with app.app_context():
        run = db.session.scalar(db.select(Run).filter_by(code="R-EVE"))
        db.session.add(Enrolment(account_id=account_id(app), run_id=run.id))
        db.session.commit()
        valid_until = db.session.get(Voucher, voucher["id"]).valid_until
    # Graduated 1 July 2025: valid through 1 July 2030 (until midnight after it, as stored).
    assert valid_until.isoformat().startswith("2030-07-01T22:00")
    index = open_zip(export(client).data)["index.html"].decode()
    assert "Ingeschreven voor TIM-01 Veilig werken, start 5 januari 2099" in index
    assert "R-EVE" not in index
    assert "geldig tot 1 juli 2030" in index
    assert "2 juli 2030" not in index
