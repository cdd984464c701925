"""The audit hash chain and the redaction of sensitive values, as pure functions.

Each audit row's hash covers its own content and the previous row's hash, so changing, removing
or reordering any row breaks every hash after it. With the store's audit key the hash is an
HMAC: someone holding only the database file cannot recompute it after rewriting a row.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64
REDACTED = "[redacted]"

# Field paths whose values never enter the audit log (only the fact that they changed).
SENSITIVE_FIELDS = frozenset(
    {
        "ssn", "date_of_birth", "disability", "income.annual_family_income",
        "income.annual_individual_income", "password", "password_hash",
    }
)


def is_sensitive(path: str) -> bool:
    return path in SENSITIVE_FIELDS or path.split(".")[0] in {"ssn", "password"}


@dataclass(frozen=True)
class AuditContent:
    """What one audit row says; ``hash`` is computed over this and the previous hash."""

    at: datetime
    staff: str | None
    os_user: str | None
    terminal: str | None
    action: str
    entity: str | None
    entity_id: str | None
    changes: dict[str, Any] | None
    reason: str | None

    def canonical(self) -> str:
        return json.dumps(
            {
                "at": self.at.isoformat(timespec="microseconds"),
                "staff": self.staff,
                "os_user": self.os_user,
                "terminal": self.terminal,
                "action": self.action,
                "entity": self.entity,
                "entity_id": self.entity_id,
                "changes": self.changes,
                "reason": self.reason,
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=True,
            default=str,
        )


def chain_hash(prev_hash: str, content: AuditContent, key: bytes | None = None) -> str:
    """HMAC-SHA256 under ``key``; plain SHA-256 only for rows written before the store had one."""
    message = (prev_hash + "\n" + content.canonical()).encode()
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def checkpoint_mac(key: bytes, last_id: int, last_hash: str, rows: int, evidence: list[tuple[int, str]]) -> str:
    """Seals the audit head kept outside the store, so the checkpoint file cannot be edited to match."""
    body = json.dumps([last_id, last_hash, rows, evidence], separators=(",", ":"))
    return hmac.new(key, f"jobcenter:audit-head:v1:{body}".encode(), hashlib.sha256).hexdigest()


def diff_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``{path: {"old": x, "new": y}}`` for every leaf that differs; sensitive values redacted."""
    out: dict[str, Any] = {}
    flat_old, flat_new = flatten(old), flatten(new)
    for path in sorted(set(flat_old) | set(flat_new)):
        a, b = flat_old.get(path), flat_new.get(path)
        if a == b:
            continue
        if is_sensitive(path):
            out[path] = {"old": REDACTED if a is not None else None, "new": REDACTED if b is not None else None}
        else:
            out[path] = {"old": a, "new": b}
    return out


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out.update(flatten(value, path))
        else:
            out[path] = value
    return out


# What staff read in a record's History: the action in words, never its code.
ACTION_LABELS: dict[str, str] = {
    "seeker.create": "Registered", "seeker.view": "Record opened", "seeker.update": "Answers changed",
    "seeker.upgrade": "Made staff-assisted", "seeker.reveal_ssn": "Full SSN revealed", "seeker.search_ssn": "Searched by SSN",
    "seeker.import": "Imported", "seeker.export": "Exported", "seeker.possible_duplicate": "Possible duplicate noted",
    "seeker.confirmed_distinct": "Confirmed a different person", "eligibility.determine": "Eligibility recorded",
    "eligibility.show": "Eligibility checked", "enrollment.pending": "Enrolled (pending)", "enrollment.open": "Enrollment opened",
    "enrollment.closed": "Enrollment closed", "service.record": "Service recorded", "service.status": "Service status changed",
    "plan.save": "Plan saved", "document.attach": "Document attached", "document.verify": "Document verified",
    "document.export": "Document copy exported",
    "resume.create": "Resume created", "resume.edit": "Resume edited", "resume.copy": "Resume copied",
    "resume.publish": "Resume published", "resume.unpublish": "Resume unpublished", "resume.upload": "Resume uploaded",
    "resume.export": "Resume exported", "note.add": "Note added", "note.edit": "Note edited",
    "note.correct": "Note corrected", "note.delete": "Note deleted",
    "job.lead": "Job lead sent", "job.referral": "Referred to a job", "job.referral_outcome": "Referral outcome recorded",
    "job.introduction": "Introduced to an employer",
    "case.view": "Case tab opened", "seeker.search": "Searched job seekers", "session.lock": "Console locked (idle)",
    "session.unlock": "Console unlocked", "session.unlock_failed": "Wrong password on the lock screen",
    "access.refused": "Refused: not allowed",
}


def action_label(action: str) -> str:
    """``note.add`` → "Note added"; an action without a label still reads as words."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    return action.replace(".", " ").replace("_", " ").capitalize()
