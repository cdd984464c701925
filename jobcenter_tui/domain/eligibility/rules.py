"""The eligibility rules of ``eligibility.md``: pure functions of a record, a date and a config.

Each program answers ``eligible`` (every condition holds), ``ineligible`` (a condition fails —
failure beats missing) or ``needs_information`` (nothing fails, an answer is missing). Reasons
are sentences a case manager can read to the seeker; missing answers are field paths.
"""

from __future__ import annotations

from calendar import isleap
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from jobcenter_tui.domain.eligibility.config import EligibilityConfig
from jobcenter_tui.domain.eligibility.tri import FALSE, Fact, all_, any_, known, no, unknown, yes
from jobcenter_tui.domain.programs import PROGRAM_CODES
from jobcenter_tui.domain.record import Barriers, SeekerRecord

SELECTIVE_SERVICE_BORN_FROM = date(1960, 1, 1)
# 38 USC 4211(4)(A), 101(2): "other than dishonorable" -- a bad-conduct discharge qualifies (rules 2026.2).
DISQUALIFYING_DISCHARGES = frozenset({"dishonorable"})
SECONDARY_SCHOOL = frozenset({"in_secondary", "in_alternative"})
NO_DIPLOMA = frozenset({"none", "certificate_of_attendance_iep"})
_NO_BARRIERS = Barriers()

ELIGIBLE, INELIGIBLE, NEEDS_INFORMATION = "eligible", "ineligible", "needs_information"


class ProgramResult(NamedTuple):
    """One program's answer (a tuple: six are made for every record evaluated)."""

    program: str
    status: str
    reasons: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    priority_of_service: int | None = None  # WIOA_ADULT only
    category: str | None = None  # WIOA_YOUTH only: OSY | ISY
    limitations: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"program": self.program, "status": self.status}
        if self.program == "WIOA_YOUTH":
            out["category"] = self.category
        out["reasons"] = list(self.reasons)
        out["missing"] = list(self.missing)
        if self.program == "WIOA_ADULT":
            out["priority_of_service"] = self.priority_of_service
        if self.limitations:
            out["limitations"] = list(self.limitations)
        return out


@dataclass(frozen=True)
class EligibilityResult:
    as_of: date
    rules_version: str
    low_income: bool | None
    age: int
    programs: tuple[ProgramResult, ...] = field(default_factory=tuple)

    def program(self, code: str) -> ProgramResult:
        for p in self.programs:
            if p.program == code:
                return p
        raise KeyError(code)

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "rules_version": self.rules_version,
            "low_income": self.low_income,
            "age": self.age,
            "programs": [p.as_json() for p in self.programs],
        }


# --- dates and money -----------------------------------------------------------------------------


def anniversary(born: date, year: int) -> date:
    """The birthday in ``year``; 29 February falls on 28 February in a common year."""
    if born.month == 2 and born.day == 29 and not isleap(year):
        return date(year, 2, 28)
    return born.replace(year=year)


def age_on(born: date, as_of: date) -> int:
    """Whole years on ``as_of``; the birthday itself counts."""
    return as_of.year - born.year - (as_of < anniversary(born, as_of.year))


def money(value: Decimal | int) -> str:
    value = Decimal(value)
    return f"${value:,.0f}" if value == value.to_integral_value() else f"${value:,.2f}"


# --- derived facts -------------------------------------------------------------------------------


def _threshold(rec: SeekerRecord, cfg: EligibilityConfig, size: int, table, state: str | None) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    hhs = table.guideline(state, size)
    label = table.name
    if rec.llsil_region and cfg.llsil is not None:
        llsil = cfg.llsil.amount(rec.llsil_region, size)
        if llsil is not None and llsil > hhs:
            return llsil, f"LLSIL 70%, {rec.llsil_region}"
    if state in ("AK", "HI"):
        label = f"{table.name}, {'Alaska' if state == 'AK' else 'Hawaii'}"
    return hhs, label


