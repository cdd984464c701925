"""Enrollments: pending → open → closed, and the 90-day exit rule (spec: case-management.md).

Pure: the caller passes the enrollment's services and the reference date. A service *extends
participation* when its catalog entry says so (staff-assisted career, training, supportive
services); follow-up and self-service do not. A scheduled or in-progress service, or a planned gap
in service, stops the exit clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from jobcenter_tui.domain.errors import Refusal

PENDING, OPEN, CLOSED = "pending", "open", "closed"
STATUSES = (PENDING, OPEN, CLOSED)
EXIT_DAYS = 90
MAX_PLANNED_GAP_DAYS = 180
NEVER_PARTICIPATED = "never_participated"  # a pending enrollment closed without any service (spec)

EXIT_REASONS: dict[str, str] = {
    "completed": "Completed services",
    "institutionalized": "Institutionalized",
    "health_medical": "Health or medical",
    "deceased": "Deceased",
    "reserve_forces_called_to_duty": "Reserve forces called to active duty",
    "foster_care_relocated": "Foster care youth relocated",
    "ineligible": "Found ineligible",
    "criminal_offender": "Criminal offender",
    "other": "Other",
    NEVER_PARTICIPATED: "Never participated",
}
STAFF_EXIT_REASONS = tuple(k for k in EXIT_REASONS if k != NEVER_PARTICIPATED)

# What staff may attest they verified before enrolling (stored as the keys; shown as the labels).
VERIFIED_ITEMS = (("identity", "Identity"), ("age", "Date of birth / age"), ("work_authorization", "Work authorization"),
                  ("selective_service", "Selective Service"), ("program_criteria", "The program's criteria"),
                  ("income", "Income"), ("veteran_status", "Veteran status (DD-214)"), ("dislocation", "Dislocation"))

SERVICE_STATUSES = ("scheduled", "in_progress", "completed", "cancelled", "no_show")
SERVICE_MOVES: dict[str, tuple[str, ...]] = {
    "scheduled": ("in_progress", "completed", "cancelled", "no_show"),
    "in_progress": ("completed", "cancelled"),
    "completed": (),
    "cancelled": (),
    "no_show": (),
}


class LifecycleError(Refusal, ValueError):
    """A move the lifecycle does not allow; the message says why."""


@dataclass(frozen=True)
class ServiceFact:
    code: str
    status: str
    start_date: date
    end_date: date | None
    extends_participation: bool
    holds_clock: bool = False  # planned gap (G01)

    @property
    def ended(self) -> date:
        return self.end_date or self.start_date


def check_service_move(old: str, new: str) -> None:
    if new not in SERVICE_MOVES.get(old, ()):
        raise LifecycleError(f"a {old.replace('_', ' ')} service cannot become {new.replace('_', ' ')}")


def participation_date(services: list[ServiceFact]) -> date | None:
    """The start of the first participation service received (completed or under way)."""
    starts = [s.start_date for s in services if s.extends_participation and s.status in ("completed", "in_progress")]
    return min(starts) if starts else None


@dataclass(frozen=True)
class ExitClock:
    """Where an open enrollment stands against the 90-day rule on a date."""

    held: bool  # a scheduled/in-progress service or a planned gap stops the clock
    last_service_end: date | None
    days_without_service: int
    exit_due: bool
    exit_date: date | None
    reason: str

    @property
    def days_left(self) -> int | None:
        if self.held or self.last_service_end is None:
            return None
        return max(0, EXIT_DAYS - self.days_without_service)


def _gap_days(services: list[ServiceFact], start: date, end: date) -> int:
    """Days in (start, end] covered by planned gaps: they do not count toward the 90."""
    covered: set[date] = set()
    for s in services:
        if not s.holds_clock or s.status in ("cancelled", "no_show"):
            continue
        gap_end = min(s.ended, s.start_date + timedelta(days=MAX_PLANNED_GAP_DAYS))
        day = max(s.start_date, start + timedelta(days=1))
        while day <= min(gap_end, end):
            covered.add(day)
            day += timedelta(days=1)
    return len(covered)


def exit_clock(services: list[ServiceFact], as_of: date) -> ExitClock:
    """The 90-day exit rule on ``as_of`` for the services of one open enrollment."""
    for s in services:
        if s.extends_participation and s.status in ("scheduled", "in_progress"):
            return ExitClock(True, None, 0, False, None, f"{s.code} is {s.status.replace('_', ' ')}")
        if s.holds_clock and s.status not in ("cancelled", "no_show") and s.start_date <= as_of <= s.ended:
            return ExitClock(True, None, 0, False, None, f"planned gap in service until {s.ended.isoformat()}")
    received = [s.ended for s in services if s.extends_participation and s.status == "completed" and s.ended <= as_of]
    if not received:
        return ExitClock(False, None, 0, False, None, "no participation service yet")
    last = max(received)
    days = (as_of - last).days - _gap_days(services, last, as_of)
    due = days >= EXIT_DAYS
    reason = (f"{days} days without a service since {last.isoformat()}" if due
              else f"exit in {EXIT_DAYS - days} days unless a service is recorded")
    return ExitClock(False, last, days, due, last if due else None, reason)
