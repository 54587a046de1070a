import pytest

from tests.support import assert_problem

# On SQLite and PostgreSQL: lead times as JSON.
pytestmark = pytest.mark.both_databases


def test_defaults(client, learner):
    assert client.get("/api/v1/notifications/settings").get_json() == {
        "module_lead_days": [7, 1],
        "voucher_lead_days": [90, 30, 7],
        "quiet_hours": {"start": "21:00", "end": "08:00"},
        "time_zone": "Europe/Amsterdam",
    }


def test_change_lead_times_and_quiet_hours(client, learner):
    response = client.put("/api/v1/notifications/settings",
                          json={"module_lead_days": [1, 14, 3]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["module_lead_days"] == [14, 3, 1]
    assert response.get_json()["voucher_lead_days"] == [90, 30, 7], "left as it was"
    response = client.put("/api/v1/notifications/settings", json={
        "voucher_lead_days": [], "quiet_hours": {"start": "22:30", "end": "07:00"}})
    settings = client.get("/api/v1/notifications/settings").get_json()
    assert settings["voucher_lead_days"] == []
    assert settings["quiet_hours"] == {"start": "22:30", "end": "07:00"}
    assert settings["module_lead_days"] == [14, 3, 1]


def test_settings_are_checked(client, learner):
    for body, field in [({"module_lead_days": [61]}, "module_lead_days.0"),
                        ({"voucher_lead_days": [0]}, "voucher_lead_days.0"),
                        ({"module_lead_days": [7, 7]}, "module_lead_days"),
                        ({"module_lead_days": [1, 2, 3, 4, 5, 6]}, "module_lead_days"),
                        ({"quiet_hours": {"start": "25:00", "end": "08:00"}}, "quiet_hours.start"),
                        ({"quiet_hours": {"start": "21:00"}}, "quiet_hours.end")]:
        body = assert_problem(client.put("/api/v1/notifications/settings", json=body), 422)
        assert field in body["errors"], body
    body = assert_problem(client.put("/api/v1/notifications/settings",
                                     json={"quiet_hours": {"start": "7:00", "end": "08:00"}}), 422)
    assert body["errors"]["quiet_hours.start"] == ["Gebruik UU:MM."]
    body = assert_problem(client.put("/api/v1/notifications/settings",
                                     json={"voucher_lead_days": [30, 30]}), 422)
    assert body["errors"]["voucher_lead_days"] == ["Elk aantal dagen maar één keer."]
    assert client.get("/api/v1/notifications/settings").get_json()["module_lead_days"] == [7, 1]
