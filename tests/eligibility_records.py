"""Seeded random seeker records that reach every branch of the eligibility rules.

Every answer the rules read is drawn from its enumeration, ``None`` (not answered) included,
with dates and amounts near the rules' edges (18th birthday + 30 days, three years since
separation, poverty limits ± $1), so that many records share most answers and differ in one.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from jobcenter_tui.domain.record import SeekerRecord, parse_record

AS_OFS = (date(2026, 6, 15), date(2025, 3, 1), date(2024, 2, 29), date(2027, 2, 28), date(2025, 1, 10))
LLSIL_CSV = "region,1,2,3,4,5,6,each_additional\nnortheast-metro,17000,25000,34000,42000,50000,58000,8000\nsmall,9000,9500,10000,11000,12000,13000,0\n"
LIMITS = (15650, 15960, 17000, 17990, 18360, 19550, 19950, 21150, 21640, 25000, 26430, 27050, 34000)


def _maybe(rng: random.Random, values: tuple[Any, ...], none: float = 0.25, quiet: bool = False) -> Any:
    if quiet and any(v is False for v in values):
        return False
    return None if rng.random() < none else rng.choice(values)


def _amount(rng: random.Random, none: float, quiet: bool) -> int | float | None:
    if quiet:
        return 60000
    pick = rng.random()
    if pick < none:
        return None
    if pick < 0.7:
        return rng.choice(LIMITS) + rng.choice((-1, 0, 1))
    if pick < 0.8:
        return float(Decimal(rng.randint(0, 4_000_000)) / 100)
    return rng.choice((0, 5000, 60000, 12345.67))


def _part(rng: random.Random, fields: dict[str, tuple[Any, ...]], absent: float, none: float, quiet: bool) -> dict[str, Any] | None:
    if rng.random() < absent:
        return None
    out = {}
    for name, values in fields.items():
        value = _maybe(rng, values, none, quiet)
        if value is not None:
            out[name] = value
    return out


BOOL = (True, False, False)  # most answers are "no", so the one "yes" that decides is often alone
EDGE_AGES = (13, 14, 15, 16, 17, 18, 21, 22, 23, 24, 25, 26)


def random_record(rng: random.Random, as_of: date) -> dict[str, Any]:
    """One record as the interchange format carries it (a dict for ``parse_record``)."""
    # A quiet record answers every yes/no question "no" and earns well: one changed answer then decides.
    quiet = rng.random() < 0.3
    none = 0.02 if quiet or rng.random() < 0.3 else 0.25  # some records answer (nearly) everything
    kind = rng.random()
    if kind < 0.1:  # around the 18th birthday and its 30-day Selective Service deadline
        born = as_of.replace(year=as_of.year - 18, day=1) - timedelta(days=rng.randint(-40, 70))
    elif kind < 0.15:
        born = rng.choice((date(2004, 2, 29), date(2008, 2, 29), date(1959, 12, 31), date(1960, 1, 1)))
    elif kind < 0.45:  # the ages where a youth rule changes its mind
        born = as_of.replace(year=as_of.year - rng.choice(EDGE_AGES), day=1) - timedelta(days=rng.randint(0, 360))
    else:
        born = as_of - timedelta(days=rng.randint(0, 80 * 366))
    if born > as_of:
        born = as_of
    rec: dict[str, Any] = {"first_name": "Ada", "last_name": "Lee", "date_of_birth": born.isoformat()}
    top = {
        "sex": ("male", "female", "not_disclosed"),
        "sex_assigned_at_birth": ("male", "female"),
        "authorized_to_work": BOOL,
        "disability": BOOL,
        "llsil_region": ("northeast-metro", "small", "nowhere"),
    }
    for name, values in top.items():
        value = _maybe(rng, values, 0.5 if name in ("sex_assigned_at_birth", "llsil_region") else none,
                       quiet and name != "authorized_to_work")
        if value is not None:
            rec[name] = value
    separated = (as_of - timedelta(days=rng.choice((1, 400, 1094, 1095, 1096, 1097, 1500, 3000)))).isoformat()
    parts: dict[str, dict[str, tuple[Any, ...]]] = {
        "address": {"state": ("KS", "AK", "HI", "PR", "NY")},
        "selective_service": {"status": ("registered", "not_registered", "exempt"), "not_knowing_and_willful": BOOL},
        "veteran": {
            "status": ("none", "veteran", "veteran", "eligible_spouse"),
            "active_duty_days": (0, 180, 181, 400),
            "discharge": ("honorable", "general", "other_than_honorable", "bad_conduct", "dishonorable"),
            "service_connected_disability_discharge": BOOL, "disabled_veteran": BOOL, "special_disabled_veteran": BOOL,
            "separation_date": (separated,), "transitioning_service_member": BOOL,
        },
        "education": {
            "highest_level": ("none", "hs_diploma", "hs_equivalency", "certificate_of_attendance_iep", "bachelor"),
            "school_status": ("in_secondary", "in_alternative", "in_postsecondary", "not_attending_dropout",
                              "not_attending_graduate", "not_attending_within_compulsory_age"),
            "absent_last_school_quarter": BOOL,
        },
        "employment": {"weeks_unemployed": (0, 26, 27, 40), "unlikely_to_return": BOOL},
        "dislocation": {
            "reason": ("laid_off", "terminated", "layoff_notice", "plant_closure", "closure_announced_with_date",
                       "closure_announced_no_date", "self_employed_economic", "self_employed_disaster",
                       "displaced_homemaker", "military_spouse_relocation", "military_spouse_underemployed",
                       "military_separation", "quit"),
            "ui_eligible_or_exhausted": BOOL, "attached_not_ui_eligible": BOOL,
        },
        "income": {
            "family_size": (1, 1, 2, 3, 4, 6, 7, 9, 30),
            **{flag: (False, False, False, True) for flag in ("tanf", "snap", "ssi", "general_assistance",
                                                              "refugee_cash_assistance", "free_reduced_lunch",
                                                              "high_poverty_area")},
        },
        "barriers": {flag: (False, False, True) for flag in (
            "homeless", "runaway", "foster_care", "offender", "released_from_incarceration_within_12_months",
            "pregnant_or_parenting", "basic_skills_deficient", "english_language_learner", "needs_additional_assistance")},
        "taa": {"petition_number": ("TA-W-12345", " ", "TA-W-777"), "certified": BOOL},
    }
    for name, fields in parts.items():
        part = _part(rng, fields, 0.5 if name in ("dislocation", "taa", "selective_service") else none, none, quiet)
        if part is None:
            continue
        if name == "income":
            for money in ("annual_family_income", "annual_individual_income"):
                value = _amount(rng, none, quiet)
                if value is not None:
                    part[money] = value
        rec[name] = part
    return rec


def random_records(seed: int, count: int, as_of: date) -> list[SeekerRecord]:
    rng = random.Random(seed)
    return [parse_record(random_record(rng, as_of), None) for _ in range(count)]
