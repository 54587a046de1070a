"""The count that refuses a JSON body with too many keys and values before parsing it."""

import json

import pytest

from eigendossier.web.hardening import _surely_more_than


def compact(value) -> str:
    return json.dumps(value, separators=(",", ":"))


@pytest.mark.parametrize("body", [
    compact({f"k{i}": "" for i in range(60)}),  # keys with text values: no number to count
    compact(list(range(102))),  # items of a list: 101 commas
    compact([[]] * 101),  # empty lists
])
def test_a_body_with_more_keys_and_values_than_allowed_is_refused_unparsed(body):
    assert _surely_more_than(body, 100)
    assert not _surely_more_than(body, 1_000)


@pytest.mark.parametrize("body", [
    compact({"note": "a, b: c, [d], {e}" * 50}),  # separators and brackets inside a string
    compact({"note": '\\", ' * 200}),  # escaped quotes do not end the string
    compact(list(range(100))),  # 99 commas: at the limit, not past it
])
def test_what_only_looks_big_is_left_to_the_parser(body):
    assert not _surely_more_than(body, 100)
