"""Running a case: program registration, enrollments and their lifecycle, services, plans.

Every move checks the staff member's per-program privilege in the service layer (the screens only
hide what would be refused) and is audited against the job seeker, so the record's history shows
the whole case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from jobcenter_tui.db.models import (
    EligibilityDetermination,
    Enrollment,
    EnrollmentStatusChange,
    JobSeeker,
    Plan,
    PlanGoal,
    PlanGoalService,
    PlanVersion,
    Service,
    ServiceCatalogEntry,
)
from jobcenter_tui.domain.enrollment import (
    CLOSED,
    EXIT_REASONS,
    MAX_PLANNED_GAP_DAYS,
    OPEN,
    PENDING,
    SERVICE_STATUSES,
    LifecycleError,
    ServiceFact,
    check_service_move,
    exit_clock,
    participation_date,
)
from jobcenter_tui.domain.permissions import Actor, Privilege, ProgramLevel
from jobcenter_tui.domain.programs import PROGRAM_CODES, program_name
from jobcenter_tui.domain.record import SOC_RE
from jobcenter_tui.services.audit import append_audit
from jobcenter_tui.services.errors import InvalidInput, NotFound, PermissionDenied, ServiceError

if TYPE_CHECKING:
    from jobcenter_tui.services import Services

PLAN_KIND = {"WIOA_YOUTH": "ISS", "WIOA_ADULT": "IEP", "WIOA_DW": "IEP"}
GOAL_STATUSES = ("open", "met", "not_met", "dropped")


@dataclass(frozen=True)
class ProgramRow:
    """One row of the Program Registration table."""

    program: str
    name: str
    eligibility: str
    reasons: tuple[str, ...]
    missing: tuple[str, ...]
    enrollment_id: str | None
    enrollment_status: str  # none | pending | open | closed
    dates: str
    can_enroll: bool


@dataclass(frozen=True)
class EnrollmentView:
    id: str
    program: str
    status: str
    youth_category: str | None
    created_at: datetime
    participation_date: date | None
    exit_date: date | None
    exit_reason: str | None
    clock: str  # "exit pending in 12 days", "held: T01 is scheduled", ""
    snapshot: dict[str, Any] | None
    attestation: dict[str, Any] | None
    history: tuple[tuple[datetime, str | None, str, str | None, str | None], ...]
    version: int


@dataclass(frozen=True)
class ServiceView:
    id: str
    code: str
    name: str
    category: str
    enrollment_id: str | None
    program: str | None
    status: str
    start_date: date
    end_date: date | None
    staff: str | None
    provider: str | None
    notes: str | None
    cost: Decimal | None
    version: int


@dataclass(frozen=True)
class GoalView:
    description: str
    target_date: date | None
    status: str
    service_ids: tuple[str, ...]


@dataclass(frozen=True)
class PlanVersionView:
    number: int
    employment_goal_soc: str | None
    employment_goal_title: str | None
    agreement_date: date | None
    created_at: datetime
    created_by: str | None
    goals: tuple[GoalView, ...]


@dataclass(frozen=True)
class PlanView:
    id: str
    enrollment_id: str
    program: str
    kind: str
    versions: tuple[PlanVersionView, ...] = field(default_factory=tuple)

    @property
    def current(self) -> PlanVersionView:
        return self.versions[-1]


@dataclass(frozen=True)
class Attestation:
    """What staff verified before enrolling, and with which documents."""

    verified: tuple[str, ...]
    document_ids: tuple[str, ...] = ()
    note: str = ""
    program_answers: dict[str, Any] = field(default_factory=dict)


def _require_level(actor: Actor, program: str, level: ProgramLevel) -> None:
    if not actor.can_program(program, level):
        raise PermissionDenied(f"{actor.username} does not hold {level.value} for {program_name(program)}")


class CaseService:
    def __init__(self, services: "Services") -> None:
        self._s = services

    # --- helpers -----------------------------------------------------------------------------

    def _seeker(self, session: Session, seeker_id: str) -> JobSeeker:
        row = session.exec(select(JobSeeker).where(JobSeeker.id == seeker_id)).first()
        if row is None:
            raise NotFound(f"No job seeker with record id {seeker_id}")
        return row

    def _enrollment(self, session: Session, enrollment_id: str) -> Enrollment:
        row = session.get(Enrollment, enrollment_id)
        if row is None:
            raise NotFound(f"No enrollment {enrollment_id}")
        return row

    def _catalog(self, session: Session) -> dict[str, ServiceCatalogEntry]:
        return {c.code: c for c in session.exec(select(ServiceCatalogEntry)).all()}

    def _facts(self, session: Session, enrollment_id: str, catalog: dict[str, ServiceCatalogEntry]) -> list[ServiceFact]:
        rows = session.exec(select(Service).where(Service.enrollment_id == enrollment_id)).all()
        return [ServiceFact(r.code, r.status, r.start_date, r.end_date, catalog[r.code].extends_participation,
                            catalog[r.code].holds_clock) for r in rows]

    def _move(self, session: Session, actor: Actor, enrollment: Enrollment, new: str, reason: str | None) -> None:
        old = enrollment.status
        enrollment.status = new
        session.add(enrollment)
        session.add(EnrollmentStatusChange(enrollment_id=enrollment.id, from_status=old, to_status=new,
                                           at=self._s.now(), by=actor.username, reason=reason))
        append_audit(session, actor, f"enrollment.{new}", at=self._s.now(), entity="job_seeker",
                     entity_id=enrollment.seeker_id,
                     changes={"enrollment": enrollment.id, "program": enrollment.program, "from": old, "to": new},
                     reason=reason)

    def _fresh_determination(self, session: Session, actor: Actor, seeker_id: str) -> EligibilityDetermination:
        """The latest determination, re-run first when it is older than ``eligibility_valid_days``."""
        latest = session.exec(
            select(EligibilityDetermination).where(EligibilityDetermination.seeker_id == seeker_id)
            .order_by(EligibilityDetermination.sequence.desc()).limit(1)  # type: ignore[attr-defined]
        ).first()
        cfg = self._s.eligibility.config()
        today = self._s.today()
        if latest is not None and (today - latest.as_of).days <= cfg.eligibility_valid_days:
            return latest
        from jobcenter_tui.domain.eligibility import evaluate
        from jobcenter_tui.domain.record import parse_record
        from jobcenter_tui.services.eligibility import determination_row, next_sequence
        from jobcenter_tui.services.seeker_mapping import row_record_dict

        record = parse_record(row_record_dict(self._seeker(session, seeker_id), self._s.keyring), None)
        row = EligibilityDetermination(**determination_row(record, seeker_id, evaluate(record, today, cfg), actor, self._s.now()),
                                       sequence=next_sequence(session))
        session.add(row)
        session.flush()
        append_audit(session, actor, "eligibility.determine", at=self._s.now(), entity="job_seeker", entity_id=seeker_id,
                     changes={"determination": row.id, "as_of": today.isoformat(), "rules_version": row.rules_version,
                              "why": "stale" if latest is not None else "none recorded"})
        return row

    # --- program registration ------------------------------------------------------------------

    def program_registration(self, actor: Actor, seeker_id: str) -> list[ProgramRow]:
        """One row per program: eligibility today, enrollment status, and whether Enroll is offered.

        Enroll shows only when the program is eligible *and* this staff member holds ``create``
        for it; ``enroll`` refuses otherwise, whatever the screen showed.
        """
        actor.require(Privilege.SEEKER_VIEW)
        from jobcenter_tui.domain.eligibility import evaluate
        from jobcenter_tui.domain.record import parse_record
        from jobcenter_tui.services.seeker_mapping import row_record_dict

        with self._s.db.session() as session:
            seeker = self._seeker(session, seeker_id)
            record = parse_record(row_record_dict(seeker, self._s.keyring), None)
            result = evaluate(record, self._s.today(), self._s.eligibility.config())
            enrollments = session.exec(select(Enrollment).where(Enrollment.seeker_id == seeker_id)
                                       .order_by(Enrollment.created_at.desc())).all()  # type: ignore[attr-defined]
        rows = []
        for p in result.programs:
            mine = [e for e in enrollments if e.program == p.program]
            active = next((e for e in mine if e.status in (PENDING, OPEN)), None)
            shown = active or (mine[0] if mine else None)
            dates = ""
            if shown is not None:
                dates = f"{shown.participation_date or shown.created_at.date()} →"
                if shown.status == CLOSED:
                    dates = f"→ {shown.exit_date or '—'}"
            can = (p.status == "eligible" and active is None and actor.can_program(p.program, ProgramLevel.CREATE))
            rows.append(ProgramRow(p.program, program_name(p.program), p.status, p.reasons, p.missing,
                                   shown.id if shown else None, shown.status if shown else "none", dates, can))
        return rows

    # --- enrollment ----------------------------------------------------------------------------

    def enroll(self, actor: Actor, seeker_id: str, program: str, attestation: Attestation) -> EnrollmentView:
        """A pending enrollment holding the eligibility snapshot, after the staff attestation."""
        if program not in PROGRAM_CODES:
            raise InvalidInput({"program": f"unknown program {program}"})
        _require_level(actor, program, ProgramLevel.CREATE)
        if not attestation.verified:
            raise InvalidInput({"verified": "say what was verified before enrolling"})
        now = self._s.now()
        try:
            with self._s.db.session(write=True) as session:
                self._seeker(session, seeker_id)
                determination = self._fresh_determination(session, actor, seeker_id)
                answer = next(p for p in determination.result["programs"] if p["program"] == program)
                if answer["status"] != "eligible":
                    why = "; ".join(answer["reasons"] or [f"missing {', '.join(answer['missing'])}"])
                    raise ServiceError(f"{program_name(program)}: not eligible ({why})")
                active = session.exec(select(Enrollment).where(Enrollment.seeker_id == seeker_id, Enrollment.program == program,
                                                               Enrollment.status.in_((PENDING, OPEN)))).first()  # type: ignore[attr-defined]
                if active is not None:
                    raise ServiceError(f"There is already a {active.status} {program_name(program)} enrollment")
                enrollment = Enrollment(
                    seeker_id=seeker_id, program=program, status=PENDING,
                    youth_category=answer.get("category"), determination_id=determination.id,
                    eligibility_snapshot={"as_of": determination.as_of.isoformat(), "rules_version": determination.rules_version,
                                          "result": determination.result, "inputs": determination.inputs},
                    attestation={"verified": list(attestation.verified), "documents": list(attestation.document_ids),
                                 "note": attestation.note, "program_answers": attestation.program_answers,
                                 "staff": actor.display_name, "date": now.date().isoformat()},
                    attested_by=actor.username, attested_at=now, created_at=now, created_by=actor.username,
                )
                session.add(enrollment)
                session.flush()
                session.add(EnrollmentStatusChange(enrollment_id=enrollment.id, from_status=None, to_status=PENDING, at=now,
                                                   by=actor.username, reason="enrolled after attestation"))
                append_audit(session, actor, "enrollment.pending", at=now, entity="job_seeker", entity_id=seeker_id,
                             changes={"enrollment": enrollment.id, "program": program, "determination": determination.id,
                                      "verified": list(attestation.verified)})
                session.flush()
                return self._enrollment_view(session, enrollment)
        except IntegrityError:
            raise ServiceError(f"There is already a pending or open {program_name(program)} enrollment") from None

    def enrollments(self, actor: Actor, seeker_id: str) -> list[EnrollmentView]:
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.db.session() as session:
            rows = session.exec(select(Enrollment).where(Enrollment.seeker_id == seeker_id)
                                .order_by(Enrollment.created_at.desc())).all()  # type: ignore[attr-defined]
            return [self._enrollment_view(session, e) for e in rows if actor.can_program(e.program, ProgramLevel.VIEW)]

    def _enrollment_view(self, session: Session, e: Enrollment, catalog: dict[str, ServiceCatalogEntry] | None = None) -> EnrollmentView:
        clock = ""
        if e.status == OPEN:
            state = exit_clock(self._facts(session, e.id, catalog or self._catalog(session)), self._s.today())
            if state.held:
                clock = f"exit clock held: {state.reason}"
            elif state.exit_due:
                clock = f"exit due (last service {state.last_service_end})"
            elif state.days_left is not None:
                clock = f"exit pending in {state.days_left} days"
        changes = session.exec(select(EnrollmentStatusChange).where(EnrollmentStatusChange.enrollment_id == e.id)
                               .order_by(EnrollmentStatusChange.id)).all()  # type: ignore[arg-type]
        return EnrollmentView(e.id, e.program, e.status, e.youth_category, e.created_at, e.participation_date, e.exit_date,
                              e.exit_reason, clock, e.eligibility_snapshot, e.attestation,
                              tuple((c.at, c.from_status, c.to_status, c.by, c.reason) for c in changes), e.version)

    def close(self, actor: Actor, enrollment_id: str, reason: str, *, note: str = "") -> EnrollmentView:
        """Staff close an enrollment with an exit reason; a pending one without services never participated."""
        with self._s.db.session(write=True) as session:
            e = self._enrollment(session, enrollment_id)
            _require_level(actor, e.program, ProgramLevel.EDIT)
            if e.status == CLOSED:
                raise ServiceError("This enrollment is already closed")
            if reason not in EXIT_REASONS:
                raise InvalidInput({"reason": "choose an exit reason from the list"})
            catalog = self._catalog(session)
            facts = self._facts(session, e.id, catalog)
            received = [f.ended for f in facts if f.extends_participation and f.status == "completed"]
            if e.status == PENDING and not received:
                reason = "never_participated"
            e.exit_reason = reason
            e.exit_date = max(received) if received else self._s.today()
            e.closed_by = actor.username
            self._move(session, actor, e, CLOSED, f"{EXIT_REASONS[reason]}{': ' + note if note else ''}")
            session.flush()
            return self._enrollment_view(session, e, catalog)

    def reopen(self, actor: Actor, enrollment_id: str, reason: str) -> EnrollmentView:
        actor.require(Privilege.ENROLLMENT_REOPEN)
        if len(reason.strip()) < 5:
            raise InvalidInput({"reason": "say why the enrollment is reopened (at least 5 characters)"})
        try:
            with self._s.db.session(write=True) as session:
                e = self._enrollment(session, enrollment_id)
                _require_level(actor, e.program, ProgramLevel.EDIT)
                if e.status != CLOSED:
                    raise ServiceError("Only a closed enrollment can be reopened")
                e.exit_date = e.exit_reason = e.closed_by = None
                self._move(session, actor, e, OPEN if e.participation_date else PENDING, reason.strip())
                session.flush()
                return self._enrollment_view(session, e)
        except IntegrityError:
            raise ServiceError("Another pending or open enrollment in this program exists; close it first") from None

    def run_exits(self, actor: Actor, as_of: date | None = None) -> list[tuple[str, str, date]]:
        """Close every open enrollment whose 90 days have run out. Idempotent: run it daily.

        Returns (enrollment id, seeker id, exit date) of each one closed by this run.
        """
        if not actor.is_system:
            raise PermissionDenied("The exit run is a scheduled job: run 'jobcenter exits run'")
        as_of = as_of or self._s.today()
        closed = []
        with self._s.db.session(write=True) as session:
            catalog = self._catalog(session)
            for e in session.exec(select(Enrollment).where(Enrollment.status == OPEN)).all():
                state = exit_clock(self._facts(session, e.id, catalog), as_of)
                if not state.exit_due:
                    continue
                e.exit_date = state.exit_date
                e.closed_by = actor.username
                self._move(session, actor, e, CLOSED, f"exit: {state.reason}")
                closed.append((e.id, e.seeker_id, state.exit_date))
        return closed  # type: ignore[return-value]

    # --- services ------------------------------------------------------------------------------

    def catalog(self) -> list[ServiceCatalogEntry]:
        with self._s.db.session() as session:
            return list(session.exec(select(ServiceCatalogEntry).where(ServiceCatalogEntry.active)
                                     .order_by(ServiceCatalogEntry.code)).all())

    def record_service(self, actor: Actor, seeker_id: str, code: str, *, start_date: date, status: str = "completed",
                       end_date: date | None = None, enrollment_id: str | None = None, provider: str | None = None,
                       notes: str | None = None, cost: Decimal | None = None, gap_reason: str | None = None) -> ServiceView:
        """Record (or schedule) a service; the first participation service opens a pending enrollment."""
        errors: dict[str, str] = {}
        if status not in SERVICE_STATUSES:
            errors["status"] = f"must be one of {', '.join(SERVICE_STATUSES)}"
        if end_date is not None and end_date < start_date:
            errors["end_date"] = "must not be before the start date"
        if status == "completed" and start_date > self._s.today():
            errors["start_date"] = "a completed service cannot start in the future; schedule it instead"
        if cost is not None and cost < 0:
            errors["cost"] = "must be zero or more"
        now = self._s.now()
        with self._s.db.session(write=True) as session:
            self._seeker(session, seeker_id)
            catalog = self._catalog(session)
            entry = catalog.get(code)
            if entry is None or not entry.active:
                errors["code"] = f"{code} is not in the service catalog"
            elif entry.holds_clock:
                if not (gap_reason or "").strip():
                    errors["gap_reason"] = "a planned gap needs a reason"
                if end_date is None or (end_date - start_date).days > MAX_PLANNED_GAP_DAYS:
                    errors["end_date"] = f"a planned gap needs an end date within {MAX_PLANNED_GAP_DAYS} days"
            enrollment = None
            if enrollment_id:
                enrollment = self._enrollment(session, enrollment_id)
                if enrollment.seeker_id != seeker_id:
                    errors["enrollment_id"] = "belongs to another job seeker"
                else:
                    _require_level(actor, enrollment.program, ProgramLevel.EDIT)
                    if enrollment.status == CLOSED and entry is not None and entry.category != "follow_up":
                        errors["enrollment_id"] = "this enrollment is closed: only follow-up services may be added (reopen it first)"
            else:
                actor.require(Privilege.SEEKER_EDIT)
            if errors:
                raise InvalidInput(errors)
            assert entry is not None
            row = Service(seeker_id=seeker_id, enrollment_id=enrollment_id, code=code, status=status, start_date=start_date,
                          end_date=end_date, staff=actor.username, provider=provider, notes=notes, cost=cost,
                          gap_reason=gap_reason, created_at=now)
            session.add(row)
            session.flush()
            append_audit(session, actor, "service.record", at=now, entity="job_seeker", entity_id=seeker_id,
                         changes={"service": row.id, "code": code, "status": status, "enrollment": enrollment_id,
                                  "start": start_date.isoformat()})
            if enrollment is not None:
                self._maybe_open(session, actor, enrollment, catalog)
            self._touch(session, seeker_id)
            session.flush()
            return self._service_view(row, catalog, enrollment.program if enrollment else None)

    def _maybe_open(self, session: Session, actor: Actor, enrollment: Enrollment, catalog: dict[str, ServiceCatalogEntry]) -> None:
        if enrollment.status != PENDING:
            return
        start = participation_date(self._facts(session, enrollment.id, catalog))
        if start is not None:
            enrollment.participation_date = start
            self._move(session, actor, enrollment, OPEN, f"first participation service on {start.isoformat()}")

    def _touch(self, session: Session, seeker_id: str) -> None:
        seeker = self._seeker(session, seeker_id)
        seeker.last_activity_at = self._s.now()
        session.add(seeker)

    def set_service_status(self, actor: Actor, service_id: str, status: str, *, end_date: date | None = None,
                           expected_version: int | None = None) -> ServiceView:
        with self._s.db.session(write=True) as session:
            row = session.get(Service, service_id)
            if row is None:
                raise NotFound(f"No service {service_id}")
            enrollment = self._enrollment(session, row.enrollment_id) if row.enrollment_id else None
            if enrollment is not None:
                _require_level(actor, enrollment.program, ProgramLevel.EDIT)
            else:
                actor.require(Privilege.SEEKER_EDIT)
            if expected_version is not None and row.version != expected_version:
                raise ServiceError("This service was changed by someone else after you opened it; nothing was saved")
            try:
                check_service_move(row.status, status)
            except LifecycleError as exc:
                raise InvalidInput({"status": str(exc)}) from None
            if status == "completed" and row.start_date > self._s.today():
                raise InvalidInput({"status": "a service cannot be completed before it starts"})
            old = row.status
            row.status = status
            if status == "completed":
                row.end_date = end_date or row.end_date or self._s.today()
            session.add(row)
            append_audit(session, actor, "service.status", at=self._s.now(), entity="job_seeker", entity_id=row.seeker_id,
                         changes={"service": row.id, "code": row.code, "from": old, "to": status})
            catalog = self._catalog(session)
            if enrollment is not None:
                session.flush()
                self._maybe_open(session, actor, enrollment, catalog)
            session.flush()
            return self._service_view(row, catalog, enrollment.program if enrollment else None)

    def services(self, actor: Actor, seeker_id: str, *, status: str | None = None, program: str | None = None) -> list[ServiceView]:
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.db.session() as session:
            catalog = self._catalog(session)
            programs = {e.id: e.program for e in session.exec(select(Enrollment).where(Enrollment.seeker_id == seeker_id)).all()}
            query = select(Service).where(Service.seeker_id == seeker_id)
            if status:
                query = query.where(Service.status == status)
            rows = session.exec(query.order_by(Service.start_date.desc(), Service.created_at.desc())).all()  # type: ignore[attr-defined]
            out = []
            for r in rows:
                prog = programs.get(r.enrollment_id) if r.enrollment_id else None
                if program and prog != program:
                    continue
                if prog and not actor.can_program(prog, ProgramLevel.VIEW):
                    continue
                out.append(self._service_view(r, catalog, prog))
            return out

    def _service_view(self, r: Service, catalog: dict[str, ServiceCatalogEntry], program: str | None) -> ServiceView:
        entry = catalog[r.code]
        return ServiceView(r.id, r.code, entry.name, entry.category, r.enrollment_id, program, r.status, r.start_date,
                           r.end_date, r.staff, r.provider, r.notes, r.cost, r.version)

    # --- plans ---------------------------------------------------------------------------------

    def save_plan(self, actor: Actor, enrollment_id: str, *, employment_goal_soc: str | None, employment_goal_title: str | None,
                  goals: list[dict[str, Any]], agreement_date: date | None) -> PlanView:
        """Save the plan of an enrollment as a new version (old versions are kept)."""
        errors: dict[str, str] = {}
        if employment_goal_soc and not SOC_RE.fullmatch(employment_goal_soc):
            errors["employment_goal_soc"] = "must be a SOC code written NN-NNNN"
        if not goals:
            errors["goals"] = "a plan needs at least one goal"
        for i, g in enumerate(goals):
            if not str(g.get("description", "")).strip():
                errors[f"goals[{i}].description"] = "describe the goal"
            if g.get("status", "open") not in GOAL_STATUSES:
                errors[f"goals[{i}].status"] = f"must be one of {', '.join(GOAL_STATUSES)}"
        now = self._s.now()
        with self._s.db.session(write=True) as session:
            e = self._enrollment(session, enrollment_id)
            _require_level(actor, e.program, ProgramLevel.EDIT)
            kind = PLAN_KIND.get(e.program)
            if kind is None:
                raise ServiceError(f"{program_name(e.program)} has no IEP or ISS")
            if e.status == CLOSED:
                raise ServiceError("This enrollment is closed; reopen it to change its plan")
            service_ids = {s.id for s in session.exec(select(Service).where(Service.enrollment_id == e.id)).all()}
            for i, g in enumerate(goals):
                unknown = set(g.get("service_ids", ())) - service_ids
                if unknown:
                    errors[f"goals[{i}].service_ids"] = "links a service that is not on this enrollment"
            if errors:
                raise InvalidInput(errors)
            plan = session.exec(select(Plan).where(Plan.enrollment_id == e.id)).first()
            if plan is None:
                plan = Plan(enrollment_id=e.id, seeker_id=e.seeker_id, kind=kind, created_at=now)
                session.add(plan)
                session.flush()
            last = session.exec(select(PlanVersion.number).where(PlanVersion.plan_id == plan.id)
                                .order_by(PlanVersion.number.desc()).limit(1)).first() or 0  # type: ignore[attr-defined]
            version = PlanVersion(plan_id=plan.id, number=last + 1, employment_goal_soc=employment_goal_soc,
                                  employment_goal_title=employment_goal_title, agreement_date=agreement_date,
                                  created_at=now, created_by=actor.username)
            session.add(version)
            session.flush()
            for i, g in enumerate(goals):
                goal = PlanGoal(plan_version_id=version.id, position=i, description=str(g["description"]).strip(),
                                target_date=g.get("target_date"), status=g.get("status", "open"))
                session.add(goal)
                session.flush()
                for sid in g.get("service_ids", ()):
                    session.add(PlanGoalService(goal_id=goal.id, service_id=sid))
            append_audit(session, actor, "plan.save", at=now, entity="job_seeker", entity_id=e.seeker_id,
                         changes={"plan": plan.id, "kind": kind, "version": version.number, "enrollment": e.id})
            session.flush()
            return self._plan_view(session, plan, e.program)

    def plans(self, actor: Actor, seeker_id: str) -> list[PlanView]:
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.db.session() as session:
            out = []
            for plan in session.exec(select(Plan).where(Plan.seeker_id == seeker_id)).all():
                e = self._enrollment(session, plan.enrollment_id)
                if actor.can_program(e.program, ProgramLevel.VIEW):
                    out.append(self._plan_view(session, plan, e.program))
            return out

    def _plan_view(self, session: Session, plan: Plan, program: str) -> PlanView:
        versions = []
        for v in session.exec(select(PlanVersion).where(PlanVersion.plan_id == plan.id).order_by(PlanVersion.number)).all():  # type: ignore[arg-type]
            goals = []
            for g in session.exec(select(PlanGoal).where(PlanGoal.plan_version_id == v.id).order_by(PlanGoal.position)).all():  # type: ignore[arg-type]
                links = tuple(session.exec(select(PlanGoalService.service_id).where(PlanGoalService.goal_id == g.id)).all())
                goals.append(GoalView(g.description, g.target_date, g.status, links))
            versions.append(PlanVersionView(v.number, v.employment_goal_soc, v.employment_goal_title, v.agreement_date,
                                            v.created_at, v.created_by, tuple(goals)))
        return PlanView(plan.id, plan.enrollment_id, program, plan.kind, tuple(versions))


