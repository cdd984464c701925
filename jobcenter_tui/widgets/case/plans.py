"""Plans: the IEP (Adult, DW) or ISS (Youth) of an enrollment; each save is a new version."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from jobcenter_tui.domain.plans import goal_errors_message, parse_goal_lines
from jobcenter_tui.domain.programs import program_name
from jobcenter_tui.domain.questions import Question
from jobcenter_tui.services.errors import InvalidInput
from jobcenter_tui.widgets.case.base import ENROLLMENT, PLAN, CasePane, fill_table
from jobcenter_tui.widgets.case.labels import words

if TYPE_CHECKING:
    from jobcenter_tui.domain.permissions import Actor
    from jobcenter_tui.services import Services
    from jobcenter_tui.services.plans import PlanView


def open_plan_form(pane: CasePane[Any], enrollment_id: str, plans: list[PlanView]) -> None:
    """Edit the plan of ``enrollment_id`` (its current version pre-filled); saving adds a version."""
    plan = next((p for p in plans if p.enrollment_id == enrollment_id), None)
    current = plan.current if plan else None
    goals_text = "\n".join(f"{g.description} | {g.target_date or ''} | {words(g.status)}" for g in current.goals) if current else ""
    questions = [
        Question("soc", "Employment goal (SOC)", "soc"),
        Question("title", "Employment goal (title)", "text"),
        Question("agreement_date", "Seeker agreed on", "date"),
        Question("goals", "Goals: one a line, 'goal | target date | status'", "long_text", required=True, max_length=4000),
    ]

    def submit(s: Services, a: Actor, ans: dict[str, Any]) -> Any:
        lines, errors = parse_goal_lines(ans["goals"])
        if errors:
            raise InvalidInput({"goals": goal_errors_message(errors)})
        goals = [{"description": g.description, "target_date": g.target_date, "status": g.status} for g in lines]
        try:
            return s.plans.save(a, enrollment_id, employment_goal_soc=ans.get("soc"), employment_goal_title=ans.get("title"),
                                goals=goals, agreement_date=ans.get("agreement_date"))
        except InvalidInput as exc:  # the service names goals by position: mark the goals box by line
            by_line = {}
            other = {}
            for path, message in exc.errors.items():
                if path.startswith("goals[") and "]" in path:
                    index = int(path[len("goals["):path.index("]")])
                    by_line[lines[index].line if index < len(lines) else index + 1] = message
                elif path == "employment_goal_soc":
                    other["soc"] = message
                else:
                    other[path] = message
            if by_line:
                other["goals"] = goal_errors_message(by_line)
            raise InvalidInput(other) from None

    answers = {"soc": current.employment_goal_soc, "title": current.employment_goal_title,
               "agreement_date": current.agreement_date, "goals": goals_text} if current else {}
    pane.form("Plan (saving makes a new version)", questions, submit,
              answers={k: v for k, v in answers.items() if v}, done="Plan saved as a new version.", changes=(PLAN,))


class PlansPane(CasePane[list["PlanView"]]):
    TITLE = "Plans"
    KEY = "plans"
    DEPENDS_ON = frozenset({PLAN, ENROLLMENT})
    BINDINGS = [Binding("p", "plan", "Edit plan", id="case.plan")]

    def compose(self) -> ComposeResult:
        yield DataTable(id="plans", cursor_type="row", zebra_stripes=True)
        yield Static("", id="plan-detail")

    def on_mount(self) -> None:
        self.query_one("#plans", DataTable).add_columns("Program", "Plan", "Version", "Employment goal", "Agreed")

    def fetch(self, services: Services, actor: Actor) -> list[PlanView]:
        return services.plans.for_seeker(actor, self.seeker_id)

    def show(self, model: list[PlanView]) -> None:
        fill_table(self.query_one("#plans", DataTable), [
            (f"{p.id}:{v.number}", (program_name(p.program), p.kind, str(v.number),
                                    Text(f"{v.employment_goal_soc or ''} {v.employment_goal_title or ''}".strip()),
                                    str(v.agreement_date or "—")))
            for p in model for v in reversed(p.versions)])
        self._show_detail(self.selected("plans"))

    @on(DataTable.RowHighlighted, "#plans")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(str(event.row_key.value))

    def _show_detail(self, key: str | None) -> None:
        text = Text()
        plan_id, _, number = (key or "").partition(":")
        plan = next((p for p in self.model or [] if p.id == plan_id), None)
        version = next((v for v in plan.versions if str(v.number) == number), None) if plan else None
        if plan is not None and version is not None:
            text.append(f"{plan.kind} version {version.number} by {version.created_by} on {version.created_at:%Y-%m-%d}\n",
                        style="bold")
            for g in version.goals:
                text.append(f"  • {g.description} — {words(g.status)}" + (f", by {g.target_date}" if g.target_date else "")
                            + (f" ({len(g.service_ids)} service(s))" if g.service_ids else "") + "\n")
        self.query_one("#plan-detail", Static).update(text)

    def action_plan(self) -> None:
        key = self.selected("plans")
        plan = next((p for p in self.model or [] if key and p.id == key.split(":")[0]), None)
        if plan is None:
            self.notify("No plan yet: choose an enrollment on the Enrollments tab and press p.", markup=False)
            return
        open_plan_form(self, plan.enrollment_id, self.model or [])
