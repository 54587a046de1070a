"""Voucher codes: a typo is caught by the check symbol, before any lookup."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eigendossier.vouchers.codes import (
    ALPHABET,
    CHECK_SYMBOLS,
    CodeInvalid,
    check_symbol,
    display,
    new_code,
    normalise,
)
from tests.support_examples import examples

data_parts = st.text(alphabet=ALPHABET, min_size=16, max_size=16)


def with_check(data: str) -> str:
    return data + check_symbol(data)


def test_a_new_code_has_80_random_bits_and_reads_back():
    code = new_code()
    assert len(code) == 17
    assert display(code).count("-") == 4
    assert normalise(display(code)) == code
    assert len({new_code() for _ in range(1000)}) == 1000


@given(data_parts)
def test_people_may_type_it_loosely(data):
    code = with_check(data)
    typed = " " + display(code).lower().replace("1", "l").replace("0", "o") + " "
    assert normalise(typed) == code
    assert normalise(code.replace("1", "I")) == code


@settings(max_examples=examples(300))
@given(data_parts, st.integers(0, 16), st.sampled_from(CHECK_SYMBOLS))
def test_every_single_substitution_is_caught(data, position, replacement):
    code = with_check(data)
    if code[position] == replacement or (position < 16 and replacement not in ALPHABET):
        return
    typo = code[:position] + replacement + code[position + 1:]
    with pytest.raises(CodeInvalid):
        normalise(typo)


@settings(max_examples=examples(300))
@given(data_parts, st.integers(0, 15))
def test_every_swap_of_neighbours_is_caught(data, position):
    code = with_check(data)
    if code[position] == code[position + 1]:
        return
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2:]
    with pytest.raises(CodeInvalid):
        normalise(swapped)


def test_exhaustively_for_one_code_every_substitution_and_swap():
    code = new_code()
    for position in range(17):
        for symbol in (ALPHABET if position < 16 else CHECK_SYMBOLS):
            if symbol != code[position]:
                with pytest.raises(CodeInvalid):
                    normalise(code[:position] + symbol + code[position + 1:])
    for position in range(16):
        if code[position] != code[position + 1]:
            with pytest.raises(CodeInvalid):
                normalise(code[:position] + code[position + 1] + code[position]
                          + code[position + 2:])


@pytest.mark.parametrize(("text", "reason"), [("", "length"), ("ABCD-EFGH", "length"),
                                         ("ABCD-EFGH-JKMN-PQRS-TU", "length"),
                                         ("ABCD-EFGH-JKMN-PQR!-T", "character")])
def test_what_is_not_a_code(text, reason):
    with pytest.raises(CodeInvalid) as raised:
        normalise(text)
    assert raised.value.reason == reason


def test_validity_ends_at_the_end_of_the_day_in_amsterdam_across_dst():
    from eigendossier.vouchers.service import valid_until

    def local(moment):
        return moment.astimezone(ZoneInfo("Europe/Amsterdam"))

    winter = valid_until(date(2021, 3, 28))  # 2026-03-28: the day before summer time
    summer = valid_until(date(2021, 3, 29))  # 2026-03-29: the first day of summer time
    assert winter == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert summer == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    assert local(winter).isoformat() == "2026-03-29T00:00:00+01:00"
    assert local(summer).isoformat() == "2026-03-30T00:00:00+02:00"
    autumn = valid_until(date(2021, 10, 24))  # ends 2026-10-25 00:00 CEST
    assert local(autumn).isoformat() == "2026-10-25T00:00:00+02:00"
    assert valid_until(date(2024, 2, 29)) == datetime(2029, 2, 28, 23, 0, tzinfo=UTC)
