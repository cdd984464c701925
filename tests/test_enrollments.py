"""Program Registration and the enrollment lifecycle through the services: every move and refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from jobcenter_tui.domain.permissions import PermissionDenied
from jobcenter_tui.services import system_actor
from jobcenter_tui.services.errors import InvalidInput, ServiceError
from tests.casework import ATTEST, SEEKER


def test_enroll_offered_only_when_eligible_and_privileged(case) -> None:  # type: ignore[no-untyped-def]
    services, cm, fd, _ = case
    rows = {r.program: r for r in services.program_registration.rows(cm, SEEKER)}
    assert rows["WIOA_DW"].can_enroll and rows["WP"].can_enroll
    assert not rows["JVSG"].can_enroll and not rows["WIOA_YOUTH"].can_enroll  # not eligible
    assert not any(r.can_enroll for r in services.program_registration.rows(fd, SEEKER))  # no create privilege
    with pytest.raises(PermissionDenied):
        services.enrollments.enroll(fd, SEEKER, "WIOA_DW", ATTEST)
    with pytest.raises(ServiceError, match="not eligible"):
        services.enrollments.enroll(cm, SEEKER, "JVSG", ATTEST)


def test_enroll_makes_a_pending_enrollment_with_snapshot_and_refuses_a_second(case) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    e = services.enrollments.enroll(cm, SEEKER, "WIOA_DW", ATTEST)
    assert e.status == "pending" and e.snapshot["result"]["programs"][1]["status"] == "eligible"
    assert e.attestation["verified"] == ["identity", "dislocation"] and e.attestation["staff"] == "Casey Morgan"
    with pytest.raises(ServiceError, match="already a pending"):
        services.enrollments.enroll(cm, SEEKER, "WIOA_DW", ATTEST)
    with services.db.session() as s:  # the database refuses it too
        with pytest.raises(IntegrityError):
            s.execute(text("INSERT INTO enrollment (id, version, seeker_id, program, status, created_at) "
                           "VALUES ('x', 1, :s, 'WIOA_DW', 'open', '2026-01-01')"), {"s": SEEKER})
    rows = {r.program: r for r in services.program_registration.rows(cm, SEEKER)}
    assert rows["WIOA_DW"].enrollment_status == "pending" and not rows["WIOA_DW"].can_enroll


def test_stale_determination_is_rerun_before_enrolling(case, clock) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    first = services.eligibility.latest(cm, SEEKER)
    clock.advance(days=46)
    e = services.enrollments.enroll(cm, SEEKER, "WP", ATTEST)
    latest = services.eligibility.latest(cm, SEEKER)
    assert latest.id != first.id and e.snapshot["as_of"] == latest.as_of.isoformat()
    clock.advance(days=1)
    services.enrollments.enroll(cm, SEEKER, "WIOA_DW", ATTEST)
    assert services.eligibility.latest(cm, SEEKER).id == latest.id  # fresh: not re-run


def test_first_participation_service_opens_the_enrollment(case, clock) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    e = services.enrollments.enroll(cm, SEEKER, "WIOA_DW", ATTEST)
    services.service_records.record(cm, SEEKER, "S01", enrollment_id=e.id, start_date=clock.now.date())  # self-service
    assert services.enrollments.for_seeker(cm, SEEKER)[0].status == "pending"
    scheduled = services.service_records.record(cm, SEEKER, "B02", enrollment_id=e.id, status="scheduled",
                                              start_date=clock.now.date() + timedelta(days=3))
    assert services.enrollments.for_seeker(cm, SEEKER)[0].status == "pending"
    clock.advance(days=3)
    services.service_records.set_status(cm, scheduled.id, "completed")
    opened = services.enrollments.for_seeker(cm, SEEKER)[0]
    assert opened.status == "open" and opened.participation_date == clock.now.date()
    assert "exit pending in 90 days" in opened.clock
    assert [h[2] for h in opened.history] == ["pending", "open"]


def test_exit_run_at_day_89_90_and_idempotent_and_follow_up(case, clock) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    e = services.enrollments.enroll(cm, SEEKER, "WIOA_DW", ATTEST)
    day0 = clock.now.date()
    services.service_records.record(cm, SEEKER, "B02", enrollment_id=e.id, start_date=day0)
    system = system_actor()
    assert services.enrollments.run_exits(system, day0 + timedelta(days=89)) == []
    closed = services.enrollments.run_exits(system, day0 + timedelta(days=90))
    assert closed == [(e.id, SEEKER, day0)]
    assert services.enrollments.run_exits(system, day0 + timedelta(days=91)) == []  # idempotent
    view = services.enrollments.for_seeker(cm, SEEKER)[0]
    assert view.status == "closed" and view.exit_date == day0
    clock.advance(days=95)
    services.service_records.record(cm, SEEKER, "F01", enrollment_id=e.id, start_date=clock.now.date())  # follow-up
    assert services.enrollments.for_seeker(cm, SEEKER)[0].status == "closed"
    with pytest.raises(InvalidInput, match="closed"):
        services.service_records.record(cm, SEEKER, "B03", enrollment_id=e.id, start_date=clock.now.date())
    with pytest.raises(PermissionDenied):
        services.enrollments.run_exits(cm)


def test_planned_gap_and_scheduled_service_hold_the_exit(case, clock) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    e = services.enrollments.enroll(cm, SEEKER, "WIOA_DW", ATTEST)
    day0 = clock.now.date()
    services.service_records.record(cm, SEEKER, "B02", enrollment_id=e.id, start_date=day0)
    with pytest.raises(InvalidInput) as exc:
        services.service_records.record(cm, SEEKER, "G01", enrollment_id=e.id, status="scheduled", start_date=day0 + timedelta(days=10))
    assert {"gap_reason", "end_date"} <= set(exc.value.errors)
    services.service_records.record(cm, SEEKER, "G01", enrollment_id=e.id, status="scheduled", start_date=day0 + timedelta(days=10),
                                  end_date=day0 + timedelta(days=70), gap_reason="surgery")
    assert services.enrollments.run_exits(system_actor(), day0 + timedelta(days=95)) == []
    services.service_records.record(cm, SEEKER, "T01", enrollment_id=e.id, status="scheduled", start_date=day0 + timedelta(days=300))
    assert services.enrollments.run_exits(system_actor(), day0 + timedelta(days=250)) == []


def test_staff_close_reopen_and_never_participated(case, clock) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, sv = case
    wp = services.enrollments.enroll(cm, SEEKER, "WP", ATTEST)
    closed = services.enrollments.close(cm, wp.id, "other")
    assert closed.status == "closed" and closed.exit_reason == "never_participated"
    with pytest.raises(PermissionDenied):
        services.enrollments.reopen(cm, wp.id, "entered by mistake")
    reopened = services.enrollments.reopen(sv, wp.id, "closed by mistake")
    assert reopened.status == "pending"
    dw = services.enrollments.enroll(cm, SEEKER, "WIOA_DW", ATTEST)
    services.service_records.record(cm, SEEKER, "B01", enrollment_id=dw.id, start_date=clock.now.date())
    done = services.enrollments.close(cm, dw.id, "completed", note="hired")
    assert done.exit_reason == "completed" and done.exit_date == clock.now.date()
    with pytest.raises(InvalidInput):
        services.enrollments.close(cm, services.enrollments.enroll(cm, SEEKER, "WIOA_ADULT", ATTEST).id, "bored")
    with services.db.session() as s:
        actions = [r[0] for r in s.execute(text("SELECT action FROM audit_log WHERE entity_id = :i"), {"i": SEEKER})]
    assert {"enrollment.pending", "enrollment.open", "enrollment.closed"} <= set(actions)
