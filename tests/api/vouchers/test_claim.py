
import pytest
from sqlalchemy import event

from eigendossier.core.extensions import db
from eigendossier.core.models import AuditEvent
from eigendossier.core.timeutil import utcnow
from eigendossier.vouchers.models import Voucher, VoucherClaim
from tests.api.vouchers.conftest import other_learner
from tests.support import assert_problem, at_once, sign_up

# On SQLite, and on PostgreSQL what depends on it: a claim is one conditional update,
# expiry compares moments, decisions and concurrent claims lock rows.


def claim(client, code):
    return client.post("/api/v1/vouchers/claim", json={"code": code})


@pytest.mark.both_databases
def test_claim_by_code_typed_loosely(app, client, learner, codes):
    typed = codes["sanne@example.nl"].lower().replace("-", " ")
    response = claim(client, typed)
    assert response.status_code == 200, response.get_json()
    voucher = response.get_json()
    assert voucher["status"] == "available"
    assert voucher["institution"] == "Techniek College Rijnmond"
    assert voucher["qualification"] == "Timmerman"
    assert voucher["diploma"] == {"qualification": "Timmerman", "graduation_date": "2025-07-01",
                                  "stated_by": "Techniek College Rijnmond",
                                  "verified_credential": False}
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
    yusuf = other_learner(app, "yusuf@example.nl")
    assert claim(yusuf, codes["yusuf@example.nl"]).status_code == 200
    body = assert_problem(claim(client, codes["yusuf@example.nl"]), 409, "voucher-claimed")
    assert body["title"] == "Deze voucher staat al in iemands dossier"


@pytest.mark.both_databases
def test_an_expired_voucher_cannot_be_claimed(app, client, learner, codes):
    with app.app_context():
        db.session.execute(db.update(Voucher).values(valid_until=utcnow()))
        db.session.commit()
    assert_problem(claim(client, codes["sanne@example.nl"]), 410, "voucher-expired")


@pytest.fixture
def app_settings():
    return {"RATELIMIT_VOUCHER_CLAIM_ACCOUNT": "3 per minute;20 per day",
            "RATELIMIT_VOUCHER_CLAIM_ADDRESS": "100 per hour"}


