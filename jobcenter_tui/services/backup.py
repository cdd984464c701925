"""Backups of a SQLite store: taken online, checked, encrypted under a key derived from the store key.

``create_backup`` copies the store with SQLite's backup API in one step (one read transaction: a
consistent snapshot while others keep writing, WAL lets them), runs ``integrity_check`` and the
audit chain check on the copy, then encrypts it in 1 MiB chunks so memory stays flat whatever the
store's size. ``restore_backup`` refuses a file that fails any check, or one made under another
key, before it touches the store; the store it replaces is kept aside, and the restore is audited
in the restored store.

File format, version 1::

    header  b"JOBCENTER-BACKUP" | version (1 byte) | key id (16 bytes) | salt (16) |
            made at (8, Unix seconds) | chunk size (4)          — all big-endian
    chunk   final flag (1 byte) | length (4) | AES-256-GCM ciphertext (≤ chunk size + 16)

Each file's key is HKDF(backup key, salt), the nonce of a chunk is its index, and the additional
data is the header, the index and the final flag: a changed header, a flipped byte, a chunk
dropped, repeated, reordered or cut off all fail the check.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from jobcenter_tui.config import Settings, create_private_file, ensure_private_dir, write_privately
from jobcenter_tui.db.engine import Database
from jobcenter_tui.db.models import AppMeta
from jobcenter_tui.domain.permissions import Actor, Privilege
from jobcenter_tui.services.audit import META_AUDIT_KEY, append_audit, verify_chain
from jobcenter_tui.services.crypto import Keyring
from jobcenter_tui.services.errors import ServiceError
from jobcenter_tui.services.keys import bind_store_key

if TYPE_CHECKING:
    from jobcenter_tui.services import Services

MAGIC = b"JOBCENTER-BACKUP"
VERSION = 1
CHUNK = 1 << 20
_HEADER = struct.Struct(">16sB16s16sQI")
_CHUNK_HEAD = struct.Struct(">BI")
_TAG = 16

NOT_SQLITE = ("Backups are made here for a SQLite store only. Back up a PostgreSQL store with pg_dump "
              "(and keep the key file, elsewhere, with the dumps).")
RESTORE_NOT_SQLITE = "Restoring is for a SQLite store only; restore a PostgreSQL store from its pg_dump with pg_restore."


class BackupRefused(ServiceError):
    """A backup that cannot be made, or a file that cannot be restored; the store is unchanged."""


@dataclass(frozen=True)
class BackupHeader:
    version: int
    key_id: str
    salt: bytes
    made_at: datetime
    chunk_size: int
    raw: bytes


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int  # bytes written (encrypted)
    store_bytes: int  # bytes of the store copy
    audit_rows: int
    seconds: float


@dataclass(frozen=True)
class RestoreResult:
    store: Path
    kept_aside: Path | None
    made_at: datetime
    audit_rows: int


def default_backup_path(settings: Settings, now: datetime) -> Path:
    return settings.backups_dir / f"jobcenter-{now:%Y%m%d-%H%M%S}.backup"


# --- making a backup --------------------------------------------------------------------------------


def create_backup(services: Services, actor: Actor, out: Path | None = None, *, chunk_size: int = CHUNK) -> BackupResult:
    """Copy the store online, check the copy, write it encrypted to ``out`` (default: backups/…)."""
    actor.require(Privilege.REPORT_EXPORT)  # a backup holds every record: it is an export
    settings = services.settings
    store = settings.sqlite_path
    if store is None:
        raise BackupRefused(NOT_SQLITE)
    started = time.perf_counter()
    now = services.now()
    if out is None:
        target = default_backup_path(settings, now)
        ensure_private_dir(target.parent)
    else:
        target = Path(out).expanduser()
        if not target.parent.is_dir():
            raise BackupRefused(f"The folder {target.parent} does not exist.")
    with _workdir(settings) as work:
        copy = work / "store.db"
        _online_copy(store, copy, settings.busy_timeout)
        rows = _check_store(copy, settings, "The copy of the store", services.keyring)
        header = _header(services.keyring.key_id, now, chunk_size)
        with open(copy, "rb") as plain, write_privately(target) as sealed:
            size = _encrypt(services.keyring, header, plain, sealed, chunk_size)
        store_bytes = copy.stat().st_size
    try:
        with services.db.session(write=True) as session:
            append_audit(session, actor, "store.backup", at=services.now(), entity="store",
                         changes={"to": str(target)[:200], "bytes": size, "audit_rows": rows})
    except BaseException:
        target.unlink(missing_ok=True)  # no backup the audit log does not name
        raise
    return BackupResult(target, size, store_bytes, rows, time.perf_counter() - started)


@contextmanager
def _workdir(settings: Settings) -> Iterator[Path]:
    """A private (0700) folder beside the store for the plain copy; removed whatever happens."""
    base = settings.sqlite_path.parent if settings.sqlite_path else settings.home
    ensure_private_dir(base)
    work = Path(tempfile.mkdtemp(prefix=".jobcenter-backup-", dir=base))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _online_copy(store: Path, copy: Path, busy_timeout: float) -> None:
    """SQLite's backup API in one step: one read transaction, so the copy is one moment of the store."""
    if not store.is_file():
        raise BackupRefused(f"There is no store at {store}.")
    create_private_file(copy)
    src = sqlite3.connect(str(store), timeout=busy_timeout)
    try:
        dst = sqlite3.connect(str(copy))
        try:
            src.backup(dst)  # pages=-1: everything at once
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dst.close()
    finally:
        src.close()


