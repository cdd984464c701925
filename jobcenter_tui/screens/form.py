"""One small form for every case action (a service, a note, a document, closing…).

The caller gives the questions and a ``submit`` function; ``submit`` runs in a worker with the
parsed answers and returns the service's field errors (shown at their questions) or None, which
closes the form. The same question mechanism as the wizard: one way to ask, check and show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from jobcenter_tui.domain.questions import Answers, Context, Question
from jobcenter_tui.services.errors import InvalidInput, PermissionDenied, ServiceError
from jobcenter_tui.widgets.question_form import QuestionForm, widget_id

Submit = Callable[[Answers], Any]


class FormScreen(ModalScreen[Any]):
    """Dismisses with whatever ``submit`` returned, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    class Done(Message):
        def __init__(self, result: Any, error: str | None, field_errors: dict[str, str]) -> None:
            super().__init__()
            self.result = result
            self.error = error
            self.field_errors = field_errors

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
        ctx = Context(self.app.services.today(), "staff")  # type: ignore[attr-defined]
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
        self._submit({k: v for k, v in self.answers.items() if k in visible})

    @work(thread=True, exclusive=True, group="form")
    def _submit(self, answers: Answers) -> None:
        try:
            self.post_message(self.Done(self.submit(answers), None, {}))
        except InvalidInput as exc:
            self.post_message(self.Done(None, "Fix the answers marked above", exc.errors))
        except (ServiceError, PermissionDenied) as exc:
            self.post_message(self.Done(None, str(exc), {}))

    def on_form_screen_done(self, message: Done) -> None:
        if message.error is None:
            self.dismiss(message.result if message.result is not None else True)
            return
        self.query_one(QuestionForm).show_errors(message.field_errors)
        self.query_one("#form-status", Label).update(message.error)

    @on(Button.Pressed, "#form-save")
    def _save_button(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
