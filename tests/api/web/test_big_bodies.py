"""Big JSON bodies cost the server little: a body up to MAX_CONTENT_LENGTH is refused (or
answered) within a bound of CPU time, and a refusal lists at most MAX_FIELD_ERRORS messages
and counts the rest, at every endpoint.

Before, `POST /api/v1/session` with 400,000 unknown keys (4.5 MB) took 12.5 s of CPU and
answered 17 MB: one translated message per key. CPU time is this thread's (the test client
runs the app in it): wall time on a shared machine measures the neighbours. Bounds are in
units of what Python's own json.loads spends on 400,000 keys on the machine at hand: CPU
time too depends on the machine and on what shares its cores (one 4 MB refusal took 0.27 s
alone and 1.06 s beside the other test process on a machine where the unit is 0.43 s)."""
import functools
import json
import time

import pytest
from sqlalchemy import func, select

from eigendossier.core.errors import MAX_FIELD_ERRORS
from eigendossier.core.extensions import db
from tests.support import assert_problem

# A refused body is refused by the parse or the schema, before any statement: the same work
# on either database. The unknown-keys test (an endpoint of each domain, row counts compared)
# runs on PostgreSQL too, so nothing written for a refused body is checked there as well.

# Well above what a refusal costs now (1-1.4 units, 2.5-4 beside a busy neighbour), far
# below what these bodies cost before (30 units and more).
MAX_CPU_UNITS = 5
MAX_ANSWER_BYTES = 20_000
BODY_CAP = 5 * 1024 * 1024

SETTINGS = {"RATELIMIT_ENABLED": False}


@pytest.fixture
def app_settings():
    return SETTINGS


@pytest.fixture(scope="module")
def cpu_unit() -> float:
    """CPU seconds json.loads takes for 400,000 keys here (the better of two)."""
    body, best = hostile_body("400k-unknown-keys"), float("inf")
    for _ in range(2):
        started = time.thread_time()
        json.loads(body)
        best = min(best, time.thread_time() - started)
    return best


@pytest.fixture
def signed_in(client, learner):
    """The learner's client (signed in)."""
    return client


def client_of(request, app, who: str):
    if who == "anonymous":
        return app.test_client()
    return request.getfixturevalue({"learner": "signed_in", "staff": "staff"}[who])


def unknown_keys(count: int, inside: str | None = None) -> bytes:
    """An object of `count` keys the endpoint does not know (under `inside` if given)."""
    wide = {f"k{i:05x}": 1 for i in range(count)}
    return compact({inside: wide} if inside else wide)


def compact(value) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def deep(levels: int) -> bytes:
    return b'{"email": ' + b"[" * levels + b"]" * levels + b"}"


def long_list(field: str, count: int, inside: str | None = None) -> bytes:
    items = {field: ["morning"] * count}
    return compact({inside: items} if inside else items)


def assert_cheap(cpu: float, units: float, unit: float, what: str) -> None:
    assert cpu < units * unit, f"{what}: {cpu:.2f} s CPU, {cpu / unit:.1f} units of {unit:.2f} s"


