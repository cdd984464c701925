"""Job postings (job orders): add, edit, move through their statuses with history; import, export.

Changes need ``posting.manage``; each is one unit of work with its audit row. A posting's life is
``domain.employers.POSTING_MOVES``; every move is kept in ``job_posting_status_change``. Edits
carry the version the person saw, so a stale edit is refused instead of overwriting another's.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from jobcenter_tui.db.models import Employer, JobPosting, JobPostingStatusChange, JobSeeker, Referral
from jobcenter_tui.domain.employers import (
    CLOSE_REASONS,
    POSTING_FIELDS,
    POSTING_MOVES,
    activation_problems,
    check_import_line,
    check_posting,
    filled_problem,
    posting_move_problem,
)
from jobcenter_tui.domain.lines import LineProblem, decode_line, load_line, split_lines, value_problems
from jobcenter_tui.domain.permissions import Actor, Privilege
from jobcenter_tui.services.audit import AuditEvent, append_audit, append_audit_events
from jobcenter_tui.services.common import display_name
from jobcenter_tui.services.employers import require_view, stale
from jobcenter_tui.services.errors import InvalidInput, NotFound
from jobcenter_tui.services.imports import ImportSummary, Journal, audit_import, file_lines, summary_counts, write_batch

if TYPE_CHECKING:
    from jobcenter_tui.services import Services

IMPORT_BATCH = 500


@dataclass(frozen=True)
class StatusChangeView:
    from_status: str | None
    to_status: str
    at: datetime
    by: str | None
    reason: str | None


@dataclass(frozen=True)
class ReferralRow:
    id: str
    seeker_id: str
    seeker_name: str
    status: str
    referred_at: datetime
    staff: str | None
    outcome_at: datetime | None


@dataclass(frozen=True)
class PostingDetail:
    id: str
    version: int
    employer_id: str
    employer_name: str
    employer_status: str
    title: str
    soc_code: str | None
    description: str | None
    city: str | None
    state: str | None
    zip: str | None
    wage_min: Decimal | None
    wage_max: Decimal | None
    wage_unit: str | None
    job_type: str | None
    openings: int
    posted_date: date | None
    closing_date: date | None
    education_wanted: str | None
    experience_wanted: str | None
    visibility: str
    status: str
    created_at: datetime
    history: tuple[StatusChangeView, ...]
    referrals: tuple[ReferralRow, ...]
    hired: int
    allowed_moves: tuple[str, ...]

    def fields(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in POSTING_FIELDS}


def _hired(session: Session, posting_id: str) -> int:
    return int(session.exec(select(func.count()).select_from(Referral).where(
        Referral.posting_id == posting_id, Referral.status == "hired")).one())


class PostingService:
    def __init__(self, services: Services) -> None:
        self._s = services

    # --- reading -------------------------------------------------------------------------------

    def get(self, actor: Actor, posting_id: str) -> PostingDetail:
        """The posting with its status history and its referrals (names only for staff who view seekers)."""
        require_view(actor)
        with self._s.unit(actor) as session:
            return self._detail(session, actor, self._posting(session, posting_id))

    def _posting(self, session: Session, posting_id: str) -> JobPosting:
        row = session.get(JobPosting, posting_id)
        if row is None:
            raise NotFound(f"No job posting {posting_id}")
        return row

    def _detail(self, session: Session, actor: Actor, p: JobPosting) -> PostingDetail:
        employer = session.get(Employer, p.employer_id)
        history = session.exec(select(JobPostingStatusChange).where(JobPostingStatusChange.posting_id == p.id)
                               .order_by(col(JobPostingStatusChange.id).desc())).all()
        referrals = session.exec(
            select(Referral, JobSeeker).join(JobSeeker, col(JobSeeker.id) == col(Referral.seeker_id))
            .where(Referral.posting_id == p.id).order_by(col(Referral.referred_at).desc())).all()
        names = actor.can(Privilege.SEEKER_VIEW)
        return PostingDetail(
            p.id, p.version, p.employer_id, employer.name if employer else "?", employer.status if employer else "?",
            p.title, p.soc_code, p.description, p.city, p.state, p.zip, p.wage_min, p.wage_max, p.wage_unit,
            p.job_type, p.openings, p.posted_date, p.closing_date, p.education_wanted, p.experience_wanted,
            p.visibility, p.status, p.created_at,
            tuple(StatusChangeView(h.from_status, h.to_status, h.at, h.by, h.reason) for h in history),
            tuple(ReferralRow(r.id, s.id, display_name(s.first_name, s.middle_name, s.last_name, s.suffix)
                              if names else "(job seeker)", r.status, r.referred_at, r.staff, r.outcome_at)
                  for r, s in referrals),
            sum(1 for r, _ in referrals if r.status == "hired"),
            POSTING_MOVES.get(p.status, ()))

    # --- changing ------------------------------------------------------------------------------

    def add(self, actor: Actor, employer_id: str, fields: dict[str, Any]) -> PostingDetail:
        """A new job order, as a draft: it is made active by a status move, once complete."""
        actor.require(Privilege.POSTING_MANAGE)
        checked = check_posting(fields)
        if checked.errors:
            raise InvalidInput(checked.errors)
        now = self._s.now()
        values = dict(checked.values)
        values["posted_date"] = values.get("posted_date") or self._s.today()
        with self._s.unit(actor, write=True) as session:
            if session.get(Employer, employer_id) is None:
                raise NotFound(f"No employer {employer_id}")
            row = JobPosting(employer_id=employer_id, **values, status="draft", created_at=now)
            session.add(row)
            session.flush()
            session.add(JobPostingStatusChange(posting_id=row.id, from_status=None, to_status="draft", at=now,
                                               by=actor.username, reason="created"))
            append_audit(session, actor, "posting.add", at=now, entity="job_posting", entity_id=row.id,
                         changes={"employer": employer_id, **_jsonable(values)})
            session.flush()
            return self._detail(session, actor, row)

    def update(self, actor: Actor, posting_id: str, fields: dict[str, Any], *, expected_version: int) -> PostingDetail:
        actor.require(Privilege.POSTING_MANAGE)
        now = self._s.now()
        with self._s.unit(actor, write=True) as session:
            row = self._posting(session, posting_id)
            if row.version != expected_version:
                raise stale("posting")
            checked = check_posting({k: getattr(row, k) for k in POSTING_FIELDS} | fields)
            errors = list(checked.errors)
            if row.status == "active":
                errors.extend(activation_problems(checked.values))
            if errors:
                raise InvalidInput(errors)
            changes = {k: {"old": _plain(getattr(row, k)), "new": _plain(v)} for k, v in checked.values.items()
                       if getattr(row, k) != v}
            for key, value in checked.values.items():
                setattr(row, key, value)
            session.add(row)
            session.flush()
            if changes:
                append_audit(session, actor, "posting.edit", at=now, entity="job_posting", entity_id=row.id,
                             changes=changes)
            return self._detail(session, actor, row)

    def move(self, actor: Actor, posting_id: str, to: str, *, expected_version: int,
             reason: str | None = None) -> PostingDetail:
        """Move a posting to another status, kept in its history with who, when and why."""
        actor.require(Privilege.POSTING_MANAGE)
        reason = (reason or "").strip() or None
        now = self._s.now()
        with self._s.unit(actor, write=True) as session:
            row = self._posting(session, posting_id)
            if row.version != expected_version:
                raise stale("posting")
            self._check_move(session, row, to, reason)
            old, row.status = row.status, to
            session.add(row)
            session.flush()
            session.add(JobPostingStatusChange(posting_id=row.id, from_status=old, to_status=to, at=now,
                                               by=actor.username, reason=reason))
            append_audit(session, actor, "posting.status", at=now, entity="job_posting", entity_id=row.id,
                         changes={"status": {"old": old, "new": to}}, reason=reason)
            session.flush()
            return self._detail(session, actor, row)

    def _check_move(self, session: Session, row: JobPosting, to: str, reason: str | None) -> None:
        problem = posting_move_problem(row.status, to)
        if problem:
            raise InvalidInput({"status": problem})
        if to == "active":
            errors = activation_problems({k: getattr(row, k) for k in POSTING_FIELDS})
            employer = session.get(Employer, row.employer_id)
            if employer is None or employer.status != "active":
                errors.append({"field": "status", "message": "the employer is not active: approve the employer first"})
            if errors:
                raise InvalidInput(errors)
        if to == "filled" and (problem := filled_problem(row.openings, _hired(session, row.id), reason)):
            raise InvalidInput({"reason": problem})
        if to == "closed" and not reason:
            raise InvalidInput({"reason": f"say why the posting closes ({', '.join(CLOSE_REASONS)}, …)"})

    # --- import --------------------------------------------------------------------------------

    def import_text(self, actor: Actor, text: str, *, fmt: str, source: str = "") -> ImportSummary:
        """Import postings from text already decoded (no journal); see :meth:`import_file`."""
        return self._import(actor, _rows(text.encode("utf-8"), fmt), fmt=fmt, source=source, journal=None)

    def import_file(self, actor: Actor, data: bytes, *, fmt: str, source: str = "") -> ImportSummary:
        """Import postings from a file's bytes: CSV (a header row of field names) or JSON Lines.

        Every line is checked first; a bad line is reported with its line number (counted from 1
        in the file, the CSV header being line 1) and the path of every bad field, and nothing of
        it is written. Good lines are saved. A line with a known ``id`` updates that posting.
        Each line is decoded on its own, and the import is journalled: running the same file
        again after a kill skips the lines already saved.
        """
        actor.require(Privilege.DATA_IMPORT)
        return self._import(actor, _rows(data, fmt), fmt=fmt, source=source,
                            journal=Journal.of("postings", data, actor.username))

    def _import(self, actor: Actor, rows: Iterator[tuple[int, Any, list[dict[str, str]]]], *, fmt: str, source: str,
                journal: Journal | None) -> ImportSummary:
        actor.require(Privilege.DATA_IMPORT)
        actor.require(Privilege.POSTING_MANAGE)
        summary = ImportSummary()
        done = journal.saved_lines(self._s.db) if journal is not None else set()
        good: list[tuple[int, dict[str, Any]]] = []
        for number, data, problems in rows:
            if number in done:
                summary.skipped += 1
                continue
            if data is None:
                summary.reject(number, problems)
                continue
            checked = check_import_line(data, text_numbers=fmt == "csv")
            flagged = {p["field"] for p in problems}
            errors = [*problems, *(e for e in checked.errors if e["field"] not in flagged)]
            if errors:
                summary.reject(number, errors)
            else:
                good.append((number, checked.values))
        for start in range(0, len(good), IMPORT_BATCH):
            write_batch(self._s.db, good[start:start + IMPORT_BATCH], lambda session, b: self._apply(session, actor, b),
                        summary, journal=journal, at=self._s.now())
        audit_import(self._s.db, summary, lambda session: append_audit(
            session, actor, "posting.import", at=self._s.now(), entity="import", entity_id=source[:64] or None,
            changes=summary_counts(summary)))
        summary.rejected.sort(key=lambda r: r["line"])
        return summary

    def _apply(self, session: Session, actor: Actor, batch: list[tuple[int, dict[str, Any]]]) -> ImportSummary:
        out = ImportSummary()
        now = self._s.now()
        feins = {v["employer_fein"] for _, v in batch if v.get("employer_fein")}
        emp_ids = {v["employer_id"] for _, v in batch if v.get("employer_id")}
        employers = {e.id: e for e in session.exec(select(Employer).where(
            col(Employer.id).in_(emp_ids) | col(Employer.fein).in_(feins))).all()}
        by_fein = {e.fein: e for e in employers.values() if e.fein}
        ids = [v["id"] for _, v in batch if v.get("id")]
        existing = {p.id: p for p in session.exec(select(JobPosting).where(col(JobPosting.id).in_(ids))).all()} \
            if ids else {}
        events: list[AuditEvent] = []
        for number, values in batch:
            errors: list[dict[str, str]] = []
            employer = None
            if values.get("employer_id"):
                employer = employers.get(values["employer_id"])
                if employer is None:
                    errors.append({"field": "employer_id", "message": "no employer has this id"})
            if values.get("employer_fein"):
                by = by_fein.get(values["employer_fein"])
                if by is None:
                    errors.append({"field": "employer_fein", "message": "no employer has this FEIN; add the employer first"})
                elif employer is not None and by.id != employer.id:
                    errors.append({"field": "employer_fein", "message": "names another employer than employer_id"})
                employer = employer or by
            posting = existing.get(values["id"]) if values.get("id") else None
            status = values["status"]
            if employer is not None and posting is not None and posting.employer_id != employer.id:
                errors.append({"field": "employer_id", "message": "a posting cannot move to another employer"})
            if employer is not None and status == "active" and employer.status != "active" and (
                    posting is None or posting.status != "active"):
                errors.append({"field": "status", "message": "the employer is not active"})
            if posting is not None and posting.status != status and (problem := posting_move_problem(posting.status, status)):
                errors.append({"field": "status", "message": problem})
            if errors or employer is None:
                out.rejected.append({"line": number, "errors": errors})
                continue
            fields = {k: values[k] for k in POSTING_FIELDS}
            if posting is None:
                fields["posted_date"] = fields.get("posted_date") or self._s.today()
                posting = JobPosting(employer_id=employer.id, **fields, status=status, created_at=now,
                                     **({"id": values["id"]} if values.get("id") else {}))
                session.add(posting)
                session.flush()
                session.add(JobPostingStatusChange(posting_id=posting.id, from_status=None, to_status=status, at=now,
                                                   by=actor.username, reason="imported"))
                events.append(AuditEvent("posting.add", "job_posting", posting.id,
                                         {"employer": employer.id, "status": status, "source": "import"}))
                out.created += 1
                continue
            changes = {k: {"old": _plain(getattr(posting, k)), "new": _plain(v)} for k, v in fields.items()
                       if getattr(posting, k) != v}
            if posting.status != status:
                changes["status"] = {"old": posting.status, "new": status}
                session.add(JobPostingStatusChange(posting_id=posting.id, from_status=posting.status, to_status=status,
                                                   at=now, by=actor.username, reason="imported"))
            if not changes:
                out.unchanged += 1
                continue
            for key, value in fields.items():
                setattr(posting, key, value)
            posting.status = status
            session.add(posting)
            events.append(AuditEvent("posting.edit", "job_posting", posting.id, {**changes, "source": "import"}))
            out.updated += 1
        session.flush()
        append_audit_events(session, actor, events, at=now)
        return out

    # --- export --------------------------------------------------------------------------------

    def export_records(self, actor: Actor, *, destination: str = "", batch: int = 2000) -> Iterator[str]:
        """Every posting as one JSON line (the import's fields); the export is audited first."""
        actor.require(Privilege.REPORT_EXPORT)
        with self._s.unit(actor, write=True) as session:
            total = session.exec(select(func.count()).select_from(JobPosting)).one()
            append_audit(session, actor, "posting.export", at=self._s.now(), entity="export",
                         entity_id=destination[:64] or None, changes={"postings": total})
        return self._export_lines(batch)

    def _export_lines(self, batch: int) -> Iterator[str]:
        last = ""
        while True:
            with self._s.db.session() as session:
                rows = session.exec(select(JobPosting, Employer.fein).join(Employer, col(Employer.id) == col(JobPosting.employer_id))
                                    .where(col(JobPosting.id) > last).order_by(col(JobPosting.id)).limit(batch)).all()
                lines = [json.dumps(export_line(p, fein), ensure_ascii=False, separators=(",", ":")) for p, fein in rows]
            if not rows:
                return
            last = rows[-1][0].id
            yield from lines


def export_line(p: JobPosting, fein: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": p.id, "employer_id": p.employer_id, "employer_fein": fein, "status": p.status}
    for key in POSTING_FIELDS:
        out[key] = _plain(getattr(p, key))
    return out


def _plain(value: Any) -> Any:
    """A value as JSON writes it: dates ISO, money a number (whole dollars an integer)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: _plain(v) for k, v in values.items() if v is not None}


MULTILINE = frozenset({"description"})


def _rows(data: bytes, fmt: str) -> Iterator[tuple[int, Any, list[dict[str, str]]]]:
    """(line number, the line's fields or None, problems) for each non-blank line or CSV row."""
    return _csv_rows(data) if fmt == "csv" else _json_rows(data)


def _json_rows(data: bytes) -> Iterator[tuple[int, Any, list[dict[str, str]]]]:
    for number, line in file_lines(data):
        if isinstance(line, LineProblem):
            yield number, None, [{"field": "(record)", "message": line.message}]
            continue
        if not line.strip():
            continue
        try:
            value, walk = load_line(line, decimal=True)
        except LineProblem as exc:
            yield number, None, [{"field": "(record)", "message": exc.message}]
            continue
        yield number, value, value_problems(value, multiline=MULTILINE) if walk else []


def _csv_rows(data: bytes) -> Iterator[tuple[int, Any, list[dict[str, str]]]]:
    """CSV rows, each numbered by the file line it starts on; a row on a line that is not UTF-8 is refused."""
    texts: list[str] = []
    bad: dict[int, str] = {}
    for number, raw in split_lines(data):
        try:
            texts.append(decode_line(raw))
        except LineProblem as exc:
            bad[number] = exc.message
            texts.append(raw.decode("utf-8", "replace"))  # still a row, so the reader numbers it
    if 1 in bad:
        yield 1, None, [{"field": "(header)", "message": bad[1]}]
        return
    for start, end, row, problem in _csv_lines("\n".join(texts)):
        spoiled = [bad[n] for n in range(start, end) if n in bad]
        if spoiled:
            yield start, None, [{"field": "(record)", "message": spoiled[0]}]
        elif problem is not None:
            yield start, None, [problem]
        else:
            yield start, row, value_problems(row, multiline=MULTILINE)


def _csv_lines(text: str) -> Iterator[tuple[int, int, Any, dict[str, str] | None]]:
    """Rows of a CSV file with a header: (first line, line after the row, fields, problem)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        yield 1, 2, None, {"field": "(header)", "message": f"is not CSV ({exc})"}
        return
    header = [h.strip() for h in header]
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, reader.line_num + 1, None, {"field": "(record)", "message": f"is not CSV ({exc})"}
            start = reader.line_num + 1
            continue
        number, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield number, start, None, {"field": "(record)", "message": f"has {len(row)} cells; the header has {len(header)}"}
            continue
        yield number, start, {k: (v.strip() or None) for k, v in zip(header, row, strict=True)}, None
