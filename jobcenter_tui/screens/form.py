"""One small form for every case action (a service, a note, a document, closing…).

The caller gives the questions and a ``submit(services, actor, answers)`` function; it runs through
the one service helper (off the UI thread). Its result closes the form; a refusal marks the fields
it names, or shows its words on the form's status line, and the form stays filled. The same
question mechanism as the wizard: one way to ask, check and show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from jobcenter_tui.domain.permissions import Actor
from jobcenter_tui.domain.questions import Answers, Context, Question
from jobcenter_tui.services import Services
from jobcenter_tui.widgets.question_form import QuestionForm, widget_id
from jobcenter_tui.widgets.service_call import Failure, ServiceCaller

Submit = Callable[[Services, Actor, Answers], Any]


class FormScreen(ServiceCaller, ModalScreen[Any]):
    """Dismisses with whatever ``submit`` returned, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(self, title: str, questions: list[Question], submit: Submit, *, answers: Answers | None = None,
                 save_label: str = "Save") -> None:
        super().__init__()
        self.title_text = title
        self.questions = questions
        self.submit = submit
        self.answers: Answers = dict(answers or {})
        self.raw: dict[str, Any] = {}
        self.save_label = save_label

    def compose(self) -> ComposeResult:
        ctx = Context(self.services.today(), "staff")
        with Vertical(classes="modal-box form-box"):
            yield Static(self.title_text, classes="form-title", markup=False)
            yield QuestionForm(self.questions, self.answers, self.raw, ctx, id="form-fields")
            with Horizontal(classes="modal-buttons"):
                yield Button(f"{self.save_label} (ctrl+s)", id="form-save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="form-cancel", compact=True)
                yield Label("", id="form-status", markup=False)

    def on_mount(self) -> None:
        form = self.query_one(QuestionForm)
        visible = form.visible_questions()
        if visible:
            self.call_after_refresh(lambda: form.query_one("#" + widget_id(visible[0].path)).focus())

    def action_save(self) -> None:
        form = self.query_one(QuestionForm)
        if form.check_all():
            self.query_one("#form-status", Label).update("Fix the answers marked above")
            return
        visible = {q.path for q in form.visible_questions()}
        self.query_one("#form-status", Label).update("Saving…")
        answers = {k: v for k, v in self.answers.items() if k in visible}
        submit = self.submit
        self.call_service(lambda services, actor: submit(services, actor, answers), done=self._saved,
                          failed=self._refused, group="form", exclusive=True)

    def _saved(self, result: Any) -> None:
        self.dismiss(result if result is not None else True)

    def _refused(self, failure: Failure) -> bool:
        """Fields the refusal names are marked; its words go on the status line; nothing typed is lost."""
        form = self.query_one(QuestionForm)
        known = {q.path for q in self.questions}
        marked = {k: v for k, v in failure.field_errors.items() if k in known}
        form.show_errors(marked)
        status = "Fix the answers marked above" if marked and len(marked) == len(failure.field_errors) else failure.message
        self.query_one("#form-status", Label).update(status)
        return not failure.is_incident

    @on(Button.Pressed, "#form-save")
    def _save_button(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
