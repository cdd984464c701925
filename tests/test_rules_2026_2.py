"""Rules revision 2026.2 (eligibility.md, last section): one table of cases per change.

Each table holds the spec's own example and the boundaries around it; every one of them gave a
different answer under rules 2026.1.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jobcenter_tui.cli import app
from jobcenter_tui.domain.eligibility import build_config
from jobcenter_tui.domain.eligibility.config import ConfigError
from jobcenter_tui.domain.record import RecordInvalid, parse_record
from tests.test_eligibility_rules import AS_OF, CFG, DATA, LLSIL, record, run

runner = CliRunner()


def isy_max(age: int):  # type: ignore[no-untyped-def]
    """The configuration with ``isy_disability_max_age`` set (built per test, so a bad switch fails one test)."""
    return build_config(DATA, switches={"isy_disability_max_age": age})


def test_rules_version_is_2026_2() -> None:
    assert run(record()).rules_version.startswith("2026.2")


# --- 1. only a dishonorable discharge disqualifies ------------------------------------------------

SERVED = {"status": "veteran", "active_duty_days": 400}


@pytest.mark.parametrize(
    ("changes", "program", "expected", "priority", "reason"),
    [
        # eligible veteran (38 USC 4211): bad conduct qualifies, dishonorable does not
        ({"veteran": {**SERVED, "discharge": "bad_conduct", "disabled_veteran": True,
                      "service_connected_disability_discharge": False}}, "JVSG", "eligible", None, "disabled veteran"),
        ({"veteran": {**SERVED, "discharge": "dishonorable", "disabled_veteran": True,
                      "service_connected_disability_discharge": False}}, "JVSG", "ineligible", None,
         "a dishonorable discharge does not qualify"),
        # veteran for priority of service
        ({"veteran": {**SERVED, "discharge": "bad_conduct"}, "income__snap": True}, "WIOA_ADULT", "eligible", 1, "veteran"),
        ({"veteran": {**SERVED, "discharge": "bad_conduct"}}, "WIOA_ADULT", "eligible", 3, "veteran"),
        ({"veteran": {**SERVED, "discharge": "dishonorable"}, "income__snap": True}, "WIOA_ADULT", "eligible", 2, ""),
        # military separation as a dislocation
        ({"veteran": {**SERVED, "discharge": "bad_conduct"}, "dislocation": {"reason": "military_separation"}},
         "WIOA_DW", "eligible", None, "separated from the military"),
        ({"veteran": {**SERVED, "discharge": "dishonorable"}, "dislocation": {"reason": "military_separation"}},
         "WIOA_DW", "ineligible", None, "dishonorable discharge does not qualify"),
    ],
)
def test_bad_conduct_discharge_qualifies(changes: dict[str, Any], program: str, expected: str, priority: int | None,
                                         reason: str) -> None:
    result = run(record(**changes)).program(program)
    assert result.status == expected, result
    if program == "WIOA_ADULT":
        assert result.priority_of_service == priority
    assert not reason or any(reason in r for r in result.reasons), result.reasons
    assert not any("bad-conduct" in r or "bad conduct" in r for r in result.reasons)


# --- 2. in-school youth over 21 with a disability: secondary school, up to isy_disability_max_age --

ISY_READY = {"disability": True, "income__snap": True, "barriers__basic_skills_deficient": True, "sex": "female"}


@pytest.mark.parametrize(
    ("born", "school", "disability", "max_age", "expected", "reason", "missing"),
    [
        # the spec's example: 45 with a disability is over 24 whatever the school status
        ("1981-01-01", "in_secondary", True, 21, "ineligible", "age 45 is over 24", ()),
        ("1981-01-01", "in_alternative", True, 21, "ineligible", "age 45 is over 24", ()),
        ("1981-01-01", "in_postsecondary", True, 21, "ineligible", "age 45 is over 24", ()),
        ("1981-01-01", "not_attending_graduate", True, 21, "ineligible", "age 45 is over 24", ()),
        ("1981-01-01", None, True, 21, "ineligible", "age 45 is over 24", ()),
        ("1981-01-01", None, None, 21, "ineligible", "age 45 is over 24", ()),
        ("1981-01-01", "in_secondary", True, 30, "ineligible", "age 45 is over 24", ()),
        # default 21: no extension
        ("2004-06-15", "in_secondary", True, 21, "ineligible", "age 22 is over 21 (in-school youth)", ()),
        ("2000-06-15", "in_secondary", True, 21, "ineligible", "age 26 is over 24", ()),
        ("2004-06-16", "in_secondary", True, 21, "eligible", "", ()),  # 21
        # a state that serves students with a disability to 22
        ("2004-06-15", "in_secondary", True, 22, "eligible", "has a disability and attends secondary school", ()),
        ("2004-06-15", "in_alternative", True, 22, "eligible", "", ()),
        ("2004-06-15", "in_postsecondary", True, 22, "ineligible", "age 22 is over 21 (in-school youth)", ()),
        ("2004-06-15", "in_secondary", False, 22, "ineligible", "age 22 is over 21 (in-school youth)", ()),
        ("2004-06-15", "in_secondary", None, 22, "needs_information", "", ("disability",)),
        ("2003-06-15", "in_secondary", True, 22, "ineligible", "age 23 is over 21 (in-school youth)", ()),
        # a state that serves them to 26
        ("2000-06-15", "in_secondary", True, 26, "eligible", "", ()),
        ("1999-06-15", "in_secondary", True, 26, "ineligible", "age 27 is over 24", ()),
        ("2001-06-15", None, None, 26, "needs_information", "", ("disability", "education.school_status")),
    ],
)
def test_in_school_youth_disability_extension(born: str, school: str | None, disability: bool | None, max_age: int,
                                              expected: str, reason: str, missing: tuple[str, ...]) -> None:
    rec = record(date_of_birth=born, **{**ISY_READY, "disability": disability, "education__school_status": school})
    youth = run(rec, cfg=isy_max(max_age)).program("WIOA_YOUTH")
    assert youth.status == expected, youth
    assert youth.category == ("ISY" if expected == "eligible" else None)
    assert not reason or any(reason in r for r in youth.reasons), youth.reasons
    assert set(youth.missing) == set(missing)


@pytest.mark.parametrize(("value", "ok"), [(21, True), (22, True), (26, True), (20, False), (0, False), ("22", False),
                                          (True, False)])
def test_isy_disability_max_age_switch(value: Any, ok: bool) -> None:
    assert CFG.isy_disability_max_age == 21
    if ok:
        cfg = build_config(DATA, switches={"isy_disability_max_age": value})
        assert cfg.isy_disability_max_age == value
        assert (cfg.version == CFG.version) == (value == 21)  # part of the rules version
    else:
        with pytest.raises(ConfigError) as exc:
            build_config(DATA, switches={"isy_disability_max_age": value})
        assert "isy_disability_max_age" in str(exc.value)


def test_isy_disability_max_age_from_the_command_line(empty_home: Path) -> None:
    assert json.loads(runner.invoke(app, ["config", "show"]).stdout)["switches"]["isy_disability_max_age"] == 21
    assert runner.invoke(app, ["config", "set", "isy_disability_max_age", "22"]).exit_code == 0
    assert json.loads(runner.invoke(app, ["config", "show"]).stdout)["switches"]["isy_disability_max_age"] == 22
    rec = record(date_of_birth="2004-06-15", education__school_status="in_secondary", **ISY_READY)
    out = json.loads(runner.invoke(app, ["eligibility", "check", "--as-of", AS_OF.isoformat(), "--json"],
                                   input=json.dumps(rec)).stdout)
    assert out["programs"][2]["status"] == "eligible" and out["programs"][2]["category"] == "ISY"
    refused = runner.invoke(app, ["config", "set", "isy_disability_max_age", "20"])
    assert refused.exit_code == 2 and "isy_disability_max_age" in refused.stderr


# --- 3. Selective Service: a man 26+ not registered, finding absent -> asked -------------------------

@pytest.mark.parametrize(
    ("born", "ss", "expected", "missing", "reason"),
    [
        ("2000-06-15", {"status": "not_registered"}, "needs_information", ("selective_service.not_knowing_and_willful",), ""),
        ("1960-01-01", {"status": "not_registered"}, "needs_information", ("selective_service.not_knowing_and_willful",), ""),
        ("2000-06-15", {"status": "not_registered", "not_knowing_and_willful": False}, "ineligible", (),
         "no finding that the failure to register was not knowing and willful"),
        ("2000-06-15", {"status": "not_registered", "not_knowing_and_willful": True}, "eligible", (), "documented finding"),
        ("2000-06-16", {"status": "not_registered"}, "ineligible", (), "must register with Selective Service"),  # 25
    ],
)
def test_selective_service_finding_absent_is_asked(born: str, ss: dict[str, Any], expected: str,
                                                   missing: tuple[str, ...], reason: str) -> None:
    result = run(record(date_of_birth=born, sex="male", selective_service=ss, dislocation={"reason": "plant_closure"}))
    for program in ("WIOA_ADULT", "WIOA_DW"):
        answer = result.program(program)
        assert (answer.status, answer.missing) == (expected, missing), answer
        assert not reason or any(reason in r for r in answer.reasons), answer.reasons
    assert result.program("WP").status == "eligible"


def test_selective_service_finding_absent_failure_still_beats_missing() -> None:
    rec = record(date_of_birth="2000-06-15", sex="male", selective_service={"status": "not_registered"}, authorized_to_work=False)
    assert run(rec).program("WIOA_ADULT").status == "ineligible"


# --- 4. an eligible spouse: veteran-only answers are never missing and never count -------------------

VETERAN_ONLY = ("veteran.active_duty_days", "veteran.discharge", "veteran.service_connected_disability_discharge",
                "veteran.disabled_veteran", "veteran.special_disabled_veteran", "veteran.separation_date",
                "veteran.transitioning_service_member")
SPOUSE = {"status": "eligible_spouse"}


@pytest.mark.parametrize(
    ("changes", "program", "expected", "reason"),
    [
        ({}, "JVSG", "ineligible", "no significant barrier to employment"),
        ({"barriers__homeless": True}, "JVSG", "eligible", "homeless"),
        ({"income__snap": True}, "JVSG", "eligible", ""),
        ({"barriers__homeless": None}, "JVSG", "needs_information", ""),  # a shared answer is still asked
        # veteran-only answers left over on a spouse's record never make the spouse a veteran
        ({"veteran__disabled_veteran": True, "veteran__transitioning_service_member": True,
          "veteran__separation_date": "2025-06-01", "employment__weeks_unemployed": 40}, "JVSG", "ineligible",
         "no significant barrier to employment"),
        ({"dislocation": {"reason": "military_separation"}}, "WIOA_DW", "ineligible", "not for the spouse"),
        ({"dislocation": {"reason": "military_spouse_relocation"}}, "WIOA_DW", "eligible", ""),
        ({}, "WIOA_ADULT", "eligible", "priority of service 3: eligible spouse of a veteran"),
    ],
)
def test_eligible_spouse_never_missing_veteran_only_answers(changes: dict[str, Any], program: str, expected: str,
                                                            reason: str) -> None:
    result = run(record(veteran=SPOUSE, **changes))
    answer = result.program(program)
    assert answer.status == expected, answer
    assert not reason or any(reason in r for r in answer.reasons), answer.reasons
    for p in result.programs:
        assert not set(p.missing) & set(VETERAN_ONLY), p
    assert all(r != "priority of service 3: veteran" for p in result.programs for r in p.reasons)


def test_eligible_spouse_with_nothing_but_the_status() -> None:
    """The wizard asks a spouse only the status: no program waits for a veteran-only answer."""
    bare = {"first_name": "A", "last_name": "B", "date_of_birth": "1990-01-01", "sex": "female",
            "authorized_to_work": True, "veteran": SPOUSE,
            "dislocation": {"reason": "military_separation"}}
    for p in run(bare).programs:
        assert not set(p.missing) & set(VETERAN_ONLY), p


# --- 5. address.state absent: the 48-state table only when AK and HI give the same answer ------------

@pytest.mark.parametrize(
    ("changes", "low_income", "missing_state"),
    [
        ({"address": None, "income__annual_family_income": 33000}, True, False),   # under all three limits
        ({"address": None, "income__annual_family_income": 41251}, False, False),  # over all three
        ({"address": None, "income__annual_family_income": 33001}, None, True),    # over 48 states, under AK and HI
        ({"address": None, "income__annual_family_income": 41250}, None, True),    # under AK only
        ({"address__state": None, "income__annual_family_income": 35000}, None, True),  # an address without a state
        ({"address": None, "income__annual_family_income": 35000, "income__snap": True}, True, False),  # SNAP settles it
        ({"address__state": "AK", "income__annual_family_income": 35000}, True, False),
        ({"address__state": "KS", "income__annual_family_income": 35000}, False, False),
        # a person with a disability, own income against a family of one (15,960 / 19,950 / 18,360)
        ({"address": None, "disability": True, "income__annual_individual_income": 17000}, None, True),
        ({"address": None, "disability": True, "income__annual_individual_income": 15960}, True, False),
        ({"address": None, "disability": True, "income__annual_individual_income": 19951}, False, False),
    ],
)
def test_state_absent(changes: dict[str, Any], low_income: bool | None, missing_state: bool) -> None:
    result = run(record(**changes))
    assert result.low_income is low_income
    adult = result.program("WIOA_ADULT")
    assert adult.priority_of_service == {True: 2, False: 5, None: None}[low_income]
    youth = run(record(date_of_birth="2006-01-01", education__school_status="in_secondary",
                       barriers__basic_skills_deficient=True, **changes)).program("WIOA_YOUTH")
    assert ("address.state" in youth.missing) is missing_state, youth


def test_state_absent_agreeing_tables_use_the_48_state_table() -> None:
    from jobcenter_tui.domain.eligibility import low_income

    fact = low_income(parse_record(json.dumps(record(address=None, income__annual_family_income=33000)), None), AS_OF, CFG)
    assert fact.value is True and "(HHS 2026)" in fact.reasons[0] and "Alaska" not in fact.reasons[0]


def test_state_absent_with_an_llsil_region() -> None:
    cfg = build_config(DATA, llsil=LLSIL)  # northeast-metro, family of 4: 42,000, above every HHS limit
    assert run(record(address=None, llsil_region="northeast-metro", income__annual_family_income=42000), cfg=cfg).low_income is True
    assert run(record(address=None, llsil_region="northeast-metro", income__annual_family_income=42001), cfg=cfg).low_income is False


# --- 6. llsil_region naming no row of the LLSIL table is an invalid record ---------------------------

@pytest.mark.parametrize(
    ("region", "table", "problem"),
    [
        (None, False, None),
        (None, True, None),
        ("northeast-metro", True, None),
        ("northeast-metro", False, "no LLSIL table is configured"),
        ("nowhere", True, "is not a region of the LLSIL table; regions are northeast-metro"),
        ("Northeast-Metro", True, "is not a region of the LLSIL table"),
    ],
)
def test_llsil_region_checked_against_the_table(region: str | None, table: bool, problem: str | None) -> None:
    from jobcenter_tui.domain.eligibility import llsil_region_problems

    problems = llsil_region_problems(region, build_config(DATA, llsil=LLSIL if table else None))
    if problem is None:
        assert problems == []
    else:
        assert [p["field"] for p in problems] == ["llsil_region"] and problem in problems[0]["message"]


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"llsil_region": "nowhere"}, ["llsil_region"]),
        ({"llsil_region": "nowhere", "date_of_birth": "1990-02-30"}, ["date_of_birth", "llsil_region"]),  # each bad field
        ({"llsil_region": "nowhere", "income__family_size": "4"}, ["income.family_size", "llsil_region"]),
    ],
)
def test_check_with_an_unknown_region_exits_2(empty_home: Path, tmp_path: Path, changes: dict[str, Any],
                                              fields: list[str]) -> None:
    csv = tmp_path / "llsil.csv"
    csv.write_text("region,1,2,3,4,5,6,each_additional\nnortheast-metro,17000,25000,34000,42000,50000,58000,8000\n")
    assert runner.invoke(app, ["config", "llsil", str(csv)]).exit_code == 0
    result = runner.invoke(app, ["eligibility", "check", "--as-of", AS_OF.isoformat(), "--json"],
                           input=json.dumps(record(**changes)))
    assert result.exit_code == 2
    assert result.stdout == ""
    named = [line.split(":", 1)[0] for line in result.stderr.splitlines()]
    assert sorted(set(named)) == fields, result.stderr
    good = runner.invoke(app, ["eligibility", "check", "--json"], input=json.dumps(record(llsil_region="northeast-metro")))
    assert good.exit_code == 0 and json.loads(good.stdout)["programs"]


def test_check_with_a_region_but_no_table_exits_2(empty_home: Path) -> None:
    result = runner.invoke(app, ["eligibility", "check", "--json"], input=json.dumps(record(llsil_region="northeast-metro")))
    assert result.exit_code == 2 and result.stdout == "" and result.stderr.startswith("llsil_region:")


def test_wizard_preview_refuses_an_unknown_region(services) -> None:  # type: ignore[no-untyped-def]
    """The review page's preview goes through the same check as every other door."""
    with pytest.raises(RecordInvalid) as exc:
        services.eligibility.preview(record(llsil_region="nowhere"))
    assert [e["field"] for e in exc.value.errors] == ["llsil_region"]
    assert services.eligibility.preview(record()).program("WP").status == "eligible"


