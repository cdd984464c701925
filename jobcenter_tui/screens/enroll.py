"""The enrollment wizard: program questions, the updated eligibility, then the attestation.

Program-specific answers are saved into the record first (eligibility re-runs with them); only
an eligible program reaches the attestation, where staff say what they verified and with which
documents. Saving makes a pending enrollment holding the eligibility snapshot.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Label, Static

from jobcenter_tui.domain.programs import program_name
from jobcenter_tui.domain.questions import QUESTIONS, SSN_ON_FILE, Context, Question, json_value, record_to_answers
from jobcenter_tui.services.cases import Attestation
from jobcenter_tui.services.errors import InvalidInput, ServiceError
from jobcenter_tui.services.seekers import SeekerDetail
from jobcenter_tui.widgets.question_form import QuestionForm

PROGRAM_QUESTIONS: dict[str, tuple[str, ...]] = {
    "WIOA_DW": ("employment.status", "employment.unlikely_to_return", "dislocation.reason", "dislocation.date",
                "dislocation.employer", "dislocation.ui_eligible_or_exhausted", "dislocation.attached_not_ui_eligible"),
    "WIOA_YOUTH": ("education.school_status", "education.highest_level", "education.absent_last_school_quarter",
                   "income.high_poverty_area", "barriers.homeless", "barriers.runaway", "barriers.foster_care",
                   "barriers.offender", "barriers.pregnant_or_parenting", "barriers.basic_skills_deficient",
                   "barriers.english_language_learner", "barriers.needs_additional_assistance"),
    "JVSG": ("veteran.disabled_veteran", "veteran.special_disabled_veteran", "veteran.transitioning_service_member",
             "veteran.separation_date", "barriers.homeless", "barriers.released_from_incarceration_within_12_months"),
    "TAA": ("taa.certified", "taa.petition_number", "taa.separation_date"),
}
ENROLLMENT_ONLY = {
    "JVSG": (Question("jvsg.referral_source", "Referred to JVSG by", "choice", choices=(
        ("self", "Self"), ("wagner_peyser", "Wagner-Peyser staff"), ("va", "Department of Veterans Affairs"),
        ("tap", "Transition Assistance Program"), ("community", "Community organization"), ("other", "Other"))),),
}
VERIFIED_ITEMS = (("identity", "Identity"), ("age", "Date of birth / age"), ("work_authorization", "Work authorization"),
                  ("selective_service", "Selective Service"), ("program_criteria", "The program's criteria"),
                  ("income", "Income"), ("veteran_status", "Veteran status (DD-214)"), ("dislocation", "Dislocation"))


class EnrollScreen(Screen[bool]):
    BINDINGS = [
        Binding("f8", "next", "Next", id="enroll.next", priority=True),
        Binding("ctrl+s", "save", "Enroll", id="enroll.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="enroll.cancel"),
    ]

    class Step(Message):
        def __init__(self, kind: str, payload: Any = None) -> None:
            super().__init__()
            self.kind = kind
            self.payload = payload

    def __init__(self, detail: SeekerDetail, program: str) -> None:
        super().__init__()
        self.detail = detail
        self.program = program
        self.answers = record_to_answers({k: v for k, v in detail.record.items() if k != "ssn"})
        if detail.record.get("ssn"):
            self.answers[SSN_ON_FILE] = True
        self.original = dict(self.answers)
        self.raw: dict[str, Any] = {}
        self.phase = "questions" if program in PROGRAM_QUESTIONS else "check"
        self.program_answers: dict[str, Any] = {}
        self.documents: list[Any] = []

    @property
    def ctx(self) -> Context:
        return Context(self.app.services.today(), "staff")  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Enroll {self.detail.name} in {program_name(self.program)}", id="enroll-title", markup=False)
        yield Vertical(id="enroll-body")
        with Horizontal(id="enroll-buttons"):
            yield Button("Next (F8)", id="enroll-next", variant="primary", compact=True)
            yield Button("Enroll (ctrl+s)", id="enroll-save", variant="success", compact=True)
            yield Label("", id="enroll-status", markup=False)
        yield Footer()

    async def on_mount(self) -> None:
        if self.phase == "questions":
            questions = [QUESTIONS[p] for p in PROGRAM_QUESTIONS[self.program]] + list(ENROLLMENT_ONLY.get(self.program, ()))
            await self.query_one("#enroll-body").mount(
                Label("The program's questions: answers are saved to the record and eligibility is re-run.", classes="muted"),
                QuestionForm(questions, self.answers, self.raw, self.ctx, id="enroll-form"))
            self._buttons(next_=True)
        else:
            self._check()

    def _buttons(self, *, next_: bool) -> None:
        self.query_one("#enroll-next").display = next_
        self.query_one("#enroll-save").display = not next_

    def _status(self, text: str) -> None:
        self.query_one("#enroll-status", Label).update(text)

    # --- step 1: the program's questions -------------------------------------------------------

    def action_next(self) -> None:
        if self.phase != "questions":
            return
        form = self.query_one("#enroll-form", QuestionForm)
        if form.check_all():
            self._status("Fix the answers marked above")
            return
        visible = {q.path for q in form.visible_questions()}
        changes, clear = {}, []
        for q in form.questions:
            if q.path.startswith("jvsg."):
                if self.answers.get(q.path) is not None:
                    self.program_answers[q.path.split(".", 1)[1]] = self.answers[q.path]
                continue
            value = self.answers.get(q.path)
            if q.path in visible and value not in (None, []):
                if value != self.original.get(q.path):
                    changes[q.path] = json_value(value)
            elif self.original.get(q.path) is not None:
                clear.append(q.path)
        self._status("Saving the answers and re-running eligibility…")
        self._save_answers(changes, tuple(clear))

    @work(thread=True, exclusive=True, group="enroll")
    def _save_answers(self, changes: dict[str, Any], clear: tuple[str, ...]) -> None:
        app = self.app
        try:
            if changes or clear:
                self.detail = app.services.seekers.update(app.actor, self.detail.id, changes, clear=clear,  # type: ignore[attr-defined]
                                                          expected_version=self.detail.version)
            self.post_message(self.Step("saved"))
        except InvalidInput as exc:
            self.post_message(self.Step("invalid", exc.errors))
        except ServiceError as exc:
            self.post_message(self.Step("error", str(exc)))

    # --- step 2: eligibility, then the attestation ---------------------------------------------

    @work(thread=True, exclusive=True, group="enroll")
    def _check(self) -> None:
        app = self.app
        rows = app.services.cases.program_registration(app.actor, self.detail.id)  # type: ignore[attr-defined]
        docs = app.services.documents.documents(app.actor, self.detail.id)  # type: ignore[attr-defined]
        self.post_message(self.Step("checked", (next(r for r in rows if r.program == self.program), docs)))

    async def on_enroll_screen_step(self, message: Step) -> None:
        if message.kind == "saved":
            self.phase = "check"
            self._check()
        elif message.kind == "invalid":
            self.query_one("#enroll-form", QuestionForm).show_errors(message.payload)
            self._status("Fix the answers marked above")
        elif message.kind == "error":
            self._status(message.payload)
        elif message.kind == "checked":
            row, self.documents = message.payload
            await self._show_attestation(row)
        elif message.kind == "enrolled":
            self.dismiss(True)

    async def _show_attestation(self, row: Any) -> None:
        body = self.query_one("#enroll-body")
        await body.remove_children()
        verdict = Text()
        verdict.append(f"{row.name}: {row.eligibility.replace('_', ' ')}\n", style="bold")
        for reason in row.reasons:
            verdict.append(f"  • {reason}\n")
        if row.missing:
            verdict.append("  • missing answers: " + ", ".join(row.missing) + "\n")
        if not row.can_enroll:
            verdict.append("\nThis enrollment cannot be made now (not eligible, already enrolled, or no create privilege).",
                           style="bold")
            await body.mount(Static(verdict))
            self._buttons(next_=False)
            self.query_one("#enroll-save").display = False
            self.phase = "blocked"
            return
        self.phase = "attest"
        questions = [
            Question("verified", "I verified", "multi", required=True, choices=VERIFIED_ITEMS),
            Question("documents", "Documents relied on", "multi",
                     choices=tuple((d.id, f"{d.type.replace('_', ' ')}: {d.original_name}") for d in self.documents)),
            Question("note", "Attestation note", "text", max_length=500),
        ]
        await body.mount(Static(verdict), Label(f"Attestation by {self.app.actor.display_name} "  # type: ignore[attr-defined]
                                                f"on {self.app.services.today()}", classes="section-title"),  # type: ignore[attr-defined]
                         QuestionForm(questions, {}, {}, self.ctx, id="attest-form"))
        self._buttons(next_=False)
        self._status("Space ticks what you verified; ctrl+s enrolls")
        from jobcenter_tui.widgets.question_form import widget_id

        self.query_one("#" + widget_id("verified")).focus()

    def action_save(self) -> None:
        if self.phase != "attest":
            return
        form = self.query_one("#attest-form", QuestionForm)
        if form.check_all():
            self._status("Say what was verified")
            return
        attestation = Attestation(verified=tuple(form.answers.get("verified", ())),
                                  document_ids=tuple(form.answers.get("documents", ())),
                                  note=form.answers.get("note") or "", program_answers=dict(self.program_answers))
        self._status("Enrolling…")
        self._enroll(attestation)

    @work(thread=True, exclusive=True, group="enroll")
    def _enroll(self, attestation: Attestation) -> None:
        app = self.app
        try:
            app.services.cases.enroll(app.actor, self.detail.id, self.program, attestation)  # type: ignore[attr-defined]
            self.post_message(self.Step("enrolled"))
        except ServiceError as exc:
            self.post_message(self.Step("error", str(exc)))

    @on(Button.Pressed, "#enroll-next")
    def _next_button(self) -> None:
        self.action_next()

    @on(Button.Pressed, "#enroll-save")
    def _save_button(self) -> None:
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(False)
