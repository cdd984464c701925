"""What every bulk import shares: its summary, its journal, and writing checked lines in batches.

Seekers and postings are imported the same way: lines checked first (each refusal with its line
number and field path), then written in batches of one transaction each; a batch the store refuses
is retried line by line, so the one bad line is named and the others are kept.

An import read from a file is journalled: each committed batch writes, in its own transaction, the
line numbers it saved under the SHA-256 of the whole file. Re-running an import that was killed
skips those lines (``skipped`` in the summary), so nothing is saved twice. A batch that waits too
long for another writer's lock is reported as "store busy" line by line: nothing of it was saved,
and running the same import again finishes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from jobcenter_tui.db.models import ImportJournal
from jobcenter_tui.domain.lines import LineProblem, decode_line, split_lines, too_long
from jobcenter_tui.domain.questions import label_for
from jobcenter_tui.services.errors import StoreBusy, as_refusal

if TYPE_CHECKING:
    from datetime import datetime

    from sqlmodel import Session

    from jobcenter_tui.db.engine import Database

T = TypeVar("T")

BUSY_LINE = ("store busy: another session held the store's write lock too long; nothing of this line was saved. "
             "Run the same import again: the lines already saved are skipped")
RETRY_HINT = "The store was busy: run the same import again to finish it; the lines already saved are skipped."


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # saved by an earlier run of the same file (the journal says so)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    busy: int = 0  # lines not saved because the store stayed locked: run the import again
    audited: bool = True  # False when the store stayed locked for the import's own audit row

    def reject(self, line: int, errors: list[dict[str, str]]) -> None:
        """A refused line; each error also carries the field's label, as people read it."""
        self.rejected.append({"line": line, "errors": [{**e, "label": label_for(e["field"])}
                                                      if "label" not in e else e for e in errors]})

    def as_json(self) -> dict[str, Any]:
        """The summary printed by the command line (``unchanged``, ``skipped``, ``store_busy`` only when some lines were)."""
        out: dict[str, Any] = {"created": self.created, "updated": self.updated, "rejected": self.rejected}
        if self.unchanged:
            out["unchanged"] = self.unchanged
        if self.skipped:
            out["skipped"] = self.skipped
        if self.busy:
            out["store_busy"] = self.busy
        if self.busy or not self.audited:
            out["retry"] = RETRY_HINT
        return out

    def lines_seen(self) -> int:
        """Every non-blank line is counted exactly once: created, updated, unchanged, skipped or rejected."""
        return self.created + self.updated + self.unchanged + self.skipped + len(self.rejected)


# --- reading a file ----------------------------------------------------------------------------


def file_lines(data: bytes) -> Iterator[tuple[int, str | LineProblem]]:
    """The numbered lines of a JSON Lines file, each decoded on its own (one bad line spoils nothing else)."""
    for number, raw in split_lines(data):
        if problem := too_long(len(raw)):
            yield number, LineProblem(problem)
            continue
        try:
            yield number, decode_line(raw)
        except LineProblem as exc:
            yield number, exc


# --- the journal --------------------------------------------------------------------------------


def _ranges(lines: list[int]) -> str:
    """[1, 2, 3, 5] → "1-3,5"."""
    out: list[str] = []
    start = prev = lines[0]
    for n in lines[1:]:
        if n != prev + 1:
            out.append(f"{start}-{prev}" if prev != start else str(start))
            start = n
        prev = n
    out.append(f"{start}-{prev}" if prev != start else str(start))
    return ",".join(out)


def _expand(text: str) -> Iterator[int]:
    for part in text.split(","):
        low, _, high = part.partition("-")
        yield from range(int(low), int(high or low) + 1)


@dataclass(frozen=True)
class Journal:
    """The journal of one import file: what it is (``seekers``/``postings``) and the file's SHA-256."""

    kind: str
    file_sha256: str
    by: str | None

    @classmethod
    def of(cls, kind: str, data: bytes, by: str | None) -> Journal:
        return cls(kind, hashlib.sha256(data).hexdigest(), by)

    def saved_lines(self, db: Database) -> set[int]:
        """The lines an earlier run of this same file saved."""
        with db.session() as session:
            rows = session.exec(select(ImportJournal.lines).where(
                col(ImportJournal.kind) == self.kind, col(ImportJournal.file_sha256) == self.file_sha256)).all()
        return {n for text in rows for n in _expand(text)}

    def record(self, session: Session, lines: list[int], at: datetime) -> None:
        """One row for the lines a batch saved, in the batch's own transaction."""
        if lines:
            lines = sorted(lines)
            session.execute(insert(ImportJournal), [{
                "kind": self.kind, "file_sha256": self.file_sha256, "first_line": lines[0], "last_line": lines[-1],
                "lines": _ranges(lines), "saved_at": at, "saved_by": self.by}])


# --- writing ------------------------------------------------------------------------------------


def write_batch(db: Database, batch: list[tuple[int, T]], apply: Callable[[Session, list[tuple[int, T]]], ImportSummary],
                summary: ImportSummary, *, journal: Journal | None = None, at: datetime | None = None) -> None:
    """One transaction for the batch (and its journal row); if the store refuses it, line by line to find the one.

    A busy store is not retried line by line (each line would wait the whole busy timeout again):
    the batch's lines are reported as "store busy", to be saved by running the import again.
    """
    try:
        with db.session(write=True) as session:
            outcome = apply(session, batch)
            if journal is not None and at is not None:
                refused = {r["line"] for r in outcome.rejected}
                journal.record(session, [n for n, _ in batch if n not in refused], at)
    except DBAPIError as exc:
        if isinstance(as_refusal(exc), StoreBusy):
            for number, _ in batch:
                summary.reject(number, [{"field": "(record)", "message": BUSY_LINE}])
            summary.busy += len(batch)
            return
        if len(batch) == 1:
            summary.reject(batch[0][0], [{"field": "(record)", "message": "could not be saved; the store refused it"}])
            return
        for item in batch:
            write_batch(db, [item], apply, summary, journal=journal, at=at)
        return
    for r in outcome.rejected:
        summary.reject(r["line"], r["errors"])
    summary.created += outcome.created
    summary.updated += outcome.updated
    summary.unchanged += outcome.unchanged


def audit_import(db: Database, summary: ImportSummary, write: Callable[[Session], None]) -> None:
    """The import's own audit row; a store still busy at the end is said in the summary, not raised."""
    try:
        with db.session(write=True) as session:
            write(session)
    except DBAPIError as exc:
        if not isinstance(as_refusal(exc), StoreBusy):
            raise
        summary.audited = False


def summary_counts(summary: ImportSummary) -> dict[str, int]:
    """What the import's audit row keeps (counts only: never a line's content)."""
    return {"created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged,
            "skipped": summary.skipped, "rejected": len(summary.rejected), "store_busy": summary.busy}


def numbered(lines: Iterable[str]) -> Iterator[tuple[int, str | LineProblem]]:
    """Lines already decoded (tests, callers with text), numbered from 1."""
    return enumerate(lines, start=1)
