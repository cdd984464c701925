"""Employers: find, add, edit, approve or deactivate; their contacts. One unit of work each.

Anyone who may view job seekers (or manage employers or postings) may look; changes need
``employer.manage``. The checks are ``domain.employers``; here they meet the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from jobcenter_tui.db.models import Employer, EmployerContact, JobPosting
from jobcenter_tui.domain.employers import (
    EMPLOYER_FIELDS,
    EMPLOYER_MOVES,
    check_contact,
    check_employer,
    employer_move_problem,
)
from jobcenter_tui.domain.permissions import Actor, Privilege, missing_privilege
from jobcenter_tui.services.audit import append_audit
from jobcenter_tui.services.errors import InvalidInput, NotFound, StaleRecord

if TYPE_CHECKING:
    from jobcenter_tui.services import Services

PAGE = 100
OPEN_POSTING_STATUSES = ("draft", "active", "on_hold")


def require_view(actor: Actor) -> None:
    """Employers and postings are shown to staff who serve job seekers or manage them."""
    if not any(actor.can(p) for p in (Privilege.SEEKER_VIEW, Privilege.EMPLOYER_MANAGE, Privilege.POSTING_MANAGE)):
        raise missing_privilege(Privilege.EMPLOYER_MANAGE)


def stale(what: str) -> StaleRecord:
    return StaleRecord(f"Someone else changed this {what} after you opened it; nothing was saved. "
                       "Reopen it to see their change, then try again.")


@dataclass(frozen=True)
class EmployerRow:
    id: str
    name: str
    fein: str | None
    city: str | None
    status: str
    open_postings: int


@dataclass(frozen=True)
class ContactView:
    id: str
    version: int
    name: str
    title: str | None
    phone: str | None
    email: str | None


@dataclass(frozen=True)
class PostingRow:
    id: str
    title: str
    soc_code: str | None
    status: str
    openings: int
    city: str | None
    zip: str | None
    posted_date: date | None
    closing_date: date | None


@dataclass(frozen=True)
class EmployerDetail:
    id: str
    version: int
    name: str
    fein: str | None
    naics: str | None
    address_line1: str | None
    address_city: str | None
    address_state: str | None
    address_zip: str | None
    status: str
    created_at: datetime
    contacts: tuple[ContactView, ...]
    postings: tuple[PostingRow, ...]
    allowed_moves: tuple[str, ...]

    def fields(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in EMPLOYER_FIELDS}


def posting_row(p: JobPosting) -> PostingRow:
    return PostingRow(p.id, p.title, p.soc_code, p.status, p.openings, p.city, p.zip, p.posted_date, p.closing_date)


class EmployerService:
    def __init__(self, services: Services) -> None:
        self._s = services

    # --- reading -------------------------------------------------------------------------------

    def search(self, actor: Actor, text: str = "", *, limit: int = PAGE) -> list[EmployerRow]:
        """By name (any part, case ignored) or FEIN (digits, with or without the dash); by name order."""
        require_view(actor)
        text = text.strip()
        with self._s.unit(actor) as session:
            open_count = (select(func.count()).where(col(JobPosting.employer_id) == col(Employer.id),
                                                     col(JobPosting.status).in_(OPEN_POSTING_STATUSES))
                          .correlate(Employer).scalar_subquery())
            query = select(Employer, open_count)
            if text:
                digits = text.replace("-", "")
                conditions = [func.lower(col(Employer.name)).contains(text.lower(), autoescape=True)]
                if digits.isdigit():
                    conditions.append(col(Employer.fein).startswith(digits, autoescape=True))
                query = query.where(or_(*conditions))
            rows = session.exec(query.order_by(func.lower(col(Employer.name)), col(Employer.id)).limit(limit)).all()
            return [EmployerRow(e.id, e.name, e.fein, e.address_city, e.status, int(n or 0)) for e, n in rows]

    def get(self, actor: Actor, employer_id: str) -> EmployerDetail:
        require_view(actor)
        with self._s.unit(actor) as session:
            return self._detail(session, self._employer(session, employer_id))

    def _employer(self, session: Session, employer_id: str) -> Employer:
        row = session.get(Employer, employer_id)
        if row is None:
            raise NotFound(f"No employer {employer_id}")
        return row

    def _detail(self, session: Session, e: Employer) -> EmployerDetail:
        contacts = session.exec(select(EmployerContact).where(EmployerContact.employer_id == e.id)
                                .order_by(col(EmployerContact.name))).all()
        postings = session.exec(select(JobPosting).where(JobPosting.employer_id == e.id)
                                .order_by(col(JobPosting.posted_date).desc(), col(JobPosting.title))).all()
        return EmployerDetail(
            e.id, e.version, e.name, e.fein, e.naics, e.address_line1, e.address_city, e.address_state, e.address_zip,
            e.status, e.created_at,
            tuple(ContactView(c.id, c.version, c.name, c.title, c.phone, c.email) for c in contacts),
            tuple(posting_row(p) for p in postings), EMPLOYER_MOVES.get(e.status, ()))

    # --- changing ------------------------------------------------------------------------------

    def _check(self, session: Session, fields: dict[str, Any], *, employer_id: str | None = None) -> dict[str, Any]:
        values, errors = check_employer(fields)
        fein = values.get("fein")
        if fein and not any(e["field"] == "fein" for e in errors):
            holder = session.exec(select(Employer.id, Employer.name).where(Employer.fein == fein)).first()
            if holder is not None and holder[0] != employer_id:
                errors.append({"field": "fein", "message": f"already belongs to {holder[1]}"})
        if errors:
            raise InvalidInput(errors)
        return values

    def add(self, actor: Actor, fields: dict[str, Any], *, status: str = "active") -> EmployerDetail:
        """A new employer; staff who manage employers vouch for it, so it starts active unless told otherwise."""
        actor.require(Privilege.EMPLOYER_MANAGE)
        if status not in ("active", "pending_approval"):
            raise InvalidInput({"status": "a new employer is active or pending approval"})
        now = self._s.now()
        with self._s.unit(actor, write=True) as session:
            values = self._check(session, fields)
            row = Employer(**values, status=status, created_at=now)
            session.add(row)
            session.flush()
            append_audit(session, actor, "employer.add", at=now, entity="employer", entity_id=row.id,
                         changes={**{k: v for k, v in values.items() if v is not None}, "status": status})
            return self._detail(session, row)

    def update(self, actor: Actor, employer_id: str, fields: dict[str, Any], *, expected_version: int) -> EmployerDetail:
        actor.require(Privilege.EMPLOYER_MANAGE)
        now = self._s.now()
        with self._s.unit(actor, write=True) as session:
            row = self._employer(session, employer_id)
            if row.version != expected_version:
                raise stale("employer")
            merged = {k: getattr(row, k) for k in EMPLOYER_FIELDS} | fields
            values = self._check(session, merged, employer_id=employer_id)
            changes = {k: {"old": getattr(row, k), "new": v} for k, v in values.items() if getattr(row, k) != v}
            for key, value in values.items():
                setattr(row, key, value)
            session.add(row)
            session.flush()
            if changes:
                append_audit(session, actor, "employer.edit", at=now, entity="employer", entity_id=row.id, changes=changes)
            return self._detail(session, row)

    def set_status(self, actor: Actor, employer_id: str, to: str, *, expected_version: int,
                   reason: str | None = None) -> EmployerDetail:
        """Approve (pending → active), deactivate or reactivate."""
        actor.require(Privilege.EMPLOYER_MANAGE)
        now = self._s.now()
        with self._s.unit(actor, write=True) as session:
            row = self._employer(session, employer_id)
            if row.version != expected_version:
                raise stale("employer")
            problem = employer_move_problem(row.status, to)
            if problem:
                raise InvalidInput({"status": problem})
            old, row.status = row.status, to
            session.add(row)
            session.flush()
            append_audit(session, actor, "employer.status", at=now, entity="employer", entity_id=row.id,
                         changes={"status": {"old": old, "new": to}}, reason=(reason or "").strip() or None)
            return self._detail(session, row)

    def add_contact(self, actor: Actor, employer_id: str, fields: dict[str, Any]) -> ContactView:
        actor.require(Privilege.EMPLOYER_MANAGE)
        values, errors = check_contact(fields)
        if errors:
            raise InvalidInput(errors)
        now = self._s.now()
        with self._s.unit(actor, write=True) as session:
            self._employer(session, employer_id)
            row = EmployerContact(employer_id=employer_id, **values)
            session.add(row)
            session.flush()
            append_audit(session, actor, "employer.contact_add", at=now, entity="employer", entity_id=employer_id,
                         changes={"contact": row.id, "name": row.name})
            return ContactView(row.id, row.version, row.name, row.title, row.phone, row.email)

    def update_contact(self, actor: Actor, contact_id: str, fields: dict[str, Any], *,
                       expected_version: int) -> ContactView:
        actor.require(Privilege.EMPLOYER_MANAGE)
        values, errors = check_contact(fields)
        if errors:
            raise InvalidInput(errors)
        now = self._s.now()
        with self._s.unit(actor, write=True) as session:
            row = session.get(EmployerContact, contact_id)
            if row is None:
                raise NotFound(f"No employer contact {contact_id}")
            if row.version != expected_version:
                raise stale("contact")
            changes = {k: {"old": getattr(row, k), "new": v} for k, v in values.items() if getattr(row, k) != v}
            for key, value in values.items():
                setattr(row, key, value)
            session.add(row)
            session.flush()
            if changes:
                append_audit(session, actor, "employer.contact_edit", at=now, entity="employer",
                             entity_id=row.employer_id, changes={"contact": row.id, **changes})
            return ContactView(row.id, row.version, row.name, row.title, row.phone, row.email)
