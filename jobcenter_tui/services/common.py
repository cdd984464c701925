"""What several use cases need, in one place below them: lookups, names, determinations, config.

Everything that touches the store takes the caller's ``Session``, so a use case stays one unit
of work: nothing here opens a session of its own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from jobcenter_tui.db.models import (
    ConfigEntry,
    EligibilityDetermination,
    Enrollment,
    JobSeeker,
    ServiceCatalogEntry,
    new_id,
)
from jobcenter_tui.domain.eligibility import EligibilityConfig, EligibilityResult
from jobcenter_tui.domain.permissions import Actor, ProgramLevel
from jobcenter_tui.domain.programs import PROGRAM_CODES, program_name
from jobcenter_tui.domain.record import SeekerRecord, parse_record
from jobcenter_tui.services.crypto import Keyring
from jobcenter_tui.services.eligibility_check import (  # noqa: F401 - re-exported: the use cases' one place
    LLSIL_KEY,
    SWITCHES_KEY,
    config_from_entries,
    shipped_data,
)
from jobcenter_tui.services.errors import NotFound, PermissionDenied
from jobcenter_tui.services.seeker_mapping import row_record_dict

# --- names and permissions ---------------------------------------------------------------------


def display_name(first: str, middle: str | None, last: str, suffix: str | None = None) -> str:
    """"Last Suffix, First Middle": how staff read a name in every list."""
    given = f"{first} {middle}" if middle else first
    return f"{last}{' ' + suffix if suffix else ''}, {given}"


def require_level(actor: Actor, program: str, level: ProgramLevel) -> None:
    """Refuse unless the staff member holds ``level`` for ``program`` (named as staff know it)."""
    if not actor.can_program(program, level):
        name = program_name(program) if program in PROGRAM_CODES else "this program"
        raise PermissionDenied(f"{actor.username} does not hold {level.value} for {name}")


# --- lookups that raise NotFound ---------------------------------------------------------------


def seeker_row(session: Session, seeker_id: str) -> JobSeeker:
    row = session.exec(select(JobSeeker).where(JobSeeker.id == seeker_id)).first()
    if row is None:
        raise NotFound(f"No job seeker with record id {seeker_id}")
    return row


def require_seeker(session: Session, seeker_id: str) -> None:
    """The job seeker exists (reads the id only, for use cases that do not need the row)."""
    if session.exec(select(JobSeeker.id).where(JobSeeker.id == seeker_id)).first() is None:
        raise NotFound(f"No job seeker with record id {seeker_id}")


def stored_record(session: Session, seeker_id: str, keyring: Keyring) -> SeekerRecord:
    """The job seeker's answers as the rules read them."""
    return parse_record(row_record_dict(seeker_row(session, seeker_id), keyring), None)


def enrollment_row(session: Session, enrollment_id: str) -> Enrollment:
    row = session.get(Enrollment, enrollment_id)
    if row is None:
        raise NotFound(f"No enrollment {enrollment_id}")
    return row


def service_catalog(session: Session) -> dict[str, ServiceCatalogEntry]:
    """Every catalog code (active or not: old service records keep their retired codes)."""
    return {c.code: c for c in session.exec(select(ServiceCatalogEntry)).all()}


# --- eligibility configuration and determinations ----------------------------------------------


def config_entries(session: Session) -> dict[str, Any]:
    return {e.key: e.value for e in session.exec(select(ConfigEntry)).all()}


def eligibility_config(session: Session) -> EligibilityConfig:
    """The configuration in force, read inside the caller's unit of work."""
    return config_from_entries(config_entries(session))


def next_sequence(session: Session) -> int:
    """The next determination number (inside a write unit of work, which serialises them)."""
    last = session.exec(select(func.max(EligibilityDetermination.sequence))).one() or 0
    return int(last) + 1


def determination_row(record: SeekerRecord | dict[str, Any], seeker_id: str, result: EligibilityResult, actor: Actor,
                      at: datetime) -> dict[str, Any]:
    """A determination ready to insert: its inputs are the record without the SSN."""
    inputs = record.to_json_dict() if isinstance(record, SeekerRecord) else dict(record)
    inputs.pop("ssn", None)
    return {"id": new_id(), "seeker_id": seeker_id, "as_of": result.as_of, "rules_version": result.rules_version,
            "inputs": inputs, "result": result.as_json(), "determined_at": at, "determined_by": actor.username}
