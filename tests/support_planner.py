"""Hypothesis strategies shared by the planner's property tests."""

from datetime import date, timedelta

from hypothesis import strategies as st

from eigendossier.planner import Block, Run

DAY = date(2031, 1, 6)


@st.composite
def carousels(draw, fewest: int = 4, most: int = 8, slots: int = 10, most_slots: int = 6):
    """A few blocks on a four-weekly grid (``slots`` start moments), so different orders
    meet in the same state: per block daytime runs of four weeks (7 hours a week) and
    evening runs of four or eight (7 or 3.5), each block after at most one other."""
    n = draw(st.integers(fewest, most))
    blocks, runs = [], []
    for i in range(n):
        before = {f"b{j}" for j in draw(st.sets(st.integers(0, i - 1), max_size=1))} if i else set()
        blocks.append(Block(f"b{i}", f"B{i}", 1, 28, before))
        chosen = draw(st.sets(st.integers(0, slots - 1), min_size=2, max_size=most_slots))
        for slot in sorted(chosen):
            for variant, weeks in (("daytime", 4), ("evening", draw(st.sampled_from((4, 8))))):
                start = DAY + timedelta(weeks=4 * slot)
                end = start + timedelta(weeks=weeks, days=-1)
                runs.append(
                    Run(f"r{i}.{slot}{variant[0]}", f"b{i}", start, end, variant, "school",
                        "physical", 3)
                )
    return blocks, runs
