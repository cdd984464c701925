"""Documents kept for a case: files copied into the data directory, checksummed, verified.

The stored file gets a generated name under ``<home>/documents`` — nothing a person types ever
becomes part of a stored path, so path traversal cannot happen. Size and type are limited.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from jobcenter_tui.config import DEFAULT_MAX_DOCUMENT_BYTES
from jobcenter_tui.db.models import Document
from jobcenter_tui.domain.permissions import Actor, Privilege
from jobcenter_tui.services.audit import append_audit
from jobcenter_tui.services.common import require_seeker
from jobcenter_tui.services.errors import InvalidInput, NotFound, ServiceError

if TYPE_CHECKING:
    from jobcenter_tui.services import Services

DOCUMENT_TYPES = ("proof_of_age", "proof_of_identity", "work_authorization", "selective_service", "dd214",
                  "layoff_notice", "income", "public_assistance", "school_status", "disability", "resume", "other")
ALLOWED_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".gif", ".txt", ".md", ".doc", ".docx",
                    ".odt", ".rtf")


@dataclass(frozen=True)
class DocumentView:
    id: str
    type: str
    criterion: str | None
    original_name: str
    size_bytes: int
    sha256: str
    note: str | None
    uploaded_by: str | None
    uploaded_at: datetime
    verified_by: str | None
    verified_at: datetime | None


@dataclass(frozen=True)
class StoredFile:
    """A file copied into the documents folder, not yet recorded: record it or ``discard()`` it."""

    name: str
    path: Path
    sha256: str
    size: int

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def _view(d: Document) -> DocumentView:
    return DocumentView(d.id, d.type, d.criterion, d.original_name, d.size_bytes, d.sha256, d.note, d.uploaded_by,
                        d.uploaded_at, d.verified_by, d.verified_at)


class DocumentService:
    def __init__(self, services: Services, max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES) -> None:
        self._s = services
        self.max_bytes = max_bytes

    @property
    def folder(self) -> Path:
        return self._s.settings.documents_dir

    def attach(self, actor: Actor, seeker_id: str, source: str | Path, *, type: str, criterion: str | None = None,
               note: str | None = None) -> DocumentView:
        """Copy a file into the store's documents folder and record it."""
        actor.require(Privilege.SEEKER_EDIT)
        errors: dict[str, str] = {}
        if type not in DOCUMENT_TYPES:
            errors["type"] = f"must be one of {', '.join(DOCUMENT_TYPES)}"
        path, problem = self.check_file(source)
        if problem:
            errors["path"] = problem
        if errors:
            raise InvalidInput(errors)
        stored = self.copy_in(path)
        try:
            with self._s.unit(actor, write=True) as session:
                require_seeker(session, seeker_id)
                row = self.add_row(session, actor, seeker_id, path, stored, type=type, criterion=criterion, note=note)
                return _view(row)
        except BaseException:
            stored.discard()  # nothing half-written: no row, no orphan file
            raise

    # --- the steps of attaching, for a use case that keeps a document beside its own rows -------

    def check_file(self, source: str | Path, allowed: tuple[str, ...] = ALLOWED_SUFFIXES) -> tuple[Path, str | None]:
        """The file named by ``source`` and what is wrong with it for attaching (None: nothing)."""
        path = Path(str(source)).expanduser()
        if not str(source).strip():
            return path, "give the path of the file to attach"
        if not path.is_file():
            return path, "no such file (give the full path of a file this computer can read)"
        if path.suffix.lower() not in allowed:
            return path, f"{path.suffix or 'this'} files are not accepted; accepted: {', '.join(allowed)}"
        size = path.stat().st_size
        if size > self.max_bytes:
            return path, f"the file is {size / 1e6:.1f} MB; the limit is {self.max_bytes / 1e6:.0f} MB"
        if size == 0:
            return path, "the file is empty"
        return path, None

    def copy_in(self, path: Path) -> StoredFile:
        """Copy a checked file under a generated name (0600), hashing it; the caller records or discards it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        stored = f"{uuid.uuid4().hex}{path.suffix.lower()}"
        target = self.folder / stored
        digest = hashlib.sha256()
        size = 0
        try:
            with path.open("rb") as src, open(target, "xb") as dst:
                os.chmod(target, 0o600)
                while chunk := src.read(1 << 16):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise InvalidInput({"path": "the file grew past the size limit while it was being copied"})
                    digest.update(chunk)
                    dst.write(chunk)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        return StoredFile(stored, target, digest.hexdigest(), size)

    def add_row(self, session: Session, actor: Actor, seeker_id: str, path: Path, stored: StoredFile, *, type: str,
                criterion: str | None = None, note: str | None = None) -> Document:
        """Record a copied file in the caller's unit of work, audited."""
        now = self._s.now()
        row = Document(seeker_id=seeker_id, type=type, criterion=criterion or None, original_name=path.name[:255],
                       stored_name=stored.name, sha256=stored.sha256, size_bytes=stored.size,
                       media_type=mimetypes.guess_type(path.name)[0], note=note or None,
                       uploaded_by=actor.username, uploaded_at=now)
        session.add(row)
        session.flush()
        append_audit(session, actor, "document.attach", at=now, entity="job_seeker", entity_id=seeker_id,
                     changes={"document": row.id, "type": type, "name": path.name[:255], "sha256": row.sha256})
        return row

    def documents(self, actor: Actor, seeker_id: str) -> list[DocumentView]:
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.unit(actor) as session:
            rows = session.exec(select(Document).where(Document.seeker_id == seeker_id)
                                .order_by(Document.uploaded_at.desc())).all()  # type: ignore[attr-defined]
            return [_view(r) for r in rows]

    def verify(self, actor: Actor, document_id: str) -> DocumentView:
        actor.require(Privilege.SEEKER_EDIT)
        with self._s.unit(actor, write=True) as session:
            row = session.get(Document, document_id)
            if row is None:
                raise NotFound(f"No document {document_id}")
            if row.verified_at is not None:
                raise ServiceError(f"Already verified by {row.verified_by}")
            row.verified_by, row.verified_at = actor.username, self._s.now()
            session.add(row)
            append_audit(session, actor, "document.verify", at=self._s.now(), entity="job_seeker", entity_id=row.seeker_id,
                         changes={"document": row.id})
            session.flush()
            return _view(row)

    def export_copy(self, actor: Actor, document_id: str, folder: str | Path) -> Path:
        """Copy the stored file out (after checking its checksum); the export is audited."""
        actor.require(Privilege.SEEKER_VIEW)
        destination = Path(str(folder)).expanduser()
        if not destination.is_dir():
            raise InvalidInput({"folder": "give a folder that exists"})
        with self._s.unit(actor, write=True) as session:
            row = session.get(Document, document_id)
            if row is None:
                raise NotFound(f"No document {document_id}")
            stored = self.folder / row.stored_name
            if not stored.is_file() or hashlib.sha256(stored.read_bytes()).hexdigest() != row.sha256:
                raise ServiceError("The stored file is missing or does not match its checksum")
            target = destination / Path(row.original_name).name
            stem, suffix, n = target.stem, target.suffix, 1
            while target.exists():
                target = destination / f"{stem} ({n}){suffix}"
                n += 1
            shutil.copyfile(stored, target)
            append_audit(session, actor, "document.export", at=self._s.now(), entity="job_seeker", entity_id=row.seeker_id,
                         changes={"document": row.id, "to": str(target)[:200]})
            return target
