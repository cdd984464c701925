"""The registration questions: one declaration drives the wizard, the kiosk and the editors.

Each question names its field path in the record layout, its audience (``all`` or ``staff``),
how typed text becomes a value (with a message a person can act on when it cannot), and when it
is shown given the answers so far. Answers are kept flat (``{"income.family_size": 3}``); only
the visible ones go into the record that is saved.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from jobcenter_tui.domain.employers import naics_problem
from jobcenter_tui.domain.occupations import naics_2022, soc_2018, soc_problem
from jobcenter_tui.domain.record import EARLIEST_BIRTH_DATE, EMAIL_RE, SOC_RE, USPS_STATES, normalize_phone
from jobcenter_tui.domain.search_query import parse_date
from jobcenter_tui.domain.ssn import Ssn, SsnError

Answers = dict[str, Any]
SSN_ON_FILE = "_ssn_on_file"  # set by an editor when a stored SSN is kept but not shown


MIN_AGE = 14  # the default of ``wp_min_age``: nobody younger is served, so nobody younger is registered
MAX_AGE = 110  # an older date of birth is a typing mistake in the year


@dataclass(frozen=True)
class Context:
    """What visibility and validation may depend on besides the answers."""

    today: date
    audience: str  # "staff" (staff-assisted: every question) or "all" (self-service)
    min_age: int = MIN_AGE  # the store's ``wp_min_age``
    max_age: int = MAX_AGE


@dataclass(frozen=True)
class Question:
    path: str
    label: str
    kind: str  # text long_text name date ssn phone email state zip fips int money soc soc_list naics choice yesno multi
    audience: str = "all"
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 200
    show: Callable[[Answers, Context], bool] | None = None
    help: str = ""
    unit: str = ""  # money: "per hour" or "per year", said in the hint and the messages
    past_only: bool = False  # a date that has happened (dislocation, separation): never in the future
    open_choices: bool = False  # a choice whose list grew later: a value already on file is kept as it is

    def visible(self, answers: Answers, ctx: Context) -> bool:
        if ctx.audience == "all" and self.audience == "staff":
            return False
        return self.show(answers, ctx) if self.show else True

    @property
    def placeholder(self) -> str:
        return {
            "date": "YYYY-MM-DD or MM/DD/YYYY", "ssn": "NNN-NN-NNNN", "phone": "785-555-0143",
            "email": "name@example.org", "state": "KS", "zip": "5 digits", "fips": "5-digit county code",
            "money": f"dollars {self.unit}, e.g. {'18.50' if self.unit == 'per hour' else '24000'}" if self.unit
            else "dollars, e.g. 24000", "soc": "words (welder) or a code (51-4121)",
            "soc_list": "words (welder) or a code (51-4121), then Enter",
            "naics": "words (steel foundry) or a code (331512)",
        }.get(self.kind, "")

    def parse(self, raw: Any, ctx: Context) -> Any:
        """Typed text (or a widget's value) → the answer; ``None`` when blank; ValueError saying what is wrong."""
        if isinstance(raw, str):
            raw = raw.strip()
            if raw == "":
                if self.required:
                    raise ValueError(f"{self.label} is required")
                return None
        elif raw is None or raw == []:
            if self.required:
                raise ValueError(f"{self.label} is required")
            return None if raw is None else []
        parser: Parser = _PARSERS.get(self.kind, _text)
        return parser(self, raw, ctx)

    def display(self, value: Any) -> str:
        """An answer as the review page shows it."""
        if value is None or value == []:
            return "—"
        if self.kind == "yesno":
            return "Yes" if value else "No"
        if self.kind == "choice":
            return dict(self.choices).get(value, str(value))
        if self.kind == "multi":
            labels = dict(self.choices)
            return ", ".join(labels.get(v, v) for v in value)
        if self.kind == "soc_list":
            return "; ".join(f"{o['soc_code']} {o.get('title', '')}".strip() for o in value)
        if self.kind == "soc":
            return soc_label(value)
        if self.kind == "naics":
            return naics_label(value)
        if self.kind == "ssn":
            return value.masked if isinstance(value, Ssn) else "***"
        if self.kind == "money":
            return f"${Decimal(value):,.2f}".replace(".00", "")
        if isinstance(value, date):
            return value.isoformat()
        return str(value)

    def to_text(self, value: Any) -> str:
        """An answer back into the text of an input box (Back, editing)."""
        if value is None:
            return ""
        if self.kind == "ssn":
            return value.reveal() if isinstance(value, Ssn) else str(value)
        if self.kind == "soc_list":
            return "; ".join(f"{o['soc_code']} {o.get('title', '')}".strip() for o in value)
        if self.kind == "soc":
            return soc_label(value)
        if self.kind == "naics":
            return naics_label(value)
        if isinstance(value, date):
            return value.isoformat()
        return str(value)


def naics_label(code: Any) -> str:
    """``331512`` → "331512 Steel Investment Foundries" (the code alone when it is not NAICS 2022)."""
    found = naics_2022().get(str(code))
    return f"{code} {found.title}" if found else str(code)


def soc_label(code: Any) -> str:
    """A stored SOC code as people read it: "51-4121 Welders, Cutters, Solderers, and Brazers"."""
    found = soc_2018().get(str(code))
    return found.label if found is not None else str(code)


# --- parsers -------------------------------------------------------------------------------------


def _text(q: Question, raw: Any, ctx: Context) -> str:
    if len(raw) > q.max_length:
        raise ValueError(f"{q.label} must be at most {q.max_length} characters")
    return str(raw)


def _date(q: Question, raw: str, ctx: Context) -> date:
    value = parse_date(raw)
    if value is None:
        raise ValueError(f"{q.label} must be a real date, written YYYY-MM-DD or MM/DD/YYYY")
    if q.path == "date_of_birth":
        problem = birth_date_problem(value, ctx.today, min_age=ctx.min_age, max_age=ctx.max_age)
        if problem:
            raise ValueError(problem)
    if q.past_only and value > ctx.today:
        raise ValueError(f"{q.label} cannot be in the future")
    return value


def birth_date_problem(born: date, today: date, *, min_age: int = MIN_AGE, max_age: int = MAX_AGE) -> str | None:
    """Why a date of birth cannot be a job seeker's (the wizard and the registration service agree)."""
    from jobcenter_tui.domain.eligibility.rules import age_on

    if born > today:
        return "Date of birth cannot be in the future"
    if born < EARLIEST_BIRTH_DATE:
        return "Date of birth cannot be before 1900-01-01"
    age = age_on(born, today)
    if age < min_age:
        return f"Date of birth gives an age of {age}: job seekers must be at least {min_age}"
    if age > max_age:
        return f"Date of birth gives an age of {age}: check the year (at most {max_age})"
    return None


def _ssn(q: Question, raw: str, ctx: Context) -> Ssn:
    try:
        return Ssn(raw)
    except SsnError as exc:
        raise ValueError(f"SSN {exc}") from None


def _phone(q: Question, raw: str, ctx: Context) -> str:
    return f"{(d := normalize_phone(raw))[:3]}-{d[3:6]}-{d[6:]}"


def _email(q: Question, raw: str, ctx: Context) -> str:
    if not EMAIL_RE.fullmatch(raw):
        raise ValueError("Email must look like name@example.org")
    return raw


def _state(q: Question, raw: str, ctx: Context) -> str:
    if raw.upper() not in USPS_STATES:
        raise ValueError("State must be a 2-letter USPS code, e.g. KS")
    return raw.upper()


def _digits(n: int, what: str) -> Callable[[Question, str, Context], str]:
    def parse(q: Question, raw: str, ctx: Context) -> str:
        if not re.fullmatch(rf"\d{{{n}}}", raw):
            raise ValueError(f"{q.label} must be {what}")
        return raw

    return parse


def _int(q: Question, raw: Any, ctx: Context) -> int:
    try:
        value = int(str(raw).replace(",", ""))
    except ValueError:
        raise ValueError(f"{q.label} must be a whole number") from None
    if q.minimum is not None and value < q.minimum:
        raise ValueError(f"{q.label} must be at least {q.minimum}")
    if q.maximum is not None and value > q.maximum:
        raise ValueError(f"{q.label} must be at most {q.maximum}")
    return value


def _money(q: Question, raw: Any, ctx: Context) -> Decimal:
    try:
        value = Decimal(str(raw).replace(",", "").replace("$", ""))
    except InvalidOperation:
        example = "18.50" if q.unit == "per hour" else "24000 or 1250.50"
        raise ValueError(f"{q.label} must be an amount in dollars{' ' + q.unit if q.unit else ''}, e.g. {example}") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"{q.label} must be zero or more dollars{' ' + q.unit if q.unit else ''}")
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError(f"{q.label} can have at most 2 decimal places")
    return value


