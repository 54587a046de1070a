import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from eigendossier.catalog.models import Run, RunSeatShard
from eigendossier.core.extensions import db
from eigendossier.core.models import AuditEvent
from eigendossier.core.timeutil import utcnow
from eigendossier.routes.models import Enrolment
from eigendossier.vouchers.models import IdempotentResponse, Voucher
from tests.api.vouchers.conftest import issue, other_learner, redeem, run_id
from tests.support import assert_problem, set_seats_taken, sql_statements

# On SQLite and PostgreSQL: redeemed exactly once under concurrent requests.
pytestmark = pytest.mark.both_databases


def seats(app, code="R-EVE"):
    with app.app_context():
        return db.session.scalar(db.select(Run.seats_taken).filter_by(code=code))


def test_the_voucher_lists_the_modules_it_can_buy(client, claimed):
    detail = client.get(f"/api/v1/vouchers/{claimed['id']}").get_json()
    assert [r["code"] for r in detail["eligible_runs"]] == ["R-EVE", "R-WKD"]
    assert detail["eligible_runs"][0]["block"]["code"] == "TIM-01"


def test_the_api_says_until_when_a_redemption_can_be_cancelled(app, client, claimed):
    """Before and after redeeming: the PWA shows these dates and never counts the days."""
    app.config["VOUCHER_CANCEL_DAYS"] = 10
    runs = client.get(f"/api/v1/vouchers/{claimed['id']}").get_json()["eligible_runs"]
    for run in runs:
        assert date.fromisoformat(run["cancel_until"]) == \
            date.fromisoformat(run["start_date"]) - timedelta(days=10)
    chosen = runs[0]
    voucher = redeem(client, claimed["id"], chosen["id"]).get_json()["voucher"]
    assert voucher["cancel_until"] == chosen["cancel_until"]


def test_redeem_once_then_replay_then_refuse(app, client, claimed):
    run = run_id(client, claimed["id"])
    first = redeem(client, claimed["id"], run, key="first-key-0001")
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["voucher"]["status"] == "redeemed"
    assert body["enrolment"]["run"]["code"] == "R-EVE"
    assert seats(app) == 5

    replay = redeem(client, claimed["id"], run, key="first-key-0001")
    assert (replay.status_code, replay.get_json()) == (201, body)
    assert seats(app) == 5

    second = redeem(client, claimed["id"], run, key="second-key-002")
    problem = assert_problem(second, 409, "voucher-redeemed")
    assert problem["title"] == "Deze voucher is al gebruikt"
    assert_problem(redeem(client, claimed["id"], run + 1, key="first-key-0001"), 422,
                   "idempotency-key-reused")
    schedule = client.get("/api/v1/schedule").get_json()["enrolments"]
    assert [e["run"]["code"] for e in schedule] == ["R-EVE"]
    assert schedule[0] == body["enrolment"], "the answer shows the enrolment as stored"
    shown = client.get(f"/api/v1/vouchers/{claimed['id']}").get_json()
    assert {k: shown[k] for k in body["voucher"] if k != "seconds_left"} == \
        {k: v for k, v in body["voucher"].items() if k != "seconds_left"}


def schema_dump(app, voucher_id: int, locale: str) -> dict:
    """RedemptionSchema's dump of the voucher as stored and its enrolment, in ``locale``."""
    from eigendossier.vouchers.schemas import RedemptionSchema

    with app.test_request_context(headers={"Accept-Language": locale}):
        voucher = db.session.get(Voucher, voucher_id)
        return RedemptionSchema().dump({"voucher": voucher, "enrolment": voucher.enrolment})


@pytest.mark.parametrize("locale", ["nl", "en"])
def test_the_answer_is_the_schemas_dump_of_what_was_stored(app, client, claimed, locale):
    """The answer is written from the redemption's own row, not dumped from objects
    (vouchers/redemption.py): it must be the schema's dump of the redeemed voucher and its
    enrolment all the same, for a new enrolment and for a cancelled one enrolled again, in
    the learner's language. Only ``seconds_left`` is counted at another moment."""
    assert client.patch("/api/v1/me", json={"locale": locale}).status_code == 200
    run = run_id(client, claimed["id"])
    for key in ("first-key-0001", "again-key-0002"):
        answer = redeem(client, claimed["id"], run, key=key)
        assert answer.status_code == 201, answer.get_json()
        body, expected = answer.get_json(), schema_dump(app, claimed["id"], locale)
        for voucher in (body["voucher"], expected["voucher"]):
            assert abs(voucher.pop("seconds_left") - claimed["seconds_left"]) < 60
        assert body == expected
        assert client.post(f"/api/v1/vouchers/{claimed['id']}/cancel").status_code == 200
    assert expected["enrolment"]["created_at"] < expected["voucher"]["redeemed_at"]
    names = (body["voucher"]["qualification"], body["enrolment"]["block"]["name"])
    assert names == (("Carpenter", "Working safely") if locale == "en" else
                     ("Timmerman", "Veilig werken")), names


