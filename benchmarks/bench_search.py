"""Search latency on a large store: our services layer against a hand-written sqlite3 query.

    python benchmarks/bench_search.py --seekers 100000 --home /tmp/jc-100k
    python benchmarks/bench_search.py --seekers 1000000 --home /tmp/jc-1m

The store is made by `jobcenter demo` (reused when it exists). For each kind of query, 200
queries drawn from the stored seekers are timed end to end through `services.search.search`
(parse, blind index, SQL, decrypting masked SSNs for the page, the audit row of SSN searches)
and through raw `sqlite3` running the same index lookups and fetching the same page of rows.
p50/p95 in milliseconds and the ratio ours/raw are printed. Not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import time
from pathlib import Path

PAGE = 50


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seekers", type=int, default=100_000)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    os.environ["JOBCENTER_HOME"] = str(args.home)
    from jobcenter_tui.db.search import fts_query
    from jobcenter_tui.domain.ssn import Ssn
    from jobcenter_tui.services import open_services, system_actor

    services = open_services()
    actor = system_actor()
    if services.demo.store_is_empty():
        t = time.perf_counter()
        services.demo.seed(actor, seekers=args.seekers, seed=2026)
        print(f"made the store: {args.seekers:,} seekers in {time.perf_counter() - t:.0f} s")
    db_path = args.home / "jobcenter.db"
    raw = sqlite3.connect(db_path)
    count = raw.execute("SELECT count(*) FROM job_seeker").fetchone()[0]
    rng = random.Random(7)
    ids = [r[0] for r in raw.execute("SELECT pk FROM job_seeker ORDER BY random() LIMIT ?", (args.queries,))]
    sample = [raw.execute("SELECT first_name, last_name, date_of_birth, ssn_cipher, phone FROM job_seeker WHERE pk = ?",
                          (pk,)).fetchone() for pk in ids]
    keyring = services.keyring
    with_ssn = [s for s in sample if s[3] is not None]

    def ssn_of(row) -> Ssn:  # type: ignore[no-untyped-def]
        return keyring.decrypt(row[3])

    kinds = {
        "name prefix (3 letters)": [(s[1][:3], {"fts": fts_query(s[1][:3])}) for s in sample],
        "full name": [(f"{s[0]} {s[1]}", {"fts": fts_query(f"{s[0]} {s[1]}")}) for s in sample],
        "SSN": [(ssn_of(s).reveal(), {"ssn_index": keyring.blind_index(ssn_of(s))}) for s in with_ssn],
        "last 4 + DOB": [(f"{ssn_of(s).last4} {s[2]}", {"last4_index": keyring.last4_index(ssn_of(s).last4), "dob": s[2]})
                         for s in with_ssn],
        "phone": [(s[4], {"phone": s[4]}) for s in sample if s[4]],
    }
    columns = ("j.pk, j.id, j.first_name, j.middle_name, j.last_name, j.suffix, j.date_of_birth, j.ssn_cipher, "
               "j.ssn_not_provided, j.address_city, j.account_type, j.last_activity_at")

    def raw_query(params: dict) -> list:  # type: ignore[type-arg]
        if "fts" in params:  # the same plan as ours: the first 1,000 matches, sorted by name
            raw.execute("SELECT rowid FROM seeker_name_fts WHERE seeker_name_fts MATCH ? LIMIT 1001", (params["fts"],)).fetchall()
            sql = ("WITH hits AS (SELECT rowid FROM seeker_name_fts WHERE seeker_name_fts MATCH ? LIMIT 1000) "
                   f"SELECT {columns} FROM hits JOIN job_seeker j ON j.pk = hits.rowid "
                   "ORDER BY j.last_name, j.first_name, j.pk LIMIT ?")
            return raw.execute(sql, (params["fts"], PAGE + 1)).fetchall()
        if "ssn_index" in params:
            return raw.execute(f"SELECT {columns} FROM job_seeker j WHERE j.ssn_index = ? LIMIT ?",
                               (params["ssn_index"], PAGE + 1)).fetchall()
        if "last4_index" in params:
            return raw.execute(f"SELECT {columns} FROM job_seeker j WHERE j.date_of_birth = ? AND j.ssn_last4_index = ? "
                               "ORDER BY j.last_name, j.first_name LIMIT ?", (params["dob"], params["last4_index"], PAGE + 1)).fetchall()
        return raw.execute(f"SELECT {columns} FROM job_seeker j WHERE j.phone = ? ORDER BY j.last_name, j.first_name LIMIT ?",
                           (params["phone"], PAGE + 1)).fetchall()

    print(f"\nstore: {count:,} job seekers ({db_path.stat().st_size / 1e6:.0f} MB); {args.queries} queries per kind; "
          f"page of {PAGE}\n")
    print(f"{'query':<26} {'ours p50':>9} {'ours p95':>9} {'raw p50':>8} {'raw p95':>8} {'p95 ratio':>9} {'rows/query':>10}")
    for kind, cases in kinds.items():
        rng.shuffle(cases)
        for text, params in cases[:10]:  # warm the caches of both paths
            services.search.search(actor, text, page_size=PAGE)
            raw_query(params)
        ours, plain, rows = [], [], []
        for text, params in cases:
            t = time.perf_counter()
            page = services.search.search(actor, text, page_size=PAGE)
            ours.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            raw_query(params)
            plain.append((time.perf_counter() - t) * 1000)
            rows.append(len(page.rows))
        print(f"{kind:<26} {pct(ours, .5):9.2f} {pct(ours, .95):9.2f} {pct(plain, .5):8.2f} {pct(plain, .95):8.2f} "
              f"{pct(ours, .95) / max(pct(plain, .95), 1e-6):9.1f} {statistics.mean(rows):10.1f}")
    services.close()


if __name__ == "__main__":
    main()
