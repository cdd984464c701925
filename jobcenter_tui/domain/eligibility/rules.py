"""The eligibility rules of ``eligibility.md``: pure functions of a record, a date and a config.

Each program answers ``eligible`` (every condition holds), ``ineligible`` (a condition fails —
failure beats missing) or ``needs_information`` (nothing fails, an answer is missing). Reasons
are sentences a case manager can read to the seeker; missing answers are field paths.
"""

from __future__ import annotations

from calendar import isleap
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from jobcenter_tui.domain.eligibility.config import EligibilityConfig, PovertyTable
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


@dataclass(frozen=True, slots=True)
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


def _threshold(cfg: EligibilityConfig, table: PovertyTable, region: str | None, size: int, state: str | None) -> tuple[int, str]:
    hhs = table.guideline(state, size)
    label = table.name
    if region and cfg.llsil is not None:
        llsil = cfg.llsil.amount(region, size)
        if llsil is not None and llsil > hhs:
            return llsil, f"LLSIL 70%, {region}"
    if state in ("AK", "HI"):
        label = f"{table.name}, {'Alaska' if state == 'AK' else 'Hawaii'}"
    return hhs, label


def _state(rec: SeekerRecord, plan: _Plan, size: int, amount: Decimal) -> tuple[str | None, bool]:
    """The state whose guideline applies, and whether it is known well enough (rules 2026.2).

    With no state, the 48-state table applies only when Alaska's and Hawaii's tables would give
    the same low-income answer; otherwise the state is needed.
    """
    state = rec.address.state if rec.address else None
    if state is not None:
        return state, True
    assert plan.table is not None
    answers = {amount <= plan.limit(area, rec.llsil_region, size)[0] for area in plan.table.areas}
    return None, len(answers) == 1


_UNKNOWN_STATE = unknown("address.state")
_UNKNOWN_DISABILITY = unknown("disability")
_UNKNOWN_OWN_INCOME = unknown("income.annual_individual_income")
_UNKNOWN_FAMILY = {  # (size missing, amount missing) -> the fact
    (True, True): unknown("income.family_size", "income.annual_family_income"),
    (True, False): unknown("income.family_size"),
    (False, True): unknown("income.annual_family_income"),
}


def _income_test(rec: SeekerRecord, plan: _Plan) -> tuple[Fact, Hashable | None]:
    """The family-income test, and a key naming the answer when it is the same for every record
    that gets it (``None`` when it quotes this record's dollars)."""
    inc = rec.income
    size = inc.family_size if inc else None
    amount = inc.annual_family_income if inc else None
    if plan.table is None:
        missing = [p for p, v in (("income.family_size", size), ("income.annual_family_income", amount)) if v is None]
        return unknown(*missing, reason=plan.no_table), ("no table", size is None, amount is None)
    if size is None or amount is None:
        return _UNKNOWN_FAMILY[size is None, amount is None], ("missing", size is None, amount is None)
    state, settled = _state(rec, plan, size, amount)
    if not settled:
        return _UNKNOWN_STATE, "state"
    limit, label = plan.limit(state, rec.llsil_region, size)
    if amount <= limit:
        return yes(f"Family income {money(amount)} is at or under the {money(limit)} low-income limit for a family of {size} ({label})"), None
    return no(f"Family income {money(amount)} is over the {money(limit)} low-income limit for a family of {size} ({label})"), None


def _disability_income_test(rec: SeekerRecord, plan: _Plan) -> tuple[Fact, Hashable | None]:
    """The disabled person's own-income test, keyed like ``_income_test``."""
    if rec.disability is None:
        return _UNKNOWN_DISABILITY, "unknown"
    if not rec.disability:
        return FALSE, "no"
    own = rec.income.annual_individual_income if rec.income else None
    if plan.table is None:
        return (unknown(*([] if own is not None else ["income.annual_individual_income"]), reason=plan.no_table),
                ("no table", own is None))
    if own is None:
        return _UNKNOWN_OWN_INCOME, "missing"
    state, settled = _state(rec, plan, 1, own)
    if not settled:
        return _UNKNOWN_STATE, "state"
    limit, label = plan.limit(state, rec.llsil_region, 1)
    if own <= limit:
        return yes(f"Has a disability and own income {money(own)} is at or under the {money(limit)} limit for a family of one ({label})"), None
    return no(f"Own income {money(own)} of a person with a disability is over the {money(limit)} limit for a family of one ({label})"), None


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
    return _low_income(rec, _plan(cfg, as_of))[0]


_FLAG_ANSWERS: dict[tuple[bool | None, ...], Fact] = {}  # the eight yes/no answers -> _any_flag's fact (3**8 at most)


