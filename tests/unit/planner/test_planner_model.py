"""The input dataclasses refuse what the planner could not mean."""

from datetime import date

import pytest

from eigendossier.planner import Block, Preferences, Run

DAY = date(2031, 1, 6)


def test_a_run_knows_its_pace_given_or_spread_over_its_weeks():
    block = Block("A", "A", 2, 56)
    four_weeks = Run("r", "A", DAY, date(2031, 2, 2), "evening", "home", "digital", 3)
    assert four_weeks.days == 28
    assert four_weeks.pace(block) == 14
    given = Run("r", "A", DAY, date(2031, 2, 2), "evening", "home", "digital", 3, 6.5)
    assert given.pace(block) == 6.5


@pytest.mark.parametrize(
    "fields",
    [
        {"end": date(2031, 1, 5)},
        {"time_of_day": "night"},
        {"location_kind": "moon"},
        {"learning_form": "osmosis"},
        {"hours_per_week": -1.0},
    ],
)
def test_a_run_with_impossible_values_is_refused(fields):
    values = dict(
        id="r",
        block_id="A",
        start=DAY,
        end=DAY,
        time_of_day="daytime",
        location_kind="school",
        learning_form="physical",
        seats_left=1,
    )
    (name,) = fields
    with pytest.raises(ValueError, match=name):  # the message names what is wrong
        Run(**(values | fields))


@pytest.mark.parametrize(
    "fields",
    [
        {"hard": {"colour"}},
        {"times_of_day": {"night"}},
        {"weights": {"time_of_day": 0}},
        {"max_parallel": 0},
        {"max_hours_per_week": 0},
    ],
)
def test_preferences_with_unknown_names_or_empty_limits_are_refused(fields):
    (name,) = fields
    with pytest.raises(ValueError, match=name):  # the message names what is wrong
        Preferences(DAY, date(2032, 1, 1), **fields)


def test_preferences_tell_hard_from_soft_and_only_count_what_is_set():
    prefs = Preferences(
        DAY,
        date(2032, 1, 1),
        times_of_day={"evening"},
        max_parallel=2,
        hard={"max_parallel", "location"},
        weights={"time_of_day": 2},
    )
    assert prefs.is_hard("max_parallel")
    assert not prefs.is_hard("location")
    assert prefs.is_soft("time_of_day")
    assert not prefs.is_soft("learning_form")
    assert prefs.hard_set() == ("max_parallel",)
    assert prefs.weight("time_of_day") == 2
    assert prefs.weight("location") == 1
    assert prefs.softened("max_parallel").hard_set() == ()
    assert hash(prefs) == hash(prefs.softened("nothing"))


def test_blocks_refuse_negative_study_load():
    with pytest.raises(ValueError, match="must not be negative"):
        Block("A", "A", -1, 28)
