"""The eligibility rules, table-driven: every rule and boundary of eligibility.md."""

from __future__ import annotations

import copy
import json
from datetime import date
from importlib.resources import files
from typing import Any

import pytest

from jobcenter_tui.domain.eligibility import build_config, evaluate, parse_llsil_csv
from jobcenter_tui.domain.eligibility.config import ConfigError
from jobcenter_tui.domain.eligibility.rules import age_on, anniversary
from jobcenter_tui.domain.record import parse_record

AS_OF = date(2026, 6, 15)
DATA = json.loads(files("jobcenter_tui.data").joinpath("eligibility.json").read_text())
CFG = build_config(DATA)
LLSIL = parse_llsil_csv("region,1,2,3,4,5,6,each_additional\nnortheast-metro,17000,25000,34000,42000,50000,58000,8000\n")
CFG_LLSIL = build_config(DATA, llsil=LLSIL)

NO_BARRIERS = {k: False for k in (
    "homeless", "runaway", "foster_care", "offender", "released_from_incarceration_within_12_months",
    "pregnant_or_parenting", "basic_skills_deficient", "english_language_learner", "needs_additional_assistance",
    "single_parent", "cultural_barriers", "migrant_seasonal_farmworker")}

BASE: dict[str, Any] = {
    "first_name": "Test", "last_name": "Seeker", "date_of_birth": "1980-03-01", "sex": "female",
    "authorized_to_work": True, "disability": False,
    "address": {"state": "KS", "zip": "66603"},
    "veteran": {"status": "none"},
    "education": {"highest_level": "hs_diploma", "school_status": "not_attending_graduate"},
    "employment": {"status": "unemployed", "weeks_unemployed": 4},
    "income": {"family_size": 4, "annual_family_income": 60000, "annual_individual_income": 60000,
               "tanf": False, "snap": False, "ssi": False, "general_assistance": False,
               "refugee_cash_assistance": False, "free_reduced_lunch": False, "high_poverty_area": False},
    "barriers": NO_BARRIERS,
}


def record(**changes: Any) -> dict[str, Any]:
    """BASE with changes; a dotted key sets one nested field, the value None removes it."""
    out = copy.deepcopy(BASE)
    for key, value in changes.items():
        parts = key.split("__")
        target = out
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        if value is None:
            target.pop(parts[-1], None)
        else:
            target[parts[-1]] = value
    return out


def run(rec: dict[str, Any], as_of: date = AS_OF, cfg=CFG):  # type: ignore[no-untyped-def]
    return evaluate(parse_record(json.dumps(rec), None), as_of, cfg)


def status(rec: dict[str, Any], program: str, as_of: date = AS_OF, cfg=CFG) -> str:  # type: ignore[no-untyped-def]
    return run(rec, as_of, cfg).program(program).status


# --- worked cases of the spec (as_of 2026-06-15) ----------------------------------------------------

def test_case_1_youth_tanf_needs_assistance() -> None:
    rec = record(date_of_birth="2008-06-15", income__tanf=True, barriers__needs_additional_assistance=True)
    result = run(rec)
    assert result.age == 18
    adult = result.program("WIOA_ADULT")
    assert adult.status == "eligible" and adult.priority_of_service == 2
    youth = result.program("WIOA_YOUTH")
    assert youth.status == "eligible" and youth.category == "OSY"
    assert result.program("WP").status == "eligible"


def test_case_2_born_1959_selective_service_does_not_apply() -> None:
    rec = record(sex="male", date_of_birth="1959-12-31", selective_service={"status": "not_registered"},
                 dislocation={"reason": "plant_closure"})
    assert status(rec, "WIOA_ADULT") == "eligible"
    assert status(rec, "WIOA_DW") == "eligible"


def test_case_3_born_1960_never_registered_no_finding() -> None:
    rec = record(sex="male", date_of_birth="1960-01-01",
                 selective_service={"status": "not_registered", "not_knowing_and_willful": False},
                 dislocation={"reason": "plant_closure"})
    result = run(rec)
    assert result.program("WIOA_ADULT").status == "ineligible"
    assert result.program("WIOA_DW").status == "ineligible"
    assert "no finding that the failure to register was not knowing and willful" in result.program("WIOA_DW").reasons
    assert result.program("WP").status == "eligible"


