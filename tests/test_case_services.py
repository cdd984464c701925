"""Enrollment, services, plans, documents and notes through the services: every move and refusal."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from jobcenter_tui.domain.permissions import PermissionDenied
from jobcenter_tui.services import system_actor
from jobcenter_tui.services.cases import Attestation
from jobcenter_tui.services.errors import InvalidInput, ServiceError

DW = {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "first_name": "Dana", "last_name": "Reyes",
      "date_of_birth": "1979-04-02", "sex": "female", "authorized_to_work": True,
      "dislocation": {"reason": "plant_closure", "date": "2026-04-30"}, "veteran": {"status": "none"}}
SEEKER = DW["id"]
ATTEST = Attestation(verified=("identity", "dislocation"), note="layoff letter seen")


@pytest.fixture
def case(services, admin):  # type: ignore[no-untyped-def]
    services.staff.add(admin, "cm", "Casey Morgan", "tall maple river lantern", ["case_manager"], office="TOP")
    services.staff.add(admin, "fd", "Pat Front", "tall maple river lantern", ["front_desk"], office="TOP")
    services.staff.add(admin, "sv", "Sam Rivera", "tall maple river lantern", ["supervisor"], office="TOP")
    services.seekers.import_records(system_actor(), [json.dumps(DW)])
    return services, services.staff.actor_for("cm"), services.staff.actor_for("fd"), services.staff.actor_for("sv")


def test_enroll_offered_only_when_eligible_and_privileged(case) -> None:  # type: ignore[no-untyped-def]
    services, cm, fd, _ = case
    rows = {r.program: r for r in services.cases.program_registration(cm, SEEKER)}
    assert rows["WIOA_DW"].can_enroll and rows["WP"].can_enroll
    assert not rows["JVSG"].can_enroll and not rows["WIOA_YOUTH"].can_enroll  # not eligible
    assert not any(r.can_enroll for r in services.cases.program_registration(fd, SEEKER))  # no create privilege
    with pytest.raises(PermissionDenied):
        services.cases.enroll(fd, SEEKER, "WIOA_DW", ATTEST)
    with pytest.raises(ServiceError, match="not eligible"):
        services.cases.enroll(cm, SEEKER, "JVSG", ATTEST)


def test_enroll_makes_a_pending_enrollment_with_snapshot_and_refuses_a_second(case) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    e = services.cases.enroll(cm, SEEKER, "WIOA_DW", ATTEST)
    assert e.status == "pending" and e.snapshot["result"]["programs"][1]["status"] == "eligible"
    assert e.attestation["verified"] == ["identity", "dislocation"] and e.attestation["staff"] == "Casey Morgan"
    with pytest.raises(ServiceError, match="already a pending"):
        services.cases.enroll(cm, SEEKER, "WIOA_DW", ATTEST)
    with services.db.session() as s:  # the database refuses it too
        with pytest.raises(IntegrityError):
            s.execute(text("INSERT INTO enrollment (id, version, seeker_id, program, status, created_at) "
                           "VALUES ('x', 1, :s, 'WIOA_DW', 'open', '2026-01-01')"), {"s": SEEKER})
    rows = {r.program: r for r in services.cases.program_registration(cm, SEEKER)}
    assert rows["WIOA_DW"].enrollment_status == "pending" and not rows["WIOA_DW"].can_enroll


def test_stale_determination_is_rerun_before_enrolling(case, clock) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    first = services.eligibility.latest(cm, SEEKER)
    clock.advance(days=46)
    e = services.cases.enroll(cm, SEEKER, "WP", ATTEST)
    latest = services.eligibility.latest(cm, SEEKER)
    assert latest.id != first.id and e.snapshot["as_of"] == latest.as_of.isoformat()
    clock.advance(days=1)
    services.cases.enroll(cm, SEEKER, "WIOA_DW", ATTEST)
    assert services.eligibility.latest(cm, SEEKER).id == latest.id  # fresh: not re-run


def test_first_participation_service_opens_the_enrollment(case, clock) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    e = services.cases.enroll(cm, SEEKER, "WIOA_DW", ATTEST)
    services.cases.record_service(cm, SEEKER, "S01", enrollment_id=e.id, start_date=clock.now.date())  # self-service
    assert services.cases.enrollments(cm, SEEKER)[0].status == "pending"
    scheduled = services.cases.record_service(cm, SEEKER, "B02", enrollment_id=e.id, status="scheduled",
                                              start_date=clock.now.date() + timedelta(days=3))
    assert services.cases.enrollments(cm, SEEKER)[0].status == "pending"
    clock.advance(days=3)
    services.cases.set_service_status(cm, scheduled.id, "completed")
    opened = services.cases.enrollments(cm, SEEKER)[0]
    assert opened.status == "open" and opened.participation_date == clock.now.date()
    assert "exit pending in 90 days" in opened.clock
    assert [h[2] for h in opened.history] == ["pending", "open"]


def test_exit_run_at_day_89_90_and_idempotent_and_follow_up(case, clock) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    e = services.cases.enroll(cm, SEEKER, "WIOA_DW", ATTEST)
    day0 = clock.now.date()
    services.cases.record_service(cm, SEEKER, "B02", enrollment_id=e.id, start_date=day0)
    system = system_actor()
    assert services.cases.run_exits(system, day0 + timedelta(days=89)) == []
    closed = services.cases.run_exits(system, day0 + timedelta(days=90))
    assert closed == [(e.id, SEEKER, day0)]
    assert services.cases.run_exits(system, day0 + timedelta(days=91)) == []  # idempotent
    view = services.cases.enrollments(cm, SEEKER)[0]
    assert view.status == "closed" and view.exit_date == day0
    clock.advance(days=95)
    services.cases.record_service(cm, SEEKER, "F01", enrollment_id=e.id, start_date=clock.now.date())  # follow-up
    assert services.cases.enrollments(cm, SEEKER)[0].status == "closed"
    with pytest.raises(InvalidInput, match="closed"):
        services.cases.record_service(cm, SEEKER, "B03", enrollment_id=e.id, start_date=clock.now.date())
    with pytest.raises(PermissionDenied):
        services.cases.run_exits(cm)


def test_planned_gap_and_scheduled_service_hold_the_exit(case, clock) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    e = services.cases.enroll(cm, SEEKER, "WIOA_DW", ATTEST)
    day0 = clock.now.date()
    services.cases.record_service(cm, SEEKER, "B02", enrollment_id=e.id, start_date=day0)
    with pytest.raises(InvalidInput) as exc:
        services.cases.record_service(cm, SEEKER, "G01", enrollment_id=e.id, status="scheduled", start_date=day0 + timedelta(days=10))
    assert {"gap_reason", "end_date"} <= set(exc.value.errors)
    services.cases.record_service(cm, SEEKER, "G01", enrollment_id=e.id, status="scheduled", start_date=day0 + timedelta(days=10),
                                  end_date=day0 + timedelta(days=70), gap_reason="surgery")
    assert services.cases.run_exits(system_actor(), day0 + timedelta(days=95)) == []
    services.cases.record_service(cm, SEEKER, "T01", enrollment_id=e.id, status="scheduled", start_date=day0 + timedelta(days=300))
    assert services.cases.run_exits(system_actor(), day0 + timedelta(days=250)) == []


def test_staff_close_reopen_and_never_participated(case, clock) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, sv = case
    wp = services.cases.enroll(cm, SEEKER, "WP", ATTEST)
    closed = services.cases.close(cm, wp.id, "other")
    assert closed.status == "closed" and closed.exit_reason == "never_participated"
    with pytest.raises(PermissionDenied):
        services.cases.reopen(cm, wp.id, "entered by mistake")
    reopened = services.cases.reopen(sv, wp.id, "closed by mistake")
    assert reopened.status == "pending"
    dw = services.cases.enroll(cm, SEEKER, "WIOA_DW", ATTEST)
    services.cases.record_service(cm, SEEKER, "B01", enrollment_id=dw.id, start_date=clock.now.date())
    done = services.cases.close(cm, dw.id, "completed", note="hired")
    assert done.exit_reason == "completed" and done.exit_date == clock.now.date()
    with pytest.raises(InvalidInput):
        services.cases.close(cm, services.cases.enroll(cm, SEEKER, "WIOA_ADULT", ATTEST).id, "bored")
    with services.db.session() as s:
        actions = [r[0] for r in s.execute(text("SELECT action FROM audit_log WHERE entity_id = :i"), {"i": SEEKER})]
    assert {"enrollment.pending", "enrollment.open", "enrollment.closed"} <= set(actions)


def test_services_list_filters_and_statuses(case, clock) -> None:  # type: ignore[no-untyped-def]
    services, cm, fd, _ = case
    e = services.cases.enroll(cm, SEEKER, "WIOA_DW", ATTEST)
    today = clock.now.date()
    a = services.cases.record_service(cm, SEEKER, "B01", enrollment_id=e.id, start_date=today)
    b = services.cases.record_service(cm, SEEKER, "I03", enrollment_id=e.id, status="scheduled", start_date=today + timedelta(days=2))
    services.cases.record_service(fd, SEEKER, "S03", start_date=today)  # not on an enrollment
    assert {s.code for s in services.cases.services(cm, SEEKER, status="scheduled")} == {"I03"}
    assert {s.code for s in services.cases.services(cm, SEEKER, program="WIOA_DW")} == {"B01", "I03"}
    services.cases.set_service_status(cm, b.id, "no_show")
    with pytest.raises(InvalidInput):
        services.cases.set_service_status(cm, b.id, "completed")
    with pytest.raises(InvalidInput):
        services.cases.set_service_status(cm, a.id, "cancelled")
    with pytest.raises(PermissionDenied):  # front desk may not edit a DW enrollment
        services.cases.record_service(fd, SEEKER, "B03", enrollment_id=e.id, start_date=today)
    with pytest.raises(InvalidInput) as exc:
        services.cases.record_service(cm, SEEKER, "ZZ9", start_date=today + timedelta(days=5), end_date=today, cost=-1)
    assert {"code", "end_date", "start_date", "cost"} <= set(exc.value.errors)


def test_plan_versions_keep_the_old_ones(case, clock) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    e = services.cases.enroll(cm, SEEKER, "WIOA_DW", ATTEST)
    svc = services.cases.record_service(cm, SEEKER, "I02", enrollment_id=e.id, start_date=clock.now.date())
    first = services.cases.save_plan(cm, e.id, employment_goal_soc="51-4121", employment_goal_title="Welder",
                                     goals=[{"description": "Finish welding certificate", "target_date": date(2026, 12, 1),
                                             "service_ids": [svc.id]}], agreement_date=clock.now.date())
    assert first.kind == "IEP" and first.current.number == 1 and first.current.goals[0].service_ids == (svc.id,)
    second = services.cases.save_plan(cm, e.id, employment_goal_soc="51-4121", employment_goal_title="Welder",
                                      goals=[{"description": "Finish welding certificate", "status": "met"},
                                             {"description": "Apply to 5 jobs a week"}], agreement_date=None)
    assert [v.number for v in second.versions] == [1, 2] and second.versions[0].goals[0].status == "open"
    with pytest.raises(InvalidInput) as exc:
        services.cases.save_plan(cm, e.id, employment_goal_soc="welder", employment_goal_title=None,
                                 goals=[{"description": "", "status": "done"}], agreement_date=None)
    assert {"employment_goal_soc", "goals[0].description", "goals[0].status"} <= set(exc.value.errors)


def test_documents_copy_checksum_limits_and_paths(case, tmp_path: Path, home: Path) -> None:  # type: ignore[no-untyped-def]
    services, cm, fd, _ = case
    letter = tmp_path / "layoff letter.pdf"
    letter.write_bytes(b"%PDF-1.4 letter")
    doc = services.documents.attach(cm, SEEKER, letter, type="layoff_notice", criterion="dislocation", note="original")
    stored = list((home / "documents").iterdir())
    assert len(stored) == 1 and stored[0].name != letter.name and stored[0].read_bytes() == letter.read_bytes()
    assert doc.sha256 == __import__("hashlib").sha256(letter.read_bytes()).hexdigest()
    for bad, field in [(tmp_path / "nope.pdf", "path"), (tmp_path / "x.exe", "path")]:
        if bad.suffix == ".exe":
            bad.write_bytes(b"MZ")
        with pytest.raises(InvalidInput) as exc:
            services.documents.attach(cm, SEEKER, bad, type="other")
        assert field in exc.value.errors
    services.documents.max_bytes = 10
    with pytest.raises(InvalidInput, match="limit"):
        services.documents.attach(cm, SEEKER, letter, type="other")
    services.documents.max_bytes = 20 * 1024 * 1024
    with pytest.raises(InvalidInput):
        services.documents.attach(cm, SEEKER, letter, type="selfie")
    assert len(list((home / "documents").iterdir())) == 1  # refused files leave nothing behind
    verified = services.documents.verify(fd, doc.id)
    assert verified.verified_by == "fd"
    out = tmp_path / "out"
    out.mkdir()
    copy = services.documents.export_copy(cm, doc.id, out)
    assert copy.read_bytes() == letter.read_bytes() and copy.parent == out


def test_notes_scope_edit_window_correction_delete_and_recontacts(case, clock) -> None:  # type: ignore[no-untyped-def]
    services, cm, fd, sv = case
    today = clock.now.date()
    note = services.notes.add(cm, SEEKER, subject="Intake", body="Talked about welding", contact_type="in_person",
                              contact_date=today, recontact_date=today)
    services.notes.add(cm, SEEKER, subject="DW only", body="Layoff details", contact_type="phone", contact_date=today,
                       scope="program", program="WIOA_DW")
    assert {n.subject for n in services.notes.notes(cm, SEEKER)} == {"Intake", "DW only"}
    services.staff.grant(system_actor(), "fd", role="front_desk", revoke=True)
    nobody = services.staff.actor_for("fd")
    with pytest.raises(PermissionDenied):
        services.notes.notes(nobody, SEEKER)
    edited = services.notes.edit(cm, note.id, subject="Intake interview", body="Talked about welding jobs",
                                 expected_version=note.version)
    assert edited.subject == "Intake interview"
    clock.advance(hours=25)
    with pytest.raises(ServiceError, match="correction"):
        services.notes.edit(cm, note.id, subject="x", body="y", expected_version=edited.version)
    fix = services.notes.add(cm, SEEKER, subject="Correction", body="It was machining", contact_type="in_person",
                             contact_date=today, corrects=note.id)
    assert fix.corrects_note_id == note.id
    assert [r.subject for r in services.notes.recontacts_due(cm)] == ["Intake interview"]
    with pytest.raises(PermissionDenied):
        services.notes.delete(cm, note.id, "duplicate entry")
    services.notes.delete(sv, note.id, "duplicate entry")
    assert "Intake interview" not in {n.subject for n in services.notes.notes(cm, SEEKER)}
    with pytest.raises(InvalidInput):
        services.notes.add(cm, SEEKER, subject="", body="", contact_type="fax", contact_date=today + timedelta(days=2))
