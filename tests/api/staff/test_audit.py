"""The institution's audit trail: its staff's actions only, searchable by text and dates,
a page at a time."""
from datetime import UTC, datetime

import pytest

from eigendossier.core.extensions import db
from eigendossier.core.models import AuditEvent
from tests.api.staff.conftest import TCR, ZAO
from tests.support import assert_problem

# Text search reads the JSON details as text: the cast differs per database.
pytestmark = pytest.mark.both_databases


@pytest.fixture
def actions(app, tcr_admin, zao_admin):
    """tcr: three clients made and one revoked, the oldest dated 1 March 2026; zao: one."""
    made = [tcr_admin.post(f"{TCR}/clients").get_json()["client_id"] for _ in range(3)]
    tcr_admin.post(f"{TCR}/clients/{made[0]}/revoke")
    zao_admin.post(f"{ZAO}/clients")
    with app.app_context():
        first = db.session.scalar(db.select(AuditEvent).filter_by(action="client.created")
                                  .order_by(AuditEvent.id))
        first.created_at = datetime(2026, 3, 1, 10, tzinfo=UTC)
        db.session.commit()
    return made


def test_the_trail_lists_own_staff_actions_newest_first(tcr_admin, actions):
    page = tcr_admin.get(f"{TCR}/audit").get_json()
    assert page["total"] == 4
    assert [e["action"] for e in page["events"]] == [
        "client.revoked", "client.created", "client.created", "client.created"]
    assert page["events"][0]["actor"] == "Beheer"
    assert page["events"][0]["details"] == {"client": actions[0]}


def test_search_by_text_dates_and_pages(tcr_admin, actions):
    def found(**query):
        return tcr_admin.get(f"{TCR}/audit", query_string=query).get_json()

    assert found(q="revoked")["total"] == 1
    assert found(q=actions[1])["total"] == 1          # in the details
    assert found(q="beheer@tcr")["total"] == 4       # who did it
    assert found(q="100%")["total"] == 0             # LIKE wildcards are plain text
    assert found(**{"from": "2026-03-01", "to": "2026-03-01"})["total"] == 1
    assert found(**{"to": "2026-02-28"})["total"] == 0
    second = found(per_page=3, page=2)
    assert (second["total"], len(second["events"])) == (4, 1)
    assert second["events"][0]["details"] == {"client": actions[0]}


def test_bad_queries_are_refused(tcr_admin, actions):
    for query in ({"from": "yesterday"}, {"page": 0}, {"per_page": 1000}, {"q": "x" * 101}):
        assert_problem(tcr_admin.get(f"{TCR}/audit", query_string=query), 422, "validation")


def test_another_school_sees_only_its_own_trail(zao_admin, learner, client, actions):
    assert_problem(zao_admin.get(f"{TCR}/audit"), 404)
    own = zao_admin.get(f"{ZAO}/audit").get_json()
    assert [e["action"] for e in own["events"]] == ["client.created"]
    assert_problem(client.get(f"{TCR}/audit"), 403, "staff-only")


def test_staff_actions_recorded_before_the_console_count_by_who_did_them(
        app, learner, staff, tcr_admin, zao_admin):
    """A voucher for a learner (vouchers/ records it without an institution) by tcr's staff
    is on tcr's trail, not on zao's; a staff member's own sign-in is no staff action."""
    batch = staff.post("/api/v1/vouchers/batches", headers={"Content-Type": "text/csv"},
                       data="name,email,graduation_date,qualification\n"
                            "Sanne,sanne@example.nl,2025-07-01,25655\n")
    assert batch.status_code == 201, batch.get_json()
    trail = tcr_admin.get(f"{TCR}/audit").get_json()
    assert [(e["action"], e["actor"]) for e in trail["events"]] == [("voucher.issued", "Pieter")]
    assert zao_admin.get(f"{ZAO}/audit").get_json()["total"] == 0
