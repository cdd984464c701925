"""Demographics: every answer on the record; ``e`` or Enter edits its section with the wizard's checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from jobcenter_tui.domain.questions import PAGES, Context, record_to_answers
from jobcenter_tui.widgets.case.base import RECORD, CasePane, EditSectionRequest, fill_table

if TYPE_CHECKING:
    from jobcenter_tui.domain.permissions import Actor
    from jobcenter_tui.services import Services
    from jobcenter_tui.services.seekers import SeekerDetail


class DemographicsPane(CasePane["SeekerDetail"]):
    TITLE = "Demographics"
    KEY = "demographics"
    DEPENDS_ON = frozenset({RECORD})
    BINDINGS = [Binding("e", "edit", "Edit section", id="case.edit")]

    def compose(self) -> ComposeResult:
        yield DataTable(id="demographics", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#demographics", DataTable)
        table.add_column("Section", width=14)
        table.add_column("Question", width=30)
        table.add_column("Answer")

    def fetch(self, services: Services, actor: Actor) -> SeekerDetail:
        return services.seekers.get(actor, self.seeker_id, audit=False)  # opening the case was audited

    def show(self, model: SeekerDetail) -> None:
        record = {k: v for k, v in model.record.items() if k != "ssn"}
        answers = record_to_answers(record)
        ctx = Context(self.services.today(), "staff" if model.account_type == "staff_assisted" else "all")
        rows = []
        for page in PAGES:
            first = True
            for q in page.questions:
                if not q.visible(answers, ctx) and q.path not in answers:
                    continue
                value = model.ssn_masked if q.path == "ssn" and model.record.get("ssn") else q.display(answers.get(q.path))
                rows.append((f"{page.key}:{q.path}", (Text(page.title if first else "", style="bold"), Text(q.label),
                                                      Text(value))))
                first = False
        fill_table(self.query_one("#demographics", DataTable), rows)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            return self.actor.can("seeker.edit")
        return True

    @on(DataTable.RowSelected, "#demographics")
    def _selected_row(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        key = self.selected("demographics")
        self.post_message(EditSectionRequest(key.split(":", 1)[0] if key else PAGES[0].key))
