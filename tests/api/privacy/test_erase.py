"""Erase my account: everything personal goes in one confirmed step; institutions keep only
their own records, unlinked. Checked generically: after the erase, no row of any table
refers to the learner by id, email address or name."""
import json

import pytest

from eigendossier.accounts.models import Account, OidcIdentity
from eigendossier.catalog.models import Run
from eigendossier.core.erase import account_references, check_foreign_keys
from eigendossier.core.extensions import db
from eigendossier.core.timeutil import utcnow
from eigendossier.notifications.models import (
    Delivery,
    Notification,
    NotificationSettings,
    PushAttempt,
    PushSubscription,
    Reminder,
)
from eigendossier.routes.models import Enrolment
from eigendossier.vouchers.models import IdempotentResponse, Voucher
from tests.api.privacy.conftest import (
    PRIVACY,
    add_credentials,
    add_experience,
    export,
    push_subscription,
)
from tests.api.routes.test_planning import carpentry
from tests.api.routes.test_recognition import block_id
from tests.api.sharing.conftest import BROWSER, path_of
from tests.api.vouchers.conftest import issue
from tests.support import PASSWORD, assert_problem, sign_up

# On SQLite and PostgreSQL: cascades and SET NULL: the erase walks every table.
pytestmark = pytest.mark.both_databases

EMAIL = "sanne@example.nl"
NAME = "Sanne Wisse-Testpersoon"
# Tables that must hold a row of Sanne's before the erase, so the check after means something.
EVERY_DOMAIN = {"account", "credential", "experience_item", "share", "holder_key",
                "learning_route", "enrolment", "schedule_feed", "recognition_request",
                "voucher", "idempotent_response", "push_subscription", "notification_settings",
                "notification", "reminder", "sign_in_session", "oidc_identity", "audit_event"}


def references(app, account_id: int) -> dict[str, int]:
    """Per table, the rows that point at the account (a foreign key to account.id holding its
    id) or hold its email address or name anywhere (text or JSON); columns marked as kept on
    purpose (info["personal"], an institution's record) excepted."""
    found = {}
    with app.app_context():
        keys = {(column.table.name, column.name) for column, _rule in account_references()}
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(table.select()).mappings():
                if any(_refers(table, column, row[column], keys, account_id)
                       for column in table.columns):
                    found[table.name] = found.get(table.name, 0) + 1
    return found


def _refers(table, column, value, keys, account_id) -> bool:
    if value is None or isinstance(value, bytes) or column.info.get("personal"):
        return False
    if (table.name, column.name) in keys or (table.name == "account" and column.name == "id"):
        return value == account_id
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return EMAIL in text.lower() or NAME.lower() in text.lower()


def count(app, model, **filters) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model)
                                 .filter_by(**filters))


def seats(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(db.select(Run.code, Run.seats_taken)).all())


def fill_every_domain(app, client, staff, employer) -> dict:
    """Sanne gets data in every domain, through the API where it has one."""
    credentials = add_credentials(client)
    item = add_experience(client)
    share = client.post("/api/v1/shares", json={
        "credential_ids": [c["id"] for c in credentials], "experience_item_ids": [item["id"]],
        "label": "Sollicitatie"}).get_json()
    assert employer.get(path_of(share), headers=BROWSER).status_code == 200  # a view
    assert export(client).status_code == 200  # makes the holder key
    route = client.post("/api/v1/routes", json={
        "qualification_id": carpentry(client), "persona": "bijscholing",
        "preferences": {"start_date": "2098-12-01"}}).get_json()
    enrolments = client.post(f"/api/v1/routes/{route['id']}/enrolments").get_json()
    assert client.post("/api/v1/schedule/feed").status_code == 201
    vouchers = {v["email"]: v["code"] for v in issue(staff).get_json()["vouchers"]}
    kept = client.post("/api/v1/vouchers/claim", json={"code": vouchers[EMAIL]}).get_json()
    # Yusuf's voucher: issued to another address, so the school confirms Sanne's claim.
    asked_for = client.post("/api/v1/vouchers/claim",
                            json={"code": vouchers["yusuf@example.nl"]}).get_json()
    used = staff.post(f"/api/v1/staff/voucher-claims/{asked_for['id']}/decision",
                      json={"approved": True}).get_json()["voucher"]
    assert client.post("/api/v1/push/subscriptions", json=push_subscription()).status_code == 201
    assert client.put("/api/v1/notifications/settings", json={
        "module_lead_days": [3], "voucher_lead_days": [30],
        "quiet_hours": {"start": "22:00", "end": "07:00"}}).status_code == 200
    asked = client.post("/api/v1/routes/recognition", json={
        "block_id": block_id(app, "TIM-01"), "experience_item_id": item["id"]}).get_json()
    assert staff.post(f"/api/v1/staff/recognition-requests/{asked['id']}/decision",
                      json={"approved": True}).status_code == 200
    with app.app_context():  # what has no API of its own: reminders, a redemption record
        account = db.session.scalar(db.select(Account).filter_by(email=EMAIL))
        subscription = db.session.scalar(db.select(PushSubscription))
        reminder = Reminder(account_id=account.id, subject_type="enrolment",
                            subject_id=enrolments[0]["id"], kind="module_start", lead_days=3,
                            due_at=utcnow())
        db.session.add(reminder)
        db.session.flush()
        note = Notification(account_id=account.id, reminder_id=reminder.id, kind="module_start",
                            title=f"Hoi {NAME}", body="Je module begint", url="/rooster")
        db.session.add(note)
        db.session.flush()
        delivery = Delivery(notification_id=note.id, subscription_id=subscription.id,
                            ttl_seconds=60, urgency="normal", topic="t")
        db.session.add(delivery)
        db.session.flush()
        db.session.add(PushAttempt(delivery_id=delivery.id, number=1, status=201,
                                   origin="https://push.example.net", duration_ms=5))
        db.session.add(OidcIdentity(account_id=account.id, provider="eduid", subject="abc"))
        db.session.execute(db.update(Voucher).where(Voucher.id == used["id"]).values(
            redeemed_at=utcnow(), enrolment_id=enrolments[1]["id"]))
        db.session.add(IdempotentResponse(account_id=account.id, key="k", status=201,
                                          request_fingerprint="f", body={"ok": True}))
        db.session.commit()
        account_id = account.id
    return {"account_id": account_id, "share": share, "kept": kept["id"], "used": used["id"],
            "code": vouchers[EMAIL]}


