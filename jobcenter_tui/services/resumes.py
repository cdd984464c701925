"""Resumes of a job seeker: build, edit, copy, publish one, upload a file, export to text or PDF.

A seeker may have several resumes; at most one is **published** (what employers and job matching
see). Publishing one unpublishes the other in the same unit of work, and a partial unique index
keeps a second one out even when two staff publish at once. A published resume is active.

An upload keeps the original file as a document of the case (the document rules: type and size
limits, a generated name, SHA-256) and reads its text into sections; a file that gives no text
is refused before anything is kept, and a failure after the copy removes the copy.

``resume_required`` is a state switch (a configuration entry, default off): when on, job leads and
referrals call :func:`require_published_resume`, and Case Details says "no published resume".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from jobcenter_tui.db.models import ConfigEntry, Document, JobSeeker, Resume
from jobcenter_tui.domain.permissions import Actor, Privilege
from jobcenter_tui.domain.record import format_phone
from jobcenter_tui.domain.resumes import (
    RESUME_STATUSES,
    TITLE_MAX,
    ResumeContent,
    check_sections,
    render_text,
    sections_from_text,
)
from jobcenter_tui.services.audit import append_audit
from jobcenter_tui.services.common import seeker_row
from jobcenter_tui.services.errors import InvalidInput, NotFound, ServiceError, StaleRecord
from jobcenter_tui.services.resume_files import UPLOAD_SUFFIXES, UnreadableFile, extract_text, pdf_bytes, write_private

if TYPE_CHECKING:
    from jobcenter_tui.services import Services

RESUME_REQUIRED_KEY = "resumes.resume_required"
NO_PUBLISHED_RESUME = "no published resume"
SECTION_KEYS = ("objective", "work_history", "education", "skills", "certifications", "references", "additional")
EXPORT_FORMATS = ("text", "pdf")


class ResumeRequired(ServiceError):
    """The state requires a published resume before job leads and referrals; this seeker has none."""


@dataclass(frozen=True)
class ResumeView:
    id: str
    seeker_id: str
    title: str
    status: str
    published: bool
    objective: str
    work_history: tuple[dict[str, Any], ...]
    education: tuple[dict[str, Any], ...]
    skills: tuple[str, ...]
    certifications: tuple[dict[str, Any], ...]
    references: tuple[dict[str, Any], ...]
    additional: str
    contact: dict[str, str]
    source_name: str | None  # the uploaded file it was read from
    version: int
    created_at: datetime
    updated_at: datetime

    @property
    def sections(self) -> dict[str, Any]:
        """The sections as ``create``/``edit`` take them (a copy to change)."""
        return {"objective": self.objective, "work_history": [dict(e) for e in self.work_history],
                "education": [dict(e) for e in self.education], "skills": list(self.skills),
                "certifications": [dict(e) for e in self.certifications],
                "references": [dict(e) for e in self.references], "additional": self.additional}


# --- what other use cases call inside their own unit of work ---------------------------------------


def resume_required(session: Session) -> bool:
    entry = session.get(ConfigEntry, RESUME_REQUIRED_KEY)
    return bool(entry.value) if entry is not None else False


def has_published_resume(session: Session, seeker_id: str) -> bool:
    return session.exec(select(Resume.id).where(Resume.seeker_id == seeker_id, col(Resume.published).is_(True))).first() \
        is not None


def require_published_resume(session: Session, seeker_id: str) -> None:
    """Refuse (``ResumeRequired``) when the state requires a published resume and the seeker has none.

    Job leads and referrals call this in their unit of work before recording anything.
    """
    if resume_required(session) and not has_published_resume(session, seeker_id):
        raise ResumeRequired("This job seeker has no published resume, which this state requires before job leads "
                             "and referrals: publish one on the Resumes tab first")


def contact_from_record(row: JobSeeker) -> dict[str, str]:
    """The contact block of a resume, taken from the record (so it is never typed twice)."""
    street = ", ".join(p for p in (row.address_line1, row.address_line2) if p)
    place = ", ".join(p for p in (row.address_city, " ".join(q for q in (row.address_state, row.address_zip) if q)) if p)
    contact = {"address": street, "city_line": place, "phone": format_phone(row.phone) if row.phone else "",
               "email": row.email or ""}
    return {k: v for k, v in contact.items() if v}


def resume_name(row: JobSeeker) -> str:
    """The name as a resume prints it: "Dana M. Reyes Jr."."""
    return " ".join(p for p in (row.first_name, row.middle_name, row.last_name, row.suffix) if p)


def _view(row: Resume, source_name: str | None = None) -> ResumeView:
    return ResumeView(row.id, row.seeker_id, row.title, row.status, row.published, row.objective or "",
                      tuple(row.work_history or ()), tuple(row.education or ()), tuple(row.skills or ()),
                      tuple(row.certifications or ()), tuple(row.references or ()), row.additional or "",
                      dict(row.contact or {}), source_name, row.version, row.created_at, row.updated_at)


def _clean_sections(sections: dict[str, Any]) -> dict[str, Any]:
    """Sections checked and trimmed; unknown keys are refused (a typo would otherwise vanish)."""
    unknown = set(sections) - set(SECTION_KEYS)
    if unknown:
        raise InvalidInput({k: "is not a resume section" for k in sorted(unknown)})
    errors = check_sections(sections)
    if errors:
        raise InvalidInput(errors)
    out: dict[str, Any] = {}
    for key in SECTION_KEYS:
        value = sections.get(key)
        if key in ("objective", "additional"):
            out[key] = (value or "").strip() or None
        elif key == "skills":
            out[key] = [s.strip() for s in value or [] if s.strip()]
        else:
            out[key] = [{f: (v.strip() or None) if isinstance(v, str) else v for f, v in e.items()} for e in value or []]
    return out


def _title(title: str | None) -> str:
    text = (title or "").strip()
    if not text:
        raise InvalidInput({"title": "give the resume a title (e.g. the kind of job it is for)"})
    if len(text) > TITLE_MAX:
        raise InvalidInput({"title": f"at most {TITLE_MAX} characters"})
    return text


def _file_stem(text: str) -> str:
    """A file name any system accepts, from a person's name and a title: "Reyes Dana - Welding"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    clean = re.sub(r"\s+", " ", re.sub(r"[^A-Za-z0-9._ -]+", " ", folded)).strip(" .-")
    return clean[:80].strip() or "resume"


