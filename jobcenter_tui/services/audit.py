"""Writing and checking the audit log.

Every unit of work that changes data — and every view of personal data, SSN search, login,
import and export — appends its row here inside its own transaction, so the change and its audit
row commit or roll back together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from jobcenter_tui.db.guards import lock_audit_chain
from jobcenter_tui.db.models import AuditEntry
from jobcenter_tui.domain.audit import GENESIS_HASH, AuditContent, chain_hash
from jobcenter_tui.domain.permissions import Actor


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
) -> AuditEntry:
    """Append one row to the chain, in ``session``'s transaction."""
    lock_audit_chain(session)
    last = session.exec(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()  # type: ignore[union-attr]
    prev = last or GENESIS_HASH
    content = AuditContent(
        at=at,
        staff=staff if staff is not None else (actor.username if actor else None),
        os_user=actor.os_user if actor else None,
        terminal=actor.terminal if actor else None,
        action=action,
        entity=entity,
        entity_id=entity_id,
        changes=changes,
        reason=reason,
    )
    row = AuditEntry(
        at=at,
        staff=content.staff,
        os_user=content.os_user,
        terminal=content.terminal,
        action=action,
        entity=entity,
        entity_id=entity_id,
        changes=changes,
        reason=reason,
        prev_hash=prev,
        hash=chain_hash(prev, content),
    )
    session.add(row)
    session.flush()
    return row


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
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)  # type: ignore[operator]
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
