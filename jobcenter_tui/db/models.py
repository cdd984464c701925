"""SQLModel tables for every entity of the spec.

Conventions: enumerations are plain strings (validated in ``domain``), so the same migrations run
on SQLite and PostgreSQL; record ids are UUID strings, so records made on an outreach laptop keep
their ids when merged centrally; every row people edit has a ``version`` column and a stale save
raises ``StaleDataError`` instead of overwriting someone else's edit.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

# Constraint names must be stable for Alembic batch migrations on SQLite.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


def _json(**kw: Any) -> Any:
    return Field(default=None, sa_type=sa.JSON, **kw)


def _money() -> Any:
    return Field(default=None, sa_type=sa.Numeric(12, 2, asdecimal=True))


class Versioned(SQLModel):
    """A row people edit: the version column makes a stale save fail instead of winning."""

    version: int = Field(default=1, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]  # the subclass's table


# --- staff, roles, privileges --------------------------------------------------------------------


class Staff(Versioned, table=True):
    __tablename__ = "staff"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    username: str = Field(max_length=64, unique=True)
    display_name: str = Field(max_length=100)
    office: str | None = Field(default=None, max_length=20)
    status: str = Field(default="active", max_length=10)  # active | disabled
    password_hash: str = Field(max_length=255)
    must_change_password: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None
    # Bumped by every change to what the account may do (disable/enable, grant/revoke, password
    # reset, a role's privileges): an open session whose actor carries an older value is ended.
    # Not ``version``, which also moves on each sign-in.
    access_version: int = Field(default=1, nullable=False, sa_column_kwargs={"server_default": "1"})


class Role(SQLModel, table=True):
    __tablename__ = "role"
    name: str = Field(primary_key=True, max_length=32)
    description: str = Field(default="", max_length=200)


class RolePrivilege(SQLModel, table=True):
    __tablename__ = "role_privilege"
    role: str = Field(foreign_key="role.name", primary_key=True, max_length=32)
    privilege: str = Field(primary_key=True, max_length=32)


class RoleProgramLevel(SQLModel, table=True):
    """A role's enrollment access, held for every program."""

    __tablename__ = "role_program_level"
    role: str = Field(foreign_key="role.name", primary_key=True, max_length=32)
    level: str = Field(primary_key=True, max_length=10)  # view | edit | create


class StaffRole(SQLModel, table=True):
    __tablename__ = "staff_role"
    staff_id: str = Field(foreign_key="staff.id", primary_key=True, max_length=36)
    role: str = Field(foreign_key="role.name", primary_key=True, max_length=32)


class StaffProgramPrivilege(SQLModel, table=True):
    """A single-program grant on top of the roles: ``view``, ``edit`` or ``create``."""

    __tablename__ = "staff_program_privilege"
    staff_id: str = Field(foreign_key="staff.id", primary_key=True, max_length=36)
    program: str = Field(foreign_key="program.code", primary_key=True, max_length=16)
    level: str = Field(primary_key=True, max_length=10)


class LoginThrottle(SQLModel, table=True):
    """Recent failed sign-ins of one name, account-wide (``source`` "") and per source.

    ``source`` is where the attempt came from (the SSH client address, else the terminal), so that
    someone guessing from elsewhere slows the real user only a little (see domain/passwords.py).
    A name without an account is kept under a hashed bucket (``?`` and a number), so unknown
    names cannot grow this table without bound; per-source rows are pruned to a hard cap.
    ``consecutive`` counts account-wide failures since the last success, for the 100-try limit.
    """

    __tablename__ = "login_throttle"
    username: str = Field(primary_key=True, max_length=64)
    source: str = Field(default="", primary_key=True, max_length=64)
    failures: int = Field(default=0)
    consecutive: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    last_failure_at: datetime | None = Field(default=None, index=True)


class AppMeta(SQLModel, table=True):
    """Facts about the store itself (e.g. that it was made by ``jobcenter demo``)."""

    __tablename__ = "app_meta"
    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=1000)


