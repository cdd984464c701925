"""From a posting, for one job seeker: send a job lead, refer, introduce to the employer; outcomes.

Each is recorded on the seeker with its workforce service in the same unit of work — a lead is
B03 (job search and placement assistance), a referral B04 (referral to employment), an
introduction B05 (job development contact) — and audited, so it shows in History and Services.
A referral is refused for someone not authorized to work, for a second open referral to the same
posting, and (state switch ``resume_required``) without a published resume.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from jobcenter_tui.db.models import (
    Employer,
    EmployerContact,
    Introduction,
    JobLead,
    JobPosting,
    Referral,
)
from jobcenter_tui.domain.jobs import (
    LEAD_CHANNELS,
    REFERRED,
    STAFF_REFERRAL_ONLY,
    ReferralMoveError,
    check_referral_outcome,
)
from jobcenter_tui.domain.permissions import Actor, Privilege
from jobcenter_tui.services.audit import append_audit
from jobcenter_tui.services.common import seeker_row
from jobcenter_tui.services.errors import InvalidInput, NotFound, ServiceError
from jobcenter_tui.services.resumes import require_published_resume

if TYPE_CHECKING:
    from jobcenter_tui.db.models import JobSeeker
    from jobcenter_tui.services import Services

LEAD_SERVICE, REFERRAL_SERVICE, INTRODUCTION_SERVICE = "B03", "B04", "B05"


@dataclass(frozen=True)
class LeadView:
    id: str
    posting_id: str
    title: str
    employer: str
    channel: str
    sent_at: datetime
    staff: str | None


@dataclass(frozen=True)
class ReferralView:
    id: str
    seeker_id: str
    posting_id: str
    title: str
    employer: str
    status: str
    referred_at: datetime
    staff: str | None
    outcome_at: datetime | None
    hire_date: date | None
    hire_wage: Decimal | None
    hire_wage_unit: str | None
    service_id: str | None
    version: int


@dataclass(frozen=True)
class IntroductionView:
    id: str
    employer_id: str
    employer: str
    contact: str | None
    date: date
    outcome: str | None
    staff: str | None


@dataclass(frozen=True)
class JobActivity:
    """Everything done for a job seeker from postings, newest first."""

    leads: tuple[LeadView, ...]
    referrals: tuple[ReferralView, ...]
    introductions: tuple[IntroductionView, ...]


# --- resume_required -------------------------------------------------------------------------------


# --- the use cases -----------------------------------------------------------------------------


class ReferralService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def _posting(self, session: Session, posting_id: str) -> tuple[JobPosting, Employer]:
        posting = session.get(JobPosting, posting_id)
        if posting is None:
            raise NotFound(f"No job posting {posting_id}")
        employer = session.get(Employer, posting.employer_id)
        assert employer is not None  # a foreign key
        return posting, employer

    def _seeker(self, session: Session, seeker_id: str) -> JobSeeker:
        return seeker_row(session, seeker_id)

    def send_lead(self, actor: Actor, seeker_id: str, posting_id: str, *, channel: str) -> LeadView:
        """Tell the job seeker about a posting (they apply themselves); service B03."""
        actor.require(Privilege.SEEKER_EDIT)
        if channel not in LEAD_CHANNELS:
            raise InvalidInput({"channel": f"must be one of {', '.join(c.replace('_', ' ') for c in LEAD_CHANNELS)}"})
        now = self._s.now()
        with self._s.unit(actor, write=True) as session:
            self._seeker(session, seeker_id)
            posting, employer = self._posting(session, posting_id)
            if posting.status != "active":
                raise ServiceError(f"This posting is {posting.status.replace('_', ' ')}, not active: no lead can be sent")
            if posting.visibility == STAFF_REFERRAL_ONLY:
                raise ServiceError("This employer takes applicants by staff referral only: refer the job seeker instead")
            require_published_resume(session, seeker_id)
            service = self._s.service_records.record_in(session, actor, seeker_id, LEAD_SERVICE, start_date=now.date(),
                                                        notes=f"Job lead ({channel.replace('_', ' ')}): {posting.title}, {employer.name}")
            lead = JobLead(seeker_id=seeker_id, posting_id=posting_id, sent_at=now, staff=actor.username, channel=channel,
                           service_id=service.id)
            session.add(lead)
            session.flush()
            append_audit(session, actor, "job.lead", at=now, entity="job_seeker", entity_id=seeker_id,
                         changes={"lead": lead.id, "posting": posting_id, "title": posting.title, "channel": channel})
            return LeadView(lead.id, posting_id, posting.title, employer.name, channel, now, actor.username)

    def refer(self, actor: Actor, seeker_id: str, posting_id: str) -> ReferralView:
        """Refer the job seeker to the employer for a posting; service B04."""
        actor.require(Privilege.SEEKER_EDIT)
        now = self._s.now()
        with self._s.unit(actor, write=True) as session:
            seeker = self._seeker(session, seeker_id)
            posting, employer = self._posting(session, posting_id)
            if posting.status != "active":
                raise ServiceError(f"This posting is {posting.status.replace('_', ' ')}, not active: no one can be referred")
            if seeker.authorized_to_work is not True:
                raise ServiceError("Refused: this job seeker is not recorded as authorized to work in the United States; "
                                   "only someone authorized to work may be referred")
            already = session.exec(select(Referral.id).where(Referral.seeker_id == seeker_id, Referral.posting_id == posting_id,
                                                             Referral.status == REFERRED)).first()
            if already is not None:
                raise ServiceError("Refused: this job seeker already has an open referral to this posting; "
                                   "record its outcome before referring again")
            require_published_resume(session, seeker_id)
            service = self._s.service_records.record_in(session, actor, seeker_id, REFERRAL_SERVICE, start_date=now.date(),
                                                        notes=f"Referred to {posting.title}, {employer.name}")
            row = Referral(seeker_id=seeker_id, posting_id=posting_id, status=REFERRED, referred_at=now,
                           staff=actor.username, service_id=service.id)
            session.add(row)
            try:
                session.flush()
            except IntegrityError:  # another staff member referred them at the same moment
                raise ServiceError("Refused: this job seeker already has an open referral to this posting") from None
            append_audit(session, actor, "job.referral", at=now, entity="job_seeker", entity_id=seeker_id,
                         changes={"referral": row.id, "posting": posting_id, "title": posting.title})
            return self._view(row, posting, employer)

    def record_outcome(self, actor: Actor, referral_id: str, outcome: str, *, hire_date: date | None = None,
                       hire_wage: Decimal | None = None, hire_wage_unit: str = "hour",
                       expected_version: int | None = None) -> ReferralView:
        """Hired (with the hire date and wage), not hired, no show, declined, or position filled."""
        actor.require(Privilege.SEEKER_EDIT)
        now = self._s.now()
        with self._s.unit(actor, write=True) as session:
            row = session.get(Referral, referral_id)
            if row is None:
                raise NotFound(f"No referral {referral_id}")
            if expected_version is not None and row.version != expected_version:
                raise ServiceError("This referral was changed by someone else after you opened it; nothing was saved")
            try:
                check_referral_outcome(row.status, outcome)
            except ReferralMoveError as exc:
                raise InvalidInput({"outcome": str(exc)}) from None
            if outcome == "hired":
                errors: dict[str, str] = {}
                if hire_date is None:
                    errors["hire_date"] = "a hire needs its date"
                elif hire_date > self._s.today():
                    errors["hire_date"] = "cannot be in the future"
                elif hire_date < row.referred_at.date():
                    errors["hire_date"] = "cannot be before the referral"
                if hire_wage is None or hire_wage <= 0:
                    errors["hire_wage"] = "a hire needs the wage (dollars, more than zero)"
                if hire_wage_unit not in ("hour", "year"):
                    errors["hire_wage_unit"] = "a wage is per hour or per year"
                if errors:
                    raise InvalidInput(errors)
                row.hire_date, row.hire_wage, row.hire_wage_unit = hire_date, hire_wage, hire_wage_unit
            old = row.status
            row.status, row.outcome_at, row.outcome_by = outcome, now, actor.username
            session.add(row)
            session.flush()
            append_audit(session, actor, "job.referral_outcome", at=now, entity="job_seeker", entity_id=row.seeker_id,
                         changes={"referral": row.id, "status": {"old": old, "new": outcome},
                                  "hire_date": hire_date.isoformat() if hire_date and outcome == "hired" else None})
            posting, employer = self._posting(session, row.posting_id)
            return self._view(row, posting, employer)

    def introduce(self, actor: Actor, seeker_id: str, employer_id: str, *, day: date, contact_id: str | None = None,
                  outcome: str | None = None) -> IntroductionView:
        """Introduce the job seeker to an employer (and one of its contacts); service B05."""
        actor.require(Privilege.SEEKER_EDIT)
        errors: dict[str, str] = {}
        if day > self._s.today():
            errors["date"] = "cannot be in the future"
        if outcome is not None and len(outcome) > 500:
            errors["outcome"] = "at most 500 characters"
        now = self._s.now()
        with self._s.unit(actor, write=True) as session:
            self._seeker(session, seeker_id)
            employer = session.get(Employer, employer_id)
            if employer is None:
                raise NotFound(f"No employer {employer_id}")
            contact = session.get(EmployerContact, contact_id) if contact_id else None
            if contact_id and (contact is None or contact.employer_id != employer_id):
                errors["contact_id"] = "is not a contact of this employer"
            if errors:
                raise InvalidInput(errors)
            service = self._s.service_records.record_in(session, actor, seeker_id, INTRODUCTION_SERVICE, start_date=day,
                                                        notes=f"Introduced to {employer.name}")
            row = Introduction(seeker_id=seeker_id, employer_id=employer_id, contact_id=contact_id, date=day,
                               outcome=(outcome or "").strip() or None, staff=actor.username, service_id=service.id)
            session.add(row)
            session.flush()
            append_audit(session, actor, "job.introduction", at=now, entity="job_seeker", entity_id=seeker_id,
                         changes={"introduction": row.id, "employer": employer_id, "contact": contact_id})
            return IntroductionView(row.id, employer_id, employer.name, contact.name if contact else None, day, row.outcome,
                                    actor.username)

    def activity(self, actor: Actor, seeker_id: str) -> JobActivity:
        """The job seeker's leads, referrals and introductions, newest first."""
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.unit(actor) as session:
            self._seeker(session, seeker_id)
            leads = session.exec(select(JobLead, JobPosting, Employer)
                                 .join(JobPosting, JobPosting.id == JobLead.posting_id)  # type: ignore[arg-type]
                                 .join(Employer, Employer.id == JobPosting.employer_id)  # type: ignore[arg-type]
                                 .where(JobLead.seeker_id == seeker_id).order_by(col(JobLead.sent_at).desc())).all()
            refs = session.exec(select(Referral, JobPosting, Employer)
                                .join(JobPosting, JobPosting.id == Referral.posting_id)  # type: ignore[arg-type]
                                .join(Employer, Employer.id == JobPosting.employer_id)  # type: ignore[arg-type]
                                .where(Referral.seeker_id == seeker_id).order_by(col(Referral.referred_at).desc())).all()
            intros = session.exec(select(Introduction, Employer)
                                  .join(Employer, Employer.id == Introduction.employer_id)  # type: ignore[arg-type]
                                  .where(Introduction.seeker_id == seeker_id).order_by(col(Introduction.date).desc())).all()
            contacts = {c.id: c.name for c in session.exec(select(EmployerContact).where(
                col(EmployerContact.id).in_([i.contact_id for i, _ in intros if i.contact_id]))).all()}
            return JobActivity(
                tuple(LeadView(ld.id, p.id, p.title, e.name, ld.channel, ld.sent_at, ld.staff) for ld, p, e in leads),
                tuple(self._view(r, p, e) for r, p, e in refs),
                tuple(IntroductionView(i.id, e.id, e.name, contacts.get(i.contact_id or ""), i.date, i.outcome, i.staff)
                      for i, e in intros))

    @staticmethod
    def _view(r: Referral, posting: JobPosting, employer: Employer) -> ReferralView:
        return ReferralView(r.id, r.seeker_id, r.posting_id, posting.title, employer.name, r.status, r.referred_at, r.staff,
                            r.outcome_at, r.hire_date, r.hire_wage, r.hire_wage_unit, r.service_id, r.version)
