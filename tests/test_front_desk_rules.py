"""What staff found at the front desk, as rules: labels, checks, who is asked what, the kiosk's SSN."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from jobcenter_tui.cli import app as cli
from jobcenter_tui.domain.eligibility import evaluate
from jobcenter_tui.domain.eligibility.config import build_config
from jobcenter_tui.domain.questions import (
    QUESTIONS,
    Context,
    label_for,
    labels_for,
    visible_pages,
)
from jobcenter_tui.domain.record import parse_record
from jobcenter_tui.domain.search_query import parse_query
from jobcenter_tui.domain.ssn import Ssn
from jobcenter_tui.services import kiosk_actor, system_actor
from jobcenter_tui.services.common import shipped_data
from jobcenter_tui.services.errors import InvalidInput, ServiceError
from jobcenter_tui.services.registration import SsnOnFile

TODAY = date(2026, 6, 15)
STAFF = Context(TODAY, "staff")
SELF = Context(TODAY, "all")
runner = CliRunner()
NOT_A_PATH = re.compile(r"^[^._\[\]]+$")  # no dots, underscores or brackets


def visible(answers: dict, ctx: Context = STAFF) -> set[str]:
    return {q.path for p in visible_pages(answers, ctx) for q in p.visible_questions(answers, ctx)}


# --- 6. labels, never field paths ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("employment.weeks_unemployed", "Consecutive weeks unemployed"),
        ("income.annual_family_income", "Family income, last 6 months x 2"),
        ("selective_service.status", "Selective Service"),
        ("taa.petition_number", "TAA petition number"),
        ("veteran_status", "Veteran status"),  # an attestation item: no question asks it
        ("work_authorization", "Work authorization"),
        ("account_type", "Account type"),
        ("id", "Record ID"),
        ("preferences.desired_occupations[1].soc_code", "Desired occupations, item 2: SOC code"),
        ("llsil[0]", "LLSIL, item 1"),
        ("employment.some_new_field", "Employment: some new field"),
    ],
)
def test_label_for_a_path(path: str, label: str) -> None:
    assert label_for(path) == label


def test_no_label_is_a_path() -> None:
    assert all(NOT_A_PATH.match(label_for(path)) for path in QUESTIONS)
    assert labels_for(["income.family_size", "income.tanf"]) == "Family size; TANF (last 6 months, seeker or family)"


def test_missing_answers_read_as_labels_but_the_json_keeps_paths(empty_home: Path) -> None:
    """Every missing answer the rules can name has words; the command line's JSON keeps the path."""
    cfg = build_config(shipped_data())
    thin = [{"first_name": "A", "last_name": "B", "date_of_birth": born, "sex": sex}
            for born in ("1990-01-01", "2008-01-01", "1955-05-05") for sex in ("male", "female")]
    thin.append({"first_name": "A", "last_name": "B", "date_of_birth": "1990-01-01", "veteran": {"status": "veteran"},
                 "dislocation": {"reason": "laid_off"}, "taa": {"certified": True}, "sex": "not_disclosed"})
    missing = {m for rec in thin for p in evaluate(parse_record(rec, TODAY), TODAY, cfg).programs for m in p.missing}
    assert "income.annual_family_income" in missing and "veteran.active_duty_days" in missing
    assert all(NOT_A_PATH.match(label_for(m)) for m in missing), {m: label_for(m) for m in missing}
    result = runner.invoke(cli, ["eligibility", "check", "--as-of", "2026-06-15", "--json"], input=json.dumps(thin[0]))
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert "income.annual_family_income" in {m for p in out["programs"] for m in p["missing"]}
    table = runner.invoke(cli, ["eligibility", "check", "--as-of", "2026-06-15"], input=json.dumps(thin[0]))
    assert "income.annual_family_income" not in table.stdout and "Family income" in table.stdout


# --- 13. checks ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("typed", "ctx", "error"),
    [
        ("2012-06-16", STAFF, "age of 13: job seekers must be at least 14"),
        ("2012-06-15", STAFF, None),  # 14 today
        ("2009-06-16", Context(TODAY, "staff", min_age=17), "at least 17"),
        ("1916-06-14", STAFF, None),  # 110
        ("1915-06-14", STAFF, "age of 111: check the year"),
    ],
)
def test_date_of_birth_gives_a_plausible_age(typed: str, ctx: Context, error: str | None) -> None:
    q = QUESTIONS["date_of_birth"]
    if error:
        with pytest.raises(ValueError, match=error):
            q.parse(typed, ctx)
    else:
        assert q.parse(typed, ctx) == date.fromisoformat(typed)


