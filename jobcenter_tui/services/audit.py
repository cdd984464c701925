"""Writing and checking the audit log.

Every unit of work that changes data — and every view of personal data, SSN search, login,
import and export — appends its row here inside its own transaction, so the change and its audit
row commit or roll back together.

Tamper evidence has two halves. Inside the store, each row's hash is an HMAC under the store's
audit key (kept in ``app_meta`` sealed under the master key), chained to the row before, and rows
are numbered 1, 2, 3… without gaps: rewriting, removing or reordering a row cannot be hidden by
recomputing hashes without the key. Outside the store, a checkpoint file beside the key file holds
the newest row's number and hash: removing the newest rows, or all of them, leaves the store
shorter than the checkpoint.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection
from sqlmodel import Session, col, select

from jobcenter_tui.db.bulk import insert_rows, table_of
from jobcenter_tui.db.guards import lock_audit_chain
from jobcenter_tui.db.models import AppMeta, AuditEntry
from jobcenter_tui.domain.audit import GENESIS_HASH, AuditContent, chain_hash, checkpoint_mac
from jobcenter_tui.domain.permissions import Actor
from jobcenter_tui.services.crypto import StoreKeyChanged

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: the checkpoint is written without a lock
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

META_KEY_ID = "key_id"
META_AUDIT_KEY = "audit_key"


@dataclass(frozen=True)
class AuditEvent:
    """One thing to write into the audit log."""

    action: str
    entity: str | None = None
    entity_id: str | None = None
    changes: dict[str, Any] | None = None
    reason: str | None = None


@dataclass
class AuditHead:
    """What a transaction appended: its newest row, and the hashes it knows (for the checkpoint's
    continuity check)."""

    last_id: int
    last_hash: str
    known: dict[int, str] = field(default_factory=dict)


_STORE_KEY_ID = select(AppMeta.value).where(AppMeta.key == META_KEY_ID).scalar_subquery()
# Built once: every audited unit of work runs these two, so they go through Core on the session's
# connection (compiled once, no ORM round) — the search box writes one on every pause in typing.
_HEAD = select(col(AuditEntry.id), col(AuditEntry.hash), _STORE_KEY_ID).order_by(col(AuditEntry.id).desc()).limit(1)
_KEY_ID_ONLY = select(_STORE_KEY_ID)


class AuditTarget(Protocol):
    """Where audit rows are appended: a write session, or ``Services.audited_read``'s unit."""

    @property
    def info(self) -> dict[Any, Any]: ...

    def connection(self) -> Connection: ...


def append_audit_events(session: AuditTarget, actor: Actor | None, events: list[AuditEvent], *, at: datetime,
                        staff: str | None = None) -> None:
    """Append events to the chain, in order, in ``session``'s transaction (one query, one insert).

    The audit key and the key id come from ``session.info`` (set by ``Database.session``). A
    process whose key id no longer matches the store's (someone ran ``jobcenter key rotate``) is
    refused here, under the write lock, before it writes anything under the old key.
    """
    if events:
        append_audit_rows(session.connection(), session.info, actor, events, at=at, staff=staff)


def append_audit_rows(conn: Connection, info: dict[str, Any], actor: Actor | None, events: list[AuditEvent], *,
                      at: datetime, staff: str | None = None) -> None:
    """:func:`append_audit_events` on a connection inside its write transaction; ``info`` holds the
    audit key and key id and receives the ``audit_head`` the checkpoint is moved to after commit."""
    if not events:
        return
    lock_audit_chain(conn)
    audit_key: bytes | None = info.get("audit_key")
    key_id: str | None = info.get("key_id")
    last = conn.execute(_HEAD).first()
    if last is None:
        prev_id, prev, store_key_id = 0, GENESIS_HASH, conn.execute(_KEY_ID_ONLY).scalar()
    else:
        prev_id, prev, store_key_id = int(last[0]), str(last[1]), last[2]
    if key_id is not None and store_key_id != key_id:
        raise StoreKeyChanged()
    if key_id is None and store_key_id is not None:
        # a store opened without its key checked (not through open_services) would write unkeyed
        # rows after keyed ones and break the chain for good
        raise RuntimeError("audit rows written to a keyed store without its key (open it with open_services)")
    who = staff if staff is not None else (actor.username if actor else None)
    head = info.get("audit_head")
    if head is None:
        head = info["audit_head"] = AuditHead(prev_id, prev, {prev_id: prev})
    rows = []
    for event in events:
        content = AuditContent(
            at=at, staff=who, os_user=actor.os_user if actor else None, terminal=actor.terminal if actor else None,
            action=event.action, entity=event.entity, entity_id=event.entity_id, changes=event.changes,
            reason=event.reason,
        )
        digest = chain_hash(prev, content, audit_key)
        prev_id += 1  # numbered without gaps, so a removed row leaves a hole the check names
        rows.append({
            "id": prev_id, "at": at, "staff": who, "os_user": content.os_user, "terminal": content.terminal,
            "action": event.action, "entity": event.entity, "entity_id": event.entity_id,
            "changes": event.changes, "reason": event.reason, "prev_hash": prev, "hash": digest,
        })
        head.known[prev_id] = digest
        prev = digest
    insert_rows(conn, table_of(AuditEntry), rows)
    head.last_id, head.last_hash = prev_id, prev


