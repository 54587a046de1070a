"""Do two trees plan the bench's learners alike, and how long does each take?

Run as ``python bench/planner_same.py BASE NEW [ROUNDS]`` with two checkouts (for example
``/work/main`` and a worktree). Each tree gets a worker process that builds the catalogue
and learners of ``bench_planner.py``; the learners are planned in both, interleaved (the
order alternates per learner and round), ROUNDS times (default 5). It prints per learner
the search nodes spent, the median CPU time in each tree and the time per node, then both
trees' p50 and p95, and last which learners got a different answer. An answer is the
whole ``RouteResult`` (plan, alternatives, explanations, optimal flag, lower bound on the
finish) and the nodes spent: a change meant to make the same search cheaper must leave
every one of them alone. Not a ``bench_*`` script: ``make bench`` does not run it.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import time

WORKER = "worker"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == WORKER:
        serve(sys.argv[2])
        return
    base, new = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    trees = {"base": _start(base), "new": _start(new)}
    times: dict[str, dict[int, list[float]]] = {name: {} for name in trees}
    answers: dict[str, dict[int, tuple[int, str]]] = {name: {} for name in trees}
    count = int(_ask(trees["base"], "count")["count"])
    for r in range(rounds):
        for i in range(count):
            order = ("base", "new") if (r + i) % 2 == 0 else ("new", "base")
            for name in order:
                got = _ask(trees[name], str(i))
                times[name].setdefault(i, []).append(got["ms"])
                answers[name].setdefault(i, (got["nodes"], got["digest"]))
    for process in trees.values():
        process.stdin.close()
        process.wait()
    _report(count, times, answers)


def _start(root: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=f"{root}/backend:{root}")
    return subprocess.Popen(
        [sys.executable, __file__, WORKER, root],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def _ask(process: subprocess.Popen, line: str) -> dict:
    process.stdin.write(line + "\n")
    process.stdin.flush()
    return json.loads(process.stdout.readline())


def _report(count: int, times: dict, answers: dict) -> None:
    median = {
        name: {i: statistics.median(t) for i, t in per.items()} for name, per in times.items()
    }
    print(
        f"{'learner':>7} {'nodes':>5} {'base ms':>8} {'new ms':>8} {'ratio':>6} "
        f"{'base ms/node':>12} {'new ms/node':>11}"
    )
    for i in range(count):
        nodes = max(answers["base"][i][0], 1)
        b, n = median["base"][i], median["new"][i]
        print(
            f"{i:7d} {answers['base'][i][0]:5d} {b:8.1f} {n:8.1f} {n / b:6.2f} "
            f"{b / nodes:12.3f} {n / nodes:11.3f}"
        )
    for name in ("base", "new"):
        ms = list(median[name].values())
        print(f"{name}: p50 {_percentile(ms, 0.5):.1f} ms, p95 {_percentile(ms, 0.95):.1f} ms")
    differ = [i for i in range(count) if answers["base"][i] != answers["new"][i]]
    print(f"different answers: {differ or 'none'}")


def _percentile(values: list[float], q: float) -> float:
    """As ``bench_planner.percentile``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def serve(root: str) -> None:
    """The worker: plan the learner named on each line of stdin, answer in one JSON line."""
    sys.path[:0] = [f"{root}/backend", f"{root}/bench", root]
    import bench_planner as bench

    from eigendossier.planner import NODE_LIMIT, plan_route
    from eigendossier.planner.types import SearchStats

    gc.freeze()  # as bench_planner.main and the app after start-up
    rng = random.Random(bench.SEED)  # noqa: S311 - the bench's repeatable workload
    blocks, runs = bench.catalogue(rng)
    people = bench.learners(rng, blocks)
    for line in sys.stdin:
        if line.strip() == "count":
            print(json.dumps({"count": len(people)}), flush=True)
            continue
        person = people[int(line)]
        stats = SearchStats(NODE_LIMIT)
        t0 = time.process_time()
        result = plan_route(blocks, runs, person.preferences, person.exemptions, stats=stats)
        ms = (time.process_time() - t0) * 1000
        answer = f"{result!r}|nodes={stats.nodes}"
        digest = hashlib.sha256(answer.encode()).hexdigest()
        print(json.dumps({"ms": ms, "nodes": stats.nodes, "digest": digest}), flush=True)


if __name__ == "__main__":
    main()
