"""Why a block has no usable run, in the words the UI gets."""

import ast
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eigendossier.planner import Block, Preferences, Run
from eigendossier.planner.explain import _ending_before, block_cause
from eigendossier.planner.types import Option

DAY = date(2031, 1, 6)
A = Block("a", "A", 1, 28)


def run(start: int = 7, **fields) -> Run:
    values = {
        "time_of_day": "evening",
        "location_kind": "home",
        "learning_form": "digital",
        "seats_left": 4,
    } | fields
    return Run("r", "a", DAY + timedelta(start), DAY + timedelta(start + 20), **values)


def wishes(**fields) -> Preferences:
    return Preferences(**({"start_date": DAY, "horizon_end": DAY + timedelta(60)} | fields))


@pytest.mark.parametrize(
    ("runs", "prefs", "expected"),
    [
        ([], wishes(), {"code": "no_runs_offered"}),
        ([run(seats_left=0)], wishes(), {"code": "no_seats_left"}),
        (
            [run(start=-3)],
            wishes(),
            {"code": "no_run_after_start_date", "start_date": "2031-01-06"},
        ),
        (
            [run(start=50)],
            wishes(),
            {
                "code": "no_run_within_horizon",
                "horizon_end": "2031-03-07",
                "first_end": "2031-03-17",
            },
        ),
        (
            [run()],
            wishes(learning_forms={"physical"}, hard={"learning_form"}),
            {
                "code": "hard_preference_excludes_all_runs",
                "preference": "learning_form",
                "wanted": ["physical"],
                "offered": ["digital"],
            },
        ),
        (
            [run(), run(time_of_day="daytime", location_kind="school")],
            wishes(times_of_day={"daytime"}, locations={"home"}, hard={"time_of_day", "location"}),
            {
                "code": "hard_preferences_exclude_all_runs",
                "preferences": ["time_of_day", "location"],
            },
        ),
    ],
)
def test_block_cause_names_the_first_filter_that_leaves_nothing(runs, prefs, expected):
    assert block_cause(A, runs, prefs) == {**expected, "block": "A"}


def test_the_planner_imports_neither_flask_nor_a_database():
    package = Path(__file__).parents[3] / "backend" / "eigendossier" / "planner"
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                root = name.split(".")[0]
                assert root in {"__future__", "eigendossier"} or root in STDLIB, (source, name)
                if root == "eigendossier":
                    assert name.startswith("eigendossier.planner"), (source, name)


STDLIB = {
    "bisect",
    "collections",
    "contextlib",
    "dataclasses",
    "datetime",
    "itertools",
    "math",
    "operator",
    "random",
    "sys",
    "typing",
}


@st.composite
def _options_and_window(draw):
    """A block's options sorted by start (as a Problem keeps them), a release (or None) and
    the end of the chosen run, near the options' own days so the edges get hit."""
    spans = draw(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 10)), max_size=12))
    options = sorted(
        (Option(Run(f"r{k}", "a", DAY + timedelta(s), DAY + timedelta(s + d), "evening",
                    "home", "digital", 4), 4.0, 0) for k, (s, d) in enumerate(spans)),
        key=lambda o: o.s,
    )
    base = DAY.toordinal()
    release = draw(st.none() | st.integers(base - 1, base + 41))
    return options, release, draw(st.integers(base - 1, base + 41))


@given(_options_and_window())
def test_earlier_runs_are_those_starting_after_the_prerequisite_and_ending_before(case):
    """The runs a "why not earlier" reason weighs: after the prerequisite's end (strictly:
    a run starting the day it ends overlaps it) and ending before the chosen run does."""
    options, release, end = case
    expected = [o for o in options if o.e < end and (release is None or o.s > release)]
    assert _ending_before(options, release, end) == expected