def _check_store(path: Path, settings: Settings, what: str, keyring: Keyring) -> int:
    """``integrity_check`` and the keyed audit chain on a store file; the number of audit rows.

    The copy is older than the checkpoint beside the key file, so it is checked against its own
    chain only (its audit key is unsealed with ``keyring``: a copy of another store fails here).
    """
    con = sqlite3.connect(str(path))
    try:
        result = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        raise BackupRefused(f"{what} is not a readable store ({exc}).") from None
    finally:
        con.close()
    if result != ["ok"]:
        raise BackupRefused(f"{what} fails SQLite's integrity check: {'; '.join(result[:3])}.")
    db = Database(f"sqlite:///{path}", busy_timeout=settings.busy_timeout)
    try:
        with db.session() as session:
            sealed = session.get(AppMeta, META_AUDIT_KEY)
            audit_key, keyed_from = None, 1
            if sealed is not None:
                try:
                    audit_key, keyed_from, _legacy = keyring.unwrap_audit_key(sealed.value)
                except ValueError:
                    raise BackupRefused(f"{what} was not made under this key file.") from None
            report = verify_chain(session, audit_key=audit_key, keyed_from=keyed_from)
    finally:
        db.dispose()
    if not report.ok:
        raise BackupRefused(f"{what} fails the audit check: row {report.first_bad_id} {report.problem}.")
    return report.rows


# --- the file format ---------------------------------------------------------------------------------


def _header(key_id: str, made_at: datetime, chunk_size: int) -> bytes:
    return _HEADER.pack(MAGIC, VERSION, bytes.fromhex(key_id), os.urandom(16), int(made_at.timestamp()), chunk_size)


def _file_aead(keyring: Keyring, salt: bytes) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"jobcenter:backup-file:v1").derive(keyring.backup_key)
    return AESGCM(key)


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">QB", index, int(final))


def _nonce(index: int) -> bytes:
    return index.to_bytes(12, "big")


def _encrypt(keyring: Keyring, header: bytes, plain: IO[bytes], out: IO[bytes], chunk_size: int) -> int:
    aead = _file_aead(keyring, _HEADER.unpack(header)[3])
    out.write(header)
    written = len(header)
    index = 0
    chunk = plain.read(chunk_size)
    while True:
        following = plain.read(chunk_size)
        final = not following
        sealed = aead.encrypt(_nonce(index), chunk, _aad(header, index, final))
        out.write(_CHUNK_HEAD.pack(int(final), len(sealed)) + sealed)
        written += _CHUNK_HEAD.size + len(sealed)
        if final:
            return written
        chunk, index = following, index + 1


def read_header(source: IO[bytes], name: str) -> BackupHeader:
    raw = source.read(_HEADER.size)
    if len(raw) < _HEADER.size or not raw.startswith(MAGIC):
        raise BackupRefused(f"{name} is not a jobcenter backup.")
    magic, version, key_id, salt, made, chunk_size = _HEADER.unpack(raw)
    if version != VERSION:
        raise BackupRefused(f"{name} is a backup of format {version}, which this version of jobcenter cannot read.")
    if not 0 < chunk_size <= 64 * CHUNK:
        raise BackupRefused(f"{name} is damaged (its header is not valid).")
    return BackupHeader(version, key_id.hex(), salt, datetime.fromtimestamp(made, UTC), chunk_size, raw)


