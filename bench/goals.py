"""The goals of the hot paths (issue 18): each benchmark prints one line per goal with
:func:`goal`, and ``run_all.py`` gathers them into the table at the top of the report."""

PREFIX = "GOAL\t"


def goal(row: str, target: str, result: str, ratio: float, met: bool) -> None:
    """``ratio`` is the result divided by the goal's bound (met: <= 1 for an upper bound,
    >= 1 for a lower one)."""
    print(f"{PREFIX}{row}\t{target}\t{result}\t{ratio:.2f}\t{'yes' if met else 'no'}")


def parse(line: str) -> list[str] | None:
    if not line.startswith(PREFIX):
        return None
    return line[len(PREFIX):].split("\t")
