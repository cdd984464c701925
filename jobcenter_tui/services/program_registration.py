"""Program Registration: each program's eligibility today next to its enrollment, and whether to offer Enroll."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import col, select

from jobcenter_tui.db.models import Enrollment
from jobcenter_tui.domain.eligibility import evaluate
from jobcenter_tui.domain.enrollment import CLOSED, OPEN, PENDING
from jobcenter_tui.domain.permissions import Actor, Privilege, ProgramLevel
from jobcenter_tui.domain.programs import program_name
from jobcenter_tui.services.common import eligibility_config, stored_record

if TYPE_CHECKING:
    from jobcenter_tui.services import Services


ENROLLABLE = ("eligible", "needs_information")  # needs information: the wizard asks the missing answers first


@dataclass(frozen=True)
class ProgramRow:
    """One row of the Program Registration table."""

    program: str
    name: str
    eligibility: str
    reasons: tuple[str, ...]
    missing: tuple[str, ...]
    enrollment_id: str | None
    enrollment_status: str  # none | pending | open | closed
    dates: str
    can_enroll: bool


class ProgramRegistrationService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def rows(self, actor: Actor, seeker_id: str) -> list[ProgramRow]:
        """One row per program: eligibility today, enrollment status, and whether Enroll is offered.

        Enroll shows when the program is eligible — or needs information, which the enrollment
        wizard asks first — *and* this staff member holds ``create`` for it and no enrollment is
        pending or open. Never for an ineligible program. ``enroll`` still refuses anything not
        eligible at that moment, whatever the screen showed.
        """
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.unit(actor) as session:
            record = stored_record(session, seeker_id, self._s.keyring)
            result = evaluate(record, self._s.today(), eligibility_config(session))
            enrollments = session.exec(select(Enrollment).where(Enrollment.seeker_id == seeker_id)
                                       .order_by(col(Enrollment.created_at).desc())).all()
        rows = []
        for p in result.programs:
            mine = [e for e in enrollments if e.program == p.program]
            active = next((e for e in mine if e.status in (PENDING, OPEN)), None)
            shown = active or (mine[0] if mine else None)
            dates = ""
            if shown is not None:
                dates = f"{shown.participation_date or shown.created_at.date()} →"
                if shown.status == CLOSED:
                    dates = f"→ {shown.exit_date or '—'}"
            can = (p.status in ENROLLABLE and active is None and actor.can_program(p.program, ProgramLevel.CREATE))
            rows.append(ProgramRow(p.program, program_name(p.program), p.status, p.reasons, p.missing,
                                   shown.id if shown else None, shown.status if shown else "none", dates, can))
        return rows