# --- programs and job seekers ---------------------------------------------------------------------


class Program(SQLModel, table=True):
    __tablename__ = "program"
    code: str = Field(primary_key=True, max_length=16)
    name: str = Field(max_length=100)
    sort_order: int = 0
    active: bool = True


class JobSeeker(Versioned, table=True):
    """One job seeker: the record layout, flattened to ``<section>_<field>`` columns.

    ``pk`` is an integer key only so the SQLite FTS5 index has a stable rowid (VACUUM may renumber
    implicit rowids); everything else refers to the public UUID ``id``.
    """

    __tablename__ = "job_seeker"
    pk: int | None = Field(default=None, primary_key=True)
    id: str = Field(default_factory=new_id, max_length=36, unique=True)
    account_type: str = Field(default="staff_assisted", max_length=16)
    first_name: str = Field(max_length=50)
    middle_name: str | None = Field(default=None, max_length=50)
    last_name: str = Field(max_length=50)
    suffix: str | None = Field(default=None, max_length=10)
    date_of_birth: date = Field(index=True)
    # SSN: AES-GCM ciphertext plus HMAC blind indexes; never the digits
    ssn_cipher: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    ssn_index: str | None = Field(default=None, max_length=64, unique=True)
    ssn_last4_index: str | None = Field(default=None, max_length=64, index=True)
    ssn_not_provided: bool | None = None
    sex: str | None = Field(default=None, max_length=16)
    sex_assigned_at_birth: str | None = Field(default=None, max_length=8)
    email: str | None = Field(default=None, max_length=254)
    email_lower: str | None = Field(default=None, max_length=254, index=True)
    phone: str | None = Field(default=None, max_length=10, index=True)  # 10 digits
    address_line1: str | None = Field(default=None, max_length=200)
    address_line2: str | None = Field(default=None, max_length=200)
    address_city: str | None = Field(default=None, max_length=100)
    address_state: str | None = Field(default=None, max_length=2)
    address_zip: str | None = Field(default=None, max_length=5)
    address_county_fips: str | None = Field(default=None, max_length=5)
    llsil_region: str | None = Field(default=None, max_length=50)
    preferred_language: str | None = Field(default=None, max_length=50)
    office: str | None = Field(default=None, max_length=20, index=True)
    case_manager: str | None = Field(default=None, foreign_key="staff.username", max_length=64, index=True)
    authorized_to_work: bool | None = None
    selective_service_status: str | None = Field(default=None, max_length=16)
    selective_service_not_knowing_and_willful: bool | None = None
    veteran_status: str | None = Field(default=None, max_length=16)
    veteran_active_duty_days: int | None = None
    veteran_discharge: str | None = Field(default=None, max_length=24)
    veteran_service_connected_disability_discharge: bool | None = None
    veteran_disabled_veteran: bool | None = None
    veteran_special_disabled_veteran: bool | None = None
    veteran_separation_date: date | None = None
    veteran_transitioning_service_member: bool | None = None
    hispanic_latino: bool | None = None
    race: list[str] | None = _json()
    disability: bool | None = None
    education_highest_grade_completed: int | None = None
    education_highest_level: str | None = Field(default=None, max_length=32)
    education_school_status: str | None = Field(default=None, max_length=40)
    education_absent_last_school_quarter: bool | None = None
    employment_status: str | None = Field(default=None, max_length=24)
    employment_ui_status: str | None = Field(default=None, max_length=16)
    employment_weeks_unemployed: int | None = None
    employment_last_occupation_soc: str | None = Field(default=None, max_length=7)
    employment_unlikely_to_return: bool | None = None
    dislocation_reason: str | None = Field(default=None, max_length=32)
    dislocation_date: date | None = None
    dislocation_employer: str | None = Field(default=None, max_length=200)
    dislocation_ui_eligible_or_exhausted: bool | None = None
    dislocation_attached_not_ui_eligible: bool | None = None
    income_family_size: int | None = None
    income_annual_family_income: Decimal | None = _money()
    income_annual_individual_income: Decimal | None = _money()
    income_tanf: bool | None = None
    income_snap: bool | None = None
    income_ssi: bool | None = None
    income_general_assistance: bool | None = None
    income_refugee_cash_assistance: bool | None = None
    income_free_reduced_lunch: bool | None = None
    income_high_poverty_area: bool | None = None
    barriers_homeless: bool | None = None
    barriers_runaway: bool | None = None
    barriers_foster_care: bool | None = None
    barriers_offender: bool | None = None
    barriers_released_from_incarceration_within_12_months: bool | None = None
    barriers_pregnant_or_parenting: bool | None = None
    barriers_basic_skills_deficient: bool | None = None
    barriers_english_language_learner: bool | None = None
    barriers_needs_additional_assistance: bool | None = None
    barriers_single_parent: bool | None = None
    barriers_cultural_barriers: bool | None = None
    barriers_migrant_seasonal_farmworker: bool | None = None
    taa_petition_number: str | None = Field(default=None, max_length=20)
    taa_certified: bool | None = None
    taa_separation_date: date | None = None
    preferences_desired_occupations: list[dict[str, Any]] | None = _json()
    preferences_desired_hourly_wage: Decimal | None = _money()
    preferences_max_commute_miles: int | None = None
    preferences_willing_to_relocate: bool | None = None
    preferences_job_types: list[str] | None = _json()
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str | None = Field(default=None, max_length=64)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str | None = Field(default=None, max_length=64)
    last_activity_at: datetime = Field(default_factory=utcnow, index=True)