@pytest.mark.parametrize("path", ["dislocation.date", "veteran.separation_date", "taa.separation_date"])
def test_dislocation_and_separation_dates_are_not_in_the_future(path: str) -> None:
    q = QUESTIONS[path]
    with pytest.raises(ValueError, match="cannot be in the future"):
        q.parse("2026-06-16", STAFF)
    assert q.parse("2026-06-15", STAFF) == TODAY


def test_preferred_language_is_chosen_from_a_list() -> None:
    q = QUESTIONS["preferred_language"]
    assert q.kind == "choice" and ("Spanish", "Spanish") in q.choices and ("Other", "Other") in q.choices
    assert q.parse("Vietnamese", STAFF) == "Vietnamese"
    assert q.parse("es", STAFF) == "es"  # a value on file from before the list is kept, not refused


@pytest.mark.parametrize(
    ("path", "unit"),
    [("preferences.desired_hourly_wage", "dollars per hour"), ("income.annual_family_income", "dollars per year"),
     ("income.annual_individual_income", "dollars per year")],
)
def test_wage_fields_say_per_hour_or_per_year(path: str, unit: str) -> None:
    q = QUESTIONS[path]
    assert unit in q.placeholder
    with pytest.raises(ValueError, match=unit):
        q.parse("lots", STAFF)


def test_the_kiosk_never_asks_a_county_fips_code() -> None:
    assert "address.county_fips" not in visible({}, SELF)
    assert "address.county_fips" in visible({}, STAFF)


# --- 14. eligible spouses ---------------------------------------------------------------------------

VETERAN_ONLY = ("veteran.active_duty_days", "veteran.discharge", "veteran.service_connected_disability_discharge",
                "veteran.disabled_veteran", "veteran.special_disabled_veteran", "veteran.separation_date",
                "veteran.transitioning_service_member")


def test_eligible_spouses_are_not_asked_the_veteran_only_questions() -> None:
    assert not set(VETERAN_ONLY) & visible({"veteran.status": "eligible_spouse"})
    assert set(VETERAN_ONLY) <= visible({"veteran.status": "veteran"})


# --- 16. Selective Service at the kiosk ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("answers", "asked"),
    [
        ({"sex": "male", "date_of_birth": date(1990, 1, 1)}, True),
        ({"sex": "female", "date_of_birth": date(1990, 1, 1)}, False),
        ({"sex": "not_disclosed", "date_of_birth": date(1990, 1, 1)}, False),  # the kiosk does not ask more
        ({"sex": "male", "date_of_birth": date(2009, 1, 1)}, False),  # 17
        ({"sex": "male", "date_of_birth": date(1959, 12, 31)}, False),
    ],
)
def test_the_kiosk_asks_selective_service_of_the_men_it_applies_to(answers: dict, asked: bool) -> None:
    assert ("selective_service.status" in visible(answers, SELF)) is asked
    assert "selective_service.not_knowing_and_willful" not in visible(
        {**answers, "selective_service.status": "not_registered"}, SELF)  # a documented finding: staff only


