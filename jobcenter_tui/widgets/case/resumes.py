"""Resumes: build one by sections, upload a file, copy, publish one, export to text or PDF.

The section form takes work history one job a line (``employer | title | SOC | …``), each SOC checked
against SOC 2018 at its line; ``w`` adds one job with the occupation picker, for staff who do not
know the code (job matching reads it from the published resume).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from jobcenter_tui.domain.questions import Question
from jobcenter_tui.domain.resumes import (
    ADDITIONAL_MAX,
    LINE_FORMATS,
    OBJECTIVE_MAX,
    RESUME_STATUSES,
    SECTION_FIELDS,
    SECTION_HEADINGS,
    format_section_lines,
    line_errors_message,
    parse_section_lines,
    parse_skills,
    render_text,
)
from jobcenter_tui.services.errors import InvalidInput
from jobcenter_tui.widgets.case.base import DOCUMENT, RESUME, CasePane, DetailRequest, fill_table

if TYPE_CHECKING:
    from jobcenter_tui.domain.permissions import Actor
    from jobcenter_tui.services import Services
    from jobcenter_tui.services.resumes import ResumeView

_EDITING = frozenset({"new", "edit", "add_job", "copy", "publish", "upload"})


def section_questions(*, with_status: bool) -> list[Question]:
    """The section form: one box per section, list sections one entry a line."""
    questions = [Question("title", "Title (for staff: the kind of job it is for)", "text", required=True)]
    if with_status:
        questions.append(Question("status", "Status", "choice", required=True,
                                  choices=tuple((s, s) for s in RESUME_STATUSES)))
    questions += [
        Question("objective", "Objective", "long_text", max_length=OBJECTIVE_MAX),
        Question("work_history", f"Work history, one job a line: {LINE_FORMATS['work_history']}", "long_text",
                 max_length=20000),
        Question("education", f"Education, one a line: {LINE_FORMATS['education']}", "long_text", max_length=8000),
        Question("skills", "Skills, one a line or separated by commas", "long_text", max_length=8000),
        Question("certifications", f"Certifications and licenses, one a line: {LINE_FORMATS['certifications']}",
                 "long_text", max_length=8000),
        Question("references", f"References, one a line: {LINE_FORMATS['references']}", "long_text", max_length=8000),
        Question("additional", "Additional information", "long_text", max_length=ADDITIONAL_MAX),
    ]
    return questions


def job_questions() -> list[Question]:
    """One work-history entry, its occupation chosen with the picker (words or a code)."""
    return [Question("employer", "Employer", "text", max_length=200),
            Question("title", "Job title", "text", max_length=200),
            Question("soc", "Occupation", "soc"),
            Question("start", "From (e.g. 2018 or 2018-03)", "text", max_length=40),
            Question("end", "To (blank: still there)", "text", max_length=40),
            Question("duties", "Duties", "long_text", max_length=2000)]


def sections_from_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """The typed boxes as sections; a bad line is refused at its box with its line number."""
    sections: dict[str, Any] = {"objective": answers.get("objective") or "", "additional": answers.get("additional") or "",
                                "skills": parse_skills(answers.get("skills") or "")}
    errors: dict[str, str] = {}
    for section in SECTION_FIELDS:
        entries, problems = parse_section_lines(section, answers.get(section) or "")
        if problems:
            errors[section] = line_errors_message(problems)
        sections[section] = entries
    if errors:
        raise InvalidInput(errors)
    return sections


def answers_from_resume(resume: ResumeView) -> dict[str, Any]:
    answers: dict[str, Any] = {"title": resume.title, "status": resume.status, "objective": resume.objective,
                               "skills": "\n".join(resume.skills), "additional": resume.additional}
    for section in SECTION_FIELDS:
        answers[section] = format_section_lines(section, getattr(resume, section))
    return {k: v for k, v in answers.items() if v}


def _by_box(exc: InvalidInput) -> InvalidInput:
    """The service names entries by position (``work_history[1].soc``): say it at the section's box."""
    out: dict[str, str] = {}
    for path, message in exc.errors.items():
        section, _, rest = path.partition("[")
        if rest and section in SECTION_FIELDS:
            number = int(rest.split("]")[0]) + 1
            out[section] = "; ".join(filter(None, (out.get(section), f"entry {number}: {message}")))
        else:
            out[path] = message
    return InvalidInput(out)