# --- eligibility and enrollment ------------------------------------------------------------------


class EligibilityDetermination(SQLModel, table=True):
    """The rules' answer for one seeker on one date, kept with the inputs it was given."""

    __tablename__ = "eligibility_determination"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    seeker_id: str = Field(foreign_key="job_seeker.id", index=True, max_length=36)
    as_of: date
    rules_version: str = Field(max_length=64)
    inputs: dict[str, Any] = Field(sa_type=sa.JSON)
    result: dict[str, Any] = Field(sa_type=sa.JSON)
    determined_at: datetime = Field(default_factory=utcnow)
    determined_by: str | None = Field(default=None, max_length=64)
    sequence: int = Field(default=0, index=True)  # store-wide order: "latest" never depends on clock resolution


class Enrollment(Versioned, table=True):
    """One period of participation in one program: pending → open → closed."""

    __tablename__ = "enrollment"
    __table_args__ = (
        sa.Index(
            "uq_enrollment_active_per_program",
            "seeker_id",
            "program",
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'open')"),
            postgresql_where=sa.text("status IN ('pending', 'open')"),
        ),
    )
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    seeker_id: str = Field(foreign_key="job_seeker.id", index=True, max_length=36)
    program: str = Field(foreign_key="program.code", max_length=16)
    status: str = Field(default="pending", max_length=10)
    youth_category: str | None = Field(default=None, max_length=3)  # OSY | ISY
    determination_id: str | None = Field(default=None, foreign_key="eligibility_determination.id", max_length=36)
    eligibility_snapshot: dict[str, Any] | None = _json()
    attestation: dict[str, Any] | None = _json()  # what was verified, with which documents
    attested_by: str | None = Field(default=None, max_length=64)
    attested_at: datetime | None = None
    participation_date: date | None = None
    exit_date: date | None = None
    exit_reason: str | None = Field(default=None, max_length=32)
    exit_reason_given: str | None = Field(default=None, max_length=32)  # staff's choice when recorded as never participated
    closed_by: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str | None = Field(default=None, max_length=64)


class EnrollmentStatusChange(SQLModel, table=True):
    __tablename__ = "enrollment_status_change"
    id: int | None = Field(default=None, primary_key=True)
    enrollment_id: str = Field(foreign_key="enrollment.id", index=True, max_length=36)
    from_status: str | None = Field(default=None, max_length=10)
    to_status: str = Field(max_length=10)
    at: datetime = Field(default_factory=utcnow)
    by: str | None = Field(default=None, max_length=64)
    reason: str | None = Field(default=None, max_length=500)


