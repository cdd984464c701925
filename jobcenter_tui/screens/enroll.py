"""The enrollment wizard: program questions, the updated eligibility, then the attestation.

The program's own questions — and, for a program that needs information, the answers it is
missing — are asked first and saved into the record (eligibility re-runs with them); only an
eligible program reaches the attestation, where staff say what they verified and with which
documents. Saving makes a pending enrollment holding the eligibility snapshot.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Label, Static

from jobcenter_tui.domain.enrollment import VERIFIED_ITEMS
from jobcenter_tui.domain.programs import program_name
from jobcenter_tui.domain.questions import (
    QUESTIONS,
    SSN_ON_FILE,
    Context,
    Question,
    json_value,
    readable,
    record_to_answers,
)
from jobcenter_tui.services.enrollments import Attestation
from jobcenter_tui.services.program_registration import ProgramRow
from jobcenter_tui.services.seekers import SeekerDetail
from jobcenter_tui.widgets.case.labels import answers_needed
from jobcenter_tui.widgets.question_form import QuestionForm, widget_id
from jobcenter_tui.widgets.service_call import Failure, ServiceCaller

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



class EnrollScreen(ServiceCaller, Screen[bool]):
    BINDINGS = [
        Binding("f8", "next", "Next", id="enroll.next", priority=True),
        Binding("ctrl+s", "save", "Enroll", id="enroll.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="enroll.cancel"),
    ]

    def __init__(self, detail: SeekerDetail, program: str) -> None:
        super().__init__()
        self.detail = detail
        self.program = program
        self.answers = record_to_answers({k: v for k, v in detail.record.items() if k != "ssn"})
        if detail.record.get("ssn"):
            self.answers[SSN_ON_FILE] = True
        self.original = dict(self.answers)
        self.raw: dict[str, Any] = {}
        self.phase = "check"
        self.asked_program_questions = False
        self.program_answers: dict[str, Any] = {}
        self.documents: list[Any] = []

    @property
    def ctx(self) -> Context:
        return Context(self.services.today(), "staff")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Enroll {self.detail.name} in {program_name(self.program)}", id="enroll-title", markup=False)
        yield Vertical(id="enroll-body")
        with Horizontal(id="enroll-buttons"):
            yield Button("Next (F8)", id="enroll-next", variant="primary", compact=True)
            yield Button("Enroll (ctrl+s)", id="enroll-save", variant="success", compact=True)
            yield Label("", id="enroll-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._buttons(next_=False)
        self.query_one("#enroll-save").display = False
        self._check()

    def _buttons(self, *, next_: bool) -> None:
        self.query_one("#enroll-next").display = next_
        self.query_one("#enroll-save").display = not next_

    def _status(self, text: str) -> None:
        self.query_one("#enroll-status", Label).update(text)

    # --- eligibility now, then what is still needed --------------------------------------------

    def _check(self) -> None:
        self._status("Checking eligibility…")
        seeker_id, program = self.detail.id, self.program

        def check(s: Any, a: Any) -> tuple[ProgramRow, list[Any]]:
            rows = s.program_registration.rows(a, seeker_id)
            return next(r for r in rows if r.program == program), s.documents.documents(a, seeker_id)

        self.call_service(check, done=self._checked, failed=self._refused, group="enroll", exclusive=True)

    async def _checked(self, loaded: tuple[ProgramRow, list[Any]]) -> None:
        row, self.documents = loaded
        questions = self._questions(row)
        if questions:
            await self._ask(row, questions)
        else:
            await self._show_attestation(row)

    def _questions(self, row: ProgramRow) -> list[Question]:
        """The program's questions the first time; then only the answers eligibility still misses."""
        paths: list[str] = []
        if not self.asked_program_questions:
            paths += PROGRAM_QUESTIONS.get(self.program, ())
        if row.eligibility == "needs_information":
            paths += [p for p in row.missing if p in QUESTIONS and p not in paths]
        questions = [QUESTIONS[p] for p in paths]
        if not self.asked_program_questions:
            questions += list(ENROLLMENT_ONLY.get(self.program, ()))
        return questions

    async def _ask(self, row: ProgramRow, questions: list[Question]) -> None:
        self.phase = "questions"
        self.asked_program_questions = True
        body = self.query_one("#enroll-body")
        await body.remove_children()
        intro = "The program's questions: answers are saved to the record and eligibility is re-run."
        if row.eligibility == "needs_information":
            intro = f"Eligibility needs: {answers_needed(row.missing)}. Answers are saved to the record, then checked again."
        await body.mount(Label(intro, classes="muted", markup=False),
                         QuestionForm(questions, self.answers, self.raw, self.ctx, id="enroll-form"))
        self._buttons(next_=True)
        self._status("F8: save these answers and check eligibility")
        form = self.query_one("#enroll-form", QuestionForm)
        visible = form.visible_questions()
        if visible:
            self.query_one("#" + widget_id(visible[0].path)).focus()

    # --- step 1: the questions -----------------------------------------------------------------

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
        if not changes and not clear:
            self._check()
            return
        seeker_id, version, cleared = self.detail.id, self.detail.version, tuple(clear)
        self.call_service(lambda s, a: s.seekers.update(a, seeker_id, changes, clear=cleared, expected_version=version),
                          done=self._answers_saved, failed=self._refused, group="enroll", exclusive=True)

    def _answers_saved(self, detail: SeekerDetail) -> None:
        self.detail = detail
        self.original = dict(self.answers)
        self._check()

    def _refused(self, failure: Failure) -> bool:
        """Field errors at their questions; anything else on the status line. Nothing typed is lost."""
        forms = self.query("#enroll-form")
        if failure.field_errors and forms:
            forms.first(QuestionForm).show_errors(failure.field_errors)
            self._status("Fix the answers marked above")
        else:
            self._status(failure.message)
        return not failure.is_incident

    # --- step 2: the attestation ---------------------------------------------------------------

    async def _show_attestation(self, row: ProgramRow) -> None:
        body = self.query_one("#enroll-body")
        await body.remove_children()
        verdict = Text()
        verdict.append(f"{row.name}: {row.eligibility.replace('_', ' ')}\n", style="bold")
        for reason in row.reasons:
            verdict.append(f"  • {readable(reason)}\n")
        if row.missing:
            verdict.append(f"  • answers needed: {answers_needed(row.missing)}\n")
        if not row.can_enroll or row.eligibility != "eligible":
            verdict.append("\nThis enrollment cannot be made now (not eligible, already enrolled, or you may not enroll "
                           "in this program).", style="bold")
            await body.mount(Static(verdict))
            self._buttons(next_=False)
            self.query_one("#enroll-save").display = False
            self._status("")
            self.phase = "blocked"
            return
        self.phase = "attest"
        questions = [
            Question("verified", "I verified", "multi", required=True, choices=VERIFIED_ITEMS),
            Question("documents", "Documents relied on", "multi",
                     choices=tuple((d.id, f"{d.type.replace('_', ' ')}: {d.original_name}") for d in self.documents)),
            Question("note", "Attestation note", "text", max_length=500),
        ]
        await body.mount(Static(verdict), Label(f"Attestation by {self.actor.display_name} on {self.services.today()}",
                                                classes="section-title", markup=False),
                         QuestionForm(questions, {}, {}, self.ctx, id="attest-form"))
        self._buttons(next_=False)
        self._status("Space ticks what you verified; ctrl+s enrolls")
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
        seeker_id, program = self.detail.id, self.program
        self.call_service(lambda s, a: s.enrollments.enroll(a, seeker_id, program, attestation),
                          done=lambda _: self.dismiss(True), failed=self._refused, group="enroll", exclusive=True)

    @on(Button.Pressed, "#enroll-next")
    def _next_button(self) -> None:
        self.action_next()

    @on(Button.Pressed, "#enroll-save")
    def _save_button(self) -> None:
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(False)
