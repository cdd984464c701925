"""Ask for a reason (revealing an SSN, closing something): the answer is audited."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from jobcenter_tui.widgets.service_call import Resilient


class ReasonModal(Resilient, ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="reason.cancel")]

    def __init__(self, prompt: str, *, required: str = "A reason is needed; it is recorded in the audit log.") -> None:
        super().__init__()
        self.prompt = prompt
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label(self.prompt, markup=False)
            yield Input(id="reason-input", placeholder="reason", max_length=500)
            yield Label("", id="reason-error", classes="q-error", markup=False)
            yield Label("Enter to continue, Escape to cancel", classes="muted")

    @on(Input.Submitted)
    def _done(self, event: Input.Submitted) -> None:
        """An empty reason is refused here, in words, and the dialog stays open."""
        if not event.value.strip():
            self.query_one("#reason-error", Label).update(self.required)
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