def _soc(q: Question, raw: str, ctx: Context) -> str:
    """A SOC 2018 detailed code, typed or chosen ("51-4121" or "51-4121 Welders, …": the code is kept)."""
    code = raw.split(maxsplit=1)[0]
    if not SOC_RE.fullmatch(code):
        raise ValueError(f"{q.label}: pick an occupation from the list, or type its SOC code written NN-NNNN (e.g. 51-4121)")
    problem = soc_problem(code)
    if problem:
        raise ValueError(problem)
    return code


def _naics(q: Question, raw: str, ctx: Context) -> str:
    """A NAICS 2022 national industry, typed or chosen ("331512" or "331512 Steel Investment Foundries")."""
    code = raw.split(maxsplit=1)[0]
    problem = naics_problem(code)
    if problem:
        raise ValueError(f"{q.label}: {problem}")
    return code


def _soc_list(q: Question, raw: Any, ctx: Context) -> list[dict[str, str]]:
    """Occupations separated by ';', each "code" or "code title"; a code alone gets its SOC 2018 title."""
    if isinstance(raw, list):
        return raw
    out: list[dict[str, str]] = []
    for part in [p.strip() for p in raw.split(";") if p.strip()]:
        code, _, title = part.partition(" ")
        if not SOC_RE.fullmatch(code):
            raise ValueError(f"{part!r} is not an occupation: pick one from the list, or type its SOC code (e.g. 51-4121)")
        problem = soc_problem(code)
        if problem:
            raise ValueError(problem)
        if any(o["soc_code"] == code for o in out):
            continue
        found = soc_2018().get(code)
        out.append({"soc_code": code, "title": title.strip() or (found.title if found else "")})
    return out


