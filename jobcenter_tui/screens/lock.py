"""The idle lock: an opaque screen over the staff console that asks the password again.

It covers everything (no name, no SSN of the work underneath shows through) and keeps the
screens underneath, with what was typed in them, as they were. The password is checked by the
services, which count the wrong ones and end the session after too many (see
``domain.session_lock``); this screen only shows what they decided.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from jobcenter_tui.domain.session_lock import UnlockOutcome
from jobcenter_tui.widgets.service_call import Failure, ServiceCaller


class LockScreen(ServiceCaller, ModalScreen[UnlockOutcome]):
    """Dismissed with the outcome that unlocked the console or signed the person out."""

    AUTO_FOCUS = "#unlock-password"

    def __init__(self, display_name: str) -> None:
        super().__init__(id="lock-screen")
        self.display_name = display_name
        self.finished = False  # set just before it closes itself: the app lets only that close it

    def compose(self) -> ComposeResult:
        with Vertical(id="lock-box"):
            yield Static(f"Locked — {self.display_name}, enter your password", id="lock-title", markup=False)
            yield Static("The console locked itself after a while without a key. Your work is kept underneath.",
                         id="lock-subtitle", markup=False)
            yield Input(id="unlock-password", placeholder="password", password=True, max_length=256)
            yield Label("", id="lock-message", markup=False)
            yield Button("Unlock", id="unlock", variant="primary")

    @on(Input.Submitted, "#unlock-password")
    @on(Button.Pressed, "#unlock")
    def _submit(self) -> None:
        field = self.query_one("#unlock-password", Input)
        password = field.value
        if not password:
            self.query_one("#lock-message", Label).update("Type your password.")
            field.focus()
            return
        field.disabled = True
        self.query_one("#unlock", Button).disabled = True
        self.query_one("#lock-message", Label).update("Checking…")
        self.call_service(lambda s, a: s.staff.unlock(a, password), done=self._checked, failed=self._failed,
                          group="unlock", exclusive=True, description="unlock")

    def _checked(self, outcome: UnlockOutcome) -> None:
        if outcome.unlocked or outcome.signed_out:
            self.finished = True
            self.dismiss(outcome)
            return
        self._ready(outcome.message)

    def _failed(self, failure: Failure) -> bool:
        self._ready(failure.message)
        return not failure.is_incident

    def _ready(self, message: str) -> None:
        field = self.query_one("#unlock-password", Input)
        field.value = ""
        field.disabled = False
        self.query_one("#unlock", Button).disabled = False
        self.query_one("#lock-message", Label).update(message)
        field.focus()
