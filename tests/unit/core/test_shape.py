"""core.validation.shape_errors: unknown keys and overlong lists found at every level a
schema describes, the first few kept and the rest counted."""
from marshmallow import EXCLUDE, Schema, fields, validate

from eigendossier.core.validation import DEFAULT_MAX_ITEMS, shape_errors


class Period(Schema):
    start = fields.String()


class Lenient(Schema):
    class Meta:
        unknown = EXCLUDE

    name = fields.String()


class Plan(Schema):
    persona = fields.String(data_key="personaKey")
    period = fields.Nested(Period)
    periods = fields.List(fields.Nested(Period))
    days = fields.List(fields.Integer(), validate=validate.Length(max=5))
    tags = fields.List(fields.String())
    lenient = fields.Nested(Lenient)
    created = fields.String(dump_only=True)


def test_keys_are_known_by_their_data_key_and_dump_only_fields_are_unknown():
    found = shape_errors(Plan(), {"personaKey": "x", "persona": "y", "created": "z"}, 50)
    assert set(found.errors) == {"persona", "created"}
    assert not found.refused, "a few unknown keys are left to marshmallow to name"


def test_nested_objects_and_list_items_are_looked_into():
    found = shape_errors(Plan(), {"period": {"start": "a", "x": 1},
                                  "periods": [{"start": "b"}, {"y": 2}]}, 50)
    assert set(found.errors) == {"period.x", "periods.1.y"}


def test_a_schema_that_excludes_unknown_keys_is_respected():
    assert not shape_errors(Plan(), {"lenient": {"name": "a", "other": 1}}, 50).errors


def test_many_unknown_keys_keep_the_first_and_count_the_rest():
    found = shape_errors(Plan(), {f"k{i}": i for i in range(1000)}, 50)
    assert found.refused
    assert list(found.errors)[:2] == ["k0", "k1"]
    assert len(found.errors) == 50
    assert found.more == 950


def test_a_list_longer_than_its_field_takes_is_refused_without_looking_at_items():
    found = shape_errors(Plan(), {"days": list(range(6)),
                                  "tags": ["a"] * (DEFAULT_MAX_ITEMS + 1),
                                  "periods": [{"bad": 1}] * (DEFAULT_MAX_ITEMS + 1)}, 50)
    assert found.refused
    assert set(found.errors) == {"days", "tags", "periods"}
    assert str(found.errors["days"][0]) == "At most 5 items."
