"""Search latency on a large store: our services layer against raw sqlite3 on the same indexes.

    benchmarks/run --only search [--seekers 1000000]
    python benchmarks/bench_search.py --home /tmp/jc-100k [--queries 200]   # this module alone

For each kind of query, ``--queries`` searches drawn from the stored seekers (200 by default) go
end to end through ``services.search.search`` as a signed-in front-desk account would send them:
the session check (one primary-key read of staff), parsing, the blind index, the SQL, building
the page with the masked SSNs of the page decrypted, and the audit row every search now writes
(kind and count; for SSN searches in the same transaction as the lookup). Interleaved with each,
the same thing done the plainest way in raw ``sqlite3`` on the same connection settings
(WAL, synchronous=NORMAL):

* **raw read**: the same index lookups fetching the same page of rows;
* **raw audit insert**: ``BEGIN IMMEDIATE``, read the newest audit row, ``INSERT`` one row
  HMAC-chained onto it under the store's audit key, ``COMMIT`` — into ``audit_log`` itself (a
  scratch table would be small and cheap to insert into; the real one at a million seekers holds
  a million rows under four indexes), so the chain stays whole: ``jobcenter audit verify`` passes.

The baseline of each figure is raw read + raw audit insert, measured in the same iteration (every
search is audited, so that is the plainest way to give the same guarantee); the raw read alone is
given beside it so that nobody mistakes one for the other. Not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from figures import Figure  # noqa: E402

PAGE = 50
COLUMNS = ("j.pk, j.id, j.first_name, j.middle_name, j.last_name, j.suffix, j.date_of_birth, j.ssn_cipher, "
           "j.ssn_not_provided, j.address_city, j.account_type, j.last_activity_at")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def figures(home: Path, seekers: int, queries: int = 200) -> list[Figure]:
    os.environ["JOBCENTER_HOME"] = str(home)
    from jobcenter_tui.db.search import NAME_CANDIDATES, fts_query
    from jobcenter_tui.services import open_services

    services = open_services()
    actor = services.staff.actor_for("frontdesk")  # a real session: its access is checked on every search
    keyring = services.keyring
    db_path = home / "jobcenter.db"
    raw = sqlite3.connect(db_path, isolation_level=None)
    raw.execute("PRAGMA synchronous=NORMAL")  # what the store's own connections use
    raw.execute("PRAGMA busy_timeout=5000")
    count = raw.execute("SELECT count(*) FROM job_seeker").fetchone()[0]
    rng = random.Random(7)
    ids = [r[0] for r in raw.execute("SELECT pk FROM job_seeker ORDER BY random() LIMIT ?", (queries,))]
    sample = [raw.execute("SELECT first_name, last_name, date_of_birth, ssn_cipher, phone FROM job_seeker WHERE pk = ?",
                          (pk,)).fetchone() for pk in ids]
    with_ssn = [(s, keyring.decrypt(s[3])) for s in sample if s[3] is not None]

    kinds: dict[str, tuple[str, list[tuple[str, dict[str, Any]]]]] = {
        "name prefix (3 letters)": ("name", [(s[1][:3], {"fts": fts_query(s[1][:3])}) for s in sample]),
        "full name": ("name", [(f"{s[0]} {s[1]}", {"fts": fts_query(f"{s[0]} {s[1]}")}) for s in sample]),
        "SSN": ("ssn", [(ssn.reveal(), {"ssn_index": keyring.blind_index(ssn)}) for s, ssn in with_ssn]),
        "last 4 of SSN + date of birth": ("ssn", [
            (f"{ssn.last4} {s[2]}", {"last4_index": keyring.last4_index(ssn.last4), "dob": s[2]}) for s, ssn in with_ssn]),
        "phone": ("other", [(s[4], {"phone": s[4]}) for s in sample if s[4]]),
    }

    def raw_read(params: dict[str, Any]) -> list[Any]:
        if "fts" in params:  # the same plan as ours: count up to the cap, sort the first matches by name
            raw.execute("SELECT count(*) FROM (SELECT rowid FROM seeker_name_fts WHERE seeker_name_fts MATCH ? LIMIT ?)",
                        (params["fts"], NAME_CANDIDATES + 1)).fetchone()
            sql = ("WITH hits AS (SELECT rowid FROM seeker_name_fts WHERE seeker_name_fts MATCH ? LIMIT ?) "
                   f"SELECT {COLUMNS} FROM hits JOIN job_seeker j ON j.pk = hits.rowid "
                   "ORDER BY j.last_name, j.first_name, j.pk LIMIT ?")
            return raw.execute(sql, (params["fts"], NAME_CANDIDATES, PAGE + 1)).fetchall()
        if "ssn_index" in params:
            return raw.execute(f"SELECT {COLUMNS} FROM job_seeker j WHERE j.ssn_index = ? "
                               "ORDER BY j.last_name, j.first_name, j.pk LIMIT ?", (params["ssn_index"], PAGE + 1)).fetchall()
        if "last4_index" in params:
            return raw.execute(f"SELECT {COLUMNS} FROM job_seeker j WHERE j.date_of_birth = ? AND j.ssn_last4_index = ? "
                               "ORDER BY j.last_name, j.first_name, j.pk LIMIT ?",
                               (params["dob"], params["last4_index"], PAGE + 1)).fetchall()
        return raw.execute(f"SELECT {COLUMNS} FROM job_seeker j WHERE j.phone = ? ORDER BY j.last_name, j.first_name, j.pk "
                           "LIMIT ?", (params["phone"], PAGE + 1)).fetchall()

    # The raw audit row is a real one: chained onto the newest row under the store's audit key and
    # inserted into audit_log itself (its size and its four indexes are part of what a write costs),
    # stored as SQLAlchemy would store it, so `jobcenter audit verify` still passes afterwards.
    from datetime import UTC, datetime

    from jobcenter_tui.db.models import AuditEntry
    from jobcenter_tui.domain.audit import AuditContent, chain_hash

    table = AuditEntry.__table__  # type: ignore[attr-defined]
    dialect = services.db.engine.dialect
    store_at = table.c.at.type.bind_processor(dialect)
    store_changes = table.c.changes.type.bind_processor(dialect)
    audit_key = services.db.audit_key
    insert_sql = ("INSERT INTO audit_log (id, at, staff, os_user, terminal, action, entity, entity_id, changes, reason, "
                  "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL, ?, ?)")

    def raw_audit(kind: str, results: int) -> None:
        """One chained audit row in its own write transaction: the plainest way to record a search."""
        content = AuditContent(at=datetime.now(UTC), staff=actor.username, os_user="benchmark", terminal="raw sqlite3",
                               action="seeker.search_ssn" if kind == "ssn" else "seeker.search", entity="search", entity_id=None,
                               changes={"kind": kind, "results": results, "page": 0}, reason=None)
        raw.execute("BEGIN IMMEDIATE")
        last_id, prev = raw.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        raw.execute(insert_sql, (last_id + 1, store_at(content.at), content.staff, content.os_user, content.terminal,
                                 content.action, content.entity, store_changes(content.changes), prev,
                                 chain_hash(prev, content, audit_key)))
        raw.execute("COMMIT")

    out: list[Figure] = []
    try:
        for kind, (family, cases) in kinds.items():
            rng.shuffle(cases)
            for _, params in cases:  # every query once first: both paths then find the same pages
                raw_read(params)         # in the cache, and the figure is the work, not the disk
            for text, _ in cases[:10]:
                services.search.search(actor, text, page_size=PAGE)
            ours, read, audit, rows = [], [], [], []
            for i, (text, params) in enumerate(cases):
                for step in ("ours", "raw") if i % 2 else ("raw", "ours"):  # neither always goes first
                    if step == "ours":
                        t = time.perf_counter()
                        page = services.search.search(actor, text, page_size=PAGE)
                        ours.append((time.perf_counter() - t) * 1000)
                        rows.append(len(page.rows))
                    else:
                        t = time.perf_counter()
                        found = raw_read(params)
                        t2 = time.perf_counter()
                        raw_audit(family, min(len(found), PAGE))
                        read.append((t2 - t) * 1000)
                        audit.append((time.perf_counter() - t2) * 1000)
            with_audit = [r + a for r, a in zip(read, audit, strict=True)]
            goal = 2.0 if family == "ssn" else 1.5
            ratio = pct(ours, .95) / pct(with_audit, .95)
            out.append(Figure(
                what=f"search: {kind}, {count:,} seekers, page of {PAGE}, p95 through services",
                ours=pct(ours, .95), unit="ms", baseline=pct(with_audit, .95),
                baseline_what=f"raw sqlite3 on the same index + one audit INSERT; raw read alone {pct(read, .95):.2f} ms",
                goal=f"≤ {goal:g}× raw", met=ratio <= goal,
                spread=(f"ours p50 {pct(ours, .5):.2f} / max {max(ours):.1f}; raw+audit p50 {pct(with_audit, .5):.2f}; "
                        f"raw read p50 {pct(read, .5):.2f}; {len(cases)} queries, {sum(rows) / len(rows):.0f} rows each"),
                note="" if ratio <= goal else (
                    f"ours/raw read alone is {pct(ours, .95) / pct(read, .95):.1f}× at p95"),
            ))
    finally:
        raw.close()
        services.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, required=True, help="a JOBCENTER_HOME holding a demo store")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    for f in figures(args.home, 0, args.queries):
        print(f"{f.what}\n  ours {f.ours:.2f} ms, baseline {f.baseline:.2f} ms ({f.baseline_what}), "
              f"{f.ratio:.2f}× (goal {f.goal}: {'met' if f.met else 'NOT met'})\n  {f.spread}")


if __name__ == "__main__":
    main()
