"""Reading catalogue documents: every problem reported with its line, dates kept as text."""
import json

import pytest

from eigendossier.catalog.document import CatalogInvalid, read_catalog

VALID = """\
institutions:
  - slug: tcr
    name: Techniek College Rijnmond
qualifications:
  - institution: tcr
    crebo: "25655"
    name: {nl: Timmerman, en: Carpenter}
    level: 2
    blocks:
      - code: TIM-01
        name: {nl: Veilig werken, en: Working safely}
        ec: 3
        hours: 84
        runs:
          - code: R1
            start: 2027-01-04
            end: 2027-02-12
            time_of_day: evening
            location_kind: school
            learning_form: physical
            seats_total: 16
      - code: TIM-02
        name: {nl: Maatvoering, en: Measuring}
        ec: 4
        hours: 112
        prerequisites: [TIM-01]
"""


def problems(text):
    with pytest.raises(CatalogInvalid) as raised:
        read_catalog(text)
    return [(p.line, p.path, p.message) for p in raised.value.problems]


def test_a_valid_yaml_document_reads_with_dates_as_text():
    data = read_catalog(VALID)
    run = data["qualifications"][0]["blocks"][0]["runs"][0]
    assert run["start"] == "2027-01-04"


def test_json_is_read_the_same_way():
    import yaml

    as_json = json.dumps(yaml.safe_load(VALID.replace("2027-01-04", "'2027-01-04'")
                                        .replace("2027-02-12", "'2027-02-12'")), indent=2)
    assert read_catalog(as_json) == read_catalog(VALID)


def test_schema_errors_name_their_line():
    found = problems(VALID.replace("time_of_day: evening", "time_of_day: night"))
    assert found == [(18, "/qualifications/0/blocks/0/runs/0/time_of_day",
                      "'night' is not one of ['daytime', 'evening', 'weekend']")]


def test_every_problem_is_reported_at_once():
    text = VALID.replace("level: 2", "level: 9").replace("ec: 4", "ec: -1")
    found = problems(text)
    assert [line for line, _, _ in found] == [8, 24]


def test_rules_beyond_the_schema():
    text = (VALID.replace("end: 2027-02-12", "end: 2026-12-01")
            .replace("prerequisites: [TIM-01]", "prerequisites: [TIM-09]"))
    found = problems(text)
    assert [(line, path) for line, path, _ in found] == [
        (17, "/qualifications/0/blocks/0/runs/0/end"),
        (26, "/qualifications/0/blocks/1/prerequisites/0"),
    ]
    assert "before it starts" in found[0][2]


def test_a_prerequisite_must_come_earlier_in_the_carousel():
    text = VALID.replace("prerequisites: [TIM-01]", "prerequisites: [TIM-02]")
    assert "earlier block" in problems(text)[0][2]


def test_broken_yaml_names_its_line():
    found = problems(VALID.replace("    level: 2", "    level: [2"))
    assert found[0][0] is not None
    assert found[0][2].startswith("not valid YAML or JSON")


def test_an_unknown_institution_is_refused():
    found = problems(VALID.replace("  - institution: tcr", "  - institution: other"))
    assert found == [(5, "/qualifications/0/institution", "unknown institution 'other'")]
