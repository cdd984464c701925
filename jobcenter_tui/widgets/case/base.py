"""What every Case Details pane shares: its own data, loaded when first shown, and messages up.

A pane is one tab of Case Details (Program Registration, Enrollments, …). It owns its key
bindings, its loader and its view model: ``fetch`` runs in a worker through the one service
helper and returns a typed model; ``show`` puts it on screen. A pane never reaches into another:
after a change it posts :class:`CaseChanged` naming what changed, and the screen tells the panes
that depend on it to reload (now if shown, else when next shown). Dialogs and other screens are
asked for with messages too (widgets sit below screens and never import them).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar
from weakref import WeakKeyDictionary

from rich.text import Text
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable

from jobcenter_tui.domain.questions import Question
from jobcenter_tui.widgets.service_call import ServiceCaller

if TYPE_CHECKING:
    from jobcenter_tui.domain.permissions import Actor
    from jobcenter_tui.services import Services
    from jobcenter_tui.services.seekers import SeekerDetail

M = TypeVar("M")

# What can change in a case; each pane names the kinds it shows.
RECORD, DETERMINATION, ENROLLMENT, SERVICE, PLAN, DOCUMENT, NOTE, REVEAL, RESUME = (
    "record", "determination", "enrollment", "service", "plan", "document", "note", "reveal", "resume")


class CaseChanged(Message):
    """Something in this case changed; the screen reloads the panes (and header) that show it."""

    def __init__(self, *kinds: str) -> None:
        super().__init__()
        self.kinds = frozenset(kinds)


class FormRequest(Message):
    """Ask the screen for the case-action form; ``submit(services, actor, answers)`` saves it."""

    def __init__(self, title: str, questions: list[Question], submit: Callable[[Services, Actor, dict[str, Any]], Any],
                 answers: dict[str, Any] | None, save_label: str, on_saved: Callable[[Any], None]) -> None:
        super().__init__()
        self.title = title
        self.questions = questions
        self.submit = submit
        self.answers = answers
        self.save_label = save_label
        self.on_saved = on_saved


class ConfirmRequest(Message):
    def __init__(self, question: str, yes: str, on_yes: Callable[[], None]) -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.on_yes = on_yes


class DetailRequest(Message):
    """Show something read-only (a completed service) in a dialog."""

    def __init__(self, title: str, body: Text) -> None:
        super().__init__()
        self.title = title
        self.body = body


class EnrollRequest(Message):
    def __init__(self, program: str) -> None:
        super().__init__()
        self.program = program


class EditSectionRequest(Message):
    def __init__(self, page_key: str | None) -> None:
        super().__init__()
        self.page_key = page_key  # None: every staff-only question (after an upgrade)


class CasePane(ServiceCaller, Vertical, Generic[M]):
    """One tab of Case Details with its own model of type ``M``."""

    TITLE: ClassVar[str] = ""
    KEY: ClassVar[str] = ""
    DEPENDS_ON: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, seeker_id: str) -> None:
        super().__init__(id=f"pane-{self.KEY}", classes="case-pane")
        self.seeker_id = seeker_id
        self.model: M | None = None
        self.stale = True
        self.viewed = False  # its personal data has been shown once (and that was audited)

    # --- loading -------------------------------------------------------------------------------

    @abstractmethod
    def fetch(self, services: Services, actor: Actor) -> M:
        """Read this pane's data (in a worker): only what this pane shows."""

    @abstractmethod
    def show(self, model: M) -> None:
        """Put the model on screen (UI thread)."""

    def reload(self) -> None:
        """Fetch in a worker; the first time, the opening of the pane is audited in that worker, after
        the read and before anything is shown (a pane whose audit row cannot be written shows nothing)."""
        self.stale = False
        audit, fetch, seeker_id, pane = not self.viewed, self.fetch, self.seeker_id, self.KEY

        def load(services: Services, actor: Actor) -> M:
            model = fetch(services, actor)
            if audit:
                services.seekers.audit_view(actor, seeker_id, pane)
            return model

        self.call_service(load, done=self._loaded, group=f"pane-{self.KEY}", exclusive=True,
                          description=f"case pane {self.KEY}")

    def preloaded(self, model: M) -> None:
        """The screen loaded this pane's model with the case header (its opening audited in that same call)."""
        self.stale = False
        self._loaded(model)

    def _loaded(self, model: M) -> None:
        self.viewed = True
        self.model = model
        self.show(model)
        self.refresh_bindings()

    def shown(self) -> None:
        """The pane's tab came into view: load what it has not loaded (or what changed)."""
        if self.stale:
            self.reload()

    def case_changed(self, kinds: frozenset[str], visible: bool) -> None:
        if kinds & self.DEPENDS_ON:
            if visible:
                self.reload()
            else:
                self.stale = True

    def changed(self, *kinds: str) -> None:
        self.post_message(CaseChanged(*kinds))

    # --- what the screen lends its panes -------------------------------------------------------

    @property
    def detail(self) -> SeekerDetail | None:
        return getattr(self.screen, "detail", None)

    def focus_main(self) -> None:
        tables = self.query(DataTable)
        if tables:
            tables.first().focus()

    def selected(self, table_id: str) -> str | None:
        table = self.query_one(f"#{table_id}", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def form(self, title: str, questions: list[Question], submit: Callable[[Services, Actor, dict[str, Any]], Any], *,
             answers: dict[str, Any] | None = None, save_label: str = "Save",
             done: str | Callable[[Any], str] = "Saved.", changes: Iterable[str] = ()) -> None:
        """Open the case-action form; when saved, say ``done`` (or ``done(result)``) and announce ``changes``."""
        kinds = tuple(changes)

        def saved(result: Any) -> None:
            self.notify(done(result) if callable(done) else done, markup=False)
            if kinds:
                self.changed(*kinds)

        self.post_message(FormRequest(title, questions, submit, answers, save_label, saved))

    def confirm(self, question: str, yes: str, on_yes: Callable[[], None]) -> None:
        self.post_message(ConfirmRequest(question, yes, on_yes))


FIRST_ROWS = 60  # rows put in a table before its first frame (a screen holds ~35); the rest right after it


def plain_cells(cells: Iterable[Any]) -> tuple[Any, ...]:
    """Strings as plain text: DataTable parses a ``str`` cell as Rich markup, so a name or a note
    holding ``[`` would be mis-drawn or refused. User text is never markup."""
    return tuple(Text(c) if isinstance(c, str) else c for c in cells)


def fill_table(table: DataTable, rows: Iterable[tuple[str | None, tuple[Any, ...]]], *, first: int = FIRST_ROWS) -> None:
    """Refill a table, keeping the cursor on the row it was on (by key) when that row is still there.

    A long table gets its first ``first`` rows now and the rest just after the next frame: the part
    on screen is drawn without waiting for hundreds of rows to be added and measured. A refill before
    then drops the rest of the older one.
    """
    previous: str | None = None
    if table.row_count:
        try:
            previous = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:  # noqa: BLE001 - no cursor yet
            previous = None
    table.clear()
    rows = list(rows)
    fill = _fills[table] = object()  # this refill, unless a newer one replaces it

    def add(part: list[tuple[str | None, tuple[Any, ...]]]) -> None:
        if _fills.get(table) is not fill:
            return
        for key, cells in part:
            table.add_row(*plain_cells(cells), key=key)
        if previous is not None and previous in table.rows:
            table.move_cursor(row=table.get_row_index(previous), animate=False)

    add(rows[:first])
    if len(rows) > first:
        table.call_after_refresh(add, rows[first:])


_fills: WeakKeyDictionary[DataTable, object] = WeakKeyDictionary()


def human_size(size: int) -> str:
    """45 bytes, 1.2 KB, 3.4 MB: never "0 KB" for a small file."""
    if size < 1024:
        return f"{size} byte{'s' if size != 1 else ''}"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"
