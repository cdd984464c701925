"""Registering a job seeker, without ever making two records of one person silently."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from jobcenter_tui.db.models import EligibilityDetermination, JobSeeker, PossibleDuplicate, Staff
from jobcenter_tui.domain.eligibility import EligibilityConfig, evaluate
from jobcenter_tui.domain.matching import Person, match_reasons
from jobcenter_tui.domain.permissions import Actor, Privilege
from jobcenter_tui.domain.questions import MAX_AGE, birth_date_problem
from jobcenter_tui.domain.record import RecordInvalid, SeekerRecord, parse_record
from jobcenter_tui.domain.ssn import Ssn, SsnError, mask_last4
from jobcenter_tui.services.audit import AuditEvent, append_audit_events
from jobcenter_tui.services.common import determination_row, display_name, eligibility_config, next_sequence
from jobcenter_tui.services.eligibility import llsil_problems
from jobcenter_tui.services.errors import InvalidInput, ServiceError
from jobcenter_tui.services.seeker_mapping import record_columns

if TYPE_CHECKING:
    from jobcenter_tui.services import Services

MAX_CANDIDATES = 20


@dataclass(frozen=True)
class DuplicateCandidate:
    id: str
    name: str
    date_of_birth: str
    ssn_masked: str
    city: str
    reasons: tuple[str, ...]
    short_name: str = ""  # "Reyes, D.": enough to recognise, said when an SSN is already on file

    @property
    def same_ssn(self) -> bool:
        return "same SSN" in self.reasons


def short_name(first: str, last: str) -> str:
    return f"{last}, {first[:1]}." if first else last


class DuplicatesFound(ServiceError):
    """Probable matches exist; staff must open one of them or say this is a different person."""

    def __init__(self, candidates: list[DuplicateCandidate]) -> None:
        super().__init__(f"{len(candidates)} probable match(es) found")
        self.candidates = candidates


class SsnOnFile(DuplicatesFound):
    """The SSN is another record's: open that record (or correct the SSN). Never "a different person"."""

    def __init__(self, owner: DuplicateCandidate) -> None:
        super().__init__([owner])
        self.owner = owner
        self.args = (ssn_on_file_message(owner),)


def ssn_on_file_message(owner: DuplicateCandidate) -> str:
    return f"This SSN belongs to {owner.short_name or owner.name} — open that record"


@dataclass(frozen=True)
class BirthDateLimits:
    """The ages a date of birth must give (the wizard checks as it is typed; ``register`` again)."""

    min_age: int
    max_age: int


@dataclass(frozen=True)
class Registered:
    id: str
    name: str
    account_type: str
    possible_duplicates: int  # kiosk registrations that look like an existing record, left for staff


def store_problems(session: Session, record: SeekerRecord, cfg: EligibilityConfig) -> list[dict[str, str]]:
    """Checks that need the store: the case manager exists, the LLSIL region is configured."""
    problems = list(llsil_problems(record, cfg))
    if record.case_manager is not None and session.exec(select(Staff.id).where(Staff.username == record.case_manager)).first() is None:
        problems.append({"field": "case_manager", "message": f"no staff account named {record.case_manager}"})
    return problems


