"""Job seekers: the record interchange (import, export) and the lookups the console needs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from jobcenter_tui.db.bulk import insert_rows, table_of
from jobcenter_tui.db.models import AuditEntry, EligibilityDetermination, JobSeeker, Staff, new_id
from jobcenter_tui.domain.audit import diff_changes
from jobcenter_tui.domain.eligibility import age_on, evaluate
from jobcenter_tui.domain.lines import LineProblem
from jobcenter_tui.domain.permissions import Actor, Privilege
from jobcenter_tui.domain.record import RecordInvalid, SeekerRecord, parse_record
from jobcenter_tui.services.audit import AuditEvent, append_audit, append_audit_events
from jobcenter_tui.services.common import (
    determination_row,
    display_name,
    eligibility_config,
    next_sequence,
    require_seeker,
    seeker_row,
)
from jobcenter_tui.services.eligibility import llsil_problems
from jobcenter_tui.services.errors import InvalidInput, ServiceError, StaleRecord
from jobcenter_tui.services.imports import (
    ImportSummary,
    Journal,
    audit_import,
    file_lines,
    numbered,
    summary_counts,
    write_batch,
)
from jobcenter_tui.services.seeker_mapping import record_columns, row_record_dict

if TYPE_CHECKING:
    from jobcenter_tui.services import Services

IMPORT_BATCH = 500


@dataclass(frozen=True)
class SeekerDetail:
    """One job seeker as staff see it: the record with the SSN masked, and its bookkeeping."""

    id: str
    version: int
    name: str
    record: dict[str, Any]  # record layout; "ssn" is masked
    ssn_masked: str
    account_type: str
    age: int
    created_at: datetime
    updated_at: datetime
    updated_by: str | None


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    staff: str | None
    action: str
    changes: dict[str, Any] | None
    reason: str | None


class SeekerService:
    def __init__(self, services: Services) -> None:
        self._s = services

    # --- one record ----------------------------------------------------------------------------

    def _detail(self, row: JobSeeker) -> SeekerDetail:
        record = row_record_dict(row, self._s.keyring, reveal_ssn=False)
        return SeekerDetail(row.id, row.version, display_name(row.first_name, row.middle_name, row.last_name, row.suffix),
                            record, record.get("ssn", "declined" if row.ssn_not_provided else "—"), row.account_type,
                            age_on(row.date_of_birth, self._s.today()), row.created_at, row.updated_at, row.updated_by)

    def get(self, actor: Actor, seeker_id: str, *, audit: bool = True) -> SeekerDetail:
        """Open a record; the view of personal data is audited (a refresh of an open view is not a new one)."""
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.unit(actor, write=audit) as session:
            row = seeker_row(session, seeker_id)
            if audit:
                append_audit(session, actor, "seeker.view", at=self._s.now(), entity="job_seeker", entity_id=seeker_id)
            return self._detail(row)

    def reveal_ssn(self, actor: Actor, seeker_id: str, reason: str) -> str:
        """The full SSN, for a stated reason; audited."""
        actor.require(Privilege.SEEKER_VIEW_SSN)
        if len(reason.strip()) < 5:
            raise InvalidInput({"reason": "say why the full SSN is needed (at least 5 characters)"})
        with self._s.unit(actor, write=True) as session:
            row = seeker_row(session, seeker_id)
            if row.ssn_cipher is None:
                raise ServiceError("No SSN is on file for this job seeker")
            append_audit(session, actor, "seeker.reveal_ssn", at=self._s.now(), entity="job_seeker",
                         entity_id=seeker_id, reason=reason.strip())
            return self._s.keyring.decrypt(row.ssn_cipher).reveal()

    def update(self, actor: Actor, seeker_id: str, changes: dict[str, Any], *, expected_version: int,
               clear: tuple[str, ...] = ()) -> SeekerDetail:
        """Change answers of one record (record-layout paths → values; ``clear`` paths unanswered).

        The whole record is validated again, the change audited old → new (sensitive values
        redacted) and eligibility re-run, in one transaction. A save based on an older version
        is refused (``StaleRecord``) instead of overwriting someone else's edit.
        """
        actor.require(Privilege.SEEKER_EDIT)
        now = self._s.now()
        with self._s.unit(actor, write=True) as session:
            row = seeker_row(session, seeker_id)
            if row.version != expected_version:
                raise StaleRecord(f"{row.updated_by or 'Someone'} changed this record at "
                                  f"{row.updated_at:%Y-%m-%d %H:%M} UTC after you opened it; nothing was saved. "
                                  "Reopen it to see their changes.")
            before = row_record_dict(row, self._s.keyring)
            after = _apply_paths(before, changes, clear)
            if "account_type" in changes and changes["account_type"] != before.get("account_type"):
                raise InvalidInput({"account_type": "changes only through 'upgrade to staff-assisted'"})
            try:
                record = parse_record(after, self._s.today())
            except RecordInvalid as exc:
                raise InvalidInput(exc.errors) from None
            cfg = eligibility_config(session)
            from jobcenter_tui.services.registration import store_problems

            problems = store_problems(session, record, cfg)
            if record.ssn is not None:
                holder = session.exec(select(JobSeeker.id).where(JobSeeker.ssn_index == self._s.keyring.blind_index(record.ssn))).first()
                if holder not in (None, seeker_id):
                    problems.append({"field": "ssn", "message": "already belongs to another job seeker"})
            if problems:
                raise InvalidInput(problems)
            diff = diff_changes(before, record.to_json_dict())
            if not diff:
                return self._detail(row)
            cols = record_columns(record, self._s.keyring)
            if row.ssn_index == cols["ssn_index"]:
                cols.pop("ssn_cipher")
            for key, value in cols.items():
                setattr(row, key, value)
            row.updated_at = row.last_activity_at = now
            row.updated_by = actor.username
            session.add(row)
            determination = EligibilityDetermination(
                **determination_row(record, seeker_id, evaluate(record, self._s.today(), cfg), actor, now),
                sequence=next_sequence(session))
            session.add(determination)
            session.flush()
            append_audit(session, actor, "seeker.update", at=now, entity="job_seeker", entity_id=seeker_id,
                         changes={"fields": diff, "determination": determination.id})
            return self._detail(row)

    def upgrade_to_staff_assisted(self, actor: Actor, seeker_id: str, *, expected_version: int, reason: str = "") -> SeekerDetail:
        """Self-service → staff-assisted: one way, confirmed by the caller, audited (case staff, not the front desk)."""
        actor.require(Privilege.SEEKER_UPGRADE)
        with self._s.unit(actor, write=True) as session:
            row = seeker_row(session, seeker_id)
            if row.account_type == "staff_assisted":
                raise ServiceError("This account is already staff-assisted")
            if row.version != expected_version:
                raise StaleRecord("This record changed after you opened it; nothing was saved. Reopen it and try again.")
            row.account_type = "staff_assisted"
            row.updated_at = row.last_activity_at = self._s.now()
            row.updated_by = actor.username
            if row.office is None and actor.office:
                row.office = actor.office
            session.add(row)
            session.flush()
            append_audit(session, actor, "seeker.upgrade", at=self._s.now(), entity="job_seeker", entity_id=seeker_id,
                         changes={"account_type": {"old": "self_service", "new": "staff_assisted"}}, reason=reason or None)
            return self._detail(row)

    def audit_view(self, actor: Actor, seeker_id: str, pane: str) -> None:
        """A Case Details pane (``notes``, ``demographics``…) showed this person's data: audited as
        ``case.view`` with the pane's name and nothing of what it showed."""
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.unit(actor, write=True) as session:
            require_seeker(session, seeker_id)
            append_audit(session, actor, "case.view", at=self._s.now(), entity="job_seeker", entity_id=seeker_id,
                         changes={"pane": pane[:40]})

    def history(self, actor: Actor, seeker_id: str, limit: int = 200) -> list[HistoryEntry]:
        """The audit trail of this record, newest first (sensitive values were redacted when written)."""
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.unit(actor) as session:
            rows = session.exec(
                select(AuditEntry).where(AuditEntry.entity == "job_seeker", AuditEntry.entity_id == seeker_id)
                .order_by(AuditEntry.id.desc()).limit(limit)  # type: ignore[union-attr]
            ).all()
            return [HistoryEntry(r.at, r.staff, r.action, r.changes, r.reason) for r in rows]

    def count(self, actor: Actor) -> int:
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.unit(actor) as session:
            return session.exec(select(func.count()).select_from(JobSeeker)).one()

    # --- import --------------------------------------------------------------------------------

    def import_records(self, actor: Actor, lines: Iterable[str], *, source: str = "") -> ImportSummary:
        """Save every valid line of text, reject every bad one with its line number and field errors (no journal)."""
        return self._import(actor, numbered(lines), source=source, journal=None)

    def import_file(self, actor: Actor, data: bytes, *, source: str = "") -> ImportSummary:
        """Import a JSON Lines file's bytes: each line decoded on its own, and journalled.

        Re-running the same file after a kill skips the lines already saved (``skipped``).
        """
        actor.require(Privilege.DATA_IMPORT)
        return self._import(actor, file_lines(data), source=source, journal=Journal.of("seekers", data, actor.username))

    def _import(self, actor: Actor, lines: Iterable[tuple[int, str | LineProblem]], *, source: str,
                journal: Journal | None) -> ImportSummary:
        """Lines are validated first, then written in batches of one transaction each.

        Every line of a batch is checked against the store before anything is written, so a line
        the store refuses (an SSN already on another record) leaves nothing behind while its
        neighbours are kept.
        """
        actor.require(Privilege.DATA_IMPORT)
        summary = ImportSummary()
        today = self._s.today()
        done = journal.saved_lines(self._s.db) if journal is not None else set()

        def write(batch: list[tuple[int, SeekerRecord]]) -> None:
            write_batch(self._s.db, batch, lambda session, b: self._apply(session, actor, b), summary,
                        journal=journal, at=self._s.now())

        batch: list[tuple[int, SeekerRecord]] = []
        for number, line in lines:
            if number in done:
                summary.skipped += 1
                continue
            if isinstance(line, LineProblem):
                summary.reject(number, [{"field": "(record)", "message": line.message}])
                continue
            if not line.strip():
                continue
            try:
                batch.append((number, parse_record(line, today)))
            except RecordInvalid as exc:
                summary.reject(number, exc.errors)
            if len(batch) >= IMPORT_BATCH:
                write(batch)
                batch = []
        if batch:
            write(batch)
        audit_import(self._s.db, summary, lambda session: append_audit(
            session, actor, "seeker.import", at=self._s.now(), entity="import", entity_id=source[:64] or None,
            changes=summary_counts(summary)))
        summary.rejected.sort(key=lambda r: r["line"])
        return summary

    def _apply(self, session: Session, actor: Actor, batch: list[tuple[int, SeekerRecord]]) -> ImportSummary:
        """One batch in the caller's transaction: each line checked against the store (one query per
        check for the whole batch), then set-based writes — one executemany each for new seekers
        (their FTS and occupation rows by the store's triggers), determinations and audit rows.

        A line whose record id is already stored is an update through the ORM, so its version is
        checked and bumped like any other save (rare in an import; slower, and correct).
        """
        keyring = self._s.keyring
        now = self._s.now()
        out = ImportSummary()
        staff_names = set(session.exec(select(Staff.username)).all())
        cfg = eligibility_config(session)
        today = self._s.today()
        determinations: list[dict[str, Any]] = []
        ids = [r.id for _, r in batch if r.id]
        existing = {row.id: row for row in session.exec(select(JobSeeker).where(JobSeeker.id.in_(ids))).all()} if ids else {}  # type: ignore[attr-defined]
        mapped = {number: record_columns(record, keyring) for number, record in batch}  # encrypted, indexed once
        indexes = {n: cols["ssn_index"] for n, cols in mapped.items() if cols["ssn_index"] is not None}
        holders: dict[str, str] = dict(
            session.exec(select(JobSeeker.ssn_index, JobSeeker.id).where(JobSeeker.ssn_index.in_(list(indexes.values())))).all()  # type: ignore[union-attr,arg-type]
        ) if indexes else {}
        creates: list[dict[str, Any]] = []
        events: list[AuditEvent] = []
        for number, record in batch:
            errors: list[dict[str, str]] = []
            if record.case_manager is not None and record.case_manager not in staff_names:
                errors.append({"field": "case_manager", "message": f"no staff account named {record.case_manager}"})
            errors.extend(llsil_problems(record, cfg))
            seeker_id = record.id or new_id()
            index = indexes.get(number)
            holder = holders.get(index) if index else None
            if holder is not None and holder != seeker_id:
                where = f"record {holder}" if not holder.startswith("line ") else holder
                errors.append({"field": "ssn", "message": f"already belongs to another job seeker ({where})"})
            if errors:
                out.rejected.append({"line": number, "errors": errors})
                continue
            if index:
                holders[index] = seeker_id if record.id else f"line {number} of this file"
            cols = mapped[number]
            row = existing.get(seeker_id)
            if record.account_type is None:
                cols["account_type"] = row.account_type if row is not None else "staff_assisted"
            if cols.get("office") is None and actor.office:
                cols["office"] = actor.office
            if row is None:
                cols.update(id=seeker_id, version=1, created_at=now, created_by=actor.username, updated_at=now,
                            updated_by=actor.username, last_activity_at=now)
                creates.append(cols)
                existing[seeker_id] = SimpleNamespace(**cols)  # type: ignore[assignment]  # a repeated id is an update
                determinations.append(determination_row(record, seeker_id, evaluate(record, today, cfg), actor, now))
                events.append(AuditEvent("seeker.create", "job_seeker", seeker_id,
                                         {"source": "import", "line": number, "determination": determinations[-1]["id"]}))
                out.created += 1
                continue
            changes = diff_changes(row_record_dict(row, keyring), row_record_dict(SimpleNamespace(**{**cols, "id": seeker_id}), keyring))  # type: ignore[arg-type]
            if not changes:
                out.unchanged += 1
                continue
            if isinstance(row, SimpleNamespace):  # created earlier in this batch: fold into the insert
                for c in creates:
                    if c["id"] == seeker_id:
                        c.update(cols)
            else:
                if row.ssn_index == cols["ssn_index"]:
                    cols.pop("ssn_cipher")  # same SSN: keep the stored ciphertext
                for key, value in cols.items():
                    setattr(row, key, value)
                row.updated_at = row.last_activity_at = now
                row.updated_by = actor.username
                session.add(row)
            determinations.append(determination_row(record, seeker_id, evaluate(record, today, cfg), actor, now))
            events.append(AuditEvent("seeker.update", "job_seeker", seeker_id,
                                     {"source": "import", "line": number, "fields": changes,
                                      "determination": determinations[-1]["id"]}))
            out.updated += 1
        if creates:
            insert_rows(session.connection(), table_of(JobSeeker), creates)
        session.flush()
        if determinations:  # demographics changed: eligibility is re-run and kept
            first = next_sequence(session)
            for i, det in enumerate(determinations):
                det["sequence"] = first + i
            insert_rows(session.connection(), table_of(EligibilityDetermination), determinations)
        append_audit_events(session, actor, events, at=now)
        return out

    # --- export --------------------------------------------------------------------------------

    def export_records(self, actor: Actor, *, destination: str = "", batch: int = 2000) -> Iterator[str]:
        """Every seeker as one JSON line, in creation order; the export itself is audited first."""
        actor.require(Privilege.REPORT_EXPORT)
        with self._s.unit(actor, write=True) as session:
            total = session.exec(select(func.count()).select_from(JobSeeker)).one()
            append_audit(session, actor, "seeker.export", at=self._s.now(), entity="export",
                         entity_id=destination[:64] or None, changes={"records": total})
        return self._export_lines(batch)

    def _export_lines(self, batch: int) -> Iterator[str]:
        import json

        last_pk = 0
        while True:
            with self._s.db.session() as session:
                rows = session.exec(
                    select(JobSeeker).where(col(JobSeeker.pk) > last_pk).order_by(col(JobSeeker.pk)).limit(batch)
                ).all()
                lines = [json.dumps(row_record_dict(r, self._s.keyring), ensure_ascii=False, separators=(",", ":")) for r in rows]
            if not rows:
                return
            last_pk = rows[-1].pk or last_pk
            yield from lines


def _apply_paths(record: dict[str, Any], changes: dict[str, Any], clear: tuple[str, ...]) -> dict[str, Any]:
    """A copy of ``record`` with dotted paths set or removed; empty sections dropped."""
    import copy

    out = copy.deepcopy(record)
    for path in clear:
        *parents, leaf = path.split(".")
        target: Any = out
        for part in parents:
            target = target.get(part) if isinstance(target, dict) else None
        if isinstance(target, dict):
            target.pop(leaf, None)
    for path, value in changes.items():
        *parents, leaf = path.split(".")
        target = out
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    return {k: v for k, v in out.items() if v != {}}
