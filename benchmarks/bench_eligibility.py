"""Eligibility engine throughput: records evaluated per second on one core.

Generates N demo records (the same generator as `jobcenter demo`), validates them once, then
times only `evaluate()` over all of them. Goal (issue 11): >= 50,000 records/s on one core.

Each run starts from a fresh configuration — nothing remembered from the run before, as for a
real import — and a collected heap. Baseline, measured in the same process, interleaved with ours:
the floor any engine pays, i.e. iterating the same records, computing the age and building a
result of the same shape (six program answers) without applying a rule. Times are CPU seconds of
the process (`time.process_time`, pinned to one core with `taskset -c 0` when there is one), so
other work on a shared machine does not count; wall-clock rates are given beside them.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

GOAL = 50_000
RUNS = 5
MAX_RECORDS = 100_000  # generating and validating a record costs ~100x evaluating it; 100k is plenty


def _records(count: int, as_of: date) -> list[Any]:
    from jobcenter_tui.domain.record import parse_record
    from jobcenter_tui.services.demo import DemoService, _Pools

    rng = random.Random(2026)
    pools = _Pools(2026)
    maker = DemoService.__new__(DemoService)
    used: set[str] = set()
    return [parse_record(maker._record(rng, pools, as_of, used), as_of) for _ in range(count)]


def measure(count: int, runs: int = RUNS) -> dict[str, Any]:
    """Time ours and the floor, interleaved, ``runs`` times each over ``count`` demo records."""
    from jobcenter_tui.domain.eligibility import EligibilityResult, ProgramResult, age_on, build_config, evaluate
    from jobcenter_tui.domain.programs import PROGRAM_CODES

    as_of = date(2026, 6, 15)
    data = json.loads(files("jobcenter_tui.data").joinpath("eligibility.json").read_text())
    t = time.perf_counter()
    records = _records(count, as_of)
    built = time.perf_counter() - t
    version = build_config(data).version

    def ours() -> list[EligibilityResult]:
        cfg = build_config(data)  # fresh: no answer remembered from an earlier run
        return [evaluate(r, as_of, cfg) for r in records]

    def floor() -> list[EligibilityResult]:
        cfg = build_config(data)
        answers = tuple(ProgramResult(code, "eligible") for code in PROGRAM_CODES)
        return [EligibilityResult(as_of, cfg.version, None, age_on(r.date_of_birth, as_of), answers) for r in records]

    times: dict[str, list[tuple[float, float]]] = {"ours": [], "floor": []}
    statuses: dict[str, int] = {}
    for _ in range(runs):
        for name, work in (("ours", ours), ("floor", floor)):
            gc.collect()
            cpu, wall = time.process_time(), time.perf_counter()
            results = work()
            times[name].append((time.process_time() - cpu, time.perf_counter() - wall))
            if name == "ours" and not statuses:
                for result in results:
                    for p in result.programs:
                        statuses[f"{p.program}:{p.status}"] = statuses.get(f"{p.program}:{p.status}", 0) + 1
            del results

    def rates(name: str, column: int) -> list[float]:
        return sorted((count / pair[column] for pair in times[name]), reverse=True)

    return {
        "records": count, "built_s": built, "version": version, "statuses": statuses,
        "ours_cpu": rates("ours", 0), "ours_wall": rates("ours", 1),
        "floor_cpu": rates("floor", 0), "floor_wall": rates("floor", 1),
        "load": os.getloadavg()[0], "pinned": os.sched_getaffinity(0) == {0} if hasattr(os, "sched_getaffinity") else False,
    }


def _run_pinned(count: int) -> dict[str, Any]:
    """``measure`` in a child pinned to core 0 (taskset), so the figure is one core's."""
    here = Path(__file__).resolve()
    cmd = [sys.executable, str(here), "--records", str(count), "--json"]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(here.parent.parent), os.environ.get("PYTHONPATH")]))}
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def figures(home: Path, seekers: int) -> list[Any]:
    """One figure: the engine's records/s (best of 5, CPU time on one core) against the floor."""
    from benchmarks.figures import Figure

    del home  # the engine is pure: it needs records, not a store
    m = _run_pinned(min(seekers, MAX_RECORDS))
    best, median = m["ours_cpu"][0], statistics.median(m["ours_cpu"])
    spread = (f"CPU best {best:,.0f} / median {median:,.0f}; wall best {m['ours_wall'][0]:,.0f} / median "
              f"{statistics.median(m['ours_wall']):,.0f} of {RUNS} runs, {m['records']:,} demo records, "
              f"{'pinned to core 0' if m['pinned'] else 'NOT pinned (no taskset)'}, load {m['load']:.1f}")
    note = "" if best >= GOAL else (
        "bounded by Python's per-record cost: records whose low-income answer quotes their own dollars are "
        "evaluated rule by rule; the others share answers worked out once")
    return [Figure(
        what="eligibility engine, records/s on one core",
        ours=round(best), unit="records/s",
        baseline=round(m["floor_cpu"][0]),
        baseline_what="floor: iterate the same records, compute the age, build a six-answer result (no rules)",
        goal=f">= {GOAL:,} records/s", met=best >= GOAL, spread=spread, note=note,
    )]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--json", action="store_true", help="print the measurement as JSON (used by figures())")
    args = parser.parse_args()
    m = measure(args.records, args.runs)
    if args.json:
        print(json.dumps(m))
        return
    print(f"records: {m['records']:,} (generated and validated in {m['built_s']:.1f} s), rules {m['version']}, "
          f"load {m['load']:.1f}, {'pinned to core 0' if m['pinned'] else 'not pinned'}")
    for name in ("ours", "floor"):
        cpu, wall = m[f"{name}_cpu"], m[f"{name}_wall"]
        print(f"{name:>5}: CPU best {cpu[0]:>9,.0f} median {statistics.median(cpu):>9,.0f} records/s | "
              f"wall best {wall[0]:>9,.0f} median {statistics.median(wall):>9,.0f} records/s  ({len(cpu)} runs)")
    for key in sorted(m["statuses"]):
        print(f"  {key:<34} {m['statuses'][key]:>8,}")


if __name__ == "__main__":
    main()