# --- services and plans --------------------------------------------------------------------------


class ServiceCatalogEntry(SQLModel, table=True):
    __tablename__ = "service_catalog"
    code: str = Field(primary_key=True, max_length=8)
    name: str = Field(max_length=100)
    category: str = Field(max_length=24)
    extends_participation: bool = False
    holds_clock: bool = False
    active: bool = True


class ServiceRecord(Versioned, table=True):
    """A workforce service given to (or scheduled for) a job seeker, on an enrollment or not."""

    __tablename__ = "service"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    seeker_id: str = Field(foreign_key="job_seeker.id", index=True, max_length=36)
    enrollment_id: str | None = Field(default=None, foreign_key="enrollment.id", index=True, max_length=36)
    code: str = Field(foreign_key="service_catalog.code", max_length=8)
    status: str = Field(default="completed", max_length=12)
    start_date: date
    end_date: date | None = None
    staff: str | None = Field(default=None, max_length=64)
    provider: str | None = Field(default=None, max_length=200)
    notes: str | None = Field(default=None, max_length=4000)
    cost: Decimal | None = _money()
    gap_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow)


class Plan(SQLModel, table=True):
    """An IEP or ISS on an enrollment; its content lives in numbered versions."""

    __tablename__ = "plan"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    enrollment_id: str = Field(foreign_key="enrollment.id", index=True, max_length=36)
    seeker_id: str = Field(foreign_key="job_seeker.id", index=True, max_length=36)
    kind: str = Field(max_length=3)  # IEP | ISS
    created_at: datetime = Field(default_factory=utcnow)


class PlanVersion(SQLModel, table=True):
    __tablename__ = "plan_version"
    __table_args__ = (sa.UniqueConstraint("plan_id", "number", name="uq_plan_version_number"),)
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    plan_id: str = Field(foreign_key="plan.id", index=True, max_length=36)
    number: int
    employment_goal_soc: str | None = Field(default=None, max_length=7)
    employment_goal_title: str | None = Field(default=None, max_length=200)
    agreement_date: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str | None = Field(default=None, max_length=64)


class PlanGoal(SQLModel, table=True):
    __tablename__ = "plan_goal"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    plan_version_id: str = Field(foreign_key="plan_version.id", index=True, max_length=36)
    position: int = 0
    description: str = Field(max_length=1000)
    target_date: date | None = None
    status: str = Field(default="open", max_length=8)  # open | met | not_met | dropped


class PlanGoalService(SQLModel, table=True):
    __tablename__ = "plan_goal_service"
    goal_id: str = Field(foreign_key="plan_goal.id", primary_key=True, max_length=36)
    service_id: str = Field(foreign_key="service.id", primary_key=True, max_length=36)


# --- documents, notes, resumes -------------------------------------------------------------------


class Document(Versioned, table=True):
    __tablename__ = "document"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    seeker_id: str = Field(foreign_key="job_seeker.id", index=True, max_length=36)
    type: str = Field(max_length=24)
    criterion: str | None = Field(default=None, max_length=100)  # the eligibility criterion it verifies
    original_name: str = Field(max_length=255)
    stored_name: str = Field(max_length=80, unique=True)
    sha256: str = Field(max_length=64)
    size_bytes: int
    media_type: str | None = Field(default=None, max_length=100)
    note: str | None = Field(default=None, max_length=2000)
    uploaded_by: str | None = Field(default=None, max_length=64)
    uploaded_at: datetime = Field(default_factory=utcnow)
    verified_by: str | None = Field(default=None, max_length=64)
    verified_at: datetime | None = None


