"""Probable matches before a registration is saved: open one, or say this is a different person.

An SSN already on file is not a probable match but a fact: the dialog then says whose it is and
offers that record (or going back to correct the SSN), never "different person".
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Label

from jobcenter_tui.services.registration import DuplicateCandidate, ssn_on_file_message


class DuplicatesModal(ModalScreen[tuple[str, str] | None]):
    """Dismisses with ("open", id), ("distinct", "") or None (go back and check the answers)."""

    BINDINGS = [
        Binding("o", "open_selected", "Open existing", id="dup.open"),
        Binding("d", "distinct", "Different person", id="dup.distinct"),
        Binding("escape", "back", "Back", id="dup.back"),
    ]

    def __init__(self, candidates: list[DuplicateCandidate], *, ssn_owner: DuplicateCandidate | None = None) -> None:
        super().__init__()
        self.ssn_owner = ssn_owner
        self.candidates = [ssn_owner] if ssn_owner is not None else candidates

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box wide"):
            if self.ssn_owner is not None:
                title = ssn_on_file_message(self.ssn_owner) + " (o), or go back and correct the SSN (esc)."
            else:
                title = (f"This may be someone already registered ({len(self.candidates)} probable match"
                         f"{'es' if len(self.candidates) > 1 else ''}).")
            yield Label(title, id="dup-title", markup=False)
            yield DataTable(id="dup-table", cursor_type="row")
            with Horizontal(classes="modal-buttons"):
                yield Button("Open that record (o)" if self.ssn_owner else "Open existing (o)", id="dup-open",
                             variant="primary")
                if self.ssn_owner is None:  # one SSN, one person
                    yield Button("Different person (d)", id="dup-distinct")
                yield Button("Back (esc)", id="dup-back")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "distinct" and self.ssn_owner is not None)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Name", "Born", "SSN", "City", "Why")
        for c in self.candidates:
            table.add_row(Text(c.name), c.date_of_birth, c.ssn_masked, Text(c.city), Text(", ".join(c.reasons)), key=c.id)
        table.focus()

    @on(DataTable.RowSelected)
    def _row(self, event: DataTable.RowSelected) -> None:
        self.dismiss(("open", str(event.row_key.value)))

    @on(Button.Pressed, "#dup-open")
    def action_open_selected(self) -> None:
        table = self.query_one(DataTable)
        row = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        self.dismiss(("open", str(row.value)))

    @on(Button.Pressed, "#dup-distinct")
    def action_distinct(self) -> None:
        if self.ssn_owner is None:
            self.dismiss(("distinct", ""))

    @on(Button.Pressed, "#dup-back")
    def action_back(self) -> None:
        self.dismiss(None)
