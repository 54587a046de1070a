"""PostgreSQL: the redemption's one writing statement runs without a transaction around it
(autocommit), so it must write everything or nothing by itself. Each case changes, from
another connection, what a concurrent request could change between the redemption's SELECT
and its write, and checks that nothing of the redemption was written (the long way, in a
transaction, then does what is left: service.redeem)."""
import threading
import time
from datetime import date

import psycopg
import pytest

from eigendossier.accounts.models import Account
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.vouchers import service
from eigendossier.vouchers.models import Voucher
from tests.api.vouchers.conftest import run_id

pytestmark = pytest.mark.postgres
KEY = "key-0000-0001"


def dsn(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg://",
                                                         "postgresql://", 1)


def written(app, voucher_id: int, run: int) -> tuple:
    """Seats taken in the run, the voucher's (redeemed_at, enrolment_id), and the number of
    enrolments, redemption audit events and stored answers."""
    with psycopg.connect(dsn(app), autocommit=True) as conn:
        return (
            conn.execute("SELECT sum(taken) FROM run_seat_shard WHERE run_id = %s",
                         (run,)).fetchone()[0],
            conn.execute("SELECT redeemed_at, enrolment_id FROM voucher WHERE id = %s",
                         (voucher_id,)).fetchone(),
            conn.execute("SELECT count(*) FROM enrolment").fetchone()[0],
            conn.execute("SELECT count(*) FROM audit_event "
                         "WHERE action = 'voucher.redeemed'").fetchone()[0],
            conn.execute("SELECT count(*) FROM idempotent_response").fetchone()[0],
        )


def at_once(app, voucher_id: int, run: int, meanwhile) -> tuple:
    """The redemption's SELECT, then ``meanwhile(account_id)`` on another connection, then
    its writing statement: returns what that answered."""
    with app.test_request_context():
        account = db.session.get(Account, db.session.get(Voucher, voucher_id).claimed_by_id)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            row = service._driven(conn).numbered.first(
                conn, {"voucher_id": voucher_id, "account_id": account.id, "run_id": run})
            assert row is not None
            assert not row.enrolled_here
            with psycopg.connect(dsn(app)) as other:
                return meanwhile(other, account.id, lambda: service._redeem_at_once(
                    conn, row, account, run, utcnow(), date.today(), KEY, "f" * 64))


def waiting(app, write, why: str) -> tuple[threading.Thread, list]:
    """``write()`` in a thread of its own, which must still be waiting after 0.3 s (for what
    the other connection holds): the thread, and the list its answer goes to (or what it
    raised, for the caller's assertion to show)."""
    answers: list = []

    def redeem():
        with app.test_request_context():
            try:
                answers.append(write())
            except Exception as error:
                answers.append(error)

    thread = threading.Thread(target=redeem)
    thread.start()
    time.sleep(0.3)
    assert thread.is_alive(), why
    return thread, answers


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_an_enrolment_in_the_run_meanwhile_leaves_nothing_written(app, client, claimed,
                                                                  database_url):
    run = run_id(client, claimed["id"])
    before = written(app, claimed["id"], run)

    def enrol(other, account_id, write):
        other.execute("INSERT INTO enrolment (account_id, run_id, status, created_at) "
                      "VALUES (%s, %s, 'cancelled', now())", (account_id, run))
        other.commit()
        return write()

    assert at_once(app, claimed["id"], run, enrol) is None  # the long way, then
    assert written(app, claimed["id"], run) == (*before[:2], before[2] + 1, *before[3:])


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_an_answer_under_the_key_meanwhile_leaves_nothing_written(app, client, claimed,
                                                                  database_url):
    run = run_id(client, claimed["id"])
    before = written(app, claimed["id"], run)

    def store(other, account_id, write):
        other.execute("INSERT INTO idempotent_response (account_id, key, request_fingerprint, "
                      "status, body, created_at) VALUES (%s, %s, 'x', 201, '{}', now())",
                      (account_id, KEY))
        other.commit()
        return write()

    assert at_once(app, claimed["id"], run, store) is None
    assert written(app, claimed["id"], run) == (*before[:4], before[4] + 1)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_every_seat_shard_held_leaves_nothing_written_without_waiting(app, client, claimed,
                                                                      database_url):
    run = run_id(client, claimed["id"])
    before = written(app, claimed["id"], run)

    def hold(other, account_id, write):
        other.execute("SELECT * FROM run_seat_shard WHERE run_id = %s FOR UPDATE", (run,))
        started = time.monotonic()
        answer = write()
        assert time.monotonic() - started < 1
        return answer

    assert at_once(app, claimed["id"], run, hold) is None  # the long way waits for a shard
    assert written(app, claimed["id"], run) == before


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_claim_meanwhile_is_waited_for_and_leaves_nothing_written(app, client, claimed,
                                                                    database_url):
    run = run_id(client, claimed["id"])
    before = written(app, claimed["id"], run)

    def claim(other, account_id, write):
        other.execute("UPDATE voucher SET redeemed_at = now() WHERE id = %s", (claimed["id"],))
        thread, answers = waiting(app, write, "it waits for the other claim")
        other.commit()
        thread.join()
        return answers[0]

    assert at_once(app, claimed["id"], run, claim) is service._TAKEN
    after = written(app, claimed["id"], run)
    redeemed_at, enrolment_id = after[1]
    assert redeemed_at is not None, "the other claim's"
    assert enrolment_id is None, "not ours"
    assert (after[0], *after[2:]) == (before[0], *before[2:])


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_deadlock_with_an_enrolment_by_route_leaves_nothing_written(app, client, claimed,
                                                                      database_url):
    """The learner enrols in the run by route at the same moment: that transaction holds the
    new enrolment's key and then waits for the seat shard the redemption holds, while the
    redemption waits for the key. PostgreSQL fails one of the two (ours: the other's
    deadlock_timeout is set long); ours wrote nothing and says "the long way"."""
    run = run_id(client, claimed["id"])
    before = written(app, claimed["id"], run)

    def enrol_by_route(other, account_id, write):
        other.execute("SET deadlock_timeout = '30s'")
        other.execute("INSERT INTO enrolment (account_id, run_id, status, created_at) "
                      "VALUES (%s, %s, 'enrolled', now())", (account_id, run))
        thread, answers = waiting(app, write, "it waits for the other's enrolment")
        other.execute("SELECT * FROM run_seat_shard WHERE run_id = %s FOR UPDATE", (run,))
        thread.join()
        other.rollback()
        return answers[0]

    assert at_once(app, claimed["id"], run, enrol_by_route) is None
    assert written(app, claimed["id"], run) == before