class Note(Versioned, table=True):
    __tablename__ = "note"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    seeker_id: str = Field(foreign_key="job_seeker.id", index=True, max_length=36)
    scope: str = Field(default="case", max_length=8)  # case | program
    program: str | None = Field(default=None, foreign_key="program.code", max_length=16)
    contact_date: date
    contact_type: str = Field(max_length=10)
    subject: str = Field(max_length=200)
    body: str = Field(max_length=20000)
    recontact_date: date | None = Field(default=None, index=True)
    corrects_note_id: str | None = Field(default=None, foreign_key="note.id", max_length=36)
    created_by: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None
    deleted_by: str | None = Field(default=None, max_length=64)


class Resume(Versioned, table=True):
    """A resume; its sections are structured JSON documents (contact, work history, …)."""

    __tablename__ = "resume"
    __table_args__ = (
        # One published resume per job seeker: the service unpublishes the other first; this catches a race.
        sa.Index("uq_resume_published_per_seeker", "seeker_id", unique=True,
                 sqlite_where=sa.text("published = 1"), postgresql_where=sa.text("published")),
    )
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    seeker_id: str = Field(foreign_key="job_seeker.id", index=True, max_length=36)
    title: str = Field(max_length=200)
    status: str = Field(default="draft", max_length=10)  # draft | active | inactive
    published: bool = False
    objective: str | None = Field(default=None, max_length=2000)
    contact: dict[str, Any] | None = _json()
    work_history: list[dict[str, Any]] | None = _json()
    education: list[dict[str, Any]] | None = _json()
    skills: list[str] | None = _json()
    certifications: list[dict[str, Any]] | None = _json()
    references: list[dict[str, Any]] | None = _json()
    additional: str | None = Field(default=None, sa_type=sa.Text)  # text of an upload under no known heading
    source_document_id: str | None = Field(default=None, foreign_key="document.id", max_length=36)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


# --- employers, postings, referrals --------------------------------------------------------------


class Employer(Versioned, table=True):
    __tablename__ = "employer"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    name: str = Field(max_length=200, index=True)
    fein: str | None = Field(default=None, max_length=9, unique=True)
    naics: str | None = Field(default=None, max_length=6)
    address_line1: str | None = Field(default=None, max_length=200)
    address_city: str | None = Field(default=None, max_length=100)
    address_state: str | None = Field(default=None, max_length=2)
    address_zip: str | None = Field(default=None, max_length=5)
    status: str = Field(default="active", max_length=16)  # pending_approval | active | inactive
    created_at: datetime = Field(default_factory=utcnow)


class EmployerContact(Versioned, table=True):
    __tablename__ = "employer_contact"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    employer_id: str = Field(foreign_key="employer.id", index=True, max_length=36)
    name: str = Field(max_length=100)
    title: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=10)
    email: str | None = Field(default=None, max_length=254)


class JobPosting(Versioned, table=True):
    __tablename__ = "job_posting"
    # Radius searches count postings per place from an index alone: by occupation, or by the box
    # (when words, not occupations, narrow the search).
    __table_args__ = (
        sa.Index("ix_job_posting_soc_place", "soc_code", "latitude", "longitude", "status", "visibility",
                 "posted_date"),
        sa.Index("ix_job_posting_place", "latitude", "longitude", "status", "visibility", "soc_code",
                 "posted_date", "id"),
    )
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    employer_id: str = Field(foreign_key="employer.id", index=True, max_length=36)
    title: str = Field(max_length=200)
    soc_code: str | None = Field(default=None, max_length=7, index=True)
    description: str | None = Field(default=None, max_length=20000)
    city: str | None = Field(default=None, max_length=100)
    state: str | None = Field(default=None, max_length=2)
    zip: str | None = Field(default=None, max_length=5)
    wage_min: Decimal | None = _money()
    wage_max: Decimal | None = _money()
    wage_unit: str | None = Field(default=None, max_length=8)  # hour | week | month | year
    job_type: str | None = Field(default=None, max_length=12)
    openings: int = 1
    posted_date: date | None = None
    closing_date: date | None = None
    education_wanted: str | None = Field(default=None, max_length=32)
    experience_wanted: str | None = Field(default=None, max_length=200)
    status: str = Field(default="draft", max_length=10, index=True)
    visibility: str = Field(default="public", max_length=24)
    created_at: datetime = Field(default_factory=utcnow)
    # where the job is, from its ZIP (offline ``zipcodes`` data): radius searches prefilter on these
    latitude: float | None = Field(default=None, index=True)
    longitude: float | None = None


