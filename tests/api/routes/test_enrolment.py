import logging
import threading

import icalendar
import pytest
import requests
from werkzeug.serving import make_server

from eigendossier.catalog.models import Run
from eigendossier.catalog.service import import_catalog
from eigendossier.core.extensions import db
from tests.api.conftest import CATALOG
from tests.api.routes.test_planning import carpentry
from tests.conftest import make_app
from tests.support import assert_problem, serve_in_thread, set_seats_taken, sign_up

# On SQLite and PostgreSQL: seats taken atomically; one enrolment per run.
pytestmark = pytest.mark.both_databases

EVENING = {"start_date": "2098-12-01"}


def save_route(client, **extra):
    response = client.post("/api/v1/routes", json={
        "qualification_id": carpentry(client), "persona": "bijscholing",
        "preferences": EVENING, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def seats_taken(app, code):
    with app.app_context():
        return db.session.scalar(db.select(Run.seats_taken).filter_by(code=code))


def test_save_list_and_delete_a_route(client, learner, catalog):
    route = save_route(client)
    assert route["finish_date"] == "2099-04-11"
    assert [c["run"]["code"] for c in route["plan"]["choices"]] == ["R-EVE", "R-WKD"]
    assert [r["id"] for r in client.get("/api/v1/routes").get_json()] == [route["id"]]
    assert client.get(f"/api/v1/routes/{route['id']}").get_json()["persona"] == "bijscholing"
    assert client.delete(f"/api/v1/routes/{route['id']}").status_code == 204
    assert client.get("/api/v1/routes").get_json() == []


def test_enrol_in_every_run_of_a_route_at_once(app, client, learner, catalog):
    route = save_route(client)
    response = client.post(f"/api/v1/routes/{route['id']}/enrolments")
    assert response.status_code == 201, response.get_json()
    enrolments = response.get_json()
    assert [e["run"]["code"] for e in enrolments] == ["R-EVE", "R-WKD"]
    assert {e["institution"]["slug"] for e in enrolments} == {"tcr"}
    assert seats_taken(app, "R-EVE") == 5
    again = client.post(f"/api/v1/routes/{route['id']}/enrolments")
    assert again.status_code == 201
    assert seats_taken(app, "R-EVE") == 5, "enrolling twice takes no second seat"
    schedule = client.get("/api/v1/schedule").get_json()
    assert schedule["time_zone"] == "Europe/Amsterdam"
    assert [e["block"]["code"] for e in schedule["enrolments"]] == ["TIM-01", "TIM-02"]


def test_a_full_module_books_nothing(app, client, learner, catalog):
    route = save_route(client)
    with app.app_context():
        set_seats_taken("R-WKD", 8)
        db.session.commit()
    body = assert_problem(client.post(f"/api/v1/routes/{route['id']}/enrolments"), 409,
                          "run-full")
    assert body["title"] == "Een module is vol"
    assert seats_taken(app, "R-EVE") == 4, "the first seat was given back"
    assert client.get("/api/v1/enrolments").get_json() == []


def test_cancel_gives_the_seat_back(app, client, learner, catalog):
    route = save_route(client)
    first = client.post(f"/api/v1/routes/{route['id']}/enrolments").get_json()[0]
    cancelled = client.delete(f"/api/v1/enrolments/{first['id']}")
    assert cancelled.get_json()["status"] == "cancelled"
    assert seats_taken(app, "R-EVE") == 4
    client.delete(f"/api/v1/enrolments/{first['id']}")
    assert seats_taken(app, "R-EVE") == 4, "cancelling twice gives back one seat"
    assert len(client.get("/api/v1/schedule").get_json()["enrolments"]) == 1


def test_another_learner_gets_404_on_every_route_endpoint(app, client, learner, catalog):
    route = save_route(client)
    enrolment = client.post(f"/api/v1/routes/{route['id']}/enrolments").get_json()[0]
    other = app.test_client()
    sign_up(other, email="other@example.nl")
    assert_problem(other.get(f"/api/v1/routes/{route['id']}"), 404)
    assert_problem(other.delete(f"/api/v1/routes/{route['id']}"), 404)
    assert_problem(other.post(f"/api/v1/routes/{route['id']}/enrolments"), 404)
    assert_problem(other.get(f"/api/v1/enrolments/{enrolment['id']}"), 404)
    assert_problem(other.delete(f"/api/v1/enrolments/{enrolment['id']}"), 404)
    assert other.get("/api/v1/routes").get_json() == []
    assert other.get("/api/v1/enrolments").get_json() == []
    assert other.get("/api/v1/schedule").get_json()["enrolments"] == []
    assert seats_taken(app, "R-EVE") == 5


def test_anonymous_gets_401_on_every_route_endpoint(app, catalog):
    anonymous = app.test_client()
    for method, path in [("get", "/api/v1/routes"), ("post", "/api/v1/routes"),
                         ("get", "/api/v1/routes/1"), ("post", "/api/v1/routes/1/enrolments"),
                         ("get", "/api/v1/enrolments"), ("delete", "/api/v1/enrolments/1"),
                         ("get", "/api/v1/schedule"), ("post", "/api/v1/schedule/feed")]:
        assert_problem(getattr(anonymous, method)(path, json={}), 401)


def test_calendar_feed_at_a_secret_revocable_address(client, learner, catalog):
    route = save_route(client)
    enrolments = client.post(f"/api/v1/routes/{route['id']}/enrolments").get_json()
    assert enrolments[0]["qualification_id"] == carpentry(client)
    assert client.get("/api/v1/schedule/feed").get_json() == {"active": False,
                                                               "created_at": None}
    url = client.post("/api/v1/schedule/feed").get_json()["url"]
    assert client.get("/api/v1/schedule/feed").get_json()["active"] is True
    path = url.removeprefix("http://localhost")
    response = client.get(path)
    assert response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    evening = events["Veilig werken"]
    start = evening.decoded("dtstart")
    assert (start.isoformat(), str(start.tzinfo)) == ("2099-01-06T18:30:00+01:00",
                                                      "Europe/Amsterdam")
    assert evening["rrule"]["BYDAY"] == ["TU", "TH"]
    assert str(evening["location"]) == "Bouwlaan 12"
    assert calendar.walk("VTIMEZONE"), "the zone travels with the feed"

    newer = client.post("/api/v1/schedule/feed").get_json()["url"]
    assert_problem(client.get(path), 404)
    client.delete("/api/v1/schedule/feed")
    assert_problem(client.get(newer.removeprefix("http://localhost")), 404)
    assert client.get("/api/v1/schedule/feed").get_json()["active"] is False


@pytest.fixture
def live_server(app):
    """The app served over HTTP by werkzeug, a thread per request, on a free local port."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = serve_in_thread(server, "enrolment-server")
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


def enrol_ten_times_at_once(client, route_id, base_url):
    """The learner taps "enrol" and the PWA (or a flaky network) sends it ten times at once,
    each over its own connection to the real server; returns (status, body) of each."""
    cookies = {c.key: c.value for c in client._cookies.values()}
    barrier, answers = threading.Barrier(10), []

    def enrol():
        with requests.Session() as browser:
            barrier.wait()
            response = browser.post(f"{base_url}/api/v1/routes/{route_id}/enrolments",
                                    cookies=cookies, timeout=30,
                                    headers={"X-CSRF-Token": cookies["csrf_token"]})
            answers.append((response.status_code, response.json()))

    threads = [threading.Thread(target=enrol) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def assert_enrolled_once(app, client, answers):
    """No 500: the enrolment itself, or a conflict; one enrolment and one seat per run."""
    statuses = sorted(status for status, _ in answers)
    assert statuses.count(201) >= 1, answers
    assert set(statuses) <= {201, 409}, answers
    enrolled = client.get("/api/v1/enrolments").get_json()
    assert [(e["run"]["code"], e["status"]) for e in enrolled] == [("R-EVE", "enrolled"),
                                                                  ("R-WKD", "enrolled")]
    for status, body in answers:
        if status == 201:
            assert [e["id"] for e in body] == [e["id"] for e in enrolled], "the same answer"
    assert (seats_taken(app, "R-EVE"), seats_taken(app, "R-WKD")) == (5, 1)


def test_ten_double_submits_of_one_enrolment_never_fail(app, client, learner, catalog,
                                                        live_server):
    route = save_route(client)
    assert_enrolled_once(app, client, enrol_ten_times_at_once(client, route["id"], live_server))


def test_ten_double_submits_after_cancelling_take_one_seat(app, client, learner, catalog,
                                                           live_server):
    route = save_route(client)
    for enrolment in client.post(f"/api/v1/routes/{route['id']}/enrolments").get_json():
        client.delete(f"/api/v1/enrolments/{enrolment['id']}")
    assert (seats_taken(app, "R-EVE"), seats_taken(app, "R-WKD")) == (4, 0)
    assert_enrolled_once(app, client, enrol_ten_times_at_once(client, route["id"], live_server))


@pytest.fixture
def postgres_app(postgres_database, tmp_path):
    app = make_app(postgres_database, tmp_path)
    with app.app_context():
        import_catalog(CATALOG)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgres
def test_concurrent_enrolment_never_overbooks(postgres_app):
    """Ten learners enrol at once in a run with three seats left: three get in (row locks)."""
    app = postgres_app
    with app.app_context():
        set_seats_taken("R-EVE", 13)
        db.session.commit()
    clients = []
    for i in range(10):
        client = app.test_client()
        sign_up(client, email=f"learner{i}@example.nl")
        clients.append((client, save_route(client)["id"]))
    barrier, statuses = threading.Barrier(len(clients)), []

    def enrol(client, route_id):
        barrier.wait()
        statuses.append(client.post(f"/api/v1/routes/{route_id}/enrolments").status_code)

    threads = [threading.Thread(target=enrol, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 201, 201] + [409] * 7
    assert seats_taken(app, "R-EVE") == 16
    assert seats_taken(app, "R-WKD") == 3
