"""Ask for a reason (revealing an SSN, closing something): the answer is audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from jobcenter_tui.domain.permissions import Actor
from jobcenter_tui.services import Services
from jobcenter_tui.widgets.service_call import Failure, ServiceCaller

Submit = Callable[[Services, Actor, str], Any]


class ReasonModal(ServiceCaller, ModalScreen[Any]):
    """Dismisses with the reason typed, or — given ``submit(services, actor, reason)`` — with its result.

    With ``submit`` the dialog stays open until the service accepts the reason: a refusal ("at least
    5 characters") is shown under the box, the reason typed kept. Escape dismisses with None.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="reason.cancel")]

    def __init__(self, prompt: str, *, required: str = "A reason is needed; it is recorded in the audit log.",
                 submit: Submit | None = None) -> None:
        super().__init__()
        self.prompt = prompt
        self.required = required
        self.submit = submit

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label(self.prompt, markup=False)
            yield Input(id="reason-input", placeholder="reason", max_length=500)
            yield Label("", id="reason-error", classes="q-error", markup=False)
            yield Label("Enter to continue, Escape to cancel", classes="muted")

    def _error(self, message: str) -> None:
        self.query_one("#reason-error", Label).update(message)

    @on(Input.Submitted)
    def _done(self, event: Input.Submitted) -> None:
        """An empty reason is refused here, in words, and the dialog stays open."""
        reason = event.value.strip()
        if not reason:
            self._error(self.required)
            return
        if self.submit is None:
            self.dismiss(reason)
            return
        submit = self.submit
        self._error("")
        self.call_service(lambda s, a: submit(s, a, reason), done=self.dismiss, failed=self._refused,
                          group="reason", exclusive=True)

    def _refused(self, failure: Failure) -> bool:
        """The service's words under the box (its message for the reason when it names one)."""
        self._error(failure.field_errors.get("reason") or failure.message)
        return not failure.is_incident

    def action_cancel(self) -> None:
        self.dismiss(None)