class RegistrationService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def _person(self, data: dict[str, Any]) -> Person:
        ssn_index = None
        if data.get("ssn"):
            try:
                ssn_index = self._s.keyring.blind_index(data["ssn"] if isinstance(data["ssn"], Ssn) else Ssn(str(data["ssn"])))
            except SsnError:
                ssn_index = None
        dob = data.get("date_of_birth")
        if isinstance(dob, str):
            from datetime import date

            try:
                dob = date.fromisoformat(dob)
            except ValueError:
                dob = None
        phone = "".join(c for c in str(data.get("phone") or "") if c.isdigit())[-10:] or None
        return Person(str(data.get("first_name") or ""), str(data.get("last_name") or ""), dob, ssn_index, phone,
                      (data.get("email") or None))

    def _candidates(self, session: Session, person: Person, exclude: str | None) -> list[DuplicateCandidate]:
        conditions: list[ColumnElement[bool]] = []
        if person.ssn_index:
            conditions.append(col(JobSeeker.ssn_index) == person.ssn_index)
        if person.date_of_birth:
            conditions.append(col(JobSeeker.date_of_birth) == person.date_of_birth)
        if person.phone:
            conditions.append(col(JobSeeker.phone) == person.phone)
        if person.email:
            conditions.append(col(JobSeeker.email_lower) == person.email.lower())
        if not conditions:
            return []
        rows = session.exec(select(JobSeeker).where(or_(*conditions)).limit(500)).all()
        out = []
        for row in rows:
            if row.id == exclude:
                continue
            reasons = match_reasons(person, Person(row.first_name, row.last_name, row.date_of_birth, row.ssn_index,
                                                   row.phone, row.email_lower))
            if reasons:
                last4 = self._s.keyring.decrypt(row.ssn_cipher).last4 if row.ssn_cipher else None
                out.append(DuplicateCandidate(row.id, display_name(row.first_name, row.middle_name, row.last_name, row.suffix),
                                              row.date_of_birth.isoformat(), mask_last4(last4), row.address_city or "",
                                              tuple(reasons), short_name(row.first_name, row.last_name)))
        out.sort(key=lambda c: (c.reasons[0] != "same SSN", c.name))
        return out[:MAX_CANDIDATES]

    def birth_date_limits(self) -> BirthDateLimits:
        """``wp_min_age`` of the store (nobody younger is served) and the oldest plausible age."""
        with self._s.db.session() as session:
            cfg = eligibility_config(session)
        return BirthDateLimits(cfg.wp_min_age, MAX_AGE)

    def find_duplicates(self, actor: Actor, data: dict[str, Any], *, exclude: str | None = None) -> list[DuplicateCandidate]:
        """Probable matches for partly filled answers (identity page) or a whole record (Save)."""
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.unit(actor) as session:
            return self._candidates(session, self._person(data), exclude)

    def register(self, actor: Actor, data: dict[str, Any], *, distinct_from: tuple[str, ...] = (),
                 source: str = "wizard") -> Registered:
        """Create a job seeker from a record-layout dict, in one unit of work.

        Staff: probable matches not in ``distinct_from`` refuse the save (``DuplicatesFound``);
        those in it are recorded as "different person" decisions. The kiosk: a self-service
        account is made and probable matches are left as open possible-duplicates for staff.
        """
        actor.require(Privilege.SEEKER_CREATE)
        kiosk = actor.kind == "kiosk"
        if kiosk:
            data = {**data, "account_type": "self_service"}
        now = self._s.now()
        try:
            record = parse_record(data, self._s.today())
        except RecordInvalid as exc:
            raise InvalidInput(exc.errors) from None
        with self._s.unit(actor, write=True) as session:
            cfg = eligibility_config(session)
            problems = store_problems(session, record, cfg)
            born = birth_date_problem(record.date_of_birth, self._s.today(), min_age=cfg.wp_min_age, max_age=MAX_AGE)
            if born:
                problems.append({"field": "date_of_birth", "message": born})
            if problems:
                raise InvalidInput(problems)
            candidates = self._candidates(session, self._person(record.model_dump()), None)
            same_ssn = [c for c in candidates if c.same_ssn]
            if same_ssn and not kiosk:
                raise SsnOnFile(same_ssn[0])  # one SSN, one person: never "a different person"
            unconfirmed = [c for c in candidates if c.id not in distinct_from]
            if unconfirmed and not kiosk:
                raise DuplicatesFound(unconfirmed)
            cols = record_columns(record, self._s.keyring)
            held: dict[str, Any] = {}
            if same_ssn:  # kiosk: the SSN is someone's already; kept on the possible duplicate for staff, not here
                held = {"ssn_cipher": cols["ssn_cipher"], "ssn_index": cols["ssn_index"]}
                cols["ssn_cipher"] = cols["ssn_index"] = cols["ssn_last4_index"] = None
            if cols.get("office") is None and actor.office:
                cols["office"] = actor.office
            row = JobSeeker(**cols, created_by=actor.username, updated_by=actor.username, created_at=now, updated_at=now,
                            last_activity_at=now)
            if record.id:  # a record made elsewhere (an outreach laptop) keeps its id
                if session.exec(select(JobSeeker.id).where(JobSeeker.id == record.id)).first() is not None:
                    raise InvalidInput({"id": "a job seeker with this record id already exists"})
                row.id = record.id
            session.add(row)
            session.flush()
            determination = EligibilityDetermination(
                **determination_row(record, row.id, evaluate(record, self._s.today(), cfg), actor, now),
                sequence=next_sequence(session))
            session.add(determination)
            events = [AuditEvent("seeker.create", "job_seeker", row.id,
                                 {"source": source, "account_type": row.account_type, "determination": determination.id})]
            for c in candidates:
                status = "open" if kiosk else "distinct"
                session.add(PossibleDuplicate(seeker_id=row.id, other_id=c.id, reasons=list(c.reasons), status=status,
                                              created_by=actor.username, resolved_at=None if kiosk else now,
                                              resolved_by=None if kiosk else actor.username,
                                              **(held if c.same_ssn else {})))
                events.append(AuditEvent("seeker.possible_duplicate" if kiosk else "seeker.confirmed_distinct",
                                         "job_seeker", row.id, {"other": c.id, "reasons": list(c.reasons)}))
            session.flush()
            append_audit_events(session, actor, events, at=now)
            return Registered(row.id, display_name(row.first_name, row.middle_name, row.last_name, row.suffix),
                              row.account_type, len(candidates) if kiosk else 0)


