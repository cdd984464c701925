"""Case Details: everything about one job seeker on one screen.

Header (name, record id, masked SSN, age, account type, office, case manager, flags) and tabs:
Programs (the Program Registration table with Enroll), Enrollments, Services, Plans, Documents,
Notes, Demographics and History. Keys act on the tab in view (the footer shows only those);
every action goes through the services, which check the staff member's privileges again.
Opening the screen is audited (it shows personal data).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Select, Static, TabbedContent, TabPane

from jobcenter_tui.domain.enrollment import EXIT_REASONS, SERVICE_MOVES, SERVICE_STATUSES, STAFF_EXIT_REASONS
from jobcenter_tui.domain.programs import PROGRAMS, program_name
from jobcenter_tui.domain.questions import PAGES, Context, Question, record_to_answers
from jobcenter_tui.services.errors import ServiceError
from jobcenter_tui.services.seekers import SeekerDetail

# upgrade (u), reveal SSN (r) and record eligibility (d) concern the whole record: every tab has them
TAB_ACTIONS = {
    "tab-programs": {"enroll"},
    "tab-enrollments": {"close_enrollment", "reopen", "plan", "add"},
    "tab-services": {"add"},
    "tab-plans": {"plan"},
    "tab-documents": {"add", "verify", "export"},
    "tab-notes": {"add", "correct", "delete_note", "edit_note"},
    "tab-demographics": {"edit"},
    "tab-history": set(),
}
ALL_TAB_ACTIONS = set().union(*TAB_ACTIONS.values())


def _q(path: str, label: str, kind: str, **kw: Any) -> Question:
    return Question(path, label, kind, **kw)


class CaseDetailsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "close", "Back", id="case.close"),
        Binding("n", "enroll", "Enroll", id="case.enroll"),
        Binding("a", "add", "Add", id="case.add"),
        Binding("c", "close_enrollment", "Close", id="case.close_enrollment"),
        Binding("o", "reopen", "Reopen", id="case.reopen"),
        Binding("p", "plan", "Plan", id="case.plan"),
        Binding("c", "correct", "Correct", id="case.correct"),
        Binding("t", "edit_note", "Edit note", id="case.edit_note"),
        Binding("delete", "delete_note", "Delete", id="case.delete_note"),
        Binding("v", "verify", "Verify", id="case.verify"),
        Binding("x", "export", "Export copy", id="case.export"),
        Binding("e", "edit", "Edit section", id="case.edit"),
        Binding("u", "upgrade", "Upgrade", id="case.upgrade"),
        Binding("r", "reveal", "Reveal SSN", id="case.reveal"),
        Binding("d", "determine", "Record eligibility", id="case.determine"),
        Binding("f5", "reload", "Refresh", id="case.reload"),
        *(Binding(str(n), f"show_tab({n})", f"Tab {n}: {name}", id=f"case.tab{n}", show=False)
          for n, name in enumerate(("Programs", "Enrollments", "Services", "Plans", "Documents", "Notes",
                                    "Demographics", "History"), start=1)),
    ]
    TABS = ("tab-programs", "tab-enrollments", "tab-services", "tab-plans", "tab-documents", "tab-notes",
            "tab-demographics", "tab-history")
    TABLES = ("programs", "enrollments", "services", "plans", "documents", "notes", "demographics", "history")

    class Loaded(Message):
        def __init__(self, data: dict[str, Any] | None, error: str | None) -> None:
            super().__init__()
            self.data = data
            self.error = error

    def __init__(self, seeker_id: str) -> None:
        super().__init__()
        self.seeker_id = seeker_id
        self.detail: SeekerDetail | None = None
        self.data: dict[str, Any] = {}
        self.program_details: dict[str, str] = {}
        self._filled: set[str] = set()

    # --- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="case-header")
        with TabbedContent(id="case-tabs"):
            with TabPane("Programs", id="tab-programs"):
                yield Label("", id="programs-note", markup=False)
                yield DataTable(id="programs", cursor_type="row", zebra_stripes=True)
                yield Static("", id="program-detail")
            with TabPane("Enrollments", id="tab-enrollments"):
                yield DataTable(id="enrollments", cursor_type="row", zebra_stripes=True)
                yield Static("", id="enrollment-detail")
            with TabPane("Services", id="tab-services"):
                with Static(id="service-filters"):
                    yield Select([(s.replace("_", " "), s) for s in SERVICE_STATUSES], prompt="any status",
                                 id="service-status-filter", compact=True)
                    yield Select([(p.name, p.code.value) for p in PROGRAMS], prompt="any program",
                                 id="service-program-filter", compact=True)
                yield DataTable(id="services", cursor_type="row", zebra_stripes=True)
            with TabPane("Plans", id="tab-plans"):
                yield DataTable(id="plans", cursor_type="row", zebra_stripes=True)
                yield Static("", id="plan-detail")
            with TabPane("Documents", id="tab-documents"):
                yield DataTable(id="documents", cursor_type="row", zebra_stripes=True)
            with TabPane("Notes", id="tab-notes"):
                yield DataTable(id="notes", cursor_type="row", zebra_stripes=True)
                yield Static("", id="note-detail")
            with TabPane("Demographics", id="tab-demographics"):
                yield DataTable(id="demographics", cursor_type="row", zebra_stripes=True)
            with TabPane("History", id="tab-history"):
                yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        columns = {
            "enrollments": ("Program", "Status", "Participation", "Exit", "Exit clock"),
            "services": ("Start", "Code", "Service", "Program", "Status", "Staff"),
            "plans": ("Program", "Plan", "Version", "Employment goal", "Agreed"),
            "documents": ("Type", "File", "Size", "Added", "Verified"),
            "notes": ("Date", "Contact", "Subject", "Scope", "By"),
            "history": ("When (UTC)", "Staff", "Action", "Changed"),
        }
        for table_id, names in columns.items():
            self.query_one(f"#{table_id}", DataTable).add_columns(*names)
        programs = self.query_one("#programs", DataTable)  # fixed widths: the table fits 80 columns
        for name, width in (("Program", 30), ("Eligibility", 11), ("Enrollment", 10), ("Action", 6), ("Dates", 13)):
            programs.add_column(name, width=width)
        demographics = self.query_one("#demographics", DataTable)
        demographics.add_column("Section", width=14)
        demographics.add_column("Question", width=30)
        demographics.add_column("Answer")
        self.action_reload()

    def action_show_tab(self, number: int) -> None:
        """Keys 1-8 show a tab and put the cursor in its table, so its keys work at once."""
        self.query_one(TabbedContent).active = self.TABS[number - 1]
        self.query_one(f"#{self.TABLES[number - 1]}", DataTable).focus()

    @property
    def tab(self) -> str:
        return self.query_one(TabbedContent).active

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys belong to a tab: the footer shows only those of the tab in view."""
        if action in ALL_TAB_ACTIONS:
            return action in TAB_ACTIONS.get(self.tab, set())
        return True

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self._fill_tab(self.tab)
        self.refresh_bindings()

    # --- loading -------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self._load(self._filter("#service-status-filter"), self._filter("#service-program-filter"))

    def _filter(self, selector: str) -> str | None:
        select = self.query_one(selector, Select)
        return None if select.is_blank() else str(select.value)

    @on(Select.Changed, "#service-filters Select")
    def _filters_changed(self) -> None:
        self.action_reload()

    @work(thread=True, exclusive=True, group="case")
    def _load(self, status: str | None, program: str | None) -> None:
        """First what the screen opens on (header, Program Registration), then the other tabs' data."""
        app = self.app
        services, actor = app.services, app.actor  # type: ignore[attr-defined]
        try:
            first = {
                "detail": services.seekers.get(actor, self.seeker_id, audit=self.detail is None),
                "programs": services.cases.program_registration(actor, self.seeker_id),
                "determination": services.eligibility.latest(actor, self.seeker_id),
            }
            self.post_message(self.Loaded(first, None))
            rest = {
                "enrollments": services.cases.enrollments(actor, self.seeker_id),
                "services": services.cases.services(actor, self.seeker_id, status=status, program=program),
                "plans": services.cases.plans(actor, self.seeker_id),
                "documents": services.documents.documents(actor, self.seeker_id),
                "notes": services.notes.notes(actor, self.seeker_id),
                "history": services.seekers.history(actor, self.seeker_id),
            }
            self.post_message(self.Loaded({**first, **rest}, None))
        except ServiceError as exc:
            self.post_message(self.Loaded(None, str(exc)))

    def on_case_details_screen_loaded(self, message: Loaded) -> None:
        if message.data is None:
            self.query_one("#case-header", Static).update(Text(message.error or "Not found"))
            return
        complete = "history" in message.data
        self.data = data = message.data
        self.detail = d = data["detail"]
        if not complete:
            self._fill_header(d, data)
            self._filled = set()
            self._fill_tab("tab-programs")
        else:
            self._filled &= {"tab-programs", "tab-demographics"}  # these two need only the first part: kept
            self._fill_tab(self.tab)  # the other tabs fill when they are first shown: opening stays fast
        self.refresh_bindings()

    _NEEDS = {"tab-enrollments": "enrollments", "tab-services": "services", "tab-plans": "plans",
              "tab-documents": "documents", "tab-notes": "notes", "tab-history": "history"}

    def _fill_tab(self, tab: str) -> None:
        """Put the loaded data of one tab into its table (once per load)."""
        if not self.data or tab in self._filled or self._NEEDS.get(tab, "detail") not in self.data:
            return
        self._filled.add(tab)
        data, d = self.data, self.data["detail"]
        if tab == "tab-programs":
            self._fill_programs(data["programs"], data["determination"])
        elif tab == "tab-enrollments":
            self._fill_enrollments(data["enrollments"])
        elif tab == "tab-services":
            self._fill("services", [(s.id, (s.start_date.isoformat(), s.code, Text(s.name),
                                            program_name(s.program) if s.program else "—",
                                            s.status.replace("_", " "), Text(s.staff or ""))) for s in data["services"]])
        elif tab == "tab-plans":
            self._fill("plans", [(f"{p.id}:{v.number}", (program_name(p.program), p.kind, str(v.number),
                                                        Text(f"{v.employment_goal_soc or ''} {v.employment_goal_title or ''}".strip()),
                                                        str(v.agreement_date or "—")))
                                 for p in data["plans"] for v in reversed(p.versions)])
        elif tab == "tab-documents":
            self._fill("documents", [(doc.id, (doc.type.replace("_", " "), Text(doc.original_name),
                                               f"{doc.size_bytes / 1024:.0f} KB", doc.uploaded_at.strftime("%Y-%m-%d"),
                                               f"{doc.verified_by} {doc.verified_at:%Y-%m-%d}" if doc.verified_at else "no"))
                                     for doc in data["documents"]])
        elif tab == "tab-notes":
            self._fill("notes", [(n.id, (n.contact_date.isoformat(), n.contact_type.replace("_", " "),
                                         Text(("↳ " if n.corrects_note_id else "") + n.subject),
                                         program_name(n.program) if n.program else "case", Text(n.created_by or "")))
                                 for n in data["notes"]])
        elif tab == "tab-demographics":
            self._fill_demographics(d)
        elif tab == "tab-history":
            self._fill("history", [(None, (h.at.strftime("%Y-%m-%d %H:%M"), Text(h.staff or ""), h.action,
                                           Text(", ".join(sorted((h.changes or {}).get("fields", {}))) if h.changes else "")))
                                   for h in data["history"]])

    def _fill(self, table_id: str, rows: list[tuple[str | None, tuple[Any, ...]]]) -> None:
        table = self.query_one(f"#{table_id}", DataTable)
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=key)

    def _fill_header(self, d: SeekerDetail, data: dict[str, Any]) -> None:
        record = d.record
        flags = []
        if record.get("veteran", {}).get("status") in ("veteran", "eligible_spouse"):
            flags.append("veteran")
        determination = data["determination"]
        if determination is not None and determination.result.get("low_income"):
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
        self.sub_title = d.name  # this screen's title only: the others keep theirs

    def _fill_programs(self, rows: list[Any], determination: Any) -> None:
        note = self.query_one("#programs-note", Label)
        recorded = (f"last recorded {determination.as_of.isoformat()} by {determination.determined_by}"
                    if determination is not None else "none recorded yet")
        note.update(f"Eligibility today ({recorded}). n: Enroll · keys 1-8 switch tabs")
        self.program_details = {}
        short = {"needs_information": "needs info"}
        self._fill("programs", [(r.program, (Text(r.name), short.get(r.eligibility, r.eligibility), r.enrollment_status,
                                            Text("Enroll", style="bold") if r.can_enroll else "", r.dates))
                                for r in rows])
        for r in rows:
            lines = [f"{r.name}: {r.eligibility.replace('_', ' ')}"] + [f"  • {x}" for x in r.reasons]
            if r.missing:
                lines.append("  • missing answers: " + ", ".join(r.missing))
            self.program_details[r.program] = "\n".join(lines)
        if rows:
            self.query_one("#program-detail", Static).update(Text(self.program_details[rows[0].program]))

    def _fill_enrollments(self, rows: list[Any]) -> None:
        self._fill("enrollments", [(e.id, (program_name(e.program), e.status + (f" ({e.youth_category})" if e.youth_category else ""),
                                           str(e.participation_date or "—"),
                                           f"{e.exit_date} {EXIT_REASONS.get(e.exit_reason or '', '')}".strip() if e.exit_date else "—",
                                           Text(e.clock))) for e in rows])
        if rows:
            self._show_enrollment(rows[0].id)

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

    # --- detail panels -------------------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#programs")
    def _program_detail(self, event: DataTable.RowHighlighted) -> None:
        self.query_one("#program-detail", Static).update(Text(self.program_details.get(str(event.row_key.value), "")))

    @on(DataTable.RowHighlighted, "#enrollments")
    def _enrollment_detail(self, event: DataTable.RowHighlighted) -> None:
        self._show_enrollment(str(event.row_key.value))

    def _show_enrollment(self, enrollment_id: str) -> None:
        e = next((x for x in self.data.get("enrollments", []) if x.id == enrollment_id), None)
        if e is None:
            return
        text = Text()
        text.append(f"{program_name(e.program)} — {e.status}\n", style="bold")
        if e.attestation:
            text.append(f"Attested by {e.attestation.get('staff')} on {e.attestation.get('date')}: verified "
                        f"{', '.join(e.attestation.get('verified', []))}\n")
        if e.snapshot:
            text.append(f"Eligibility snapshot of {e.snapshot.get('as_of')} (rules {e.snapshot.get('rules_version')})\n")
        for at, old, new, by, why in e.history:
            text.append(f"  {at:%Y-%m-%d} {old or '—'} → {new} by {by or '—'}: {why or ''}\n")
        self.query_one("#enrollment-detail", Static).update(text)

    @on(DataTable.RowHighlighted, "#plans")
    def _plan_detail(self, event: DataTable.RowHighlighted) -> None:
        plan_id, _, number = str(event.row_key.value).partition(":")
        plan = next((p for p in self.data.get("plans", []) if p.id == plan_id), None)
        if plan is None:
            return
        version = next(v for v in plan.versions if str(v.number) == number)
        text = Text()
        text.append(f"{plan.kind} version {version.number} by {version.created_by} on {version.created_at:%Y-%m-%d}\n", style="bold")
        for g in version.goals:
            text.append(f"  • {g.description} — {g.status}" + (f", by {g.target_date}" if g.target_date else "")
                        + (f" ({len(g.service_ids)} service(s))" if g.service_ids else "") + "\n")
        self.query_one("#plan-detail", Static).update(text)

    @on(DataTable.RowHighlighted, "#notes")
    def _note_detail(self, event: DataTable.RowHighlighted) -> None:
        n = next((x for x in self.data.get("notes", []) if x.id == str(event.row_key.value)), None)
        if n is None:
            return
        text = Text()
        text.append(f"{n.subject}\n", style="bold")
        text.append(n.body + "\n")
        if n.recontact_date:
            text.append(f"Recontact by {n.recontact_date}\n", style="italic")
        self.query_one("#note-detail", Static).update(text)

    def _selected(self, table_id: str) -> str | None:
        table = self.query_one(f"#{table_id}", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    # --- forms ---------------------------------------------------------------------------------

    def _form(self, title: str, questions: list[Question], submit: Any, *, answers: dict[str, Any] | None = None,
              save_label: str = "Save", done: str = "Saved.") -> None:
        from jobcenter_tui.screens.form import FormScreen

        def finished(result: Any) -> None:
            if result is not None:
                self.notify(done, markup=False)
                self.action_reload()

        self.app.push_screen(FormScreen(title, questions, submit, answers=answers, save_label=save_label), finished)

    @property
    def _services(self) -> Any:
        return self.app.services  # type: ignore[attr-defined]

    @property
    def _actor(self) -> Any:
        return self.app.actor  # type: ignore[attr-defined]

    def action_enroll(self) -> None:
        program = self._selected("programs")
        row = next((r for r in self.data.get("programs", []) if r.program == program), None)
        if row is None:
            return
        if not row.can_enroll:
            why = ("not eligible" if row.eligibility != "eligible" else
                   "already enrolled" if row.enrollment_status in ("pending", "open") else
                   "you do not hold the create privilege for this program")
            self.notify(f"{row.name}: cannot enroll ({why}).", severity="warning", markup=False)
            return
        from jobcenter_tui.screens.enroll import EnrollScreen

        assert self.detail is not None
        self.app.push_screen(EnrollScreen(self.detail, row.program), lambda done: self.action_reload() if done else None)

    def action_add(self) -> None:
        {"tab-services": self._add_service, "tab-enrollments": self._add_service, "tab-documents": self._attach_document,
         "tab-notes": self._add_note}.get(self.tab, lambda: None)()

    def _enrollment_choices(self, *, open_only: bool = False) -> tuple[tuple[str, str], ...]:
        return tuple((e.id, f"{program_name(e.program)} ({e.status})") for e in self.data.get("enrollments", [])
                     if not open_only or e.status != "closed")

    def _add_service(self) -> None:
        catalog = self._services.cases.catalog()
        preset = self._selected("enrollments") if self.tab == "tab-enrollments" else None
        questions = [
            _q("code", "Service", "choice", required=True, choices=tuple((c.code, f"{c.code} {c.name}") for c in catalog)),
            _q("enrollment_id", "Enrollment", "choice", choices=self._enrollment_choices()),
            _q("status", "Status", "choice", required=True, choices=tuple((s, s.replace("_", " ")) for s in ("completed", "scheduled", "in_progress"))),
            _q("start_date", "Start date", "date", required=True),
            _q("end_date", "End date", "date"),
            _q("provider", "Provider", "text"),
            _q("cost", "Cost", "money"),
            _q("gap_reason", "Reason for a planned gap", "text", show=lambda a, c: a.get("code") == "G01"),
            _q("notes", "Notes", "long_text", max_length=4000),
        ]
        services, actor, seeker = self._services, self._actor, self.seeker_id

        def submit(a: dict[str, Any]) -> Any:
            return services.cases.record_service(actor, seeker, a["code"], start_date=a["start_date"], status=a["status"],
                                                 end_date=a.get("end_date"), enrollment_id=a.get("enrollment_id"),
                                                 provider=a.get("provider"), notes=a.get("notes"), cost=a.get("cost"),
                                                 gap_reason=a.get("gap_reason"))

        self._form("Record a service", questions, submit,
                   answers={"status": "completed", "start_date": self._services.today(), "enrollment_id": preset},
                   done="Service recorded.")

    @on(DataTable.RowSelected, "#services")
    def _service_status(self, event: DataTable.RowSelected) -> None:
        svc = next((s for s in self.data.get("services", []) if s.id == str(event.row_key.value)), None)
        if svc is None or not SERVICE_MOVES.get(svc.status):
            self.notify("This service is final: it cannot change any more.", markup=False)
            return
        services, actor = self._services, self._actor
        questions = [_q("status", f"{svc.code} {svc.name}: now", "choice", required=True,
                        choices=tuple((s, s.replace("_", " ")) for s in SERVICE_MOVES[svc.status])),
                     _q("end_date", "End date (when completed)", "date")]

        def submit(a: dict[str, Any]) -> Any:
            return services.cases.set_service_status(actor, svc.id, a["status"], end_date=a.get("end_date"),
                                                     expected_version=svc.version)

        self._form("Change the service's status", questions, submit, done="Service updated.")

    def action_close_enrollment(self) -> None:
        enrollment_id = self._selected("enrollments")
        if enrollment_id is None:
            return
        services, actor = self._services, self._actor
        questions = [_q("reason", "Exit reason", "choice", required=True,
                        choices=tuple((k, EXIT_REASONS[k]) for k in STAFF_EXIT_REASONS)),
                     _q("note", "Note", "text", max_length=300)]
        self._form("Close the enrollment (a pending one without services closes as never participated)", questions,
                   lambda a: services.cases.close(actor, enrollment_id, a["reason"], note=a.get("note") or ""),
                   save_label="Close", done="Enrollment closed.")

    def action_reopen(self) -> None:
        enrollment_id = self._selected("enrollments")
        if enrollment_id is None:
            return
        if not self._actor.can("enrollment.reopen"):
            self.notify("Reopening needs the enrollment.reopen privilege.", severity="warning", markup=False)
            return
        services, actor = self._services, self._actor
        self._form("Reopen the enrollment", [_q("reason", "Why", "text", required=True)],
                   lambda a: services.cases.reopen(actor, enrollment_id, a["reason"]), save_label="Reopen",
                   done="Enrollment reopened.")

    def action_plan(self) -> None:
        if self.tab == "tab-plans":
            key = self._selected("plans")
            plan = next((p for p in self.data.get("plans", []) if key and p.id == key.split(":")[0]), None)
            enrollment_id = plan.enrollment_id if plan else None
        else:
            plan, enrollment_id = None, self._selected("enrollments")
        if enrollment_id is None:
            self.notify("Choose an enrollment first (Enrollments tab).", markup=False)
            return
        if plan is None:
            plan = next((p for p in self.data.get("plans", []) if p.enrollment_id == enrollment_id), None)
        current = plan.current if plan else None
        goals_text = "\n".join(f"{g.description} | {g.target_date or ''} | {g.status}" for g in current.goals) if current else ""
        questions = [
            _q("soc", "Employment goal (SOC)", "soc"),
            _q("title", "Employment goal (title)", "text"),
            _q("agreement_date", "Seeker agreed on", "date"),
            _q("goals", "Goals: one a line, 'goal | target date | status'", "long_text", required=True, max_length=4000),
        ]
        services, actor = self._services, self._actor

        def submit(a: dict[str, Any]) -> Any:
            goals = []
            for n, line in enumerate(l for l in a["goals"].splitlines() if l.strip()):
                parts = [p.strip() for p in line.split("|")]
                target = None
                if len(parts) > 1 and parts[1]:
                    from jobcenter_tui.domain.search_query import parse_date

                    target = parse_date(parts[1])
                    if target is None:
                        from jobcenter_tui.services.errors import InvalidInput

                        raise InvalidInput({"goals": f"line {n + 1}: {parts[1]!r} is not a date"})
                goals.append({"description": parts[0], "target_date": target,
                              "status": parts[2] if len(parts) > 2 and parts[2] else "open"})
            return services.cases.save_plan(actor, enrollment_id, employment_goal_soc=a.get("soc"),
                                            employment_goal_title=a.get("title"), goals=goals,
                                            agreement_date=a.get("agreement_date"))

        answers = {"soc": current.employment_goal_soc, "title": current.employment_goal_title,
                   "agreement_date": current.agreement_date, "goals": goals_text} if current else {}
        self._form("Plan (saving makes a new version)", questions, submit,
                   answers={k: v for k, v in answers.items() if v}, done="Plan saved as a new version.")

    def _attach_document(self) -> None:
        from jobcenter_tui.services.documents import DOCUMENT_TYPES

        services, actor, seeker = self._services, self._actor, self.seeker_id
        questions = [_q("path", "File (full path)", "text", required=True, max_length=1000),
                     _q("type", "Type", "choice", required=True, choices=tuple((t, t.replace("_", " ")) for t in DOCUMENT_TYPES)),
                     _q("criterion", "Criterion it verifies", "text"),
                     _q("note", "Note", "text")]
        self._form("Attach a document", questions,
                   lambda a: services.documents.attach(actor, seeker, a["path"], type=a["type"],
                                                       criterion=a.get("criterion"), note=a.get("note")),
                   save_label="Attach", done="Document attached.")

    def action_verify(self) -> None:
        document_id = self._selected("documents")
        if document_id:
            self._run(lambda s, a: s.documents.verify(a, document_id), "Document marked verified.")

    def action_export(self) -> None:
        document_id = self._selected("documents")
        if not document_id:
            return
        services, actor = self._services, self._actor
        self._form("Export a copy", [_q("folder", "To folder", "text", required=True, max_length=1000)],
                   lambda a: services.documents.export_copy(actor, document_id, a["folder"]), save_label="Export",
                   done="Copy written.")

    def _note_questions(self) -> list[Question]:
        from jobcenter_tui.services.notes import CONTACT_TYPES

        return [_q("subject", "Subject", "text", required=True),
                _q("contact_type", "Contact", "choice", required=True, choices=tuple((c, c.replace("_", " ")) for c in CONTACT_TYPES)),
                _q("contact_date", "Contact date", "date", required=True),
                _q("scope", "Visible to", "choice", required=True, choices=(("case", "everyone on the case"), ("program", "one program's staff"))),
                _q("program", "Program", "choice", choices=tuple((p.code.value, p.name) for p in PROGRAMS),
                   show=lambda a, c: a.get("scope") == "program"),
                _q("recontact_date", "Recontact by", "date"),
                _q("body", "Note", "long_text", required=True, max_length=20000)]

    def _add_note(self, corrects: Any = None) -> None:
        services, actor, seeker = self._services, self._actor, self.seeker_id

        def submit(a: dict[str, Any]) -> Any:
            return services.notes.add(actor, seeker, subject=a["subject"], body=a["body"], contact_type=a["contact_type"],
                                      contact_date=a["contact_date"], scope=a["scope"], program=a.get("program"),
                                      recontact_date=a.get("recontact_date"), corrects=corrects.id if corrects else None)

        answers: dict[str, Any] = {"contact_date": self._services.today(), "scope": "case", "contact_type": "in_person"}
        if corrects is not None:
            answers.update(subject=f"Correction: {corrects.subject}", body=corrects.body, scope=corrects.scope,
                           program=corrects.program, contact_type=corrects.contact_type)
        self._form("Correction note" if corrects else "Add a note", self._note_questions(), submit, answers=answers,
                   done="Note saved.")

    def _note(self) -> Any:
        note_id = self._selected("notes")
        return next((n for n in self.data.get("notes", []) if n.id == note_id), None)

    def action_correct(self) -> None:
        note = self._note()
        if note is not None:
            self._add_note(corrects=note)

    def action_edit_note(self) -> None:
        note = self._note()
        if note is None:
            return
        if not note.editable:
            self.notify("Notes can be changed only by their author within 24 hours; press c for a correction note.",
                        severity="warning", markup=False)
            return
        services, actor = self._services, self._actor
        self._form("Edit the note", [_q("subject", "Subject", "text", required=True),
                                     _q("body", "Note", "long_text", required=True, max_length=20000)],
                   lambda a: services.notes.edit(actor, note.id, subject=a["subject"], body=a["body"],
                                                 expected_version=note.version),
                   answers={"subject": note.subject, "body": note.body})

    def action_delete_note(self) -> None:
        note = self._note()
        if note is None:
            return
        if not self._actor.can("note.delete"):
            self.notify("Deleting a note needs the note.delete privilege.", severity="warning", markup=False)
            return
        services, actor = self._services, self._actor
        self._form(f"Delete the note '{note.subject}'?", [_q("reason", "Why", "text", required=True)],
                   lambda a: services.notes.delete(actor, note.id, a["reason"]) or True, save_label="Delete",
                   done="Note deleted.")

    # --- demographics and eligibility ----------------------------------------------------------

    def _selected_page(self) -> str:
        key = self._selected("demographics")
        return key.split(":", 1)[0] if key else PAGES[0].key

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
        try:
            detail = self._services.seekers.upgrade_to_staff_assisted(self._actor, self.seeker_id, expected_version=version)
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
        if not self._actor.can("seeker.view_ssn"):
            self.notify("Revealing an SSN needs the seeker.view_ssn privilege.", severity="warning", markup=False)
            return
        from jobcenter_tui.screens.reason import ReasonModal

        self.app.push_screen(ReasonModal("Why is the full SSN needed? (recorded in the audit log)"), self._reveal)

    def _reveal(self, reason: str | None) -> None:
        if reason:
            self._run(lambda s, a: f"SSN {s.seekers.reveal_ssn(a, self.seeker_id, reason)}", None, reload=False, timeout=10)

    def action_determine(self) -> None:
        self._run(lambda s, a: s.eligibility.determine(a, self.seeker_id), "Eligibility determination recorded.")

    @work(thread=True, group="case-action")
    def _run(self, call: Any, message: str | None, *, reload: bool = True, timeout: float = 3) -> None:
        try:
            result = call(self._services, self._actor)
            text = message or str(result)
            self.app.call_from_thread(self.notify, text, timeout=timeout, markup=False)
            if reload:
                self.app.call_from_thread(self.action_reload)
        except ServiceError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)