def test_redeeming_needs_an_idempotency_key_and_an_eligible_run(app, client, claimed):
    response = client.post(f"/api/v1/vouchers/{claimed['id']}/redeem", json={"run_id": 1})
    body = assert_problem(response, 422)
    assert "Idempotency-Key" in body["errors"]
    with app.app_context():
        past = db.session.scalar(db.select(Run.id).filter_by(code="R-OLD"))
    assert_problem(redeem(client, claimed["id"], past), 422, "voucher-run-not-eligible")
    with app.app_context():
        assert db.session.scalar(db.select(Voucher.redeemed_at)) is None


def test_a_body_the_standard_parser_refuses_buys_nothing(app, client, claimed):
    """The body is read once, by the strict check before the view; what webargs would not
    read (a UTF-8 byte order mark) is still refused as it was."""
    body = b"\xef\xbb\xbf" + f'{{"run_id": {run_id(client, claimed["id"])}}}'.encode()
    response = client.post(f"/api/v1/vouchers/{claimed['id']}/redeem", data=body,
                           content_type="application/json",
                           headers={"Idempotency-Key": "key-0000-0001"})
    assert_problem(response, 400)
    with app.app_context():
        assert db.session.scalar(db.select(Voucher.redeemed_at)) is None


def set_valid_until(app, moment):
    with app.app_context():
        db.session.execute(db.update(Voucher).values(valid_until=moment))
        db.session.commit()


def test_an_expired_voucher_buys_nothing(app, client, claimed):
    run = run_id(client, claimed["id"])
    set_valid_until(app, utcnow() - timedelta(seconds=1))
    assert_problem(redeem(client, claimed["id"], run), 410, "voucher-expired")
    assert client.get(f"/api/v1/vouchers/{claimed['id']}").get_json()["status"] == "expired"


def test_a_module_must_start_while_the_voucher_is_valid(app, client, claimed):
    run = client.get(f"/api/v1/vouchers/{claimed['id']}").get_json()["eligible_runs"][0]
    start = datetime.fromisoformat(run["start_date"]).replace(tzinfo=UTC)
    set_valid_until(app, start - timedelta(seconds=1))
    assert_problem(redeem(client, claimed["id"], run["id"]), 422, "voucher-run-not-eligible")
    set_valid_until(app, start + timedelta(hours=23))
    assert redeem(client, claimed["id"], run["id"], key="just-in-time-1").status_code == 201


def test_a_full_module_leaves_the_voucher_unused(app, client, claimed):
    run = run_id(client, claimed["id"])
    with app.app_context():
        set_seats_taken("R-EVE", 16)
        db.session.commit()
    assert_problem(redeem(client, claimed["id"], run), 422, "voucher-run-not-eligible")
    with app.app_context():
        assert db.session.scalar(db.select(Voucher.redeemed_at)) is None


