"""The registration wizard: one page at a time, questions by audience and earlier answers.

Staff-assisted registration asks every question; self-service (the kiosk) only the ``all`` ones.
Each answer is checked as it is left; Next is refused while a page has a bad answer; Back keeps
everything; Escape asks before discarding. The review page shows every answer and what the
eligibility rules make of them before Save. Probable duplicates are shown after the identity page
and again at Save (never in the kiosk, which must not show anyone else's record).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Label, Static

from jobcenter_tui.domain.programs import program_name
from jobcenter_tui.domain.questions import (
    MAX_AGE,
    MIN_AGE,
    PAGES,
    Answers,
    Context,
    Page,
    answers_to_record,
    label_for,
    labels_for,
    readable,
    visible_pages,
)
from jobcenter_tui.services.registration import (
    BirthDateLimits,
    DuplicateCandidate,
    DuplicatesFound,
)
from jobcenter_tui.widgets.question_form import QuestionForm
from jobcenter_tui.widgets.service_call import Failure, ServiceCaller

REVIEW = "review"


class RegistrationScreen(ServiceCaller, Screen[tuple[str, str] | None]):
    """Dismisses with ("created", id), ("open", existing id) or None when discarded."""

    BINDINGS = [
        Binding("f7", "back", "Back", id="wizard.back", priority=True),
        Binding("f8", "next", "Next", id="wizard.next", priority=True),
        Binding("ctrl+s", "save", "Save", id="wizard.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="wizard.cancel"),
    ]

    class Checked(Message):
        def __init__(self, kind: str, payload: Any) -> None:
            super().__init__()
            self.kind = kind
            self.payload = payload

    def __init__(self, *, audience: str = "staff") -> None:
        super().__init__()
        self.audience = audience
        self.answers: Answers = {}
        self.raw: dict[str, Any] = {}
        self.page_key = PAGES[0].key
        self.distinct_from: set[str] = set()
        self.errors_from_save: dict[str, str] = {}
        self._busy = False
        self.limits = BirthDateLimits(MIN_AGE, MAX_AGE)  # until the store's wp_min_age has been read
        self._why: dict[str, str] = {}  # program → its reasons and missing answers, in full

    @property
    def ctx(self) -> Context:
        return Context(self.services.today(), self.audience, self.limits.min_age, self.limits.max_age)

    @property
    def kiosk(self) -> bool:
        return self.audience == "all"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="wizard-title")
        # the first page is part of the screen from the start: keys typed right after F3 reach its first field
        yield Vertical(self._form(self._page(self.page_key)), id="wizard-body")
        with Horizontal(id="wizard-buttons"):
            yield Button("Back (F7)", id="wizard-back", compact=True)
            yield Button("Next (F8)", id="wizard-next", variant="primary", compact=True)
            yield Button("Save (ctrl+s)", id="wizard-save", variant="success", compact=True)
            yield Label("", id="wizard-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Self-service registration" if self.kiosk else "Register a job seeker"
        self._dress(self.page_key)
        self._load_limits()

    def _load_limits(self) -> None:
        self._call(lambda s, a: s.registration.birth_date_limits(), "limits", group="wizard-limits")

    def _call(self, call: Any, kind: str, *, group: str = "wizard") -> None:
        """A service call whose answer comes back as a ``Checked(kind)`` message; refusals go to ``_refused``."""
        self.call_service(call, done=lambda result: self.post_message(self.Checked(kind, result)),
                          failed=self._refused, group=group, exclusive=True)

    def _refused(self, failure: Failure) -> bool:
        """Duplicates and bad answers are steps of the wizard; anything else is said on the status line.

        Either way every answer typed stays, and Save (or Next) can be pressed again.
        """
        if isinstance(failure.refusal, DuplicatesFound):
            self.post_message(self.Checked("duplicates-at-save", failure.refusal.candidates))
            return True
        if failure.kind == "invalid":
            self.post_message(self.Checked("invalid", failure.field_errors))
            return True
        self._busy = False
        self._status(failure.message)
        return not failure.is_incident

    # --- pages ---------------------------------------------------------------------------------

    def pages(self) -> list[str]:
        return [p.key for p in visible_pages(self.answers, self.ctx)] + [REVIEW]

    def _page(self, key: str) -> Page:
        return next(p for p in PAGES if p.key == key)

    def _form(self, page: Page) -> QuestionForm:
        questions = [q for q in page.questions if not (self.audience == "all" and q.audience == "staff")]
        return QuestionForm(questions, self.answers, self.raw, self.ctx, id="wizard-form")

    async def show_page(self, key: str, *, focus: bool = True) -> None:
        self.page_key = key
        body = self.query_one("#wizard-body")
        await body.remove_children()
        if key == REVIEW:
            await body.mount(self._review())
            self._preview()
        else:
            form = self._form(self._page(key))
            await body.mount(form)
            if self.errors_from_save:
                form.show_errors(self.errors_from_save)
            if focus:
                form.focus_first()
        self._dress(key)

    def _dress(self, key: str) -> None:
        """The step line and the buttons of the page in view."""
        keys = self.pages()
        number = keys.index(key) + 1 if key in keys else 1
        title = "Review and save" if key == REVIEW else self._page(key).title
        who = "Self-service registration" if self.kiosk else "Staff-assisted registration"
        self.query_one("#wizard-title", Static).update(Text(f"{who} — step {number} of {len(keys)}: {title}"))
        self.query_one("#wizard-back", Button).disabled = number == 1
        self.query_one("#wizard-next", Button).display = key != REVIEW
        self.query_one("#wizard-save", Button).display = key == REVIEW
        self.query_one("#wizard-status", Label).update("")

    def _current_form(self) -> QuestionForm | None:
        found = self.query("#wizard-form")
        return found.first(QuestionForm) if found else None

    def _status(self, text: str) -> None:
        self.query_one("#wizard-status", Label).update(text)

    @staticmethod
    def _to_fix(count: int) -> str:
        return f"{count} answer{'s' if count > 1 else ''} to fix before going on"

    @on(QuestionForm.Changed, "#wizard-form")
    def _answer_changed(self, event: QuestionForm.Changed) -> None:
        """The "N answers to fix" line follows the answers as they are fixed."""
        if "to fix" not in str(self.query_one("#wizard-status", Label).render()):
            return
        count = event.form.shown_errors()
        self._status(self._to_fix(count) if count else "")

    def _keep_answers(self) -> None:
        """Store what is on the page without complaining (Back, Escape)."""
        form = self._current_form()
        if form is not None:
            for q in form.visible_questions():
                form.check(q, show=False)
            for path in [p for p, text in self.raw.items() if isinstance(text, str) and not text.strip()]:
                del self.raw[path]  # a required field left blank is not something typed

    async def action_back(self) -> None:
        keys = self.pages()
        if self.page_key not in keys or keys.index(self.page_key) == 0:
            return
        self._keep_answers()
        keys = self.pages()
        index = keys.index(self.page_key) if self.page_key in keys else len(keys) - 1
        await self.show_page(keys[max(0, index - 1)])

    @on(Button.Pressed, "#wizard-back")
    async def _back_button(self) -> None:
        await self.action_back()

    @on(Button.Pressed, "#wizard-next")
    async def _next_button(self) -> None:
        await self.action_next()

    @on(Button.Pressed, "#wizard-save")
    def _save_button(self) -> None:
        self.action_save()

    async def action_next(self) -> None:
        if self.page_key == REVIEW or self._busy:
            return
        form = self._current_form()
        if form is not None:
            errors = form.check_all()
            if errors:
                self._status(self._to_fix(len(errors)))
                return
        for path in list(self.errors_from_save):
            if path not in self.answers or form is not None and any(q.path == path for q in form.visible_questions()):
                self.errors_from_save.pop(path, None)
        if self.page_key == "identity" and not self.kiosk:
            self._busy = True
            self.query_one("#wizard-status", Label).update("Looking for probable matches…")
            self._check_duplicates(answers_to_record(self.answers, self.ctx, account_type="staff_assisted"))
            return
        await self._advance()

    async def _advance(self) -> None:
        keys = self.pages()
        index = keys.index(self.page_key) if self.page_key in keys else 0
        await self.show_page(keys[min(index + 1, len(keys) - 1)])

    # --- duplicates ----------------------------------------------------------------------------

    def _check_duplicates(self, record: dict[str, Any]) -> None:
        self._call(lambda s, a: s.registration.find_duplicates(a, record), "duplicates")

    def _ask_about(self, candidates: list[DuplicateCandidate], then_save: bool) -> None:
        """Open a probable match or say "different person"; an SSN on file offers only its record."""
        from jobcenter_tui.screens.duplicates import DuplicatesModal

        owner = next((c for c in candidates if c.same_ssn), None)
        if owner is not None:
            candidates = [owner]  # one SSN, one person: whoever else looks alike does not matter now

        async def decided(choice: tuple[str, str] | None) -> None:
            if choice is None and owner is not None:
                if self.page_key != "identity":
                    await self.show_page("identity", focus=False)
                form = self._current_form()
                if form is not None:
                    form.go_to("ssn")
                self._status("Correct the SSN, or open that record.")
                return
            if choice is None:
                self._status("Check the answers, or open the existing record.")
                return
            if choice[0] == "open":
                self.dismiss(("open", choice[1]))
                return
            self.distinct_from |= {c.id for c in candidates}
            if then_save:
                self.action_save()
            else:
                await self._advance()

        self.app.push_screen(DuplicatesModal(candidates, ssn_owner=owner), decided)

    # --- review and save -----------------------------------------------------------------------

    def _review(self) -> VerticalScroll:
        """The eligibility preview first, then every answer given, page by page."""
        ctx = self.ctx
        lines = Text()
        for page in visible_pages(self.answers, ctx):
            questions = page.visible_questions(self.answers, ctx)
            answered = [q for q in questions if self.answers.get(q.path) not in (None, [])]
            lines.append(page.title, style="bold")
            skipped = len(questions) - len(answered)
            lines.append(f"  ({skipped} not answered)\n" if skipped else "\n", style="dim")
            for q in answered:
                lines.append(f"  {q.label}: ", style="dim")
                lines.append(q.display(self.answers.get(q.path)) + "\n")
        return VerticalScroll(Label("Eligibility preview", classes="section-title"),
                              DataTable(id="review-eligibility", cursor_type="row"),
                              Label("", id="review-why", markup=False),
                              Label("Answers", classes="section-title"), Static(lines, id="review-answers"), id="review")

    def _preview(self) -> None:
        self._run_preview(answers_to_record(self.answers, self.ctx, account_type=self._account_type()))

    def _account_type(self) -> str:
        return "self_service" if self.kiosk else "staff_assisted"

    def _run_preview(self, record: dict[str, Any]) -> None:
        def refused(failure: Failure) -> bool:
            if failure.kind == "invalid":
                self.post_message(self.Checked("preview-invalid", failure.field_errors))
                return True
            return False

        self.call_service(lambda s, a: s.eligibility.preview(record),
                          done=lambda result: self.post_message(self.Checked("preview", result)),
                          failed=refused, group="preview", exclusive=True)

    def action_save(self) -> None:
        if self.page_key != REVIEW or self._busy:
            return
        self._busy = True
        self.query_one("#wizard-status", Label).update("Saving…")
        self._save(answers_to_record(self.answers, self.ctx, account_type=self._account_type()), tuple(self.distinct_from))

    def _save(self, record: dict[str, Any], distinct: tuple[str, ...]) -> None:
        source = "kiosk" if self.kiosk else "wizard"
        self._call(lambda s, a: s.registration.register(a, record, distinct_from=distinct, source=source), "saved")

    async def on_registration_screen_checked(self, message: Checked) -> None:
        if message.kind == "limits":
            self.limits = message.payload
            form = self._current_form()
            if form is not None:
                form.ctx = self.ctx
            return
        self._busy = False
        status = self.query_one("#wizard-status", Label)
        if message.kind == "duplicates":
            status.update("")
            candidates = [c for c in message.payload if c.id not in self.distinct_from]
            if candidates:
                self._ask_about(candidates, then_save=False)
            else:
                await self._advance()
        elif message.kind == "duplicates-at-save":
            status.update("")
            self._ask_about(message.payload, then_save=True)
        elif message.kind == "preview" and self.page_key == REVIEW:
            table = self.query_one("#review-eligibility", DataTable)
            table.clear(columns=True)
            table.add_columns("Program", "Status", "Why")
            self._why = {}
            for p in message.payload.programs:
                why = "; ".join(readable(r) for r in p.reasons)
                if p.missing:  # labels, never field paths
                    why += ("; " if why else "") + "missing: " + labels_for(p.missing)
                self._why[p.program] = f"{program_name(p.program)}: {why}" if why else ""
                table.add_row(Text(program_name(p.program)), p.status.replace("_", " "), Text(why), key=p.program)
        elif message.kind == "preview-invalid" and self.page_key == REVIEW:
            await self._back_to_errors(message.payload)
        elif message.kind == "invalid":
            await self._back_to_errors(message.payload)
        elif message.kind == "saved":
            self.dismiss(("created", message.payload.id))

    @on(DataTable.RowHighlighted, "#review-eligibility")
    def _explain(self, event: DataTable.RowHighlighted) -> None:
        """The whole of "Why" for the program under the cursor: at 80 columns the cell is cut."""
        self.query_one("#review-why", Label).update(self._why.get(str(event.row_key.value), ""))

    async def _back_to_errors(self, errors: dict[str, str]) -> None:
        """Take the person to the first page with a bad answer and to that answer, its message in view."""
        self.errors_from_save = dict(errors)
        for page in visible_pages(self.answers, self.ctx):
            bad = [q.path for q in page.visible_questions(self.answers, self.ctx) if q.path in errors]
            if bad:
                await self.show_page(page.key, focus=False)
                form = self._current_form()
                if form is not None:
                    form.go_to(bad[0])
                self._status("Fix the answers marked below")
                return
        self._status("; ".join(f"{label_for(k)}: {v}" for k, v in errors.items()))

    def action_cancel(self) -> None:
        """Escape: an untouched wizard just closes; anything typed is only dropped when confirmed."""
        self._keep_answers()
        if not self.answers and not any(str(v).strip() for v in self.raw.values()):
            self.dismiss(None)
            return
        from jobcenter_tui.screens.confirm import ConfirmModal

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmModal("Discard this registration? The answers given so far will be lost.",
                                          yes="Discard", no="Keep working"), answered)
