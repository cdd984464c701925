"""The job seeker record of ``record-layout.md``: the interchange format, validated.

Absent or ``null`` means *not answered*. Unknown fields, wrong JSON types, impossible dates and
values outside an enumeration are errors that name their field path (``income.family_size``).
Validation is strict about JSON types (``"3"`` is not a family size) and needs the reference date
through the validation context (``{"today": date}``), because the domain never reads the clock.
"""

from __future__ import annotations

import json
import re
from datetime import date as Date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from jobcenter_tui.domain.errors import Refusal
from jobcenter_tui.domain.lines import LineProblem, invisible, load_line, printable, suspect, value_problems
from jobcenter_tui.domain.ssn import Ssn, SsnError

EARLIEST_BIRTH_DATE = Date(1900, 1, 1)

USPS_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP".split()
)

AccountType = Literal["self_service", "staff_assisted"]
Sex = Literal["male", "female", "not_disclosed"]
SexAtBirth = Literal["male", "female"]
Race = Literal["american_indian_alaska_native", "asian", "black", "native_hawaiian_pacific_islander", "white"]
JobType = Literal["full_time", "part_time", "temporary", "seasonal", "internship"]

Name = Annotated[str, Field(min_length=1, max_length=50)]
ShortText = Annotated[str, Field(max_length=200)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]  # bounded: a number beyond 64 bits never reaches the store


def _number(value: Any) -> Any:
    """Money arrives as a JSON number; a string or a boolean is a type error, not a coercion."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ValueError("must be a number of dollars, e.g. 24000 or 1250.50")
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _money_json(value: Decimal) -> int | float:
    """Whole dollars as a JSON integer, cents as a JSON number."""
    return int(value) if value == value.to_integral_value() else float(value)


# serialised by its own type, not by a model-wide serializer: a "*" serializer costs a Python call
# for every field of every record written (an import writes each record twice)
Money = Annotated[Decimal, BeforeValidator(_number), Field(ge=0, max_digits=12, decimal_places=2),
                  PlainSerializer(_money_json, when_used="json")]

SOC_RE = re.compile(r"\d{2}-\d{4}")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")


class _Strict(BaseModel):
    """Base of every part of the record: unknown keys are errors, JSON types are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _soc(value: str | None) -> str | None:
    if value is not None and not SOC_RE.fullmatch(value):
        raise ValueError("must be a SOC code written NN-NNNN, e.g. 51-4121")
    return value


class Address(_Strict):
    line1: ShortText | None = None
    line2: ShortText | None = None
    city: Annotated[str, Field(max_length=100)] | None = None
    state: str | None = None
    zip: str | None = None
    county_fips: str | None = None

    @field_validator("state")
    @classmethod
    def _state(cls, v: str | None) -> str | None:
        if v is not None and v not in USPS_STATES:
            raise ValueError("must be a 2-letter USPS state code in capitals, e.g. KS")
        return v

    @field_validator("zip")
    @classmethod
    def _zip(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"\d{5}", v):
            raise ValueError("must be 5 digits")
        return v

    @field_validator("county_fips")
    @classmethod
    def _fips(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"\d{5}", v):
            raise ValueError("must be the 5-digit county FIPS code")
        return v


class SelectiveService(_Strict):
    status: Literal["registered", "not_registered", "exempt"] | None = None
    not_knowing_and_willful: bool | None = None


class Veteran(_Strict):
    status: Literal["none", "veteran", "eligible_spouse"] | None = None
    active_duty_days: Count | None = None
    discharge: Literal["honorable", "general", "other_than_honorable", "bad_conduct", "dishonorable"] | None = None
    service_connected_disability_discharge: bool | None = None
    disabled_veteran: bool | None = None
    special_disabled_veteran: bool | None = None
    separation_date: Date | None = None
    transitioning_service_member: bool | None = None


class Education(_Strict):
    highest_grade_completed: Annotated[int, Field(ge=0, le=12)] | None = None
    highest_level: Literal[
        "none", "hs_diploma", "hs_equivalency", "certificate_of_attendance_iep", "some_postsecondary",
        "postsecondary_certificate", "associate", "bachelor", "beyond_bachelor",
    ] | None = None
    school_status: Literal[
        "in_secondary", "in_alternative", "in_postsecondary", "not_attending_dropout",
        "not_attending_graduate", "not_attending_within_compulsory_age",
    ] | None = None
    absent_last_school_quarter: bool | None = None