def measured(client, method: str, path: str, body: bytes, unit: float):
    assert len(body) <= BODY_CAP
    started = time.thread_time()
    response = client.open(path, method=method, data=body, content_type="application/json")
    cpu = time.thread_time() - started
    assert_cheap(cpu, MAX_CPU_UNITS, unit, f"{method} {path} with {len(body)} bytes")
    assert len(response.get_data()) < MAX_ANSWER_BYTES, len(response.get_data())
    return response


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        return {table.name: db.session.scalar(select(func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


# Each body is made when a test first needs it, not when the module is collected (by every
# test process, whether or not it runs these tests).
HOSTILE = {
    # Over JSON_MAX_VALUES keys and values: refused by the strict parse, before any schema.
    "400k-unknown-keys": (lambda: unknown_keys(400_000), 400, "json-refused"),
    # Text values call none of the parser's hooks: only the colons counted first stop it.
    "400k-keys-text-values": (
        lambda: compact({f"k{i:05x}": "" for i in range(400_000)}), 400, "json-refused"),
    "deeply-nested": (lambda: deep(2_000_000), 400, "json-refused"),
    "400k-item-list": (lambda: long_list("email", 400_000), 400, "json-refused"),
    # Making a million and a half lists costs the parser and the garbage collector ~1 s.
    "1.5m-empty-lists": (lambda: compact({"email": [[]] * 1_500_000}), 400, "json-refused"),
}


@functools.cache
def hostile_body(name: str) -> bytes:
    return HOSTILE[name][0]()


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize(("who", "method", "path"), [
    ("anonymous", "POST", "/api/v1/session"),
    ("anonymous", "POST", "/api/v1/accounts"),
    ("learner", "POST", "/api/v1/routes/plan"),
    ("learner", "POST", "/api/v1/dossier/credentials"),
    ("staff", "POST", "/api/v1/issuing/tcr/awards"),
    ("staff", "PUT", "/api/v1/catalog"),
])
def test_a_body_too_big_to_walk_is_refused_cheaply(request, app, cpu_unit, who, method, path,
                                                   name):
    client = client_of(request, app, who)
    _, status, slug = HOSTILE[name]
    body = hostile_body(name)
    before = row_counts(app)
    assert_problem(measured(client, method, path, body, cpu_unit), status, slug)
    assert row_counts(app) == before


@pytest.mark.both_databases
@pytest.mark.parametrize(("who", "method", "path", "inside"), [
    ("anonymous", "POST", "/api/v1/session", None),
    ("anonymous", "POST", "/api/v1/accounts", None),
    ("learner", "POST", "/api/v1/routes/plan", "preferences"),
    ("learner", "POST", "/api/v1/dossier/credentials", None),
    ("learner", "POST", "/api/v1/dossier/experience", None),
    ("staff", "POST", "/api/v1/issuing/tcr/awards", None),
])
def test_unknown_keys_are_refused_before_per_key_work(request, app, cpu_unit, who, method, path,
                                                      inside):
    """45,000 unknown keys (under JSON_MAX_VALUES): a 422 naming the first 50 and counting
    the rest, without marshmallow's work (and translation) for each key."""
    client = client_of(request, app, who)
    before = row_counts(app)
    body = assert_problem(measured(client, method, path, unknown_keys(45_000, inside), cpu_unit),
                          422, "validation")
    listed = sum(len(messages) for messages in body["errors"].values())
    assert listed == MAX_FIELD_ERRORS
    assert listed + body["more_errors"] == 45_000
    prefix = f"{inside}." if inside else ""
    assert body["errors"][f"{prefix}k00000"] == ["Dit veld wordt niet verwacht."]
    assert row_counts(app) == before


def test_a_long_list_is_refused_before_its_items_are_checked(signed_in, cpu_unit):
    body = assert_problem(measured(signed_in, "POST", "/api/v1/routes/plan",
                                   long_list("times_of_day", 45_000, "preferences"), cpu_unit),
                          422, "validation")
    assert body["errors"] == {"preferences.times_of_day": ["Hooguit 100 onderdelen."]}


def test_separators_inside_strings_do_not_count_as_values(signed_in):
    """200,000 commas and colons in one text are one value, not 200,000: the body reaches
    the view (which answers that the field is unknown) instead of being refused as too big."""
    body = compact({"nonsense": "a, b: " * 100_000})
    response = signed_in.open("/api/v1/me", method="PATCH", data=body,
                              content_type="application/json")
    problem = assert_problem(response, 422, "validation")
    assert problem["errors"] == {"nonsense": ["Dit veld wordt niet verwacht."]}


def test_a_small_unknown_key_is_still_named(client):
    """The ordinary case is unchanged: one unknown key, one message, no count."""
    response = client.post("/api/v1/session", json={"email": "a@b.nl", "password": "x",
                                                    "admin": True})
    body = assert_problem(response, 422, "validation")
    assert body["errors"] == {"admin": ["Dit veld wordt niet verwacht."]}
    assert "more_errors" not in body


def test_every_api_blueprint_checks_the_shape_first(app):
    """The bound holds for every endpoint because every API blueprint parses with the
    shape-checking parser."""
    import flask_smorest

    from eigendossier.core.arguments import Blueprint

    api_blueprints = [bp for bp in app.blueprints.values()
                      if isinstance(bp, flask_smorest.Blueprint)]
    assert len(api_blueprints) >= 10
    assert all(isinstance(bp, Blueprint) for bp in api_blueprints), api_blueprints


def test_a_catalogue_of_many_wrong_items_lists_a_few(staff, cpu_unit):
    """The catalogue is read with line numbers (slower than JSON alone), so its bound is
    looser; before, 90,000 wrong items took 6.6 s of CPU and made 90,000 problems."""
    document = compact({"institutions": [1] * 90_000})
    started = time.thread_time()
    response = staff.put("/api/v1/catalog", data=document, content_type="application/json")
    cpu = time.thread_time() - started
    body = assert_problem(response, 422, "catalog-invalid")
    assert sum(len(messages) for messages in body["errors"].values()) == MAX_FIELD_ERRORS
    assert body["more_errors"] > 0
    assert_cheap(cpu, 4 * MAX_CPU_UNITS, cpu_unit, "90,000 wrong items")


def test_a_catalogue_too_large_to_read_is_refused_before_it_is_composed(staff, cpu_unit):
    """4.4 MB of YAML with 190,000 institutions: refused for its number of values, after
    counting the parser's events (before: after composing and constructing it all, 13 s)."""
    document = ("institutions:\n" + "  - {slug: x, name: y}\n" * 190_000).encode()
    started = time.thread_time()
    response = staff.put("/api/v1/catalog", data=document, content_type="application/yaml")
    cpu = time.thread_time() - started
    assert_problem(response, 422, "catalog-invalid")
    assert_cheap(cpu, 2 * MAX_CPU_UNITS, cpu_unit, "190,000 institutions of YAML")
