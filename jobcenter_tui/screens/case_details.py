"""Case Details: the header, the tab bar and the routing; each tab is a pane (``widgets/case``).

On opening, the header and the first tab (Program Registration) come from one service call (one
unit of work: the record read and decrypted once; opening the record and the tab audited in it).
Every other pane is built but mounted only when its tab is first chosen (ten panes' widgets are
most of the cost of drawing the screen), and loads its own data then. The screen passes
``CaseChanged`` to the panes that depend on it, and opens the dialogs and screens the panes ask for. Actions on the whole record live here:
upgrade (``u``), reveal the SSN (``r``, re-masked after 30 s or when the tab or screen is left),
record a determination (``d``, asked first), refresh (``F5``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import AwaitMount
from textual.widgets import Footer, Header, TabbedContent, TabPane

from jobcenter_tui.services.eligibility import DeterminationView
from jobcenter_tui.services.program_registration import CaseOpening
from jobcenter_tui.services.seekers import SeekerDetail
from jobcenter_tui.widgets.case.base import (
    DETERMINATION,
    ENROLLMENT,
    RECORD,
    RESUME,
    REVEAL,
    CaseChanged,
    CasePane,
    ConfirmRequest,
    DetailRequest,
    EditSectionRequest,
    EnrollRequest,
    FormRequest,
)
from jobcenter_tui.widgets.case.demographics import DemographicsPane
from jobcenter_tui.widgets.case.documents import DocumentsPane
from jobcenter_tui.widgets.case.enrollments import EnrollmentsPane
from jobcenter_tui.widgets.case.header import CaseHeader
from jobcenter_tui.widgets.case.history import HistoryPane
from jobcenter_tui.widgets.case.job_search import JobSearchPane
from jobcenter_tui.widgets.case.notes import NotesPane
from jobcenter_tui.widgets.case.plans import PlansPane
from jobcenter_tui.widgets.case.program_registration import ProgramRegistrationPane
from jobcenter_tui.widgets.case.resumes import ResumesPane
from jobcenter_tui.widgets.case.service_records import ServiceRecordsPane
from jobcenter_tui.widgets.service_call import Failure, ServiceCaller

PANES: tuple[type[CasePane[Any]], ...] = (ProgramRegistrationPane, EnrollmentsPane, ServiceRecordsPane, PlansPane,
                                          DocumentsPane, NotesPane, DemographicsPane, HistoryPane, ResumesPane,
                                          JobSearchPane)
TAB_KEYS = "1234567890"  # the tab keys, in the order of PANES (a tenth pane gets 0)
REVEAL_SECONDS = 30


class CaseDetailsScreen(ServiceCaller, Screen[None]):
    BINDINGS = [
        Binding("escape", "close", "Back", id="case.close"),
        Binding("u", "upgrade", "Upgrade", id="case.upgrade"),
        Binding("r", "reveal", "Reveal SSN", id="case.reveal"),
        Binding("d", "determine", "Determine", id="case.determine"),
        Binding("f5", "reload", "Refresh", id="case.reload"),
        *(Binding(TAB_KEYS[n - 1], f"show_tab({n})", f"Tab {TAB_KEYS[n - 1]}: {pane.TITLE}", id=f"case.tab{n}",
                  show=False)
          for n, pane in enumerate(PANES, start=1)),
    ]

    def __init__(self, seeker_id: str) -> None:
        super().__init__()
        self.seeker_id = seeker_id
        self.detail: SeekerDetail | None = None
        self.determination: DeterminationView | None = None
        self.notices: list[str] = []  # what the state asks staff to see ("no published resume")
        self.revealed_ssn: str | None = None
        self._mask_timer: Timer | None = None
        self._opened = False
        # Every pane exists from the start (the palette lists their actions, CaseChanged marks them stale),
        # but only the first tab's is mounted with the screen; the others when their tab is first shown.
        self._panes: dict[str, CasePane[Any]] = {pane.KEY: pane(seeker_id) for pane in PANES}
        self._mounting: dict[str, AwaitMount] = {}

    # --- layout and routing --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield CaseHeader("Loading…", id="case-header")
        with TabbedContent(id="case-tabs"):
            for number, pane in enumerate(PANES):
                with TabPane(pane.TITLE, id=f"tab-{pane.KEY}"):
                    if number == 0:
                        yield self._panes[pane.KEY]
        yield Footer(compact=True)  # the keys of a pane and of the record fit 80 columns

    def on_mount(self) -> None:
        self._load_header()

    @property
    def panes(self) -> list[CasePane[Any]]:
        """Every pane, mounted or not yet shown."""
        return list(self._panes.values())

    @property
    def active_pane(self) -> CasePane[Any]:
        return self._panes[self.query_one(TabbedContent).active.removeprefix("tab-")]

    async def _mounted(self, pane: CasePane[Any]) -> CasePane[Any]:
        """The pane, mounted in its tab (the first time its tab is shown)."""
        mounting = self._mounting.get(pane.KEY)
        if mounting is None and pane.parent is None:
            mounting = self._mounting[pane.KEY] = self.query_one(f"#tab-{pane.KEY}", TabPane).mount(pane)
        if mounting is not None:
            await mounting  # a key and the tab's activation may both ask: neither goes on before it is mounted
        return pane

    async def action_show_tab(self, number: int) -> None:
        """Keys 1-9 and 0 show a tab and put the cursor in its table, so its keys work at once."""
        self.query_one(TabbedContent).active = f"tab-{PANES[number - 1].KEY}"
        (await self._mounted(self.active_pane)).focus_main()

    @on(TabbedContent.TabActivated)
    async def _tab_changed(self) -> None:
        self._mask()  # a revealed SSN does not follow the person to another tab
        pane = await self._mounted(self.active_pane)
        if pane is not self.active_pane:
            return  # another tab was chosen while this one mounted
        pane.shown()
        pane.focus_main()
        self.refresh_bindings()

    @on(CaseChanged)
    def _case_changed(self, message: CaseChanged) -> None:
        message.stop()
        active = self.active_pane
        for pane in self.panes:
            pane.case_changed(message.kinds, visible=pane is active)
        if message.kinds & {RECORD, DETERMINATION, ENROLLMENT, RESUME}:
            self._load_header()

    def on_screen_suspend(self) -> None:
        self._mask()

    # --- the header ----------------------------------------------------------------------------

    def _load_header(self) -> None:
        audit = not self._opened  # opening the record is audited once, not every refresh
        self._opened = True
        first = self._panes[PANES[0].KEY]
        if audit and first.stale and first is self.active_pane:
            self._open_case(first)
            return

        def load(s: Any, a: Any) -> tuple[SeekerDetail, DeterminationView | None, list[str]]:
            notices = [n for n in (s.resumes.header_notice(a, self.seeker_id),) if n]
            return s.seekers.get(a, self.seeker_id, audit=audit), s.eligibility.latest(a, self.seeker_id), notices

        self.call_service(load, done=self._header_loaded, failed=self._header_failed, group="case-header", exclusive=True)

    def _open_case(self, pane: CasePane[Any]) -> None:
        """The header and Program Registration from one call: one unit of work, the record read once, the
        opening of the record and of the tab audited in it, before anything is shown."""
        from jobcenter_tui.widgets.case.program_registration import ProgramsModel

        pane.stale = False
        seeker_id = self.seeker_id

        def opened(opening: CaseOpening) -> None:
            self._header_loaded((opening.detail, opening.determination, opening.notices))
            pane.preloaded(ProgramsModel(opening.rows, opening.determination))

        def failed(failure: Failure) -> bool:
            pane.stale = True
            return self._header_failed(failure)

        self.call_service(lambda s, a: s.program_registration.opening(a, seeker_id, panes=(pane.KEY,)), done=opened,
                          failed=failed, group="case-header", exclusive=True)

    def _header_loaded(self, loaded: tuple[SeekerDetail, DeterminationView | None, list[str]]) -> None:
        self.detail, self.determination, self.notices = loaded
        self._show_header()
        self.sub_title = self.detail.name  # this screen's title only: the others keep theirs
        self.refresh_bindings()

    def _header_failed(self, failure: Failure) -> bool:
        if self.detail is None:
            self.query_one(CaseHeader).update(failure.message)
        return False

    def _show_header(self) -> None:
        if self.detail is not None:
            self.query_one(CaseHeader).show(self.detail, self.determination, revealed_ssn=self.revealed_ssn,
                                            notices=self.notices)

    # --- what panes ask for ----------------------------------------------------------------------

    @on(FormRequest)
    def _form(self, request: FormRequest) -> None:
        from jobcenter_tui.screens.form import FormScreen

        request.stop()

        def finished(result: Any) -> None:
            if result is not None:
                request.on_saved(result)

        self.app.push_screen(FormScreen(request.title, request.questions, request.submit, answers=request.answers,
                                        save_label=request.save_label), finished)

    @on(ConfirmRequest)
    def _confirm(self, request: ConfirmRequest) -> None:
        request.stop()
        self._ask(request.question, request.yes, request.on_yes)

    def _ask(self, question: str, yes: str, on_yes: Callable[[], None]) -> None:
        from jobcenter_tui.screens.confirm import ConfirmModal

        self.app.push_screen(ConfirmModal(question, yes=yes, no="Cancel"), lambda ok: on_yes() if ok else None)

    @on(DetailRequest)
    def _detail(self, request: DetailRequest) -> None:
        from jobcenter_tui.screens.detail import DetailModal

        request.stop()
        self.app.push_screen(DetailModal(request.title, request.body))

    @on(EnrollRequest)
    def _enroll(self, request: EnrollRequest) -> None:
        from jobcenter_tui.screens.enroll import EnrollScreen

        request.stop()
        if self.detail is None:
            return

        def enrolled(done: bool | None) -> None:
            if done:
                self.post_message(CaseChanged(ENROLLMENT, RECORD, DETERMINATION))

        self.app.push_screen(EnrollScreen(self.detail, request.program), enrolled)

    @on(EditSectionRequest)
    def _edit_section(self, request: EditSectionRequest) -> None:
        request.stop()
        self._open_section(request.page_key)

    def _open_section(self, page_key: str | None) -> None:
        from jobcenter_tui.screens.section_edit import SectionEditScreen

        if self.detail is None:
            return

        def after(saved: bool | None) -> None:
            if saved:
                self.notify("Saved; eligibility re-run.", markup=False)
                self.post_message(CaseChanged(RECORD, DETERMINATION))

        self.app.push_screen(SectionEditScreen(self.detail, page_key), after)

    # --- actions on the whole record -------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys this staff member cannot use are not offered (the services refuse them anyway)."""
        if action == "upgrade":
            return self.actor.can("seeker.upgrade") and (self.detail is None or self.detail.account_type != "staff_assisted")
        if action == "reveal":
            return self.actor.can("seeker.view_ssn")
        if action == "determine":
            return self.actor.can("seeker.edit")
        return True

    def palette_entries(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        """Every action of the screen for the command palette, the panes out of view included."""
        for pane in self.panes:
            for binding in pane.BINDINGS:
                if not isinstance(binding, Binding) or not binding.description:
                    continue
                if pane.check_action(binding.action, ()) is False:
                    continue
                yield (f"{pane.TITLE}: {binding.description}", f"Key: {binding.key} on the {pane.TITLE} tab",
                       self._pane_command(pane, binding.action))

    def _pane_command(self, pane: CasePane[Any], action: str) -> Callable[[], object]:
        return lambda: self._run_on_pane(pane, action)

    async def _run_on_pane(self, pane: CasePane[Any], action: str) -> None:
        self.query_one(TabbedContent).active = f"tab-{pane.KEY}"
        (await self._mounted(pane)).focus_main()
        await pane.run_action(action)

    def action_reload(self) -> None:
        self._load_header()
        active = self.active_pane
        for pane in self.panes:
            if pane is active:
                pane.reload()
            else:
                pane.stale = True

    def action_upgrade(self) -> None:
        detail = self.detail
        if detail is None:
            return

        def upgrade() -> None:
            version = detail.version
            self.call_service(lambda s, a: s.seekers.upgrade_to_staff_assisted(a, self.seeker_id, expected_version=version),
                              done=self._upgraded, group="case-upgrade")

        self._ask(f"Make {detail.name}'s account staff-assisted? This cannot be undone; staff-only questions are "
                  "asked next.", "Upgrade", upgrade)

    def _upgraded(self, detail: SeekerDetail) -> None:
        self.detail = detail
        self.post_message(CaseChanged(RECORD))
        self._open_section(None)

    def action_reveal(self) -> None:
        from jobcenter_tui.screens.reason import ReasonModal

        if self.detail is None:
            return
        if not self.detail.record.get("ssn"):
            self.notify("No SSN is on file.", markup=False)
            return
        seeker_id = self.seeker_id
        self.app.push_screen(ReasonModal("Why is the full SSN needed? (recorded in the audit log)",
                                         required="Say why the full SSN is needed: the reason is recorded in the audit log.",
                                         submit=lambda s, a, reason: s.seekers.reveal_ssn(a, seeker_id, reason)),
                             self._revealed)

    def _revealed(self, ssn: str | None) -> None:
        """Shown in the header for 30 s, or until the tab or screen is left; History shows the reveal.

        The reason dialog stays open until the service accepts the reason, so a refusal is read there.
        """
        if not ssn:
            return
        self.revealed_ssn = ssn
        self._show_header()
        if self._mask_timer is not None:
            self._mask_timer.stop()
        self._mask_timer = self.set_timer(REVEAL_SECONDS, self._mask)
        self.post_message(CaseChanged(REVEAL))

    def _mask(self) -> None:
        if self.revealed_ssn is None:
            return
        self.revealed_ssn = None
        if self._mask_timer is not None:
            self._mask_timer.stop()
            self._mask_timer = None
        self._show_header()

    def action_determine(self) -> None:
        def determine() -> None:
            self.call_service(lambda s, a: s.eligibility.determine(a, self.seeker_id), done=self._determined,
                              group="case-determine")

        self._ask("Record an eligibility determination now, from the answers on file? It is kept with the record "
                  "and used for enrollments.", "Record", determine)

    def _determined(self, _: object) -> None:
        self.notify("Eligibility determination recorded.", markup=False)
        self.post_message(CaseChanged(DETERMINATION))

    def action_close(self) -> None:
        self._mask()
        self.dismiss(None)