def test_case_4_income_equal_to_the_limit_is_low_income() -> None:
    result = run(record(income__annual_family_income=33000))
    assert result.low_income is True
    assert result.program("WIOA_ADULT").priority_of_service == 2


def test_case_5_one_dollar_over_is_not() -> None:
    result = run(record(income__annual_family_income=33001))
    assert result.low_income is False
    assert result.program("WIOA_ADULT").priority_of_service == 5
    adult_reasons = " ".join(run(record(income__annual_family_income=33001, income__snap=None)).program("WIOA_ADULT").reasons)
    assert adult_reasons == ""  # the explanation lives in the low-income fact, not the adult status
    from jobcenter_tui.domain.eligibility import low_income

    fact = low_income(parse_record(json.dumps(record(income__annual_family_income=33001)), None), AS_OF, CFG)
    assert "Family income $33,001 is over the $33,000 low-income limit for a family of 4 (HHS 2026)" in fact.reasons


def test_case_6_not_authorized_to_work_nothing() -> None:
    rec = record(authorized_to_work=False, dislocation={"reason": "plant_closure"}, taa={"certified": True, "petition_number": "TA-W-1"},
                 veteran={"status": "eligible_spouse"}, barriers__homeless=True, date_of_birth="2005-01-01",
                 education__school_status="not_attending_dropout")
    result = run(rec)
    assert [p.status for p in result.programs] == ["ineligible"] * 6
    assert all("not authorized to work in the US" in p.reasons for p in result.programs)


def test_work_authorization_switch() -> None:
    cfg = build_config(DATA, switches={"work_authorization_required": {"WP": False}})
    rec = record(authorized_to_work=False)
    assert status(rec, "WP", cfg=cfg) == "eligible" and status(rec, "WIOA_ADULT", cfg=cfg) == "ineligible"
    assert status(record(authorized_to_work=None), "WP") == "needs_information"


# --- age ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("born", "as_of", "age"),
    [
        ("2008-06-15", "2026-06-15", 18), ("2008-06-16", "2026-06-15", 17), ("2008-06-14", "2026-06-15", 18),
        ("2008-02-29", "2026-02-28", 18), ("2008-02-29", "2026-02-27", 17), ("2008-02-29", "2028-02-28", 19),
        ("2008-02-29", "2028-02-29", 20), ("1979-04-02", "2026-06-15", 47),
    ],
)
def test_age_counts_the_birthday(born: str, as_of: str, age: int) -> None:
    assert age_on(date.fromisoformat(born), date.fromisoformat(as_of)) == age


def test_adult_age_boundary() -> None:
    assert status(record(date_of_birth="2008-06-15"), "WIOA_ADULT") == "eligible"
    result = run(record(date_of_birth="2008-06-16"))
    assert result.program("WIOA_ADULT").status == "ineligible" and "age 17 is under 18" in result.program("WIOA_ADULT").reasons


@pytest.mark.parametrize(("born", "expected"), [("2012-06-15", "eligible"), ("2012-06-16", "ineligible")])
def test_wp_minimum_age(born: str, expected: str) -> None:
    assert status(record(date_of_birth=born), "WP") == expected


def test_dw_min_age_is_configurable() -> None:
    rec = record(date_of_birth="2009-06-15", dislocation={"reason": "plant_closure"})
    assert status(rec, "WIOA_DW") == "ineligible"
    assert status(rec, "WIOA_DW", cfg=build_config(DATA, switches={"dw_min_age": 16})) == "eligible"


# --- Selective Service ----------------------------------------------------------------------------

MALE = {"sex": "male"}


