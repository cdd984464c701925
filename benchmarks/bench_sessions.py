"""Sessions and passwords: what the checked unit of work adds to a call, what a new password costs.

Run: `python benchmarks/bench_sessions.py`. Prints a table; the README quotes its figures. Not a
test: nothing here passes or fails.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path


def _best(fn, n: int, rounds: int = 7) -> float:  # type: ignore[no-untyped-def]
    """Median over rounds of the mean CPU µs per call (CPU time: the shared machine's load stays out)."""
    times = []
    for _ in range(rounds):
        t = time.process_time()
        for _ in range(n):
            fn()
        times.append((time.process_time() - t) / n * 1e6)
    return statistics.median(times)


def main() -> None:
    os.environ["JOBCENTER_HOME"] = str(Path(tempfile.mkdtemp(prefix="jobcenter-bench-")))
    from argon2 import PasswordHasher
    from sqlalchemy import text

    t = time.perf_counter()
    from jobcenter_tui.domain.passwords import password_problems

    password_problems("x")  # short: refused before the dictionaries are needed
    cold_import = time.perf_counter() - t
    t = time.perf_counter()
    password_problems("a first long passphrase here")
    first_check = time.perf_counter() - t
    t = time.perf_counter()
    password_problems("another long passphrase there")
    next_check = time.perf_counter() - t

    from jobcenter_tui.services import open_services, system_actor

    services = open_services(password_hasher=PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1))
    services.staff.add(system_actor(), "casey", "Casey Morgan", "tall maple river lantern", ["case_manager"])
    actor = services.staff.actor_for("casey")
    services.seekers.import_records(system_actor(), ['{"first_name":"Dana","last_name":"Reyes","date_of_birth":"1979-04-02"}'])
    seeker = services.search.search(actor, "reyes").rows[0].id

    def plain() -> None:
        with services.db.session() as session:
            session.execute(text("SELECT 1"))

    def checked() -> None:
        with services.unit(actor) as session:
            session.execute(text("SELECT 1"))

    n = 2000
    plain_us, checked_us = _best(plain, n), _best(checked, n)
    get_us = _best(lambda: services.seekers.get(actor, seeker, audit=False), 500)
    services.close()
    rows = [
        ("read unit of work, plain (db.session)", f"{plain_us:.0f} µs"),
        ("read unit of work, checked (Services.unit, staff)", f"{checked_us:.0f} µs"),
        ("extra per call (one primary-key read)", f"{checked_us - plain_us:.0f} µs"),
        ("seekers.get (no audit), whole call", f"{get_us:.0f} µs"),
        ("password_problems: import of the module (no zxcvbn)", f"{cold_import * 1000:.1f} ms"),
        ("password_problems: first full check (imports zxcvbn)", f"{first_check * 1000:.0f} ms"),
        ("password_problems: next checks", f"{next_check * 1000:.1f} ms"),
    ]
    width = max(len(r[0]) for r in rows)
    for what, figure in rows:
        print(f"{what:<{width}}  {figure:>10}")


if __name__ == "__main__":
    main()
