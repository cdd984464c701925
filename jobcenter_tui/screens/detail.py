"""Something shown read-only in a dialog (a completed service): close with Escape or Enter."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from jobcenter_tui.widgets.service_call import Resilient


class DetailModal(Resilient, ModalScreen[None]):
    BINDINGS = [Binding("escape,enter", "close", "Close", id="detail.close")]

    def __init__(self, title: str, body: Text) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="modal-box", id="detail-box"):
            yield Static(self.title_text, classes="form-title", markup=False)
            yield Static(self.body, id="detail-body")
            with Horizontal(classes="modal-buttons"):
                yield Button("Close (esc)", id="detail-close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#detail-close", Button).focus()

    @on(Button.Pressed, "#detail-close")
    def action_close(self) -> None:
        self.dismiss(None)