def _state(rec: SeekerRecord, table, size: int, amount: Decimal | int, cfg: EligibilityConfig) -> tuple[str | None, bool]:  # type: ignore[no-untyped-def]
    """The state whose guideline applies, and whether it is known well enough (rules 2026.2).

    With no state, the 48-state table applies only when Alaska's and Hawaii's tables would give
    the same low-income answer; otherwise the state is needed.
    """
    state = rec.address.state if rec.address else None
    if state is not None:
        return state, True
    answers = {amount <= _threshold(rec, cfg, size, table, area)[0] for area in table.areas}
    return None, len(answers) == 1


def _income_test(rec: SeekerRecord, as_of: date, cfg: EligibilityConfig) -> Fact:
    inc = rec.income
    size = inc.family_size if inc else None
    amount = inc.annual_family_income if inc else None
    missing = [p for p, v in (("income.family_size", size), ("income.annual_family_income", amount)) if v is None]
    table = cfg.table_for(as_of)
    if table is None:
        return unknown(*missing, reason=f"no poverty guideline table is configured for {as_of.isoformat()}")
    if missing:
        return unknown(*missing)
    assert size is not None and amount is not None
    state, settled = _state(rec, table, size, amount, cfg)
    if not settled:
        return unknown("address.state")
    limit, label = _threshold(rec, cfg, size, table, state)
    family = f"a family of {size}"
    if amount <= limit:
        return yes(f"Family income {money(amount)} is at or under the {money(limit)} low-income limit for {family} ({label})")
    return no(f"Family income {money(amount)} is over the {money(limit)} low-income limit for {family} ({label})")


def _disability_income_test(rec: SeekerRecord, as_of: date, cfg: EligibilityConfig) -> Fact:
    if rec.disability is None:
        return unknown("disability")
    if not rec.disability:
        return no()
    own = rec.income.annual_individual_income if rec.income else None
    table = cfg.table_for(as_of)
    if table is None:
        return unknown(*([] if own is not None else ["income.annual_individual_income"]),
                       reason=f"no poverty guideline table is configured for {as_of.isoformat()}")
    if own is None:
        return unknown("income.annual_individual_income")
    state, settled = _state(rec, table, 1, own, cfg)
    if not settled:
        return unknown("address.state")
    limit, label = _threshold(rec, cfg, 1, table, state)
    if own <= limit:
        return yes(f"Has a disability and own income {money(own)} is at or under the {money(limit)} limit for a family of one ({label})")
    return no(f"Own income {money(own)} of a person with a disability is over the {money(limit)} limit for a family of one ({label})")


_LOW_INCOME_FLAGS = tuple(
    (section, name, f"Low income: {text}")
    for section, name, text in (
        ("income", "tanf", "receives TANF"),
        ("income", "snap", "receives SNAP"),
        ("income", "ssi", "receives SSI"),
        ("income", "general_assistance", "receives general assistance"),
        ("income", "refugee_cash_assistance", "receives refugee cash assistance"),
        ("income", "free_reduced_lunch", "receives or is eligible for free or reduced-price lunch"),
        ("barriers", "homeless", "is homeless"),
        ("barriers", "foster_care", "is in or has aged out of foster care"),
    )
)
_ASSISTANCE_FLAGS = tuple(("income", n, f"receives public assistance ({n.replace('_', ' ')})") for n in
                          ("tanf", "snap", "ssi", "general_assistance", "refugee_cash_assistance"))


def _flag(rec: SeekerRecord, section: str, name: str, note: str = "") -> Fact:
    part = getattr(rec, section)
    value = getattr(part, name) if part is not None else None
    return known(value, f"{section}.{name}", if_true=note)


def low_income(rec: SeekerRecord, as_of: date, cfg: EligibilityConfig) -> Fact:
    """WIOA §3(36). True if any test holds; false only when every answer it needs is there."""
    flags = _any_flag(rec, _LOW_INCOME_FLAGS)
    if flags.value is True:
        return flags
    return any_(flags, _income_test(rec, as_of, cfg), _disability_income_test(rec, as_of, cfg))


def _any_flag(rec: SeekerRecord, flags: tuple[tuple[str, str, str], ...]) -> Fact:
    """The first yes among yes/no answers (with its note), else no, or unknown naming the missing."""
    missing: list[str] = []
    for section, name, note in flags:
        part = getattr(rec, section)
        value = getattr(part, name) if part is not None else None
        if value:
            return Fact(True, (note,))
        if value is None:
            missing.append(f"{section}.{name}")
    return Fact(None, (), tuple(missing)) if missing else FALSE


