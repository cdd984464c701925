"""Eligibility through the services and the command line: checks, stored determinations, config."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from jobcenter_tui.cli import app
from jobcenter_tui.domain.eligibility import evaluate
from jobcenter_tui.domain.programs import PROGRAM_CODES
from jobcenter_tui.domain.record import SeekerRecord, parse_record
from jobcenter_tui.services import system_actor
from jobcenter_tui.services.common import config_from_entries
from jobcenter_tui.services.errors import InvalidInput

runner = CliRunner()

DANA = {"first_name": "Dana", "last_name": "Reyes", "date_of_birth": "1979-04-02", "sex": "female",
        "authorized_to_work": True, "veteran": {"status": "none"},
        "education": {"highest_level": "hs_diploma", "school_status": "not_attending_graduate"},
        "dislocation": {"reason": "plant_closure", "date": "2026-04-30"},
        "income": {"family_size": 3, "annual_family_income": 24000, "snap": False}}


def test_check_prints_the_spec_json(empty_home: Path) -> None:
    result = runner.invoke(app, ["eligibility", "check", "--as-of", "2026-06-15", "--json"], input=json.dumps(DANA))
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["as_of"] == "2026-06-15" and out["age"] == 47 and out["low_income"] is True
    assert [p["program"] for p in out["programs"]] == list(PROGRAM_CODES)
    by = {p["program"]: p for p in out["programs"]}
    assert by["WIOA_DW"]["status"] == "eligible" and by["WIOA_ADULT"]["priority_of_service"] == 2
    assert by["WIOA_YOUTH"] == {"program": "WIOA_YOUTH", "status": "ineligible", "category": None,
                                "reasons": ["age 47 is over 24"], "missing": []}
    assert by["TAA"]["reasons"] == ["not covered by a certified petition"]


def test_check_readable_table(empty_home: Path) -> None:
    result = runner.invoke(app, ["eligibility", "check", "--as-of", "2026-06-15"], input=json.dumps(DANA))
    assert result.exit_code == 0
    assert "WIOA Dislocated Worker" in result.stdout and "eligible" in result.stdout


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ('{"first_name": "A", "last_name": "B"}', ["date_of_birth"]),
        ('{"first_name": "A", "last_name": "B", "date_of_birth": "1990-01-01", "income": {"family_size": "3"}, "sexx": 1}',
         ["income.family_size", "sexx"]),
        ("not json", ["(record)"]),
        ('{"first_name": "A", "last_name": "B", "date_of_birth": "1990-01-01", "llsil_region": "nowhere"}', ["llsil_region"]),
    ],
)
def test_invalid_record_exits_2_naming_fields_and_prints_nothing(empty_home: Path, text: str, fields: list[str]) -> None:
    result = runner.invoke(app, ["eligibility", "check", "--json"], input=text)
    assert result.exit_code == 2
    assert result.stdout == ""
    for field in fields:
        assert f"{field}:" in result.stderr


def test_bad_as_of(empty_home: Path) -> None:
    result = runner.invoke(app, ["eligibility", "check", "--as-of", "15/06/2026"], input=json.dumps(DANA))
    assert result.exit_code == 2 and result.stdout == ""


def test_llsil_and_switches_from_the_command_line(empty_home: Path, tmp_path: Path) -> None:
    csv = tmp_path / "llsil.csv"
    csv.write_text("region,1,2,3,4,5,6,each_additional\nnortheast-metro,17000,25000,34000,42000,50000,58000,8000\n")
    before = json.loads(runner.invoke(app, ["config", "show"]).stdout)["rules_version"]
    assert runner.invoke(app, ["config", "llsil", str(csv)]).exit_code == 0
    shown = json.loads(runner.invoke(app, ["config", "show"]).stdout)
    assert shown["llsil_regions"] == ["northeast-metro"] and shown["rules_version"] != before
    rec = {**DANA, "llsil_region": "northeast-metro", "income": {"family_size": 4, "annual_family_income": 42000, "snap": False}}
    out = json.loads(runner.invoke(app, ["eligibility", "check", "--as-of", "2026-06-15", "--json"], input=json.dumps(rec)).stdout)
    assert out["low_income"] is True
    bad = tmp_path / "bad.csv"
    bad.write_text("region,1,2\nmetro,100,x\n")
    result = runner.invoke(app, ["config", "llsil", str(bad)])
    assert result.exit_code == 2 and "line 2" in result.stderr
    assert runner.invoke(app, ["config", "set", "dw_min_age", "16"]).exit_code == 0
    assert json.loads(runner.invoke(app, ["config", "show"]).stdout)["switches"]["dw_min_age"] == 16
    assert runner.invoke(app, ["config", "set", "dw_min_age", '"old"']).exit_code == 2
    assert runner.invoke(app, ["config", "set", "nonsense", "1"]).exit_code == 2


def test_determination_is_kept_and_never_rewritten(services, clock) -> None:  # type: ignore[no-untyped-def]
    sys = system_actor()
    services.seekers.import_records(sys, [json.dumps({**DANA, "id": "0f8fad5b-d9cb-469f-a165-70867728950e"})])
    seeker = "0f8fad5b-d9cb-469f-a165-70867728950e"
    first = services.eligibility.latest(sys, seeker)
    assert first is not None and first.program_status("WIOA_DW") == "eligible"  # the import ran it
    manual = services.eligibility.determine(sys, seeker, date(2026, 6, 15))
    assert manual.result["age"] == 47 and manual.determined_by == sys.username
    # the record changes: a new determination is made, the old one stays as it was
    changed = {**DANA, "id": seeker, "dislocation": {"reason": "quit"}}
    clock.advance(days=1)
    services.seekers.import_records(sys, [json.dumps(changed)])
    latest = services.eligibility.latest(sys, seeker)
    assert latest is not None and latest.program_status("WIOA_DW") == "ineligible"
    with services.db.session() as s:
        from sqlmodel import select

        from jobcenter_tui.db.models import EligibilityDetermination

        kept = s.exec(select(EligibilityDetermination).where(EligibilityDetermination.id == manual.id)).one()
    assert kept.result == manual.result and kept.inputs["dislocation"]["reason"] == "plant_closure"
    assert "ssn" not in kept.inputs


def test_show_needs_a_known_seeker_and_is_audited(services) -> None:  # type: ignore[no-untyped-def]
    from jobcenter_tui.services.errors import NotFound

    with pytest.raises(NotFound):
        services.eligibility.show(system_actor(), "no-such-id", date(2026, 6, 15))


def test_show_command(empty_home: Path, tmp_path: Path) -> None:
    rid = "0f8fad5b-d9cb-469f-a165-70867728950e"
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps({**DANA, "id": rid}) + "\n")
    assert runner.invoke(app, ["seekers", "import", str(src)]).exit_code == 0
    out = runner.invoke(app, ["eligibility", "show", rid, "--as-of", "2026-06-15", "--json"])
    assert out.exit_code == 0 and json.loads(out.stdout)["programs"][1]["status"] == "eligible"
    assert runner.invoke(app, ["eligibility", "show", "missing-id"]).exit_code == 1


def test_stale_determination(services, clock) -> None:  # type: ignore[no-untyped-def]
    sys = system_actor()
    services.seekers.import_records(sys, [json.dumps({**DANA, "id": "0f8fad5b-d9cb-469f-a165-70867728950e"})])
    view = services.eligibility.latest(sys, "0f8fad5b-d9cb-469f-a165-70867728950e")
    assert view is not None
    assert not services.eligibility.is_stale(view, view.as_of)
    from datetime import timedelta

    assert not services.eligibility.is_stale(view, view.as_of + timedelta(days=45))
    assert services.eligibility.is_stale(view, view.as_of + timedelta(days=46))


def test_config_needs_the_privilege(services, admin) -> None:  # type: ignore[no-untyped-def]
    from jobcenter_tui.domain.permissions import PermissionDenied

    services.staff.add(admin, "cm", "Case", "tall maple river lantern", ["case_manager"])
    with pytest.raises(PermissionDenied):
        services.eligibility.set_switch(services.staff.actor_for("cm"), "dw_min_age", 16)
    services.eligibility.set_switch(admin, "dw_min_age", 16)
    with pytest.raises(InvalidInput):
        services.eligibility.set_switch(admin, "wp_min_age", "x")


# --- property: never raises, always six programs in order ------------------------------------------

maybe = lambda s: st.none() | s  # noqa: E731
dates = st.dates(date(1900, 1, 1), date(2026, 6, 15)).map(date.isoformat)
bools = maybe(st.booleans())


def _section(**fields):  # type: ignore[no-untyped-def]
    return maybe(st.fixed_dictionaries({}, optional=fields))


records = st.fixed_dictionaries(
    {"first_name": st.just("A"), "last_name": st.just("B"), "date_of_birth": dates},
    optional={
        "sex": maybe(st.sampled_from(["male", "female", "not_disclosed"])),
        "sex_assigned_at_birth": maybe(st.sampled_from(["male", "female"])),
        "authorized_to_work": bools,
        "disability": bools,
        "address": _section(state=maybe(st.sampled_from(["KS", "AK", "HI", "NY"]))),
        "selective_service": _section(status=maybe(st.sampled_from(["registered", "not_registered", "exempt"])),
                                      not_knowing_and_willful=bools),
        "veteran": _section(status=maybe(st.sampled_from(["none", "veteran", "eligible_spouse"])),
                            active_duty_days=maybe(st.integers(0, 10000)),
                            discharge=maybe(st.sampled_from(["honorable", "general", "other_than_honorable", "bad_conduct", "dishonorable"])),
                            service_connected_disability_discharge=bools, disabled_veteran=bools,
                            special_disabled_veteran=bools, separation_date=maybe(dates), transitioning_service_member=bools),
        "education": _section(highest_level=maybe(st.sampled_from(["none", "hs_diploma", "certificate_of_attendance_iep", "bachelor"])),
                              school_status=maybe(st.sampled_from(["in_secondary", "in_alternative", "in_postsecondary",
                                                                   "not_attending_dropout", "not_attending_graduate",
                                                                   "not_attending_within_compulsory_age"])),
                              absent_last_school_quarter=bools),
        "employment": _section(weeks_unemployed=maybe(st.integers(0, 200)), unlikely_to_return=bools),
        "dislocation": _section(reason=maybe(st.sampled_from(["laid_off", "terminated", "layoff_notice", "plant_closure",
                                                              "closure_announced_no_date", "military_separation", "quit",
                                                              "displaced_homemaker"])),
                                ui_eligible_or_exhausted=bools, attached_not_ui_eligible=bools),
        "income": _section(family_size=maybe(st.integers(1, 30)), annual_family_income=maybe(st.integers(0, 500000)),
                           annual_individual_income=maybe(st.integers(0, 500000)), tanf=bools, snap=bools, ssi=bools,
                           free_reduced_lunch=bools, high_poverty_area=bools),
        "barriers": _section(homeless=bools, runaway=bools, foster_care=bools, offender=bools, basic_skills_deficient=bools,
                             english_language_learner=bools, needs_additional_assistance=bools, pregnant_or_parenting=bools),
        "taa": _section(certified=bools, petition_number=maybe(st.just("TA-W-1"))),
    },
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records, st.dates(date(2024, 1, 1), date(2027, 12, 31)))
def test_engine_never_raises_and_always_answers_six_programs(raw: dict, as_of: date) -> None:
    cfg = config_from_entries({})
    record: SeekerRecord = parse_record(json.dumps(raw), None)
    result = evaluate(record, as_of, cfg)
    assert [p.program for p in result.programs] == list(PROGRAM_CODES)
    for p in result.programs:
        assert p.status in ("eligible", "ineligible", "needs_information")
        assert (p.status == "needs_information") == bool(p.missing) or (p.status == "needs_information" and p.reasons)
        if p.status == "ineligible":
            assert p.reasons, p
    json.dumps(result.as_json())
