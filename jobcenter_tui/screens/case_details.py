"""Case Details: everything about one job seeker on one screen.

Opening it is audited (it shows personal data). The header names the person; tabs hold the
program answers, the demographics (each section editable with the registration questions) and
the history of the record.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Static, TabbedContent, TabPane

from jobcenter_tui.domain.programs import program_name
from jobcenter_tui.domain.questions import PAGES, Context, record_to_answers
from jobcenter_tui.services.errors import ServiceError
from jobcenter_tui.services.seekers import SeekerDetail


class CaseDetailsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "close", "Back", id="case.close"),
        Binding("e", "edit", "Edit section", id="case.edit"),
        Binding("u", "upgrade", "Upgrade to staff-assisted", id="case.upgrade"),
        Binding("r", "reveal", "Reveal SSN", id="case.reveal"),
        Binding("d", "determine", "Re-run eligibility", id="case.determine"),
        Binding("f5", "reload", "Refresh", id="case.reload"),
    ]

    class Loaded(Message):
        def __init__(self, detail: SeekerDetail | None, determination: Any, history: list[Any], error: str | None) -> None:
            super().__init__()
            self.detail = detail
            self.determination = determination
            self.history = history
            self.error = error

    def __init__(self, seeker_id: str) -> None:
        super().__init__()
        self.seeker_id = seeker_id
        self.detail: SeekerDetail | None = None
        self.stale = False
        self.current: Any = None  # today's answer from the rules when no fresh determination is recorded
        self.program_details: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="case-header")
        with TabbedContent(id="case-tabs"):
            with TabPane("Programs", id="tab-programs"):
                yield Label("", id="programs-note", markup=False)
                yield DataTable(id="programs", cursor_type="row", zebra_stripes=True)
                yield Static("", id="program-detail")
            with TabPane("Demographics", id="tab-demographics"):
                yield DataTable(id="demographics", cursor_type="row", zebra_stripes=True)
            with TabPane("History", id="tab-history"):
                yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#programs", DataTable).add_columns("Program", "Eligibility", "Why / missing")
        demographics = self.query_one("#demographics", DataTable)
        demographics.add_column("Section", width=14)
        demographics.add_column("Question", width=30)
        demographics.add_column("Answer")
        self.query_one("#history", DataTable).add_columns("When (UTC)", "Staff", "Action", "Changed")
        self.action_reload()

    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="case")
    def _load(self) -> None:
        app = self.app
        services, actor = app.services, app.actor  # type: ignore[attr-defined]
        try:
            detail = services.seekers.get(actor, self.seeker_id)
            determination = services.eligibility.latest(actor, self.seeker_id)
            self.stale = determination is None or services.eligibility.is_stale(determination)
            self.current = None if not self.stale else services.eligibility.show(actor, self.seeker_id, services.today())
            history = services.seekers.history(actor, self.seeker_id)
            self.post_message(self.Loaded(detail, determination, history, None))
        except ServiceError as exc:
            self.post_message(self.Loaded(None, None, [], str(exc)))

    def on_case_details_screen_loaded(self, message: Loaded) -> None:
        if message.detail is None:
            self.query_one("#case-header", Static).update(Text(message.error or "Not found"))
            return
        self.detail = d = message.detail
        record = d.record
        flags = []
        if record.get("veteran", {}).get("status") in ("veteran", "eligible_spouse"):
            flags.append("veteran")
        low = self.current.low_income if self.current is not None else (
            message.determination.result.get("low_income") if message.determination is not None else None)
        if low:
            flags.append("low income")
        if d.age <= 24:
            flags.append("youth")
        header = Text()
        header.append(d.name, style="bold")
        header.append(f"  · record {d.id[:8]}  · SSN {d.ssn_masked}  · age {d.age}\n")
        header.append(f"{'Staff-assisted' if d.account_type == 'staff_assisted' else 'Self-service'}"
                      f"  · office {record.get('office', '—')}  · case manager {record.get('case_manager', '—')}")
        if flags:
            header.append("  · " + ", ".join(flags), style="bold")
        self.query_one("#case-header", Static).update(header)
        self.app.sub_title = d.name
        self._fill_programs(message.determination)
        self._fill_demographics(d)
        history = self.query_one("#history", DataTable)
        history.clear()
        for h in message.history:
            changed = ", ".join(sorted((h.changes or {}).get("fields", {}))) if h.changes else ""
            history.add_row(h.at.strftime("%Y-%m-%d %H:%M"), Text(h.staff or ""), h.action, Text(changed))

    def _fill_programs(self, determination: Any) -> None:
        table = self.query_one("#programs", DataTable)
        table.clear()
        note = self.query_one("#programs-note", Label)
        if self.current is not None:
            programs = self.current.as_json()["programs"]
            recorded = (f"last recorded {determination.as_of.isoformat()}, out of date" if determination is not None
                        else "none recorded yet")
            note.update(f"Today's answer from the rules ({recorded}); press d to record a determination.")
        else:
            programs = determination.result["programs"]
            note.update(f"Eligibility determined {determination.as_of.isoformat()} by {determination.determined_by or '—'}")
        self.program_details = {}
        for p in programs:
            full = [f"{program_name(p['program'])}: {p['status'].replace('_', ' ')}"]
            full += [f"  • {r}" for r in p["reasons"]]
            if p["missing"]:
                full.append("  • missing answers: " + ", ".join(p["missing"]))
            if p.get("priority_of_service") is not None:
                full.append(f"  • priority of service {p['priority_of_service']}")
            full += [f"  • limitation: {lim}" for lim in p.get("limitations", [])]
            self.program_details[p["program"]] = "\n".join(full)
            why = "; ".join(p["reasons"])
            if p["missing"]:
                why = (why + "; " if why else "") + "missing: " + ", ".join(p["missing"])
            status = p["status"].replace("_", " ")
            if p.get("category"):
                status += f" ({p['category']})"
            table.add_row(Text(program_name(p["program"])), status, Text(why), key=p["program"])

    def _fill_demographics(self, d: SeekerDetail) -> None:
        table = self.query_one("#demographics", DataTable)
        table.clear()
        record = {k: v for k, v in d.record.items() if k != "ssn"}
        answers = record_to_answers(record)
        ctx = Context(self.app.services.today(), "staff" if d.account_type == "staff_assisted" else "all")  # type: ignore[attr-defined]
        for page in PAGES:
            first = True
            for q in page.questions:
                if not q.visible(answers, ctx) and q.path not in answers:
                    continue
                value = d.ssn_masked if q.path == "ssn" and d.record.get("ssn") else q.display(answers.get(q.path))
                table.add_row(Text(page.title if first else "", style="bold"), Text(q.label), Text(value),
                              key=f"{page.key}:{q.path}")
                first = False

    @on(DataTable.RowHighlighted, "#programs")
    def _program_detail(self, event: DataTable.RowHighlighted) -> None:
        """The whole explanation of the highlighted program: the table cell is too narrow at 80 columns."""
        detail = self.program_details.get(str(event.row_key.value), "")
        self.query_one("#program-detail", Static).update(Text(detail))

    # --- actions -------------------------------------------------------------------------------

    def _selected_page(self) -> str:
        table = self.query_one("#demographics", DataTable)
        if not table.row_count:
            return PAGES[0].key
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return str(key).split(":", 1)[0]

    @on(DataTable.RowSelected, "#demographics")
    def _edit_row(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        if self.detail is None:
            return
        from jobcenter_tui.screens.section_edit import SectionEditScreen

        self.query_one(TabbedContent).active = "tab-demographics"
        self.app.push_screen(SectionEditScreen(self.detail, self._selected_page()), self._after_edit)

    def _after_edit(self, saved: bool | None) -> None:
        if saved:
            self.notify("Saved; eligibility re-run.", markup=False)
            self.action_reload()

    def action_upgrade(self) -> None:
        if self.detail is None:
            return
        if self.detail.account_type == "staff_assisted":
            self.notify("This account is already staff-assisted.", markup=False)
            return
        from jobcenter_tui.screens.confirm import ConfirmModal

        self.app.push_screen(ConfirmModal(f"Make {self.detail.name}'s account staff-assisted? This cannot be undone; "
                                          "staff-only questions are asked next.", yes="Upgrade", no="Cancel"),
                             self._upgrade_confirmed)

    def _upgrade_confirmed(self, yes: bool | None) -> None:
        if yes and self.detail is not None:
            self._upgrade(self.detail.version)

    @work(thread=True, exclusive=True, group="case-action")
    def _upgrade(self, version: int) -> None:
        app = self.app
        try:
            detail = app.services.seekers.upgrade_to_staff_assisted(app.actor, self.seeker_id, expected_version=version)  # type: ignore[attr-defined]
            self.app.call_from_thread(self._after_upgrade, detail)
        except ServiceError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)

    def _after_upgrade(self, detail: SeekerDetail) -> None:
        from jobcenter_tui.screens.section_edit import SectionEditScreen

        self.detail = detail
        self.action_reload()
        self.app.push_screen(SectionEditScreen(detail, None), self._after_edit)

    def action_reveal(self) -> None:
        if self.detail is None or not self.detail.record.get("ssn"):
            self.notify("No SSN is on file.", markup=False)
            return
        if not self.app.actor.can("seeker.view_ssn"):  # type: ignore[attr-defined]
            self.notify("Revealing an SSN needs the seeker.view_ssn privilege.", severity="warning", markup=False)
            return
        from jobcenter_tui.screens.reason import ReasonModal

        self.app.push_screen(ReasonModal("Why is the full SSN needed? (recorded in the audit log)"), self._reveal)

    def _reveal(self, reason: str | None) -> None:
        if reason:
            self._do_reveal(reason)

    @work(thread=True, exclusive=True, group="case-action")
    def _do_reveal(self, reason: str) -> None:
        app = self.app
        try:
            ssn = app.services.seekers.reveal_ssn(app.actor, self.seeker_id, reason)  # type: ignore[attr-defined]
            self.app.call_from_thread(self.notify, f"SSN {ssn}", timeout=10, markup=False)
        except ServiceError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)

    def action_determine(self) -> None:
        self._determine()

    @work(thread=True, exclusive=True, group="case-action")
    def _determine(self) -> None:
        app = self.app
        app.services.eligibility.determine(app.actor, self.seeker_id)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.action_reload)

    def action_close(self) -> None:
        self.app.sub_title = self.app.actor.display_name if self.app.actor else ""  # type: ignore[attr-defined]
        self.dismiss(None)