def youth_low_income(low: Fact, rec: SeekerRecord) -> Fact:
    """For youth, living in a high-poverty area also counts."""
    if low.value is True:
        return low
    return any_(low, _flag(rec, "income", "high_poverty_area", "Low income: lives in a high-poverty area"))


def selective_service(rec: SeekerRecord, as_of: date, age: int) -> Fact:
    born = rec.date_of_birth
    if born < SELECTIVE_SERVICE_BORN_FROM or age < 18:
        return yes()
    sex = rec.sex_assigned_at_birth or (rec.sex if rec.sex in ("male", "female") else None)
    if sex is None:
        return unknown("sex_assigned_at_birth")
    if sex == "female":
        return yes()
    ss = rec.selective_service
    status = ss.status if ss else None
    if status is None:
        return unknown("selective_service.status")
    if status in ("registered", "exempt"):
        return yes()
    deadline = anniversary(born, born.year + 18) + timedelta(days=30)
    if as_of <= deadline:
        return yes(f"must register with Selective Service by {deadline.isoformat()} (30 days after his 18th birthday)")
    if age < 26:
        return no("must register with Selective Service")
    finding = ss.not_knowing_and_willful if ss else None
    if finding is None:  # absent is never "no" (rules 2026.2): ask for the finding
        return unknown("selective_service.not_knowing_and_willful")
    if finding:
        return yes("not registered with Selective Service, but a documented finding says the failure was not knowing and willful")
    return no("no finding that the failure to register was not knowing and willful")


def eligible_veteran(rec: SeekerRecord) -> Fact:
    """38 USC 4211: a veteran with more than 180 days and a qualifying discharge (or a
    service-connected disability discharge), or an eligible spouse."""
    vet = rec.veteran
    status = vet.status if vet else None
    if status is None:
        return unknown("veteran.status")
    if status == "eligible_spouse":
        return yes("eligible spouse of a veteran")
    if status != "veteran":
        return no("not an eligible veteran or spouse")
    assert vet is not None
    days, discharge = vet.active_duty_days, vet.discharge
    service = all_(
        known(days, "veteran.active_duty_days", days is not None and days > 180,
              if_false=f"{days} days of active duty is not more than 180"),
        known(discharge, "veteran.discharge", discharge not in DISQUALIFYING_DISCHARGES,
              if_false="a dishonorable discharge does not qualify"),
    )
    result = any_(service, known(vet.service_connected_disability_discharge, "veteran.service_connected_disability_discharge"))
    if result.value is False:
        return no("not an eligible veteran or spouse", *result.reasons)
    return result


def veteran_for_priority(rec: SeekerRecord) -> Fact:
    vet = rec.veteran
    status = vet.status if vet else None
    if status is None:
        return unknown("veteran.status")
    if status == "eligible_spouse":
        return yes()
    if status != "veteran":
        return no()
    assert vet is not None
    return known(vet.discharge, "veteran.discharge", vet.discharge not in DISQUALIFYING_DISCHARGES)


_NOT_AUTHORIZED = "not authorized to work in the US"


def _work_authorization(rec: SeekerRecord, program: str, cfg: EligibilityConfig) -> Fact:
    if not cfg.work_authorization_required.get(program, True):
        return yes()
    return known(rec.authorized_to_work, "authorized_to_work", if_false=_NOT_AUTHORIZED)


def _min_age(age: int, minimum: int) -> Fact:
    return yes() if age >= minimum else no(f"age {age} is under {minimum}")


# --- programs ------------------------------------------------------------------------------------


def _result(program: str, fact: Fact, priority_of_service: int | None = None, category: str | None = None,
            limitations: tuple[str, ...] = ()) -> ProgramResult:
    """A category and limitations belong only to an eligible answer; priority to any adult answer."""
    value, reasons, missing = fact
    if value is True:
        return ProgramResult(program, ELIGIBLE, reasons, (), priority_of_service, category, limitations)
    status = INELIGIBLE if value is False else NEEDS_INFORMATION
    return ProgramResult(program, status, reasons, missing if value is None else (), priority_of_service)


