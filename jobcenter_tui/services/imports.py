"""What every bulk import shares: its summary, and writing checked lines in batches.

Seekers and postings are imported the same way: lines checked first (each refusal with its line
number and field path), then written in batches of one transaction each; a batch the store refuses
is retried line by line, so the one bad line is named and the others are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from sqlmodel import Session

    from jobcenter_tui.db.engine import Database

T = TypeVar("T")


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The summary printed by the command line (``unchanged`` only when some lines were)."""
        out: dict[str, Any] = {"created": self.created, "updated": self.updated, "rejected": self.rejected}
        if self.unchanged:
            out["unchanged"] = self.unchanged
        return out


def write_batch(db: Database, batch: list[tuple[int, T]], apply: Callable[[Session, list[tuple[int, T]]], ImportSummary],
                summary: ImportSummary) -> None:
    """One transaction for the batch; if the store refuses it, line by line to find the one."""
    try:
        with db.session(write=True) as session:
            outcome = apply(session, batch)
    except DBAPIError:
        if len(batch) == 1:
            summary.rejected.append({"line": batch[0][0], "errors": [
                {"field": "(record)", "message": "could not be saved; the store refused it"}]})
            return
        for item in batch:
            write_batch(db, [item], apply, summary)
        return
    summary.rejected.extend(outcome.rejected)
    summary.created += outcome.created
    summary.updated += outcome.updated
    summary.unchanged += outcome.unchanged
