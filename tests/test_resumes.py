"""Resumes: sections from text, upload of each file type (and the refused ones), export, publishing,
and the state's ``resume_required`` switch. Fixture files are made here (fpdf2, python-docx, pypdf)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from typer.testing import CliRunner

from jobcenter_tui.db.models import AuditEntry, Document, Resume
from jobcenter_tui.domain.resumes import (
    SECTION_HEADINGS,
    ResumeContent,
    heading_section,
    line_errors_message,
    parse_section_lines,
    pdf_safe,
    render_text,
    sections_from_text,
    split_sections,
)
from jobcenter_tui.services.errors import InvalidInput, PermissionDenied, ServiceError, StaleRecord
from jobcenter_tui.services.resumes import NO_PUBLISHED_RESUME, ResumeRequired, require_published_resume

from .casework import SEEKER

RESUME_TEXT = """Dana Reyes
785-555-0143

OBJECTIVE
A welding job on a day shift.

## Work History
Welder, Midwest Castings, 2018-2026
- MIG and TIG welding
- Read blueprints

Helper, Smith Fabrication, 2015-2018

**Education:**
Topeka High School
High school diploma, 1997

Skills
Forklift, blueprint reading; MIG welding

Certifications & Licenses
AWS Certified Welder
Class B CDL

