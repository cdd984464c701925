"""Job seekers: the record interchange (import, export) and the lookups the console needs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlmodel import Session, select

from jobcenter_tui.db.models import JobSeeker, Staff
from jobcenter_tui.domain.audit import diff_changes
from jobcenter_tui.domain.permissions import Actor, Privilege
from jobcenter_tui.domain.record import RecordInvalid, SeekerRecord, parse_record
from jobcenter_tui.services.audit import append_audit
from jobcenter_tui.services.seeker_mapping import record_columns, row_record_dict

if TYPE_CHECKING:
    from jobcenter_tui.services import Services

IMPORT_BATCH = 500


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "rejected": self.rejected}


class SeekerService:
    def __init__(self, services: "Services") -> None:
        self._s = services

    def count(self, actor: Actor) -> int:
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.db.session() as session:
            return session.exec(select(func.count()).select_from(JobSeeker)).one()

    # --- import --------------------------------------------------------------------------------

    def import_records(self, actor: Actor, lines: Iterable[str], *, source: str = "") -> ImportSummary:
        """Save every valid line, reject every bad one with its line number and field errors.

        Lines are validated first, then written in batches inside one transaction each; every
        line gets a savepoint, so a line the store refuses (an SSN already on another record)
        leaves nothing behind while its neighbours are kept.
        """
        actor.require(Privilege.DATA_IMPORT)
        summary = ImportSummary()
        today = self._s.today()
        batch: list[tuple[int, SeekerRecord]] = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                batch.append((number, parse_record(line, today)))
            except RecordInvalid as exc:
                summary.rejected.append({"line": number, "errors": exc.errors})
            if len(batch) >= IMPORT_BATCH:
                self._write_batch(actor, batch, summary)
                batch = []
        if batch:
            self._write_batch(actor, batch, summary)
        with self._s.db.session(write=True) as session:
            append_audit(
                session, actor, "seeker.import", at=self._s.now(), entity="import", entity_id=source[:64] or None,
                changes={"created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged,
                         "rejected": len(summary.rejected)},
            )
        summary.rejected.sort(key=lambda r: r["line"])
        return summary

    def _write_batch(self, actor: Actor, batch: list[tuple[int, SeekerRecord]], summary: ImportSummary) -> None:
        with self._s.db.session(write=True) as session:
            staff_names = set(session.exec(select(Staff.username)).all())
            for number, record in batch:
                errors = self._store_checks(session, record, staff_names)
                if errors:
                    summary.rejected.append({"line": number, "errors": errors})
                    continue
                savepoint = session.begin_nested()
                try:
                    outcome = self._save(session, actor, record, line=number)
                    savepoint.commit()
                except Exception as exc:  # noqa: BLE001 - the line is reported, the rest goes on
                    savepoint.rollback()
                    summary.rejected.append(
                        {"line": number, "errors": [{"field": "(record)", "message": f"could not be saved: {type(exc).__name__}"}]}
                    )
                    continue
                setattr(summary, outcome, getattr(summary, outcome) + 1)

    def _store_checks(self, session: Session, record: SeekerRecord, staff_names: set[str]) -> list[dict[str, str]]:
        """Rules that need the store: the case manager exists, the SSN is nobody else's."""
        errors: list[dict[str, str]] = []
        if record.case_manager is not None and record.case_manager not in staff_names:
            errors.append({"field": "case_manager", "message": f"no staff account named {record.case_manager}"})
        if record.ssn is not None:
            holder = session.exec(
                select(JobSeeker.id).where(JobSeeker.ssn_index == self._s.keyring.blind_index(record.ssn))
            ).first()
            if holder is not None and holder != record.id:
                errors.append({"field": "ssn", "message": f"already belongs to another job seeker (record {holder})"})
        return errors

    def _save(self, session: Session, actor: Actor, record: SeekerRecord, *, line: int) -> str:
        now = self._s.now()
        cols = record_columns(record, self._s.keyring)
        if cols.get("office") is None and actor.office:
            cols["office"] = actor.office
        row = session.exec(select(JobSeeker).where(JobSeeker.id == record.id)).first() if record.id else None
        if row is None:
            row = JobSeeker(**cols, created_by=actor.username, updated_by=actor.username, created_at=now,
                            updated_at=now, last_activity_at=now)
            if record.id:
                row.id = record.id
            session.add(row)
            session.flush()
            append_audit(session, actor, "seeker.create", at=now, entity="job_seeker", entity_id=row.id,
                         changes={"source": "import", "line": line})
            return "created"
        before = row_record_dict(row, self._s.keyring)
        for key, value in cols.items():
            if key in ("ssn_cipher",) and value is not None and row.ssn_index == cols["ssn_index"]:
                continue  # same SSN: keep the ciphertext, so an unchanged record stays unchanged
            setattr(row, key, value)
        after = row_record_dict(row, self._s.keyring)
        changes = diff_changes(before, after)
        if not changes:
            session.expire(row)
            return "unchanged"
        row.updated_at = row.last_activity_at = now
        row.updated_by = actor.username
        session.add(row)
        session.flush()
        append_audit(session, actor, "seeker.update", at=now, entity="job_seeker", entity_id=row.id,
                     changes={"source": "import", "line": line, "fields": changes})
        return "updated"

    # --- export --------------------------------------------------------------------------------

    def export_records(self, actor: Actor, *, destination: str = "", batch: int = 2000) -> Iterator[str]:
        """Every seeker as one JSON line, in creation order; the export itself is audited first."""
        actor.require(Privilege.REPORT_EXPORT)
        import json

        with self._s.db.session(write=True) as session:
            total = session.exec(select(func.count()).select_from(JobSeeker)).one()
            append_audit(session, actor, "seeker.export", at=self._s.now(), entity="export",
                         entity_id=destination[:64] or None, changes={"records": total})
        last_pk = 0
        while True:
            with self._s.db.session() as session:
                rows = session.exec(
                    select(JobSeeker).where(JobSeeker.pk > last_pk).order_by(JobSeeker.pk).limit(batch)  # type: ignore[operator]
                ).all()
                lines = [json.dumps(row_record_dict(r, self._s.keyring), ensure_ascii=False, separators=(",", ":")) for r in rows]
            if not rows:
                return
            last_pk = rows[-1].pk or last_pk
            yield from lines
