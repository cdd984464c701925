"""Service records: the workforce services a job seeker received or is scheduled for.

A record on an enrollment needs ``edit`` for that program, and the first completed participation
service opens a pending enrollment, in the same unit of work. ("Service" here is always the
workforce service; the use-case classes are named after what they serve.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from jobcenter_tui.db.models import Enrollment, ServiceCatalogEntry, ServiceRecord
from jobcenter_tui.domain.catalog import CatalogEntry
from jobcenter_tui.domain.enrollment import (
    CLOSED,
    MAX_PLANNED_GAP_DAYS,
    SERVICE_STATUSES,
    LifecycleError,
    check_service_move,
)
from jobcenter_tui.domain.permissions import Actor, Privilege, ProgramLevel
from jobcenter_tui.services.audit import append_audit
from jobcenter_tui.services.common import enrollment_row, require_level, seeker_row, service_catalog
from jobcenter_tui.services.enrollments import open_if_participating
from jobcenter_tui.services.errors import InvalidInput, NotFound, ServiceError

if TYPE_CHECKING:
    from jobcenter_tui.services import Services


@dataclass(frozen=True)
class ServiceRecordView:
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
    gap_reason: str | None
    created_at: datetime


def _view(r: ServiceRecord, catalog: dict[str, ServiceCatalogEntry], program: str | None) -> ServiceRecordView:
    entry = catalog[r.code]
    return ServiceRecordView(r.id, r.code, entry.name, entry.category, r.enrollment_id, program, r.status, r.start_date,
                             r.end_date, r.staff, r.provider, r.notes, r.cost, r.version, r.gap_reason, r.created_at)


class ServiceRecordService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def catalog(self) -> list[CatalogEntry]:
        """The active catalog codes staff may record, in code order."""
        with self._s.db.session() as session:
            rows = session.exec(select(ServiceCatalogEntry).where(ServiceCatalogEntry.active)
                                .order_by(col(ServiceCatalogEntry.code))).all()
            return [CatalogEntry(c.code, c.name, c.category, c.extends_participation, c.holds_clock) for c in rows]

    def record(self, actor: Actor, seeker_id: str, code: str, *, start_date: date, status: str = "completed",
               end_date: date | None = None, enrollment_id: str | None = None, provider: str | None = None,
               notes: str | None = None, cost: Decimal | None = None, gap_reason: str | None = None) -> ServiceRecordView:
        """Record (or schedule) a service; the first participation service opens a pending enrollment."""
        with self._s.unit(actor, write=True) as session:
            return self.record_in(session, actor, seeker_id, code, start_date=start_date, status=status, end_date=end_date,
                                  enrollment_id=enrollment_id, provider=provider, notes=notes, cost=cost, gap_reason=gap_reason)

    def record_in(self, session: Session, actor: Actor, seeker_id: str, code: str, *, start_date: date,
                  status: str = "completed", end_date: date | None = None, enrollment_id: str | None = None,
                  provider: str | None = None, notes: str | None = None, cost: Decimal | None = None,
                  gap_reason: str | None = None) -> ServiceRecordView:
        """``record`` inside the caller's unit of work (a referral records its B04 with the referral)."""
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
        seeker = seeker_row(session, seeker_id)
        catalog = service_catalog(session)
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
            enrollment = enrollment_row(session, enrollment_id)
            if enrollment.seeker_id != seeker_id:
                errors["enrollment_id"] = "belongs to another job seeker"
            else:
                require_level(actor, enrollment.program, ProgramLevel.EDIT)
                if enrollment.status == CLOSED and entry is not None and entry.category != "follow_up":
                    errors["enrollment_id"] = "this enrollment is closed: only follow-up services may be added (reopen it first)"
        else:
            actor.require(Privilege.SEEKER_EDIT)
        if errors:
            raise InvalidInput(errors)
        assert entry is not None
        row = ServiceRecord(seeker_id=seeker_id, enrollment_id=enrollment_id, code=code, status=status,
                            start_date=start_date, end_date=end_date, staff=actor.username, provider=provider,
                            notes=notes, cost=cost, gap_reason=gap_reason, created_at=now)
        session.add(row)
        session.flush()
        append_audit(session, actor, "service.record", at=now, entity="job_seeker", entity_id=seeker_id,
                     changes={"service": row.id, "code": code, "status": status, "enrollment": enrollment_id,
                              "start": start_date.isoformat()})
        if enrollment is not None:
            open_if_participating(session, actor, enrollment, catalog, now)
        seeker.last_activity_at = now
        session.add(seeker)
        session.flush()
        return _view(row, catalog, enrollment.program if enrollment else None)

    def set_status(self, actor: Actor, service_id: str, status: str, *, end_date: date | None = None,
                   expected_version: int | None = None) -> ServiceRecordView:
        with self._s.unit(actor, write=True) as session:
            row = session.get(ServiceRecord, service_id)
            if row is None:
                raise NotFound(f"No service {service_id}")
            enrollment = enrollment_row(session, row.enrollment_id) if row.enrollment_id else None
            if enrollment is not None:
                require_level(actor, enrollment.program, ProgramLevel.EDIT)
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
            now = self._s.now()
            append_audit(session, actor, "service.status", at=now, entity="job_seeker", entity_id=row.seeker_id,
                         changes={"service": row.id, "code": row.code, "from": old, "to": status})
            catalog = service_catalog(session)
            if enrollment is not None:
                session.flush()
                open_if_participating(session, actor, enrollment, catalog, now)
            session.flush()
            return _view(row, catalog, enrollment.program if enrollment else None)

    def for_seeker(self, actor: Actor, seeker_id: str, *, status: str | None = None,
                   program: str | None = None) -> list[ServiceRecordView]:
        """The job seeker's services this staff member may see, newest first."""
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.unit(actor) as session:
            catalog = service_catalog(session)
            programs = dict(session.exec(select(Enrollment.id, Enrollment.program).where(Enrollment.seeker_id == seeker_id)).all())
            query = select(ServiceRecord).where(ServiceRecord.seeker_id == seeker_id)
            if status:
                query = query.where(ServiceRecord.status == status)
            rows = session.exec(query.order_by(col(ServiceRecord.start_date).desc(), col(ServiceRecord.created_at).desc())).all()
            out = []
            for r in rows:
                prog = programs.get(r.enrollment_id) if r.enrollment_id else None
                if program and prog != program:
                    continue
                if prog and not actor.can_program(prog, ProgramLevel.VIEW):
                    continue
                out.append(_view(r, catalog, prog))
            return out

    def get(self, actor: Actor, service_id: str) -> ServiceRecordView:
        """One service record, for a read-only look at its provider, cost and dates."""
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.unit(actor) as session:
            row = session.get(ServiceRecord, service_id)
            if row is None:
                raise NotFound(f"No service {service_id}")
            program = None
            if row.enrollment_id:
                program = enrollment_row(session, row.enrollment_id).program
                require_level(actor, program, ProgramLevel.VIEW)
            return _view(row, service_catalog(session), program)
