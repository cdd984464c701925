"""Employers and job postings (F4): find an employer, its contacts and postings, a posting's history.

Four screens, each keyboard only: the employer list (type a name or a FEIN), one employer, one
posting, and the posting's candidates (job seekers to send a lead to or refer). Forms are ``FormScreen`` with question declarations; a status move is chosen in a form and
confirmed before it is saved. Looking needs any of "View job seekers", "Manage employers", "Manage
job postings"; the keys that change something show only to staff holding the privilege (the
services refuse the rest anyway).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Label, Static

from jobcenter_tui.domain.employers import (
    CLOSE_REASONS,
    EDUCATION_WANTED,
    EMPLOYER_FIELDS,
    EMPLOYER_STATUSES,
    JOB_TYPES,
    POSTING_STATUSES,
    VISIBILITIES,
    WAGE_UNITS,
    format_fein,
)
from jobcenter_tui.domain.jobs import LEAD_CHANNELS
from jobcenter_tui.domain.questions import Question, naics_label, readable
from jobcenter_tui.widgets.case.base import plain_cells
from jobcenter_tui.widgets.case.labels import words
from jobcenter_tui.widgets.service_call import Failure, ServiceCaller

if TYPE_CHECKING:
    from jobcenter_tui.domain.permissions import Actor
    from jobcenter_tui.services import Services
    from jobcenter_tui.services.employers import EmployerDetail, EmployerRow
    from jobcenter_tui.services.job_search import CandidatePage
    from jobcenter_tui.services.postings import PostingDetail

DEBOUNCE_SECONDS = 0.25
DEFAULT_CANDIDATE_MILES = 25  # as the command line's `jobs candidates`
REFERRAL_WORDS = {"referred": "Referred", "hired": "Hired", "not_hired": "Not hired", "no_show": "No show",
                  "declined": "Declined", "position_filled": "Position filled"}


def _choices(table: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(table.items())


def employer_questions() -> list[Question]:
    return [Question("name", "Employer name", "text", required=True),
            Question("fein", "FEIN", "text", max_length=10, help="Federal employer id: 12-3456789"),
            Question("naics", "Industry (NAICS)", "naics", max_length=200),
            Question("address_line1", "Street address", "text"),
            Question("address_city", "City", "text", max_length=100),
            Question("address_state", "State", "state"),
            Question("address_zip", "ZIP code", "zip")]


def contact_questions() -> list[Question]:
    return [Question("name", "Contact name", "text", required=True, max_length=100),
            Question("title", "Job title", "text", max_length=100),
            Question("phone", "Phone", "phone"),
            Question("email", "Email", "email")]


def posting_questions() -> list[Question]:
    return [Question("title", "Job title", "text", required=True),
            Question("soc_code", "Occupation (SOC code)", "soc"),
            Question("openings", "Openings", "int", minimum=1, maximum=9999),
            Question("job_type", "Job type", "choice", choices=_choices(JOB_TYPES)),
            Question("wage_min", "Lowest wage", "money"),
            Question("wage_max", "Highest wage", "money"),
            Question("wage_unit", "Wage is paid", "choice", choices=_choices(WAGE_UNITS)),
            Question("city", "City", "text", max_length=100),
            Question("state", "State", "state"),
            Question("zip", "ZIP code", "zip"),
            Question("posted_date", "Posted", "date"),
            Question("closing_date", "Closes", "date"),
            Question("education_wanted", "Education wanted", "choice", choices=_choices(EDUCATION_WANTED)),
            Question("experience_wanted", "Experience wanted", "text"),
            Question("visibility", "Visible to", "choice", required=True, choices=(
                ("public", "Everyone (public)"), ("staff_referral_only", "Staff referral only"))),
            Question("description", "Description", "long_text", max_length=20000)]


def move_questions(allowed: tuple[str, ...], table: dict[str, str], *, closing: bool) -> list[Question]:
    questions = [Question("status", "New status", "choice", required=True,
                          choices=tuple((s, table[s]) for s in allowed))]
    if closing:
        questions.append(Question("close_reason", "Why it closes", "choice", choices=_choices(CLOSE_REASONS),
                                  show=lambda a, c: a.get("status") == "closed"))
    questions.append(Question("reason", "Note", "text", max_length=400,
                              help="Why (needed for filled when referrals did not fill every opening)"))
    return questions


def wage_words(low: Any, high: Any, unit: str | None) -> str:
    if low is None and high is None:
        return "not given"
    money = [f"${v:,.2f}".replace(".00", "") for v in (low, high) if v is not None]
    return "–".join(money) + (f" {WAGE_UNITS.get(unit or '', unit or '')}" if unit else "")


def reason_words(reason: str | None) -> str:
    if not reason:
        return ""
    code, sep, rest = reason.partition(" — ")
    if code in CLOSE_REASONS:
        return CLOSE_REASONS[code] + (f": {rest}" if sep else "")
    return {"created": "Created", "imported": "Imported"}.get(reason, reason)


def _cell(text: str | None) -> Text:
    return Text(text or "", no_wrap=True, overflow="ellipsis")


def _fill(table: DataTable[Any], rows: list[tuple[str, tuple[Any, ...]]]) -> None:
    """Replace a table's rows keeping the cursor on the same key when it is still there."""
    current = None
    if table.row_count and table.cursor_row >= 0:
        try:
            current = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        except Exception:  # noqa: BLE001 - an emptied table has no key under the cursor
            current = None
    table.clear()
    for key, cells in rows:
        table.add_row(*plain_cells(cells), key=key)
    keys = [k for k, _ in rows]
    if current in keys:
        table.move_cursor(row=keys.index(str(current)))


