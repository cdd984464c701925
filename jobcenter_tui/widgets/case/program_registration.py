"""Program Registration: each program's eligibility today, the enrollment, and Enroll.

Enroll is offered when the program is eligible — or needs information, which the enrollment wizard
asks first — and the staff member holds ``create`` for it; the service refuses otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static

from jobcenter_tui.domain.permissions import ProgramLevel
from jobcenter_tui.domain.programs import PROGRAM_CODES
from jobcenter_tui.domain.questions import readable
from jobcenter_tui.widgets.case.base import DETERMINATION, ENROLLMENT, RECORD, SERVICE, CasePane, EnrollRequest, fill_table
from jobcenter_tui.widgets.case.labels import ELIGIBILITY_WORDS, answers_needed

if TYPE_CHECKING:
    from jobcenter_tui.domain.permissions import Actor
    from jobcenter_tui.services import Services
    from jobcenter_tui.services.eligibility import DeterminationView
    from jobcenter_tui.services.program_registration import ProgramRow


@dataclass(frozen=True)
class ProgramsModel:
    rows: list[ProgramRow]
    determination: DeterminationView | None


class ProgramRegistrationPane(CasePane[ProgramsModel]):
    TITLE = "Program Registration"
    KEY = "programs"
    DEPENDS_ON = frozenset({RECORD, DETERMINATION, ENROLLMENT, SERVICE})
    BINDINGS = [Binding("n", "enroll", "Enroll", id="case.enroll")]

    def compose(self) -> ComposeResult:
        yield Label("", id="programs-note", markup=False)
        yield DataTable(id="programs", cursor_type="row", zebra_stripes=True)
        yield Static("", id="program-detail")

    def on_mount(self) -> None:
        table = self.query_one("#programs", DataTable)  # fixed widths: the table fits 80 columns
        for name, width in (("Program", 30), ("Eligibility", 11), ("Enrollment", 10), ("Action", 6), ("Dates", 13)):
            table.add_column(name, width=width)

    def fetch(self, services: Services, actor: Actor) -> ProgramsModel:
        return ProgramsModel(services.program_registration.rows(actor, self.seeker_id),
                             services.eligibility.latest(actor, self.seeker_id))

    def show(self, model: ProgramsModel) -> None:
        d = model.determination
        recorded = f"last recorded {d.as_of.isoformat()} by {d.determined_by}" if d is not None else "none recorded yet"
        self.query_one("#programs-note", Label).update(f"Eligibility today · {recorded} · number keys: tabs")
        fill_table(self.query_one("#programs", DataTable), [
            (r.program, (Text(r.name), ELIGIBILITY_WORDS.get(r.eligibility, r.eligibility), r.enrollment_status,
                         Text("Enroll", style="bold") if r.can_enroll else "", r.dates)) for r in model.rows])
        self._show_detail(self.selected("programs"))

    def _row(self, program: str | None) -> ProgramRow | None:
        return next((r for r in self.model.rows if r.program == program), None) if self.model else None

    @on(DataTable.RowHighlighted, "#programs")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(str(event.row_key.value))

    def _show_detail(self, program: str | None) -> None:
        row = self._row(program)
        text = Text()
        if row is not None:
            text.append(f"{row.name}: {ELIGIBILITY_WORDS.get(row.eligibility, row.eligibility)}\n", style="bold")
            for reason in row.reasons:
                text.append(f"  • {readable(reason)}\n")
            if row.missing:
                text.append(f"  • answers needed: {answers_needed(row.missing)}\n")
        self.query_one("#program-detail", Static).update(text)

    def _may_enroll_somewhere(self) -> bool:
        return any(self.actor.can_program(p, ProgramLevel.CREATE) for p in PROGRAM_CODES)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No Enroll key for staff who may enroll in no program (front desk)."""
        if action == "enroll":
            return self._may_enroll_somewhere()
        return True

    def action_enroll(self) -> None:
        row = self._row(self.selected("programs"))
        if row is None:
            return
        if not row.can_enroll:
            why = ("not eligible" if row.eligibility == "ineligible" else
                   "already enrolled" if row.enrollment_status in ("pending", "open") else
                   "you may not enroll in this program")
            self.notify(f"{row.name}: cannot enroll ({why}).", severity="warning", markup=False)
            return
        self.post_message(EnrollRequest(row.program))
