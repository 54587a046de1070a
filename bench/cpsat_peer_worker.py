"""CP-SAT (Google OR-Tools) on the route planner's questions: the peer in bench_planner.py.

Runs in .venv-cpsat (bench/cpsat-requirements.txt), which holds OR-Tools and not our app, so
the questions come compiled, as JSON on stdin: per question its search variants (soft pace
limits honoured or given up, as in eigendossier.planner.search), each with the options per
block (start and end ordinals, hours per week, soft cost), the prerequisites and the hard
limits. Prints one JSON line per question: the best finish and score over the variants, the
chosen option per block, whether CP-SAT proved it optimal, and its CPU seconds.

The model is the time-indexed one the structure calls for: one Boolean per option, exactly
one per block; a block starts after each prerequisite ends; at every start date the runs
going hold at most the hours (scaled to integers) and the count allowed; the objective is
the finish, then the score (finish x (most score + 1) + score).
"""

import json
import resource
import sys

from ortools.sat.python import cp_model

SCALE = 1_000_000  # hours per week to integer micro-hours


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def solve_variant(variant: dict, seconds: float, workers: int) -> dict:
    options = variant["options"]  # per block: [[s, e, hpw, cost], ...]
    if not all(options):
        return {"finish": None, "proven": True}  # a block without runs: no route at all
    model = cp_model.CpModel()
    chosen = []
    starts, ends = [], []
    for block in options:
        flags = [model.new_bool_var("") for _ in block]
        model.add_exactly_one(flags)
        chosen.append(flags)
        starts.append(sum(o[0] * x for o, x in zip(block, flags, strict=True)))
        ends.append(sum(o[1] * x for o, x in zip(block, flags, strict=True)))
    for after, befores in enumerate(variant["preds"]):
        for before in befores:
            model.add(starts[after] >= ends[before] + 1)
    first = min(o[0] for block in options for o in block)
    last = max(o[1] for block in options for o in block)
    finish = model.new_int_var(first, last, "finish")
    for end in ends:
        model.add(finish >= end)
    hours, parallel = variant["hard_hours"], variant["hard_parallel"]
    if hours is not None or parallel is not None:
        for t in sorted({o[0] for block in options for o in block}):
            going = [
                (o, x)
                for block, flags in zip(options, chosen, strict=True)
                for o, x in zip(block, flags, strict=True)
                if o[0] <= t <= o[1]
            ]
            if hours is not None:
                model.add(sum(round(o[2] * SCALE) * x for o, x in going) <= round(hours * SCALE))
            if parallel is not None:
                model.add(sum(x for _, x in going) <= parallel)
    most = sum(max(o[3] for o in block) for block in options) + 1
    score = sum(o[3] * x for block, flags in zip(options, chosen, strict=True)
                for o, x in zip(block, flags, strict=True) if o[3])
    model.minimize(finish * most + score)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {"finish": None, "proven": status == cp_model.INFEASIBLE}
    picks = [next(i for i, x in enumerate(flags) if solver.value(x)) for flags in chosen]
    return {
        "finish": solver.value(finish),
        "score": variant["base_score"] + round(solver.value(score)),
        "picks": picks,
        "proven": status == cp_model.OPTIMAL,
    }


def main() -> None:
    seconds, workers = float(sys.argv[1]), int(sys.argv[2])
    for line in sys.stdin:
        question = json.loads(line)
        started = cpu()
        results = []
        share = seconds / len(question["variants"])
        for number, variant in enumerate(question["variants"]):
            found = solve_variant(variant, share, workers)
            results.append({**found, "variant": number})
        found = [r for r in results if r["finish"] is not None]
        best = min(found, key=lambda r: (r["finish"], r["score"]), default=None)
        print(json.dumps({
            "learner": question["learner"],
            "best": best,
            "proven": all(r["proven"] for r in results),
            "cpu": cpu() - started,
        }), flush=True)


if __name__ == "__main__":
    main()
