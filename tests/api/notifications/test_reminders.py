"""Which reminders go out when, saying what: module starts and voucher expiry, lead times,
09:00 in the learner's zone across daylight-saving changes, quiet hours, the inbox."""
from datetime import UTC, date, datetime

import pytest

from eigendossier.core.extensions import db
from eigendossier.notifications.models import Delivery, Notification, Reminder
from eigendossier.notifications.reminders import TickResult
from eigendossier.routes.models import Enrolment
from eigendossier.vouchers.models import Voucher
from tests.api.notifications.conftest import count, enrol, local, subscribe, tick
from tests.api.vouchers.conftest import issue
from tests.support import sign_up

# On SQLite and PostgreSQL: reminders claimed by unique rows (an upsert per dialect).
pytestmark = pytest.mark.both_databases

START = date(2027, 3, 30)  # a Tuesday; summer time began on Sunday 28 March 2027


def test_seven_and_one_day_before_at_nine_across_the_spring_change(
        app, client, learner, catalog, push, clock):
    subscribe(client, push)
    enrol(app, start=START)
    # 7 days before: Tuesday 23 March, 09:00 CET = 08:00 UTC.
    clock.set(datetime(2027, 3, 23, 7, 59, tzinfo=UTC))
    assert tick(app) == TickResult(0, 0)
    clock.set(datetime(2027, 3, 23, 8, 0, tzinfo=UTC))
    assert tick(app) == TickResult(1, 1)
    [first] = push.delivered("phone")
    assert first.payload["title"] == "Je module begint over 7 dagen"
    assert first.payload["body"] == ("Veilig werken begint op dinsdag 30 maart 2027 om 18:30, "
                                     "Bouwlaan 12.")
    assert first.payload["url"] == "/rooster"
    assert first.payload["tag"] == f"ed-{first.payload['id']}", "the inbox entry it opens"
    assert 48 * 3600 - 30 < int(first.headers["ttl"]) <= 48 * 3600
    assert first.headers["urgency"] == "normal"
    assert first.claims["aud"] == push.origin
    clock.set(datetime(2027, 3, 23, 8, 1, tzinfo=UTC))
    assert tick(app) == TickResult(0, 0), "claimed once"
    # 1 day before: Monday 29 March, the first Monday of summer time: 09:00 CEST = 07:00 UTC.
    clock.set(datetime(2027, 3, 29, 6, 59, tzinfo=UTC))
    assert tick(app) == TickResult(0, 0)
    clock.set(datetime(2027, 3, 29, 7, 0, tzinfo=UTC))
    assert tick(app) == TickResult(1, 1)
    second = push.delivered("phone")[1]
    assert second.payload["title"] == "Je module begint morgen"
    assert 12 * 3600 - 30 < int(second.headers["ttl"]) <= 12 * 3600
    assert second.headers["urgency"] == "high"
    assert second.headers["topic"] == first.headers["topic"], "the newer replaces the older"
    assert len(first.headers["topic"]) <= 32
    inbox = client.get("/api/v1/notifications").get_json()
    assert inbox["unread"] == 2
    assert [n["title"] for n in inbox["items"]] == ["Je module begint morgen",
                                                    "Je module begint over 7 dagen"]


def test_across_the_autumn_change(app, client, learner, catalog, push, clock):
    subscribe(client, push)
    enrol(app, start=date(2027, 11, 2))  # winter time began on Sunday 31 October 2027
    clock.set(datetime(2027, 10, 26, 7, 0, tzinfo=UTC))  # Tuesday 26 October 09:00 CEST
    assert tick(app).claimed == 1
    clock.set(datetime(2027, 11, 1, 7, 59, tzinfo=UTC))  # Monday 1 November 08:59 CET
    assert tick(app).claimed == 0
    clock.set(datetime(2027, 11, 1, 8, 0, tzinfo=UTC))
    assert tick(app).claimed == 1
    assert len(push.delivered()) == 2


