"""Documents kept for a case: files copied into the data directory, checksummed, verified.

The stored file gets a generated name under ``<home>/documents`` — nothing a person types ever
becomes part of a stored path, so path traversal cannot happen. Size and type are limited.
"""

from __future__ import annotations

import errno
import hashlib
import mimetypes
import os
import stat
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from sqlmodel import Session, select

from jobcenter_tui.config import DEFAULT_MAX_DOCUMENT_BYTES, PRIVATE_FILE_MODE, ensure_private_dir, write_privately
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


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # opening a FIFO must not wait for a writer


class FileRefused(ValueError):
    """The path is not a regular file we may attach; the message says why in plain words."""


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
        """The file named by ``source`` and what is wrong with it for attaching (None: nothing).

        An early answer for the form; ``copy_in`` checks again what it actually copies.
        """
        path = Path(str(source)).expanduser()
        if not str(source).strip():
            return path, "give the path of the file to attach"
        try:
            fd, size = _open_regular(path)
        except FileRefused as refused:
            return path, str(refused)
        with os.fdopen(fd, "rb") as fh:
            if path.suffix.lower() not in allowed:
                return path, f"{path.suffix or 'this'} files are not accepted; accepted: {', '.join(allowed)}"
            problem = _size_problem(size, self.max_bytes) or content_problem(path.suffix.lower(), fh)
        return path, problem

    def copy_in(self, path: Path, *, field: str = "path") -> StoredFile:
        """Copy a file under a generated name (0600), hashing it; the caller records or discards it.

        The checks run on the opened file and on the copy itself, so a file swapped for a symlink,
        a pipe or another content after ``check_file`` is still refused (``InvalidInput`` on ``field``).
        """
        try:
            fd, _size = _open_regular(path)
        except FileRefused as refused:
            raise InvalidInput({field: str(refused)}) from None
        ensure_private_dir(self.folder)
        stored = f"{uuid.uuid4().hex}{path.suffix.lower()}"
        target = self.folder / stored
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "rb") as src:
                out = os.open(target, os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW, PRIVATE_FILE_MODE)
                with os.fdopen(out, "w+b") as dst:
                    if hasattr(os, "fchmod"):
                        os.fchmod(dst.fileno(), PRIVATE_FILE_MODE)
                    while chunk := src.read(1 << 16):
                        size += len(chunk)
                        if size > self.max_bytes:
                            raise InvalidInput({field: "the file grew past the size limit while it was being copied"})
                        digest.update(chunk)
                        dst.write(chunk)
                    dst.flush()
                    problem = ("the file is empty" if size == 0 else None) or content_problem(path.suffix.lower(), dst)
                    if problem:
                        raise InvalidInput({field: problem})
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
            target = _write_new_copy(stored, destination, Path(row.original_name).name)
            try:
                append_audit(session, actor, "document.export", at=self._s.now(), entity="job_seeker",
                             entity_id=row.seeker_id, changes={"document": row.id, "to": str(target)[:200]})
                session.flush()
            except BaseException:
                target.unlink(missing_ok=True)  # no copy the audit log does not name
                raise
            return target


# --- what may be attached ---------------------------------------------------------------------------


def _open_regular(path: Path) -> tuple[int, int]:
    """Open ``path`` for reading without following a symlink; (descriptor, size) of a regular file.

    The type is taken from the opened descriptor (``fstat``), so nothing can be swapped in between
    the check and the read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise FileRefused("no such file (give the full path of a file this computer can read)") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise FileRefused("this is a symbolic link; give the path of the file itself") from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise FileRefused("this file cannot be read (you do not have permission to read it)") from None
        if exc.errno == errno.ENXIO:
            raise FileRefused("this is not a file (it is a socket or a device)") from None
        raise FileRefused(f"the file cannot be opened ({exc.strerror or exc})") from None
    st = os.fstat(fd)
    if stat.S_ISREG(st.st_mode):
        if _NONBLOCK:
            os.set_blocking(fd, True)
        return fd, st.st_size
    os.close(fd)
    if stat.S_ISDIR(st.st_mode):
        raise FileRefused("this is a folder; give the path of a file in it")
    if stat.S_ISFIFO(st.st_mode):
        raise FileRefused("this is a pipe (FIFO), not a file")
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        raise FileRefused("this is a device, not a file")
    raise FileRefused("this is not a regular file")


_MIB = 1024 * 1024


def _mb(n: int) -> str:
    return f"{n / _MIB:.1f}".removesuffix(".0")


def _size_problem(size: int, limit: int) -> str | None:
    """Too big or empty, said in the limit's own unit ("is 25.3 MB; the limit is 20 MB")."""
    if size == 0:
        return "the file is empty"
    if size <= limit:
        return None
    if _mb(size) == _mb(limit):  # too close to tell apart in MB: say the bytes
        return f"the file is {size:,} bytes; the limit is {limit:,} bytes"
    return f"the file is {_mb(size)} MB; the limit is {_mb(limit)} MB"


