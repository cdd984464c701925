"""The home screen after sign-in: who is signed in, what they may do, the state of the store."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label

from jobcenter_tui.domain.permissions import ProgramLevel
from jobcenter_tui.domain.programs import PROGRAMS
from jobcenter_tui.widgets.service_call import ServiceCaller


class MainScreen(ServiceCaller, Screen[None]):
    BINDINGS = [
        Binding("f5", "refresh", "Refresh", id="main.refresh"),
        Binding("x", "distinct", "Different people", id="main.distinct", show=False),
    ]

    class Counts(Message):
        def __init__(self, seekers: int, recontacts: list[Any], duplicates: list[Any]) -> None:
            super().__init__()
            self.seekers = seekers
            self.recontacts = recontacts
            self.duplicates = duplicates

    duplicates: dict[str, Any] = {}
    _arrived = True  # the next counts put the focus on the first list with something in it

    def compose(self) -> ComposeResult:
        actor = self.actor
        yield Header()
        with Vertical(id="main-body"):
            with Horizontal(id="who", classes="panel"):
                with Vertical(classes="who-col"):
                    yield Label(actor.display_name, id="who-name", markup=False)
                    yield Label(f"User {actor.username} · office {actor.office or '—'}", id="who-office", markup=False)
                with Vertical(classes="who-col"):
                    yield Label(f"Roles {', '.join(sorted(actor.roles)) or '—'}", id="who-roles", markup=False)
                    yield Label("Job seekers …", id="store-seekers", markup=False)
            with Vertical(id="recontacts-panel", classes="panel"):
                yield DataTable(id="recontacts", cursor_type="row", zebra_stripes=True)
            with Vertical(id="duplicates-panel", classes="panel"):
                yield DataTable(id="duplicates", cursor_type="row", zebra_stripes=True)
            with Vertical(id="access", classes="panel"):
                yield DataTable(id="program-access", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        actor = self.actor
        self.query_one("#who").border_title = "Signed in"
        self.query_one("#access").border_title = "Program access (enrollments)"
        self.query_one("#recontacts-panel").border_title = "Recontacts due (your notes)"
        self.query_one("#recontacts", DataTable).add_columns("Due", "Job seeker", "Subject")
        self.query_one("#duplicates-panel").border_title = "Possible duplicates from the kiosk (Enter: open, x: different people)"
        self.query_one("#duplicates", DataTable).add_columns("New record", "Looks like", "Why")
        table = self.query_one("#program-access", DataTable)
        table.add_columns("Program", "View", "Edit", "Enroll")
        for program in PROGRAMS:
            levels = actor.program_levels.get(program.code.value, frozenset())
            marks = [("yes" if lv.value in levels else "—") for lv in (ProgramLevel.VIEW, ProgramLevel.EDIT, ProgramLevel.CREATE)]
            table.add_row(Text(program.name), *marks, key=program.code.value)

    def on_screen_resume(self) -> None:
        """Back on the home screen (after a registration, a record, a sign-in): counts read again.

        Not while signing out (F10 from a deeper screen passes through here on its way to sign-in).
        """
        if self.app.actor is None:  # type: ignore[attr-defined]
            return
        self._arrived = True
        self.action_refresh()

    def action_refresh(self) -> None:
        self._load_counts()

    def _load_counts(self) -> None:
        def load(services: Any, actor: Any) -> MainScreen.Counts:
            count = services.seekers.count(actor) if actor.can("seeker.view") else -1
            recontacts = services.notes.recontacts_due(actor)
            duplicates = services.duplicates.open(actor) if actor.can("seeker.edit") else []
            return self.Counts(count, recontacts, duplicates)

        self.call_service(load, done=self.on_main_screen_counts, group="main-counts", exclusive=True)

    def on_main_screen_counts(self, message: Counts) -> None:
        label = self.query_one("#store-seekers", Label)
        label.update("Job seekers: not visible to you" if message.seekers < 0 else f"Job seekers {message.seekers:,}")
        table = self.query_one("#recontacts", DataTable)
        table.clear()
        for r in message.recontacts:
            table.add_row(r.recontact_date.isoformat(), Text(r.name), Text(r.subject), key=r.seeker_id)
        self.query_one("#recontacts-panel").display = bool(message.recontacts)
        dups = self.query_one("#duplicates", DataTable)
        dups.clear()
        for d in message.duplicates:
            dups.add_row(Text(d.seeker_name), Text(d.other_name), Text(", ".join(d.reasons)), key=d.id)
        self.duplicates = {d.id: d for d in message.duplicates}
        self.query_one("#duplicates-panel").display = bool(message.duplicates)
        lists = [t for t in (table, dups) if t.row_count]
        if self._arrived and lists and self.focused not in lists:
            lists[0].focus()  # Enter opens the first row at once, no Tab first
        self._arrived = False

    @on(DataTable.RowSelected, "#duplicates")
    def _open_duplicate(self, event: DataTable.RowSelected) -> None:
        self.app.open_case(self.duplicates[str(event.row_key.value)].seeker_id)  # type: ignore[attr-defined]

    def action_distinct(self) -> None:
        table = self.query_one("#duplicates", DataTable)
        if not table.has_focus or not table.row_count:
            return
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

        def recorded(_: object) -> None:
            self.notify("Recorded: different people.", markup=False)
            self.action_refresh()

        # refused (e.g. someone else resolved it first) or not: the list is read again either way
        self.call_service(lambda s, a: s.duplicates.mark_distinct(a, key), done=recorded,
                          failed=lambda _: self.action_refresh(), group="main-distinct")

    @on(DataTable.RowSelected, "#recontacts")
    def _open_recontact(self, event: DataTable.RowSelected) -> None:
        self.app.open_case(str(event.row_key.value))  # type: ignore[attr-defined]