def test_after_erase_no_row_in_any_table_refers_to_the_learner(app, client, staff):
    employer = app.test_client()
    sign_up(client, email=EMAIL, display_name=NAME, verified=True)
    seats_before = seats(app)
    sanne = fill_every_domain(app, client, staff, employer)
    before = references(app, sanne["account_id"])
    assert set(before) >= EVERY_DOMAIN, EVERY_DOMAIN - set(before)
    assert seats(app)["R-EVE"] == seats_before["R-EVE"] + 1

    response = client.post(f"{PRIVACY}/erase", json={"confirm": "  Sanne@Example.nl ",
                                                    "password": PASSWORD})
    assert response.status_code == 204
    assert "ed_session=;" in response.headers["Set-Cookie"]

    assert references(app, sanne["account_id"]) == {}
    for model in (Delivery, PushAttempt, Notification, Reminder, NotificationSettings,
                  Enrolment, IdempotentResponse):
        assert count(app, model) == 0, model.__name__
    # nothing of hers is reachable any more
    assert_problem(client.get("/api/v1/me"), 401)
    assert_problem(client.post("/api/v1/session", json={"email": EMAIL, "password": PASSWORD}),
                   401)
    assert employer.get(path_of(sanne["share"]), headers=BROWSER).status_code == 404
    # the seats are given back; the institution's records stay, unlinked
    assert seats(app) == seats_before
    with app.app_context():
        kept = db.session.get(Voucher, sanne["kept"])
        used = db.session.get(Voucher, sanne["used"])
        assert (kept.claimed_by_id, kept.claimed_at, kept.redeemed_at) == (None, None, None)
        assert kept.graduate_email == EMAIL, "the school's own record of whom it issued it to"
        assert used.redeemed_at is not None
        assert used.claimed_at is not None
        assert (used.claimed_by_id, used.enrolment_id) == (None, None)
    assert staff.get("/api/v1/staff/recognition-requests").get_json() == []
    # the graduate can claim the voucher again in a new account: the code stays valid
    sign_up(client, email=EMAIL, verified=True)
    again = client.post("/api/v1/vouchers/claim", json={"code": sanne["code"]})
    assert again.status_code == 200
    assert again.get_json()["id"] == sanne["kept"]


def test_erase_needs_the_email_address_and_password(app, client, learner):
    add_credentials(client)
    for body in ({"confirm": "iemand@example.nl", "password": PASSWORD},
                 {"confirm": EMAIL, "password": "wrong password"},
                 {"confirm": EMAIL}):
        problem = assert_problem(client.post(f"{PRIVACY}/erase", json=body), 422,
                                 "erase-not-confirmed")
        assert set(problem["errors"]) <= {"confirm", "password"}
        assert problem["errors"]
    assert_problem(client.post(f"{PRIVACY}/erase", json={}), 422)
    assert len(client.get("/api/v1/dossier/credentials").get_json()) == 3
    assert client.get("/api/v1/me").status_code == 200


def test_an_account_without_password_confirms_with_its_email(app, client, learner):
    with app.app_context():
        db.session.execute(db.update(Account).values(password_hash=None))
        db.session.commit()
    assert_problem(client.post(f"{PRIVACY}/erase", json={"confirm": "x@example.nl"}), 422)
    assert client.post(f"{PRIVACY}/erase", json={"confirm": EMAIL}).status_code == 204
    assert count(app, Account) == 0


def test_every_reference_to_an_account_says_what_erasing_does(app):
    with app.app_context():
        check_foreign_keys()
        rules = {f"{c.table.name}.{c.name}": rule for c, rule in account_references()}
    assert rules["credential.account_id"] == "CASCADE"
    assert rules["voucher.claimed_by_id"] == "SET NULL"
