"""The fast paths of job search and candidates rank exactly as ranking every match would.

Many postings share a ZIP's point (and so a distance) and a posting date, and seekers look for
several occupations of one group: the page-by-page results must equal the full ranking
computed here from the tables, whatever the page size.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import text
from sqlmodel import select

from jobcenter_tui.db.geo import zip_point, zips_within
from jobcenter_tui.db.models import Employer, JobPosting, JobSeeker
from jobcenter_tui.domain.jobs import haversine_miles
from jobcenter_tui.services import system_actor
from jobcenter_tui.services.job_search import JobCriteria

ZIPS = ["66603", "66604", "66606", "66611", "66044", "66049", "66502", "67202"]  # Topeka, Lawrence, Manhattan, Wichita
SOCS = ["51-4121", "51-4122", "51-4111", "51-4041", "47-3019"]


def _tier(code: str, wanted: str) -> int | None:
    if code == wanted:
        return 0
    if code[:6] == wanted[:6]:
        return 1
    if code[:5] == wanted[:5]:
        return 2
    return None


def _pages(fetch, size: int) -> list[str]:  # type: ignore[no-untyped-def]
    out: list[str] = []
    for page in range(1000):
        rows = fetch(page, size)
        out += rows
        if len(rows) < size:
            return out
    raise AssertionError("paging never ended")


def test_search_pages_equal_the_full_ranking(services, admin) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(4)
    today = services.today()
    with services.db.session(write=True) as session:
        emp = Employer(name="Prairie Steel")
        session.add(emp)
        session.flush()
        for i in range(240):
            z = rng.choice(ZIPS)
            lat, lon = zip_point(z) or (None, None)
            session.add(JobPosting(employer_id=emp.id, title=f"Job {i}", soc_code=rng.choice(SOCS),
                                   description=rng.choice(["welding", "driving"]), city="X", state="KS", zip=z,
                                   wage_min=Decimal(rng.randint(12, 30)), wage_max=Decimal(31), wage_unit="hour",
                                   job_type="full_time", posted_date=today - timedelta(days=rng.randint(0, 3)),
                                   status=rng.choice(["active"] * 5 + ["filled"]),
                                   visibility=rng.choice(["public", "staff_referral_only"]), latitude=lat, longitude=lon))
        postings = session.exec(select(JobPosting)).all()
    center = zip_point("66603")
    assert center is not None

    def expected(miles: float, words: bool, staff: bool) -> list[str]:
        ranked = []
        for p in postings:
            d = haversine_miles(*center, p.latitude, p.longitude)
            tier = _tier(p.soc_code or "", "51-4121")
            if p.status != "active" or d > miles or (not staff and p.visibility == "staff_referral_only"):
                continue
            if words and "welding" not in (p.description or ""):
                continue
            if not words and tier is None:
                continue
            ranked.append(((3 if tier is None else tier), d, -p.posted_date.toordinal(), p.id))
        return [r[3] for r in sorted(ranked)]

    for miles in (10, 30, 60, 200):
        for words in (False, True):
            criteria = JobCriteria(soc_codes=("51-4121",), words="weld" if words else "", zip="66603", miles=miles)
            want = expected(miles, words, staff=True)
            assert want, (miles, words)
            for size in (3, 7, 50):
                got = _pages(lambda page, size, c=criteria: [r.id for r in services.jobs.search(
                    admin, c, page=page, page_size=size).rows], size)
                assert got == want, (miles, words, size)


def _seeker(i: int, z: str, codes: list[str], authorized: bool) -> str:
    return json.dumps({
        "id": f"00000000-0000-4000-8000-{i:012d}", "first_name": f"Sam{i}", "last_name": "Seeker",
        "date_of_birth": "1985-02-03", "sex": "male", "authorized_to_work": authorized,
        "selective_service": {"status": "registered"},
        "address": {"line1": "1 Main St", "city": "Topeka", "state": "KS", "zip": z},
        "preferences": {"desired_occupations": [{"soc_code": c, "title": "Job"} for c in codes]}})


def test_candidates_pages_equal_the_full_ranking(services, admin) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(7)
    records = [_seeker(i, rng.choice(ZIPS), rng.sample(SOCS, rng.randint(1, 3)), rng.random() < 0.85)
               for i in range(60)]
    services.seekers.import_records(system_actor(), records)
    with services.db.session(write=True) as session:
        emp = Employer(name="Prairie Steel")
        session.add(emp)
        session.flush()
        lat, lon = zip_point("66603") or (None, None)
        posting = JobPosting(employer_id=emp.id, title="Welder", soc_code="51-4121", zip="66603", status="active",
                             visibility="public", posted_date=date(2026, 1, 5), latitude=lat, longitude=lon)
        session.add(posting)
        session.flush()
        posting_id = posting.id
    # activity, ZIP and authorization change after the rows were written: the copies follow
    base = datetime(2026, 1, 1, tzinfo=UTC)
    with services.db.session(write=True) as session:
        seekers = session.exec(select(JobSeeker)).all()
        for i, s in enumerate(seekers):
            s.last_activity_at = base + timedelta(days=rng.randint(0, 4))
            if i % 4 == 0:
                s.address_zip = ZIPS[(ZIPS.index(s.address_zip) + 3) % len(ZIPS)]
            if i % 7 == 1:
                s.authorized_to_work = not s.authorized_to_work
    with services.db.session() as session:
        seekers = session.exec(select(JobSeeker)).all()
        occupations = session.execute(text("SELECT seeker_id, soc_code FROM seeker_occupation")).all()

    for miles in (10, 60, None):
        near = zips_within(lat, lon, float(miles)) if miles else None
        ranked = []
        for s in seekers:
            tiers = [t for sid, code in occupations if sid == s.id and (t := _tier(code, "51-4121")) is not None]
            if not tiers or not s.authorized_to_work or (near is not None and s.address_zip not in near):
                continue
            ranked.append((min(tiers), near[s.address_zip] if near else 0, -s.last_activity_at.timestamp(), s.id))
        want = [r[3] for r in sorted(ranked)]
        assert len(want) > 5, miles
        for size in (3, 7, 50):
            got = _pages(lambda page, size, m=miles: [c.seeker_id for c in services.jobs.candidates(
                admin, posting_id, miles=m, page=page, page_size=size).rows], size)
            assert got == want, (miles, size)
