import pytest

from eigendossier.credentials import Limits, ParseError, parse_credential
from eigendossier.credentials.limits import json_depth, load_json, strict_loads


def code_of(call) -> str:
    with pytest.raises(ParseError) as caught:
        call()
    return caught.value.code


def test_duplicate_keys_are_refused():
    assert code_of(lambda: load_json('{"a": 1, "a": 2}')) == "parse.json_duplicate_key"


def test_nan_is_refused():
    assert code_of(lambda: load_json('{"a": NaN}')) == "parse.json_invalid"


def test_depth_is_measured_outside_strings():
    assert json_depth('{"a": "[[[[{{{{", "b": [[1]]}') == 3


def test_too_deep_json_is_refused_before_parsing():
    deep = "[" * 65 + "]" * 65
    assert code_of(lambda: load_json(deep)) == "parse.json_too_deep"
    assert load_json("[" * 64 + "]" * 64, Limits(max_json_depth=64))


def test_json_size_limit():
    assert code_of(lambda: load_json("[" + "1," * 100 + "1]", Limits(max_json_bytes=50))) == (
        "parse.too_large"
    )


def test_file_size_limit_applies_before_anything_else():
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    assert code_of(lambda: parse_credential(big, limits=Limits(max_file_bytes=100))) == (
        "parse.too_large"
    )


def test_unknown_input_is_refused_with_a_code():
    assert code_of(lambda: parse_credential(b"hello world")) == "parse.unknown_format"
    assert code_of(lambda: parse_credential(b"\xff\xfe\x00")) == "parse.unknown_format"


def test_not_a_credential():
    assert code_of(lambda: parse_credential('{"name": "x"}')) == "parse.not_a_credential"
    assert code_of(lambda: parse_credential("[1, 2]")) == "parse.unknown_format"


def test_presentations_are_refused_clearly():
    vp = (
        '{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"]}'
    )
    assert code_of(lambda: parse_credential(vp)) == "parse.presentation_unsupported"


def test_the_one_strict_parser_bounds_numbers_by_the_callers_limit():
    """The app's request bodies use the same parser with a database-sized bound."""
    assert strict_loads("[9223372036854775807]", 64, max_int=2**63 - 1) == [2**63 - 1]
    for text in ("[9223372036854775808]", "[1e999]"):
        with pytest.raises(ParseError) as caught:
            strict_loads(text, 64, max_int=2**63 - 1)
        assert caught.value.params["refused"] == "number"
    with pytest.raises(ParseError) as caught:
        strict_loads("[NaN]", 64)
    assert caught.value.params["refused"] == "constant"
    with pytest.raises(ParseError) as caught:
        strict_loads("[1,", 64)
    assert "refused" not in caught.value.params


@pytest.mark.parametrize("max_values", [None, 1000])
def test_the_strict_parser_refuses_alike_with_or_without_a_budget(max_values):
    """Without a budget it reuses a decoder per bound (one bound's never serves another)."""
    for max_int in (2**63 - 1, 10**30, 2**63 - 1):
        assert strict_loads('{"a": [1, 2.5, "x"]}', 8, max_int, max_values) == {
            "a": [1, 2.5, "x"]}
        for text, code in (('{"a": 1, "a": 2}', "parse.json_duplicate_key"),
                           ("[Infinity]", "parse.json_invalid"),
                           ("\ufeff[1]", "parse.json_invalid"),
                           (f"[{10**25}]", None if max_int == 10**30 else "parse.json_invalid")):
            if code is None:
                assert strict_loads(text, 8, max_int, max_values) == [10**25]
                continue
            with pytest.raises(ParseError) as caught:
                strict_loads(text, 8, max_int, max_values)
            assert caught.value.code == code