class JobPostingStatusChange(SQLModel, table=True):
    """Every status move of a job order, with who, when and why (closing says expired/cancelled…)."""

    __tablename__ = "job_posting_status_change"
    id: int | None = Field(default=None, primary_key=True)
    posting_id: str = Field(foreign_key="job_posting.id", index=True, max_length=36)
    from_status: str | None = Field(default=None, max_length=10)
    to_status: str = Field(max_length=10)
    at: datetime = Field(default_factory=utcnow)
    by: str | None = Field(default=None, max_length=64)
    reason: str | None = Field(default=None, max_length=500)


class JobLead(SQLModel, table=True):
    __tablename__ = "job_lead"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    seeker_id: str = Field(foreign_key="job_seeker.id", index=True, max_length=36)
    posting_id: str = Field(foreign_key="job_posting.id", index=True, max_length=36)
    sent_at: datetime = Field(default_factory=utcnow)
    staff: str | None = Field(default=None, max_length=64)
    channel: str = Field(default="email", max_length=10)
    service_id: str | None = Field(default=None, foreign_key="service.id", max_length=36)


class Referral(Versioned, table=True):
    __tablename__ = "referral"
    __table_args__ = (
        sa.Index(
            "uq_referral_open_per_posting",
            "seeker_id",
            "posting_id",
            unique=True,
            sqlite_where=sa.text("status = 'referred'"),
            postgresql_where=sa.text("status = 'referred'"),
        ),
    )
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    seeker_id: str = Field(foreign_key="job_seeker.id", index=True, max_length=36)
    posting_id: str = Field(foreign_key="job_posting.id", index=True, max_length=36)
    status: str = Field(default="referred", max_length=16)
    referred_at: datetime = Field(default_factory=utcnow)
    staff: str | None = Field(default=None, max_length=64)
    outcome_at: datetime | None = None
    outcome_by: str | None = Field(default=None, max_length=64)
    hire_date: date | None = None
    hire_wage: Decimal | None = _money()
    hire_wage_unit: str | None = Field(default=None, max_length=8)  # hour | year
    service_id: str | None = Field(default=None, foreign_key="service.id", max_length=36)


class SeekerOccupation(SQLModel, table=True):
    """Which occupations a job seeker is looking for, one row per SOC code: "candidates" reads this.

    Written by triggers only (from the desired occupations of the record and the work history of a
    published resume), so that matching a posting never scans the JSON of every record.
    """

    __tablename__ = "seeker_occupation"
    # Candidates are ranked from this index alone (occupation, authorized, home ZIP, last activity):
    # the wide job_seeker rows are read only for the page shown.
    __table_args__ = (
        sa.Index("ix_seeker_occupation_match", "soc_code", "authorized_to_work", "address_zip", "last_activity_at",
                 "seeker_id", "source"),
    )
    id: int | None = Field(default=None, primary_key=True)
    seeker_id: str = Field(max_length=36, index=True)
    soc_code: str = Field(max_length=7, index=True)
    source: str = Field(max_length=8)  # desired | resume
    resume_id: str | None = Field(default=None, max_length=36, index=True)
    # copies of the job seeker's, kept by triggers
    authorized_to_work: bool | None = None
    address_zip: str | None = Field(default=None, max_length=5)
    last_activity_at: datetime | None = None


class Introduction(SQLModel, table=True):
    __tablename__ = "introduction"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    seeker_id: str = Field(foreign_key="job_seeker.id", index=True, max_length=36)
    employer_id: str = Field(foreign_key="employer.id", index=True, max_length=36)
    contact_id: str | None = Field(default=None, foreign_key="employer_contact.id", max_length=36)
    date: date
    outcome: str | None = Field(default=None, max_length=500)
    staff: str | None = Field(default=None, max_length=64)
    service_id: str | None = Field(default=None, foreign_key="service.id", max_length=36)


