"""Job search over 50,000 active postings, and candidates for a posting over a large seeker store.

Builds a store in a temporary JOBCENTER_HOME: the demo (its seekers: 100,000 by default; 1,000,000
takes a long time to build here, ``--seekers`` sets it), then 50,000 active postings spread over
every ZIP within 150 miles of Topeka and 60 occupations around the demo's. Times, p50/p95 of N
runs, the first page (50 postings) through the services layer (validation, ZIP lookup, SQL,
exact distances, view models) and a hand-written ``sqlite3`` query fetching the same page, and
the ratio; then the first page of candidates for a welding posting in Topeka. Issue 9 targets:
search p95 ≤ 50 ms, candidates p95 ≤ 100 ms (at 1,000,000 seekers).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from datetime import timedelta
from decimal import Decimal


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(math.ceil(p / 100 * len(values))) - 1)]


def build(seekers: int, postings: int) -> tuple[object, str]:
    from sqlalchemy import insert

    from jobcenter_tui.db.geo import zip_point, zips_within
    from jobcenter_tui.db.models import Employer, JobPosting
    from jobcenter_tui.services import open_services, system_actor
    from jobcenter_tui.services.demo import OCCUPATIONS

    services = open_services()
    t = time.perf_counter()
    services.demo.seed(system_actor(), seekers=seekers, seed=2026)
    print(f"demo store with {seekers:,} seekers: {time.perf_counter() - t:.0f} s")
    rng = random.Random(9)
    zips = list(zips_within(39.0553, -95.6802, 150))
    socs = sorted({code for code, _ in OCCUPATIONS} | {c[:6] + str(d) for c, _ in OCCUPATIONS for d in range(1, 4)})
    today = services.today()
    t = time.perf_counter()
    with services.db.session(write=True) as session:
        employers = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(500)]
        session.execute(insert(Employer), [{"id": e, "version": 1, "name": f"Employer {i}", "status": "active",
                                            "created_at": services.now()} for i, e in enumerate(employers)])
        rows = []
        for i in range(postings):
            z = rng.choice(zips)
            lat, lon = zip_point(z) or (None, None)
            soc = rng.choice(socs)
            yearly = rng.random() < 0.2
            low = rng.randint(30000, 90000) if yearly else rng.randint(12, 45)
            rows.append({"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "version": 1,
                         "employer_id": rng.choice(employers), "title": f"Job {i} {soc}",
                         "soc_code": soc, "description": rng.choice(["welding and fabrication", "driving routes",
                                                                      "patient care", "customer service", "warehouse"]),
                         "city": "", "state": "KS", "zip": z, "wage_min": Decimal(low), "wage_max": Decimal(low + 5),
                         "wage_unit": "year" if yearly else "hour", "job_type": "full_time", "openings": 1,
                         "posted_date": today - timedelta(days=rng.randint(0, 90)), "status": "active",
                         "visibility": "public", "created_at": services.now(), "latitude": lat, "longitude": lon})
        for chunk in range(0, len(rows), 5000):
            session.execute(insert(JobPosting), rows[chunk:chunk + 5000])
    print(f"{postings:,} active postings: {time.perf_counter() - t:.0f} s")
    return services, os.path.join(os.environ["JOBCENTER_HOME"], "jobcenter.db")


HAND_SQL = """
SELECT p.id, p.title, p.soc_code, p.city, p.state, p.zip, p.wage_min, p.wage_max, p.wage_unit, p.job_type, p.posted_date,
       e.name,
       CASE WHEN p.soc_code = :soc THEN 0 WHEN substr(p.soc_code, 1, 6) = :broad THEN 1 ELSE 2 END AS tier,
       ((p.latitude - :lat) * (p.latitude - :lat) + (p.longitude - :lon) * (p.longitude - :lon) * :cos2) AS d2
FROM job_posting p JOIN employer e ON e.id = p.employer_id
WHERE p.status = 'active' AND p.soc_code >= :minor AND p.soc_code < :minor || '~'
  AND p.latitude BETWEEN :south AND :north AND p.longitude BETWEEN :west AND :east
  AND d2 <= :max_d2