def test_in_english_and_in_the_learners_own_time_zone(app, catalog, push, clock):
    client = app.test_client()
    sign_up(client, email="kim@example.nl", locale="en")
    response = client.patch("/api/v1/me", json={"time_zone": "America/Curacao"})  # UTC-4
    assert response.status_code == 200, response.get_json()
    client.put("/api/v1/notifications/settings", json={"module_lead_days": [1]})
    subscribe(client, push)
    enrol(app, email="kim@example.nl", start=START)
    clock.set(datetime(2027, 3, 29, 12, 59, tzinfo=UTC))
    assert tick(app).claimed == 0
    clock.set(datetime(2027, 3, 29, 13, 0, tzinfo=UTC))
    assert tick(app).claimed == 1
    [message] = push.delivered()
    assert message.payload["title"] == "Your module starts tomorrow"
    assert message.payload["body"] == ("Working safely starts on Tuesday, March 30, 2027 "
                                       "at 18:30, Bouwlaan 12.")


def test_lead_times_are_the_learners_choice(app, client, learner, catalog, push, clock):
    client.put("/api/v1/notifications/settings", json={"module_lead_days": [3]})
    subscribe(client, push)
    enrol(app, start=START)
    clock.set(datetime(2027, 3, 23, 8, 0, tzinfo=UTC))
    assert tick(app).claimed == 0
    clock.set(local(2027, 3, 27))
    assert tick(app).claimed == 1
    [message] = push.delivered()
    assert message.payload["title"] == "Je module begint over 3 dagen"
    assert int(message.headers["ttl"]) > 23 * 3600


def test_quiet_hours_move_the_reminder_to_their_end(app, client, learner, catalog, push, clock):
    client.put("/api/v1/notifications/settings",
               json={"quiet_hours": {"start": "07:30", "end": "10:15"}})
    enrol(app, start=START)
    clock.set(local(2027, 3, 29, 10, 14))
    assert tick(app).claimed == 0
    clock.set(local(2027, 3, 29, 10, 15))
    assert tick(app).claimed == 1


def test_a_late_tick_waits_for_the_end_of_quiet_hours(app, client, learner, catalog, clock):
    enrol(app, start=START)
    # The server was down on the morning of the 7-day reminder and came back at 21:30.
    clock.set(local(2027, 3, 23, 21, 30))
    assert tick(app).claimed == 0
    clock.set(local(2027, 3, 24, 7, 59))
    assert tick(app).claimed == 0
    clock.set(local(2027, 3, 24, 8, 0))
    assert tick(app).claimed == 1
    assert client.get("/api/v1/notifications").get_json()["items"][0]["title"] == \
        "Je module begint over 6 dagen"


def test_enrolled_late_gets_only_the_reminders_still_ahead(app, client, learner, catalog, clock):
    enrol(app, start=START, enrolled_at=datetime(2027, 3, 25, 12, 0, tzinfo=UTC))
    clock.set(datetime(2027, 3, 25, 12, 1, tzinfo=UTC))
    assert tick(app).claimed == 0, "no 7-day reminder five days before"
    clock.set(datetime(2027, 3, 29, 7, 0, tzinfo=UTC))
    assert tick(app).claimed == 1
    with app.app_context():
        assert db.session.scalars(db.select(Reminder.lead_days)).all() == [1]


def test_a_cancelled_enrolment_is_not_reminded(app, client, learner, catalog, clock):
    enrolment_id = enrol(app, start=START)
    with app.app_context():
        db.session.get(Enrolment, enrolment_id).status = "cancelled"
        db.session.commit()
    clock.set(datetime(2027, 3, 29, 7, 0, tzinfo=UTC))
    assert tick(app).claimed == 0


def test_without_a_device_the_inbox_still_has_it(app, client, learner, catalog, clock):
    enrol(app, start=START)
    clock.set(datetime(2027, 3, 29, 7, 0, tzinfo=UTC))
    assert tick(app) == TickResult(1, 0)
    assert count(app, Delivery) == 0
    inbox = client.get("/api/v1/notifications?unread=true").get_json()
    assert inbox["unread"] == 1
    note = inbox["items"][0]
    assert note["read"] is False
    assert note["kind"] == "module_start"
    read = client.post(f"/api/v1/notifications/{note['id']}/read").get_json()
    assert read["read"] is True
    assert read["read_at"]
    assert client.get("/api/v1/notifications?unread=true").get_json() == {"unread": 0,
                                                                         "items": []}
    assert len(client.get("/api/v1/notifications").get_json()["items"]) == 1


