"""Find a job seeker (F2 from anywhere): one box that understands what is typed.

Results come from a worker a moment after typing stops, so typing never waits on the store; a
result that arrives for text no longer in the box is dropped. Enter opens the highlighted record.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Label

from jobcenter_tui.services.search import SearchPage
from jobcenter_tui.widgets.service_call import Failure, ServiceCaller

DEBOUNCE_SECONDS = 0.25
# fixed widths, so that a long name never pushes Account and Active off an 80-column screen and a
# date is never cut; the name and the city share what is left (cell padding 2 each, scrollbar 2)
FIXED_COLUMNS = (("Born", 10), ("SSN", 11), ("Account", 7), ("Active", 10))
MIN_NAME, MIN_CITY = 18, 10


class SearchScreen(ServiceCaller, Screen[None]):
    AUTO_FOCUS = "#search-box"
    BINDINGS = [
        Binding("escape", "close", "Close", id="search.close"),
        Binding("f8", "more", "More results", id="search.more"),
        Binding("down", "to_results", "Results", id="search.results", show=False),
    ]

    class Results(Message):
        def __init__(self, text: str, page: SearchPage) -> None:
            super().__init__()
            self.text = text
            self.page = page

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None
        self._last: SearchPage | None = None
        self._last_text = ""
        self._focus_after = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(id="search-box", placeholder="Name, date of birth, SSN or last 4, phone, email, record id")
        yield Label("Type a name, date of birth, SSN or its last 4 digits, phone, email or record id.",
                    id="search-message", markup=False)
        yield DataTable(id="results", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Find a job seeker"
        name, city = self._name_and_city_widths(self.app.size.width)
        table = self.query_one("#results", DataTable)
        widths = dict(FIXED_COLUMNS, Name=name, City=city)
        for label in ("Name", "Born", "SSN", "City", "Account", "Active"):
            table.add_column(label, width=widths[label], key=label.lower())

    @staticmethod
    def _name_and_city_widths(screen_width: int) -> tuple[int, int]:
        spare = screen_width - 2 - 2 * 6 - sum(w for _, w in FIXED_COLUMNS)
        city = max(MIN_CITY, spare // 3)
        return max(MIN_NAME, spare - city), city

    def on_screen_resume(self) -> None:
        """Back from a record: the search box takes the next keys (its text selected, to search again)."""
        self.query_one("#search-box", Input).focus()

    @on(Input.Changed, "#search-box")
    def _typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE_SECONDS, lambda: self._search(event.value, 0))

    @on(Input.Submitted, "#search-box")
    def _submitted(self, event: Input.Submitted) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self._last is not None and self._last.rows and self._last_text == event.value:
            self.action_to_results()
            return
        self._search(event.value, 0, focus_results=True)

    def _search(self, text: str, page: int, *, focus_results: bool = False) -> None:
        self._focus_after = focus_results
        self.query_one("#search-message", Label).update("Searching…")
        self._run(text, page)

    def _run(self, text: str, page: int) -> None:
        self.call_service(lambda s, a: s.search.search(a, text, page=page),
                          done=lambda result: self.post_message(self.Results(text, result)),
                          failed=self._refused, group="search", exclusive=True)

    def _refused(self, failure: Failure) -> bool:
        self.query_one("#search-message", Label).update(failure.message)
        return not failure.is_incident

    def on_search_screen_results(self, message: Results) -> None:
        if message.text != self.query_one("#search-box", Input).value:
            return  # the box changed since: a newer search is on its way
        table = self.query_one("#results", DataTable)
        if message.page.page == 0:
            table.clear()
        for row in message.page.rows:
            if row.id in table.rows:
                continue
            table.add_row(_cut(row.name), row.date_of_birth.isoformat(), row.ssn_masked, _cut(row.city),
                          row.account_type, row.last_activity.strftime("%Y-%m-%d"), key=row.id)
        self._last = message.page
        self._last_text = message.text
        more = " — F8: more" if message.page.has_more else ""
        self.query_one("#search-message", Label).update(message.page.message + more)
        if self._focus_after and table.row_count:
            table.focus()

    def action_to_results(self) -> None:
        table = self.query_one("#results", DataTable)
        if table.row_count:
            table.focus()

    def action_more(self) -> None:
        if self._last is not None and self._last.has_more:
            self._search(self._last_text, self._last.page + 1)

    @on(DataTable.RowSelected, "#results")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.open_case(str(event.row_key.value))  # type: ignore[attr-defined]

    def action_close(self) -> None:
        self.dismiss(None)


def _cut(text: str) -> Text:
    """User text in a fixed-width cell: cut with an ellipsis, never wrapped, never markup."""
    return Text(text, no_wrap=True, overflow="ellipsis")