def inspect_backup(file: Path, keyring: Keyring) -> BackupHeader:
    """The backup's header, refused when the file is not a backup or was made under another key."""
    try:
        with open(file, "rb") as source:
            header = read_header(source, str(file))
    except OSError as exc:
        raise BackupRefused(f"Cannot read {file}: {exc.strerror or exc}.") from None
    if header.key_id != keyring.key_id:
        raise BackupRefused(
            f"{file} was made under another key (key id {header.key_id[:12]}…; this store's key is "
            f"{keyring.key_id[:12]}…). Restore it with the key file it was made with (JOBCENTER_KEY_FILE). "
            "Nothing was changed.")
    return header


def _decrypt(keyring: Keyring, header: BackupHeader, source: IO[bytes], out: IO[bytes], name: str) -> None:
    aead = _file_aead(keyring, header.salt)
    index = 0
    while True:
        head = source.read(_CHUNK_HEAD.size)
        if len(head) < _CHUNK_HEAD.size:
            raise BackupRefused(f"{name} is incomplete: it ends before its last part (cut short?). Nothing was changed.")
        final, length = _CHUNK_HEAD.unpack(head)
        if final not in (0, 1) or not _TAG <= length <= header.chunk_size + _TAG:
            raise BackupRefused(f"{name} is damaged (part {index + 1} is not valid). Nothing was changed.")
        sealed = source.read(length)
        if len(sealed) < length:
            raise BackupRefused(f"{name} is incomplete: it ends before its last part (cut short?). Nothing was changed.")
        try:
            out.write(aead.decrypt(_nonce(index), sealed, _aad(header.raw, index, bool(final))))
        except InvalidTag:
            raise BackupRefused(f"{name} is damaged or was changed (part {index + 1} fails its check). "
                                "Nothing was changed.") from None
        if final:
            if source.read(1):
                raise BackupRefused(f"{name} has data after its last part (it was changed). Nothing was changed.")
            return
        index += 1


# --- restoring ---------------------------------------------------------------------------------------


def restore_backup(settings: Settings, keyring: Keyring, file: Path, actor: Actor, *,
                   clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> RestoreResult:
    """Replace the store with a checked backup; the store it replaces is kept aside. Audited."""
    store = settings.sqlite_path
    if store is None:
        raise BackupRefused(RESTORE_NOT_SQLITE)
    header = inspect_backup(file, keyring)
    ensure_private_dir(store.parent)
    now = clock()
    stamp = f"{now:%Y%m%d-%H%M%S}"
    present = any(Path(f"{store}{suffix}").exists() for suffix in ("", "-wal", "-shm"))
    aside = store.with_name(f"{store.name}.before-restore-{stamp}") if present else None
    with _workdir(settings) as work:
        restored = work / "restored.db"
        with open(file, "rb") as source, write_privately(restored) as out:
            source.seek(_HEADER.size)
            _decrypt(keyring, header, source, out, str(file))
        rows = _check_store(restored, replace(settings, database_url=f"sqlite:///{restored}"), "The backup's store",
                            keyring)
        db = Database(f"sqlite:///{restored}", busy_timeout=settings.busy_timeout)
        try:
            keys = bind_store_key(db, keyring, settings.key_file)
            db.audit_key, db.key_id = keys.audit_key, keys.keyring.key_id
            with db.session(write=True) as session:
                append_audit(session, actor, "store.restore", at=now, entity="store",
                             changes={"from": str(file)[:200], "backup_made_at": header.made_at.isoformat(),
                                      "kept_aside": str(aside)[:200] if aside else None})
            head = session.info["audit_head"]
            # the restored store is now the store: its head, not the replaced store's, is the checkpoint
            keys.checkpoint.write_head(head.last_id, head.last_hash)
        finally:
            db.dispose()  # the last connection closing folds the -wal into the file
        _fold_wal(restored)
        if aside is not None:  # moved as it is, -wal and -shm beside it: together they are that store
            _move_store(store, aside)
        try:
            os.replace(restored, store)
        except BaseException:
            if aside is not None:
                _move_store(aside, store)  # put the old store back
            raise
    return RestoreResult(store, aside, header.made_at, rows + 1)


def _fold_wal(path: Path) -> None:
    """Checkpoint the write-ahead log into the store file, so the file alone is the whole store."""
    con = sqlite3.connect(str(path), timeout=5)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def _move_store(source: Path, target: Path) -> None:
    """Rename a store file with its -wal and -shm (a stale -wal must never meet another store)."""
    for suffix in ("-wal", "-shm"):
        companion = Path(f"{source}{suffix}")
        if companion.exists():
            os.replace(companion, Path(f"{target}{suffix}"))
    if source.exists():
        os.replace(source, target)