def test_every_device_gets_it(app, client, learner, catalog, push, clock):
    subscribe(client, push, "phone")
    subscribe(client, push, "laptop")
    enrol(app, start=START)
    clock.set(datetime(2027, 3, 29, 7, 0, tzinfo=UTC))
    assert tick(app) == TickResult(1, 2)
    assert {m.name for m in push.delivered()} == {"phone", "laptop"}
    assert count(app, Notification) == 1


def claimed_voucher(app, client, staff, valid_until: datetime) -> int:
    issued = issue(staff).get_json()["vouchers"]
    code = next(v["code"] for v in issued if v["email"] == "sanne@example.nl")
    voucher = client.post("/api/v1/vouchers/claim", json={"code": code}).get_json()
    with app.app_context():
        db.session.get(Voucher, voucher["id"]).valid_until = valid_until
        db.session.commit()
    return voucher["id"]


# The end of Thursday 1 July 2027 in Amsterdam (CEST), as stored.
VALID_UNTIL = datetime(2027, 7, 1, 22, 0, tzinfo=UTC)


def test_voucher_expiry_90_30_and_7_days_before(app, client, learner, staff, push, clock):
    subscribe(client, push)
    claimed_voucher(app, client, staff, VALID_UNTIL)
    titles = []
    for day in (date(2027, 4, 2), date(2027, 6, 1), date(2027, 6, 24)):
        clock.set(local(day.year, day.month, day.day, 8, 59))
        assert tick(app).claimed == 0
        clock.set(local(day.year, day.month, day.day, 9, 0))
        assert tick(app).claimed == 1
        titles.append(push.delivered()[-1].payload["title"])
    assert titles == ["Je voucher verloopt over 90 dagen", "Je voucher verloopt over 30 dagen",
                      "Je voucher verloopt over 7 dagen"]
    message = push.delivered()[-1]
    assert message.payload["body"] == ("Je voucher voor Timmerman (Techniek College Rijnmond) "
                                       "is geldig tot 1 juli 2027. Kies op tijd een module.")
    assert message.payload["url"] == "/vouchers"
    assert [m.headers["urgency"] for m in push.delivered()] == ["low", "low", "normal"]
    assert [int(m.headers["ttl"]) // 3600 for m in push.delivered()] == [167, 167, 47]


def test_a_redeemed_voucher_is_not_reminded(app, client, learner, staff, clock):
    voucher_id = claimed_voucher(app, client, staff, VALID_UNTIL)
    with app.app_context():
        db.session.get(Voucher, voucher_id).redeemed_at = datetime(2027, 1, 1, tzinfo=UTC)
        db.session.commit()
    clock.set(local(2027, 6, 24))
    assert tick(app).claimed == 0


def test_a_voucher_claimed_after_its_last_reminder_moment_is_reminded_once(
        app, client, learner, staff, push, clock):
    subscribe(client, push)
    voucher_id = claimed_voucher(app, client, staff, VALID_UNTIL)
    claimed = clock.set(local(2027, 6, 25, 12, 0))  # after the 7-day moment, 24 June 09:00
    with app.app_context():
        db.session.get(Voucher, voucher_id).claimed_at = claimed
        db.session.commit()
    assert tick(app) == TickResult(1, 1)
    assert push.delivered()[-1].payload["title"] == "Je voucher verloopt over 6 dagen"
    for later in (dict(minutes=1), dict(hours=3), dict(days=3)):
        clock.advance(**later)
        assert tick(app).claimed == 0
    assert len(push.delivered()) == 1
    assert count(app, Notification) == 1
    with app.app_context():
        assert db.session.scalars(db.select(Reminder.lead_days)).all() == [7]