@pytest.mark.parametrize(
    ("born", "ss", "expected", "reason"),
    [
        ("2008-05-16", {"status": "not_registered"}, "eligible", "must register with Selective Service by 2026-06-15"),
        ("2008-05-15", {"status": "not_registered"}, "ineligible", "must register with Selective Service"),
        ("2001-01-01", {"status": "not_registered", "not_knowing_and_willful": True}, "ineligible", "must register with Selective Service"),
        ("2000-06-15", {"status": "not_registered"}, "needs_information", ""),  # finding absent: asked (rules 2026.2)
        ("2000-06-15", {"status": "not_registered", "not_knowing_and_willful": False}, "ineligible", "no finding"),
        ("2000-06-15", {"status": "not_registered", "not_knowing_and_willful": True}, "eligible", "documented finding"),
        ("2000-06-15", {"status": "registered"}, "eligible", ""),
        ("2000-06-15", {"status": "exempt"}, "eligible", ""),
        ("2008-06-16", {"status": "not_registered"}, "eligible", ""),  # 17: does not apply yet (adult fails on age only)
    ],
)
def test_selective_service(born: str, ss: dict, expected: str, reason: str) -> None:
    rec = record(date_of_birth=born, selective_service=ss, dislocation={"reason": "plant_closure"}, dw_min_age=None, **MALE)
    dw = run(rec, cfg=build_config(DATA, switches={"dw_min_age": 16})).program("WIOA_DW")
    assert dw.status == expected, dw
    assert any(reason in r for r in dw.reasons) or not reason


def test_selective_service_missing_answers() -> None:
    no_status = run(record(date_of_birth="1990-01-01", **MALE)).program("WIOA_ADULT")
    assert no_status.status == "needs_information" and no_status.missing == ("selective_service.status",)
    undisclosed = run(record(date_of_birth="1990-01-01", sex="not_disclosed")).program("WIOA_ADULT")
    assert undisclosed.missing == ("sex_assigned_at_birth",)
    at_birth = record(date_of_birth="1990-01-01", sex="female", sex_assigned_at_birth="male",
                      selective_service={"status": "not_registered", "not_knowing_and_willful": False})
    assert status(at_birth, "WIOA_ADULT") == "ineligible"
    assert status(record(date_of_birth="1990-01-01", sex="male", sex_assigned_at_birth="female"), "WIOA_ADULT") == "eligible"


def test_selective_service_not_for_wp_jvsg_taa() -> None:
    rec = record(date_of_birth="2000-01-01", sex="male", selective_service={"status": "not_registered", "not_knowing_and_willful": False},
                 taa={"certified": True, "petition_number": "TA-W-99001"},
                 veteran={"status": "veteran", "active_duty_days": 400, "discharge": "honorable", "disabled_veteran": True})
    result = run(rec)
    assert result.program("WIOA_ADULT").status == "ineligible"
    assert (result.program("WP").status, result.program("JVSG").status, result.program("TAA").status) == ("eligible",) * 3


# --- low income -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("changes", "as_of", "expected"),
    [
        ({"income__family_size": 10, "income__annual_family_income": 67080}, AS_OF, True),  # 55,720 + 2 x 5,680
        ({"income__family_size": 10, "income__annual_family_income": 67081}, AS_OF, False),
        ({"income__family_size": 1, "income__annual_family_income": 15960}, AS_OF, True),
        ({"address__state": "AK", "income__family_size": 4, "income__annual_family_income": 41250}, AS_OF, True),
        ({"address__state": "AK", "income__family_size": 4, "income__annual_family_income": 41251}, AS_OF, False),
        ({"address__state": "HI", "income__family_size": 2, "income__annual_family_income": 24890}, AS_OF, True),
        ({"address__state": "HI", "income__family_size": 2, "income__annual_family_income": 24891}, AS_OF, False),
        ({"address__state": "AK", "income__family_size": 9, "income__annual_family_income": 76750}, AS_OF, True),
        # the 2025 table until 2026-01-12, the 2026 table from 2026-01-13
        ({"income__annual_family_income": 32150}, date(2026, 1, 12), True),
        ({"income__annual_family_income": 32151}, date(2026, 1, 12), False),
        ({"income__annual_family_income": 32151}, date(2026, 1, 13), True),
        ({"income__annual_family_income": 32150}, date(2025, 1, 15), True),
        ({"income__tanf": True}, AS_OF, True),
        ({"income__snap": True}, AS_OF, True),
        ({"income__ssi": True}, AS_OF, True),
        ({"income__general_assistance": True}, AS_OF, True),
        ({"income__refugee_cash_assistance": True}, AS_OF, True),
        ({"income__free_reduced_lunch": True}, AS_OF, True),
        ({"barriers__homeless": True}, AS_OF, True),
        ({"barriers__foster_care": True}, AS_OF, True),
        ({"income__high_poverty_area": True}, AS_OF, False),  # youth only
        ({"disability": True, "income__annual_individual_income": 15960}, AS_OF, True),
        ({"disability": True, "income__annual_individual_income": 15961}, AS_OF, False),
        ({"income__snap": None}, AS_OF, None),
        ({"income__annual_family_income": None}, AS_OF, None),
        ({"income__annual_family_income": None, "income__snap": True}, AS_OF, True),
        ({"disability": True, "income__annual_individual_income": None}, AS_OF, None),
    ],
)
def test_low_income(changes: dict, as_of: date, expected: bool | None) -> None:
    assert run(record(**changes), as_of).low_income is expected


