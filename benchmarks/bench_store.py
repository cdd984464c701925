"""Store speed: demo seeding, export and import of N job seekers, and one sign-in.

Run: `make bench` (or `python benchmarks/bench_store.py --seekers 100000`). Prints a table; the
README quotes its figures. Not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seekers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="jobcenter-bench-"))
    os.environ["JOBCENTER_HOME"] = str(root / "a")
    from jobcenter_tui.services import open_services, system_actor
    from jobcenter_tui.services.demo import DEMO_PASSWORD

    rows: list[tuple[str, str, str]] = []
    actor = system_actor()

    t = time.perf_counter()
    services = open_services()
    rows.append(("create store (all migrations)", f"{time.perf_counter() - t:.2f} s", ""))

    t = time.perf_counter()
    counts = services.demo.seed(actor, seekers=args.seekers, seed=args.seed)
    seconds = time.perf_counter() - t
    rows.append((f"jobcenter demo --seekers {args.seekers}", f"{seconds:.1f} s", f"{args.seekers / seconds:,.0f} seekers/s"))

    export = root / "export.jsonl"
    t = time.perf_counter()
    with export.open("w", encoding="utf-8") as fh:
        for line in services.seekers.export_records(actor):
            fh.write(line + "\n")
    seconds = time.perf_counter() - t
    rows.append((f"export {args.seekers} records", f"{seconds:.1f} s", f"{args.seekers / seconds:,.0f} records/s"))

    t = time.perf_counter()
    services.staff.login("casemgr", DEMO_PASSWORD)
    rows.append(("sign-in (Argon2id verify + audit)", f"{(time.perf_counter() - t) * 1000:.0f} ms", ""))
    services.close()

    os.environ["JOBCENTER_HOME"] = str(root / "b")
    fresh = open_services()
    for name in ("casemgr", "casemgr2"):  # the records name their case managers
        fresh.staff.add(actor, name, name, "bench passphrase long", ["case_manager"])
    lines = export.read_text(encoding="utf-8").splitlines()
    t = time.perf_counter()
    summary = fresh.seekers.import_records(actor, lines)
    seconds = time.perf_counter() - t
    assert summary.created == args.seekers and not summary.rejected, f"{len(summary.rejected)} rejected"
    rows.append((f"import {args.seekers} records (fresh store)", f"{seconds:.1f} s", f"{args.seekers / seconds:,.0f} records/s"))
    t = time.perf_counter()
    again = fresh.seekers.import_records(actor, lines)
    seconds = time.perf_counter() - t
    rows.append((f"re-import same {args.seekers} (all unchanged)", f"{seconds:.1f} s", f"{again.unchanged:,} unchanged"))
    fresh.close()

    size = (root / "a" / "jobcenter.db").stat().st_size / 1e6
    print(f"\nDemo store: {counts}; database file {size:.0f} MB\n")
    width = max(len(r[0]) for r in rows)
    for name, value, rate in rows:
        print(f"{name:<{width}}  {value:>10}  {rate}")


if __name__ == "__main__":
    main()