# --- audit ---------------------------------------------------------------------------------------


class AuditEntry(SQLModel, table=True):
    """Append-only and hash-chained: each row carries the hash of the one before."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    staff: str | None = Field(default=None, max_length=64, index=True)
    os_user: str | None = Field(default=None, max_length=64)
    terminal: str | None = Field(default=None, max_length=64)
    action: str = Field(max_length=64, index=True)
    entity: str | None = Field(default=None, max_length=32)
    entity_id: str | None = Field(default=None, max_length=64)
    changes: dict[str, Any] | None = _json()
    reason: str | None = Field(default=None, max_length=1000)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)

    __table_args__ = (sa.Index("ix_audit_log_entity", "entity", "entity_id"),)


# --- configuration -------------------------------------------------------------------------------


class ConfigEntry(Versioned, table=True):
    """A setting the store overrides (eligibility switches, the LLSIL table): data, not code."""

    __tablename__ = "config_entry"
    key: str = Field(primary_key=True, max_length=64)
    value: Any = Field(sa_type=sa.JSON)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str | None = Field(default=None, max_length=64)


class PossibleDuplicate(SQLModel, table=True):
    """Two records that may be one person, and what staff decided (distinct, or merged later).

    Written when staff confirm "this is a different person", and when a kiosk registration looks
    like an existing record (the seeker is never shown anyone else's record). A kiosk registration
    whose SSN is already on file cannot hold it (one SSN, one record): the SSN typed is kept here,
    encrypted with its blind index, for staff to resolve.
    """

    __tablename__ = "possible_duplicate"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    seeker_id: str = Field(foreign_key="job_seeker.id", index=True, max_length=36)
    other_id: str = Field(foreign_key="job_seeker.id", index=True, max_length=36)
    reasons: list[str] = Field(sa_type=sa.JSON)
    status: str = Field(default="open", max_length=10, index=True)  # open | distinct | merged
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str | None = Field(default=None, max_length=64)
    resolved_at: datetime | None = None
    resolved_by: str | None = Field(default=None, max_length=64)
    ssn_cipher: bytes | None = Field(default=None, sa_type=sa.LargeBinary)  # the SSN the new record could not keep
    ssn_index: str | None = Field(default=None, max_length=64, index=True)


# --- reference data a state loads ---------------------------------------------------------------


class OccupationTitle(SQLModel, table=True):
    """A line of the state's O*NET "Occupation Data" file: its title and description for a SOC code.

    The occupation search reads these beside the shipped SOC 2018 titles. Rows are never edited:
    ``jobcenter occupations import`` replaces them all in one unit of work (no version column).
    """

    __tablename__ = "occupation_title"
    onet_code: str = Field(primary_key=True, max_length=10)  # 51-4121.06
    soc_code: str = Field(index=True, max_length=7)  # 51-4121
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_type=sa.Text)
    imported_at: datetime = Field(default_factory=utcnow)
    imported_by: str | None = Field(default=None, max_length=64)


# --- interrupted work ---------------------------------------------------------------------------


class ImportJournal(SQLModel, table=True):
    """Which lines of an import file are saved: one row per committed batch, written in its transaction.

    Keyed by what is imported and the SHA-256 of the whole file, so re-running an import that was
    killed skips the lines already saved (and a changed file is a new import). ``lines`` lists the
    saved line numbers as ranges ("1-37,39-500"): the lines a batch refused are not in it.
    """

    __tablename__ = "import_journal"
    kind: str = Field(primary_key=True, max_length=20)  # seekers | postings
    file_sha256: str = Field(primary_key=True, max_length=64)
    first_line: int = Field(primary_key=True)
    last_line: int
    lines: str = Field(sa_type=sa.Text)
    saved_at: datetime = Field(default_factory=utcnow)
    saved_by: str | None = Field(default=None, max_length=64)