References
Sam Ortiz
Supervisor, 785-555-0100
"""


# --- the pure part: headings, sections, lines, the PDF's characters --------------------------------


@pytest.mark.parametrize(("line", "section"), [
    ("Objective", "objective"), ("  CAREER OBJECTIVE:", "objective"), ("# Experience", "work_history"),
    ("### Work history", "work_history"), ("**Education**", "education"), ("Skills:", "skills"),
    ("Licenses & Certifications", "certifications"), ("Licenses", "certifications"), ("references", "references"),
    ("I have experience in welding", None), ("Languages", None), ("", None),
])
def test_heading_lines(line: str, section: str | None) -> None:
    assert heading_section(line) == section


def test_split_files_text_under_its_headings() -> None:
    split = split_sections(RESUME_TEXT)
    assert split.headings_found == 6
    assert split.preamble == "Dana Reyes\n785-555-0143"
    assert split.sections["objective"] == "A welding job on a day shift."
    sections = sections_from_text(RESUME_TEXT)
    assert sections["objective"] == "A welding job on a day shift."
    assert [j["title"] for j in sections["work_history"]] == ["Welder, Midwest Castings, 2018-2026",
                                                              "Helper, Smith Fabrication, 2015-2018"]
    assert sections["work_history"][0]["duties"] == "MIG and TIG welding\nRead blueprints"
    assert sections["education"] == [{"school": "Topeka High School", "credential": "High school diploma, 1997",
                                      "year": None}]
    assert sections["skills"] == ["Forklift", "blueprint reading", "MIG welding"]
    assert [c["name"] for c in sections["certifications"]] == ["AWS Certified Welder", "Class B CDL"]
    assert sections["references"][0] == {"name": "Sam Ortiz", "relationship": None, "contact": "Supervisor, 785-555-0100"}
    assert sections["additional"] == ""


def test_an_unknown_heading_stays_in_the_section_before_and_no_heading_keeps_everything() -> None:
    split = split_sections("Skills\nWelding\nLanguages\nSpanish")
    assert split.sections["skills"] == "Welding\nLanguages\nSpanish"
    plain = sections_from_text("Dana Reyes\nI weld.\n\nI drive forklifts.")
    assert plain["additional"] == "Dana Reyes\nI weld.\n\nI drive forklifts."
    assert plain["work_history"] == [] and plain["objective"] == ""


def test_typed_lines_are_checked_one_by_one() -> None:
    entries, errors = parse_section_lines("work_history", "Acme | Welder | 51-4121 | 2018 | 2024 | MIG\n\n"
                                                          "| | 514121\nBeta | Helper | | | | a | extra")
    assert entries == [{"employer": "Acme", "title": "Welder", "soc": "51-4121", "start": "2018", "end": "2024",
                        "duties": "MIG"}]
    assert set(errors) == {3, 4}
    assert "give the employer or the job title" in errors[3] and "SOC '514121'" in errors[3]
    assert "too many |" in errors[4]


def test_a_work_history_soc_must_be_a_soc_2018_occupation() -> None:
    """Job matching reads these codes: a group or an unknown code is refused at its line, in words."""
    text = ("Acme | Welder | 51-4121\nBeta | Welder | 51-4120\nGamma | Welder | 51-9998\nDelta | Welder | 51-4121.00")
    entries, errors = parse_section_lines("work_history", text)
    assert [e["employer"] for e in entries] == ["Acme"]
    assert "51-4120 is a group (Welding, Soldering, and Brazing Workers)" in errors[2]
    assert errors[3] == "SOC 51-9998 is not an occupation in SOC 2018"
    assert "must be written NN-NNNN" in errors[4]  # an O*NET code is not what the line asks for
    assert line_errors_message(errors).startswith("line 2: SOC 51-4120 is a group")


@pytest.mark.parametrize(("text", "printed"), [
    ("Dana Núñez", "Dana Núñez"), ("“Quoted” – dash…", '"Quoted" - dash...'), ("Łukasz Ő", "Lukasz O"),
    ("李 Li", "? Li"), ("€50", "EUR50"),
])
def test_pdf_text_keeps_latin1_and_replaces_the_rest(text: str, printed: str) -> None:
    assert pdf_safe(text) == printed
    printed.encode("latin-1")


# --- fixture files ----------------------------------------------------------------------------------


def make_pdf(path: Path, text: str, *, password: str | None = None) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in text.split("\n"):
        pdf.multi_cell(0, 6, line or " ", new_x="LMARGIN", new_y="NEXT")
    path.write_bytes(bytes(pdf.output()))
    if password:
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(path))
        writer.encrypt(password)
        with path.open("wb") as out:
            writer.write(out)
    return path


def make_docx(path: Path, text: str) -> Path:
    import docx

    document = docx.Document()
    for line in text.split("\n"):
        if heading_section(line):
            document.add_heading(line.strip("#* :"), level=1)
        else:
            document.add_paragraph(line)
    document.save(str(path))
    return path


def _stored(services) -> tuple[int, int, list[Path]]:  # type: ignore[no-untyped-def]
    with services.db.session() as session:
        documents = len(session.exec(select(Document)).all())
        resumes = len(session.exec(select(Resume)).all())
    folder = services.settings.documents_dir
    return documents, resumes, sorted(folder.iterdir()) if folder.exists() else []


# --- upload -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [".txt", ".md", ".pdf", ".docx"])
def test_upload_each_type_keeps_the_original_and_reads_the_sections(case, tmp_path: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    path = tmp_path / f"dana{kind}"
    if kind == ".pdf":
        make_pdf(path, RESUME_TEXT.replace("## ", "").replace("**", ""))
    elif kind == ".docx":
        make_docx(path, RESUME_TEXT)
    else:
        path.write_text(RESUME_TEXT, encoding="utf-8")
    view = services.resumes.upload(cm, SEEKER, path)
    assert view.title == f"Uploaded: dana{kind}" and view.status == "draft" and not view.published
    assert view.source_name == f"dana{kind}"
    assert view.objective == "A welding job on a day shift."
    assert len(view.work_history) == 2 and view.work_history[0]["title"].startswith("Welder, Midwest Castings")
    assert "MIG welding" in view.skills
    assert [c["name"] for c in view.certifications] == ["AWS Certified Welder", "Class B CDL"]
    assert view.education[0]["school"] == "Topeka High School" and view.references[0]["name"] == "Sam Ortiz"
    assert view.contact == {}  # the record has no phone, email or address: nothing is made up
    documents, resumes, files = _stored(services)
    assert (documents, resumes, len(files)) == (1, 1, 1)
    with services.db.session() as session:
        document = session.exec(select(Document)).one()
        assert document.type == "resume" and document.original_name == f"dana{kind}"
        import hashlib

        assert document.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() == hashlib.sha256(files[0].read_bytes()).hexdigest()
        actions = [a.action for a in session.exec(select(AuditEntry).where(AuditEntry.entity_id == SEEKER)).all()]
    assert files[0].stat().st_mode & 0o777 == 0o600
    assert "document.attach" in actions and "resume.upload" in actions


def _corrupt_pdf(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage garbage\n%%EOF")
    return path


def _scan_pdf(path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")  # a page with a picture and no text, like a scan
    path.write_bytes(bytes(pdf.output()))
    return path


@pytest.mark.parametrize(("name", "make", "words"), [
    ("corrupt.pdf", _corrupt_pdf, "cannot be read as a PDF"),
    ("locked.pdf", lambda p: make_pdf(p, RESUME_TEXT, password="secret"), "password-protected"),
    ("scan.pdf", _scan_pdf, "no text could be read"),
    ("empty.txt", lambda p: p.write_bytes(b"") and p or p, "the file is empty"),
    ("blank.md", lambda p: p.write_text("  \n\n") and p or p, "no text could be read"),
    ("binary.txt", lambda p: p.write_bytes(b"\x00\x01\x02abc") and p or p, "not a text file"),
    ("broken.docx", lambda p: p.write_bytes(b"PK\x03\x04 not really a zip") and p or p, "Word (.docx)"),
    ("photo.png", lambda p: p.write_bytes(b"\x89PNG....") and p or p, "not accepted"),
    ("missing.pdf", lambda p: p, "no such file"),
])
def test_bad_files_are_refused_at_the_file_field_with_nothing_saved(case, tmp_path: Path, name: str, make, words: str) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    path = tmp_path / name
    make(path)
    with pytest.raises(InvalidInput) as refused:
        services.resumes.upload(cm, SEEKER, path)
    assert list(refused.value.errors) == ["file"]
    assert words in refused.value.errors["file"], refused.value.errors
    assert str(refused.value).startswith("File: ")
    assert _stored(services) == (0, 0, [])


def test_an_oversized_file_is_refused_with_nothing_saved(case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    services.documents.max_bytes = 2 * 1024 * 1024
    path = tmp_path / "big.txt"
    path.write_text("Skills\n" + "welding, " * 250_000)
    with pytest.raises(InvalidInput) as refused:
        services.resumes.upload(cm, SEEKER, path)
    assert "the file is 2.1 MB; the limit is 2 MB" in refused.value.errors["file"]  # one unit for both
    assert _stored(services) == (0, 0, [])


def test_a_failure_after_the_copy_removes_the_copy(case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    path = tmp_path / "dana.txt"
    path.write_text(RESUME_TEXT)
    with pytest.raises(ServiceError):
        services.resumes.upload(cm, "no-such-seeker", path)  # refused inside the unit of work
    assert _stored(services) == (0, 0, [])


# --- building, copying, publishing -------------------------------------------------------------------


SECTIONS = {"objective": "Welding, day shift.",
            "work_history": [{"employer": "Midwest Castings", "title": "Welder", "soc": "51-4121", "start": "2018",
                              "end": "2026", "duties": "MIG and TIG welding"}],
            "education": [{"school": "Topeka High School", "credential": "Diploma", "year": "1997"}],
            "skills": ["Forklift", "Blueprints"],
            "certifications": [{"name": "AWS Certified Welder", "issuer": "AWS", "year": "2019"}],
            "references": [{"name": "Sam Ortiz", "relationship": "Supervisor", "contact": "785-555-0100"}],
            "additional": "Bilingual: English and Spanish."}


def test_create_edit_copy_with_checks_and_optimistic_locking(case, clock) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    with pytest.raises(InvalidInput) as bad:
        services.resumes.create(cm, SEEKER, title=" ", sections={"work_history": [{"employer": "A", "soc": "514121"}],
                                                                 "hobbies": "x"})
    assert set(bad.value.errors) == {"title"}
    with pytest.raises(InvalidInput) as bad:
        services.resumes.create(cm, SEEKER, title="Welding", sections={"work_history": [{"employer": "A", "soc": "514121"}]})
    assert set(bad.value.errors) == {"work_history[0].soc"}
    with pytest.raises(InvalidInput) as group:  # a group code would match no posting: refused by the service too
        services.resumes.create(cm, SEEKER, title="Welding", sections={"work_history": [{"employer": "A", "soc": "51-4120"}]})
    assert "is a group" in group.value.errors["work_history[0].soc"]
    resume = services.resumes.create(cm, SEEKER, title="Welding", sections=SECTIONS)
    assert resume.status == "draft" and resume.sections == SECTIONS
    edited = services.resumes.edit(cm, resume.id, expected_version=resume.version, title="Welding jobs",
                                   sections={**SECTIONS, "skills": ["Forklift"]}, status="active")
    assert (edited.title, edited.skills, edited.status) == ("Welding jobs", ("Forklift",), "active")
    with pytest.raises(StaleRecord):
        services.resumes.edit(cm, resume.id, expected_version=resume.version, title="Old copy", sections=SECTIONS)
    clock.advance(minutes=5)
    copy = services.resumes.copy(cm, resume.id)
    assert copy.title == "Copy of Welding jobs" and copy.status == "draft" and copy.id != resume.id
    assert copy.sections == edited.sections
    assert [r.id for r in services.resumes.resumes(cm, SEEKER)][0] == copy.id  # the newest first


def test_only_one_published_per_seeker(case) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    first = services.resumes.create(cm, SEEKER, title="Welding", sections=SECTIONS)
    second = services.resumes.create(cm, SEEKER, title="Driving", sections={"skills": ["Class B CDL"]})
    empty = services.resumes.create(cm, SEEKER, title="Empty")
    with pytest.raises(ServiceError, match="empty resume cannot be published"):
        services.resumes.publish(cm, empty.id, expected_version=empty.version)
    first = services.resumes.publish(cm, first.id, expected_version=first.version)
    assert first.published and first.status == "active"
    with pytest.raises(StaleRecord):
        services.resumes.publish(cm, second.id, expected_version=second.version - 1)
    second = services.resumes.publish(cm, second.id, expected_version=second.version)
    views = {r.id: r for r in services.resumes.resumes(cm, SEEKER)}
    assert [r.title for r in views.values() if r.published] == ["Driving"]
    assert list(views)[0] == second.id  # the published one first
    with pytest.raises(InvalidInput) as bad:
        services.resumes.edit(cm, second.id, expected_version=second.version, title="Driving", sections=second.sections,
                              status="inactive")
    assert "unpublish it first" in bad.value.errors["status"]
    second = services.resumes.unpublish(cm, second.id, expected_version=second.version)
    assert not second.published
    assert not any(r.published for r in services.resumes.resumes(cm, SEEKER))
    # the store itself refuses a second published resume (two staff publishing at once)
    with pytest.raises(IntegrityError), services.db.session(write=True) as session:
        for row in session.exec(select(Resume).where(Resume.seeker_id == SEEKER)).all():
            row.published = True
            session.add(row)
        session.flush()


def test_changing_needs_seeker_edit_and_reading_needs_seeker_view(case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    resume = services.resumes.create(cm, SEEKER, title="Welding", sections=SECTIONS)
    viewer = dataclasses.replace(cm, privileges=frozenset({"seeker.view"}))
    assert services.resumes.get(viewer, resume.id).title == "Welding"
    assert services.resumes.export(viewer, resume.id, tmp_path).is_file()
    for attempt in (lambda: services.resumes.create(viewer, SEEKER, title="X"),
                    lambda: services.resumes.copy(viewer, resume.id),
                    lambda: services.resumes.publish(viewer, resume.id, expected_version=resume.version),
                    lambda: services.resumes.upload(viewer, SEEKER, tmp_path / "x.txt")):
        with pytest.raises(PermissionDenied):
            attempt()
    nobody = dataclasses.replace(cm, privileges=frozenset())
    with pytest.raises(PermissionDenied):
        services.resumes.resumes(nobody, SEEKER)


# --- export -----------------------------------------------------------------------------------------


def test_export_text_and_pdf_read_back(case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    from jobcenter_tui.services import system_actor

    detail = services.seekers.get(system_actor(), SEEKER)
    services.seekers.update(system_actor(), SEEKER, {"first_name": "Dána", "phone": "785-555-0143",
                                                      "email": "dana@example.org"}, expected_version=detail.version)
    resume = services.resumes.create(cm, SEEKER, title="Welding / “best”", sections=SECTIONS)
    text_path = services.resumes.export(cm, resume.id, tmp_path, format="text")
    pdf_path = services.resumes.export(cm, resume.id, tmp_path, format="pdf")
    again = services.resumes.export(cm, resume.id, tmp_path, format="pdf")
    assert text_path.name == "Reyes Dana - Welding best.txt" and again.name == "Reyes Dana - Welding best (2).pdf"
    for path in (text_path, pdf_path, again):
        assert path.stat().st_mode & 0o777 == 0o600
    text = text_path.read_text(encoding="utf-8")
    assert text.startswith("DÁNA REYES\n") and "785-555-0143" in text and "dana@example.org" in text
    from pypdf import PdfReader

    pdf_text = "\n".join(p.extract_text() for p in PdfReader(pdf_path).pages)
    assert "Dána Reyes" in pdf_text and "785-555-0143" in pdf_text
    for heading in SECTION_HEADINGS.values():
        assert heading.upper() in text and heading in pdf_text, heading
    for words in ("Welding, day shift.", "Welder, Midwest Castings (2018 - 2026)", "SOC 51-4121", "MIG and TIG welding",
                  "Diploma, Topeka High School, 1997", "Forklift, Blueprints", "AWS Certified Welder, AWS, 2019",
                  "Sam Ortiz - Supervisor - 785-555-0100", "Bilingual: English and Spanish."):
        assert words in text and words in pdf_text, words
    with services.db.session() as session:
        exports = [a for a in session.exec(select(AuditEntry).where(AuditEntry.action == "resume.export")).all()]
    assert len(exports) == 3 and exports[0].changes["to"] == str(text_path)
    with pytest.raises(InvalidInput) as bad:
        services.resumes.export(cm, resume.id, tmp_path / "nowhere")
    assert set(bad.value.errors) == {"folder"}


def test_text_export_keeps_every_character() -> None:
    content = ResumeContent(name="李 Núñez", contact={"phone": "785-555-0143"}, skills=("Soldadura — MIG",))
    assert render_text(content) == "李 NÚÑEZ\n785-555-0143\n\nSKILLS\n------\nSoldadura — MIG\n"


# --- the state switch ---------------------------------------------------------------------------


def test_resume_required_header_and_the_check_for_leads_and_referrals(case) -> None:  # type: ignore[no-untyped-def]
    services, cm, fd, _ = case
    assert services.resumes.is_required() is False
    assert services.resumes.header_notice(cm, SEEKER) is None
    with services.db.session() as session:
        require_published_resume(session, SEEKER)  # off: no refusal
    with pytest.raises(PermissionDenied):
        services.resumes.set_required(fd, True)
    admin = services.staff.actor_for("root.admin")
    with pytest.raises(InvalidInput):
        services.resumes.set_required(admin, "yes")
    services.resumes.set_required(admin, True)
    assert services.resumes.header_notice(cm, SEEKER) == NO_PUBLISHED_RESUME
    with services.db.session() as session, pytest.raises(ResumeRequired, match="no published resume"):
        require_published_resume(session, SEEKER)
    resume = services.resumes.create(cm, SEEKER, title="Welding", sections=SECTIONS)
    with services.db.session() as session, pytest.raises(ResumeRequired):
        require_published_resume(session, SEEKER)  # a draft is not enough
    services.resumes.publish(cm, resume.id, expected_version=resume.version)
    assert services.resumes.header_notice(cm, SEEKER) is None
    with services.db.session() as session:
        require_published_resume(session, SEEKER)


def test_config_set_resume_required_from_the_command_line(case) -> None:  # type: ignore[no-untyped-def]
    from jobcenter_tui.cli import app

    services, _, _, _ = case
    runner = CliRunner()
    result = runner.invoke(app, ["config", "set", "resume_required", "true"])
    assert result.exit_code == 0, result.output
    assert "resume_required set to true" in result.output
    shown = runner.invoke(app, ["config", "show"])
    assert json.loads(shown.output)["resume_required"] is True
    assert runner.invoke(app, ["config", "set", "resume_required", "3"]).exit_code == 2
    assert services.resumes.is_required() is True


# --- demo data --------------------------------------------------------------------------------------


def test_demo_makes_resumes_some_published_the_same_every_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                               clock) -> None:
    from jobcenter_tui.services import open_services, system_actor

    from .conftest import FAST_HASHER

    made = []
    for name in ("a", "b"):
        monkeypatch.setenv("JOBCENTER_HOME", str(tmp_path / name))
        services = open_services(password_hasher=FAST_HASHER, clock=clock)
        counts = services.demo.seed(system_actor(), seekers=80, seed=5)
        with services.db.session() as session:
            rows = session.exec(select(Resume).order_by(Resume.id)).all()
            made.append([(r.id, r.seeker_id, r.title, r.published, r.skills, r.work_history) for r in rows])
        services.close()
    assert made[0] == made[1]
    rows = made[0]
    assert counts["resumes"] == len(rows) > 5 and 0 < counts["published_resumes"] < len(rows)
    published = [seeker for _, seeker, _, is_published, _, _ in rows if is_published]
    assert len(published) == len(set(published)) == counts["published_resumes"]
    assert all(job["soc"] for *_, jobs in rows for job in jobs)
