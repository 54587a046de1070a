import pytest
from sqlalchemy import event

from eigendossier.core.extensions import db
from eigendossier.core.models import AuditEvent
from eigendossier.core.timeutil import utcnow
from eigendossier.vouchers.models import Voucher
from tests.api.vouchers.conftest import other_learner
from tests.support import assert_problem

# On SQLite and PostgreSQL: a claim is one conditional update.
pytestmark = pytest.mark.both_databases


def claim(client, code):
    return client.post("/api/v1/vouchers/claim", json={"code": code})


def test_claim_by_code_typed_loosely(app, client, learner, codes):
    typed = codes["sanne@example.nl"].lower().replace("-", " ")
    response = claim(client, typed)
    assert response.status_code == 200, response.get_json()
    voucher = response.get_json()
    assert voucher["status"] == "available"
    assert voucher["institution"] == "Techniek College Rijnmond"
    assert voucher["qualification"] == "Timmerman"
    assert voucher["seconds_left"] > 3 * 365 * 86400
    assert claim(client, typed).status_code == 200, "claiming your own voucher again is fine"
    assert [v["id"] for v in client.get("/api/v1/vouchers").get_json()] == [voucher["id"]]
    with app.app_context():
        actions = db.session.scalars(db.select(AuditEvent.action).where(
            AuditEvent.action.like("voucher.%")).order_by(AuditEvent.id)).all()
    assert actions == ["voucher.issued", "voucher.claimed"]


def test_a_typo_is_caught_before_any_database_lookup(app, client, learner, codes):
    code = codes["sanne@example.nl"]
    typo = ("X" if code[0] != "X" else "Y") + code[1:]
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        body = assert_problem(claim(client, typo), 422, "voucher-code-typo")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert "17" in body["detail"]
    assert not [s for s in statements if "voucher" in s.lower()]


def test_unknown_code_and_someone_elses_voucher(app, client, learner, codes):
    from eigendossier.vouchers.codes import check_symbol

    data = "0" * 16
    assert_problem(claim(client, data + check_symbol(data)), 404, "voucher-unknown")
    other = other_learner(app)
    assert claim(other, codes["sanne@example.nl"]).status_code == 200
    body = assert_problem(claim(client, codes["sanne@example.nl"]), 409, "voucher-claimed")
    assert body["title"] == "Deze voucher staat al in iemands dossier"


def test_an_expired_voucher_cannot_be_claimed(app, client, learner, codes):
    with app.app_context():
        db.session.execute(db.update(Voucher).values(valid_until=utcnow()))
        db.session.commit()
    assert_problem(claim(client, codes["sanne@example.nl"]), 410, "voucher-expired")


@pytest.fixture
def app_settings():
    return {"RATELIMIT_VOUCHER_CLAIM_ACCOUNT": "3 per minute;20 per day",
            "RATELIMIT_VOUCHER_CLAIM_ADDRESS": "100 per hour"}


def test_failed_claims_are_rate_limited_per_account(app, client, learner, codes):
    wrong = "0" * 16 + "0"
    statuses = [claim(client, wrong).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    response = claim(client, codes["sanne@example.nl"])
    assert_problem(response, 429, "too-many-requests")
    assert int(response.headers["Retry-After"]) > 0
    other = other_learner(app)
    assert claim(other, wrong).status_code == 404, "another account has its own limit"


def test_successful_claims_do_not_count(app, client, learner, codes):
    for _ in range(5):
        assert claim(client, codes["sanne@example.nl"]).status_code == 200


def test_vouchers_of_another_learner_are_404(app, client, learner, claimed):
    other = other_learner(app)
    assert other.get("/api/v1/vouchers").get_json() == []
    assert_problem(other.get(f"/api/v1/vouchers/{claimed['id']}"), 404)
    assert_problem(other.post(f"/api/v1/vouchers/{claimed['id']}/redeem", json={"run_id": 1},
                              headers={"Idempotency-Key": "other-key-1"}), 404)
    assert_problem(other.post(f"/api/v1/vouchers/{claimed['id']}/cancel"), 404)


def test_anonymous_gets_401(app, codes):
    anonymous = app.test_client()
    for method, path in [("post", "/api/v1/vouchers/claim"), ("get", "/api/v1/vouchers"),
                         ("get", "/api/v1/vouchers/1"), ("post", "/api/v1/vouchers/1/redeem"),
                         ("post", "/api/v1/vouchers/1/cancel"),
                         ("post", "/api/v1/vouchers/batches")]:
        assert_problem(getattr(anonymous, method)(path, json={}), 401)
