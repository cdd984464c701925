"""Plans (an IEP, or an ISS for youth) on an enrollment: every save is a new version; old ones are kept."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from jobcenter_tui.db.models import Enrollment, Plan, PlanGoal, PlanGoalService, PlanVersion, ServiceRecord
from jobcenter_tui.domain.enrollment import CLOSED
from jobcenter_tui.domain.occupations import detailed_occupation, soc_problem
from jobcenter_tui.domain.permissions import Actor, Privilege, ProgramLevel
from jobcenter_tui.domain.programs import program_name
from jobcenter_tui.services.audit import append_audit
from jobcenter_tui.services.common import enrollment_row, require_level
from jobcenter_tui.services.errors import InvalidInput, ServiceError

if TYPE_CHECKING:
    from jobcenter_tui.services import Services

PLAN_KIND = {"WIOA_YOUTH": "ISS", "WIOA_ADULT": "IEP", "WIOA_DW": "IEP"}
GOAL_STATUSES = ("open", "met", "not_met", "dropped")


@dataclass(frozen=True)
class GoalView:
    description: str
    target_date: date | None
    status: str
    service_ids: tuple[str, ...]


@dataclass(frozen=True)
class PlanVersionView:
    number: int
    employment_goal_soc: str | None
    employment_goal_title: str | None
    agreement_date: date | None
    created_at: datetime
    created_by: str | None
    goals: tuple[GoalView, ...]


@dataclass(frozen=True)
class PlanView:
    id: str
    enrollment_id: str
    program: str
    kind: str
    versions: tuple[PlanVersionView, ...] = field(default_factory=tuple)

    @property
    def current(self) -> PlanVersionView:
        return self.versions[-1]


def _plan_views(session: Session, plans: Sequence[tuple[Plan, str]]) -> list[PlanView]:
    """Views of (plan, program) pairs: versions, goals and goal links in one query each, however many."""
    if not plans:
        return []
    versions: dict[str, list[PlanVersion]] = defaultdict(list)
    for v in session.exec(select(PlanVersion).where(col(PlanVersion.plan_id).in_([p.id for p, _ in plans]))
                          .order_by(col(PlanVersion.plan_id), col(PlanVersion.number))).all():
        versions[v.plan_id].append(v)
    version_ids = [v.id for vs in versions.values() for v in vs]
    goals: dict[str, list[PlanGoal]] = defaultdict(list)
    if version_ids:
        for g in session.exec(select(PlanGoal).where(col(PlanGoal.plan_version_id).in_(version_ids))
                              .order_by(col(PlanGoal.plan_version_id), col(PlanGoal.position))).all():
            goals[g.plan_version_id].append(g)
    goal_ids = [g.id for gs in goals.values() for g in gs]
    links: dict[str, list[str]] = defaultdict(list)
    if goal_ids:
        for goal_id, service_id in session.exec(
                select(PlanGoalService.goal_id, PlanGoalService.service_id).where(col(PlanGoalService.goal_id).in_(goal_ids))
                .order_by(col(PlanGoalService.goal_id), col(PlanGoalService.service_id))).all():
            links[goal_id].append(service_id)
    return [
        PlanView(plan.id, plan.enrollment_id, program, plan.kind, tuple(
            PlanVersionView(v.number, v.employment_goal_soc, v.employment_goal_title, v.agreement_date, v.created_at,
                            v.created_by, tuple(GoalView(g.description, g.target_date, g.status, tuple(links[g.id]))
                                                for g in goals[v.id]))
            for v in versions[plan.id]))
        for plan, program in plans
    ]


class PlanService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def save(self, actor: Actor, enrollment_id: str, *, employment_goal_soc: str | None, employment_goal_title: str | None,
             goals: list[dict[str, Any]], agreement_date: date | None) -> PlanView:
        """Save the plan of an enrollment as a new version (old versions are kept)."""
        errors: dict[str, str] = {}
        if employment_goal_soc and (problem := soc_problem(employment_goal_soc)):
            errors["employment_goal_soc"] = problem
        elif employment_goal_soc and not (employment_goal_title or "").strip():
            found = detailed_occupation(employment_goal_soc)  # the goal reads in words, also when only chosen by code
            employment_goal_title = found.title if found else None
        if not goals:
            errors["goals"] = "a plan needs at least one goal"
        for i, g in enumerate(goals):
            if not str(g.get("description", "")).strip():
                errors[f"goals[{i}].description"] = "describe the goal"
            if g.get("status", "open") not in GOAL_STATUSES:
                errors[f"goals[{i}].status"] = f"must be one of {', '.join(GOAL_STATUSES)}"
        now = self._s.now()
        with self._s.unit(actor, write=True) as session:
            e = enrollment_row(session, enrollment_id)
            require_level(actor, e.program, ProgramLevel.EDIT)
            kind = PLAN_KIND.get(e.program)
            if kind is None:
                raise ServiceError(f"{program_name(e.program)} has no IEP or ISS")
            if e.status == CLOSED:
                raise ServiceError("This enrollment is closed; reopen it to change its plan")
            service_ids = set(session.exec(select(ServiceRecord.id).where(ServiceRecord.enrollment_id == e.id)).all())
            for i, g in enumerate(goals):
                unknown = set(g.get("service_ids", ())) - service_ids
                if unknown:
                    errors[f"goals[{i}].service_ids"] = "links a service that is not on this enrollment"
            if errors:
                raise InvalidInput(errors)
            plan = session.exec(select(Plan).where(Plan.enrollment_id == e.id)).first()
            if plan is None:
                plan = Plan(enrollment_id=e.id, seeker_id=e.seeker_id, kind=kind, created_at=now)
                session.add(plan)
                session.flush()
            last = session.exec(select(PlanVersion.number).where(PlanVersion.plan_id == plan.id)
                                .order_by(col(PlanVersion.number).desc()).limit(1)).first() or 0
            version = PlanVersion(plan_id=plan.id, number=last + 1, employment_goal_soc=employment_goal_soc,
                                  employment_goal_title=employment_goal_title, agreement_date=agreement_date,
                                  created_at=now, created_by=actor.username)
            session.add(version)
            session.flush()
            for i, g in enumerate(goals):
                goal = PlanGoal(plan_version_id=version.id, position=i, description=str(g["description"]).strip(),
                                target_date=g.get("target_date"), status=g.get("status", "open"))
                session.add(goal)
                session.flush()
                for sid in g.get("service_ids", ()):
                    session.add(PlanGoalService(goal_id=goal.id, service_id=sid))
            append_audit(session, actor, "plan.save", at=now, entity="job_seeker", entity_id=e.seeker_id,
                         changes={"plan": plan.id, "kind": kind, "version": version.number, "enrollment": e.id})
            session.flush()
            return _plan_views(session, [(plan, e.program)])[0]

    def for_seeker(self, actor: Actor, seeker_id: str) -> list[PlanView]:
        """The plans on enrollments this staff member may see (a fixed number of queries, however many versions)."""
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.unit(actor) as session:
            rows = session.exec(select(Plan, Enrollment.program).join(Enrollment, col(Enrollment.id) == Plan.enrollment_id)
                                .where(Plan.seeker_id == seeker_id).order_by(col(Plan.created_at))).all()
            return _plan_views(session, [(plan, program) for plan, program in rows
                                         if actor.can_program(program, ProgramLevel.VIEW)])
