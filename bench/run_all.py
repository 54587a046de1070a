"""`make bench`: run every bench/bench_*.py in turn, print one report, and keep it in
bench/REPORT.md (linked from the README).

Each benchmark prints its own tables and one ``GOAL`` line per goal (bench/goals.py); the
goals are gathered into the table at the top: goal, result, and the result over the goal.
bench_ob20_peer.py builds .venv-peer (1EdTech's openbadges validator, pinned in
bench/peer-requirements.txt) on its first run, and bench_planner.py builds .venv-cpsat (OR-Tools'
CP-SAT, bench/cpsat-requirements.txt); nothing of them goes into .venv."""

import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from goals import parse

HERE = Path(__file__).resolve().parent
REPORT = HERE / "REPORT.md"
# Results measured by hand (the W3C suites may not be copied into the project): kept as is.
BY_HAND = (HERE / "W3C_SUITES.md",)


def main() -> int:
    failed, sections, goals = [], [], []
    for script in sorted(HERE.glob("bench_*.py")):
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
        shown = []
        for line in result.stdout.rstrip().splitlines():
            row = parse(line)
            if row is None:
                shown.append(line)
            else:
                goals.append(row)
        if result.returncode:
            failed.append(script.name)
            shown.append(f"\n{script.name} FAILED:\n```\n{result.stderr[-2000:]}\n```")
        shown.append(f"\n_{script.name}: {time.perf_counter() - started:.0f} s_\n")
        sections.append("\n".join(shown))
        print(sections[-1], flush=True)
    by_hand = [path.read_text() for path in BY_HAND if path.exists()]
    report = "\n".join([header(), goal_table(goals), *sections, *by_hand])
    REPORT.write_text(report + "\n")
    print(goal_table(goals))
    print(f"(written to {REPORT.relative_to(HERE.parent)})")
    return 1 if failed else 0


def header() -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=HERE).stdout.strip() or "?"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        "# Eigen Dossier benchmarks\n\n"
        f"`make bench` at commit {commit}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} CPUs ({platform.machine()}), load average {load} at the end. "
        "Absolute numbers depend on the machine and its load; the ratios are measured side "
        "by side in one run.\n"
    )


def goal_table(goals: list[list[str]]) -> str:
    lines = ["## Goals", "", "| hot path | goal | result | result / goal | met |",
             "|---|---|---|---:|---|"]
    lines += [f"| {' | '.join(row)} |" for row in goals]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
