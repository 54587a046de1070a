"""Planning reads the catalogue in a fixed number of statements: a carousel of thousands of
runs used to cost a query per block and an ORM object per run, several times the planning."""
import pytest

from eigendossier.catalog.service import import_catalog
from tests.support import sql_statements

pytestmark = pytest.mark.both_databases


def carousel(crebo: str, blocks: int) -> str:
    """A qualification of `blocks` blocks in a chain, each offered six times in 2099."""
    rows = []
    for i in range(blocks):
        after = f"\n        prerequisites: [W{crebo}-{i - 1}]" if i else ""
        runs = "\n".join(
            f"          - {{code: R{crebo}-{i}-{m}, start: '2099-{m:02d}-01', "
            f"end: '2099-{m:02d}-20', time_of_day: evening, location_kind: school, "
            f"learning_form: physical, seats_total: 10}}"
            for m in range(1, 7)
        )
        rows.append(f"""      - code: W{crebo}-{i}
        name: {{nl: Blok {i}, en: Block {i}}}
        ec: 3
        hours: 40{after}
        runs:
{runs}""")
    return f"""institutions: [{{slug: tcr, name: Techniek College Rijnmond}}]
qualifications:
  - institution: tcr
    crebo: "{crebo}"
    name: {{nl: Lasser {crebo}, en: Welder {crebo}}}
    level: 2
    blocks:
""" + "\n".join(rows) + "\n"


def qualification_id(client, crebo: str) -> int:
    return next(q["id"] for q in client.get("/api/v1/catalog/qualifications").get_json()
                if q["crebo"] == crebo)


def test_planning_a_longer_carousel_costs_no_more_sql_statements(app, client, learner, catalog):
    with app.app_context():
        import_catalog(carousel("90001", 2))
        import_catalog(carousel("90002", 6))
    counts, plans = [], []
    # The first plan also remembers the persona: that write is not what is measured
    client.post("/api/v1/routes/plan", json={"qualification_id": qualification_id(client, "90001"),
                                             "persona": "bijscholing"})
    for crebo in ("90001", "90002"):
        body = {"qualification_id": qualification_id(client, crebo), "persona": "bijscholing",
                "preferences": {"start_date": "2098-12-01", "max_parallel": 1,
                                "hard": ["time_of_day", "max_parallel"]}}
        seen, response = sql_statements(app, lambda body=body: client.post("/api/v1/routes/plan",
                                                                       json=body))
        assert response.status_code == 200, response.get_json()
        counts.append(len(seen))
        plans.append(response.get_json()["plan"])
    assert counts[0] == counts[1]
    long = plans[1]
    assert [c["run"]["code"] for c in long["choices"]] == [f"R90002-{i}-{i + 1}"
                                                          for i in range(6)]
    assert long["finish"] == "2099-06-20"
    assert long["optimal"] is True


def test_personas_for_a_longer_carousel_cost_no_more_sql_statements(app, client, learner,
                                                               catalog):
    with app.app_context():
        import_catalog(carousel("90001", 2))
        import_catalog(carousel("90002", 6))
    counts = []
    for crebo in ("90001", "90002"):
        path = f"/api/v1/routes/personas?qualification_id={qualification_id(client, crebo)}"
        seen, response = sql_statements(app, lambda path=path: client.get(path))
        assert response.status_code == 200
        counts.append(len(seen))
        # Bijscholing's 8 hours a week fit no group: 40 hours in 20 days is 14 a week
        assert response.get_json()[2]["defaults"]["max_hours_per_week"] == 14
    assert counts[0] == counts[1]