def _choice(q: Question, raw: Any, ctx: Context) -> Any:
    if raw not in dict(q.choices):
        if q.open_choices and isinstance(raw, str):
            return _text(q, raw, ctx)
        raise ValueError(f"{q.label}: choose one of the options")
    return raw


def _yesno(q: Question, raw: Any, ctx: Context) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).lower()
    if text in ("y", "yes", "true"):
        return True
    if text in ("n", "no", "false"):
        return False
    raise ValueError(f"{q.label}: answer yes or no")


def _multi(q: Question, raw: Any, ctx: Context) -> list[str]:
    allowed = dict(q.choices)
    values = list(raw)
    if any(v not in allowed for v in values):
        raise ValueError(f"{q.label}: choose from the list")
    return [v for v, _ in q.choices if v in values]  # the list's order, no repeats


Parser = Callable[["Question", Any, "Context"], Any]

_PARSERS: dict[str, Parser] = {
    "name": _text, "text": _text, "long_text": _text, "date": _date, "ssn": _ssn, "phone": _phone, "email": _email,
    "state": _state, "zip": _digits(5, "5 digits"), "fips": _digits(5, "the 5-digit county FIPS code"),
    "int": _int, "money": _money, "soc": _soc, "soc_list": _soc_list, "naics": _naics, "choice": _choice, "yesno": _yesno,
    "multi": _multi,
}