ORDER BY tier, d2, p.posted_date DESC, p.id LIMIT 50
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seekers", type=int, default=100_000)
    parser.add_argument("--postings", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    os.environ["JOBCENTER_HOME"] = tempfile.mkdtemp(prefix="jobcenter-bench-")
    from jobcenter_tui.domain.jobs import bounding_box
    from jobcenter_tui.services import system_actor
    from jobcenter_tui.services.job_search import JobCriteria

    services, path = build(args.seekers, args.postings)
    cm = services.staff.actor_for("casemgr")  # type: ignore[attr-defined]
    cases = {
        "SOC 51-4121 + ZIP 66603, 25 mi": JobCriteria(soc_codes=("51-4121",), zip="66603", miles=25),
        "SOC 51-4121 + ZIP 66603, 100 mi": JobCriteria(soc_codes=("51-4121",), zip="66603", miles=100),
        "SOC 51-4121, no place": JobCriteria(soc_codes=("51-4121",)),
        "words 'weld' + ZIP, 25 mi": JobCriteria(words="weld", zip="66603", miles=25),
        "SOC + ZIP 25 mi + min $20/hr": JobCriteria(soc_codes=("51-4121",), zip="66603", miles=25, min_wage=Decimal(20)),
    }
    services.jobs.search(cm, cases["SOC 51-4121, no place"])  # type: ignore[attr-defined]  # ZIP data loaded
    print(f"\n{'first page (50)':36} {'p50 ms':>8} {'p95 ms':>8}  rows")
    results = {}
    for name, criteria in cases.items():
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            page = services.jobs.search(cm, criteria)  # type: ignore[attr-defined]
            times.append((time.perf_counter() - t) * 1000)
        results[name] = times
        print(f"{name:36} {statistics.median(times):8.2f} {pct(times, 95):8.2f}  {len(page.rows)}")
    # the same page by hand (25 miles), plain sqlite3
    lat, lon = 39.0553, -95.6802
    south, north, west, east = bounding_box(lat, lon, 25)
    miles_per_deg = 69.09
    params = {"soc": "51-4121", "broad": "51-412", "minor": "51-41", "lat": lat, "lon": lon,
              "cos2": math.cos(math.radians(lat)) ** 2, "south": south, "north": north, "west": west, "east": east,
              "max_d2": (25 / miles_per_deg) ** 2}
    conn = sqlite3.connect(path)
    hand = []
    for _ in range(args.runs):
        t = time.perf_counter()
        rows = conn.execute(HAND_SQL, params).fetchall()
        hand.append((time.perf_counter() - t) * 1000)
    ours = results["SOC 51-4121 + ZIP 66603, 25 mi"]
    print(f"{'hand-written sqlite3, same page':36} {statistics.median(hand):8.2f} {pct(hand, 95):8.2f}  {len(rows)}")
    print(f"ratio services / hand-written (p95): {pct(ours, 95) / pct(hand, 95):.1f}x")
    # candidates
    with services.db.session() as session:  # type: ignore[attr-defined]
        from sqlmodel import select

        from jobcenter_tui.db.models import JobPosting

        posting = session.exec(select(JobPosting).where(JobPosting.soc_code == "51-4121", JobPosting.zip == "66603")).first()
        posting_id = posting.id
    print(f"\n{'candidates (first page)':36} {'p50 ms':>8} {'p95 ms':>8}  rows")
    for miles in (25, 100, None):
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            found = services.jobs.candidates(system_actor(), posting_id, miles=miles)  # type: ignore[attr-defined]
            times.append((time.perf_counter() - t) * 1000)
        label = f"{args.seekers:,} seekers, " + (f"{miles} mi" if miles else "anywhere")
        print(f"{label:36} {statistics.median(times):8.2f} {pct(times, 95):8.2f}  {len(found.rows)}")
    services.close()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