def append_audit(
    session: AuditTarget,
    actor: Actor | None,
    action: str,
    *,
    at: datetime,
    entity: str | None = None,
    entity_id: str | None = None,
    changes: dict[str, Any] | None = None,
    reason: str | None = None,
    staff: str | None = None,
) -> None:
    """Append one row to the chain, in ``session``'s transaction."""
    append_audit_events(session, actor, [AuditEvent(action, entity, entity_id, changes, reason)], at=at, staff=staff)


# --- the checkpoint outside the store ----------------------------------------------------------------


@dataclass(frozen=True)
class CheckpointState:
    """What the checkpoint file says: the newest row it saw, and rows it once saw differently."""

    last_id: int
    last_hash: str
    rows: int
    sealed: bool  # the file's MAC checks out under this store's audit key
    evidence: tuple[tuple[int, str], ...] = ()


class AuditCheckpoint:
    """The audit head kept beside the key file (``<key file>.audit-head``, mode 0600).

    Written after each commit that appended audit rows, under an ``flock`` so that processes
    writing at once only ever move it forward. If a commit's own rows show that the store no
    longer holds the row the checkpoint names (the store was cut back and written again), the old
    head is kept as evidence instead of being silently replaced.

    Atomic without a rename (renaming over a file costs ~3 ms on ext4, which flushes the new
    file's data first): the file holds two sealed slots and each write overwrites the older one in
    place. A torn write spoils only that slot's seal; the reader takes the newest sealed slot.
    After a power failure the store may lose its last commits (``synchronous=NORMAL``) while the
    checkpoint kept them: ``audit verify`` then reports those rows as missing, which they are.
    """

    SLOT = 2048
    MAX_EVIDENCE = 8

    def __init__(self, path: Path, key: bytes, keyed_from: int, legacy_rows: int) -> None:
        self.path = path
        self._key = key
        self._keyed_from = keyed_from
        self._legacy_rows = legacy_rows
        # The file as this process last wrote it, and its slots parsed: when the bytes read under the
        # lock are exactly these, they need not be parsed and their MACs checked again (every
        # search appends a row, so this runs on every pause in typing). Any other writer's bytes
        # differ and are read in full.
        self._last_written: tuple[bytes, tuple[CheckpointState | None, ...]] | None = None

    @property
    def keyed_from(self) -> int:
        return self._keyed_from

    def rows_up_to(self, last_id: int) -> int:
        return self._legacy_rows + last_id - self._keyed_from + 1 if last_id >= self._keyed_from else last_id

    def read(self) -> CheckpointState | None:
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_SH)
            return self._read_fd(fd)
        finally:
            os.close(fd)

    def _read_fd(self, fd: int) -> CheckpointState | None:
        return self._best(self._slots(fd))

    def _slots(self, fd: int) -> list[CheckpointState | None] | None:
        """Both slots, each None when empty or spoiled; None when the file is empty."""
        raw = os.pread(fd, 2 * self.SLOT, 0)
        if not raw.strip():
            return None
        last = self._last_written
        if last is not None and last[0] == raw:  # byte for byte what this process wrote and sealed
            return list(last[1])
        return [self._parse(raw[: self.SLOT]), self._parse(raw[self.SLOT:])]

    @staticmethod
    def _best(slots: list[CheckpointState | None] | None) -> CheckpointState | None:
        if slots is None:
            return None
        sealed = [s for s in slots if s is not None]
        return max(sealed, key=lambda s: s.last_id) if sealed else CheckpointState(0, "", 0, sealed=False)

    def _parse(self, slot: bytes) -> CheckpointState | None:
        try:
            data = json.loads(slot.decode().strip())
            last_id, last_hash, rows = int(data["id"]), str(data["hash"]), int(data["rows"])
            evidence = [(int(i), str(h)) for i, h in data["evidence"]]
        except (ValueError, KeyError, TypeError):
            return None
        if data.get("mac") != checkpoint_mac(self._key, last_id, last_hash, rows, evidence):
            return None
        return CheckpointState(last_id, last_hash, rows, True, tuple(evidence))

    def advance(self, head: AuditHead) -> None:
        """Move the checkpoint to ``head`` if it is newer; never raises (the commit already happened)."""
        try:
            self._advance(head)
        except OSError as exc:
            log.warning("The audit checkpoint %s could not be written: %s", self.path, exc.strerror or exc)

    def _advance(self, head: AuditHead) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            slots = self._slots(fd)
            current = self._best(slots)
            evidence: list[tuple[int, str]] = []
            if current is not None and current.sealed:
                evidence = list(current.evidence)
                seen = head.known.get(current.last_id)
                if seen is not None and seen != current.last_hash:
                    evidence = (evidence + [(current.last_id, current.last_hash)])[: self.MAX_EVIDENCE]
                elif head.last_id <= current.last_id:
                    return
            self._write_fd(fd, head.last_id, head.last_hash, evidence, slots)
        finally:
            os.close(fd)  # releases the lock

    def write_head(self, last_id: int, last_hash: str) -> None:
        """Start the checkpoint afresh at the store's current head: when the store first gets its
        audit key, or when a restored store replaces the one the checkpoint followed."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            os.ftruncate(fd, 0)  # both slots: the old head must not outrank the new one
            self._write_fd(fd, last_id, last_hash, [], None)
        finally:
            os.close(fd)

    def _write_fd(self, fd: int, last_id: int, last_hash: str, evidence: list[tuple[int, str]],
                  slots: list[CheckpointState | None] | None) -> None:
        rows = self.rows_up_to(last_id)
        body = json.dumps({"id": last_id, "hash": last_hash, "rows": rows, "evidence": evidence,
                           "mac": checkpoint_mac(self._key, last_id, last_hash, rows, evidence)}).encode()
        ids = [s.last_id if s is not None else -1 for s in (slots or [None, None])]
        target = 0 if ids[0] <= ids[1] else 1  # overwrite the older (or spoiled) slot
        record = body.ljust(self.SLOT - 1) + b"\n"
        self._last_written = None
        written = os.pwrite(fd, record, target * self.SLOT)
        if written == len(record) and slots is not None:  # a whole slot written: remember the file as it is now
            raw = os.pread(fd, 2 * self.SLOT, 0)
            now = list(slots)
            now[target] = CheckpointState(last_id, last_hash, rows, True, tuple(evidence))
            self._last_written = (raw, tuple(now))


# --- checking --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    rows: int
    ok: bool
    first_bad_id: int | None = None
    problem: str | None = None
    last_id: int = 0
    checkpoint: str | None = None  # what the check against the checkpoint file found, in words


def verify_chain(session: Session, *, audit_key: bytes | None = None, keyed_from: int = 1,
                 checkpoint: AuditCheckpoint | None = None, batch: int = 5000) -> ChainReport:
    """Recompute every hash in order (HMAC from ``keyed_from`` on), then hold the store's head
    against the checkpoint kept outside it; report the first row that does not fit."""
    prev, prev_id, count = GENESIS_HASH, 0, 0
    state = checkpoint.read() if checkpoint is not None else None
    watch = {state.last_id} | {i for i, _ in state.evidence} if state is not None and state.sealed else set()
    hashes_at: dict[int, str] = {}

    def bad(row_id: int, problem: str) -> ChainReport:
        return ChainReport(count, False, row_id, problem, prev_id)

    while True:
        rows = session.exec(
            select(AuditEntry).where(col(AuditEntry.id) > prev_id).order_by(col(AuditEntry.id)).limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            row_id = int(row.id or 0)
            keyed = audit_key is not None and row_id >= keyed_from
            if keyed and row_id != prev_id + 1:
                return bad(prev_id + 1, "is missing: it was removed, or another row was given its number")
            count += 1
            if row.prev_hash != prev:
                return bad(row_id, "does not follow the row before it (a row was removed or reordered)")
            content = AuditContent(
                at=row.at, staff=row.staff, os_user=row.os_user, terminal=row.terminal, action=row.action,
                entity=row.entity, entity_id=row.entity_id, changes=row.changes, reason=row.reason,
            )
            if chain_hash(prev, content, audit_key if keyed else None) != row.hash:
                return bad(row_id, "was changed after it was written")
            if row_id in watch:
                hashes_at[row_id] = row.hash
            prev, prev_id = row.hash, row_id
    if checkpoint is None:
        return ChainReport(count, True, last_id=prev_id)
    if state is None:
        return ChainReport(count, True, last_id=prev_id, checkpoint=(
            f"No checkpoint file at {checkpoint.path}: the removal of the newest rows could not be checked."))
    if not state.sealed:
        return ChainReport(count, False, None, f"cannot be checked against the checkpoint file {checkpoint.path}: "
                           "that file was altered or belongs to another store", prev_id)
    for evidence_id, evidence_hash in sorted(state.evidence):
        if hashes_at.get(evidence_id) != evidence_hash:
            return ChainReport(count, False, min(evidence_id, prev_id + 1), (
                "was removed or rewritten: the checkpoint outside the store saw it differently before"), prev_id)
    if state.last_id > prev_id:
        return ChainReport(count, False, prev_id + 1, (
            f"is missing: the checkpoint outside the store records rows up to {state.last_id}, "
            f"the store ends at {prev_id} (the newest rows were removed)"), prev_id)
    if hashes_at.get(state.last_id) != state.last_hash:
        return ChainReport(count, False, state.last_id, "does not match the checkpoint kept outside the store", prev_id)
    return ChainReport(count, True, last_id=prev_id, checkpoint=f"Matches the checkpoint (row {state.last_id}).")
