"""The dialog for a bug that reached the screen: an incident id to quote, nothing else.

No traceback and no values: the details (masked) are in the incident log under
``JOBCENTER_HOME/logs``. The screen underneath, and what was typed in it, stay as they were.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from jobcenter_tui.widgets.service_call import Resilient


class IncidentDialog(Resilient, ModalScreen[None]):
    BINDINGS = [Binding("escape,enter", "close", "Close", id="incident.close")]

    def __init__(self, incident_id: str) -> None:
        super().__init__()
        self.incident_id = incident_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="incident-box"):
            yield Static("Something went wrong", classes="form-title")
            yield Label(f"This is a fault in the console, not something you did. Nothing was saved by the step "
                        f"that failed; what you typed is still on the screen underneath.\n\n"
                        f"Incident {self.incident_id} — quote it to your administrator (details are in the "
                        f"console's incident log).", id="incident-text", markup=False)
            with Horizontal(classes="modal-buttons"):
                yield Button("Close (esc)", id="incident-close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#incident-close", Button).focus()

    @on(Button.Pressed, "#incident-close")
    def action_close(self) -> None:
        self.dismiss(None)