def _selected(table: DataTable[Any]) -> str | None:
    if not table.row_count:
        return None
    return str(table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value)


class _Base(ServiceCaller, Screen[None]):
    """What the three screens share: forms and confirmations."""

    def form(self, title: str, questions: list[Question], submit: Callable[[Services, Actor, dict[str, Any]], Any],
             done: Callable[[Any], object], *, answers: dict[str, Any] | None = None, save_label: str = "Save") -> None:
        from jobcenter_tui.screens.form import FormScreen

        def finished(result: Any) -> None:
            if result is not None:
                done(result)

        self.app.push_screen(FormScreen(title, questions, submit, answers=answers, save_label=save_label), finished)

    def confirm(self, question: str, on_yes: Callable[[], object], yes: str = "Yes") -> None:
        from jobcenter_tui.screens.confirm import ConfirmModal

        def answered(ok: bool | None) -> None:
            if ok:
                on_yes()

        self.app.push_screen(ConfirmModal(question, yes=yes, no="Cancel"), answered)

    def move_refused(self, failure: Failure) -> bool:
        """A refused move is said as the rule says it (the form is closed: there is no field to mark)."""
        if failure.is_incident or not failure.field_errors:
            return False
        self.notify("Not moved: " + "; ".join(readable(m) for m in failure.field_errors.values()),
                    severity="warning", timeout=10, markup=False)
        return True

    def action_close(self) -> None:
        self.dismiss(None)


# --- the list ------------------------------------------------------------------------------------


