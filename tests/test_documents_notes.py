"""Documents and case notes through the services: every move and refusal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from jobcenter_tui.domain.permissions import PermissionDenied
from jobcenter_tui.services import system_actor
from jobcenter_tui.services.errors import InvalidInput, ServiceError
from tests.casework import SEEKER


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