def _priority(rec: SeekerRecord, low: Fact) -> tuple[int | None, str]:
    """20 CFR 680.640: 1 veterans in a priority group, 2 others in one, 3 other veterans, 5 the rest."""
    vet = veteran_for_priority(rec)
    who = "eligible spouse of a veteran" if rec.veteran is not None and rec.veteran.status == "eligible_spouse" else "veteran"
    assistance = _any_flag(rec, _ASSISTANCE_FLAGS)
    group = any_(low, _flag(rec, "barriers", "basic_skills_deficient", "basic skills deficient"), assistance)
    if vet.value is None or group.value is None:
        return None, ""
    why = "; ".join(group.reasons) or "low income, basic skills deficient or on public assistance"
    if group.value:
        return (1, f"priority of service 1: {who}, and {why}") if vet.value else (2, f"priority of service 2: {why}")
    return (3, f"priority of service 3: {who}") if vet.value else (5, "")


def _adult(rec: SeekerRecord, age: int, ss: Fact, low: Fact, cfg: EligibilityConfig) -> ProgramResult:
    priority, note = _priority(rec, low)
    fact = all_(_work_authorization(rec, "WIOA_ADULT", cfg), _min_age(age, 18), ss, yes(note))
    return _result("WIOA_ADULT", fact, priority_of_service=priority)


_DISLOCATION_LABELS = {
    "plant_closure": "permanent closure or substantial layoff",
    "closure_announced_with_date": "closure announced with a date",
    "closure_announced_no_date": "closure announced without a date",
    "self_employed_economic": "self-employed, out of work because of general economic conditions",
    "self_employed_disaster": "self-employed, out of work because of a natural disaster",
    "displaced_homemaker": "displaced homemaker",
    "military_spouse_relocation": "military spouse who lost employment because of a relocation",
    "military_spouse_underemployed": "military spouse who is unemployed or underemployed",
    "military_separation": "separated from the military",
    "laid_off": "laid off",
    "terminated": "terminated",
    "layoff_notice": "received a layoff notice",
}


def _dislocation(rec: SeekerRecord) -> tuple[Fact, tuple[str, ...]]:
    d = rec.dislocation
    if d is None:
        return no("not dislocated"), ()
    if d.reason is None:
        return unknown("dislocation.reason"), ()
    reason = d.reason
    label = _DISLOCATION_LABELS.get(reason, reason)
    if reason == "quit":
        return no("not dislocated: quit voluntarily"), ()
    if reason in ("laid_off", "terminated", "layoff_notice"):
        ui = any_(
            known(d.ui_eligible_or_exhausted, "dislocation.ui_eligible_or_exhausted"),
            known(d.attached_not_ui_eligible, "dislocation.attached_not_ui_eligible"),
            if_none="neither eligible for (or exhausted) unemployment compensation nor attached to the workforce",
        )
        emp = rec.employment
        back = known(emp.unlikely_to_return if emp else None, "employment.unlikely_to_return",
                     if_false="not unlikely to return to the previous industry or occupation")
        fact = all_(ui, back)
        return (yes(f"dislocated: {label}, unlikely to return") if fact.value else fact), ()
    if reason == "military_separation":
        if rec.veteran is not None and rec.veteran.status == "eligible_spouse":  # the discharge is not asked of a spouse
            return no("a military separation counts only for the person who served, not for the spouse"), ()
        discharge = rec.veteran.discharge if rec.veteran else None
        fact = known(discharge, "veteran.discharge", discharge not in DISQUALIFYING_DISCHARGES,
                     if_false="a military separation with a dishonorable discharge does not qualify",
                     if_true=f"dislocated: {label}")
        return fact, ()
    if reason == "closure_announced_no_date":
        return yes(f"dislocated: {label} (basic career services only)"), ("basic_career_services_only",)
    return yes(f"dislocated: {label}"), ()


def _dislocated_worker(rec: SeekerRecord, age: int, ss: Fact, cfg: EligibilityConfig) -> ProgramResult:
    dislocated, limits = _dislocation(rec)
    fact = all_(_work_authorization(rec, "WIOA_DW", cfg), _min_age(age, cfg.dw_min_age), ss, dislocated)
    return _result("WIOA_DW", fact, limitations=limits if fact.value else ())


