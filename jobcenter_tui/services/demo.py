"""Demo data: a realistic, deterministic store for training, screenshots and benchmarks.

Names and addresses come from Faker (seeded), drawn into pools once and then combined with a
seeded ``random.Random``, so 100,000 seekers take seconds rather than minutes and the same seed
always gives the same store. Seekers are written with bulk inserts; the FTS triggers index them.

All or nothing: the first transaction marks the store ``demo_store=building``, the last one marks it
complete (``true``) and writes the audit rows, so a run killed at any moment leaves a store that is
empty or recognised as half-built. A half-built store holds demo rows only (no audit rows); the next
``seed`` deletes them in small transactions (resumable if killed too) and builds it again. A lock
(a file lock next to a SQLite store, an advisory lock on PostgreSQL) keeps two runs from meeting.
"""

from __future__ import annotations

import math
import os
import random
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, Connection, Integer, delete, func, insert, text
from sqlmodel import SQLModel, col, select

from jobcenter_tui.db.models import (
    AppMeta,
    Employer,
    EmployerContact,
    Enrollment,
    EnrollmentStatusChange,
    Introduction,
    JobLead,
    JobPosting,
    JobSeeker,
    Referral,
    Resume,
    ServiceRecord,
    Staff,
)
from jobcenter_tui.domain.employers import VALID_FEIN_PREFIXES
from jobcenter_tui.domain.permissions import Actor
from jobcenter_tui.domain.ssn import Ssn
from jobcenter_tui.services.audit import AuditEvent, append_audit_events
from jobcenter_tui.services.crypto import Keyring
from jobcenter_tui.services.errors import ServiceError
from jobcenter_tui.services.seeker_mapping import SECTION_COLUMNS

if TYPE_CHECKING:
    from jobcenter_tui.services import Services

DEMO_PASSWORD = "try the demo store"  # passes password_problems for every demo account (tested)

# app_meta "demo_store": BUILDING from the first transaction of a run, COMPLETE in its last one.
DEMO_MARKER = "demo_store"
BUILDING = "building"
COMPLETE = "true"
# What ``state`` says about a store.
EMPTY, DEMO_COMPLETE, HALF_BUILT, HOLDS_DATA = "empty", "complete", "half_built", "holds_data"
HALF_BUILT_MESSAGE = ("The demo store was interrupted before it was complete (or is still being built); "
                      "run 'jobcenter demo' again.")
# Tables a demo run fills (besides app_meta and, in its last transaction, the audit log): a half-built
# store is cleared by deleting their rows. tests/test_trust_demoexits.py checks nothing else is left.
DEMO_TABLES = frozenset({
    "staff", "staff_role", "employer", "employer_contact", "job_posting", "job_seeker", "enrollment",
    "enrollment_status_change", "service", "resume", "referral", "job_lead", "introduction",
})
CHUNK = 5000  # seekers (with their cases and resumes) written per transaction while building
BUILD_CACHE_KIB = 64 * 1024  # SQLite page cache while building (the default is 2 MB)
CLEAR_BATCH = 5000  # rows deleted per transaction when clearing a half-built store
PG_DEMO_LOCK = 727365  # advisory lock id held by a demo run on PostgreSQL


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    office: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("frontdesk", "Pat Front (front desk)", "front_desk", "TOP"),
    DemoAccount("casemgr", "Casey Morgan (case manager)", "case_manager", "TOP"),
    DemoAccount("casemgr2", "Jordan Ellis (case manager)", "case_manager", "WCH"),
    DemoAccount("supervisor", "Sam Rivera (supervisor)", "supervisor", "TOP"),
    DemoAccount("admin", "Alex Kim (administrator)", "admin", "TOP"),
)

OFFICES = {"TOP": ("Topeka", "66603", "20177"), "WCH": ("Wichita", "67202", "20173"), "KCK": ("Kansas City", "66101", "20209")}

OCCUPATIONS = [
    ("51-4121", "Welders, Cutters, Solderers, and Brazers"),
    ("53-3032", "Heavy and Tractor-Trailer Truck Drivers"),
    ("43-4051", "Customer Service Representatives"),
    ("29-1141", "Registered Nurses"),
    ("31-1131", "Nursing Assistants"),
    ("41-2031", "Retail Salespersons"),
    ("47-2111", "Electricians"),
    ("49-9071", "Maintenance and Repair Workers, General"),
    ("15-1232", "Computer User Support Specialists"),
    ("35-2014", "Cooks, Restaurant"),
    ("43-9061", "Office Clerks, General"),
    ("53-7062", "Laborers and Freight, Stock, and Material Movers, Hand"),
    ("51-2092", "Team Assemblers"),
    ("11-9111", "Medical and Health Services Managers"),
    ("13-2011", "Accountants and Auditors"),
]