def _is_empty(row: Resume) -> bool:
    return not any((row.objective, row.work_history, row.education, row.skills, row.certifications, row.references,
                    row.additional))


class ResumeService:
    def __init__(self, services: Services) -> None:
        self._s = services

    # --- reading -----------------------------------------------------------------------------------

    def resumes(self, actor: Actor, seeker_id: str) -> list[ResumeView]:
        """The seeker's resumes, the published one first, then the newest."""
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.unit(actor) as session:
            seeker_row(session, seeker_id)
            rows = session.exec(select(Resume, Document.original_name)
                                .join(Document, col(Document.id) == col(Resume.source_document_id), isouter=True)
                                .where(Resume.seeker_id == seeker_id)
                                .order_by(col(Resume.published).desc(), col(Resume.updated_at).desc(), col(Resume.id))).all()
            return [_view(r, name) for r, name in rows]

    def get(self, actor: Actor, resume_id: str) -> ResumeView:
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.unit(actor) as session:
            row = self._row(session, resume_id)
            return _view(row, self._source_name(session, row))

    def content(self, actor: Actor, resume_id: str) -> ResumeContent:
        """What the export prints (and Enter shows): the contact as the record has it today."""
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.unit(actor) as session:
            row = self._row(session, resume_id)
            return self._content(row, seeker_row(session, row.seeker_id))

    def header_notice(self, actor: Actor, seeker_id: str) -> str | None:
        """"no published resume" when the state requires one and there is none; else None."""
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.unit(actor) as session:
            if resume_required(session) and not has_published_resume(session, seeker_id):
                return NO_PUBLISHED_RESUME
            return None

    # --- changing ----------------------------------------------------------------------------------

    def create(self, actor: Actor, seeker_id: str, *, title: str, sections: dict[str, Any] | None = None,
               status: str = "draft") -> ResumeView:
        actor.require(Privilege.SEEKER_EDIT)
        clean_title, clean = _title(title), _clean_sections(sections or {})
        if status not in ("draft", "active"):
            raise InvalidInput({"status": "a new resume is a draft or active"})
        with self._s.unit(actor, write=True) as session:
            seeker = seeker_row(session, seeker_id)
            now = self._s.now()
            row = Resume(seeker_id=seeker_id, title=clean_title, status=status, contact=contact_from_record(seeker),
                         created_at=now, updated_at=now, **clean)
            session.add(row)
            session.flush()
            append_audit(session, actor, "resume.create", at=now, entity="job_seeker", entity_id=seeker_id,
                         changes={"resume": row.id, "title": clean_title})
            return _view(row)

    def edit(self, actor: Actor, resume_id: str, *, expected_version: int, title: str, sections: dict[str, Any],
             status: str | None = None) -> ResumeView:
        """Replace the title and sections (and the status); the contact is taken from the record again."""
        actor.require(Privilege.SEEKER_EDIT)
        clean_title, clean = _title(title), _clean_sections(sections)
        if status is not None and status not in RESUME_STATUSES:
            raise InvalidInput({"status": f"must be one of {', '.join(RESUME_STATUSES)}"})
        with self._s.unit(actor, write=True) as session:
            row = self._row(session, resume_id, expected_version)
            if status is not None and row.published and status != "active":
                raise InvalidInput({"status": "a published resume stays active; unpublish it first"})
            changed = [k for k, v in clean.items() if getattr(row, k) != v]
            if row.title != clean_title:
                changed.insert(0, "title")
            if status is not None and status != row.status:
                changed.append("status")
            row.title = clean_title
            for key, value in clean.items():
                setattr(row, key, value)
            if status is not None:
                row.status = status
            row.contact = contact_from_record(seeker_row(session, row.seeker_id))
            row.updated_at = self._s.now()
            if row.published and _is_empty(row):
                raise InvalidInput({"objective": "a published resume cannot be emptied; unpublish it first"})
            session.add(row)
            session.flush()
            append_audit(session, actor, "resume.edit", at=self._s.now(), entity="job_seeker", entity_id=row.seeker_id,
                         changes={"resume": row.id, "title": clean_title, "sections_changed": changed})
            return _view(row, self._source_name(session, row))

    def copy(self, actor: Actor, resume_id: str, *, title: str | None = None) -> ResumeView:
        """A new draft with the same sections (to tailor for another kind of job)."""
        actor.require(Privilege.SEEKER_EDIT)
        with self._s.unit(actor, write=True) as session:
            source = self._row(session, resume_id)
            now = self._s.now()
            new_title = _title(title) if title else f"Copy of {source.title}"[:TITLE_MAX]
            row = Resume(seeker_id=source.seeker_id, title=new_title, status="draft", published=False,
                         contact=contact_from_record(seeker_row(session, source.seeker_id)), created_at=now,
                         updated_at=now, **{k: getattr(source, k) for k in SECTION_KEYS})
            session.add(row)
            session.flush()
            append_audit(session, actor, "resume.copy", at=now, entity="job_seeker", entity_id=row.seeker_id,
                         changes={"resume": row.id, "from": source.id, "title": new_title})
            return _view(row)

    def publish(self, actor: Actor, resume_id: str, *, expected_version: int) -> ResumeView:
        """Make this the seeker's published resume (active); the one published before is unpublished."""
        actor.require(Privilege.SEEKER_EDIT)
        with self._s.unit(actor, write=True) as session:
            row = self._row(session, resume_id, expected_version)
            if row.published:
                raise ServiceError(f"“{row.title}” is already the published resume")
            if _is_empty(row):
                raise ServiceError("An empty resume cannot be published: add its sections first (e)")
            now = self._s.now()
            previous = session.exec(select(Resume).where(Resume.seeker_id == row.seeker_id,
                                                         col(Resume.published).is_(True))).all()
            for other in previous:
                other.published = False
                other.updated_at = now
                session.add(other)
            session.flush()  # the old one is unpublished before the index sees the new one
            row.published, row.status, row.updated_at = True, "active", now
            session.add(row)
            session.flush()
            append_audit(session, actor, "resume.publish", at=now, entity="job_seeker", entity_id=row.seeker_id,
                         changes={"resume": row.id, "title": row.title,
                                  "unpublished": [o.id for o in previous] or None})
            return _view(row, self._source_name(session, row))

    def unpublish(self, actor: Actor, resume_id: str, *, expected_version: int) -> ResumeView:
        actor.require(Privilege.SEEKER_EDIT)
        with self._s.unit(actor, write=True) as session:
            row = self._row(session, resume_id, expected_version)
            if not row.published:
                raise ServiceError(f"“{row.title}” is not published")
            row.published, row.updated_at = False, self._s.now()
            session.add(row)
            session.flush()
            append_audit(session, actor, "resume.unpublish", at=self._s.now(), entity="job_seeker",
                         entity_id=row.seeker_id, changes={"resume": row.id, "title": row.title})
            return _view(row, self._source_name(session, row))

    def upload(self, actor: Actor, seeker_id: str, source: str | Path, *, title: str | None = None) -> ResumeView:
        """Read a resume file into a new draft; the original is kept as a document. All or nothing."""
        actor.require(Privilege.SEEKER_EDIT)
        documents = self._s.documents
        path, problem = documents.check_file(source, UPLOAD_SUFFIXES)
        if problem:
            raise InvalidInput({"file": problem})
        clean_title = _title(title) if title and title.strip() else f"Uploaded: {path.name}"[:TITLE_MAX]
        stored = documents.copy_in(path, field="file")  # read what is kept, not a file that could change after the check
        try:
            try:
                text = extract_text(stored.path)
            except UnreadableFile as exc:
                raise InvalidInput({"file": str(exc)}) from None
            sections = sections_from_text(text)
            with self._s.unit(actor, write=True) as session:
                seeker = seeker_row(session, seeker_id)
                document = documents.add_row(session, actor, seeker_id, path, stored, type="resume",
                                             note="uploaded as a resume")
                now = self._s.now()
                row = Resume(seeker_id=seeker_id, title=clean_title, status="draft", contact=contact_from_record(seeker),
                             source_document_id=document.id, created_at=now, updated_at=now,
                             **_clean_sections(sections))
                session.add(row)
                session.flush()
                append_audit(session, actor, "resume.upload", at=now, entity="job_seeker", entity_id=seeker_id,
                             changes={"resume": row.id, "document": document.id, "title": clean_title,
                                      "sections": [k for k in SECTION_KEYS if sections.get(k)]})
                return _view(row, document.original_name)
        except BaseException:
            stored.discard()  # nothing half-saved: no document row, no resume, no stored file
            raise

    def export(self, actor: Actor, resume_id: str, folder: str | Path, *, format: str = "text") -> Path:
        """Write the resume as ``.txt`` or ``.pdf`` into a folder (owner-only file); audited; the path written."""
        actor.require(Privilege.SEEKER_VIEW)
        if format not in EXPORT_FORMATS:
            raise InvalidInput({"format": "text or pdf"})
        destination = Path(str(folder)).expanduser()
        if not str(folder).strip() or not destination.is_dir():
            raise InvalidInput({"folder": "give a folder that exists"})
        target: Path | None = None
        try:
            with self._s.unit(actor, write=True) as session:
                row = self._row(session, resume_id)
                seeker = seeker_row(session, row.seeker_id)
                content = self._content(row, seeker)
                data = render_text(content).encode("utf-8") if format == "text" else pdf_bytes(content)
                base = _file_stem(f"{seeker.last_name} {seeker.first_name} - {row.title}")
                target = write_private(destination, f"{base}.{'txt' if format == 'text' else 'pdf'}", data)
                append_audit(session, actor, "resume.export", at=self._s.now(), entity="job_seeker",
                             entity_id=row.seeker_id, changes={"resume": row.id, "format": format, "to": str(target)[:200]})
            return target
        except BaseException:
            if target is not None:
                target.unlink(missing_ok=True)  # no file written that the audit log does not name
            raise

    # --- the state switch --------------------------------------------------------------------------

    def is_required(self) -> bool:
        with self._s.db.session() as session:
            return resume_required(session)

    def set_required(self, actor: Actor, value: Any) -> bool:
        """Turn ``resume_required`` on or off (``jobcenter config set resume_required true``); audited."""
        actor.require(Privilege.CONFIG_MANAGE)
        if not isinstance(value, bool):
            raise InvalidInput({"resume_required": "must be true or false"})
        with self._s.unit(actor, write=True) as session:
            entry = session.get(ConfigEntry, RESUME_REQUIRED_KEY)
            old = bool(entry.value) if entry is not None else False
            entry = entry or ConfigEntry(key=RESUME_REQUIRED_KEY, value=value)
            entry.value, entry.updated_at, entry.updated_by = value, self._s.now(), actor.username
            session.add(entry)
            append_audit(session, actor, "config.set", at=self._s.now(), entity="config", entity_id=RESUME_REQUIRED_KEY,
                         changes={"resume_required": {"old": old, "new": value}})
            return value

    # --- helpers -----------------------------------------------------------------------------------

    @staticmethod
    def _row(session: Session, resume_id: str, expected_version: int | None = None) -> Resume:
        row = session.get(Resume, resume_id)
        if row is None:
            raise NotFound(f"No resume {resume_id}")
        if expected_version is not None and row.version != expected_version:
            raise StaleRecord(f"“{row.title}” was changed at {row.updated_at:%Y-%m-%d %H:%M} after you opened it; "
                              "nothing was saved. Reopen it to see the change, then try again.")
        return row

    @staticmethod
    def _source_name(session: Session, row: Resume) -> str | None:
        if row.source_document_id is None:
            return None
        document = session.get(Document, row.source_document_id)
        return document.original_name if document else None

    @staticmethod
    def _content(row: Resume, seeker: JobSeeker) -> ResumeContent:
        return ResumeContent(name=resume_name(seeker), contact=contact_from_record(seeker), title=row.title,
                             objective=row.objective or "", work_history=tuple(row.work_history or ()),
                             education=tuple(row.education or ()), skills=tuple(row.skills or ()),
                             certifications=tuple(row.certifications or ()), references=tuple(row.references or ()),
                             additional=row.additional or "")
