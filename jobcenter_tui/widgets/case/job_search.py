"""Job Search: active postings for the job seeker in view, and what was done for them from postings.

The filters start from the record (desired occupations, home ZIP, commute, wage); ``Enter`` in a
field searches, ``Enter`` on a posting opens it. On the highlighted posting: ``l`` sends a job lead,
``f`` refers, ``i`` introduces to the employer. Below, the seeker's leads, referrals and
introductions; ``o`` records a referral's outcome (hired with date and wage). The services decide
every refusal (not authorized to work, an open referral already, no published resume…).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Static

from jobcenter_tui.domain.jobs import LEAD_CHANNELS, REFERRAL_OUTCOMES, REFERRED
from jobcenter_tui.domain.questions import Question
from jobcenter_tui.widgets.case.base import SERVICE, CasePane, DetailRequest, fill_table
from jobcenter_tui.widgets.case.labels import words
from jobcenter_tui.widgets.service_call import Failure

if TYPE_CHECKING:
    from jobcenter_tui.domain.permissions import Actor
    from jobcenter_tui.services import Services
    from jobcenter_tui.services.job_search import JobCriteria, PostingDetail, PostingPage
    from jobcenter_tui.services.referrals import JobActivity

JOB = "job"  # CaseChanged kind: a lead, referral or introduction


@dataclass(frozen=True)
class JobSearchModel:
    criteria: JobCriteria
    page: PostingPage
    activity: JobActivity


FIELDS = (("job-soc", "Occupations (SOC)"), ("job-words", "Words"), ("job-zip", "ZIP"), ("job-miles", "Miles"),
          ("job-wage", "Min $/hr"), ("job-type", "Job type"))


SHORT_MATCH = {"same occupation": "exact", "same broad group": "broad", "same minor group": "minor", "words": "words"}


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _short_wage(wage: str) -> str:
    """"$24.00-$30.00 an hour" → "$24-30/hr": the table keeps every column in view at 80 columns."""
    return (wage.replace(".00", "").replace("-$", "-").replace(" an hour", "/hr").replace(" a year", "/yr")
            .replace(" a week", "/wk").replace(" a month", "/mo"))


class JobSearchPane(CasePane[JobSearchModel]):
    TITLE = "Job Search"
    KEY = "jobs"
    TAB_KEY = "0"
    DEPENDS_ON = frozenset({JOB})
    BINDINGS = [
        Binding("slash", "filters", "Filters", id="case.job_filters"),
        Binding("l", "lead", "Send lead", id="case.job_lead"),
        Binding("f", "refer", "Refer", id="case.job_refer"),
        Binding("i", "introduce", "Introduce", id="case.job_introduce"),
        Binding("o", "outcome", "Outcome", id="case.job_outcome"),
    ]

    def __init__(self, seeker_id: str) -> None:
        super().__init__(seeker_id)
        self.criteria: JobCriteria | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="job-filters"):
            for field_id, hint in FIELDS:
                yield Input(placeholder=hint, id=field_id, compact=True)
        yield Static("", id="job-message", markup=False)
        yield DataTable(id="job-results", cursor_type="row", zebra_stripes=True)
        yield Static("Leads, referrals and introductions", id="job-activity-title", markup=False)
        yield DataTable(id="job-activity", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#job-results", DataTable).add_columns("Match", "Title (* staff referral only)", "Employer", "Miles",
                                                              "Wage")
        self.query_one("#job-activity", DataTable).add_columns("Date", "What", "Job / employer", "Status")

    def focus_main(self) -> None:
        self.query_one("#job-results", DataTable).focus()

    # --- loading -----------------------------------------------------------------------------

    def fetch(self, services: Services, actor: Actor) -> JobSearchModel:
        criteria = self.criteria or services.jobs.criteria_for(actor, self.seeker_id)
        return JobSearchModel(criteria, services.jobs.search(actor, criteria), services.referrals.activity(actor, self.seeker_id))

    def show(self, model: JobSearchModel) -> None:
        if self.criteria is None:  # first load: the filters show what the record asked for
            self.criteria = model.criteria
            c = model.criteria
            values = {"job-soc": " ".join(c.soc_codes), "job-words": c.words, "job-zip": c.zip,
                      "job-miles": str(c.miles or ""), "job-wage": f"{c.min_wage:.2f}" if c.min_wage else "",
                      "job-type": c.job_type.replace("_", " ")}
            for field_id, value in values.items():
                self.query_one(f"#{field_id}", Input).value = value
        self._show_page(model.page)
        self._show_activity(model.activity)

    def _show_page(self, page: PostingPage) -> None:
        self.query_one("#job-message", Static).update(page.message)
        fill_table(self.query_one("#job-results", DataTable), [
            (r.id, (SHORT_MATCH.get(r.match, r.match), Text(_cut(r.title, 30) + ("*" if r.staff_referral_only else "")),
                    Text(_cut(r.employer, 18)), f"{r.miles:.1f}" if r.miles is not None else "", _short_wage(r.wage)))
            for r in page.rows])

    def _show_activity(self, activity: JobActivity) -> None:
        rows: list[tuple[str | None, tuple[Any, ...]]] = []
        for ref in activity.referrals:
            status = words(ref.status)
            if ref.status == "hired" and ref.hire_date:
                status += f" {ref.hire_date.isoformat()}"
            rows.append((f"referral:{ref.id}", (ref.referred_at.date().isoformat(), "Referral",
                                                Text(f"{ref.title}, {ref.employer}"), status)))
        for lead in activity.leads:
            rows.append((f"lead:{lead.id}", (lead.sent_at.date().isoformat(), "Lead",
                                             Text(f"{lead.title}, {lead.employer}"), words(lead.channel))))
        for intro in activity.introductions:
            rows.append((f"intro:{intro.id}", (intro.date.isoformat(), "Introduction",
                                               Text(intro.employer + (f" ({intro.contact})" if intro.contact else "")),
                                               Text(intro.outcome or ""))))
        rows.sort(key=lambda r: r[1][0], reverse=True)
        fill_table(self.query_one("#job-activity", DataTable), rows)

    # --- searching -----------------------------------------------------------------------------

    def _criteria_from_fields(self) -> JobCriteria | None:
        from jobcenter_tui.services.job_search import JobCriteria, parse_wage

        value = {field_id: self.query_one(f"#{field_id}", Input).value.strip() for field_id, _ in FIELDS}
        try:
            wage = parse_wage(value["job-wage"])
            miles = int(value["job-miles"]) if value["job-miles"] else None
        except ValueError:
            self.query_one("#job-message", Static).update("Miles is a whole number and the wage an amount of dollars.")
            return None
        codes = tuple(c for c in value["job-soc"].replace(",", " ").replace(";", " ").split() if c)
        return JobCriteria(soc_codes=codes, words=value["job-words"], zip=value["job-zip"], miles=miles, min_wage=wage,
                           job_type=value["job-type"].replace(" ", "_").lower())

    @on(Input.Submitted, "#job-filters Input")
    def _search(self) -> None:
        criteria = self._criteria_from_fields()
        if criteria is None:
            return
        self.criteria = criteria
        self.query_one("#job-message", Static).update("Searching…")

        def found(page: PostingPage) -> None:
            self._show_page(page)
            if page.rows:
                self.focus_main()

        self.call_service(lambda s, a: s.jobs.search(a, criteria), done=found, failed=self._refused,
                          group="job-search", exclusive=True)

    def _refused(self, failure: Failure) -> bool:
        self.query_one("#job-message", Static).update(failure.message)
        return not failure.is_incident

    def action_filters(self) -> None:
        self.query_one("#job-soc", Input).focus()

    # --- the posting ---------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#job-results")
    def _open(self, event: DataTable.RowSelected) -> None:
        posting_id = str(event.row_key.value)
        self.call_service(lambda s, a: s.jobs.posting(a, posting_id), done=self._show_posting, group="job-posting")

    def _show_posting(self, d: PostingDetail) -> None:
        s = d.summary
        body = Text()
        body.append(f"{s.title}\n", style="bold")
        body.append(f"{s.employer} — {s.place}\n")
        for label, value in (("Occupation", s.soc_code), ("Wage", s.wage), ("Job type", words(s.job_type or "")),
                             ("Openings", str(d.openings)), ("Posted", s.posted_date.isoformat() if s.posted_date else ""),
                             ("Closes", d.closing_date.isoformat() if d.closing_date else ""),
                             ("Education", words(d.education_wanted or "")), ("Experience", d.experience_wanted or "")):
            if value:
                body.append(f"{label}: {value}\n")
        if s.staff_referral_only:
            body.append("Staff referral only: refer, do not send a lead.\n", style="italic")
        if d.description:
            body.append(f"\n{d.description}\n")
        if d.contacts:
            body.append("\nContacts: " + "; ".join(f"{c.name}{', ' + c.title if c.title else ''}" for c in d.contacts) + "\n")
        if d.referrals:
            body.append("\nReferred: " + "; ".join(f"{r.name} ({words(r.status)})" for r in d.referrals) + "\n")
        body.append("\nOn the Job Search tab: l send lead, f refer, i introduce.", style="italic")
        self.post_message(DetailRequest(s.title, body))

    def _posting_id(self) -> str | None:
        posting_id = self.selected("job-results")
        if posting_id is None:
            self.notify("Choose a posting first (search, then move to it).", severity="warning", markup=False)
        return posting_id

    def action_lead(self) -> None:
        posting_id = self._posting_id()
        if posting_id is None:
            return
        seeker_id = self.seeker_id
        self.form("Send a job lead", [Question("channel", "Sent by", "choice", required=True,
                                               choices=tuple((c, words(c)) for c in LEAD_CHANNELS))],
                  lambda s, a, ans: s.referrals.send_lead(a, seeker_id, posting_id, channel=ans["channel"]),
                  answers={"channel": "email"}, save_label="Send", done="Job lead recorded (service B03).",
                  changes=(JOB, SERVICE))

    def action_refer(self) -> None:
        posting_id = self._posting_id()
        if posting_id is None:
            return
        seeker_id = self.seeker_id

        def referred(_: Any) -> None:
            self.notify("Referred (service B04 recorded).", markup=False)
            self.changed(JOB, SERVICE)

        def refer() -> None:
            self.call_service(lambda s, a: s.referrals.refer(a, seeker_id, posting_id), done=referred, group="job-refer")

        self.confirm("Refer this job seeker to the highlighted posting?", "Refer", refer)

    def action_introduce(self) -> None:
        posting_id = self._posting_id()
        if posting_id is None:
            return
        self.call_service(lambda s, a: s.jobs.posting(a, posting_id), done=self._introduce_form, group="job-posting")

    def _introduce_form(self, d: PostingDetail) -> None:
        seeker_id, employer_id = self.seeker_id, d.employer_id
        questions = [Question("contact_id", "Contact", "choice", choices=tuple((c.id, c.name) for c in d.contacts)),
                     Question("date", "Date", "date", required=True),
                     Question("outcome", "Outcome", "text", max_length=500)]
        self.form(f"Introduce to {d.summary.employer}", questions,
                  lambda s, a, ans: s.referrals.introduce(a, seeker_id, employer_id, day=ans["date"],
                                                          contact_id=ans.get("contact_id"), outcome=ans.get("outcome")),
                  answers={"date": self.services.today(), "contact_id": d.contacts[0].id if d.contacts else None},
                  save_label="Save", done="Introduction recorded (service B05).", changes=(JOB, SERVICE))

    def action_outcome(self) -> None:
        key = self.selected("job-activity")
        model = self.model
        ref = None
        if key and key.startswith("referral:") and model is not None:
            ref = next((r for r in model.activity.referrals if r.id == key.split(":", 1)[1]), None)
        if ref is None:
            self.notify("Move to a referral in the lower list first.", severity="warning", markup=False)
            return
        if ref.status != REFERRED:
            self.notify(f"This referral already has its outcome ({words(ref.status)}).", severity="warning", markup=False)
            return
        referral_id, version = ref.id, ref.version
        questions = [Question("outcome", "Outcome", "choice", required=True, choices=tuple((o, words(o)) for o in REFERRAL_OUTCOMES)),
                     Question("hire_date", "Hire date", "date", show=lambda a, c: a.get("outcome") == "hired"),
                     Question("hire_wage", "Wage per hour", "money", unit="per hour",
                              show=lambda a, c: a.get("outcome") == "hired")]

        def submit(s: Services, a: Actor, ans: dict[str, Any]) -> Any:
            wage = ans.get("hire_wage")
            return s.referrals.record_outcome(a, referral_id, ans["outcome"], hire_date=ans.get("hire_date"),
                                              hire_wage=Decimal(str(wage)) if wage is not None else None,
                                              expected_version=version)

        self.form(f"Outcome of the referral to {ref.title}", questions, submit, answers={"outcome": "hired"},
                  done="Outcome recorded.", changes=(JOB,))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("lead", "refer", "introduce", "outcome"):
            return self.actor.can("seeker.edit")
        return True