# --- visibility helpers --------------------------------------------------------------------------


def age_of(answers: Answers, ctx: Context) -> int | None:
    born = answers.get("date_of_birth")
    if not isinstance(born, date):
        return None
    from jobcenter_tui.domain.eligibility.rules import age_on

    return age_on(born, ctx.today)


def selective_service_applies(answers: Answers, ctx: Context) -> bool:
    """Not for women, not for the under-18s, not for men born before 1960 (spec: eligibility.md).

    Staff ask whenever it may apply (sex not given yet, or the sex assigned at birth follows); a
    job seeker on his own is asked only when he said he is a man, since the kiosk does not ask the
    sex assigned at birth.
    """
    sex = answers.get("sex_assigned_at_birth") or answers.get("sex")
    if sex == "female" or (ctx.audience == "all" and sex != "male"):
        return False
    born = answers.get("date_of_birth")
    if isinstance(born, date) and born < date(1960, 1, 1):
        return False
    age = age_of(answers, ctx)
    return age is None or age >= 18


def _is(path: str, *values: Any) -> Callable[[Answers, Context], bool]:
    return lambda a, c: a.get(path) in values


def _dislocation_page(answers: Answers, ctx: Context) -> bool:
    """No dislocation questions for someone employed without a notice of termination."""
    return answers.get("employment.status") != "employed"


def _youth_age(answers: Answers, ctx: Context) -> bool:
    age = age_of(answers, ctx)
    return age is None or age <= 24


YES_NO = (("yes", "Yes"), ("no", "No"))

# The languages most often spoken at home by people who speak English less than very well (US
# Census, ACS), then "Other": a list, so the answer can be counted and an interpreter found.
LANGUAGES = (
    "English", "Spanish", "Chinese", "Vietnamese", "Tagalog", "Arabic", "Korean", "Russian", "Haitian Creole",
    "Portuguese", "French", "Polish", "Persian", "Hindi", "Urdu", "Japanese", "Somali", "Amharic", "Swahili",
    "Nepali", "Burmese", "Karen", "Ukrainian", "Pashto", "Dari", "Hmong", "Khmer", "Lao", "Bengali", "Punjabi",
    "Gujarati", "Italian", "German", "Greek", "Armenian", "Serbo-Croatian", "Navajo", "American Sign Language",
    "Other",
)


def _choices(*values: str) -> tuple[tuple[str, str], ...]:
    return tuple((v, v.replace("_", " ").capitalize()) for v in values)


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    questions: tuple[Question, ...]
    show: Callable[[Answers, Context], bool] | None = None

    def visible_questions(self, answers: Answers, ctx: Context) -> list[Question]:
        if self.show and not self.show(answers, ctx):
            return []
        return [q for q in self.questions if q.visible(answers, ctx)]


