"""The resource-room kiosk's home: a welcome, one button, and a thank-you after Save."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Label, Static

from jobcenter_tui.widgets.service_call import Resilient


class KioskWelcomeScreen(Resilient, Screen[None]):
    BINDINGS = [Binding("enter", "start", "Start", id="kiosk.start")]

    def compose(self) -> ComposeResult:
        with Vertical(id="kiosk-box"):
            yield Static("Welcome to the American Job Center", id="kiosk-title")
            yield Label("Register here to use the center's services. It takes about five minutes; "
                        "staff can help you at the front desk.", id="kiosk-text", markup=False)
            yield Label("", id="kiosk-thanks", markup=False)
            yield Button("Start registration", id="kiosk-start", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#kiosk-start", Button).focus()

    def thank(self) -> None:
        self.query_one("#kiosk-thanks", Label).update(
            "Thank you. You are registered; a staff member will be with you shortly.")

    def clear_thanks(self) -> None:
        self.query_one("#kiosk-thanks", Label).update("")

    @on(Button.Pressed, "#kiosk-start")
    def action_start(self) -> None:
        self.app.start_registration()  # type: ignore[attr-defined]
