"""The case lists cost a fixed number of SQL statements, however long they are; a use case is one unit of work.

Statements are counted with a ``before_cursor_execute`` listener on the engine while a list is read
for a case of 5 and then of 20 enrollments (plans, plan versions, possible duplicates); the count
must not grow with the list. Rows are written straight into the store so the lists can be long.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlmodel import col, select

from jobcenter_tui.db.models import (
    Enrollment,
    EnrollmentStatusChange,
    JobSeeker,
    Plan,
    PlanGoal,
    PlanGoalService,
    PlanVersion,
    PossibleDuplicate,
    ServiceRecord,
)
from jobcenter_tui.services import system_actor
from tests.casework import ATTEST, SEEKER

OPEN_PROGRAMS = ("WP", "WIOA_ADULT", "WIOA_DW")  # one active enrollment per program; the rest closed


def _count_statements(services: Any, read: Callable[[], Any]) -> tuple[int, Any]:
    statements: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(services.db.engine, "before_cursor_execute", listen)
    try:
        result = read()
    finally:
        event.remove(services.db.engine, "before_cursor_execute", listen)
    return len(statements), result


def _grow(services: Any, have: int, want: int) -> None:
    """Bring the case to ``want`` enrollments, each with status history, services and a plan of ``want`` versions,
    and the store to ``want`` open possible duplicates of the case."""
    at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    others = [{"first_name": "Dana", "last_name": f"Reyes{i}", "date_of_birth": "1979-04-02"} for i in range(have, want)]
    services.seekers.import_records(system_actor(), [json.dumps(o) for o in others])
    with services.db.session(write=True) as s:
        other_ids = list(s.exec(select(JobSeeker.id).where(JobSeeker.id != SEEKER).order_by(col(JobSeeker.pk))).all())
        for other in other_ids[have:want]:
            s.add(PossibleDuplicate(seeker_id=SEEKER, other_id=other, reasons=["same date of birth"], created_at=at))
        for i in range(have, want):
            program = OPEN_PROGRAMS[i] if i < len(OPEN_PROGRAMS) else "WP"
            status = "open" if i < len(OPEN_PROGRAMS) else "closed"
            e = Enrollment(seeker_id=SEEKER, program=program, status=status, created_at=at + timedelta(days=i),
                           participation_date=at.date(), exit_date=None if status == "open" else at.date())
            s.add(e)
            s.flush()
            s.add(EnrollmentStatusChange(enrollment_id=e.id, from_status=None, to_status="pending", at=at))
            s.add(EnrollmentStatusChange(enrollment_id=e.id, from_status="pending", to_status=status, at=at))
            record = ServiceRecord(seeker_id=SEEKER, enrollment_id=e.id, code="B02", status="completed",
                                   start_date=at.date(), end_date=at.date(), created_at=at)
            s.add(record)
            s.add(ServiceRecord(seeker_id=SEEKER, enrollment_id=e.id, code="I03", status="scheduled",
                                start_date=at.date() + timedelta(days=200), created_at=at))
            plan = Plan(enrollment_id=e.id, seeker_id=SEEKER, kind="IEP", created_at=at)
            s.add(plan)
            s.flush()
        plans = s.exec(select(Plan)).all()
        records = {r.enrollment_id: r.id for r in s.exec(select(ServiceRecord)).all()}
        for plan in plans:  # every plan gets versions up to ``want``, each with two goals linked to a service
            numbers = {v.number for v in s.exec(select(PlanVersion).where(PlanVersion.plan_id == plan.id)).all()}
            for n in range(1, want + 1):
                if n in numbers:
                    continue
                v = PlanVersion(plan_id=plan.id, number=n, created_at=at)
                s.add(v)
                s.flush()
                for position in range(2):
                    goal = PlanGoal(plan_version_id=v.id, position=position, description=f"goal {position}")
                    s.add(goal)
                    s.flush()
                    s.add(PlanGoalService(goal_id=goal.id, service_id=records[plan.enrollment_id]))


def test_case_lists_cost_the_same_statements_for_5_and_20(case) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    lists: dict[str, Callable[[], list[Any]]] = {
        "enrollments": lambda: services.enrollments.for_seeker(cm, SEEKER),
        "plans": lambda: services.plans.for_seeker(cm, SEEKER),
        "possible duplicates": lambda: services.duplicates.open(cm),
        "service records": lambda: services.service_records.for_seeker(cm, SEEKER),
    }
    counts: dict[int, dict[str, int]] = {}
    have = 0
    for size in (5, 20):
        _grow(services, have, size)
        have = size
        counts[size] = {}
        for name, read in lists.items():
            read()  # warm: the first statement on a new connection is not the list's cost
            counts[size][name], rows = _count_statements(services, read)
            assert len(rows) == (2 * size if name == "service records" else size), name  # the list really is that long
        plans = services.plans.for_seeker(cm, SEEKER)
        assert all(len(p.versions) == size and len(p.current.goals) == 2 and p.current.goals[0].service_ids for p in plans)
        enrollments = services.enrollments.for_seeker(cm, SEEKER)
        assert all(len(e.history) == 2 for e in enrollments)
        assert sum(1 for e in enrollments if e.clock.startswith("exit clock held")) == len(OPEN_PROGRAMS)
    assert counts[5] == counts[20], counts
    assert all(n <= 6 for n in counts[20].values()), counts  # BEGIN, the list and a few batched lookups


@contextmanager
def _nesting(services: Any) -> Iterator[list[int]]:
    """Record the deepest nesting of units of work while the block runs."""
    inner = services.db.session
    depth, deepest = [0], [0]

    @contextmanager
    def session(*args: Any, **kw: Any) -> Iterator[Any]:
        depth[0] += 1
        deepest[0] = max(deepest[0], depth[0])
        try:
            with inner(*args, **kw) as s:
                yield s
        finally:
            depth[0] -= 1

    services.db.session = session
    try:
        yield deepest
    finally:
        services.db.session = inner


def test_every_case_use_case_is_one_unit_of_work(case, clock) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, sv = case
    clock.advance(days=60)  # the stored determination is stale: enroll re-runs it inside its own transaction
    today = clock.now.date()
    with _nesting(services) as deepest:
        services.program_registration.rows(cm, SEEKER)
        e = services.enrollments.enroll(cm, SEEKER, "WIOA_DW", ATTEST)
        svc = services.service_records.record(cm, SEEKER, "B02", enrollment_id=e.id, start_date=today)
        services.service_records.set_status(cm, services.service_records.record(
            cm, SEEKER, "I03", enrollment_id=e.id, status="scheduled", start_date=today).id, "completed")
        services.service_records.get(cm, svc.id)
        services.plans.save(cm, e.id, employment_goal_soc=None, employment_goal_title="Welder",
                            goals=[{"description": "Certificate", "service_ids": [svc.id]}], agreement_date=today)
        services.enrollments.close(cm, e.id, "completed")
        services.enrollments.reopen(sv, e.id, "closed by mistake")
        services.enrollments.run_exits(system_actor(), today + timedelta(days=200))
        services.eligibility.determine(cm, SEEKER)
        services.eligibility.show(cm, SEEKER, today)
    assert deepest[0] == 1
    assert services.enrollments.for_seeker(cm, SEEKER)[0].status == "closed"  # the exit run closed it