# What a demo resume says for an occupation: skills, and a certification or license when the job has one.
RESUME_SKILLS = {
    "51": (["MIG welding", "TIG welding", "Blueprint reading", "Grinding", "Shop safety"], "AWS Certified Welder"),
    "53": (["Pre-trip inspection", "Logbooks", "Forklift", "Route planning", "Loading and securing"], "Class A CDL"),
    "43": (["Customer service", "Data entry", "Microsoft Office", "Scheduling", "Phones"], None),
    "29": (["Patient assessment", "Medication administration", "Charting (EHR)", "Care planning"], "Registered Nurse license"),
    "31": (["Vital signs", "Patient care", "Infection control", "Charting"], "Certified Nursing Assistant (CNA)"),
    "41": (["Point of sale", "Merchandising", "Customer service", "Inventory"], None),
    "47": (["Wiring", "Conduit bending", "National Electrical Code", "Troubleshooting"], "Journeyman electrician license"),
    "49": (["Preventive maintenance", "Plumbing repair", "HVAC basics", "Hand and power tools"], None),
    "15": (["Help desk", "Windows", "Networking basics", "Ticketing systems"], "CompTIA A+"),
    "35": (["Line cooking", "Food safety", "Prep", "Inventory"], "ServSafe Food Handler"),
    "11": (["Budgeting", "Staff supervision", "Compliance", "Scheduling"], None),
    "13": (["Bookkeeping", "Reconciliation", "Excel", "Payroll"], None),
}
EDUCATION_WORDS = {"hs_diploma": "High school diploma", "some_postsecondary": "Coursework", "associate": "Associate degree",
                   "bachelor": "Bachelor's degree", "none": None}
# Postings in occupations near the ones seekers want (same broad or minor group) and in towns around
# the offices, so a search shows every rank and distance. (SOC, title, ZIP, city, visibility)
RELATED_POSTINGS = [
    ("51-4121", "Welder - MIG/TIG", "66603", "Topeka", "public"),
    ("51-4121", "Structural Welder", "66044", "Lawrence", "public"),
    ("51-4121", "Pipe Welder (staff referral only)", "66604", "Topeka", "staff_referral_only"),
    ("51-4122", "Welding Machine Operator", "66608", "Topeka", "public"),
    ("51-4111", "Tool and Die Maker", "66502", "Manhattan", "public"),
    ("51-4121", "Welder Fabricator", "67202", "Wichita", "public"),
    ("53-3033", "Delivery Driver (light truck)", "66611", "Topeka", "public"),
    ("29-1171", "Nurse Practitioner", "66606", "Topeka", "public"),
    ("31-1122", "Personal Care Aide", "67114", "Newton", "public"),
    ("43-4171", "Receptionist", "66061", "Olathe", "public"),
    ("47-2061", "Construction Laborer", "66101", "Kansas City", "public"),
    ("35-2015", "Short Order Cook", "67208", "Wichita", "public"),
]

JOB_WORDS = {
    "51-4121": "MIG and TIG welding of steel frames; read blueprints; welding certification preferred.",
    "51-4122": "Set up and run automated welding machines on a production line.",
    "51-4111": "Build and repair dies and tools for metal stamping.",
}

SITUATIONS = (
    ("adult_low_income", 20), ("dislocated", 18), ("veteran", 10), ("youth_osy", 8), ("youth_isy", 6),
    ("employed", 10), ("older_worker", 8), ("self_service", 20),
)


class _Pools:
    def __init__(self, seed: int) -> None:
        from faker import Faker

        fake = Faker("en_US")
        fake.seed_instance(seed)
        self.female = [fake.first_name_female() for _ in range(600)]
        self.male = [fake.first_name_male() for _ in range(600)]
        self.first = self.female + self.male
        self.last = [fake.last_name() for _ in range(2500)]
        self.streets = [fake.street_address() for _ in range(1500)]
        self.companies = [fake.company() for _ in range(800)]
        self.domains = ["example.com", "example.org", "example.net", "mail.example.com"]


def _ssn(rng: random.Random, used: set[str]) -> str:
    while True:
        area = rng.randint(1, 899)
        if area == 666:
            continue
        s = f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"
        if s not in used:
            used.add(s)
            return s


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=UTC)


def _birth(rng: random.Random, today: date, lo: int, hi: int) -> date:
    return today - timedelta(days=rng.randint(lo * 365 + 1, hi * 365 + 300))