class Employment(_Strict):
    status: Literal["employed", "employed_with_notice", "not_in_labor_force", "unemployed"] | None = None
    ui_status: Literal["not_claimant", "claimant", "exhausted", "exempt"] | None = None
    weeks_unemployed: Count | None = None
    last_occupation_soc: str | None = None
    unlikely_to_return: bool | None = None

    _check_soc = field_validator("last_occupation_soc")(classmethod(lambda cls, v: _soc(v)))


DislocationReason = Literal[
    "laid_off", "terminated", "layoff_notice", "plant_closure", "closure_announced_with_date",
    "closure_announced_no_date", "self_employed_economic", "self_employed_disaster",
    "displaced_homemaker", "military_spouse_relocation", "military_spouse_underemployed",
    "military_separation", "quit",
]


class Dislocation(_Strict):
    reason: DislocationReason | None = None
    date: Date | None = None
    employer: ShortText | None = None
    ui_eligible_or_exhausted: bool | None = None
    attached_not_ui_eligible: bool | None = None


class Income(_Strict):
    family_size: Annotated[int, Field(ge=1, le=30)] | None = None
    annual_family_income: Money | None = None
    annual_individual_income: Money | None = None
    tanf: bool | None = None
    snap: bool | None = None
    ssi: bool | None = None
    general_assistance: bool | None = None
    refugee_cash_assistance: bool | None = None
    free_reduced_lunch: bool | None = None
    high_poverty_area: bool | None = None


class Barriers(_Strict):
    homeless: bool | None = None
    runaway: bool | None = None
    foster_care: bool | None = None
    offender: bool | None = None
    released_from_incarceration_within_12_months: bool | None = None
    pregnant_or_parenting: bool | None = None
    basic_skills_deficient: bool | None = None
    english_language_learner: bool | None = None
    needs_additional_assistance: bool | None = None
    single_parent: bool | None = None
    cultural_barriers: bool | None = None
    migrant_seasonal_farmworker: bool | None = None


class Taa(_Strict):
    petition_number: Annotated[str, Field(min_length=1, max_length=20)] | None = None
    certified: bool | None = None
    separation_date: Date | None = None


class DesiredOccupation(_Strict):
    soc_code: str
    title: Annotated[str, Field(min_length=1, max_length=200)] | None = None

    _check_soc = field_validator("soc_code")(classmethod(lambda cls, v: _soc(v)))


