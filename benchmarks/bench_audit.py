"""What the keyed audit chain costs: appending 10,000 audit rows, keyed (HMAC + checkpoint file)
against unkeyed (plain SHA-256, no checkpoint), one row per transaction and in one batch.

Run: `python benchmarks/bench_audit.py [--rows 10000]`. Prints a table; the README quotes it.
Not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="jobcenter-bench-audit-"))
    os.environ["JOBCENTER_HOME"] = str(root)
    from jobcenter_tui.services import open_services, system_actor
    from jobcenter_tui.services.audit import AuditEvent, append_audit_events

    services = open_services()
    db, actor = services.db, system_actor()
    keyed = (db.audit_key, db.after_audit_commit)
    modes = {"unkeyed (SHA-256, no checkpoint)": (None, None), "keyed (HMAC + checkpoint)": keyed}
    one = dict.fromkeys(modes, 0.0)
    batch = dict.fromkeys(modes, 0.0)
    chunk = 500  # alternate the two in chunks, so a busy machine slows both alike
    for start in range(0, args.rows, chunk):
        for label, (key, hook) in modes.items():
            db.audit_key, db.after_audit_commit = key, hook
            t = time.perf_counter()
            for i in range(start, min(start + chunk, args.rows)):
                with db.session(write=True) as session:
                    append_audit_events(session, actor, [AuditEvent("bench.row", "bench", str(i))], at=services.now())
            one[label] += time.perf_counter() - t
    for label, (key, hook) in modes.items():
        db.audit_key, db.after_audit_commit = key, hook
        t = time.perf_counter()
        with db.session(write=True) as session:
            append_audit_events(session, actor, [AuditEvent("bench.row", "bench", str(i)) for i in range(args.rows)],
                                at=services.now())
        batch[label] = time.perf_counter() - t
    results = [(label, one[label], batch[label]) for label in modes]
    services.close()
    print(f"{'appending ' + str(args.rows) + ' audit rows':36} {'1 row per commit':>18} {'one batch':>12}")
    for label, one, batch in results:
        print(f"{label:36} {one:>8.2f} s ({one / args.rows * 1e6:>4.0f} µs) {batch:>10.2f} s")


if __name__ == "__main__":
    main()
