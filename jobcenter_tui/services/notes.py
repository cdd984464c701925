"""Case notes: written once, corrected by a new note after 24 hours, deleted only with privilege.

Program notes are visible only to staff holding ``view`` on that program; the service filters,
not the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from jobcenter_tui.db.models import JobSeeker, Note
from jobcenter_tui.domain.permissions import Actor, Privilege, ProgramLevel
from jobcenter_tui.domain.programs import PROGRAM_CODES
from jobcenter_tui.services.audit import append_audit
from jobcenter_tui.services.common import display_name, require_level, require_seeker
from jobcenter_tui.services.errors import InvalidInput, NotFound, ServiceError

if TYPE_CHECKING:
    from jobcenter_tui.services import Services

CONTACT_TYPES = ("in_person", "phone", "email", "text", "virtual", "mail")
EDIT_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class NoteView:
    id: str
    scope: str
    program: str | None
    contact_date: date
    contact_type: str
    subject: str
    body: str
    recontact_date: date | None
    corrects_note_id: str | None
    created_by: str | None
    created_at: datetime
    editable: bool
    version: int


@dataclass(frozen=True)
class Recontact:
    seeker_id: str
    name: str
    subject: str
    recontact_date: date
    created_by: str | None


class NoteService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def _check(self, actor: Actor, scope: str, program: str | None, contact_type: str, subject: str, body: str,
               contact_date: date, recontact_date: date | None) -> None:
        errors: dict[str, str] = {}
        if scope not in ("case", "program"):
            errors["scope"] = "must be case or program"
        if scope == "program":
            if program not in PROGRAM_CODES:
                errors["program"] = "choose the program this note belongs to"
            else:
                require_level(actor, program, ProgramLevel.VIEW)
        if contact_type not in CONTACT_TYPES:
            errors["contact_type"] = f"must be one of {', '.join(CONTACT_TYPES)}"
        if not subject.strip():
            errors["subject"] = "give the note a subject"
        if not body.strip():
            errors["body"] = "the note is empty"
        if contact_date > self._s.today():
            errors["contact_date"] = "cannot be in the future"
        if recontact_date is not None and recontact_date < contact_date:
            errors["recontact_date"] = "must not be before the contact date"
        if errors:
            raise InvalidInput(errors)

    def add(self, actor: Actor, seeker_id: str, *, subject: str, body: str, contact_type: str, contact_date: date,
            scope: str = "case", program: str | None = None, recontact_date: date | None = None,
            corrects: str | None = None) -> NoteView:
        actor.require(Privilege.SEEKER_EDIT)
        self._check(actor, scope, program, contact_type, subject, body, contact_date, recontact_date)
        now = self._s.now()
        with self._s.unit(actor, write=True) as session:
            require_seeker(session, seeker_id)
            if corrects is not None:
                original = session.get(Note, corrects)
                if original is None or original.seeker_id != seeker_id:
                    raise InvalidInput({"corrects": "the note to correct is not on this record"})
            row = Note(seeker_id=seeker_id, scope=scope, program=program if scope == "program" else None,
                       contact_date=contact_date, contact_type=contact_type, subject=subject.strip(), body=body.strip(),
                       recontact_date=recontact_date, corrects_note_id=corrects, created_by=actor.username, created_at=now)
            session.add(row)
            session.flush()
            append_audit(session, actor, "note.correct" if corrects else "note.add", at=now, entity="job_seeker",
                         entity_id=seeker_id, changes={"note": row.id, "scope": scope, "program": row.program,
                                                       "corrects": corrects})
            return self._view(actor, row)

    def edit(self, actor: Actor, note_id: str, *, subject: str, body: str, expected_version: int) -> NoteView:
        """Change a note in place: only its author, only within 24 hours (afterwards: a correction note)."""
        actor.require(Privilege.SEEKER_EDIT)
        with self._s.unit(actor, write=True) as session:
            row = self._note(session, note_id)
            self._may_see(actor, row)
            if not self._editable(actor, row):
                raise ServiceError("Notes cannot be changed after 24 hours or by someone else; add a correction note instead")
            if row.version != expected_version:
                raise ServiceError("This note changed after you opened it; nothing was saved")
            self._check(actor, row.scope, row.program, row.contact_type, subject, body, row.contact_date, row.recontact_date)
            old = {"subject": row.subject, "body": row.body}
            row.subject, row.body = subject.strip(), body.strip()
            session.add(row)
            append_audit(session, actor, "note.edit", at=self._s.now(), entity="job_seeker", entity_id=row.seeker_id,
                         changes={"note": row.id, "subject": {"old": old["subject"], "new": row.subject},
                                  "body_changed": old["body"] != row.body})
            session.flush()
            return self._view(actor, row)

    def delete(self, actor: Actor, note_id: str, reason: str) -> None:
        actor.require(Privilege.NOTE_DELETE)
        if len(reason.strip()) < 5:
            raise InvalidInput({"reason": "say why the note is deleted (at least 5 characters)"})
        with self._s.unit(actor, write=True) as session:
            row = self._note(session, note_id)
            self._may_see(actor, row)
            row.deleted_at, row.deleted_by = self._s.now(), actor.username
            session.add(row)
            append_audit(session, actor, "note.delete", at=self._s.now(), entity="job_seeker", entity_id=row.seeker_id,
                         changes={"note": row.id, "subject": row.subject}, reason=reason.strip())

    def notes(self, actor: Actor, seeker_id: str) -> list[NoteView]:
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.unit(actor) as session:
            rows = session.exec(select(Note).where(Note.seeker_id == seeker_id, Note.deleted_at.is_(None))  # type: ignore[union-attr]
                                .order_by(Note.contact_date.desc(), Note.created_at.desc())).all()  # type: ignore[attr-defined]
            return [self._view(actor, r) for r in rows
                    if r.scope == "case" or actor.can_program(r.program or "", ProgramLevel.VIEW)]

    def recontacts_due(self, actor: Actor, day: date | None = None) -> list[Recontact]:
        """Notes asking for a recontact on or before ``day`` written by this staff member (main screen)."""
        day = day or self._s.today()
        with self._s.unit(actor) as session:
            rows = session.exec(
                select(Note, JobSeeker).join(JobSeeker, JobSeeker.id == Note.seeker_id)  # type: ignore[arg-type]
                .where(Note.recontact_date.is_not(None), Note.recontact_date <= day, Note.deleted_at.is_(None),  # type: ignore[union-attr,operator]
                       Note.created_by == actor.username)
                .order_by(Note.recontact_date).limit(50)  # type: ignore[arg-type]
            ).all()
            return [Recontact(s.id, display_name(s.first_name, s.middle_name, s.last_name, s.suffix), n.subject,
                              n.recontact_date, n.created_by) for n, s in rows  # type: ignore[arg-type]
                    if n.scope == "case" or actor.can_program(n.program or "", ProgramLevel.VIEW)]

    def _note(self, session: Session, note_id: str) -> Note:
        row = session.get(Note, note_id)
        if row is None or row.deleted_at is not None:
            raise NotFound(f"No note {note_id}")
        return row

    def _may_see(self, actor: Actor, row: Note) -> None:
        if row.scope == "program":
            require_level(actor, row.program or "", ProgramLevel.VIEW)

    def _editable(self, actor: Actor, row: Note) -> bool:
        return row.created_by == actor.username and self._s.now() - row.created_at <= EDIT_WINDOW

    def _view(self, actor: Actor, r: Note) -> NoteView:
        return NoteView(r.id, r.scope, r.program, r.contact_date, r.contact_type, r.subject, r.body, r.recontact_date,
                        r.corrects_note_id, r.created_by, r.created_at, self._editable(actor, r), r.version)