Q = Question
PAGES: tuple[Page, ...] = (
    Page("identity", "Identity and contact", (
        Q("first_name", "First name", "name", required=True, max_length=50),
        Q("middle_name", "Middle name", "name", max_length=50),
        Q("last_name", "Last name", "name", required=True, max_length=50),
        Q("suffix", "Suffix", "text", max_length=10),
        Q("date_of_birth", "Date of birth", "date", required=True),
        Q("ssn", "Social Security number", "ssn", help="Optional: services are never refused without it"),
        Q("ssn_not_provided", "Declined to give an SSN", "yesno",
          show=lambda a, c: a.get("ssn") is None and not a.get(SSN_ON_FILE)),
        Q("sex", "Sex", "choice", choices=(("male", "Male"), ("female", "Female"), ("not_disclosed", "Prefer not to say"))),
        Q("sex_assigned_at_birth", "Sex assigned at birth", "choice", audience="staff",
          choices=(("male", "Male"), ("female", "Female")), show=lambda a, c: a.get("sex") not in ("male", "female"),
          help="Asked only for the Selective Service rule"),
        Q("email", "Email", "email", max_length=254),
        Q("phone", "Phone", "phone"),
        Q("address.line1", "Street address", "text"),
        Q("address.line2", "Address line 2", "text"),
        Q("address.city", "City", "text", max_length=100),
        Q("address.state", "State", "state"),
        Q("address.zip", "ZIP code", "zip"),
        Q("address.county_fips", "County FIPS code", "fips", audience="staff"),  # nobody knows theirs at a kiosk
        Q("preferred_language", "Preferred language", "choice", choices=tuple((n, n) for n in LANGUAGES),
          open_choices=True, max_length=50),
        Q("llsil_region", "LLSIL region", "text", audience="staff", max_length=50),
        Q("office", "Office", "text", audience="staff", max_length=20),
        Q("case_manager", "Case manager (user name)", "text", audience="staff", max_length=64),
    )),
    Page("work", "Work authorization and Selective Service", (
        Q("authorized_to_work", "Legally authorized to work in the US", "yesno"),
        Q("selective_service.status", "Selective Service", "choice",
          choices=(("registered", "Registered"), ("not_registered", "Not registered"), ("exempt", "Exempt")),
          show=lambda a, c: selective_service_applies(a, c)),
        Q("selective_service.not_knowing_and_willful", "Finding: failure to register was not knowing and willful",
          "yesno", audience="staff",
          show=lambda a, c: selective_service_applies(a, c) and a.get("selective_service.status") == "not_registered"
          and (age_of(a, c) or 0) >= 26),
    )),
    Page("veteran", "Veteran", (
        Q("veteran.status", "Veteran status", "choice",
          choices=(("none", "Not a veteran"), ("veteran", "Veteran"), ("eligible_spouse", "Eligible spouse of a veteran"))),
        *(Q(p, label, kind, audience="staff", minimum=0, maximum=30000, choices=ch, past_only=kind == "date",
            show=_is("veteran.status", "veteran"))  # never asked of an eligible spouse (rules revision 2026.2)
          for p, label, kind, ch in (
              ("veteran.active_duty_days", "Days of active duty", "int", ()),
              ("veteran.discharge", "Discharge", "choice", _choices("honorable", "general", "other_than_honorable", "bad_conduct", "dishonorable")),
              ("veteran.service_connected_disability_discharge", "Discharged for a service-connected disability", "yesno", ()),
              ("veteran.disabled_veteran", "Disabled veteran", "yesno", ()),
              ("veteran.special_disabled_veteran", "Special disabled veteran", "yesno", ()),
              ("veteran.separation_date", "Separation date", "date", ()),
              ("veteran.transitioning_service_member", "Transitioning service member", "yesno", ()),
          )),
    )),
    Page("demographics", "Demographics", (
        Q("hispanic_latino", "Hispanic or Latino", "yesno"),
        Q("race", "Race (any that apply)", "multi", choices=(
            ("american_indian_alaska_native", "American Indian or Alaska Native"), ("asian", "Asian"),
            ("black", "Black or African American"), ("native_hawaiian_pacific_islander", "Native Hawaiian or Pacific Islander"),
            ("white", "White"))),
        Q("disability", "Has a disability", "yesno"),
    )),
    Page("education", "Education", (
        Q("education.highest_grade_completed", "Highest grade completed (0-12)", "int", minimum=0, maximum=12),
        Q("education.highest_level", "Highest level of education", "choice", choices=(
            ("none", "None"), ("hs_diploma", "High school diploma"), ("hs_equivalency", "High school equivalency"),
            ("certificate_of_attendance_iep", "Certificate of attendance / IEP"), ("some_postsecondary", "Some college"),
            ("postsecondary_certificate", "Postsecondary certificate"), ("associate", "Associate degree"),
            ("bachelor", "Bachelor's degree"), ("beyond_bachelor", "Beyond a bachelor's degree"))),
        Q("education.school_status", "School status", "choice", choices=(
            ("in_secondary", "In secondary school"), ("in_alternative", "In alternative school"),
            ("in_postsecondary", "In postsecondary school"), ("not_attending_dropout", "Not attending: dropped out"),
            ("not_attending_graduate", "Not attending: graduated"),
            ("not_attending_within_compulsory_age", "Not attending, within compulsory school age"))),
        Q("education.absent_last_school_quarter", "Missed the most recent complete school quarter", "yesno",
          show=_is("education.school_status", "not_attending_within_compulsory_age")),
    )),
    Page("employment", "Employment and unemployment insurance", (
        Q("employment.status", "Employment status", "choice", choices=(
            ("employed", "Employed"), ("employed_with_notice", "Employed, with a notice of termination or separation"),
            ("not_in_labor_force", "Not in the labor force"), ("unemployed", "Unemployed"))),
        Q("employment.ui_status", "Unemployment insurance", "choice", choices=(
            ("not_claimant", "Not a claimant"), ("claimant", "Claimant"), ("exhausted", "Exhausted"), ("exempt", "Exempt"))),
        Q("employment.weeks_unemployed", "Consecutive weeks unemployed", "int", minimum=0, maximum=520,
          show=_is("employment.status", "unemployed")),
        Q("employment.last_occupation_soc", "Last occupation (SOC code)", "soc"),
        Q("employment.unlikely_to_return", "Unlikely to return to the previous industry or occupation", "yesno",
          audience="staff"),
    )),
    Page("dislocation", "Dislocation", (
        Q("dislocation.reason", "Reason for dislocation", "choice", audience="staff", choices=(
            ("laid_off", "Laid off"), ("terminated", "Terminated"), ("layoff_notice", "Received a layoff notice"),
            ("plant_closure", "Plant closure or substantial layoff"), ("closure_announced_with_date", "Closure announced, with a date"),
            ("closure_announced_no_date", "Closure announced, no date"), ("self_employed_economic", "Self-employed: economic conditions"),
            ("self_employed_disaster", "Self-employed: natural disaster"), ("displaced_homemaker", "Displaced homemaker"),
            ("military_spouse_relocation", "Military spouse: relocation"), ("military_spouse_underemployed", "Military spouse: underemployed"),
            ("military_separation", "Military separation"), ("quit", "Quit"))),
        Q("dislocation.date", "Date of dislocation (or announced)", "date", audience="staff", past_only=True,
          show=lambda a, c: a.get("dislocation.reason") is not None),
        Q("dislocation.employer", "Employer", "text", audience="staff", show=lambda a, c: a.get("dislocation.reason") is not None),
        Q("dislocation.ui_eligible_or_exhausted", "Eligible for or exhausted unemployment compensation", "yesno",
          audience="staff", show=_is("dislocation.reason", "laid_off", "terminated", "layoff_notice")),
        Q("dislocation.attached_not_ui_eligible", "Attached to the workforce but not eligible for UI", "yesno",
          audience="staff", show=_is("dislocation.reason", "laid_off", "terminated", "layoff_notice")),
        Q("taa.certified", "Covered by a certified TAA petition", "yesno", audience="staff"),
        Q("taa.petition_number", "TAA petition number", "text", audience="staff", max_length=20, show=_is("taa.certified", True)),
        Q("taa.separation_date", "TAA separation date", "date", audience="staff", past_only=True, show=_is("taa.certified", True)),
    ), show=_dislocation_page),
    Page("income", "Income and public assistance", (
        Q("income.family_size", "Family size", "int", minimum=1, maximum=30),
        Q("income.annual_family_income", "Family income, last 6 months x 2", "money", audience="staff", unit="per year"),
        Q("income.annual_individual_income", "Own income, last 6 months x 2", "money", audience="staff", unit="per year",
          show=_is("disability", True)),
        *(Q(f"income.{name}", label, "yesno", audience="staff") for name, label in (
            ("tanf", "TANF (last 6 months, seeker or family)"), ("snap", "SNAP"), ("ssi", "SSI"),
            ("general_assistance", "General assistance"), ("refugee_cash_assistance", "Refugee cash assistance"),
            ("free_reduced_lunch", "Free or reduced-price lunch"))),
        Q("income.high_poverty_area", "Lives in a high-poverty area", "yesno", audience="staff", show=_youth_age),
    )),
    Page("barriers", "Barriers to employment", tuple(
        Q(f"barriers.{name}", label, "yesno", audience="staff") for name, label in (
            ("homeless", "Homeless"), ("runaway", "Runaway"), ("foster_care", "In or aged out of foster care"),
            ("offender", "Offender"), ("released_from_incarceration_within_12_months", "Released from incarceration within 12 months"),
            ("pregnant_or_parenting", "Pregnant or parenting"), ("basic_skills_deficient", "Basic skills deficient"),
            ("english_language_learner", "English language learner"), ("needs_additional_assistance", "Needs additional assistance"),
            ("single_parent", "Single parent"), ("cultural_barriers", "Cultural barriers"),
            ("migrant_seasonal_farmworker", "Migrant or seasonal farmworker"))
    )),
    Page("preferences", "Job preferences", (
        Q("preferences.desired_occupations", "Desired occupations", "soc_list", max_length=2000),
        Q("preferences.desired_hourly_wage", "Desired hourly wage", "money", unit="per hour"),
        Q("preferences.max_commute_miles", "Longest commute (miles)", "int", minimum=0, maximum=500),
        Q("preferences.willing_to_relocate", "Willing to relocate", "yesno"),
        Q("preferences.job_types", "Job types", "multi", choices=(
            ("full_time", "Full time"), ("part_time", "Part time"), ("temporary", "Temporary"),
            ("seasonal", "Seasonal"), ("internship", "Internship"))),
    )),
)

