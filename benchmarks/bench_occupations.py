"""Occupation search latency: the first search after import (cold) and later ones (warm).

    python benchmarks/bench_occupations.py [--runs 7]

Cold: a fresh interpreter imports ``jobcenter_tui.domain.occupations`` and runs one search, which
parses the shipped SOC 2018 CSV and builds its word index; best and median of ``--runs``
processes. Warm: 300 searches (words, codes, groups) through the domain and through
``services.occupations.search`` on a temporary store, without and with an O*NET file of one line
per detailed occupation imported (titles and descriptions searched too). Not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COLD = """
import time
t0 = time.perf_counter()
from jobcenter_tui.domain.occupations import soc_2018
t1 = time.perf_counter()
soc_2018().search("welder")
t2 = time.perf_counter()
print(f"{(t1 - t0) * 1000:.2f} {(t2 - t1) * 1000:.2f}")
"""

QUERIES = ["welder", "registered nurse", "truck driver", "29-1141", "51-41", "cook", "software developer", "reg nur",
           "electrician", "customer service", "nursing assistant", "maintenance repair", "cashier", "15-12", "teacher"]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def timed(fn, n: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    out = []
    for i in range(n):
        t = time.perf_counter()
        fn(QUERIES[i % len(QUERIES)])
        out.append((time.perf_counter() - t) * 1000)
    return pct(out, 0.5), pct(out, 0.95)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    imports, firsts = [], []
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, "-c", COLD], env=env, capture_output=True, text=True, check=True).stdout
        a, b = (float(x) for x in out.split())
        imports.append(a)
        firsts.append(b)
    print("| what | best ms | median ms |\n|---|---|---|")
    print(f"| import the module (cold process) | {min(imports):.1f} | {statistics.median(imports):.1f} |")
    print(f"| first search after import (parse CSV, build index) | {min(firsts):.1f} | {statistics.median(firsts):.1f} |")

    sys.path.insert(0, str(root))
    os.environ["JOBCENTER_HOME"] = tempfile.mkdtemp(prefix="jc-occ-")
    from jobcenter_tui.domain.occupations import soc_2018
    from jobcenter_tui.services import open_services, system_actor

    soc = soc_2018()
    services = open_services()
    actor = system_actor()
    print("\n| 300 warm searches | p50 ms | p95 ms |\n|---|---|---|")

    def row(what: str, fn) -> None:  # type: ignore[no-untyped-def]
        p50, p95 = timed(fn, 300)
        print(f"| {what} | {p50:.2f} | {p95:.2f} |")

    row("domain (SOC titles)", lambda t: soc.search(t, limit=8, levels=("detailed",)))
    row("service (SOC titles)", lambda t: services.occupations.search(actor, t, limit=8))
    lines = ["O*NET-SOC Code\tTitle\tDescription"] + [
        f"{e.code}.00\t{e.title}\tWorkers who {e.title.lower()} do the work of {e.title.lower()} in many settings."
        for e in soc.entries if e.level == "detailed"]
    services.occupations.import_onet(actor, "\n".join(lines))
    row(f"service (with {len(lines) - 1} O*NET titles and descriptions)",
        lambda t: services.occupations.search(actor, t, limit=8))
    services.close()


if __name__ == "__main__":
    main()