def _barrier(bar: Barriers, name: str, note: str) -> Fact:
    return known(getattr(bar, name), f"barriers.{name}", if_true=note)


def _youth_barriers(rec: SeekerRecord, bar: Barriers) -> tuple[Fact, ...]:
    """The barriers both youth categories share."""
    return (
        _barrier(bar, "offender", "is an offender"),
        _barrier(bar, "homeless", "is homeless"),
        _barrier(bar, "runaway", "is a runaway"),
        _barrier(bar, "foster_care", "is in or has aged out of foster care"),
        _barrier(bar, "pregnant_or_parenting", "is pregnant or parenting"),
        known(rec.disability, "disability", if_true="has a disability"),
    )


def _youth(rec: SeekerRecord, age: int, ss: Fact, adult_low: Fact, cfg: EligibilityConfig) -> ProgramResult:
    edu = rec.education
    school = edu.school_status if edu else None
    bar = rec.barriers or _NO_BARRIERS
    work = _work_authorization(rec, "WIOA_YOUTH", cfg)
    if school is None:
        if age < 14:
            age_fact = no(f"age {age} is under 14")
        elif age > 24:
            # only an in-school youth with a disability may be older, and only up to the state's limit
            age_fact = (known(rec.disability, "disability", if_false=f"age {age} is over 24")
                        if age <= cfg.isy_disability_max_age else no(f"age {age} is over 24"))
        else:
            age_fact = yes()
        return _result("WIOA_YOUTH", all_(work, ss, age_fact, unknown("education.school_status")))
    if school.startswith("not_attending"):
        if age < 16:
            return _result("WIOA_YOUTH", all_(work, ss, no(f"age {age} is under 16 (out-of-school youth)")))
        if age > 24:
            return _result("WIOA_YOUTH", all_(work, ss, no(f"age {age} is over 24")))
        age_fact = yes()
        common = _youth_barriers(rec, bar)
        low = youth_low_income(adult_low, rec)
        level = edu.highest_level if edu else None
        diploma = known(level, "education.highest_level", level not in NO_DIPLOMA)
        compulsory = (known(edu.absent_last_school_quarter if edu else None, "education.absent_last_school_quarter",
                            if_true="within compulsory school age and absent the last school quarter")
                      if school == "not_attending_within_compulsory_age" else no())
        skills = any_(_barrier(bar, "basic_skills_deficient", "basic skills deficient"),
                      _barrier(bar, "english_language_learner", "English language learner"))
        barrier = any_(
            yes("dropped out of school") if school == "not_attending_dropout" else no(),
            compulsory,
            all_(diploma, low, skills),
            *common,
            all_(low, _barrier(bar, "needs_additional_assistance", "needs additional assistance")),
            if_none="out of school without a qualifying barrier (dropout, offender, homeless, runaway, foster care, "
                    "pregnant or parenting, disability, or low income with a skills or assistance need)",
        )
        fact = all_(work, ss, age_fact, barrier)
        return _result("WIOA_YOUTH", fact, category="OSY" if fact.value else None)
    if age < 14:
        return _result("WIOA_YOUTH", all_(work, ss, no(f"age {age} is under 14")))
    if age <= 21:
        age_fact = yes()
    else:
        # WIOA §129(a)(1)(C)(i): past 21 only with a disability, attending secondary school under State law,
        # up to isy_disability_max_age (rules 2026.2)
        over = f"age {age} is over 24" if age > 24 else f"age {age} is over 21 (in-school youth)"
        if school not in SECONDARY_SCHOOL or age > cfg.isy_disability_max_age:
            return _result("WIOA_YOUTH", all_(work, ss, no(over)))
        age_fact = known(rec.disability, "disability", if_false=over,
                         if_true=f"has a disability and attends secondary school (up to age {cfg.isy_disability_max_age})")
        if age_fact.value is False:
            return _result("WIOA_YOUTH", all_(work, ss, age_fact))
    common = _youth_barriers(rec, bar)
    low = youth_low_income(adult_low, rec)
    low_required = low if low.value is not False else no(*low.reasons, "in-school youth must be low income")
    barrier = any_(
        _barrier(bar, "basic_skills_deficient", "basic skills deficient"),
        _barrier(bar, "english_language_learner", "English language learner"),
        *common,
        _barrier(bar, "needs_additional_assistance", "needs additional assistance"),
        if_none="in school without a qualifying barrier (basic skills, English learner, offender, homeless, runaway, "
                "foster care, pregnant or parenting, disability, needs additional assistance)",
    )
    fact = all_(work, ss, age_fact, low_required, barrier)
    return _result("WIOA_YOUTH", fact, category="ISY" if fact.value else None)