def test_no_poverty_table_before_2025_01_15() -> None:
    result = run(record(date_of_birth="2005-01-01", education__school_status="in_secondary",
                        barriers__basic_skills_deficient=True), date(2025, 1, 14))
    assert result.low_income is None
    youth = result.program("WIOA_YOUTH")
    assert youth.status == "needs_information"
    assert any("no poverty guideline table is configured for 2025-01-14" in r for r in youth.reasons)


def test_llsil_higher_than_hhs_applies_for_its_region() -> None:
    rec = record(llsil_region="northeast-metro", income__annual_family_income=42000)
    assert run(rec, cfg=CFG_LLSIL).low_income is True  # LLSIL 42,000 > HHS 33,000
    assert run(record(llsil_region="northeast-metro", income__annual_family_income=42001), cfg=CFG_LLSIL).low_income is False
    assert run(rec, cfg=CFG).low_income is False  # no LLSIL table configured: HHS only
    bigger = record(llsil_region="northeast-metro", income__family_size=8, income__annual_family_income=74000)
    assert run(bigger, cfg=CFG_LLSIL).low_income is True  # 58,000 + 2 x 8,000
    from jobcenter_tui.domain.eligibility import low_income

    fact = low_income(parse_record(json.dumps(rec), None), AS_OF, CFG_LLSIL)
    assert "LLSIL 70%, northeast-metro" in fact.reasons[0]


def test_llsil_file_errors_name_the_line() -> None:
    with pytest.raises(ConfigError) as exc:
        parse_llsil_csv("region,1,2\nmetro,100,abc\nrural,300,200\nmetro,1,2\nshort,1\n")
    text = str(exc.value)
    assert "line 2" in text and "line 3" in text and "line 4" in text and "line 5" in text
    with pytest.raises(ConfigError):
        parse_llsil_csv("place,1,2\nx,1,2\n")


# --- priority of service --------------------------------------------------------------------------

VETERAN = {"status": "veteran", "active_duty_days": 400, "discharge": "honorable"}


@pytest.mark.parametrize(
    ("changes", "priority"),
    [
        ({"veteran": VETERAN, "income__snap": True}, 1),
        ({"veteran": VETERAN, "barriers__basic_skills_deficient": True}, 1),
        ({"veteran": {"status": "veteran", "active_duty_days": 10, "discharge": "general"}, "income__tanf": True}, 1),
        ({"income__snap": True}, 2),
        ({"barriers__basic_skills_deficient": True}, 2),
        ({"veteran": VETERAN}, 3),
        ({"veteran": {"status": "eligible_spouse"}}, 3),
        ({"veteran": {"status": "veteran", "discharge": "dishonorable"}, "income__snap": True}, 2),
        ({}, 5),
        ({"veteran": None}, None),
        ({"income__snap": None}, None),
        ({"veteran": None, "income__snap": True}, None),
    ],
)
def test_priority_of_service(changes: dict, priority: int | None) -> None:
    adult = run(record(**changes)).program("WIOA_ADULT")
    assert adult.priority_of_service == priority
    assert adult.status == "eligible"  # priority never changes the status


