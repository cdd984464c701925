"""Edit one section of a job seeker's demographics, with the wizard's questions and checks."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Label, Static

from jobcenter_tui.domain.questions import PAGES, SSN_ON_FILE, Context, Question, json_value, record_to_answers
from jobcenter_tui.services.errors import InvalidInput, ServiceError
from jobcenter_tui.services.seekers import SeekerDetail
from jobcenter_tui.widgets.question_form import QuestionForm


class SectionEditScreen(Screen[bool]):
    """Dismisses True when saved. ``page_key`` None edits every staff-only question (after upgrade)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="edit.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="edit.cancel"),
    ]

    class Saved(Message):
        def __init__(self, error: str | None, field_errors: dict[str, str] | None = None) -> None:
            super().__init__()
            self.error = error
            self.field_errors = field_errors or {}

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
        return Context(self.app.services.today(), self.audience)  # type: ignore[attr-defined]

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
        self._save(changes, tuple(clear))

    @work(thread=True, exclusive=True, group="edit")
    def _save(self, changes: dict[str, Any], clear: tuple[str, ...]) -> None:
        app = self.app
        try:
            app.services.seekers.update(app.actor, self.detail.id, changes, clear=clear,  # type: ignore[attr-defined]
                                        expected_version=self.detail.version)
            self.post_message(self.Saved(None))
        except InvalidInput as exc:
            self.post_message(self.Saved("Fix the answers marked below", exc.errors))
        except ServiceError as exc:
            self.post_message(self.Saved(str(exc)))

    def on_section_edit_screen_saved(self, message: Saved) -> None:
        if message.error is None:
            self.dismiss(True)
            return
        self.query_one(QuestionForm).show_errors(message.field_errors)
        self.query_one("#edit-status", Label).update(message.error)

    @on(Button.Pressed, "#edit-save")
    def _save_button(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#edit-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
