"""How many examples a property test tries (hypothesis profiles).

The counts written in the tests are the thorough ones, run by default. CI runs
`--hypothesis-profile=ci` (.ci/run): the same properties on a quarter of the examples (at
least 10), so the whole suite stays within its time. Run the thorough counts when you change
what a property test covers or the code under it."""
from hypothesis import settings

CI = "ci"
# Tests that set no count of their own: hypothesis's 100, or a quarter of it under CI.
settings.register_profile(CI, max_examples=25)


def examples(thorough: int) -> int:
    """`thorough` examples, or a quarter of them (at least 10) under the CI profile."""
    if settings.get_current_profile_name() == CI:
        return max(10, thorough // 4)
    return thorough