# --- dislocated worker ----------------------------------------------------------------------------

QUALIFY = {"ui_eligible_or_exhausted": True}


@pytest.mark.parametrize(
    ("dislocation", "extra", "expected", "limitation"),
    [
        ({"reason": "laid_off", **QUALIFY}, {"employment__unlikely_to_return": True}, "eligible", None),
        ({"reason": "terminated", "attached_not_ui_eligible": True}, {"employment__unlikely_to_return": True}, "eligible", None),
        ({"reason": "layoff_notice", **QUALIFY}, {"employment__unlikely_to_return": True}, "eligible", None),
        ({"reason": "laid_off", **QUALIFY}, {"employment__unlikely_to_return": False}, "ineligible", None),
        ({"reason": "laid_off", "ui_eligible_or_exhausted": False, "attached_not_ui_eligible": False},
         {"employment__unlikely_to_return": True}, "ineligible", None),
        ({"reason": "laid_off", **QUALIFY}, {}, "needs_information", None),
        ({"reason": "laid_off"}, {"employment__unlikely_to_return": True}, "needs_information", None),
        ({"reason": "plant_closure"}, {}, "eligible", None),
        ({"reason": "closure_announced_with_date"}, {}, "eligible", None),
        ({"reason": "closure_announced_no_date"}, {}, "eligible", "basic_career_services_only"),
        ({"reason": "self_employed_economic"}, {}, "eligible", None),
        ({"reason": "self_employed_disaster"}, {}, "eligible", None),
        ({"reason": "displaced_homemaker"}, {}, "eligible", None),
        ({"reason": "military_spouse_relocation"}, {}, "eligible", None),
        ({"reason": "military_spouse_underemployed"}, {}, "eligible", None),
        ({"reason": "military_separation"}, {"veteran": VETERAN}, "eligible", None),
        ({"reason": "military_separation"}, {"veteran": {"status": "veteran", "discharge": "bad_conduct"}}, "eligible", None),
        ({"reason": "military_separation"}, {"veteran": {"status": "veteran", "discharge": "dishonorable"}}, "ineligible", None),
        ({"reason": "military_separation"}, {"veteran": {"status": "veteran"}}, "needs_information", None),
        ({"reason": "quit"}, {}, "ineligible", None),
        ({}, {}, "needs_information", None),
    ],
)
def test_dislocation_reasons(dislocation: dict, extra: dict, expected: str, limitation: str | None) -> None:
    dw = run(record(dislocation=dislocation, **extra)).program("WIOA_DW")
    assert dw.status == expected, dw
    assert (limitation in dw.limitations) if limitation else dw.limitations == ()


def test_not_dislocated_reason() -> None:
    dw = run(record()).program("WIOA_DW")
    assert dw.status == "ineligible" and dw.reasons == ("not dislocated",)


def test_closure_without_date_output_carries_the_limitation() -> None:
    out = run(record(dislocation={"reason": "closure_announced_no_date"})).as_json()
    dw = out["programs"][1]
    assert dw["program"] == "WIOA_DW" and dw["limitations"] == ["basic_career_services_only"]


# --- youth ----------------------------------------------------------------------------------------

YOUNG = "2006-01-01"  # 20 on AS_OF