@dataclass(frozen=True)
class PossibleDuplicateView:
    id: str
    seeker_id: str
    seeker_name: str
    other_id: str
    other_name: str
    reasons: tuple[str, ...]
    created_at: Any
    holds_ssn: bool = False  # the kiosk's SSN is the other record's: never "different people"


class DuplicateReview:
    """The open possible duplicates (left by kiosk registrations) and staff decisions on them."""

    def __init__(self, services: Services) -> None:
        self._s = services

    def open(self, actor: Actor, limit: int = 100) -> list[PossibleDuplicateView]:
        """The open possible duplicates, oldest first, with both names: one query, however many."""
        actor.require(Privilege.SEEKER_EDIT)
        a, b = aliased(JobSeeker), aliased(JobSeeker)
        with self._s.unit(actor) as session:
            rows = session.exec(
                select(PossibleDuplicate, a, b)
                .join(a, col(a.id) == PossibleDuplicate.seeker_id).join(b, col(b.id) == PossibleDuplicate.other_id)
                .where(PossibleDuplicate.status == "open")
                .order_by(col(PossibleDuplicate.created_at)).limit(limit)
            ).all()
            return [PossibleDuplicateView(r.id, a_.id, display_name(a_.first_name, a_.middle_name, a_.last_name, a_.suffix),
                                          b_.id, display_name(b_.first_name, b_.middle_name, b_.last_name, b_.suffix),
                                          tuple(r.reasons), r.created_at, r.ssn_cipher is not None) for r, a_, b_ in rows]

    def mark_distinct(self, actor: Actor, duplicate_id: str) -> None:
        """Staff checked: two different people. (Merging two records is not built yet.)"""
        actor.require(Privilege.SEEKER_EDIT)
        with self._s.unit(actor, write=True) as session:
            row = session.get(PossibleDuplicate, duplicate_id)
            if row is None or row.status != "open":
                raise ServiceError("This possible duplicate is no longer open")
            if row.ssn_cipher is not None:  # one SSN, one person: the SSN typed at the kiosk is the other record's
                raise ServiceError("The SSN typed at the kiosk is already on the other record, so these cannot be two "
                                   "different people. Open the records to correct the SSN or the identity.")
            row.status, row.resolved_at, row.resolved_by = "distinct", self._s.now(), actor.username
            session.add(row)
            append_audit_events(session, actor, [AuditEvent("seeker.confirmed_distinct", "job_seeker", row.seeker_id,
                                                            {"other": row.other_id, "reasons": row.reasons})], at=self._s.now())
