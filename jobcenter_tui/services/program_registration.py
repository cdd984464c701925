"""Program Registration: each program's eligibility today next to its enrollment, and whether to offer Enroll."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from jobcenter_tui.db.models import EligibilityDetermination, Enrollment
from jobcenter_tui.domain.eligibility import EligibilityResult, evaluate
from jobcenter_tui.domain.enrollment import CLOSED, OPEN, PENDING
from jobcenter_tui.domain.permissions import Actor, Privilege, ProgramLevel
from jobcenter_tui.domain.programs import program_name
from jobcenter_tui.domain.record import parse_record
from jobcenter_tui.services.audit import append_audit
from jobcenter_tui.services.common import eligibility_config, seeker_row, stored_record
from jobcenter_tui.services.seeker_mapping import row_record_dict

if TYPE_CHECKING:
    from jobcenter_tui.services import Services
    from jobcenter_tui.services.eligibility import DeterminationView
    from jobcenter_tui.services.seekers import SeekerDetail


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


@dataclass(frozen=True)
class CaseOpening:
    """What Case Details shows first: the header (record, latest determination, notices) and Program Registration."""

    detail: SeekerDetail
    determination: DeterminationView | None
    notices: list[str]
    rows: list[ProgramRow]


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
            return self._rows(actor, result, _enrollments(session, seeker_id))

    def opening(self, actor: Actor, seeker_id: str, *, panes: tuple[str, ...] = ()) -> CaseOpening:
        """Open a case: the header and this tab from one unit of work, the record read (and decrypted) once.

        Opening the record is audited (``seeker.view``) and so is each pane of ``panes`` shown with it
        (``case.view``), in the same transaction, after the reads: if the audit rows cannot be written,
        nothing is returned to show.
        """
        from jobcenter_tui.services.eligibility import _view as determination_view
        from jobcenter_tui.services.resumes import NO_PUBLISHED_RESUME, has_published_resume, resume_required

        actor.require(Privilege.SEEKER_VIEW)
        with self._s.unit(actor, write=True) as session:
            row = seeker_row(session, seeker_id)
            detail = self._s.seekers._detail(row)  # noqa: SLF001 - the one way a row becomes a SeekerDetail
            result = evaluate(parse_record(row_record_dict(row, self._s.keyring), None), self._s.today(),
                              eligibility_config(session))
            latest = session.exec(select(EligibilityDetermination).where(EligibilityDetermination.seeker_id == seeker_id)
                                  .order_by(col(EligibilityDetermination.sequence).desc()).limit(1)).first()
            notices = [NO_PUBLISHED_RESUME] if resume_required(session) and not has_published_resume(session, seeker_id) else []
            rows = self._rows(actor, result, _enrollments(session, seeker_id))
            now = self._s.now()
            append_audit(session, actor, "seeker.view", at=now, entity="job_seeker", entity_id=seeker_id)
            for pane in panes:
                append_audit(session, actor, "case.view", at=now, entity="job_seeker", entity_id=seeker_id,
                             changes={"pane": pane[:40]})
            return CaseOpening(detail, determination_view(latest) if latest else None, notices, rows)

    def _rows(self, actor: Actor, result: EligibilityResult, enrollments: list[Enrollment]) -> list[ProgramRow]:
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


def _enrollments(session: Session, seeker_id: str) -> list[Enrollment]:
    return list(session.exec(select(Enrollment).where(Enrollment.seeker_id == seeker_id)
                             .order_by(col(Enrollment.created_at).desc())).all())