@pytest.mark.parametrize(
    ("changes", "expected", "category"),
    [
        ({"education__school_status": "not_attending_dropout"}, "eligible", "OSY"),
        ({"education__school_status": "not_attending_within_compulsory_age", "education__absent_last_school_quarter": True}, "eligible", "OSY"),
        ({"education__school_status": "not_attending_within_compulsory_age", "education__absent_last_school_quarter": False}, "ineligible", None),
        ({"barriers__offender": True}, "eligible", "OSY"),
        ({"barriers__runaway": True}, "eligible", "OSY"),
        ({"barriers__pregnant_or_parenting": True}, "eligible", "OSY"),
        ({"disability": True}, "eligible", "OSY"),
        # diploma + low income + BSD/ELL
        ({"barriers__basic_skills_deficient": True, "income__snap": True}, "eligible", "OSY"),
        ({"barriers__english_language_learner": True, "income__high_poverty_area": True}, "eligible", "OSY"),
        ({"barriers__basic_skills_deficient": True}, "ineligible", None),  # not low income
        # low income + needs additional assistance
        ({"barriers__needs_additional_assistance": True, "income__annual_family_income": 20000}, "eligible", "OSY"),
        ({"barriers__needs_additional_assistance": True}, "ineligible", None),
        ({}, "ineligible", None),
        # in school: low income and a barrier
        ({"education__school_status": "in_secondary", "income__free_reduced_lunch": True, "barriers__basic_skills_deficient": True}, "eligible", "ISY"),
        ({"education__school_status": "in_secondary", "barriers__basic_skills_deficient": True}, "ineligible", None),
        ({"education__school_status": "in_postsecondary", "income__snap": True}, "ineligible", None),
        ({"education__school_status": "in_alternative", "income__snap": True, "barriers__needs_additional_assistance": True}, "eligible", "ISY"),
        ({"education__school_status": None}, "needs_information", None),
    ],
)
def test_youth_categories(changes: dict, expected: str, category: str | None) -> None:
    youth = run(record(date_of_birth=YOUNG, **changes)).program("WIOA_YOUTH")
    assert (youth.status, youth.category) == (expected, category), youth


@pytest.mark.parametrize(
    ("born", "school", "disability", "expected"),
    [
        ("2002-06-15", "not_attending_dropout", False, "eligible"),    # 24
        ("2001-06-15", "not_attending_dropout", False, "ineligible"),  # 25
        ("2010-06-15", "not_attending_dropout", False, "eligible"),    # 16
        ("2010-06-16", "not_attending_dropout", False, "ineligible"),  # 15
        ("2004-06-15", "in_secondary", False, "ineligible"),           # 22
        ("2004-06-16", "in_secondary", False, "eligible"),             # 21
        ("2000-06-15", "in_secondary", True, "ineligible"),            # 26 with a disability: over isy_disability_max_age 21
        ("2012-06-15", "in_secondary", False, "eligible"),             # 14
        ("2012-06-16", "in_secondary", False, "ineligible"),           # 13
    ],
)
def test_youth_ages(born: str, school: str, disability: bool, expected: str) -> None:
    rec = record(date_of_birth=born, education__school_status=school, disability=disability,
                 income__snap=True, barriers__basic_skills_deficient=True, sex="female")
    assert run(rec).program("WIOA_YOUTH").status == expected


def test_youth_over_24_reason() -> None:
    youth = run(record()).program("WIOA_YOUTH")
    assert youth.status == "ineligible" and "age 46 is over 24" in youth.reasons


# --- JVSG -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("veteran", "extra", "expected"),
    [
        ({"status": "veteran", "active_duty_days": 181, "discharge": "honorable", "disabled_veteran": True}, {}, "eligible"),
        ({"status": "veteran", "active_duty_days": 180, "discharge": "honorable", "disabled_veteran": True,
          "service_connected_disability_discharge": False}, {}, "ineligible"),
        ({"status": "veteran", "active_duty_days": 30, "service_connected_disability_discharge": True, "disabled_veteran": True}, {}, "eligible"),
        ({"status": "veteran", "active_duty_days": 400, "discharge": "dishonorable", "disabled_veteran": True,
          "service_connected_disability_discharge": False}, {}, "ineligible"),
        ({"status": "eligible_spouse"}, {"barriers__homeless": True}, "eligible"),
        ({"status": "veteran", "active_duty_days": 400, "discharge": "honorable"}, {"income__snap": True}, "eligible"),
        ({"status": "veteran", "active_duty_days": 400, "discharge": "honorable"}, {"education__highest_level": "none"}, "eligible"),
        ({"status": "veteran", "active_duty_days": 400, "discharge": "honorable", "transitioning_service_member": True}, {}, "eligible"),
        ({"status": "veteran", "active_duty_days": 400, "discharge": "honorable", "separation_date": "2024-01-01"},
         {"employment__weeks_unemployed": 27}, "eligible"),
        ({"status": "veteran", "active_duty_days": 400, "discharge": "honorable", "separation_date": "2024-01-01"},
         {"employment__weeks_unemployed": 26}, "needs_information"),
        ({"status": "veteran", "active_duty_days": 400, "discharge": "honorable"}, {"date_of_birth": "2004-01-01"}, "eligible"),
        ({"status": "veteran", "active_duty_days": 400, "discharge": "honorable", "disabled_veteran": False,
          "special_disabled_veteran": False, "transitioning_service_member": False, "separation_date": "2010-01-01"}, {}, "ineligible"),
        ({"status": "none"}, {"barriers__homeless": True}, "ineligible"),
    ],
)
def test_jvsg(veteran: dict, extra: dict, expected: str) -> None:
    jvsg = run(record(veteran=veteran, **extra)).program("JVSG")
    assert jvsg.status == expected, jvsg


