"""Job search: active postings ranked for a job seeker, and the other way, candidates for a posting.

Ranking (``domain.jobs``): the same detailed occupation, then the same broad group, then the same
minor group, then postings found by their words only; then nearer; then newer. Words narrow the
search (titles and descriptions, the name-search rules: accents folded, prefixes); the seeker's
occupations rank what the words found, and filter only when no words are typed. A radius keeps
the postings within that many miles of a ZIP or a city (offline ZIP data): a latitude/longitude box
in SQL, then the exact great-circle distance here. Postings for staff referral only are shown to
staff and never to anyone else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sqlmodel import select

from jobcenter_tui.db.geo import city_point, zip_point, zips_within
from jobcenter_tui.db.job_search import (
    PostingFilters,
    candidate_page,
    posting_days,
    posting_page,
    posting_points,
    postings_at,
    postings_by_id,
)
from jobcenter_tui.db.models import Employer, EmployerContact, JobPosting, JobSeeker, Referral
from jobcenter_tui.db.search import fts_query
from jobcenter_tui.domain.jobs import (
    JOB_TYPES,
    KEYWORD,
    MAX_PAGE,
    STAFF_REFERRAL_ONLY,
    TIER_LABELS,
    bounding_box,
    haversine_miles,
    hourly,
    is_soc,
    rank_key,
)
from jobcenter_tui.domain.permissions import Actor, Privilege
from jobcenter_tui.services.common import display_name, seeker_row
from jobcenter_tui.services.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from jobcenter_tui.services import Services

DEFAULT_MILES = 25
MAX_MILES = 500


@dataclass(frozen=True)
class JobCriteria:
    """What staff ask for; every field may be empty."""

    soc_codes: tuple[str, ...] = ()
    words: str = ""
    zip: str = ""
    city: str = ""
    state: str = ""
    miles: int | None = None
    min_wage: Decimal | None = None
    wage_unit: str = "hour"  # what min_wage is per: hour | year
    job_type: str = ""


@dataclass(frozen=True)
class PostingSummary:
    id: str
    title: str
    employer: str
    soc_code: str | None
    place: str  # "Topeka, KS 66603"
    wage: str  # "$18.00-$24.00 an hour"
    job_type: str | None
    posted_date: date | None
    miles: float | None
    match: str  # "same occupation", "same broad group", …, or "" without occupations
    staff_referral_only: bool


@dataclass(frozen=True)
class PostingPage:
    criteria: JobCriteria
    rows: tuple[PostingSummary, ...]
    page: int
    page_size: int
    has_more: bool
    message: str


@dataclass(frozen=True)
class ContactView:
    id: str
    name: str
    title: str | None


@dataclass(frozen=True)
class PostingReferral:
    seeker_id: str
    name: str
    status: str
    referred_at: date


@dataclass(frozen=True)
class PostingDetail:
    summary: PostingSummary
    description: str
    openings: int
    closing_date: date | None
    education_wanted: str | None
    experience_wanted: str | None
    employer_id: str
    contacts: tuple[ContactView, ...]
    referrals: tuple[PostingReferral, ...] = field(default=())


@dataclass(frozen=True)
class Candidate:
    seeker_id: str
    name: str
    place: str
    miles: float | None
    match: str
    from_resume: bool
    last_activity: date | None = None  # when the case last saw anything done: who is still looking


@dataclass(frozen=True)
class CandidatePage:
    posting_id: str
    title: str
    rows: tuple[Candidate, ...]
    page: int
    has_more: bool
    message: str


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def wage_text(low: Any, high: Any, unit: str | None) -> str:
    if low is None and high is None:
        return ""
    per = {"hour": "an hour", "week": "a week", "month": "a month", "year": "a year"}.get(unit or "hour", "")
    values = [Decimal(str(v)) for v in (low, high) if v is not None]
    money = [f"${v:,.2f}" if v < 1000 else f"${v:,.0f}" for v in values]
    return f"{'-'.join(dict.fromkeys(money))} {per}".strip()


def _place(city: str | None, state: str | None, zip_code: str | None) -> str:
    town = ", ".join(p for p in (city, state) if p)
    return f"{town} {zip_code or ''}".strip()


class JobSearchService:
    def __init__(self, services: Services) -> None:
        self._s = services

    # --- the seeker's side ---------------------------------------------------------------------

    def criteria_for(self, actor: Actor, seeker_id: str) -> JobCriteria:
        """The search a job seeker's record asks for: desired occupations, home ZIP, commute, wage."""
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.unit(actor) as session:
            seeker = seeker_row(session, seeker_id)
            codes = tuple(dict.fromkeys(str(o.get("soc_code")) for o in seeker.preferences_desired_occupations or []
                                        if isinstance(o, dict) and o.get("soc_code")))
            types = seeker.preferences_job_types or []
            return JobCriteria(
                soc_codes=codes, zip=seeker.address_zip or "",
                miles=(seeker.preferences_max_commute_miles or DEFAULT_MILES) if seeker.address_zip else None,
                min_wage=seeker.preferences_desired_hourly_wage, wage_unit="hour",
                job_type=types[0] if len(types) == 1 else "",
            )

    def search(self, actor: Actor, criteria: JobCriteria, *, page: int = 0, page_size: int = MAX_PAGE) -> PostingPage:
        """One page of active postings, best first (at most 50 a page)."""
        staff = actor.kind in ("staff", "system")
        if actor.kind == "staff":
            actor.require(Privilege.SEEKER_VIEW)
        page_size = max(1, min(page_size, MAX_PAGE))
        errors: dict[str, str] = {}
        codes = tuple(c.strip() for c in criteria.soc_codes if c.strip())
        bad = [c for c in codes if not is_soc(c)]
        if bad:
            errors["soc"] = f"{', '.join(bad)}: an occupation code is written NN-NNNN (e.g. 51-4121)"
        if criteria.job_type and criteria.job_type not in JOB_TYPES:
            errors["job_type"] = f"must be one of {', '.join(t.replace('_', ' ') for t in JOB_TYPES)}"
        if criteria.wage_unit not in ("hour", "year"):
            errors["min_wage"] = "a wage is per hour or per year"
        if criteria.min_wage is not None and criteria.min_wage < 0:
            errors["min_wage"] = "must be zero or more"
        if criteria.miles is not None and not 0 < criteria.miles <= MAX_MILES:
            errors["miles"] = f"must be from 1 to {MAX_MILES} miles"
        center: tuple[float, float] | None = None
        if criteria.zip.strip():
            if not re.fullmatch(r"\d{5}", criteria.zip.strip()):
                errors["zip"] = "a ZIP code is 5 digits"
            else:
                center = zip_point(criteria.zip.strip())
                if center is None:
                    errors["zip"] = f"{criteria.zip.strip()} is not a known ZIP code"
        elif criteria.city.strip():
            center = city_point(criteria.city, criteria.state)
            if center is None:
                errors["city"] = f"no city {criteria.city.strip()!r} in {criteria.state.strip().upper() or 'that state'}"
        if errors:
            raise InvalidInput(errors)
        miles = float(criteria.miles or DEFAULT_MILES)
        min_hourly = hourly(criteria.min_wage, criteria.wage_unit) if criteria.min_wage else None
        filters = PostingFilters(
            soc_codes=codes, fts=fts_query(criteria.words) if criteria.words.strip() else None,
            box=bounding_box(center[0], center[1], miles) if center else None,
            min_hourly=float(min_hourly) if min_hourly is not None else None,
            job_type=criteria.job_type or None, include_staff_only=staff,
        )
        if criteria.words.strip() and filters.fts is None:
            return PostingPage(criteria, (), page, page_size, False, "Type words of a job title or description.")
        distances: dict[str, float] = {}
        with self._s.single_read(actor) as conn:
            if center is None:
                ranked = posting_page(conn, filters, limit=page_size + 1, offset=page * page_size)
                tiers = {r.id: int(r.tier) for r in ranked}
                ids = [r.id for r in ranked]
            else:
                ids, tiers = self._page_by_distance(conn, filters, center, miles, distances,
                                                    page * page_size, (page + 1) * page_size + 1)
            has_more = len(ids) > page_size
            ids = ids[:page_size]
            rows = postings_by_id(conn, ids)
        summaries = tuple(self._summary(rows[i], tiers[i] if codes else None, distances.get(i)) for i in ids if i in rows)
        if summaries:
            message = f"{page * page_size + len(summaries)} shown" + (" — more on the next page" if has_more else "")
        elif page:
            message = "No more postings."
        else:
            message = "No active posting matches. Try a wider radius, fewer words, or no minimum wage."
        return PostingPage(criteria, summaries, page, page_size, has_more, message)

    @staticmethod
    def _page_by_distance(conn: Any, filters: PostingFilters, center: tuple[float, float], miles: float,
                          distances: dict[str, float], start: int, end: int) -> tuple[list[str], dict[str, int]]:
        """Ranks ``start:end`` of the postings within ``miles``, exactly as ranking them all would.

        Postings stand at their ZIP's point, so the distance is measured once per place (tier and
        place counted in SQL); the (tier, distance) groups are laid end to end, and only the
        postings of the groups that overlap the window are fetched and ranked by the full key."""
        groups: dict[tuple[int, float], list[tuple[float, float]]] = {}
        counts: dict[tuple[int, float], int] = {}
        words = filters.fts is not None
        members: dict[str, tuple[int, float]] = {}  # words: posting id → (tier, miles), places within the radius
        for r in posting_points(conn, filters, with_ids=words):
            d = haversine_miles(center[0], center[1], r.latitude, r.longitude)
            if d <= miles:
                key = (int(r.tier), d)
                groups.setdefault(key, []).append((r.latitude, r.longitude))
                counts[key] = counts.get(key, 0) + int(r.n)
                if words:
                    members.update(dict.fromkeys(r.ids.split(","), key))
        wanted: set[tuple[int, float]] = set()
        first = 0
        position = 0
        for key in sorted(groups):
            if position >= end:
                break
            if position + counts[key] > start:
                if not wanted:
                    first = position
                wanted.add(key)
            position += counts[key]
        points = sorted({p for key in wanted for p in groups[key]})
        scored = []
        if words:
            found = [(r, members[r.id][0]) for r in posting_days(conn, [i for i, k in members.items() if k in wanted])]
        else:
            found = [(r, int(r.tier)) for r in postings_at(conn, filters, points)]
        for r, tier in found:
            d = haversine_miles(center[0], center[1], r.latitude, r.longitude)
            if (tier, d) in wanted:
                day = _day(r.posted_date)
                scored.append((rank_key(tier, d, day.toordinal() if day else 0, r.id), r.id, tier))
                distances[r.id] = d
        scored.sort()
        window = scored[start - first: end - first]
        return [s[1] for s in window], {s[1]: s[2] for s in window}

    @staticmethod
    def _summary(r: Any, tier: int | None, miles: float | None) -> PostingSummary:
        match = "" if tier is None else TIER_LABELS.get(tier, TIER_LABELS[KEYWORD])
        return PostingSummary(
            id=r.id, title=r.title, employer=r.employer_name, soc_code=r.soc_code, place=_place(r.city, r.state, r.zip),
            wage=wage_text(r.wage_min, r.wage_max, r.wage_unit), job_type=r.job_type, posted_date=_day(r.posted_date),
            miles=round(miles, 1) if miles is not None else None, match=match,
            staff_referral_only=r.visibility == STAFF_REFERRAL_ONLY)

    def posting(self, actor: Actor, posting_id: str) -> PostingDetail:
        """One posting with its employer's contacts and (for staff) its referral list."""
        staff = actor.kind in ("staff", "system")
        if actor.kind == "staff":
            actor.require(Privilege.SEEKER_VIEW)
        with self._s.single_read(actor) as conn:
            row = postings_by_id(conn, [posting_id]).get(posting_id)
        if row is None or (not staff and (row.visibility == STAFF_REFERRAL_ONLY or row.status != "active")):
            raise NotFound(f"No job posting {posting_id}")
        with self._s.unit(actor) as session:
            contacts = session.exec(select(EmployerContact).where(EmployerContact.employer_id == row.employer_id)).all()
            referrals: list[PostingReferral] = []
            if staff:
                found = session.exec(select(Referral, JobSeeker).join(JobSeeker, JobSeeker.id == Referral.seeker_id)  # type: ignore[arg-type]
                                     .where(Referral.posting_id == posting_id)
                                     .order_by(Referral.referred_at.desc())).all()  # type: ignore[attr-defined]
                referrals = [PostingReferral(s.id, display_name(s.first_name, s.middle_name, s.last_name, s.suffix),
                                             ref.status, ref.referred_at.date()) for ref, s in found]
            return PostingDetail(
                summary=self._summary(row, None, None), description=row.description or "", openings=row.openings,
                closing_date=_day(row.closing_date), education_wanted=row.education_wanted,
                experience_wanted=row.experience_wanted, employer_id=row.employer_id,
                contacts=tuple(ContactView(c.id, c.name, c.title) for c in contacts), referrals=tuple(referrals))

    # --- the posting's side ----------------------------------------------------------------------

    def candidates(self, actor: Actor, posting_id: str, *, miles: int | None = DEFAULT_MILES, page: int = 0,
                   page_size: int = MAX_PAGE) -> CandidatePage:
        """Job seekers authorized to work whose desired occupations (or published resume) match the
        posting's occupation, within ``miles`` of it (None: anywhere), ranked like a job search."""
        actor.require(Privilege.SEEKER_VIEW)
        page_size = max(1, min(page_size, MAX_PAGE))
        if miles is not None and not 0 < miles <= MAX_MILES:
            raise InvalidInput({"miles": f"must be from 1 to {MAX_MILES} miles"})
        with self._s.unit(actor) as session:
            posting = session.get(JobPosting, posting_id)
            if posting is None:
                raise NotFound(f"No job posting {posting_id}")
            title, soc, lat, lon = posting.title, posting.soc_code, posting.latitude, posting.longitude
            employer = session.get(Employer, posting.employer_id)
            title = f"{title} — {employer.name}" if employer else title
        if not soc:
            return CandidatePage(posting_id, title, (), page, False, "This posting has no occupation code to match.")
        zip_miles = zips_within(lat, lon, float(miles)) if miles is not None and lat is not None and lon is not None else None
        with self._s.single_read(actor) as conn:
            rows = candidate_page(conn, soc, zip_miles, limit=page_size + 1, offset=page * page_size)
        out = tuple(Candidate(r.id, display_name(r.first_name, r.middle_name, r.last_name, r.suffix),
                              _place(r.address_city, None, r.address_zip),
                              float(r.miles) if r.miles is not None else None, TIER_LABELS[int(r.tier)], bool(r.from_resume),
                              _day(r.last_activity_at))
                    for r in rows[:page_size])
        has_more = len(rows) > page_size
        message = (f"{page * page_size + len(out)} shown" if out else
                   "No job seeker authorized to work is looking for this occupation nearby.")
        return CandidatePage(posting_id, title, out, page, has_more, message)


def parse_wage(text: str) -> Decimal | None:
    """``18.50`` or ``$40,000`` → a Decimal; blank → None; ValueError otherwise."""
    cleaned = text.strip().replace("$", "").replace(",", "")
    if not cleaned:
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount of dollars") from None