def test_the_kiosk_refuses_to_start_without_an_office(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOBCENTER_OFFICE", raising=False)
    result = runner.invoke(cli, ["kiosk"])
    assert result.exit_code == 2 and "--office" in result.output and "JOBCENTER_OFFICE" in result.output


def test_the_kiosk_office_is_recorded_on_the_registration(services) -> None:  # type: ignore[no-untyped-def]
    made = services.registration.register(kiosk_actor("WCH"), {"first_name": "Kim", "last_name": "Lee",
                                                              "date_of_birth": "2000-02-02"})
    assert services.seekers.get(system_actor(), made.id).record["office"] == "WCH"


# --- 2, 3. an SSN already on file -------------------------------------------------------------------

DANA = {"first_name": "Dana", "last_name": "Reyes", "date_of_birth": "1979-04-02", "ssn": "219-09-9999", "sex": "female"}


def test_staff_are_told_whose_ssn_it_is_whatever_they_said_before(services, admin) -> None:  # type: ignore[no-untyped-def]
    dana = services.registration.register(admin, DANA)
    other = {"first_name": "Other", "last_name": "Person", "date_of_birth": "1990-01-01", "ssn": "219-09-9999"}
    with pytest.raises(SsnOnFile) as exc:
        services.registration.register(admin, other, distinct_from=(dana.id,))
    assert str(exc.value) == "This SSN belongs to Reyes, D. — open that record" and exc.value.owner.id == dana.id


def test_a_kiosk_registration_with_an_ssn_on_file_keeps_it_for_staff(services, admin) -> None:  # type: ignore[no-untyped-def]
    dana = services.registration.register(admin, DANA)
    made = services.registration.register(kiosk_actor("TOP"), {**DANA, "first_name": "Danna", "date_of_birth": "1980-04-02"})
    with services.db.session() as s:
        seeker_ssn = s.execute(text("SELECT ssn_cipher, ssn_index FROM job_seeker WHERE id = :i"), {"i": made.id}).one()
        held = s.execute(text("SELECT other_id, status, ssn_cipher, ssn_index FROM possible_duplicate "
                              "WHERE seeker_id = :i"), {"i": made.id}).one()
        holders = s.execute(text("SELECT count(*) FROM job_seeker WHERE ssn_index = :x"), {"x": held.ssn_index}).scalar()
    assert tuple(seeker_ssn) == (None, None)  # one record per SSN still
    assert held.other_id == dana.id and held.status == "open"
    assert services.keyring.decrypt(held.ssn_cipher).reveal() == "219-09-9999"  # kept, encrypted
    assert b"219099999" not in held.ssn_cipher and held.ssn_index == services.keyring.blind_index(Ssn("219-09-9999"))
    assert holders == 1
    review = services.duplicates.open(admin)
    assert [d.holds_ssn for d in review] == [True]
    with pytest.raises(ServiceError, match="cannot be two different people"):  # one SSN, one person
        services.duplicates.mark_distinct(admin, review[0].id)
    assert services.duplicates.open(admin)[0].id == review[0].id


def test_registration_refuses_an_implausible_age(services, admin) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as exc:
        services.registration.register(admin, {"first_name": "A", "last_name": "B", "date_of_birth": "2015-01-01"})
    assert "at least 14" in exc.value.errors["date_of_birth"]
    services.eligibility.set_switch(admin, "wp_min_age", 16)
    with pytest.raises(InvalidInput):
        services.registration.register(admin, {"first_name": "A", "last_name": "B", "date_of_birth": "2011-01-01"})
    assert services.registration.birth_date_limits().min_age == 16


# --- 15, 12. search: record id prefix, how many shown ------------------------------------------------

def test_the_first_8_characters_of_a_record_id_find_it(services, admin) -> None:  # type: ignore[no-untyped-def]
    made = services.registration.register(admin, {**DANA, "id": "0f8fad5b-d9cb-469f-a165-70867728950e"})
    letters = services.registration.register(admin, {"first_name": "Ann", "last_name": "Other", "date_of_birth": "1970-01-01",
                                                     "id": "deadbeef-d9cb-469f-a165-70867728950e"})
    assert parse_query("0f8fad5b").record_prefix == "0f8fad5b"
    for typed, who in (("0f8fad5b", made.id), ("0F8FAD5B-D9", made.id), ("deadbeef", letters.id)):
        assert [r.id for r in services.search.search(admin, typed).rows] == [who], typed
    assert services.search.search(admin, "0f8fad5c").rows == ()
    assert parse_query("0f8fad5").kind == "name"  # 7 characters are not enough


def test_search_says_how_many_are_shown_in_all(services, admin) -> None:  # type: ignore[no-untyped-def]
    lines = [json.dumps({"first_name": f"Ann{i}", "last_name": "Smith", "date_of_birth": "1970-01-01"}) for i in range(60)]
    services.seekers.import_records(system_actor(), lines)
    assert services.search.search(admin, "smith", page_size=50).message.endswith("50 shown")
    assert services.search.search(admin, "smith", page=1, page_size=50).message.endswith("60 shown")