class Preferences(_Strict):
    desired_occupations: list[DesiredOccupation] | None = None
    desired_hourly_wage: Money | None = None
    max_commute_miles: Count | None = None
    willing_to_relocate: bool | None = None
    job_types: list[JobType] | None = None

    @field_validator("job_types")
    @classmethod
    def _unique_types(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and len(set(v)) != len(v):
            raise ValueError("lists a job type twice")
        return v


# The nested sections, in record order. The store flattens each into ``<section>_<field>`` columns.
SECTIONS: dict[str, type[_Strict]] = {
    "address": Address,
    "selective_service": SelectiveService,
    "veteran": Veteran,
    "education": Education,
    "employment": Employment,
    "dislocation": Dislocation,
    "income": Income,
    "barriers": Barriers,
    "taa": Taa,
    "preferences": Preferences,
}


class SeekerRecord(_Strict):
    """One job seeker, exactly as the interchange format carries it."""

    id: str | None = None
    account_type: AccountType | None = None
    first_name: Name
    last_name: Name
    middle_name: Annotated[str, Field(max_length=50)] | None = None
    suffix: Annotated[str, Field(max_length=10)] | None = None
    date_of_birth: Date
    ssn: Ssn | None = None
    ssn_not_provided: bool | None = None
    sex: Sex | None = None
    sex_assigned_at_birth: SexAtBirth | None = None
    email: Annotated[str, Field(max_length=254)] | None = None
    phone: str | None = None
    address: Address | None = None
    llsil_region: Annotated[str, Field(min_length=1, max_length=50)] | None = None
    preferred_language: Annotated[str, Field(max_length=50)] | None = None
    office: Annotated[str, Field(min_length=1, max_length=20)] | None = None
    case_manager: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    authorized_to_work: bool | None = None
    selective_service: SelectiveService | None = None
    veteran: Veteran | None = None
    hispanic_latino: bool | None = None
    race: list[Race] | None = None
    disability: bool | None = None
    education: Education | None = None
    employment: Employment | None = None
    dislocation: Dislocation | None = None
    income: Income | None = None
    barriers: Barriers | None = None
    taa: Taa | None = None
    preferences: Preferences | None = None

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, arbitrary_types_allowed=True)

    @field_validator("id")
    @classmethod
    def _uuid(cls, v: str | None) -> str | None:
        if v is None:
            return v
        import uuid

        try:
            parsed = uuid.UUID(v)
        except ValueError:
            raise ValueError("must be a record id (UUID)") from None
        return str(parsed)

    @field_validator("first_name", "last_name")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if invisible(v):  # spaces or zero-width characters only: a name nobody can read or search
            raise ValueError("must not be blank (it has no visible character)")
        return v

    @field_validator("date_of_birth")
    @classmethod
    def _dob(cls, v: Date, info: ValidationInfo) -> Date:
        today = (info.context or {}).get("today")
        if v < EARLIEST_BIRTH_DATE:
            raise ValueError("must not be before 1900-01-01")
        if today is not None and v > today:
            raise ValueError(f"must not be in the future (today is {today.isoformat()})")
        return v

    @field_validator("ssn", mode="plain")
    @classmethod
    def _ssn(cls, v: Any) -> Ssn | None:
        if v is None or isinstance(v, Ssn):
            return v
        if not isinstance(v, str):
            raise ValueError("must be a string NNN-NN-NNNN")
        try:
            return Ssn(v)
        except SsnError as exc:
            raise ValueError(str(exc)) from None

    @field_serializer("ssn")
    def _ssn_out(self, v: Ssn | None) -> str | None:
        return v.reveal() if v is not None else None

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        if v is not None and not EMAIL_RE.fullmatch(v):
            raise ValueError("must be an email address like name@example.org")
        return v

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str | None) -> str | None:
        if v is None:
            return v
        return format_phone(normalize_phone(v))

    @field_validator("race")
    @classmethod
    def _unique_race(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and len(set(v)) != len(v):
            raise ValueError("lists a race twice")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> SeekerRecord:
        for problem in cross_field_problems(self.ssn, self.ssn_not_provided):
            raise ValueError(f"{problem['field']}: {problem['message']}")
        return self

    def to_json_dict(self) -> dict[str, Any]:
        """The canonical interchange form: unanswered fields and empty sections left out."""
        raw = self.model_dump(mode="json", exclude_none=True)
        return {k: v for k, v in raw.items() if v != {}}

    def to_json_line(self) -> str:
        return json.dumps(self.to_json_dict(), ensure_ascii=False, separators=(",", ":"))


def as_of_problem(born: Date, as_of: Date) -> str | None:
    """Why eligibility cannot be judged on ``as_of`` for someone born on ``born`` (not yet born then)."""
    if as_of < born:
        return f"is {as_of.isoformat()}, before the date of birth ({born.isoformat()}): choose a later date"
    return None


def normalize_phone(text: str) -> str:
    """The 10 digits of a US phone number, punctuation and a leading country code 1 removed."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits.startswith("1") and text.strip().startswith(("+", "1")):
        digits = digits[1:]
    if len(digits) != 10 or re.sub(r"[\d\s().+\-]", "", text):
        raise ValueError("must be a 10-digit US phone number, e.g. 785-555-0143")
    return digits


def format_phone(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


# --- errors -------------------------------------------------------------------------------------

_MESSAGES = {
    "extra_forbidden": "unknown field",
    "missing": "is required",
    "bool_type": "must be true or false",
    "int_type": "must be a whole number",
    "string_type": "must be a string",
    "decimal_type": "must be a number",
    "list_type": "must be a list",
    "model_type": "must be an object",
    "date_type": "must be a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "must be a real date written YYYY-MM-DD",
    "date_parsing": "must be a real date written YYYY-MM-DD",
}


def field_path(loc: tuple[int | str, ...]) -> str:
    """``("preferences", "desired_occupations", 0, "soc_code")`` → ``preferences.desired_occupations[0].soc_code``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(record)"


def _message(err: ErrorDetails) -> str:
    kind = err["type"]
    if kind in ("value_error", "assertion_error"):
        msg = str(err.get("ctx", {}).get("error", err["msg"]))
        return msg
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"must be one of {expected}"
    if kind.startswith("date_") and kind not in _MESSAGES:
        return "must be a real date written YYYY-MM-DD"
    if kind in ("greater_than_equal", "less_than_equal", "too_short", "too_long", "decimal_max_places", "decimal_max_digits"):
        return err["msg"].replace("Input should", "must").replace("String should", "must").replace("Value should", "must").replace("Decimal input should", "must")
    return _MESSAGES.get(kind, err["msg"].replace("Input should", "must"))


def record_errors(exc: ValidationError) -> list[dict[str, str]]:
    """Pydantic's errors as ``[{"field": path, "message": words}]`` without echoing input values."""
    out: list[dict[str, str]] = []
    for err in exc.errors(include_input=False, include_url=False):
        msg = _message(err)
        loc = tuple(err["loc"])
        # a model-level check names its own field as "field: message"
        if not loc and ": " in msg:
            name, msg = msg.split(": ", 1)
            loc = tuple(name.split("."))
        # pydantic adds the branch of an Optional to the path; drop it
        loc = tuple(p for p in loc if p not in ("function-plain[_ssn()]",) and not str(p).startswith(("function-", "constrained-")))
        # an unknown field's name is input: never printed raw, never pages long
        out.append({"field": printable(field_path(loc), 80), "message": msg})
    return out


class RecordInvalid(Refusal, ValueError):
    """A record failed validation; ``errors`` lists every bad field."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        self.errors = errors


def cross_field_problems(ssn: Any, ssn_not_provided: Any) -> list[dict[str, str]]:
    """Rules between fields, checked even when other fields already failed."""
    if ssn is not None and ssn_not_provided is True:
        return [{"field": "ssn_not_provided", "message": "must not be true when an ssn is given"}]
    return []


def parse_record(data: str | bytes | dict[str, Any], today: Date | None) -> SeekerRecord:
    """Validate one record (a JSON text or an already-decoded object); raise RecordInvalid.

    Never raises anything else, whatever the input: a line too long or nested too deep, a number
    of 70 digits, control characters (NUL, ESC, C1, bidi overrides) are field errors like others.
    """
    try:
        if isinstance(data, dict):
            raw, text = data, json.dumps(data)  # ASCII: every control character is written as an escape
            early = value_problems(raw) if suspect(text) else []
        else:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            raw, walk = load_line(text)
            early = value_problems(raw) if walk else []
    except (LineProblem, UnicodeDecodeError) as exc:
        message = exc.message if isinstance(exc, LineProblem) else "is not UTF-8 text"
        raise RecordInvalid([{"field": "(record)", "message": message}]) from None
    except (TypeError, ValueError):  # a dict from a caller that JSON cannot write
        raise RecordInvalid([{"field": "(record)", "message": "must be a JSON object, one record per line"}]) from None
    if not isinstance(raw, dict):
        raise RecordInvalid([{"field": "(record)", "message": "must be a JSON object, one record per line"}])
    errors: list[dict[str, str]] = []
    if not early:
        try:
            return SeekerRecord.model_validate_json(text, context={"today": today}, strict=True)
        except ValidationError as exc:
            errors = record_errors(exc)
    else:  # the model's own errors too, except at the fields already refused (no double report)
        flagged = {e["field"] for e in early}
        try:
            SeekerRecord.model_validate_json(text, context={"today": today}, strict=True)
        except ValidationError as exc:
            errors = [e for e in record_errors(exc) if e["field"] not in flagged]
        errors = [*early, *errors]
    for problem in cross_field_problems(raw.get("ssn"), raw.get("ssn_not_provided")):
        if problem not in errors:
            errors.append(problem)
    raise RecordInvalid(errors)
