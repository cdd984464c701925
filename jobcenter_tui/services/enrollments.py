"""Enrollments and their lifecycle: enroll after the attestation, close, reopen, the daily exit run.

Every move checks the staff member's per-program privilege here (the screens only hide what would
be refused), writes a status-history row and is audited against the job seeker, so the record's
history shows the whole case.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, func, insert, literal, or_
from sqlalchemy import select as sa_select
from sqlalchemy import update as sa_update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from jobcenter_tui.db.models import (
    EligibilityDetermination,
    Enrollment,
    EnrollmentStatusChange,
    ServiceCatalogEntry,
    ServiceRecord,
)
from jobcenter_tui.domain.eligibility import evaluate
from jobcenter_tui.domain.enrollment import (
    CLOSED,
    EXIT_DAYS,
    EXIT_REASONS,
    NEVER_PARTICIPATED,
    OPEN,
    PENDING,
    ServiceFact,
    exit_clock,
    participation_date,
)
from jobcenter_tui.domain.permissions import Actor, Privilege, ProgramLevel
from jobcenter_tui.domain.programs import PROGRAM_CODES, program_name
from jobcenter_tui.services.audit import AuditEvent, append_audit, append_audit_events
from jobcenter_tui.services.common import (
    determination_row,
    eligibility_config,
    enrollment_row,
    next_sequence,
    require_level,
    seeker_row,
    service_catalog,
    stored_record,
)
from jobcenter_tui.services.errors import InvalidInput, PermissionDenied, ServiceError, StaleRecord

if TYPE_CHECKING:
    from jobcenter_tui.services import Services


@dataclass(frozen=True)
class Attestation:
    """What staff verified before enrolling, and with which documents."""

    verified: tuple[str, ...]
    document_ids: tuple[str, ...] = ()
    note: str = ""
    program_answers: dict[str, Any] = field(default_factory=dict)


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
    exit_reason_given: str | None  # the reason staff chose, kept when the spec records "never participated"
    clock: str  # "exit pending in 12 days", "held: T01 is scheduled", ""
    snapshot: dict[str, Any] | None
    attestation: dict[str, Any] | None
    history: tuple[tuple[datetime, str | None, str, str | None, str | None], ...]
    version: int


EXIT_BATCH = 5000  # at most this many enrollments closed per write transaction of the exit run
EXIT_FIRST_BATCH = 250  # its first write; the next ones are sized from the time each enrollment took
EXIT_LOCK = 0.1  # each write transaction of the exit run is sized to hold the write lock about this long
EXIT_PAGE = 20_000  # open enrollments read per page by the exit run (no write lock)
# Between two of its write transactions the exit run steps aside this long on SQLite. A writer waiting for the
# lock retries by SQLite's busy handler, whose sleeps grow 1, 2, 5, 10, 15, 20, 25, 25, 25, 50… ms: one that
# began waiting during a write of about EXIT_LOCK sleeps at most 25-50 ms at a time, so it wakes in this gap
# (or in the next one). (PostgreSQL locks rows: no pause there.)
EXIT_PAUSE = 0.03


@dataclass(frozen=True)
class ExitRun:
    """What an exit run did, and how it wrote: the longest write transaction is the others' worst wait."""

    closed: list[tuple[str, str, date]]  # (enrollment id, seeker id, exit date)
    examined: int  # open enrollments read
    write_transactions: int
    largest_batch: int
    longest_write_seconds: float


# --- lifecycle steps shared with the service records ---------------------------------------------


_FACT_COLUMNS = (col(ServiceRecord.enrollment_id), col(ServiceRecord.code), col(ServiceRecord.status),
                 col(ServiceRecord.start_date), col(ServiceRecord.end_date))