_PROGRAMS = (b"\x7fELF", b"MZ", b"#!", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
_MAGIC: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".png": ("a PNG image", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("a JPEG image", (b"\xff\xd8\xff",)),
    ".jpeg": ("a JPEG image", (b"\xff\xd8\xff",)),
    ".gif": ("a GIF image", (b"GIF87a", b"GIF89a")),
    ".tif": ("a TIFF image", (b"II*\x00", b"MM\x00*")),
    ".tiff": ("a TIFF image", (b"II*\x00", b"MM\x00*")),
    ".doc": ("a Word (.doc) document", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".rtf": ("an RTF document", (b"{\\rtf",)),
}


def content_problem(suffix: str, fh: IO[bytes]) -> str | None:
    """Whether the content is what the name says (PDF, PNG, JPEG, Word, text…); None when it is."""
    fh.seek(0)
    head = fh.read(1024)
    if head.startswith(_PROGRAMS) and suffix not in (".txt", ".md"):
        return f"this file is a program, not {_KINDS.get(suffix, 'a document')}; it cannot be attached"
    if suffix == ".pdf":
        return None if b"%PDF-" in head else "the file is not a PDF (its content does not start like one)"
    if suffix in _MAGIC:
        kind, magics = _MAGIC[suffix]
        return None if head.startswith(magics) else f"the file is not {kind} (its content does not match {suffix})"
    if suffix in (".docx", ".odt"):
        return _zip_problem(suffix, fh)
    if suffix in (".txt", ".md"):
        return _text_problem(fh)
    return None


_KINDS = {".pdf": "a PDF", ".docx": "a Word (.docx) document", ".odt": "an OpenDocument text",
          ".txt": "text", ".md": "text", **{k: v[0] for k, v in _MAGIC.items()}}


def _zip_problem(suffix: str, fh: IO[bytes]) -> str | None:
    kind = _KINDS[suffix]
    fh.seek(0)
    try:
        with zipfile.ZipFile(fh) as archive:
            names = set(archive.namelist())
            if suffix == ".docx":
                return None if "word/document.xml" in names else f"the file is not {kind} (it has no document inside)"
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, KeyError):
        return f"the file is not {kind} (it may be damaged)"
    ok = mimetype.startswith(b"application/vnd.oasis.opendocument.text")
    return None if ok else f"the file is not {kind} (it may be damaged)"


def _text_problem(fh: IO[bytes]) -> str | None:
    """UTF-8 text (a BOM is fine) without NUL characters."""
    import codecs

    fh.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := fh.read(1 << 16):
            if b"\x00" in chunk:
                return "this is not a text file (it holds binary data)"
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "the file's characters cannot be read; save it as UTF-8 text and attach it again"
    return None


def _write_new_copy(stored: Path, folder: Path, name: str) -> Path:
    """Copy ``stored`` into ``folder`` as ``name`` (or "name (1)"…), 0600, whole or not at all."""
    stem, suffix = Path(name).stem, Path(name).suffix
    target, n = folder / name, 1
    while True:
        try:
            with open(stored, "rb") as src, write_privately(target, replace=False) as out:
                while chunk := src.read(1 << 16):
                    out.write(chunk)
            return target
        except FileExistsError:
            target, n = folder / f"{stem} ({n}){suffix}", n + 1