class EmployersScreen(_Base):
    AUTO_FOCUS = "#employer-search"
    BINDINGS = [
        Binding("escape", "close", "Close", id="employers.close"),
        Binding("f6", "add_employer", "Add employer", id="employers.add", priority=True),
        Binding("down", "to_results", "Results", id="employers.results", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None
        self._text = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(id="employer-search", placeholder="Employer name or FEIN")
        yield Label("", id="employer-message", markup=False)
        yield DataTable(id="employers", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Employers and job postings"
        table = self.query_one("#employers", DataTable)
        table.add_column("Employer", width=max(20, self.app.size.width - 52), key="name")
        table.add_column("FEIN", width=10, key="fein")
        table.add_column("City", width=12, key="city")
        table.add_column("Status", width=16, key="status")
        table.add_column("Open", width=4, key="open")
        self._search("")

    def on_screen_resume(self) -> None:
        self._search(self._text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "add_employer":
            return self.actor.can("employer.manage")
        return True

    @on(Input.Changed, "#employer-search")
    def _typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE_SECONDS, lambda: self._search(event.value))

    @on(Input.Submitted, "#employer-search")
    def _submitted(self, event: Input.Submitted) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._search(event.value, focus=True)

    def _search(self, text: str, *, focus: bool = False) -> None:
        self._text = text
        self.call_service(lambda s, a: s.employers.search(a, text), done=lambda rows: self._show(text, rows, focus),
                          group="employers", exclusive=True)

    def _show(self, text: str, rows: list[EmployerRow], focus: bool) -> None:
        if text != self._text:
            return
        table = self.query_one("#employers", DataTable)
        _fill(table, [(r.id, (_cell(r.name), format_fein(r.fein), _cell(r.city),
                              EMPLOYER_STATUSES.get(r.status, r.status), str(r.open_postings))) for r in rows])
        shown = f"{len(rows)} employer{'s' if len(rows) != 1 else ''}" if rows else "No employer found"
        adding = " — F6: add an employer" if self.actor.can("employer.manage") else ""
        self.query_one("#employer-message", Label).update(f"{shown}; Enter opens one{adding}")
        if focus and rows:
            table.focus()

    def action_to_results(self) -> None:
        table = self.query_one("#employers", DataTable)
        if table.row_count:
            table.focus()

    @on(DataTable.RowSelected, "#employers")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(EmployerScreen(str(event.row_key.value)))

    def action_add_employer(self) -> None:
        if not self.actor.can("employer.manage"):
            return
        self.form("Add an employer", employer_questions(), lambda s, a, ans: s.employers.add(a, ans),
                  lambda detail: self.app.push_screen(EmployerScreen(detail.id)))


# --- one employer --------------------------------------------------------------------------------


class EmployerScreen(_Base):
    BINDINGS = [
        Binding("escape", "close", "Back", id="employer.back"),
        Binding("e", "edit", "Edit employer", id="employer.edit"),
        Binding("s", "status", "Status", id="employer.status"),
        Binding("c", "add_contact", "Add contact", id="employer.add_contact"),
        Binding("t", "edit_contact", "Edit contact", id="employer.edit_contact"),
        Binding("p", "add_posting", "Add posting", id="employer.add_posting"),
    ]

    def __init__(self, employer_id: str) -> None:
        super().__init__()
        self.employer_id = employer_id
        self.detail: EmployerDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="employer-body"):
            yield Static("", id="employer-info")
            yield Label("Contacts", classes="section-title")
            yield DataTable(id="contacts", cursor_type="row", zebra_stripes=True)
            yield Label("Job postings (Enter opens one)", classes="section-title")
            yield DataTable(id="postings", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Employer"
        self.query_one("#contacts", DataTable).add_columns("Name", "Title", "Phone", "Email")
        postings = self.query_one("#postings", DataTable)
        postings.add_column("Title", width=max(16, self.app.size.width - 56), key="title")
        postings.add_column("SOC", width=7, key="soc")
        postings.add_column("Status", width=8, key="status")
        postings.add_column("Open", width=4, key="openings")
        postings.add_column("Closes", width=10, key="closes")
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        employer_id = self.employer_id
        self.call_service(lambda s, a: s.employers.get(a, employer_id), done=self._show, group="employer", exclusive=True)

    def _show(self, d: EmployerDetail) -> None:
        self.detail = d
        text = Text()
        text.append(d.name, style="bold")
        text.append(f"  ·  {EMPLOYER_STATUSES.get(d.status, d.status)}\n")
        text.append(f"FEIN {format_fein(d.fein) or '—'}  ·  NAICS {naics_label(d.naics) if d.naics else '—'}\n")
        place = ", ".join(p for p in (d.address_line1, d.address_city, " ".join(x for x in (d.address_state, d.address_zip) if x)) if p)
        text.append(place or "No address on file")
        self.query_one("#employer-info", Static).update(text)
        _fill(self.query_one("#contacts", DataTable), [
            (c.id, (_cell(c.name), _cell(c.title), _phone(c.phone), _cell(c.email))) for c in d.contacts])
        _fill(self.query_one("#postings", DataTable), [
            (p.id, (_cell(p.title), p.soc_code or "", POSTING_STATUSES.get(p.status, p.status), str(p.openings),
                    p.closing_date.isoformat() if p.closing_date else "")) for p in d.postings])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "status", "add_contact", "edit_contact"):
            return self.actor.can("employer.manage")
        if action == "add_posting":
            return self.actor.can("posting.manage")
        return True

    @on(DataTable.RowSelected, "#postings")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(PostingScreen(str(event.row_key.value)))

    def _reload(self, message: str) -> Callable[[Any], None]:
        def done(_: Any) -> None:
            self.notify(message, markup=False)
            self.load()
        return done

    def action_edit(self) -> None:
        d = self.detail
        if d is None:
            return
        eid, version = d.id, d.version
        answers = {k: v for k, v in d.fields().items() if v is not None}
        if d.fein:
            answers["fein"] = format_fein(d.fein)
        self.form("Edit the employer", employer_questions(),
                  lambda s, a, ans: s.employers.update(a, eid, {k: ans.get(k) for k in EMPLOYER_FIELDS},
                                                       expected_version=version),
                  self._reload("Employer saved."), answers=answers)

    def action_status(self) -> None:
        d = self.detail
        if d is None or not d.allowed_moves:
            return
        eid, version, name, old = d.id, d.version, d.name, d.status

        def chosen(ans: dict[str, Any]) -> None:
            to = ans["status"]
            self.confirm(f"Change {name} from {EMPLOYER_STATUSES[old].lower()} to {EMPLOYER_STATUSES[to].lower()}?",
                         lambda: self.call_service(
                             lambda s, a: s.employers.set_status(a, eid, to, expected_version=version,
                                                                 reason=ans.get("reason")),
                             done=self._reload("Employer status changed."), failed=self.move_refused))

        self.form(f"Status of {name}", move_questions(d.allowed_moves, EMPLOYER_STATUSES, closing=False),
                  lambda s, a, ans: ans, chosen, save_label="Next")

    def action_add_contact(self) -> None:
        eid = self.employer_id
        self.form("Add a contact", contact_questions(), lambda s, a, ans: s.employers.add_contact(a, eid, ans),
                  self._reload("Contact saved."))

    def action_edit_contact(self) -> None:
        d = self.detail
        key = _selected(self.query_one("#contacts", DataTable))
        contact = next((c for c in d.contacts if c.id == key), None) if d else None
        if contact is None:
            self.notify("No contact to edit: add one with c.", markup=False)
            return
        cid, version = contact.id, contact.version
        answers = {"name": contact.name, "title": contact.title, "email": contact.email,
                   "phone": _phone(contact.phone) or None}
        self.form("Edit the contact", contact_questions(),
                  lambda s, a, ans: s.employers.update_contact(a, cid, ans, expected_version=version),
                  self._reload("Contact saved."), answers={k: v for k, v in answers.items() if v})

    def action_add_posting(self) -> None:
        d = self.detail
        if d is None:
            return
        eid = d.id
        answers = {"openings": 1, "visibility": "public", "posted_date": self.services.today(),
                   "city": d.address_city, "state": d.address_state, "zip": d.address_zip}
        self.form(f"New job posting at {d.name}", posting_questions(), lambda s, a, ans: s.postings.add(a, eid, ans),
                  lambda p: self.app.push_screen(PostingScreen(p.id)),
                  answers={k: v for k, v in answers.items() if v is not None})


def _phone(digits: str | None) -> str:
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}" if digits and len(digits) == 10 else (digits or "")


# --- one posting ---------------------------------------------------------------------------------


class PostingScreen(_Base):
    BINDINGS = [
        Binding("escape", "close", "Back", id="posting.back"),
        Binding("e", "edit", "Edit posting", id="posting.edit"),
        Binding("s", "status", "Change status", id="posting.status"),
        Binding("k", "candidates", "Candidates", id="posting.candidates"),
    ]

    def __init__(self, posting_id: str) -> None:
        super().__init__()
        self.posting_id = posting_id
        self.detail: PostingDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="posting-body"):
            yield Static("", id="posting-info")
            yield Label("Status history", classes="section-title")
            yield DataTable(id="posting-history", cursor_type="row", zebra_stripes=True)
            yield Label("Referrals", classes="section-title")
            yield DataTable(id="posting-referrals", cursor_type="row", zebra_stripes=True)
            yield Static("", id="posting-description")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Job posting"
        self.query_one("#posting-history", DataTable).add_columns("When", "From", "To", "By", "Why")
        self.query_one("#posting-referrals", DataTable).add_columns("Job seeker", "Status", "Referred", "By")
        self.load()

    def on_screen_resume(self) -> None:
        """Back from the candidates: a referral made there shows in the list."""
        self.load()

    def load(self) -> None:
        posting_id = self.posting_id
        self.call_service(lambda s, a: s.postings.get(a, posting_id), done=self._show, group="posting", exclusive=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "status"):
            return self.actor.can("posting.manage")
        return True

    def action_candidates(self) -> None:
        self.app.push_screen(CandidatesScreen(self.posting_id))

    def _show(self, p: PostingDetail) -> None:
        self.detail = p
        text = Text()
        text.append(p.title, style="bold")
        text.append(f"  ·  {POSTING_STATUSES.get(p.status, p.status)}")
        if p.visibility != "public":
            text.append(f"  ·  {VISIBILITIES[p.visibility]}", style="italic")
        text.append(f"\n{p.employer_name}\n")
        place = ", ".join(x for x in (p.city, " ".join(y for y in (p.state, p.zip) if y)) if x)
        text.append(f"Occupation {p.soc_code or '—'}  ·  {JOB_TYPES.get(p.job_type or '', 'job type not given')}"
                    f"  ·  {place or 'no place given'}\n")
        text.append(f"Wage {wage_words(p.wage_min, p.wage_max, p.wage_unit)}  ·  "
                    f"Openings {p.openings} ({p.hired} hired through referrals)\n")
        text.append(f"Posted {p.posted_date or '—'}  ·  Closes {p.closing_date or '—'}  ·  Education "
                    f"{EDUCATION_WANTED.get(p.education_wanted or '', 'not given')}")
        if p.experience_wanted:
            text.append(f"\nExperience: {p.experience_wanted}")
        self.query_one("#posting-info", Static).update(text)
        _fill(self.query_one("#posting-history", DataTable), [
            (str(i), (h.at.strftime("%Y-%m-%d %H:%M"), POSTING_STATUSES.get(h.from_status or "", "—"),
                      POSTING_STATUSES.get(h.to_status, h.to_status), _cell(h.by), _cell(reason_words(h.reason))))
            for i, h in enumerate(p.history)])
        _fill(self.query_one("#posting-referrals", DataTable), [
            (r.id, (_cell(r.seeker_name), REFERRAL_WORDS.get(r.status, r.status), r.referred_at.strftime("%Y-%m-%d"),
                    _cell(r.staff))) for r in p.referrals])
        description = Text()
        if not p.referrals:
            description.append("No referrals to this posting yet.\n", style="italic")
        if p.description:
            description.append(p.description)
        self.query_one("#posting-description", Static).update(description)

    def _saved(self, message: str) -> Callable[[Any], None]:
        def done(result: Any) -> None:
            self.notify(message, markup=False)
            self._show(result)
        return done

    def action_edit(self) -> None:
        p = self.detail
        if p is None:
            return
        pid, version = p.id, p.version
        answers = {k: v for k, v in p.fields().items() if v is not None}
        self.form("Edit the posting", posting_questions(),
                  lambda s, a, ans: s.postings.update(a, pid, {k: ans.get(k) for k in p.fields()},
                                                      expected_version=version),
                  self._saved("Posting saved."), answers=answers)

    def action_status(self) -> None:
        p = self.detail
        if p is None:
            return
        if not p.allowed_moves:
            self.notify("A closed posting is final.", markup=False)
            return
        pid, version, title, old = p.id, p.version, p.title, p.status

        def chosen(ans: dict[str, Any]) -> None:
            to = ans["status"]
            note = (ans.get("reason") or "").strip()
            code = ans.get("close_reason") if to == "closed" else None
            reason = " — ".join(x for x in (code, note) if x) or None
            self.confirm(f"Move the posting '{title}' from {POSTING_STATUSES[old].lower()} to "
                         f"{POSTING_STATUSES[to].lower()}?",
                         lambda: self.call_service(
                             lambda s, a: s.postings.move(a, pid, to, expected_version=version, reason=reason),
                             done=self._saved(f"The posting is now {POSTING_STATUSES[to].lower()}."),
                             failed=self.move_refused), yes="Move")

        self.form(f"Change the status of '{title}'", move_questions(p.allowed_moves, POSTING_STATUSES, closing=True),
                  lambda s, a, ans: ans, chosen, save_label="Next")


