"""Finding a job seeker from one search box, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from jobcenter_tui.db.search import NAME_CANDIDATES, SeekerFilters, find_seekers
from jobcenter_tui.domain.permissions import Actor, Privilege
from jobcenter_tui.domain.search_query import SearchQuery, parse_query, record_prefix_of
from jobcenter_tui.domain.ssn import mask_last4
from jobcenter_tui.services.audit import append_audit
from jobcenter_tui.services.common import display_name

if TYPE_CHECKING:
    from collections.abc import Sequence

    from jobcenter_tui.services import Services
    from jobcenter_tui.services.crypto import Keyring

MAX_PAGE = 200


@dataclass(frozen=True, slots=True)
class SeekerSummary:
    """One search result row: enough to recognise the person, nothing more."""

    id: str
    name: str
    date_of_birth: date
    ssn_masked: str
    city: str
    account_type: str
    last_activity: datetime


@dataclass(frozen=True)
class SearchPage:
    query: SearchQuery
    rows: tuple[SeekerSummary, ...]
    page: int
    page_size: int
    has_more: bool
    message: str  # what to show above the results (empty state, problems)


class SearchService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def search(self, actor: Actor, text: str, *, page: int = 0, page_size: int = 50) -> SearchPage:
        actor.require(Privilege.SEEKER_VIEW)
        page_size = max(1, min(page_size, MAX_PAGE))
        query = parse_query(text)
        if query.kind == "empty":
            return SearchPage(query, (), 0, page_size, False,
                              "Type a name, date of birth, SSN or its last 4 digits, phone, email or record id.")
        if query.problems and not (query.name_terms or query.date_of_birth or query.last4 or query.ssn):
            return SearchPage(query, (), 0, page_size, False, " ".join(query.problems))
        keyring = self._s.keyring
        filters = SeekerFilters(
            name_terms=query.name_terms,
            date_of_birth=query.date_of_birth,
            ssn_index=keyring.blind_index(query.ssn) if query.ssn is not None else None,
            last4_index=keyring.last4_index(query.last4) if query.last4 else None,
            phone=query.phone,
            email=query.email,
            record_id=query.record_id,
            record_prefix=query.record_prefix,
        )
        # Every search is audited (what it was by and how many were shown, never the text): SSN
        # searches in the same write transaction as the lookup; the others right after the read on
        # the same connection, so the write lock is not held while the index is searched. No
        # results reach the screen unless the row is written.
        with self._s.audited_read(actor, locked=query.uses_ssn) as unit:
            result = find_seekers(unit.conn, filters, limit=page_size + 1, offset=page * page_size)
            prefix = record_prefix_of(text)
            if not result.rows and query.kind == "name" and prefix:  # "deadbeef": no such name, maybe an id
                query = SearchQuery("record_id", record_prefix=prefix)
                result = find_seekers(unit.conn, SeekerFilters(record_prefix=prefix), limit=page_size + 1,
                                      offset=page * page_size)
            shown = len(result.rows[:page_size])
            if query.uses_ssn:
                append_audit(unit, actor, "seeker.search_ssn", at=self._s.now(), entity="search",
                             changes={"kind": "ssn" if query.ssn is not None else "last4", "results": shown})
            else:
                append_audit(unit, actor, "seeker.search", at=self._s.now(), entity="search",
                             changes={"kind": search_kind(query), "results": shown, "page": page})
        found = result.rows
        summaries = tuple(_summary(row, keyring) for row in found[:page_size])  # only the page is decrypted
        has_more = len(found) > page_size
        if summaries and result.capped:
            message = (f"{query.describe()}: over {NAME_CANDIDATES:,} people match; showing the first found in name order. "
                       "Type more of the name, or add the date of birth.")
        elif summaries:
            message = f"{query.describe()}: {page * page_size + len(summaries)} shown"  # in all, with earlier pages
        elif page:
            message = "No more results."
        else:
            message = f"No job seeker matches {query.describe() or text!r}. " + _hint(query)
        if query.problems:
            message = " ".join(query.problems) + " " + message
        return SearchPage(query, summaries, page, page_size, has_more, message.strip())


def _summary(row: Sequence[Any], keyring: Keyring) -> SeekerSummary:
    """One result row, from the columns of ``SUMMARY_COLUMNS`` in their order (no per-name lookups:
    a page is built on every pause in typing)."""
    id_, first, middle, last, suffix, born, cipher, declined, city, account, activity = row
    return SeekerSummary(
        id=id_,
        name=display_name(first, middle, last, suffix),
        date_of_birth=_day(born),
        ssn_masked=mask_last4(keyring.last4(cipher)) if cipher else ("declined" if declined else "—"),
        city=city or "",
        account_type="staff" if account == "staff_assisted" else "self",
        last_activity=_moment(activity),
    )


def search_kind(query: SearchQuery) -> str:
    """What a search was by, for the audit log: "name+date_of_birth", "phone"… never the text itself."""
    parts = [kind for kind, present in (
        ("name", query.name_terms), ("date_of_birth", query.date_of_birth), ("phone", query.phone),
        ("email", query.email), ("record_id", query.record_id or query.record_prefix)) if present]
    return "+".join(parts) or query.kind


def _day(value: date | str) -> date:
    """Text SQL returns SQLite dates as text."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _moment(value: datetime | str) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if len(value) >= 19 and "+" not in value[19:] and "-" not in value[19:] and not value.endswith("Z"):
        return datetime.fromisoformat(value + "+00:00")  # the store writes UTC without an offset (5x faster than replace)
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _hint(query: SearchQuery) -> str:
    if query.kind == "name" and query.name_terms and (query.date_of_birth or query.last4):
        return "Try the name alone, or the date of birth alone."
    if query.kind == "name" and query.name_terms:
        return "Try fewer letters (the start of the last name), or search by date of birth."
    if query.kind in ("ssn", "phone", "email"):
        return "Check the digits, or try the name."
    return "Try the last name, or the date of birth."
