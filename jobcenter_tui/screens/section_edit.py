"""Edit one section of a job seeker's demographics, with the wizard's questions and checks."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Label, Static

from jobcenter_tui.domain.questions import PAGES, SSN_ON_FILE, Context, Question, json_value, record_to_answers
from jobcenter_tui.services.seekers import SeekerDetail
from jobcenter_tui.widgets.question_form import QuestionForm
from jobcenter_tui.widgets.service_call import Failure, ServiceCaller


class SectionEditScreen(ServiceCaller, Screen[bool]):
    """Dismisses True when saved. ``page_key`` None edits every staff-only question (after upgrade)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="edit.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="edit.cancel"),
    ]

    def __init__(self, detail: SeekerDetail, page_key: str | None) -> None:
        super().__init__()
        self.detail = detail
        self.page_key = page_key
        record = {k: v for k, v in detail.record.items() if k != "ssn"}  # the SSN arrives masked
        self.answers = record_to_answers(record)
        if detail.record.get("ssn"):
            self.answers[SSN_ON_FILE] = True
        self.raw: dict[str, Any] = {}
        self.audience = "staff" if detail.account_type == "staff_assisted" else "all"
        if page_key is None:
            self.questions: list[Question] = [q for p in PAGES for q in p.questions if q.audience == "staff"]
            self.title_text = "Staff questions"
        else:
            page = next(p for p in PAGES if p.key == page_key)
            self.questions = [q for q in page.questions if self.audience == "staff" or q.audience == "all"]
            self.title_text = page.title

    @property
    def ctx(self) -> Context:
        return Context(self.services.today(), self.audience)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"{self.detail.name} — {self.title_text}", id="edit-title", markup=False)
        hints = {"ssn": f"On file: {self.detail.ssn_masked}. Leave blank to keep it."} if self.detail.record.get("ssn") else {}
        yield QuestionForm(self.questions, self.answers, self.raw, self.ctx, hints=hints, id="edit-form")
        with Horizontal(id="edit-buttons"):
            yield Button("Save (ctrl+s)", id="edit-save", variant="primary", compact=True)
            yield Button("Cancel (esc)", id="edit-cancel", compact=True)
            yield Label("", id="edit-status", markup=False)
        yield Footer()

    def action_save(self) -> None:
        form = self.query_one(QuestionForm)
        errors = form.check_all()
        if errors:
            self.query_one("#edit-status", Label).update(f"{len(errors)} answer(s) to fix")
            return
        visible = {q.path for q in form.visible_questions()}
        changes: dict[str, Any] = {}
        clear: list[str] = []
        for q in self.questions:
            value = self.answers.get(q.path)
            if q.path in visible and value not in (None, []):
                changes[q.path] = json_value(value)
            elif q.kind == "ssn" and q.path in visible:
                continue  # blank SSN box: keep the one on file
            else:
                clear.append(q.path)
        self.query_one("#edit-status", Label).update("Saving…")
        seeker_id, version, cleared = self.detail.id, self.detail.version, tuple(clear)
        self.call_service(lambda s, a: s.seekers.update(a, seeker_id, changes, clear=cleared, expected_version=version),
                          done=lambda _: self.dismiss(True), failed=self._refused, group="edit", exclusive=True)

    def _refused(self, failure: Failure) -> bool:
        """Marked at the fields or said on the status line; every typed answer stays."""
        self.query_one(QuestionForm).show_errors(failure.field_errors)
        status = "Fix the answers marked below" if failure.field_errors else failure.message
        self.query_one("#edit-status", Label).update(status)
        return not failure.is_incident

    @on(Button.Pressed, "#edit-save")
    def _save_button(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#edit-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
