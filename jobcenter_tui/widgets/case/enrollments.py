"""Enrollments: every period with its attestation, documents, snapshot and status history.

The first participation service opens a pending enrollment; ``c`` closes one with the exit reason
chosen; ``o`` reopens (``enrollment.reopen``); ``a`` records a service on it; ``p`` edits its plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from jobcenter_tui.domain.enrollment import EXIT_REASONS, STAFF_EXIT_REASONS
from jobcenter_tui.domain.programs import program_name
from jobcenter_tui.domain.questions import Question
from jobcenter_tui.widgets.case.base import ENROLLMENT, PLAN, SERVICE, CasePane, fill_table
from jobcenter_tui.widgets.case.labels import exit_reason, verified_items
from jobcenter_tui.widgets.case.plans import open_plan_form
from jobcenter_tui.widgets.case.service_records import open_service_form

if TYPE_CHECKING:
    from jobcenter_tui.domain.permissions import Actor
    from jobcenter_tui.services import Services
    from jobcenter_tui.services.enrollments import EnrollmentView


@dataclass(frozen=True)
class EnrollmentsModel:
    enrollments: list[EnrollmentView]
    document_names: dict[str, str]  # id -> "type: file name", for the attestation's documents


class EnrollmentsPane(CasePane[EnrollmentsModel]):
    TITLE = "Enrollments"
    KEY = "enrollments"
    DEPENDS_ON = frozenset({ENROLLMENT, SERVICE, PLAN})
    BINDINGS = [
        Binding("c", "close_enrollment", "Close", id="case.close_enrollment"),
        Binding("o", "reopen", "Reopen", id="case.reopen"),
        Binding("a", "add_service", "Add service", id="case.enrollment_service"),
        Binding("p", "plan", "Plan", id="case.enrollment_plan"),
    ]

    def compose(self) -> ComposeResult:
        yield DataTable(id="enrollments", cursor_type="row", zebra_stripes=True)
        yield Static("", id="enrollment-detail")

    def on_mount(self) -> None:
        self.query_one("#enrollments", DataTable).add_columns("Program", "Status", "Participation", "Exit", "Exit clock")

    def fetch(self, services: Services, actor: Actor) -> EnrollmentsModel:
        enrollments = services.enrollments.for_seeker(actor, self.seeker_id)
        wanted = {d for e in enrollments for d in (e.attestation or {}).get("documents", [])}
        names = ({d.id: f"{d.type.replace('_', ' ')}: {d.original_name}"
                  for d in services.documents.documents(actor, self.seeker_id) if d.id in wanted} if wanted else {})
        return EnrollmentsModel(enrollments, names)

    def show(self, model: EnrollmentsModel) -> None:
        fill_table(self.query_one("#enrollments", DataTable), [
            (e.id, (program_name(e.program), e.status + (f" ({e.youth_category})" if e.youth_category else ""),
                    str(e.participation_date or "—"),
                    f"{e.exit_date} {EXIT_REASONS.get(e.exit_reason or '', '')}".strip() if e.exit_date else "—",
                    Text(e.clock))) for e in model.enrollments])
        self._show_detail(self.selected("enrollments"))

    def _enrollment(self, enrollment_id: str | None) -> EnrollmentView | None:
        return next((e for e in self.model.enrollments if e.id == enrollment_id), None) if self.model else None

    @on(DataTable.RowHighlighted, "#enrollments")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(str(event.row_key.value))

    def _show_detail(self, enrollment_id: str | None) -> None:
        e = self._enrollment(enrollment_id)
        text = Text()
        if e is not None and self.model is not None:
            text.append(f"{program_name(e.program)} — {e.status}\n", style="bold")
            if e.exit_date:
                text.append(f"Exit {e.exit_date}: {exit_reason(e.exit_reason)}")
                if e.exit_reason_given and e.exit_reason_given != e.exit_reason:  # never participated, and why staff closed it
                    text.append(f" (no service received); reason given: {exit_reason(e.exit_reason_given)}")
                text.append("\n")
            a = e.attestation or {}
            if a:
                text.append(f"Attested by {a.get('staff')} on {a.get('date')}: verified {verified_items(a.get('verified', []))}\n")
                docs = [self.model.document_names.get(d, "a document no longer on file") for d in a.get("documents", [])]
                text.append("Documents relied on: " + ("; ".join(docs) if docs else "none") + "\n")
                if a.get("note"):
                    text.append(f"Attestation note: {a['note']}\n")
            if e.snapshot:
                text.append(f"Eligibility snapshot of {e.snapshot.get('as_of')} (rules {e.snapshot.get('rules_version')})\n")
            for at, old, new, by, why in e.history:
                text.append(f"  {at:%Y-%m-%d} {old or '—'} → {new} by {by or '—'}: {why or ''}\n")
        self.query_one("#enrollment-detail", Static).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reopen":
            return self.actor.can("enrollment.reopen")
        return True

    def action_close_enrollment(self) -> None:
        e = self._enrollment(self.selected("enrollments"))
        if e is None:
            return
        if e.status == "closed":
            self.notify("This enrollment is already closed.", markup=False)
            return
        questions = [Question("reason", "Exit reason", "choice", required=True,
                              choices=tuple((k, EXIT_REASONS[k]) for k in STAFF_EXIT_REASONS)),
                     Question("note", "Note", "text", max_length=300)]
        enrollment_id = e.id

        def submit(s: Services, a: Actor, answers: dict[str, Any]) -> Any:
            return s.enrollments.close(a, enrollment_id, answers["reason"], note=answers.get("note") or "")

        self.form(f"Close the {program_name(e.program)} enrollment", questions, submit, save_label="Close",
                  done="Enrollment closed.", changes=(ENROLLMENT,))

    def action_reopen(self) -> None:
        e = self._enrollment(self.selected("enrollments"))
        if e is None:
            return
        enrollment_id = e.id
        self.form(f"Reopen the {program_name(e.program)} enrollment",
                  [Question("reason", "Why it is reopened", "text", required=True)],
                  lambda s, a, answers: s.enrollments.reopen(a, enrollment_id, answers["reason"]),
                  save_label="Reopen", done="Enrollment reopened.", changes=(ENROLLMENT,))

    def action_add_service(self) -> None:
        open_service_form(self, preset=self.selected("enrollments"))

    def action_plan(self) -> None:
        e = self._enrollment(self.selected("enrollments"))
        if e is None:
            self.notify("No enrollment to plan for yet.", markup=False)
            return
        enrollment_id = e.id
        self.call_service(lambda s, a: s.plans.for_seeker(a, self.seeker_id),
                          done=lambda plans: open_plan_form(self, enrollment_id, plans), group="plan-form")
