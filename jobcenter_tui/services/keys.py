"""Which key a store belongs to, its audit key, and rotating the master key.

The store records the identifier of its master key (``app_meta`` row ``key_id``) and its audit
key sealed under the master key (row ``audit_key``). Opening with another valid key file is
refused before anything is written — otherwise SSNs already stored would be imported again as new
people and reading the old ones would fail.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, func, text, update
from sqlmodel import Session, col, select

from jobcenter_tui.db.engine import Database
from jobcenter_tui.db.models import AppMeta, AuditEntry, JobSeeker, PossibleDuplicate
from jobcenter_tui.domain.permissions import Actor
from jobcenter_tui.services.audit import META_AUDIT_KEY, META_KEY_ID, AuditCheckpoint, append_audit
from jobcenter_tui.services.crypto import (
    KeyFileError,
    Keyring,
    StoreKeyChanged,
    WrongKeyError,
    create_key_file,
    key_tail,
    new_master_key,
    read_key_file,
)
from jobcenter_tui.services.errors import ServiceError

try:
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from jobcenter_tui.services import Services

_BATCH = 2000


@dataclass(frozen=True)
class StoreKeys:
    """What ``open_services`` learns from the store once the key is known to be its own."""

    keyring: Keyring
    audit_key: bytes
    checkpoint: AuditCheckpoint
    finished_rotation: bool = False  # an interrupted ``key rotate`` was completed while opening


def pending_key_path(key_file: Path) -> Path:
    return key_file.with_name(key_file.name + ".rotating")


def checkpoint_path(key_file: Path) -> Path:
    return key_file.with_name(key_file.name + ".audit-head")


def _wrong_key(key_file: Path, keyring: Keyring, store_key_id: str) -> WrongKeyError:
    return WrongKeyError(
        f"This key file ({key_file}) does not belong to this store (key {key_tail(keyring.key_id)}, store expects "
        f"{key_tail(store_key_id)}). Use the store's key file or set JOBCENTER_KEY_FILE."
    )


def _meta(session: Session) -> dict[str, str]:
    rows = session.exec(select(AppMeta).where(col(AppMeta.key).in_([META_KEY_ID, META_AUDIT_KEY]))).all()
    return {r.key: r.value for r in rows}


def bind_store_key(db: Database, keyring: Keyring, key_file: Path) -> StoreKeys:
    """Check that ``keyring`` is this store's key (recording it on a store that has none yet) and
    open the store's audit key. Raises :class:`WrongKeyError` — having written nothing — when not.

    A store made before keys were recorded adopts the key only if it decrypts an SSN already
    stored (a store without SSNs adopts it as it is).
    """
    with db.session() as session:
        meta = _meta(session)
    finished = False
    if META_KEY_ID not in meta or META_AUDIT_KEY not in meta:
        meta = _adopt(db, keyring, key_file)
    if meta[META_KEY_ID] != keyring.key_id:
        completed = finish_interrupted_rotation(key_file, meta[META_KEY_ID])
        if completed is None:
            raise _wrong_key(key_file, keyring, meta[META_KEY_ID])
        keyring, finished = completed, True
    try:
        audit_key, keyed_from, legacy_rows = keyring.unwrap_audit_key(meta[META_AUDIT_KEY])
    except ValueError:
        raise KeyFileError("The store's audit key cannot be opened with its own key: the store's key records "
                           "were altered. Restore the store from a backup.") from None
    checkpoint = AuditCheckpoint(checkpoint_path(key_file), audit_key, keyed_from, legacy_rows)
    return StoreKeys(keyring, audit_key, checkpoint, finished)


def _adopt(db: Database, keyring: Keyring, key_file: Path) -> dict[str, str]:
    """Record the key (and make the audit key) on a store that has not recorded them yet."""
    start_checkpoint: tuple[AuditCheckpoint, int, str] | None = None
    with db.session(write=True) as session:
        meta = _meta(session)  # again, under the write lock: another process may have done it
        if META_KEY_ID not in meta:
            sample = session.execute(text(
                "SELECT ssn_cipher FROM job_seeker WHERE ssn_cipher IS NOT NULL UNION ALL "
                "SELECT ssn_cipher FROM possible_duplicate WHERE ssn_cipher IS NOT NULL LIMIT 1")).scalar()
            if sample is not None:
                try:
                    keyring.decrypt(sample)
                except Exception:  # noqa: BLE001 - InvalidTag: written under another key
                    raise WrongKeyError(
                        f"This key file ({key_file}) cannot read the SSNs in this store (key "
                        f"{key_tail(keyring.key_id)}). Use the store's key file or set JOBCENTER_KEY_FILE.") from None
            session.add(AppMeta(key=META_KEY_ID, value=keyring.key_id))
            meta[META_KEY_ID] = keyring.key_id
        elif meta[META_KEY_ID] != keyring.key_id:
            raise _wrong_key(key_file, keyring, meta[META_KEY_ID])
        if META_AUDIT_KEY not in meta:
            last = session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(col(AuditEntry.id).desc()).limit(1)).first()
            legacy_rows = session.execute(select(func.count()).select_from(AuditEntry)).scalar() or 0
            keyed_from = (int(last[0]) + 1) if last else 1  # rows before this stay plain SHA-256, checked as such
            audit_key = os.urandom(32)
            meta[META_AUDIT_KEY] = keyring.wrap_audit_key(audit_key, keyed_from, legacy_rows)
            session.add(AppMeta(key=META_AUDIT_KEY, value=meta[META_AUDIT_KEY]))
            if last is not None:
                start_checkpoint = (AuditCheckpoint(checkpoint_path(key_file), audit_key, keyed_from, legacy_rows),
                                    int(last[0]), str(last[1]))
    if start_checkpoint is not None and not start_checkpoint[0].path.exists():
        checkpoint, last_id, last_hash = start_checkpoint
        checkpoint.write_head(last_id, last_hash)
    return meta


# --- rotation --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyRotation:
    old_key: str  # tails of the key identifiers, for people
    new_key: str
    ssns: int  # encrypted SSN values re-encrypted (records and possible duplicates)
    old_key_file: Path


@contextlib.contextmanager
def _rotation_lock(key_file: Path) -> Iterator[None]:
    """One rotation (or completion of one) at a time, across processes."""
    fd = os.open(key_file.with_name(key_file.name + ".rotate-lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _swap_in(key_file: Path, pending: Path, at: datetime) -> Path:
    """Keep the current key file aside as ``<key>.old-<timestamp>`` (same file, 0600), then
    rename the pending key over it."""
    stamp = at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = key_file.with_name(f"{key_file.name}.old-{stamp}")
    n = 1
    while key_file.exists():
        try:
            os.link(key_file, aside)  # a second name for the old key file: no copy, same mode
            break
        except FileExistsError:
            n += 1
            aside = key_file.with_name(f"{key_file.name}.old-{stamp}-{n}")
    os.replace(pending, key_file)
    _fsync_dir(key_file.parent)
    return aside


def finish_interrupted_rotation(key_file: Path, store_key_id: str) -> Keyring | None:
    """A rotation that committed but died before swapping the files left the new key beside the
    old one: if that is the key the store now expects, put it in place and return it."""
    pending = pending_key_path(key_file)
    if not pending.exists():
        return None
    with _rotation_lock(key_file):
        if not pending.exists():  # completed by another process meanwhile
            ring = Keyring(read_key_file(key_file))
            return ring if ring.key_id == store_key_id else None
        try:
            ring = Keyring(read_key_file(pending))
        except KeyFileError:
            return None
        if ring.key_id != store_key_id:
            return None
        _swap_in(key_file, pending, datetime.now(UTC))
        return ring


def _reencrypt(session: Session, old: Keyring, new: Keyring) -> int:
    """Every value made with the key: SSN ciphers and both blind indexes of records, and the SSN
    (cipher and index) a possible duplicate holds for staff. Batched reads, one transaction."""
    count = 0
    seekers = JobSeeker.__table__  # type: ignore[attr-defined]
    set_seeker = update(seekers).where(seekers.c.pk == bindparam("b_pk")).values(
        ssn_cipher=bindparam("b_cipher"), ssn_index=bindparam("b_index"), ssn_last4_index=bindparam("b_last4"))
    last_pk = 0
    while True:
        rows = session.execute(text(
            "SELECT pk, ssn_cipher FROM job_seeker WHERE pk > :pk AND ssn_cipher IS NOT NULL ORDER BY pk LIMIT :n"),
            {"pk": last_pk, "n": _BATCH}).all()
        if not rows:
            break
        params = []
        for pk, cipher in rows:
            ssn = old.decrypt(cipher)
            params.append({"b_pk": pk, "b_cipher": new.encrypt(ssn), "b_index": new.blind_index(ssn),
                           "b_last4": new.last4_index(ssn.last4)})
        session.execute(set_seeker, params)
        count += len(rows)
        last_pk = rows[-1][0]
    dups = PossibleDuplicate.__table__  # type: ignore[attr-defined]
    set_dup = update(dups).where(dups.c.id == bindparam("b_id")).values(
        ssn_cipher=bindparam("b_cipher"), ssn_index=bindparam("b_index"))
    last_id = ""
    while True:
        rows = session.execute(text(
            "SELECT id, ssn_cipher FROM possible_duplicate WHERE id > :id AND ssn_cipher IS NOT NULL ORDER BY id LIMIT :n"),
            {"id": last_id, "n": _BATCH}).all()
        if not rows:
            break
        params = []
        for row_id, cipher in rows:
            ssn = old.decrypt(cipher)
            params.append({"b_id": row_id, "b_cipher": new.encrypt(ssn), "b_index": new.blind_index(ssn)})
        session.execute(set_dup, params)
        count += len(rows)
        last_id = rows[-1][0]
    orphans = session.execute(text(
        "SELECT (SELECT count(*) FROM job_seeker WHERE ssn_cipher IS NULL AND "
        "(ssn_index IS NOT NULL OR ssn_last4_index IS NOT NULL)) + "
        "(SELECT count(*) FROM possible_duplicate WHERE ssn_cipher IS NULL AND ssn_index IS NOT NULL)")).scalar()
    if orphans:
        raise ServiceError(f"{orphans} SSN indexes have no encrypted SSN beside them and cannot be rebuilt under a "
                           "new key; nothing was changed.")
    return count


def rotate_key(services: Services, actor: Actor, *, fault: Callable[[str], None] | None = None) -> KeyRotation:
    """Re-encrypt everything made with the master key under a new one, in one write transaction.

    Order, and what a crash at each point leaves:

    1. The new key is written to ``<key>.rotating`` (0600, flushed). A crash here or in step 2
       leaves the store untouched and the old key in place; the stray file is removed by the next
       rotation.
    2. One transaction re-encrypts every SSN and rebuilds every blind index, re-seals the audit key,
       records the new key id and audits the rotation (key tails only, never key material).
       Uncommitted work is discarded by the store, so the old key still opens it.
    3. After the commit the store expects the new key while the old file is still in place: the
       next ``open_services`` finds ``<key>.rotating``, sees it is the key the store expects and
       finishes step 4 itself.
    4. The old key file gets a second name ``<key>.old-<timestamp>`` (same file, 0600) and the new
       key is renamed over ``<key>``. Both are single renames: at no moment is there no key file.

    Every console and command must be closed first: a process that was already open still holds
    the old key, and its next save is refused (it would write under the old key).
    ``fault`` is for tests: called with ``"before-commit"`` and ``"after-commit"``.
    """
    if not actor.is_system:
        raise ServiceError("Only the command line, run by the operator who holds the key file, can rotate the key.")
    key_file = services.settings.key_file
    old = services.keyring
    new_master = new_master_key()
    new = Keyring(new_master)
    pending = pending_key_path(key_file)
    db = services.db
    with _rotation_lock(key_file):
        pending.unlink(missing_ok=True)  # left by a rotation that died before committing
        create_key_file(pending, new_master)
        _fsync_dir(key_file.parent)
        try:
            with db.session(write=True) as session:
                meta = {r.key: r for r in session.exec(
                    select(AppMeta).where(col(AppMeta.key).in_([META_KEY_ID, META_AUDIT_KEY]))).all()}
                if META_KEY_ID not in meta or meta[META_KEY_ID].value != old.key_id or META_AUDIT_KEY not in meta:
                    raise StoreKeyChanged()
                audit_key, keyed_from, legacy_rows = old.unwrap_audit_key(meta[META_AUDIT_KEY].value)
                count = _reencrypt(session, old, new)
                # audited before the key id changes: the audit writer checks this process's key id
                append_audit(session, actor, "key.rotate", at=services.now(), entity="store",
                             changes={"key": {"old": key_tail(old.key_id), "new": key_tail(new.key_id)},
                                      "ssns_reencrypted": count})
                meta[META_KEY_ID].value = new.key_id
                meta[META_AUDIT_KEY].value = new.wrap_audit_key(audit_key, keyed_from, legacy_rows)
                session.add_all([meta[META_KEY_ID], meta[META_AUDIT_KEY]])
                session.flush()
                if fault is not None:
                    fault("before-commit")
        except BaseException:
            if not _committed(db, new.key_id):  # when unsure, keep the file: a stray new key harms nothing
                pending.unlink(missing_ok=True)
            raise
        if fault is not None:
            fault("after-commit")
        aside = _swap_in(key_file, pending, services.now())
    services.keyring = new
    db.key_id = new.key_id
    return KeyRotation(key_tail(old.key_id), key_tail(new.key_id), count, aside)


def _committed(db: Database, new_key_id: str) -> bool:
    try:
        with db.session() as session:
            row = session.get(AppMeta, META_KEY_ID)
            return row is not None and row.value == new_key_id
    except Exception:  # noqa: BLE001 - the store cannot tell: assume it may have committed
        return True
