"""Plan goals as staff type them: one goal a line, ``goal | target date | status``.

Pure parsing with a message per bad line, so the form can mark the goals box with *which* line is
wrong and why, instead of refusing the whole plan in general words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jobcenter_tui.domain.search_query import parse_date

GOAL_STATUSES = ("open", "met", "not_met", "dropped")


@dataclass(frozen=True)
class GoalLine:
    line: int  # 1-based, as the person counts the lines they typed
    description: str
    target_date: date | None
    status: str


def parse_goal_lines(text: str) -> tuple[list[GoalLine], dict[int, str]]:
    """The goals typed, and a message for each bad line (keyed by its line number)."""
    goals: list[GoalLine] = []
    errors: dict[int, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        description = parts[0]
        target: date | None = None
        status = "open"
        problems = []
        if not description:
            problems.append("describe the goal before the first |")
        if len(parts) > 1 and parts[1]:
            target = parse_date(parts[1])
            if target is None:
                problems.append(f"'{parts[1]}' is not a date (YYYY-MM-DD or MM/DD/YYYY)")
        if len(parts) > 2 and parts[2]:
            status = parts[2].lower().replace(" ", "_")
            if status not in GOAL_STATUSES:
                problems.append(f"status '{parts[2]}' is not one of {', '.join(s.replace('_', ' ') for s in GOAL_STATUSES)}")
        if len(parts) > 3:
            problems.append("too many | (goal | target date | status)")
        if problems:
            errors[number] = "; ".join(problems)
        else:
            goals.append(GoalLine(number, description, target, status))
    return goals, errors


def goal_errors_message(errors: dict[int, str]) -> str:
    return "; ".join(f"line {n}: {message}" for n, message in sorted(errors.items()))
