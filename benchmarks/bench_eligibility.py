"""Eligibility engine throughput: records evaluated per second on one core.

Generates N demo records (the same generator as `jobcenter demo`), validates them once, then
times only `evaluate()` over all of them. Target (issue 3): >= 20,000 records/s.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import date
from importlib.resources import files


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from jobcenter_tui.domain.eligibility import build_config, evaluate
    from jobcenter_tui.domain.record import parse_record
    from jobcenter_tui.services.demo import DemoService, _Pools

    as_of = date(2026, 6, 15)
    cfg = build_config(json.loads(files("jobcenter_tui.data").joinpath("eligibility.json").read_text()))
    rng = random.Random(2026)
    pools = _Pools(2026)
    maker = DemoService.__new__(DemoService)
    used: set[str] = set()
    t = time.perf_counter()
    records = [parse_record(maker._record(rng, pools, as_of, used), as_of) for _ in range(args.records)]
    built = time.perf_counter() - t

    best = float("inf")
    statuses: dict[str, int] = {}
    for _ in range(args.repeat):
        t = time.perf_counter()
        results = [evaluate(r, as_of, cfg) for r in records]
        best = min(best, time.perf_counter() - t)
    for result in results:
        for p in result.programs:
            key = f"{p.program}:{p.status}"
            statuses[key] = statuses.get(key, 0) + 1
    print(f"records: {args.records:,} (generated and validated in {built:.1f} s)")
    print(f"evaluate: best of {args.repeat}: {best:.2f} s = {args.records / best:,.0f} records/s on one core")
    for key in sorted(statuses):
        print(f"  {key:<34} {statuses[key]:>8,}")


if __name__ == "__main__":
    main()