def _three_years_before(as_of: date) -> date:
    return anniversary(as_of, as_of.year - 3)


def _jvsg(rec: SeekerRecord, age: int, low: Fact, as_of: date, cfg: EligibilityConfig) -> ProgramResult:
    work = _work_authorization(rec, "JVSG", cfg)
    veteran = eligible_veteran(rec)
    if veteran.value is False:  # no need to look for barriers of someone who is not an eligible veteran
        return _result("JVSG", all_(work, veteran))
    vet = rec.veteran
    bar = rec.barriers or _NO_BARRIERS
    level = rec.education.highest_level if rec.education else None
    # An eligible spouse is never asked the veteran-only answers: they never count and are never missing.
    served = vet if vet is not None and vet.status == "veteran" else None
    separated = served.separation_date if served else None
    weeks = rec.employment.weeks_unemployed if rec.employment else None
    significant = any_(
        known(served.disabled_veteran, "veteran.disabled_veteran", if_true="disabled veteran") if served else FALSE,
        known(served.special_disabled_veteran, "veteran.special_disabled_veteran",
              if_true="special disabled veteran") if served else FALSE,
        _barrier(bar, "homeless", "homeless"),
        _barrier(bar, "released_from_incarceration_within_12_months", "released from incarceration within 12 months"),
        known(level, "education.highest_level", level in NO_DIPLOMA, if_true="no high school diploma or equivalency"),
        low,
        yes(f"aged {age} (18-24)") if 18 <= age <= 24 else no(),
        all_(
            known(separated, "veteran.separation_date", separated is not None and separated >= _three_years_before(as_of)),
            known(weeks, "employment.weeks_unemployed", weeks is not None and weeks >= 27),
        ) if served and not (separated is not None and separated < _three_years_before(as_of)) else FALSE,
        known(served.transitioning_service_member, "veteran.transitioning_service_member",
              if_true="transitioning service member") if served else FALSE,
        if_none="no significant barrier to employment",
    )
    return _result("JVSG", all_(work, veteran, significant))


def _taa(rec: SeekerRecord, cfg: EligibilityConfig) -> ProgramResult:
    taa = rec.taa
    if taa is None:
        covered = no("not covered by a certified petition")
    elif taa.certified is None:
        covered = unknown("taa.certified")
    elif not taa.certified:
        covered = no("not covered by a certified petition")
    elif not (taa.petition_number or "").strip():  # a blank petition number is no petition number
        covered = unknown("taa.petition_number")
    else:
        covered = yes(f"covered by certified petition {taa.petition_number}")
    return _result("TAA", all_(_work_authorization(rec, "TAA", cfg), covered))


def evaluate(rec: SeekerRecord, as_of: date, cfg: EligibilityConfig) -> EligibilityResult:
    """Every program's answer for one seeker on ``as_of``, always all six, in the spec's order."""
    age = age_on(rec.date_of_birth, as_of)
    ss = selective_service(rec, as_of, age)
    low = low_income(rec, as_of, cfg)
    wp = _result("WP", all_(_work_authorization(rec, "WP", cfg), _min_age(age, cfg.wp_min_age)))
    by_code = {
        "WIOA_ADULT": _adult(rec, age, ss, low, cfg),
        "WIOA_DW": _dislocated_worker(rec, age, ss, cfg),
        "WIOA_YOUTH": _youth(rec, age, ss, low, cfg),
        "WP": wp,
        "JVSG": _jvsg(rec, age, low, as_of, cfg),
        "TAA": _taa(rec, cfg),
    }
    return EligibilityResult(as_of, cfg.version, low.value, age, tuple(by_code[c] for c in PROGRAM_CODES))