def sections_summary(resume: ResumeView) -> str:
    """"Objective · Work history (2) · Skills (5)": what the highlighted resume has."""
    parts = []
    for key, heading in SECTION_HEADINGS.items():
        value = getattr(resume, key)
        if value:
            parts.append(heading if isinstance(value, str) else f"{heading} ({len(value)})")
    return " · ".join(parts) or "no sections yet (e to add them)"


class ResumesPane(CasePane[list["ResumeView"]]):
    TITLE = "Resumes"
    KEY = "resumes"
    DEPENDS_ON = frozenset({RESUME})
    BINDINGS = [
        Binding("a", "new", "New", id="case.resume_new"),
        Binding("e", "edit", "Edit", id="case.resume_edit"),
        Binding("w", "add_job", "Add job", id="case.resume_add_job"),
        Binding("c", "copy", "Copy", id="case.resume_copy"),
        Binding("p", "publish", "Publish", id="case.resume_publish"),
        Binding("u", "upload", "Upload", id="case.resume_upload"),
        Binding("x", "export", "Export", id="case.resume_export"),
    ]

    def compose(self) -> ComposeResult:
        yield DataTable(id="resumes", cursor_type="row", zebra_stripes=True)
        yield Static("", id="resume-detail", markup=False)

    def on_mount(self) -> None:
        self.query_one("#resumes", DataTable).add_columns("Title", "Status", "Published", "Updated", "From file")

    def fetch(self, services: Services, actor: Actor) -> list[ResumeView]:
        return services.resumes.resumes(actor, self.seeker_id)

    def show(self, model: list[ResumeView]) -> None:
        fill_table(self.query_one("#resumes", DataTable), [
            (r.id, (Text(r.title), r.status, "published" if r.published else "—", r.updated_at.strftime("%Y-%m-%d"),
                    Text(r.source_name or "—")))
            for r in model])
        self._show_detail(self.selected("resumes"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _EDITING:
            return self.actor.can("seeker.edit")
        return True

    @on(DataTable.RowHighlighted, "#resumes")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(str(event.row_key.value))

    def _show_detail(self, key: str | None) -> None:
        resume = next((r for r in self.model or [] if r.id == key), None)
        text = Text()
        if resume is None:
            text.append("No resume yet: a builds one, u reads one from a file.")
        else:
            text.append("Sections: ", style="bold")
            text.append(sections_summary(resume))
            text.append("\nEnter views it; the contact lines come from the record.")
        self.query_one("#resume-detail", Static).update(text)

    def _resume(self) -> ResumeView | None:
        key = self.selected("resumes")
        return next((r for r in self.model or [] if r.id == key), None)

    # --- actions ---------------------------------------------------------------------------------

    def action_new(self) -> None:
        seeker_id = self.seeker_id

        def submit(s: Services, a: Actor, ans: dict[str, Any]) -> Any:
            sections = sections_from_answers(ans)
            try:
                return s.resumes.create(a, seeker_id, title=ans["title"], sections=sections)
            except InvalidInput as exc:
                raise _by_box(exc) from None

        self.form("New resume (a draft; the contact lines come from the record)", section_questions(with_status=False),
                  submit, done=lambda r: f"Resume “{r.title}” saved as a draft.", changes=(RESUME,))

    def action_edit(self) -> None:
        resume = self._resume()
        if resume is None:
            self.notify("No resume to edit: a builds one, u reads one from a file.", markup=False)
            return
        resume_id, version = resume.id, resume.version

        def submit(s: Services, a: Actor, ans: dict[str, Any]) -> Any:
            sections = sections_from_answers(ans)
            try:
                return s.resumes.edit(a, resume_id, expected_version=version, title=ans["title"], sections=sections,
                                      status=ans.get("status"))
            except InvalidInput as exc:
                raise _by_box(exc) from None

        self.form(f"Edit resume “{resume.title}”", section_questions(with_status=True), submit,
                  answers=answers_from_resume(resume), done="Resume saved.", changes=(RESUME,))

    def action_add_job(self) -> None:
        resume = self._resume()
        if resume is None:
            self.notify("No resume to add a job to: a builds one, u reads one from a file.", markup=False)
            return
        resume_id, version, title, sections = resume.id, resume.version, resume.title, resume.sections
        number = len(sections["work_history"])

        def submit(s: Services, a: Actor, ans: dict[str, Any]) -> Any:
            entry = {k: ans.get(k) or None for k in ("employer", "title", "soc", "start", "end", "duties")}
            if not (entry["employer"] or entry["title"]):
                raise InvalidInput({"employer": "give the employer or the job title"})
            sections["work_history"] = [*sections["work_history"][:number], entry]
            try:
                return s.resumes.edit(a, resume_id, expected_version=version, title=title, sections=sections)
            except InvalidInput as exc:  # this entry's fields are the form's questions
                prefix = f"work_history[{number}]."
                raise InvalidInput({k.removeprefix(prefix): v for k, v in exc.errors.items()}) from None

        self.form(f"Add a job to “{title}”", job_questions(), submit, done="Job added to the work history.",
                  changes=(RESUME,))

    def action_copy(self) -> None:
        resume = self._resume()
        if resume is None:
            return
        resume_id = resume.id

        def copied(view: ResumeView) -> None:
            self.notify(f"Copied as “{view.title}” (a draft).", markup=False)
            self.changed(RESUME)

        self.call_service(lambda s, a: s.resumes.copy(a, resume_id), done=copied, group="resume-copy")

    def action_publish(self) -> None:
        resume = self._resume()
        if resume is None:
            return
        resume_id, version = resume.id, resume.version

        def done(view: ResumeView) -> None:
            self.notify(f"“{view.title}” is {'now the published resume' if view.published else 'no longer published'}.",
                        markup=False)
            self.changed(RESUME)

        if resume.published:
            def unpublish() -> None:
                self.call_service(lambda s, a: s.resumes.unpublish(a, resume_id, expected_version=version), done=done,
                                  group="resume-publish")

            self.confirm(f"Unpublish “{resume.title}”? Employers and job matching stop seeing it.", "Unpublish",
                         unpublish)
            return
        current = next((r for r in self.model or [] if r.published), None)

        def publish() -> None:
            self.call_service(lambda s, a: s.resumes.publish(a, resume_id, expected_version=version), done=done,
                              group="resume-publish")

        if current is None:
            publish()
        else:
            self.confirm(f"Publish “{resume.title}”? “{current.title}” will no longer be published (one at a time).",
                         "Publish", publish)

    def action_upload(self) -> None:
        seeker_id = self.seeker_id
        questions = [Question("file", "Resume file: full path of a .txt, .md, .pdf or .docx", "text", required=True,
                              max_length=1000),
                     Question("title", "Title (blank: from the file name)", "text")]

        def uploaded(view: ResumeView) -> str:
            return f"Resume read from {view.source_name}: {sections_summary(view)}. The file is kept under Documents."

        self.form("Upload a resume file", questions,
                  lambda s, a, ans: s.resumes.upload(a, seeker_id, ans["file"], title=ans.get("title")),
                  save_label="Upload", done=uploaded, changes=(RESUME, DOCUMENT))

    def action_export(self) -> None:
        resume = self._resume()
        if resume is None:
            return
        resume_id = resume.id
        questions = [Question("folder", "To folder", "text", required=True, max_length=1000),
                     Question("format", "Format", "choice", required=True,
                              choices=(("text", "plain text (.txt)"), ("pdf", "PDF"))),]
        self.form(f"Export “{resume.title}”", questions,
                  lambda s, a, ans: s.resumes.export(a, resume_id, ans["folder"], format=ans["format"]),
                  answers={"format": "text"}, save_label="Export", done=lambda path: f"Resume written to {path}",
                  changes=(RESUME,))

    @on(DataTable.RowSelected, "#resumes")
    def _view(self) -> None:
        """Enter: the resume as it is exported."""
        resume = self._resume()
        if resume is None:
            return
        resume_id, title = resume.id, resume.title
        self.call_service(lambda s, a: s.resumes.content(a, resume_id),
                          done=lambda content: self.post_message(DetailRequest(f"Resume “{title}”",
                                                                               Text(render_text(content)))),
                          group="resume-view")