QUESTIONS: dict[str, Question] = {q.path: q for page in PAGES for q in page.questions}


def visible_pages(answers: Answers, ctx: Context) -> list[Page]:
    return [p for p in PAGES if p.visible_questions(answers, ctx)]


def page_errors(page: Page, raw: dict[str, Any], ctx: Context, answers: Answers) -> dict[str, str]:
    """Parse every visible question of a page from raw widget values; return path → message."""
    errors: dict[str, str] = {}
    for q in page.visible_questions(answers, ctx):
        try:
            q.parse(raw.get(q.path), ctx)
        except ValueError as exc:
            errors[q.path] = str(exc)
    return errors


def answers_to_record(answers: Answers, ctx: Context, *, account_type: str) -> dict[str, Any]:
    """The visible answers as a record-layout dict (JSON types), ready for ``parse_record``."""
    visible = {q.path for page in PAGES for q in page.visible_questions(answers, ctx)}
    record: dict[str, Any] = {"account_type": account_type}
    for path, value in answers.items():
        if path not in visible or value is None or value == []:
            continue
        target = record
        *parents, leaf = path.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = json_value(value)
    return record


def record_to_answers(record: dict[str, Any]) -> Answers:
    """A record-layout dict (as exported) back into flat answers, typed as the questions parse them."""
    answers: Answers = {}
    for path, q in QUESTIONS.items():
        value: Any = record
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            continue
        if q.kind == "date":
            value = date.fromisoformat(value)
        elif q.kind == "ssn":
            value = Ssn(value)
        elif q.kind == "money":
            value = Decimal(str(value))
        answers[path] = value
    return answers