# --- 7. TAA: certified without a petition, or a taa object without certified -> needs information ------

@pytest.mark.parametrize(
    ("taa", "expected", "missing", "reason"),
    [
        ({"certified": True, "petition_number": "TA-W-98765"}, "eligible", (), "covered by certified petition TA-W-98765"),
        ({"certified": True}, "needs_information", ("taa.petition_number",), ""),
        ({"certified": True, "petition_number": "   "}, "needs_information", ("taa.petition_number",), ""),
        ({"petition_number": "TA-W-98765"}, "needs_information", ("taa.certified",), ""),
        ({"separation_date": "2026-01-15"}, "needs_information", ("taa.certified",), ""),
        ({}, "needs_information", ("taa.certified",), ""),
        ({"certified": False, "petition_number": "TA-W-98765"}, "ineligible", (), "not covered by a certified petition"),
        ({"certified": False}, "ineligible", (), "not covered by a certified petition"),
        (None, "ineligible", (), "not covered by a certified petition"),
    ],
)
def test_taa_petition(taa: dict[str, Any] | None, expected: str, missing: tuple[str, ...], reason: str) -> None:
    answer = run(record(taa=taa) if taa is not None else record()).program("TAA")
    assert (answer.status, answer.missing) == (expected, missing), answer
    assert not reason or any(reason in r for r in answer.reasons), answer.reasons
