"""Writing and checking the audit log.

Every unit of work that changes data — and every view of personal data, SSN search, login,
import and export — appends its row here inside its own transaction, so the change and its audit
row commit or roll back together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from jobcenter_tui.db.guards import lock_audit_chain
from jobcenter_tui.db.models import AuditEntry
from jobcenter_tui.domain.audit import GENESIS_HASH, AuditContent, chain_hash
from jobcenter_tui.domain.permissions import Actor


@dataclass(frozen=True)
class AuditEvent:
    """One thing to write into the audit log."""

    action: str
    entity: str | None = None
    entity_id: str | None = None
    changes: dict[str, Any] | None = None
    reason: str | None = None


def append_audit_events(session: Session, actor: Actor | None, events: list[AuditEvent], *, at: datetime,
                        staff: str | None = None) -> None:
    """Append events to the chain, in order, in ``session``'s transaction (one query, one insert)."""
    if not events:
        return
    lock_audit_chain(session)
    prev = session.exec(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first() or GENESIS_HASH  # type: ignore[union-attr]
    who = staff if staff is not None else (actor.username if actor else None)
    rows = []
    for event in events:
        content = AuditContent(
            at=at, staff=who, os_user=actor.os_user if actor else None, terminal=actor.terminal if actor else None,
            action=event.action, entity=event.entity, entity_id=event.entity_id, changes=event.changes,
            reason=event.reason,
        )
        digest = chain_hash(prev, content)
        rows.append({
            "at": at, "staff": who, "os_user": content.os_user, "terminal": content.terminal,
            "action": event.action, "entity": event.entity, "entity_id": event.entity_id,
            "changes": event.changes, "reason": event.reason, "prev_hash": prev, "hash": digest,
        })
        prev = digest
    session.execute(insert(AuditEntry), rows)


def append_audit(
    session: Session,
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


@dataclass(frozen=True)
class ChainReport:
    rows: int
    ok: bool
    first_bad_id: int | None = None
    problem: str | None = None


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Recompute every hash in order; report the first row that does not fit."""
    prev = GENESIS_HASH
    count = 0
    last_id = 0
    while True:
        rows = session.exec(
            select(AuditEntry).where(col(AuditEntry.id) > last_id).order_by(col(AuditEntry.id)).limit(batch)
        ).all()
        if not rows:
            return ChainReport(rows=count, ok=True)
        for row in rows:
            count += 1
            if row.prev_hash != prev:
                return ChainReport(count, False, row.id, "does not follow the row before it (a row was removed or reordered)")
            content = AuditContent(
                at=row.at, staff=row.staff, os_user=row.os_user, terminal=row.terminal, action=row.action,
                entity=row.entity, entity_id=row.entity_id, changes=row.changes, reason=row.reason,
            )
            if chain_hash(prev, content) != row.hash:
                return ChainReport(count, False, row.id, "its content was changed after it was written")
            prev = row.hash
            last_id = row.id or last_id