@pytest.mark.both_databases
def test_failed_claims_are_rate_limited_per_account(app, client, learner, codes):
    wrong = "0" * 16 + "0"
    statuses = [claim(client, wrong).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    response = claim(client, codes["sanne@example.nl"])
    assert_problem(response, 429, "too-many-requests")
    assert int(response.headers["Retry-After"]) > 0
    other = other_learner(app)
    assert claim(other, wrong).status_code == 404, "another account has its own limit"


def test_claims_waiting_for_the_school_do_not_count(app, client, learner, codes):
    for _ in range(5):
        assert claim(client, codes["yusuf@example.nl"]).status_code == 202


def test_successful_claims_do_not_count(app, client, learner, codes):
    for _ in range(5):
        assert claim(client, codes["sanne@example.nl"]).status_code == 200


def test_vouchers_of_another_learner_are_404(app, client, learner, claimed):
    other = other_learner(app)
    assert other.get("/api/v1/vouchers").get_json() == []
    assert other.get("/api/v1/vouchers/claims").get_json() == []
    assert_problem(other.get(f"/api/v1/vouchers/{claimed['id']}"), 404)
    assert_problem(other.post(f"/api/v1/vouchers/{claimed['id']}/redeem", json={"run_id": 1},
                              headers={"Idempotency-Key": "other-key-1"}), 404)
    assert_problem(other.post(f"/api/v1/vouchers/{claimed['id']}/cancel"), 404)


def test_anonymous_gets_401(app, codes):
    anonymous = app.test_client()
    for method, path in [("post", "/api/v1/vouchers/claim"), ("get", "/api/v1/vouchers"),
                         ("get", "/api/v1/vouchers/1"), ("post", "/api/v1/vouchers/1/redeem"),
                         ("post", "/api/v1/vouchers/1/cancel"),
                         ("get", "/api/v1/vouchers/claims"),
                         ("get", "/api/v1/staff/voucher-claims"),
                         ("post", "/api/v1/staff/voucher-claims/1/decision"),
                         ("post", "/api/v1/vouchers/batches")]:
        assert_problem(getattr(anonymous, method)(path, json={}), 401)


# -- a voucher belongs to its graduate -------------------------------------------------------


def claim_rows(app):
    with app.app_context():
        return db.session.scalars(db.select(VoucherClaim)).all()


def owner_of(app, email):
    with app.app_context():
        voucher = db.session.scalar(db.select(Voucher).filter_by(graduate_email=email))
        return voucher.claimed_by_id


def test_an_unconfirmed_address_must_be_confirmed_first(app, codes):
    sanne = app.test_client()
    sign_up(sanne)
    body = assert_problem(claim(sanne, codes["sanne@example.nl"]), 403, "email-not-verified")
    assert body["title"] == "Bevestig eerst je e-mailadres"
    assert owner_of(app, "sanne@example.nl") is None
    assert claim_rows(app) == []


@pytest.mark.both_databases
def test_someone_else_with_the_code_gets_a_claim_the_school_decides(app, client, learner,
                                                                     codes, staff):
    """Sanne holds Yusuf's code (a forwarded mail): it does not become hers by the code."""
    response = claim(client, codes["yusuf@example.nl"])
    assert response.status_code == 202
    pending = response.get_json()
    assert pending["status"] == "pending"
    assert pending["institution"] == "Techniek College Rijnmond"
    assert "Yusuf" not in response.get_data(as_text=True), "nothing of the graduate shows"
    assert "25655" not in response.get_data(as_text=True)
    assert owner_of(app, "yusuf@example.nl") is None
    assert client.get("/api/v1/vouchers").get_json() == []
    assert [c["id"] for c in client.get("/api/v1/vouchers/claims").get_json()] == [pending["id"]]
    assert claim(client, codes["yusuf@example.nl"]).get_json()["id"] == pending["id"], \
        "asking again is the same claim"

    [seen] = staff.get("/api/v1/staff/voucher-claims?status=pending").get_json()
    assert seen["claimant"] == {"display_name": "Sanne", "email": "sanne@example.nl",
                                "email_verified": True}
    assert seen["voucher"]["graduate_name"] == "Yusuf Demir"
    assert seen["voucher"]["graduate_email"] == "yusuf@example.nl"

    refused = staff.post(f"/api/v1/staff/voucher-claims/{pending['id']}/decision",
                         json={"approved": False})
    assert refused.status_code == 200
    assert refused.get_json()["status"] == "refused"
    assert owner_of(app, "yusuf@example.nl") is None
    body = assert_problem(claim(client, codes["yusuf@example.nl"]), 403, "voucher-claim-refused")
    assert body["title"] == "Je school heeft niet bevestigd dat deze voucher van jou is"
    assert_problem(staff.post(f"/api/v1/staff/voucher-claims/{pending['id']}/decision",
                              json={"approved": True}), 409, "voucher-claim-decided")
    yusuf = other_learner(app, "yusuf@example.nl")
    assert claim(yusuf, codes["yusuf@example.nl"]).status_code == 200, "the graduate's own"


@pytest.mark.both_databases
def test_the_school_confirms_and_other_claims_are_refused(app, client, learner, codes, staff):
    mine = claim(client, codes["yusuf@example.nl"]).get_json()
    other = other_learner(app, "iemand@example.nl")
    theirs = claim(other, codes["yusuf@example.nl"]).get_json()
    decided = staff.post(f"/api/v1/staff/voucher-claims/{mine['id']}/decision",
                         json={"approved": True})
    assert decided.status_code == 200
    assert decided.get_json()["voucher"]["claimed"] is True
    [voucher] = client.get("/api/v1/vouchers").get_json()
    assert voucher["diploma"]["stated_by"] == "Techniek College Rijnmond"
    assert client.get("/api/v1/vouchers/claims").get_json() == []
    assert [c["status"] for c in other.get("/api/v1/vouchers/claims").get_json()] == ["refused"]
    assert theirs["id"] != mine["id"]
    trail = client.get("/api/v1/privacy/audit").get_json()
    sentences = [e["message"] for e in trail["items"]]
    assert ("Techniek College Rijnmond heeft bevestigd dat een voucher van jou is; hij staat "
            "in je dossier.") in sentences


@pytest.mark.both_databases
@pytest.mark.parametrize("body", [{}, {"approved": "misschien"}, {"approved": True, "x": 1}])
def test_bad_decisions_are_refused_and_nothing_is_written(app, client, learner, codes, staff,
                                                          body):
    pending = claim(client, codes["yusuf@example.nl"]).get_json()
    assert_problem(staff.post(f"/api/v1/staff/voucher-claims/{pending['id']}/decision",
                              json=body), 422)
    assert [c.status for c in claim_rows(app)] == ["pending"]
    assert_problem(staff.get("/api/v1/staff/voucher-claims?status=maybe"), 422)


def test_staff_of_another_school_and_learners_cannot_decide(app, runner, client, learner, codes,
                                                            staff):
    from tests.support import PASSWORD

    pending = claim(client, codes["yusuf@example.nl"]).get_json()
    assert runner.invoke(args=["accounts", "create-staff", "--email", "docent@zao.nl", "--name",
                               "Z", "--institution", "zao", "--password", PASSWORD]).exit_code == 0
    zao = app.test_client()
    zao.post("/api/v1/session", json={"email": "docent@zao.nl", "password": PASSWORD})
    assert zao.get("/api/v1/staff/voucher-claims").get_json() == []
    assert_problem(zao.post(f"/api/v1/staff/voucher-claims/{pending['id']}/decision",
                            json={"approved": True}), 404)
    assert_problem(client.post(f"/api/v1/staff/voucher-claims/{pending['id']}/decision",
                               json={"approved": True}), 403, "staff-only")
    assert_problem(client.get("/api/v1/staff/voucher-claims"), 403)
    assert [c.status for c in claim_rows(app)] == ["pending"]
    assert owner_of(app, "yusuf@example.nl") is None


@pytest.mark.both_databases
def test_a_voucher_taken_meanwhile_cannot_be_confirmed(app, client, learner, codes, staff):
    pending = claim(client, codes["yusuf@example.nl"]).get_json()
    yusuf = other_learner(app, "yusuf@example.nl")
    assert claim(yusuf, codes["yusuf@example.nl"]).status_code == 200
    assert_problem(staff.post(f"/api/v1/staff/voucher-claims/{pending['id']}/decision",
                              json={"approved": True}), 409, "voucher-claimed")
    assert [c.status for c in claim_rows(app)] == ["pending"]


@pytest.mark.both_databases
def test_claiming_from_two_devices_at_once_gives_the_voucher_to_its_graduate_once(
        app, client, learner, codes):
    """A double tap, or the code typed in on the phone and the laptop (found by
    bench/bench_load.py): every answer is the voucher, as claiming it again later is; no
    answer says it is in someone else's dossier."""
    answers = at_once(app, client, lambda device: claim(device, codes["sanne@example.nl"]))
    assert [a.status_code for a in answers] == [200] * 4, \
        [a.get_json() for a in answers]
    ids = {a.get_json()["id"] for a in answers}
    assert [v["id"] for v in client.get("/api/v1/vouchers").get_json()] == list(ids)
    with app.app_context():
        claimed = db.session.scalars(db.select(AuditEvent).filter_by(action="voucher.claimed"))
        assert len(claimed.all()) == 1