def _facts_by_enrollment(rows: Iterable[Any], catalog: dict[str, ServiceCatalogEntry]) -> dict[str, list[ServiceFact]]:
    out: dict[str, list[ServiceFact]] = defaultdict(list)
    for enrollment_id, code, status, start, end in rows:
        entry = catalog[code]
        out[enrollment_id].append(ServiceFact(code, status, start, end, entry.extends_participation, entry.holds_clock))
    return out


def service_facts(session: Session, enrollment_ids: Sequence[str],
                  catalog: dict[str, ServiceCatalogEntry]) -> dict[str, list[ServiceFact]]:
    """The services on each enrollment as the exit rules read them: one query for all of them."""
    if not enrollment_ids:
        return {}
    rows = session.execute(sa_select(*_FACT_COLUMNS).where(col(ServiceRecord.enrollment_id).in_(list(enrollment_ids)))).all()
    return _facts_by_enrollment(rows, catalog)


def move(session: Session, actor: Actor, enrollment: Enrollment, new: str, reason: str | None, at: datetime,
         **recorded: Any) -> None:
    """Change an enrollment's status: a history row and an audit row (with ``recorded``) in the same unit of work."""
    old = enrollment.status
    enrollment.status = new
    session.add(enrollment)
    session.add(EnrollmentStatusChange(enrollment_id=enrollment.id, from_status=old, to_status=new, at=at,
                                       by=actor.username, reason=reason))
    append_audit(session, actor, f"enrollment.{new}", at=at, entity="job_seeker", entity_id=enrollment.seeker_id,
                 changes={"enrollment": enrollment.id, "program": enrollment.program, "from": old, "to": new, **recorded},
                 reason=reason)


def open_if_participating(session: Session, actor: Actor, enrollment: Enrollment,
                          catalog: dict[str, ServiceCatalogEntry], at: datetime) -> None:
    """A pending enrollment opens on its first completed participation service."""
    if enrollment.status != PENDING:
        return
    start = participation_date(service_facts(session, [enrollment.id], catalog).get(enrollment.id, []))
    if start is not None:
        enrollment.participation_date = start
        move(session, actor, enrollment, OPEN, f"first participation service on {start.isoformat()}", at)


def _open_enrollments_page(after: str, limit: int, as_of: date) -> Any:
    """(id, may be due) of up to ``limit`` open enrollments after ``after``, in id order.

    "May be due" is what SQL can rule out set-based, a necessary condition of the exit rule: no
    participation service scheduled or under way, and none received in the last ``EXIT_DAYS`` days.
    The rule itself (planned gaps, the exit date) decides inside the write.
    """
    ended = func.coalesce(col(ServiceRecord.end_date), col(ServiceRecord.start_date))
    recent = (sa_select(literal(1)).select_from(ServiceRecord)
              .join(ServiceCatalogEntry, col(ServiceCatalogEntry.code) == col(ServiceRecord.code))
              .where(col(ServiceRecord.enrollment_id) == col(Enrollment.id), col(ServiceCatalogEntry.extends_participation),
                     or_(col(ServiceRecord.status).in_(("scheduled", "in_progress")),
                         and_(col(ServiceRecord.status) == "completed", ended > as_of - timedelta(days=EXIT_DAYS),
                              ended <= as_of))))
    return (sa_select(col(Enrollment.id), ~recent.exists())
            .where(col(Enrollment.status) == OPEN, col(Enrollment.id) > after)
            .order_by(col(Enrollment.id)).limit(limit))


# --- the use cases -----------------------------------------------------------------------------