def test_cancel_in_time_gives_the_voucher_back(app, client, claimed):
    run = run_id(client, claimed["id"])
    redeem(client, claimed["id"], run)
    cancelled = client.post(f"/api/v1/vouchers/{claimed['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.get_json()
    assert cancelled.get_json()["status"] == "available"
    assert seats(app) == 4
    assert redeem(client, claimed["id"], run, key="second-try-001").status_code == 201
    with app.app_context():
        actions = db.session.scalars(db.select(AuditEvent.action).where(
            AuditEvent.action.like("voucher.%")).order_by(AuditEvent.id)).all()
    assert actions == ["voucher.issued", "voucher.claimed", "voucher.redeemed",
                       "voucher.redemption_cancelled", "voucher.redeemed"]


def test_cancel_too_close_to_the_start_is_refused(app, client, claimed):
    run = run_id(client, claimed["id"])
    redeem(client, claimed["id"], run)
    app.config["VOUCHER_CANCEL_DAYS"] = 365 * 100
    body = assert_problem(client.post(f"/api/v1/vouchers/{claimed['id']}/cancel"), 409,
                          "voucher-cancel-too-late")
    assert "36500" in body["detail"]
    assert seats(app) == 5


def test_fifty_concurrent_redemptions_make_one_enrolment(app, client, claimed):
    """On SQLite and on PostgreSQL: one 201, 49 times 409, one seat taken."""
    run = run_id(client, claimed["id"])
    barrier, statuses = threading.Barrier(50), []
    cookies = {c.key: c.value for c in client._cookies.values()}

    def attempt(i):
        own = app.test_client()
        for name, value in cookies.items():
            own.set_cookie(name, value)
        barrier.wait()
        statuses.append(redeem(own, claimed["id"], run, key=f"concurrent-{i:04d}").status_code)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * 49
    assert seats(app) == 5
    assert len(client.get("/api/v1/schedule").get_json()["enrolments"]) == 1


@pytest.fixture
def app_settings():
    """A pool as large as the races' 50 clients, so none waits for a connection."""
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 50, "max_overflow": 10}}


def test_cancelling_from_the_schedule_gives_the_voucher_back_once(app, client, claimed):
    run = run_id(client, claimed["id"])
    enrolment = redeem(client, claimed["id"], run).get_json()["enrolment"]
    voucher = client.get(f"/api/v1/vouchers/{claimed['id']}").get_json()
    assert voucher["cancel_until"] < voucher["enrolment"]["run"]["start_date"]
    response = client.delete(f"/api/v1/enrolments/{enrolment['id']}")
    assert response.get_json()["status"] == "cancelled"
    assert client.get(f"/api/v1/vouchers/{claimed['id']}").get_json()["status"] == "available"
    assert seats(app) == 4
    client.post(f"/api/v1/vouchers/{claimed['id']}/cancel")
    client.delete(f"/api/v1/enrolments/{enrolment['id']}")
    assert seats(app) == 4, "the seat is given back once"


def test_the_schedule_cannot_bypass_the_voucher_deadline(app, client, claimed):
    run = run_id(client, claimed["id"])
    enrolment = redeem(client, claimed["id"], run).get_json()["enrolment"]
    app.config["VOUCHER_CANCEL_DAYS"] = 365
    assert_problem(client.delete(f"/api/v1/enrolments/{enrolment['id']}"), 409,
                   "voucher-cancel-too-late")
    assert seats(app) == 5
    assert client.get(f"/api/v1/vouchers/{claimed['id']}").get_json()["status"] == "redeemed"


def test_a_redemption_is_two_statements_all_or_nothing(app, client, claimed):
    """Pinned so the hot path does not grow back (it was seventeen, then nine, eight, five,
    three): two on PostgreSQL, the SELECT and one statement that writes everything (each
    write in a WITH), in autocommit; six on SQLite, in a transaction. The PostgreSQL
    statement locks first what a concurrent transaction can change: the voucher's row
    (waiting for another claim of it), then a seat in a shard no other redemption holds;
    only then the enrolment, the voucher's claim, the audit event and the stored answer,
    each after the one before, so that a failed step leaves nothing written."""
    run = run_id(client, claimed["id"])
    seen, answer = sql_statements(app, lambda: redeem(client, claimed["id"], run))
    assert answer.status_code == 201
    last = seen[-1]
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        assert len(seen) == 2, seen
        steps = ["WITH held AS (SELECT voucher.id", "FOR UPDATE), seat AS (UPDATE run_seat_shard",
                 "new_enrolment AS (INSERT INTO enrolment", "claimed AS (UPDATE voucher SET",
                 "audit_event_row AS (INSERT INTO audit_event",
                 "stored_answer_row AS (INSERT INTO idempotent_response"]
        found = [last.find(step) for step in steps]
        assert found[0] == 0, last
        assert found == sorted(found), last
    else:
        assert len(seen) == 6, seen
        assert last.startswith("UPDATE run_seat_shard SET taken"), last
    with app.app_context():
        event_row = db.session.scalars(db.select(AuditEvent).filter_by(
            action="voucher.redeemed")).one()
        assert (event_row.subject_type, event_row.subject_id, event_row.details) == \
            ("voucher", claimed["id"], {"run": "R-EVE"})
        assert event_row.actor_id == event_row.account_id is not None
        stored = db.session.scalars(db.select(IdempotentResponse)).one()
        assert stored.body == answer.get_json()  # with the enrolment's id put in
        assert stored.account_id == event_row.account_id
        redeemed_at = db.session.get(Voucher, claimed["id"]).redeemed_at
        assert event_row.created_at == stored.created_at == redeemed_at


