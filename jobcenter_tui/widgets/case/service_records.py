"""Services received: record, schedule, complete, cancel, no-show; a final one opens read-only.

"Service" here is the workforce service a job seeker receives (a ``ServiceRecord``), not a use case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Select

from jobcenter_tui.domain.enrollment import SERVICE_MOVES, SERVICE_STATUSES
from jobcenter_tui.domain.programs import PROGRAMS, program_name
from jobcenter_tui.domain.questions import Question
from jobcenter_tui.widgets.case.base import ENROLLMENT, SERVICE, CasePane, DetailRequest, fill_table
from jobcenter_tui.widgets.case.labels import words

if TYPE_CHECKING:
    from jobcenter_tui.domain.permissions import Actor
    from jobcenter_tui.services import Services
    from jobcenter_tui.services.service_records import ServiceRecordView

NEW_STATUSES = ("completed", "scheduled", "in_progress")


def open_service_form(pane: CasePane[Any], *, preset: str | None = None) -> None:
    """Record a service for the pane's job seeker (on ``preset`` enrollment when given)."""
    seeker_id = pane.seeker_id

    def load(s: Services, a: Actor) -> tuple[Any, Any]:
        return s.service_records.catalog(), s.enrollments.for_seeker(a, seeker_id)

    def ask(loaded: tuple[Any, Any]) -> None:
        catalog, enrollments = loaded
        questions = [
            Question("code", "Service", "choice", required=True, choices=tuple((c.code, f"{c.code} {c.name}") for c in catalog)),
            Question("enrollment_id", "Enrollment", "choice",
                     choices=tuple((e.id, f"{program_name(e.program)} ({e.status})") for e in enrollments)),
            Question("status", "Status", "choice", required=True, choices=tuple((s, words(s)) for s in NEW_STATUSES)),
            Question("start_date", "Start date", "date", required=True),
            Question("end_date", "End date", "date"),
            Question("provider", "Provider", "text"),
            Question("cost", "Cost", "money"),
            Question("gap_reason", "Reason for a planned gap", "text", show=lambda ans, ctx: ans.get("code") == "G01"),
            Question("notes", "Notes", "long_text", max_length=4000),
        ]

        def submit(s: Services, a: Actor, ans: dict[str, Any]) -> Any:
            return s.service_records.record(a, seeker_id, ans["code"], start_date=ans["start_date"], status=ans["status"],
                                            end_date=ans.get("end_date"), enrollment_id=ans.get("enrollment_id"),
                                            provider=ans.get("provider"), notes=ans.get("notes"), cost=ans.get("cost"),
                                            gap_reason=ans.get("gap_reason"))

        pane.form("Record a service", questions, submit,
                  answers={"status": "completed", "start_date": pane.services.today(), "enrollment_id": preset},
                  done="Service recorded.", changes=(SERVICE,))

    pane.call_service(load, done=ask, group="service-form")


def service_detail(svc: ServiceRecordView) -> Text:
    """Everything about one service, read-only."""
    text = Text()
    text.append(f"{svc.code} {svc.name}\n", style="bold")
    rows = [("Status", words(svc.status)), ("Category", words(svc.category)),
            ("Program", program_name(svc.program) if svc.program else "none (not on an enrollment)"),
            ("Start", svc.start_date.isoformat()), ("End", svc.end_date.isoformat() if svc.end_date else "—"),
            ("Provider", svc.provider or "—"), ("Cost", f"${svc.cost:,.2f}" if svc.cost is not None else "—"),
            ("Recorded by", svc.staff or "—")]
    for label, value in rows:
        text.append(f"{label:<12}", style="bold")
        text.append(f"{value}\n")
    if svc.notes:
        text.append("Notes\n", style="bold")
        text.append(svc.notes + "\n")
    return text


class ServiceRecordsPane(CasePane[list["ServiceRecordView"]]):
    TITLE = "Services"
    KEY = "services"
    DEPENDS_ON = frozenset({SERVICE, ENROLLMENT})
    BINDINGS = [
        Binding("a", "add", "Add service", id="case.add_service"),
        Binding("i", "details", "Details", id="case.service_details"),
    ]

    def __init__(self, seeker_id: str) -> None:
        super().__init__(seeker_id)
        self._filters: tuple[str | None, str | None] = (None, None)  # status, program

    def compose(self) -> ComposeResult:
        with Horizontal(id="service-filters"):
            yield Select([(words(s), s) for s in SERVICE_STATUSES], prompt="any status",
                         id="service-status-filter", compact=True)
            yield Select([(p.name, p.code.value) for p in PROGRAMS], prompt="any program",
                         id="service-program-filter", compact=True)
        yield DataTable(id="services", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#services", DataTable).add_columns("Start", "Code", "Service", "Program", "Status", "Staff")

    def _filter(self, selector: str) -> str | None:
        select = self.query_one(selector, Select)
        return None if select.is_blank() else str(select.value)

    def reload(self) -> None:
        """The filters are read here, on the UI thread; ``fetch`` runs in a worker and must not touch widgets."""
        self._filters = (self._filter("#service-status-filter"), self._filter("#service-program-filter"))
        super().reload()

    def fetch(self, services: Services, actor: Actor) -> list[ServiceRecordView]:
        status, program = self._filters
        return services.service_records.for_seeker(actor, self.seeker_id, status=status, program=program)

    def show(self, model: list[ServiceRecordView]) -> None:
        fill_table(self.query_one("#services", DataTable), [
            (s.id, (s.start_date.isoformat(), s.code, Text(s.name), program_name(s.program) if s.program else "—",
                    words(s.status), Text(s.staff or ""))) for s in model])

    def focus_main(self) -> None:
        self.query_one("#services", DataTable).focus()

    @on(Select.Changed, "#service-filters Select")
    def _filters_changed(self) -> None:
        self.reload()

    def _service(self) -> ServiceRecordView | None:
        key = self.selected("services")
        return next((s for s in self.model or [] if s.id == key), None)

    def action_add(self) -> None:
        open_service_form(self)

    def action_details(self) -> None:
        svc = self._service()
        if svc is not None:
            self.post_message(DetailRequest("Service (read-only)", service_detail(svc)))

    @on(DataTable.RowSelected, "#services")
    def _selected_row(self) -> None:
        """Enter: change the status of a service that can still move; a final one opens read-only."""
        svc = self._service()
        if svc is None:
            return
        if not SERVICE_MOVES.get(svc.status):
            self.action_details()
            return
        questions = [Question("status", f"{svc.code} {svc.name}: now", "choice", required=True,
                              choices=tuple((s, words(s)) for s in SERVICE_MOVES[svc.status])),
                     Question("end_date", "End date (when completed)", "date")]
        service_id, version = svc.id, svc.version
        self.form("Change the service's status", questions,
                  lambda s, a, ans: s.service_records.set_status(a, service_id, ans["status"], end_date=ans.get("end_date"),
                                                                 expected_version=version),
                  done="Service updated.", changes=(SERVICE,))