class EnrollmentService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def _fresh_determination(self, session: Session, actor: Actor, seeker_id: str) -> EligibilityDetermination:
        """The latest determination, re-run first when it is older than ``eligibility_valid_days``."""
        latest = session.exec(
            select(EligibilityDetermination).where(EligibilityDetermination.seeker_id == seeker_id)
            .order_by(col(EligibilityDetermination.sequence).desc()).limit(1)
        ).first()
        cfg = eligibility_config(session)
        today = self._s.today()
        if latest is not None and (today - latest.as_of).days <= cfg.eligibility_valid_days:
            return latest
        record = stored_record(session, seeker_id, self._s.keyring)
        row = EligibilityDetermination(**determination_row(record, seeker_id, evaluate(record, today, cfg), actor, self._s.now()),
                                       sequence=next_sequence(session))
        session.add(row)
        session.flush()
        append_audit(session, actor, "eligibility.determine", at=self._s.now(), entity="job_seeker", entity_id=seeker_id,
                     changes={"determination": row.id, "as_of": today.isoformat(), "rules_version": row.rules_version,
                              "why": "stale" if latest is not None else "none recorded"})
        return row

    def enroll(self, actor: Actor, seeker_id: str, program: str, attestation: Attestation) -> EnrollmentView:
        """A pending enrollment holding the eligibility snapshot, after the staff attestation."""
        if program not in PROGRAM_CODES:
            raise InvalidInput({"program": f"unknown program {program}"})
        require_level(actor, program, ProgramLevel.CREATE)
        if not attestation.verified:
            raise InvalidInput({"verified": "say what was verified before enrolling"})
        now = self._s.now()
        try:
            with self._s.unit(actor, write=True) as session:
                seeker_row(session, seeker_id)
                determination = self._fresh_determination(session, actor, seeker_id)
                answer = next(p for p in determination.result["programs"] if p["program"] == program)
                if answer["status"] != "eligible":
                    why = "; ".join(answer["reasons"] or [f"missing {', '.join(answer['missing'])}"])
                    raise ServiceError(f"{program_name(program)}: not eligible ({why})")
                active = session.exec(select(Enrollment).where(Enrollment.seeker_id == seeker_id, Enrollment.program == program,
                                                               col(Enrollment.status).in_((PENDING, OPEN)))).first()
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
                return self._views(session, [enrollment])[0]
        except IntegrityError:
            raise ServiceError(f"There is already a pending or open {program_name(program)} enrollment") from None

    def for_seeker(self, actor: Actor, seeker_id: str) -> list[EnrollmentView]:
        """The enrollments this staff member may see, newest first (a fixed number of queries, however many)."""
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.unit(actor) as session:
            rows = session.exec(select(Enrollment).where(Enrollment.seeker_id == seeker_id)
                                .order_by(col(Enrollment.created_at).desc())).all()
            return self._views(session, [e for e in rows if actor.can_program(e.program, ProgramLevel.VIEW)])

    def _views(self, session: Session, enrollments: Sequence[Enrollment],
               catalog: dict[str, ServiceCatalogEntry] | None = None) -> list[EnrollmentView]:
        """Views of many enrollments: their histories in one query, the open ones' services in one more."""
        if not enrollments:
            return []
        ids = [e.id for e in enrollments]
        history: dict[str, list[tuple[datetime, str | None, str, str | None, str | None]]] = defaultdict(list)
        for c in session.exec(select(EnrollmentStatusChange).where(col(EnrollmentStatusChange.enrollment_id).in_(ids))
                              .order_by(col(EnrollmentStatusChange.id))).all():
            history[c.enrollment_id].append((c.at, c.from_status, c.to_status, c.by, c.reason))
        open_ids = [e.id for e in enrollments if e.status == OPEN]
        facts = service_facts(session, open_ids, catalog or service_catalog(session)) if open_ids else {}
        today = self._s.today()
        out = []
        for e in enrollments:
            clock = ""
            if e.status == OPEN:
                state = exit_clock(facts.get(e.id, []), today)
                if state.held:
                    clock = f"exit clock held: {state.reason}"
                elif state.exit_due:
                    clock = f"exit due (last service {state.last_service_end})"
                elif state.days_left is not None:
                    clock = f"exit pending in {state.days_left} days"
            out.append(EnrollmentView(e.id, e.program, e.status, e.youth_category, e.created_at, e.participation_date,
                                      e.exit_date, e.exit_reason, e.exit_reason_given or e.exit_reason, clock, e.eligibility_snapshot, e.attestation,
                                      tuple(history[e.id]), e.version))
        return out

    def close(self, actor: Actor, enrollment_id: str, reason: str, *, note: str = "") -> EnrollmentView:
        """Staff close an enrollment with the exit reason they chose.

        The spec records a pending enrollment closed without any service as ``never_participated``;
        the reason chosen is kept with it (``exit_reason_given``, status history, audit), never dropped.
        """
        with self._s.unit(actor, write=True) as session:
            e = enrollment_row(session, enrollment_id)
            require_level(actor, e.program, ProgramLevel.EDIT)
            if e.status == CLOSED:
                raise ServiceError("This enrollment is already closed")
            if reason not in EXIT_REASONS:
                raise InvalidInput({"reason": "choose an exit reason from the list"})
            catalog = service_catalog(session)
            facts = service_facts(session, [e.id], catalog).get(e.id, [])
            received = [f.ended for f in facts if f.extends_participation and f.status == "completed"]
            why = f"{EXIT_REASONS[reason]}{': ' + note if note else ''}"
            e.exit_reason, e.exit_reason_given = reason, reason
            if e.status == PENDING and not received:
                e.exit_reason = NEVER_PARTICIPATED
                why += f" ({EXIT_REASONS[NEVER_PARTICIPATED].lower()}: no service was received)"
            e.exit_date = max(received) if received else self._s.today()
            e.closed_by = actor.username
            move(session, actor, e, CLOSED, why[:500], self._s.now(), exit_reason=e.exit_reason, reason_given=reason)
            session.flush()
            return self._views(session, [e], catalog)[0]

    def reopen(self, actor: Actor, enrollment_id: str, reason: str) -> EnrollmentView:
        actor.require(Privilege.ENROLLMENT_REOPEN)
        if len(reason.strip()) < 5:
            raise InvalidInput({"reason": "say why the enrollment is reopened (at least 5 characters)"})
        try:
            with self._s.unit(actor, write=True) as session:
                e = enrollment_row(session, enrollment_id)
                require_level(actor, e.program, ProgramLevel.EDIT)
                if e.status != CLOSED:
                    raise ServiceError("Only a closed enrollment can be reopened")
                e.exit_date = e.exit_reason = e.exit_reason_given = e.closed_by = None
                move(session, actor, e, OPEN if e.participation_date else PENDING, reason.strip(), self._s.now())
                session.flush()
                return self._views(session, [e])[0]
        except IntegrityError:
            raise ServiceError("Another pending or open enrollment in this program exists; close it first") from None

    def run_exits(self, actor: Actor, as_of: date | None = None) -> list[tuple[str, str, date]]:
        """Close every open enrollment whose 90 days have run out (see ``exit_run``); the ones closed by this run."""
        return self.exit_run(actor, as_of).closed

    def exit_run(self, actor: Actor, as_of: date | None = None, *, batch: int = EXIT_BATCH, page: int = EXIT_PAGE,
                 lock: float | None = EXIT_LOCK, pause: float | None = None) -> ExitRun:
        """Close every open enrollment whose 90 days have run out. Idempotent: run it daily.

        Never one long write: open enrollments are read a page at a time (keyset on id) without the
        write lock, with a set-based test in SQL that rules out those that cannot be due (a participation
        service under way, or one received in the last 90 days). The rest are closed in short write
        transactions, each with its history and audit rows: the first of ``EXIT_FIRST_BATCH``, then each
        sized from the last one's time per enrollment to hold the lock about ``lock`` seconds (at most
        ``batch``; ``lock=None``: always ``batch``). Inside the write each row is read again (still open?
        a service recorded meanwhile?) and decided by the exit rule, so a change made between the read
        and the write is never overwritten. Between two writes it pauses (``EXIT_PAUSE`` on SQLite), so
        other writers are not starved.
        """
        if not actor.is_system:
            raise PermissionDenied("The exit run is a scheduled job: run 'jobcenter exits run'")
        as_of = as_of or self._s.today()
        closed: list[tuple[str, str, date]] = []
        examined = transactions = largest = 0
        longest = 0.0
        last_id = ""
        if pause is None:
            pause = EXIT_PAUSE if self._s.db.dialect == "sqlite" else 0.0
        size = batch if lock is None else min(batch, EXIT_FIRST_BATCH)
        with self._s.unit(actor) as session:
            catalog = service_catalog(session)
        while True:
            with self._s.unit(actor) as session:
                rows = session.execute(_open_enrollments_page(last_id, page, as_of)).all()
            if not rows:
                break
            examined += len(rows)
            last_id = rows[-1][0]
            due = [eid for eid, maybe_due in rows if maybe_due]
            start = 0
            while start < len(due):
                ids = due[start:start + size]
                start += len(ids)
                if transactions and pause:
                    time.sleep(pause)
                done, held = self._close_due(actor, ids, catalog, as_of)
                closed.extend(done)
                transactions += 1
                largest = max(largest, len(ids))
                longest = max(longest, held)
                if lock is not None and held > 0:
                    size = max(1, min(batch, 2 * len(ids), int(len(ids) * lock / held)))
        return ExitRun(closed, examined, transactions, largest, longest)

    def _close_due(self, actor: Actor, ids: list[str], catalog: dict[str, ServiceCatalogEntry],
                   as_of: date) -> tuple[list[tuple[str, str, date]], float]:
        """One write transaction: close those of ``ids`` still open and still due (the same history and audit
        rows as ``move``, written in bulk); returns them and how long the write lock was held."""
        closed: list[tuple[str, str, date]] = []
        with self._s.unit(actor, write=True) as session:
            session.connection()  # BEGIN IMMEDIATE: the write lock is ours from here
            started = time.perf_counter()
            rows = session.execute(sa_select(col(Enrollment.id), col(Enrollment.seeker_id), col(Enrollment.program),
                                             col(Enrollment.version))
                                   .where(col(Enrollment.id).in_(ids), col(Enrollment.status) == OPEN)
                                   .order_by(col(Enrollment.id))).all()
            facts = service_facts(session, [r.id for r in rows], catalog)
            now = self._s.now()
            updates: list[dict[str, Any]] = []
            history: list[dict[str, Any]] = []
            events: list[AuditEvent] = []
            for eid, seeker_id, program, version in rows:
                state = exit_clock(facts.get(eid, []), as_of)
                if not state.exit_due or state.exit_date is None:
                    continue
                reason = f"exit: {state.reason}"
                updates.append({"eid": eid, "seen": version, "day": state.exit_date})
                history.append({"enrollment_id": eid, "from_status": OPEN, "to_status": CLOSED, "at": now,
                                "by": actor.username, "reason": reason})
                events.append(AuditEvent(f"enrollment.{CLOSED}", "job_seeker", seeker_id,
                                         {"enrollment": eid, "program": program, "from": OPEN, "to": CLOSED}, reason))
                closed.append((eid, seeker_id, state.exit_date))
            if updates:
                table = Enrollment.__table__  # type: ignore[attr-defined]
                changed = session.execute(
                    sa_update(table).where(table.c.id == bindparam("eid"), table.c.version == bindparam("seen"))
                    .values(status=CLOSED, exit_date=bindparam("day"), closed_by=actor.username, version=table.c.version + 1),
                    updates).rowcount  # type: ignore[attr-defined]  # DML gives a CursorResult
                if changed != len(updates):  # cannot happen under the write lock; never write history for a lost row
                    raise StaleRecord("An enrollment changed while the exit run was closing it; run it again")
                session.connection().execute(insert(EnrollmentStatusChange.__table__), history)  # type: ignore[attr-defined]
                append_audit_events(session, actor, events, at=now)
        return closed, time.perf_counter() - started