def json_value(value: Any) -> Any:
    """An answer as the record layout writes it (dates ISO, SSN digits, money as a number)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Ssn):
        return value.reveal()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def questions_for_section(page_key: str) -> Page:
    for page in PAGES:
        if page.key == page_key:
            return page
    raise KeyError(page_key)


# --- labels: what a person reads instead of a field path --------------------------------------

# Record-layout paths that no question asks, and the sections (objects) of the record.
_OTHER_LABELS = {
    "id": "Record ID", "account_type": "Account type", "ssn": "Social Security number",
    "address": "Address", "selective_service": "Selective Service", "veteran": "Veteran", "education": "Education",
    "employment": "Employment", "dislocation": "Dislocation", "income": "Income", "barriers": "Barriers",
    "taa": "Trade Adjustment Assistance", "preferences": "Job preferences", "soc_code": "SOC code",
}
_ACRONYMS = {"ssn": "SSN", "soc": "SOC", "ui": "UI", "taa": "TAA", "fips": "FIPS", "llsil": "LLSIL", "id": "ID",
             "zip": "ZIP", "hs": "high school", "iep": "IEP", "tanf": "TANF", "snap": "SNAP", "ssi": "SSI",
             "us": "US", "wioa": "WIOA", "dw": "DW", "wp": "WP", "jvsg": "JVSG", "osy": "OSY", "isy": "ISY",
             "dd214": "DD-214"}
_INDEX = re.compile(r"\[(\d+)\]")


def _words(name: str) -> str:
    """``weeks_unemployed`` → "Weeks unemployed": a name in words, never an underscore."""
    words = [_ACRONYMS.get(w.lower(), w) for w in re.split(r"[_\W]+", name) if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def label_for(path: str) -> str:
    """The words a person reads for a field path: the question's label, else the path in words.

    Missing answers, messages at a field, attestation items and privilege-free field names all go
    through here before anyone sees them; the JSON of the command line keeps the paths.
    ``preferences.desired_occupations[1].soc_code`` → "Desired occupations, item 2: SOC code".
    """
    path = path.strip()
    if path in QUESTIONS:
        return QUESTIONS[path].label
    if path in _OTHER_LABELS:
        return _OTHER_LABELS[path]
    parts = [p for p in path.split(".") if p]
    plain = [_INDEX.sub("", p) for p in parts]
    # the longest leading part that a question (or a known section) names gives the first words
    for cut in range(len(parts), 0, -1):
        head = ".".join(plain[:cut])
        if head in QUESTIONS or head in _OTHER_LABELS:
            words = [QUESTIONS[head].label if head in QUESTIONS else _OTHER_LABELS[head]]
            words[0] += _item(parts[cut - 1])
            rest = parts[cut:]
            break
    else:
        words, rest = [], parts
    for part in rest:
        name = _INDEX.sub("", part)
        words.append((_OTHER_LABELS.get(name) or _words(name) or "Item") + _item(part))
    if not words:
        return "Answer"
    return words[0] + (": " + ", ".join(w[:1].lower() + w[1:] if not w[:2].isupper() else w for w in words[1:])
                       if len(words) > 1 else "")


def _item(part: str) -> str:
    found = _INDEX.findall(part)
    return "".join(f", item {int(n) + 1}" for n in found)


def labels_for(paths: Any) -> str:
    """Several paths as one line of labels ("Family size, Family income, last 6 months x 2")."""
    return "; ".join(label_for(p) for p in paths)


_PATHLIKE = re.compile(r"[a-z][a-z0-9_]*(?:\[\d+\])?(?:\.[a-z][a-z0-9_]*(?:\[\d+\])?)*")


def readable(text: str) -> str:
    """A reason or message that is only a field path (``income.tanf``) becomes its label; others stay."""
    text = text.strip()
    if _PATHLIKE.fullmatch(text) and ("." in text or "_" in text or text in QUESTIONS):
        return label_for(text)
    return text


__all__ = [
    "PAGES",
    "QUESTIONS",
    "Answers",
    "Context",
    "Page",
    "Question",
    "answers_to_record",
    "birth_date_problem",
    "label_for",
    "labels_for",
    "page_errors",
    "questions_for_section",
    "readable",
    "record_to_answers",
    "visible_pages",
]