class DemoService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def store_is_empty(self) -> bool:
        with self._s.db.session() as session:
            staff = session.exec(select(func.count()).select_from(Staff)).one()
            seekers = session.exec(select(func.count()).select_from(JobSeeker)).one()
        return staff == 0 and seekers == 0

    def _marker(self) -> str | None:
        with self._s.db.session() as session:
            meta = session.get(AppMeta, DEMO_MARKER)
            return meta.value if meta is not None else None

    def is_demo_store(self) -> bool:
        """A complete demo store (a half-built one is not: its sign-ins are never shown)."""
        return self._marker() == COMPLETE

    def is_half_built(self) -> bool:
        """A demo run started here and did not finish (killed, or still running): one key lookup, cheap on every start."""
        return self._marker() == BUILDING

    def state(self) -> str:
        """EMPTY, DEMO_COMPLETE, HALF_BUILT or HOLDS_DATA (real data: demo never goes there)."""
        marker = self._marker()
        if marker == COMPLETE:
            return DEMO_COMPLETE
        if marker == BUILDING:
            return HALF_BUILT
        return EMPTY if self.store_is_empty() else HOLDS_DATA

    @contextmanager
    def _build_lock(self) -> Iterator[None]:
        """One demo run at a time on a store; the lock goes with the process, so a killed run frees it."""
        busy = ServiceError("Another 'jobcenter demo' is building this store; wait for it to finish.")
        path = self._s.settings.sqlite_path
        if path is not None:
            try:
                import fcntl
            except ImportError:  # no flock (Windows): one run at a time is then up to the operator
                yield
                return
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path.with_name(path.name + ".demo-lock"), os.O_RDWR | os.O_CREAT, 0o600)
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise busy from None
                yield
            finally:
                os.close(fd)  # releases the lock; the file stays (removing it would race another run)
        elif self._s.db.dialect == "postgresql":
            with self._s.db.engine.connect() as conn:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": PG_DEMO_LOCK}).scalar():
                    raise busy
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_DEMO_LOCK})
        else:
            yield

    def _clear_half_built(self) -> None:
        """Delete a half-built demo's rows, children first, in small transactions; the marker goes last,
        so a run killed while clearing leaves a store still recognised as half-built."""
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name not in DEMO_TABLES:
                continue
            keys = list(table.primary_key.columns)
            while True:
                with self._s.db.session(write=True) as session:
                    if len(keys) == 1:
                        batch = select(keys[0]).limit(CLEAR_BATCH).scalar_subquery()
                        deleted = session.execute(delete(table).where(keys[0].in_(batch))).rowcount  # type: ignore[attr-defined]
                    else:
                        deleted = 0
                        session.execute(delete(table))
                if deleted < CLEAR_BATCH:
                    break
        with self._s.db.session(write=True) as session:
            session.execute(delete(AppMeta).where(col(AppMeta.key).in_((DEMO_MARKER, "demo_seed"))))

    def seed(
        self,
        actor: Actor,
        seekers: int = 2000,
        seed: int = 2026,
        progress: Callable[[int, int], None] | None = None,
    ) -> dict[str, int]:
        """Fill an empty (or half-built demo) store; refuse one that holds anything else, so demo accounts
        never appear in a real store."""
        if not actor.is_system:
            raise ServiceError("Demo data is made from the command line only")
        with self._build_lock():
            state = self.state()
            if state == HALF_BUILT:
                self._clear_half_built()
            elif state != EMPTY:
                raise ServiceError("The store already holds staff or job seekers; demo data goes only into an empty store")
            return self._build(actor, seekers, seed, progress)

    def _build(self, actor: Actor, seekers: int, seed: int,
               progress: Callable[[int, int], None] | None) -> dict[str, int]:
        rng = random.Random(seed)
        today = self._s.today()
        now = self._s.now()
        pools = _Pools(seed)

        with self._s.unit(actor, write=True) as session:  # first: from here on the store is known as half-built
            session.merge(AppMeta(key=DEMO_MARKER, value=BUILDING))
            session.merge(AppMeta(key="demo_seed", value=str(seed)))
        hasher = self._s.password_hasher
        password_hash = hasher.hash(DEMO_PASSWORD)
        from jobcenter_tui.db.models import StaffRole

        with self._s.unit(actor, write=True) as session:
            for acct in DEMO_ACCOUNTS:
                staff = Staff(username=acct.username, display_name=acct.display_name, office=acct.office,
                              password_hash=password_hash)
                session.add(staff)
                session.flush()
                session.add(StaffRole(staff_id=staff.id, role=acct.role))

        employers, postings = self._employers(rng, pools, today, max(8, seekers // 250))
        made = self._people(rng, seed, pools, today, now, seekers, progress)
        enrollments, records, resumes, published = made
        jobs = self._job_activity(random.Random(seed * 31 + 9), today)  # its own generator: the rest stays as it was
        postings += jobs["postings"]
        with self._s.unit(actor, write=True) as session:  # last: the audit rows and the mark of a complete store
            append_audit_events(session, actor, [
                AuditEvent("demo.staff", changes={"accounts": [a.username for a in DEMO_ACCOUNTS]}),
                AuditEvent("demo.seed", changes={
                    "seed": seed, "seekers": seekers, "employers": employers, "postings": postings,
                    "enrollments": enrollments, "services": records, "resumes": resumes,
                    "referrals": jobs["referrals"], "leads": jobs["leads"],
                }),
            ], at=self._s.now())
            session.merge(AppMeta(key=DEMO_MARKER, value=COMPLETE))
        return {"seekers": seekers, "employers": employers, "postings": postings,
                "enrollments": enrollments, "services": records, "resumes": resumes, "published_resumes": published,
                "staff": len(DEMO_ACCOUNTS), "referrals": jobs["referrals"], "leads": jobs["leads"],
                "introductions": jobs["introductions"]}

    # --- pieces --------------------------------------------------------------------------------

    def _employers(self, rng: random.Random, pools: _Pools, today: date, count: int) -> tuple[int, int]:
        postings = 0
        feins: set[str] = set()
        with self._s.db.session(write=True) as session:
            for i in range(count):
                office = rng.choice(list(OFFICES))
                city, zip_code, _ = OFFICES[office]
                point = _zip_point(zip_code)  # every posting is placed on the map
                fein = _fein(rng)
                while fein in feins:
                    fein = _fein(rng)
                feins.add(fein)
                emp = Employer(
                    id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    name=pools.companies[i % len(pools.companies)], fein=fein,
                    naics=rng.choice(["331512", "484121", "561422", "622110", "238210", "445110", "722511"]),
                    address_line1=rng.choice(pools.streets), address_city=city, address_state="KS",
                    address_zip=zip_code, status="active" if rng.random() < 0.9 else "pending_approval",
                )
                session.add(emp)
                session.add(EmployerContact(
                    id=str(uuid.UUID(int=rng.getrandbits(128), version=4)), employer_id=emp.id,
                    name=f"{rng.choice(pools.first)} {rng.choice(pools.last)}", title="Hiring Manager",
                    phone=f"785555{rng.randint(0, 9999):04d}", email=f"hr{i}@{rng.choice(pools.domains)}",
                ))
                for _ in range(rng.randint(1, 4)):
                    soc, title = rng.choice(OCCUPATIONS)
                    low = rng.choice([13, 15, 17, 19, 22, 26, 31])
                    posted = today - timedelta(days=rng.randint(0, 60))
                    session.add(JobPosting(
                        id=str(uuid.UUID(int=rng.getrandbits(128), version=4)), employer_id=emp.id, title=title,
                        latitude=point[0] if point else None, longitude=point[1] if point else None,
                        soc_code=soc, description=f"{title} wanted at {emp.name}.", city=city, state="KS",
                        zip=zip_code, wage_min=Decimal(low), wage_max=Decimal(low + rng.randint(2, 8)), wage_unit="hour",
                        job_type=rng.choice(["full_time", "full_time", "part_time", "temporary"]),
                        openings=rng.randint(1, 5), posted_date=posted, closing_date=posted + timedelta(days=45),
                        status="active" if rng.random() < 0.8 else rng.choice(["on_hold", "filled", "closed"]),
                        visibility="public" if rng.random() < 0.85 else "staff_referral_only",
                    ))
                    postings += 1
        return count, postings

    def _people(self, rng: random.Random, seed: int, pools: _Pools, today: date, now: datetime, count: int,
                progress: Callable[[int, int], None] | None) -> tuple[int, int, int, int]:
        """Job seekers with their enrollments, services and resumes, CHUNK seekers per transaction.

        Streamed: only one chunk is ever in memory, so a million seekers take no more memory than a
        thousand. Each kind of row has its own random stream, consumed in seeker order, so the store
        does not depend on the chunk size. The FTS and occupation triggers index the rows as they go in.
        """
        ssns = _Ssns(random.Random(f"ssn:{seed}"))
        cases_rng, resumes_rng = random.Random(f"cases:{seed}"), random.Random(f"resumes:{seed}")
        youth_after = _years_before(today, 25)
        writer = _Writer(self._s.db.engine.dialect)
        keyring = self._s.keyring
        totals = [0, 0, 0, 0]  # enrollments, services, resumes, published resumes
        done = 0
        while done < count:
            seekers: list[dict[str, Any]] = []
            enrollments: list[dict[str, Any]] = []
            changes: list[dict[str, Any]] = []
            records: list[dict[str, Any]] = []
            resumes: list[dict[str, Any]] = []
            for _ in range(min(CHUNK, count - done)):
                rec = self._record(rng, pools, today, ssns)
                cols = seeker_columns(rec, keyring)
                activity = now - timedelta(days=rng.randint(0, 400), minutes=rng.randint(0, 600))
                cols.update(version=1, created_at=activity, created_by="demo", updated_at=activity,
                            updated_by="demo", last_activity_at=activity)
                seekers.append(cols)
                if cols["account_type"] != "staff_assisted":
                    continue
                kind = "dislocated" if "dislocation" in rec else (
                    "youth" if cols["education_school_status"] and cols["date_of_birth"] > youth_after else "other")
                _case(cases_rng, today, cols["id"], kind, enrollments, changes, records)
                if resumes_rng.random() < 0.4:
                    totals[3] += _resume(resumes_rng, pools, today, cols, resumes)
            with self._s.db.session(write=True) as session:
                conn = session.connection()
                writer.build_pragmas(conn)
                for table, rows in ((JobSeeker, seekers), (Enrollment, enrollments), (EnrollmentStatusChange, changes),
                                    (ServiceRecord, records), (Resume, resumes)):
                    writer.insert(conn, table, rows)
            done += len(seekers)
            totals[0] += len(enrollments)
            totals[1] += len(records)
            totals[2] += len(resumes)
            if progress:
                progress(done, count)
        writer.done()
        return totals[0], totals[1], totals[2], totals[3]

    def _job_activity(self, rng: random.Random, today: date) -> dict[str, int]:
        """Postings near the offices in related occupations (same broad or minor group, other towns), every
        posting placed on the map, and leads, referrals in every status and introductions with their services."""
        from jobcenter_tui.domain.jobs import REFERRAL_STATUSES

        def new_id() -> str:
            return str(uuid.UUID(int=rng.getrandbits(128), version=4))

        counts = {"postings": 0, "referrals": 0, "leads": 0, "introductions": 0}
        with self._s.db.session(write=True) as session:
            employers = session.exec(select(Employer).order_by(Employer.name, Employer.id)).all()
            contacts = {c.employer_id: c.id for c in session.exec(select(EmployerContact)).all()}
            for i, (soc, title, zip_code, city, visibility) in enumerate(RELATED_POSTINGS):
                emp = employers[i % len(employers)]
                low = rng.choice([16, 18, 21, 24])
                posted = today - timedelta(days=rng.randint(0, 20))
                point = _zip_point(zip_code)
                session.add(JobPosting(
                    latitude=point[0] if point else None, longitude=point[1] if point else None,
                    id=new_id(), employer_id=emp.id, title=title, soc_code=soc,
                    description=JOB_WORDS.get(soc, f"{title} wanted at {emp.name}."), city=city, state="KS", zip=zip_code,
                    wage_min=Decimal(low), wage_max=Decimal(low + 6), wage_unit="hour", job_type="full_time", openings=2,
                    posted_date=posted, closing_date=posted + timedelta(days=45), status="active", visibility=visibility))
                counts["postings"] += 1
            session.flush()
            active = session.exec(select(JobPosting).where(JobPosting.status == "active")
                                  .order_by(JobPosting.posted_date.desc(), JobPosting.id)).all()  # type: ignore[union-attr]
            by_soc: dict[str, list[JobPosting]] = {}
            for posting in active:
                by_soc.setdefault(posting.soc_code or "", []).append(posting)
            seekers = session.exec(select(JobSeeker).where(JobSeeker.account_type == "staff_assisted",
                                                           JobSeeker.authorized_to_work.is_(True))  # type: ignore[union-attr]
                                   .order_by(col(JobSeeker.pk)).limit(60)).all()
            services: list[dict[str, Any]] = []
            leads: list[dict[str, Any]] = []
            referrals: list[dict[str, Any]] = []
            intros: list[dict[str, Any]] = []
            statuses = list(REFERRAL_STATUSES)
            for n, seeker in enumerate(seekers):
                wanted = (seeker.preferences_desired_occupations or [{}])[0].get("soc_code", "")
                postings = by_soc.get(wanted)
                if not postings:
                    continue
                posting = postings[n % len(postings)]
                day = today - timedelta(days=rng.randint(3, 40))

                staff = seeker.case_manager or "casemgr"

                def service(code: str, on: date, note: str, seeker_id: str = seeker.id, staff: str = staff) -> str:
                    sid = new_id()
                    services.append({"id": sid, "version": 1, "seeker_id": seeker_id, "enrollment_id": None, "code": code,
                                     "status": "completed", "start_date": on, "end_date": on, "staff": staff,
                                     "provider": None, "notes": note, "cost": None, "gap_reason": None, "created_at": _at(on)})
                    return sid

                if counts["referrals"] < 2 * len(statuses):
                    status = statuses[counts["referrals"] % len(statuses)]
                    hired = status == "hired"
                    referrals.append({"id": new_id(), "version": 1, "seeker_id": seeker.id, "posting_id": posting.id,
                                      "status": status, "referred_at": _at(day), "staff": staff,
                                      "outcome_at": None if status == "referred" else _at(day + timedelta(days=5)),
                                      "outcome_by": None if status == "referred" else staff,
                                      "hire_date": day + timedelta(days=5) if hired else None,
                                      "hire_wage": posting.wage_min if hired else None, "hire_wage_unit": "hour" if hired else None,
                                      "service_id": service("B04", day, f"Referred to {posting.title}")})
                    counts["referrals"] += 1
                if n % 2 == 0:
                    lead_posting = postings[(n + 1) % len(postings)]
                    leads.append({"id": new_id(), "seeker_id": seeker.id, "posting_id": lead_posting.id, "sent_at": _at(day),
                                  "staff": staff, "channel": ("email", "phone", "in_person", "text")[n % 4],
                                  "service_id": service("B03", day, f"Job lead: {lead_posting.title}")})
                    counts["leads"] += 1
                if n % 5 == 0:
                    intros.append({"id": new_id(), "seeker_id": seeker.id, "employer_id": posting.employer_id,
                                   "contact_id": contacts.get(posting.employer_id), "date": day,
                                   "outcome": "Interview arranged", "staff": staff,
                                   "service_id": service("B05", day, "Introduced to the employer")})
                    counts["introductions"] += 1
            for table, rows in ((ServiceRecord, services), (JobLead, leads), (Referral, referrals), (Introduction, intros)):
                if rows:
                    session.execute(insert(table), rows)
        return counts

    def _record(self, rng: random.Random, pools: _Pools, today: date, used: set[str] | Callable[[], str]) -> dict[str, Any]:
        """One demo record in the record layout. ``used``: the SSNs given so far (a set), or an ``_Ssns``."""
        situation = rng.choices([s for s, _ in SITUATIONS], weights=[w for _, w in SITUATIONS])[0]
        female = rng.random() < 0.5
        first = rng.choice(pools.female if female else pools.male)
        last = rng.choice(pools.last)
        office = rng.choices(list(OFFICES), weights=[5, 4, 2])[0]
        city, zip_code, fips = OFFICES[office]
        staff_assisted = situation != "self_service"
        ages = {"youth_osy": (16, 24), "youth_isy": (14, 21), "older_worker": (55, 72)}.get(situation, (22, 58))
        rec: dict[str, Any] = {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "account_type": "staff_assisted" if staff_assisted else "self_service",
            "first_name": first, "last_name": last,
            "date_of_birth": _birth(rng, today, *ages).isoformat(),
            "sex": "female" if female else "male",
            "email": f"{first}.{last}{rng.randint(1, 999)}@{rng.choice(pools.domains)}".lower().replace(" ", "").replace("'", ""),
            "phone": f"{rng.choice(['785', '316', '913'])}-555-{rng.randint(0, 9999):04d}",
            "address": {"line1": rng.choice(pools.streets), "city": city, "state": "KS", "zip": zip_code},
            "authorized_to_work": rng.random() > 0.02,
            "veteran": {"status": "none"},
            "hispanic_latino": rng.random() < 0.13,
            "race": [rng.choices(["white", "black", "asian", "american_indian_alaska_native", "native_hawaiian_pacific_islander"],
                                 weights=[72, 12, 5, 2, 1])[0]],
            "disability": rng.random() < 0.08,
            "education": {"highest_level": rng.choice(["hs_diploma", "hs_diploma", "some_postsecondary", "associate", "bachelor"]),
                          "school_status": "not_attending_graduate"},
            "employment": {"status": "unemployed", "ui_status": rng.choice(["claimant", "not_claimant"]),
                           "weeks_unemployed": rng.randint(0, 40)},
            "income": {"family_size": rng.randint(1, 6)},
            "preferences": {"desired_occupations": [dict(zip(("soc_code", "title"), rng.choice(OCCUPATIONS), strict=True))],
                            "job_types": ["full_time"]},
        }
        if rng.random() < 0.04:
            rec["ssn_not_provided"] = True
        elif staff_assisted or rng.random() < 0.5:
            rec["ssn"] = _ssn(rng, used) if isinstance(used, set) else used()
        if not staff_assisted:
            for key in ("veteran", "disability", "hispanic_latino", "race"):
                rec.pop(key, None)
            return rec
        rec["office"] = office
        rec["case_manager"] = "casemgr2" if office == "WCH" else "casemgr"
        rec["address"]["county_fips"] = fips
        size = rec["income"]["family_size"]
        low = rng.random() < 0.5
        rec["income"].update({
            "annual_family_income": rng.randint(6000, 15000 + 5000 * size) if low else rng.randint(40000, 95000),
            "snap": low and rng.random() < 0.5, "tanf": low and rng.random() < 0.15,
        })
        male_selective = not female and situation != "older_worker"
        if male_selective:
            rec["selective_service"] = {"status": "registered" if rng.random() < 0.93 else "not_registered"}
        if situation == "dislocated":
            reason = rng.choice(["laid_off", "plant_closure", "layoff_notice", "closure_announced_with_date", "terminated"])
            rec["dislocation"] = {"reason": reason, "date": (today - timedelta(days=rng.randint(5, 200))).isoformat(),
                                  "employer": rng.choice(pools.companies), "ui_eligible_or_exhausted": True}
            rec["employment"]["unlikely_to_return"] = True
            rec["employment"]["ui_status"] = "claimant"
            if rng.random() < 0.1:
                rec["taa"] = {"petition_number": f"TA-W-{rng.randint(90000, 99999)}", "certified": True}
        elif situation == "veteran":
            days = rng.choice([120, 181, 400, 1460, 2920])
            rec["veteran"] = {"status": "veteran", "active_duty_days": days, "discharge": rng.choice(["honorable", "honorable", "general"]),
                              "disabled_veteran": rng.random() < 0.25,
                              "separation_date": (today - timedelta(days=rng.randint(60, 3000))).isoformat()}
            if male_selective:
                rec["selective_service"] = {"status": "exempt"}
        elif situation in ("youth_osy", "youth_isy"):
            if situation == "youth_isy":
                rec["education"] = {"highest_grade_completed": rng.randint(8, 11), "highest_level": "none",
                                    "school_status": rng.choice(["in_secondary", "in_alternative"])}
                rec["employment"] = {"status": "not_in_labor_force"}
            else:
                rec["education"] = {"highest_level": rng.choice(["none", "hs_diploma"]),
                                    "school_status": rng.choice(["not_attending_dropout", "not_attending_graduate"])}
            rec["income"]["free_reduced_lunch"] = rng.random() < 0.6
            rec["barriers"] = {"basic_skills_deficient": rng.random() < 0.4, "pregnant_or_parenting": rng.random() < 0.15,
                               "homeless": rng.random() < 0.05, "needs_additional_assistance": rng.random() < 0.3}
        elif situation == "employed":
            rec["employment"] = {"status": "employed", "ui_status": "not_claimant"}
        return rec


def _fein(rng: random.Random) -> str:
    """A FEIN with a prefix the IRS assigns (an unassigned one moves to the next valid prefix, so the
    random sequence, and with it the rest of the demo, stays the same)."""
    prefix, serial = rng.randint(10, 99), rng.randint(0, 9999999)
    while f"{prefix:02d}" not in VALID_FEIN_PREFIXES:
        prefix = prefix % 99 + 1
    return f"{prefix:02d}{serial:07d}"


@lru_cache(maxsize=64)
def _zip_point(zip_code: str) -> tuple[float, float] | None:
    """``db.geo.zip_point`` for the demo's few ZIPs, looked up one by one: the whole ZIP table (about 150 MB
    in memory) is never loaded by a demo run (tests/test_demo.py checks both agree)."""
    import zipcodes

    found = zipcodes.matching(zip_code)
    try:
        return (float(found[0]["lat"]), float(found[0]["long"])) if found else None
    except (KeyError, TypeError, ValueError):
        return None


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class _Ssns:
    """Unique, valid SSNs without remembering the ones given: the n-th is a fixed permutation (an affine
    map modulo the number of valid SSNs) of n, so memory stays flat however many seekers there are."""

    _AREAS = [a for a in range(1, 900) if a != 666]
    _SPACE = len(_AREAS) * 99 * 9999

    def __init__(self, rng: random.Random) -> None:
        while True:
            self._step = rng.randrange(self._SPACE // 3, self._SPACE)
            if math.gcd(self._step, self._SPACE) == 1:
                break
        self._offset = rng.randrange(self._SPACE)
        self._n = 0

    def __call__(self) -> str:
        x = (self._step * self._n + self._offset) % self._SPACE
        self._n += 1
        x, serial = divmod(x, 9999)
        area, group = divmod(x, 99)
        return f"{self._AREAS[area]:03d}-{group + 1:02d}-{serial + 1:04d}"


_SEEKER_COLUMNS = [c.name for c in JobSeeker.__table__.columns if c.name != "pk"]  # type: ignore[attr-defined]
_SECTION_COLUMN = {section: dict(fields) for section, fields in SECTION_COLUMNS.items()}
_DATE_COLUMNS = frozenset({"date_of_birth", "veteran_separation_date", "dislocation_date", "taa_separation_date"})
_MONEY_COLUMNS = frozenset({"income_annual_family_income", "income_annual_individual_income",
                            "preferences_desired_hourly_wage"})


def seeker_columns(rec: dict[str, Any], keyring: Keyring) -> dict[str, Any]:
    """The job_seeker row of a demo record, as ``record_columns(parse_record(rec))`` makes it, without
    validating: the generator only writes valid records (tests/test_demo.py checks both agree)."""
    cols: dict[str, Any] = dict.fromkeys(_SEEKER_COLUMNS)
    for key, value in rec.items():
        section = _SECTION_COLUMN.get(key)
        if section is not None:
            for field, item in value.items():
                cols[section[field]] = item
        elif key == "ssn":
            ssn = Ssn(value)
            cols["ssn_cipher"] = keyring.encrypt(ssn)
            cols["ssn_index"] = keyring.blind_index(ssn)
            cols["ssn_last4_index"] = keyring.last4_index(ssn.last4)
        elif key == "phone":
            cols["phone"] = value.replace("-", "")
        elif key == "email":
            cols["email"], cols["email_lower"] = value, value.lower()
        else:
            cols[key] = value
    for column in _DATE_COLUMNS:
        if cols[column] is not None:
            cols[column] = date.fromisoformat(cols[column])
    for column in _MONEY_COLUMNS:
        if cols[column] is not None:
            cols[column] = Decimal(cols[column])
    if cols["account_type"] is None:
        cols["account_type"] = "staff_assisted"
    return cols


class _Writer:
    """Many rows of a table in one statement: on SQLite one ``executemany`` of ready tuples, each value put
    in its stored form by the column type's own bind processor (so a row is stored exactly as a Core insert
    stores it, without SQLAlchemy's per-row work); elsewhere a Core ``insert`` with the list of rows."""

    def __init__(self, dialect: Any) -> None:
        self._dialect = dialect
        self._sqlite = dialect.name == "sqlite"
        self._plans: dict[str, tuple[str, list[str], list[tuple[int, Any]]]] = {}
        self._pragmas: Any = None

    def build_pragmas(self, conn: Connection) -> None:
        """A bigger page cache while the demo is built (its random-key indexes outgrow the default 2 MB);
        journal and synchronous stay as they are, so every committed chunk is as safe as any write."""
        if self._sqlite:
            raw: Any = conn.connection.driver_connection
            if self._pragmas is None:
                self._pragmas = (raw, raw.execute("PRAGMA cache_size").fetchone()[0])
            raw.execute(f"PRAGMA cache_size=-{BUILD_CACHE_KIB}")

    def done(self) -> None:
        if self._pragmas is not None:
            raw, size = self._pragmas
            raw.execute(f"PRAGMA cache_size={int(size)}")

    def _plan(self, table: Any) -> tuple[str, list[str], list[tuple[int, Any]]]:
        plan = self._plans.get(table.name)
        if plan is None:
            columns = [c for c in table.columns if not (c.primary_key and c.autoincrement is True
                                                         or (c.primary_key and isinstance(c.type, Integer)))]
            quote = self._dialect.identifier_preparer.quote
            sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) "
                   f"VALUES ({', '.join('?' for _ in columns)})")
            processors = []
            for i, c in enumerate(columns):
                process = c.type.dialect_impl(self._dialect).bind_processor(self._dialect)
                if process is None or isinstance(c.type, Boolean):  # sqlite3 binds a bool as the integer 0/1 itself
                    continue
                if not isinstance(c.type, JSON):  # dates, times, money repeat: each distinct value converted once
                    process = _remembered(process)
                processors.append((i, process))
            plan = self._plans[table.name] = (sql, [c.name for c in columns], processors)
        return plan

    def insert(self, conn: Connection, model: Any, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        table = model.__table__
        if not self._sqlite:
            conn.execute(insert(table), rows)
            return
        sql, names, processors = self._plan(table)
        params = []
        for row in rows:
            values = [row.get(name, _ABSENT) for name in names]
            for i, process in processors:
                value = values[i]
                values[i] = None if value is _ABSENT else process(value)
            params.append([None if v is _ABSENT else v for v in values])
        raw: Any = conn.connection.driver_connection
        raw.executemany(sql, params)


def _remembered(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A bind processor (a pure function of its value) that converts each distinct value once."""
    seen: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            if len(seen) > 20_000:  # flat memory: forget, start again
                seen.clear()
            out = seen[value] = process(value)
            return out

    return remembered


_ABSENT = object()  # a column a row leaves out: NULL (a JSON column's None is JSON null, as in a Core insert)


class _Contact(dict[str, Any]):
    """A column dict read like a row (``contact_from_record`` reads attributes)."""

    def __getattr__(self, name: str) -> Any:
        return self.get(name)


def _new_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _case(rng: random.Random, today: date, seeker_id: str, kind: str, enrollments: list[dict[str, Any]],
          changes: list[dict[str, Any]], records: list[dict[str, Any]]) -> None:
    """About a third of staff-assisted seekers have an enrollment, its status history and its services."""
    if rng.random() > 0.35:
        return
    program = {"dislocated": "WIOA_DW", "youth": "WIOA_YOUTH"}.get(kind) or rng.choice(["WP", "WP", "WIOA_ADULT"])
    status = rng.choices(["pending", "open", "closed"], weights=[15, 60, 25])[0]
    start = today - timedelta(days=rng.randint(10, 300))
    eid = _new_id(rng)
    row: dict[str, Any] = {
        "id": eid, "version": 1, "seeker_id": seeker_id, "program": program, "status": status,
        "youth_category": ("OSY" if rng.random() < 0.6 else "ISY") if program == "WIOA_YOUTH" else None,
        "attested_by": "casemgr", "attested_at": _at(start),
        "participation_date": None, "exit_date": None, "exit_reason": None, "closed_by": None,
        "created_at": _at(start), "created_by": "casemgr",
        "eligibility_snapshot": None, "attestation": {"documents": ["proof_of_identity"], "note": "demo data"},
        "determination_id": None,
    }
    changes.append({"enrollment_id": eid, "from_status": None, "to_status": "pending",
                    "at": row["created_at"], "by": "casemgr", "reason": "enrolled (demo)"})
    if status != "pending":
        row["participation_date"] = start
        changes.append({"enrollment_id": eid, "from_status": "pending", "to_status": "open",
                        "at": _at(start), "by": "casemgr", "reason": "first participation service"})
        day = start
        for code in ["B01", "B02"] + rng.sample(["B03", "B07", "I01", "I03", "T01", "U01"], rng.randint(0, 3)):
            records.append({"id": _new_id(rng), "version": 1, "seeker_id": seeker_id, "enrollment_id": eid, "code": code,
                            "status": "completed", "start_date": day, "end_date": day, "staff": "casemgr",
                            "provider": None, "notes": None, "cost": None, "gap_reason": None,
                            "created_at": _at(day)})
            day = day + timedelta(days=rng.randint(1, 20))
        if status == "closed":
            last = records[-1]["end_date"]
            row.update(exit_date=last, exit_reason=rng.choice(["completed", "other"]), closed_by="casemgr")
            changes.append({"enrollment_id": eid, "from_status": "open", "to_status": "closed",
                            "at": _at(last), "by": "casemgr", "reason": "exit"})
    enrollments.append(row)


def _resume(rng: random.Random, pools: _Pools, today: date, seeker: dict[str, Any], rows: list[dict[str, Any]]) -> bool:
    """A resume on the seeker's desired occupation, most published; some have a second, draft version.
    Returns whether the first is published."""
    from jobcenter_tui.services.resumes import contact_from_record

    wanted = (seeker["preferences_desired_occupations"] or [{}])[0]
    soc, title = wanted.get("soc_code") or "43-9061", wanted.get("title") or "Office Clerks, General"
    job = title.split(",")[0].removesuffix("s")  # "Welders, Cutters, …" → "Welder"
    skills, license_ = RESUME_SKILLS.get(soc[:2], (["Teamwork", "Reliability", "Customer service"], None))
    year = today.year - rng.randint(1, 6)
    jobs = []
    for n in range(rng.randint(1, 3)):
        end = year - n * rng.randint(2, 5)
        jobs.append({"employer": rng.choice(pools.companies), "title": job,
                     "soc": soc, "start": str(end - rng.randint(1, 6)), "end": str(end) if n or rng.random() < 0.7 else None,
                     "duties": "; ".join(rng.sample(skills, min(2, len(skills))))})
    school = EDUCATION_WORDS.get(seeker["education_highest_level"] or "hs_diploma")
    at = _at(today - timedelta(days=rng.randint(1, 200)))
    base = {
        "version": 1, "seeker_id": seeker["id"], "objective": f"Full-time work as {'an' if job[0] in 'AEIOU' else 'a'} {job.lower()}.",
        "contact": contact_from_record(_Contact(seeker)),  # type: ignore[arg-type]
        "work_history": jobs,
        "education": [{"school": f"{seeker['address_city'] or 'Topeka'} High School" if school == "High school diploma"
                       else "Washburn Institute of Technology", "credential": school, "year": str(year - 10)}]
                     if school else [],
        "skills": rng.sample(skills, min(len(skills), rng.randint(3, 5))),
        "certifications": [{"name": license_, "issuer": None, "year": str(year - 2)}] if license_ else [],
        "references": [{"name": f"{rng.choice(pools.first)} {rng.choice(pools.last)}",
                        "relationship": "Former supervisor", "contact": f"785-555-{rng.randint(0, 9999):04d}"}],
        "additional": None, "source_document_id": None, "created_at": at, "updated_at": at,
    }
    is_published = rng.random() < 0.7
    rows.append({**base, "id": _new_id(rng), "title": f"{job} resume", "status": "active" if is_published else "draft",
                 "published": is_published})
    if rng.random() < 0.2:
        rows.append({**base, "id": _new_id(rng), "title": "General resume", "status": "draft", "published": False,
                     "objective": "Steady full-time work close to home."})
    return is_published