def test_learners_racing_for_the_last_seats_get_one_seat_each(app, staff, catalog):
    """Eight learners with a voucher each redeem at once for a run with three seats left, in
    three of its seat shards: three enrolments, the run exactly full, the five others told
    so (problem+json) with their vouchers unused. A cancelled redemption frees a seat that
    one of them then takes."""
    emails = [f"learner{i}@example.nl" for i in range(8)]
    graduates = "name,email,graduation_date,qualification\n" + "".join(
        f"Learner {i},{email},2025-07-01,25655\n" for i, email in enumerate(emails))
    codes = {v["email"]: v["code"] for v in issue(staff, graduates).get_json()["vouchers"]}
    learners = []
    for email in emails:
        learner = other_learner(app, email)
        voucher = learner.post("/api/v1/vouchers/claim", json={"code": codes[email]}).get_json()
        learners.append((learner, voucher["id"]))
    run = run_id(learners[0][0], learners[0][1])
    with app.app_context():
        set_seats_taken("R-EVE", 13)
        db.session.commit()
    assert sum(s - t for s, t in shards(app)) == 3
    assert sum(1 for s, t in shards(app) if t < s) == 3, "the free seats are in three shards"
    barrier, answers = threading.Barrier(len(learners)), {}

    def attempt(learner, voucher_id):
        barrier.wait()
        answers[voucher_id] = redeem(learner, voucher_id, run)

    threads = [threading.Thread(target=attempt, args=pair) for pair in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [v for v, answer in answers.items() if answer.status_code == 201]
    assert len(won) == 3, {v: a.status_code for v, a in answers.items()}
    for voucher_id, answer in answers.items():
        if voucher_id not in won:  # full at the seat, or already seen full
            slug = "run-full" if answer.status_code == 409 else "voucher-run-not-eligible"
            assert_problem(answer, answer.status_code, slug)
    assert seats(app) == 16
    assert all(t == s for s, t in shards(app)), "every shard full, none over"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Voucher)
                                 .where(Voucher.redeemed_at.is_not(None))) == 3
        # Nothing of a refused redemption stays: not its audit event, not its answer.
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)
                                 .filter_by(action="voucher.redeemed")) == 3
        assert db.session.scalar(db.select(db.func.count())
                                 .select_from(IdempotentResponse)) == 3
        assert db.session.scalar(db.select(db.func.count()).select_from(Enrolment)) == 3

    clients = dict((v, learner) for learner, v in learners)
    cancelled = clients[won[0]].post(f"/api/v1/vouchers/{won[0]}/cancel")
    assert cancelled.status_code == 200, cancelled.get_json()
    assert seats(app) == 15
    late = next(v for v in answers if v not in won)
    assert redeem(clients[late], late, run, key="after-a-cancel").status_code == 201
    assert seats(app) == 16
    assert sum(s for s, _ in shards(app)) == 16
    assert_problem(redeem(clients[won[0]], won[0], run, key="too-late-now"), 422,
                   "voucher-run-not-eligible")


def shards(app, code="R-EVE"):
    """The run's seat shards: [(seats, taken)]."""
    with app.app_context():
        return db.session.execute(
            db.select(RunSeatShard.seats, RunSeatShard.taken).join(Run)
            .filter(Run.code == code).order_by(RunSeatShard.shard)).all()


def test_one_run_is_bought_by_the_rule_that_lists_the_runs(app, client, claimed):
    """The redemption reads the rule off its own row (redemption.buys): it agrees with the
    list of runs the voucher offers, run by run."""
    from datetime import date

    from eigendossier.vouchers import redemption, service

    with app.app_context():
        voucher = db.session.get(Voucher, claimed["id"])
        runs = db.session.scalars(db.select(Run)).all()
        listed = set(service.eligible_runs(voucher, date.today()))
        assert len(runs) > len(listed) > 0
        for run in runs:
            row = db.session.execute(redemption.redeemable(), {
                "voucher_id": voucher.id, "account_id": voucher.claimed_by_id,
                "run_id": run.id}).one()
            assert redemption.buys(row, date.today()) == (run in listed), run.code
