"""The exit run over N open enrollments: total time, and how long other writers wait meanwhile.

Run: `python benchmarks/bench_exits.py --open 3500 100000`. For each N: a fresh store with N open
enrollments (three in four due), then `exit_run` while a second connection writes a row every 20 ms;
prints the run's time, its write transactions, the longest one (measured inside the run), and the
longest any other write waited (measured outside). Not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def measure(home: Path, count: int) -> tuple[str, ...]:
    from sqlalchemy import text

    from jobcenter_tui.config import load_settings
    from jobcenter_tui.services import open_services, system_actor
    from tests.conftest import Clock
    from tests.test_trust_demoexits import add_open_enrollments

    os.environ["JOBCENTER_HOME"] = str(home)
    clock = Clock()
    services = open_services(clock=clock)
    add_open_enrollments(services, count, clock().date())
    other = open_services(dataclasses.replace(load_settings(), busy_timeout=60.0), clock=clock, upgrade=False)
    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("run", services.enrollments.exit_run(system_actor(), clock().date())))
    started = time.perf_counter()
    worker.start()
    waits = []
    while worker.is_alive():
        t = time.perf_counter()
        with other.db.session(write=True) as s:
            s.execute(text("INSERT INTO app_meta (key, value) VALUES ('probe', 'x') ON CONFLICT (key) DO UPDATE SET value = 'y'"))
        waits.append(time.perf_counter() - t)
        time.sleep(0.02)
    worker.join()
    total = time.perf_counter() - started
    run = result["run"]
    other.close()
    services.close()
    return (f"{count:,}", f"{len(run.closed):,}", f"{total:.1f} s", str(run.write_transactions),
            f"{run.longest_write_seconds * 1000:.0f} ms", f"{max(waits) * 1000:.0f} ms", str(len(waits)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, nargs="+", default=[3500, 100_000])
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="jobcenter-bench-exits-"))
    header = ("open enrollments", "closed", "exit run", "write txns", "longest write", "longest other write", "other writes")
    rows = [measure(root / f"{i}-{n}", n) for i, n in enumerate(args.open)]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)))


if __name__ == "__main__":
    main()