def _low_income(rec: SeekerRecord, plan: _Plan) -> tuple[Fact, bool]:
    """``low_income``, and whether the fact is shared by every record with the same answers
    (false when it quotes this record's dollars, so answers built on it are not remembered)."""
    inc, bar = rec.income, rec.barriers
    key = ((inc.tanf, inc.snap, inc.ssi, inc.general_assistance, inc.refugee_cash_assistance, inc.free_reduced_lunch)
           if inc is not None else _SIX_NONES) + ((bar.homeless, bar.foster_care) if bar is not None else _TWO_NONES)
    flags = _FLAG_ANSWERS.get(key)
    if flags is None:
        flags = _FLAG_ANSWERS.setdefault(key, _any_flag(rec, _LOW_INCOME_FLAGS))
    if flags.value is True:
        return flags, True
    income, income_key = _income_test(rec, plan)
    disability, disability_key = _disability_income_test(rec, plan)
    if income_key is None or disability_key is None:
        return any_(flags, income, disability), False
    memo_key = (key, income_key, disability_key)
    low = plan.low.get(memo_key)
    if low is None:
        low = _remember(plan.low, memo_key, any_(flags, income, disability))
    return low, True


_SIX_NONES: tuple[None, ...] = (None,) * 6
_TWO_NONES: tuple[None, ...] = (None,) * 2


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


# --- the engine: answers worked out once per configuration and date -----------------------------
#
# Most seekers share most answers: the same six programs come out for every 40-year-old, work-
# authorized, non-veteran with no dislocation. Each program's answer is a function of a few answers
# of the record (its key below names every one the program's rules read, or says why it may leave
# one out); the answer is worked out by the rules above the first time a key is seen and shared by
# every later record with that key. Answers that quote a record's own dollars are never shared.

_PLANS_KEPT = 16  # as_of dates remembered per configuration
_MEMO_LIMIT = 20_000  # answers remembered per program and date, then forgotten all at once

_K = TypeVar("_K", bound=Hashable)
_T = TypeVar("_T")


def _remember(memo: dict[_K, _T], key: _K, value: _T) -> _T:
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[key] = value
    return value


class _Plan:
    """What one configuration means on one ``as_of``: the poverty table in force, thresholds by
    state, region and family size, the dates the rules compare with, and the answers seen so far."""

    __slots__ = ("cfg", "as_of", "year", "month_day", "leap", "three_years_before", "table", "no_table", "limits",
                 "low", "adult", "dw", "youth", "wp", "jvsg", "taa")

    def __init__(self, cfg: EligibilityConfig, as_of: date) -> None:
        self.cfg = cfg
        self.as_of = as_of
        self.year = as_of.year
        self.month_day = as_of.month * 100 + as_of.day
        self.leap = isleap(as_of.year)
        self.three_years_before = _three_years_before(as_of)
        self.table = cfg.table_for(as_of)
        self.no_table = f"no poverty guideline table is configured for {as_of.isoformat()}"
        self.limits: dict[tuple[str | None, str | None, int], tuple[int, str]] = {}
        self.low: dict[Hashable, Fact] = {}
        self.adult: dict[Hashable, ProgramResult] = {}
        self.dw: dict[Hashable, ProgramResult] = {}
        self.youth: dict[Hashable, ProgramResult] = {}
        self.wp: dict[Hashable, ProgramResult] = {}
        self.jvsg: dict[Hashable, ProgramResult] = {}
        self.taa: dict[Hashable, ProgramResult] = {}

    def age(self, born: date) -> int:
        """``age_on(born, as_of)`` without building the birthday's date."""
        birthday = born.month * 100 + born.day
        if birthday == 229 and not self.leap:
            birthday = 228
        return self.year - born.year - (self.month_day < birthday)

    def limit(self, state: str | None, region: str | None, size: int) -> tuple[int, str]:
        """The low-income limit and its label for a family of ``size`` (the table in force must exist)."""
        key = (state, region, size)
        found = self.limits.get(key)
        if found is None:
            assert self.table is not None
            found = _remember(self.limits, key, _threshold(self.cfg, self.table, region, size, state))
        return found


def _plan(cfg: EligibilityConfig, as_of: date) -> _Plan:
    plan: _Plan | None = cfg.plans.get(as_of)
    if plan is None:
        if len(cfg.plans) >= _PLANS_KEPT:
            cfg.plans.clear()
        plan = cfg.plans[as_of] = _Plan(cfg, as_of)
    return plan


_NOT_NEEDED = ("not needed",)  # stands for the low-income fact in a key whose program does not read it