# --- the posting's candidates --------------------------------------------------------------------

SHORT_MATCH = {"same occupation": "exact", "same broad group": "broad", "same minor group": "minor"}


@dataclass(frozen=True)
class CandidatesModel:
    page: CandidatePage
    referred: dict[str, str]  # seeker id -> the status of their referral to this posting


class CandidatesScreen(_Base):
    """Job seekers for one posting, best match first; a lead or a referral without leaving it.

    The list is the job search turned round (``services.jobs.candidates``): authorized to work,
    looking for the posting's occupation (or with it on a published resume), near the posting.
    The lead and the referral are the same calls as the Job Search tab of a case, so the same
    rules refuse (an open referral already, no published resume when one is required…).
    """

    BINDINGS = [
        Binding("escape", "close", "Back", id="candidates.back"),
        Binding("l", "lead", "Send lead", id="candidates.lead"),
        Binding("f", "refer", "Refer", id="candidates.refer"),
        Binding("r", "radius", "Radius", id="candidates.radius"),
    ]

    def __init__(self, posting_id: str, *, miles: int | None = DEFAULT_CANDIDATE_MILES) -> None:
        super().__init__()
        self.posting_id = posting_id
        self.miles = miles
        self.model: CandidatesModel | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="candidates-title", markup=False)
        yield Label("", id="candidates-message", markup=False)
        yield DataTable(id="candidates", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Candidates for a posting"
        table = self.query_one("#candidates", DataTable)
        table.add_column("Job seeker", width=max(16, self.app.size.width - 60), key="name")
        table.add_column("Match", width=8, key="match")
        table.add_column("Miles", width=5, key="miles")
        table.add_column("Lives in", width=14, key="place")
        table.add_column("Active", width=10, key="active")
        table.add_column("Referral", width=8, key="referral")
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("lead", "refer"):
            return self.actor.can("seeker.edit")
        return True

    def load(self) -> None:
        posting_id, miles = self.posting_id, self.miles

        def fetch(s: Services, a: Actor) -> CandidatesModel:
            page = s.jobs.candidates(a, posting_id, miles=miles)
            referred = {r.seeker_id: r.status for r in s.postings.get(a, posting_id).referrals}
            return CandidatesModel(page, referred)

        self.call_service(fetch, done=self._show, group="candidates", exclusive=True)

    def _show(self, model: CandidatesModel) -> None:
        self.model = model
        page = model.page
        self.query_one("#candidates-title", Label).update(page.title)
        radius = f"within {self.miles} miles" if self.miles else "anywhere"
        keys = "Enter opens the case; l lead, f refer" if self.actor.can("seeker.edit") else "Enter opens the case"
        self.query_one("#candidates-message", Label).update(f"{page.message} ({radius}; r changes it). {keys}.")
        table = self.query_one("#candidates", DataTable)
        _fill(table, [(c.seeker_id, (
            _cell(c.name), SHORT_MATCH.get(c.match, c.match) + ("+r" if c.from_resume else ""),
            f"{c.miles:.1f}" if c.miles is not None else "", _cell(c.place),
            c.last_activity.isoformat() if c.last_activity else "",
            REFERRAL_WORDS.get(model.referred.get(c.seeker_id, ""), ""))) for c in page.rows])
        if page.rows:
            table.focus()

    def _candidate(self) -> tuple[str, str] | None:
        """The highlighted job seeker (id, name), or a word to say there is none."""
        key = _selected(self.query_one("#candidates", DataTable))
        found = next((c for c in self.model.page.rows if c.seeker_id == key), None) if self.model else None
        if found is None:
            self.notify("No job seeker to choose: try a wider radius with r.", severity="warning", markup=False)
            return None
        return found.seeker_id, found.name

    @on(DataTable.RowSelected, "#candidates")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.open_case(str(event.row_key.value))  # type: ignore[attr-defined]

    def action_lead(self) -> None:
        chosen = self._candidate()
        if chosen is None:
            return
        (seeker_id, name), posting_id = chosen, self.posting_id
        self.form(f"Send a job lead to {name}", [Question("channel", "Sent by", "choice", required=True,
                                                          choices=tuple((c, words(c)) for c in LEAD_CHANNELS))],
                  lambda s, a, ans: s.referrals.send_lead(a, seeker_id, posting_id, channel=ans["channel"]),
                  lambda _: self.notify(f"Job lead to {name} recorded (service B03).", markup=False),
                  answers={"channel": "email"}, save_label="Send")

    def action_refer(self) -> None:
        chosen = self._candidate()
        if chosen is None:
            return
        (seeker_id, name), posting_id = chosen, self.posting_id

        def referred(_: Any) -> None:
            self.notify(f"{name} referred (service B04 recorded).", markup=False)
            self.load()

        self.confirm(f"Refer {name} to this posting?",
                     lambda: self.call_service(lambda s, a: s.referrals.refer(a, seeker_id, posting_id), done=referred,
                                               group="candidates-refer"), yes="Refer")

    def action_radius(self) -> None:
        def chosen(ans: dict[str, Any]) -> None:
            self.miles = ans.get("miles")
            self.load()

        self.form("Candidates within", [Question("miles", "Miles from the posting (blank: anywhere)", "int",
                                                 minimum=1, maximum=500)],
                  lambda s, a, ans: ans, chosen, answers={"miles": self.miles} if self.miles else None, save_label="Show")