def test_jvsg_no_barrier_reason() -> None:
    vet = {"status": "veteran", "active_duty_days": 400, "discharge": "honorable", "disabled_veteran": False,
           "special_disabled_veteran": False, "transitioning_service_member": False, "separation_date": "2010-01-01"}
    assert run(record(veteran=vet)).program("JVSG").reasons == ("no significant barrier to employment",)


# --- TAA ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("taa", "expected"),
    [
        ({"certified": True, "petition_number": "TA-W-98765"}, "eligible"),
        ({"certified": False, "petition_number": "TA-W-98765"}, "ineligible"),
        ({"certified": True}, "needs_information"),
        ({"petition_number": "TA-W-98765"}, "needs_information"),
        (None, "ineligible"),
    ],
)
def test_taa(taa: dict | None, expected: str) -> None:
    rec = record(taa=taa) if taa is not None else record()
    assert status(rec, "TAA") == expected


# --- missing answers and failure beats missing ----------------------------------------------------

def test_missing_answers_are_named() -> None:
    bare = {"first_name": "A", "last_name": "B", "date_of_birth": "1990-01-01"}
    result = run(bare)
    wp = result.program("WP")
    assert wp.status == "needs_information" and wp.missing == ("authorized_to_work",)
    adult = result.program("WIOA_ADULT")
    assert set(adult.missing) == {"authorized_to_work", "sex_assigned_at_birth"}
    assert result.program("JVSG").missing[:2] == ("authorized_to_work", "veteran.status")
    assert result.low_income is None


def test_failure_beats_missing() -> None:
    rec = {"first_name": "A", "last_name": "B", "date_of_birth": "2015-01-01"}  # 11: too young for WP, answers missing
    wp = run(rec).program("WP")
    assert wp.status == "ineligible" and wp.missing == () and "age 11 is under 14" in wp.reasons
    taa = run({"first_name": "A", "last_name": "B", "date_of_birth": "1990-01-01"}).program("TAA")
    assert taa.status == "ineligible"  # no petition fails even with authorized_to_work missing


def test_output_shape() -> None:
    out = run(record()).as_json()
    assert list(out) == ["as_of", "rules_version", "low_income", "age", "programs"]
    assert [p["program"] for p in out["programs"]] == ["WIOA_ADULT", "WIOA_DW", "WIOA_YOUTH", "WP", "JVSG", "TAA"]
    assert "priority_of_service" in out["programs"][0] and out["programs"][2]["category"] is None
    assert out["rules_version"] == CFG.version and out["rules_version"].startswith("2026.2+")


def test_rules_version_changes_with_the_tables() -> None:
    assert CFG_LLSIL.version != CFG.version
    assert build_config(DATA).version == CFG.version


def test_anniversary_leap_day() -> None:
    assert anniversary(date(2008, 2, 29), 2026) == date(2026, 2, 28)
    assert anniversary(date(2008, 2, 29), 2028) == date(2028, 2, 29)