def evaluate(rec: SeekerRecord, as_of: date, cfg: EligibilityConfig) -> EligibilityResult:
    """Every program's answer for one seeker on ``as_of``, always all six, in the spec's order."""
    plan = _plan(cfg, as_of)
    age = plan.age(rec.date_of_birth)
    work = rec.authorized_to_work
    ss = selective_service(rec, as_of, age)
    low, low_shared = _low_income(rec, plan)
    vet, bar, edu = rec.veteran, rec.barriers, rec.education
    vet_status = vet.status if vet is not None else None
    discharge = vet.discharge if vet is not None else None
    level = edu.highest_level if edu is not None else None

    # WP reads: work authorization, age against wp_min_age.
    key: Hashable = (work, min(age, cfg.wp_min_age))
    wp = plan.wp.get(key)
    if wp is None:
        wp = _remember(plan.wp, key, _result("WP", all_(_work_authorization(rec, "WP", cfg), _min_age(age, cfg.wp_min_age))))

    # TAA reads: work authorization and the petition; only the answer without a petition is shared.
    if rec.taa is None:
        taa = plan.taa.get(work)
        if taa is None:
            taa = _remember(plan.taa, work, _taa(rec, cfg))
    else:
        taa = _taa(rec, cfg)

    # Adult reads: work authorization, age against 18, Selective Service, the veteran's status and
    # discharge (priority), basic skills, the five public-assistance answers, and low income — whose
    # reasons it quotes only when it holds (``_priority``), so otherwise only its value counts.
    inc = rec.income
    if low_shared or low.value is not True:
        key = (work, min(age, 18), ss, low if low.value is True else low.value, vet_status, discharge,
               bar.basic_skills_deficient if bar is not None else None,
               (inc.tanf, inc.snap, inc.ssi, inc.general_assistance, inc.refugee_cash_assistance) if inc is not None else None)
        adult = plan.adult.get(key)
        if adult is None:
            adult = _remember(plan.adult, key, _adult(rec, age, ss, low, cfg))
    else:
        adult = _adult(rec, age, ss, low, cfg)

    # DW reads: work authorization, age against dw_min_age, Selective Service, the dislocation, whether
    # unlikely to return, the veteran's status and discharge (military separation).
    d = rec.dislocation
    emp = rec.employment
    key = (work, min(age, cfg.dw_min_age), ss, vet_status, discharge,
           (d.reason, d.ui_eligible_or_exhausted, d.attached_not_ui_eligible, emp.unlikely_to_return if emp else None)
           if d is not None else None)
    dw = plan.dw.get(key)
    if dw is None:
        dw = _remember(plan.dw, key, _dislocated_worker(rec, age, ss, cfg))

    # Youth reads: work authorization, Selective Service, age, school status, highest level, absence,
    # eight barriers, disability, high-poverty area, and low income (only on the paths that reach it).
    school = edu.school_status if edu is not None else None
    if school is None:
        youth_low: object = _NOT_NEEDED
    elif school.startswith("not_attending"):
        youth_low = low if 16 <= age <= 24 else _NOT_NEEDED
    elif age < 14 or (age > 21 and (school not in SECONDARY_SCHOOL or age > cfg.isy_disability_max_age
                                    or rec.disability is False)):
        youth_low = _NOT_NEEDED
    else:
        youth_low = low
    if youth_low is _NOT_NEEDED or low_shared:
        key = (work, ss, age, school, level, edu.absent_last_school_quarter if edu is not None else None, rec.disability,
               inc.high_poverty_area if inc is not None else None, youth_low,
               (bar.offender, bar.homeless, bar.runaway, bar.foster_care, bar.pregnant_or_parenting,
                bar.basic_skills_deficient, bar.english_language_learner, bar.needs_additional_assistance)
               if bar is not None else None)
        youth = plan.youth.get(key)
        if youth is None:
            youth = _remember(plan.youth, key, _youth(rec, age, ss, low, cfg))
    else:
        youth = _youth(rec, age, ss, low, cfg)

    # JVSG reads: work authorization, the veteran's answers (separation date only against three
    # years before as_of), homeless, released from incarceration, highest level, weeks unemployed
    # (only against 27), age (only within 18-24), and low income: not at all when not a veteran or
    # spouse, and only its value when it fails (the barrier test then says "no significant barrier").
    if vet_status == "none":
        jvsg_low: object = _NOT_NEEDED
    else:
        jvsg_low = False if low.value is False else low
    if jvsg_low is _NOT_NEEDED or jvsg_low is False or low_shared:
        if vet is not None:
            days = vet.active_duty_days
            separated = vet.separation_date
            vet_key: Hashable = (
                vet_status, discharge, days if days is None or days <= 180 else 181, vet.service_connected_disability_discharge,
                vet.disabled_veteran, vet.special_disabled_veteran, vet.transitioning_service_member,
                None if separated is None else separated >= plan.three_years_before)
        else:
            vet_key = None
        weeks = emp.weeks_unemployed if emp is not None else None
        key = (work, vet_key, jvsg_low, level, None if weeks is None else weeks >= 27, age if 18 <= age <= 24 else None,
               (bar.homeless, bar.released_from_incarceration_within_12_months) if bar is not None else None)
        jvsg = plan.jvsg.get(key)
        if jvsg is None:
            jvsg = _remember(plan.jvsg, key, _jvsg(rec, age, low, as_of, cfg))
    else:
        jvsg = _jvsg(rec, age, low, as_of, cfg)

    return EligibilityResult(as_of, cfg.version, low.value, age, (adult, dw, youth, wp, jvsg, taa))


assert PROGRAM_CODES == ("WIOA_ADULT", "WIOA_DW", "WIOA_YOUTH", "WP", "JVSG", "TAA"), "evaluate lists them in this order"
