"""History: the audit trail of this record, newest first (every view and change)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable

from jobcenter_tui.domain.audit import action_label
from jobcenter_tui.domain.questions import label_for
from jobcenter_tui.widgets.case.base import (
    DETERMINATION,
    DOCUMENT,
    ENROLLMENT,
    NOTE,
    PLAN,
    RECORD,
    RESUME,
    REVEAL,
    SERVICE,
    CasePane,
    fill_table,
)

if TYPE_CHECKING:
    from jobcenter_tui.domain.permissions import Actor
    from jobcenter_tui.services import Services
    from jobcenter_tui.services.seekers import HistoryEntry


class HistoryPane(CasePane[list["HistoryEntry"]]):
    TITLE = "History"
    KEY = "history"
    DEPENDS_ON = frozenset({RECORD, DETERMINATION, ENROLLMENT, SERVICE, PLAN, DOCUMENT, NOTE, REVEAL, RESUME})

    def compose(self) -> ComposeResult:
        yield DataTable(id="history", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#history", DataTable).add_columns("When (UTC)", "Staff", "Action", "Changed")

    def fetch(self, services: Services, actor: Actor) -> list[HistoryEntry]:
        return services.seekers.history(actor, self.seeker_id)

    def show(self, model: list[HistoryEntry]) -> None:
        fill_table(self.query_one("#history", DataTable), [
            (None, (h.at.strftime("%Y-%m-%d %H:%M"), Text(h.staff or ""), action_label(h.action), Text(_changed(h))))
            for h in model])


def _changed(entry: HistoryEntry) -> str:
    """The fields a change touched, or the tab a view opened ("Notes")."""
    changes = entry.changes or {}
    if entry.action == "case.view":
        return str(changes.get("pane", "")).replace("_", " ").capitalize()
    return ", ".join(sorted(label_for(f) for f in changes.get("fields", {})))
