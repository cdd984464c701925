"""The registration questions: audience, visibility by earlier answers, and field checks."""

from datetime import date
from decimal import Decimal

import pytest

from jobcenter_tui.domain.questions import (
    PAGES,
    QUESTIONS,
    Context,
    answers_to_record,
    page_errors,
    record_to_answers,
    visible_pages,
)
from jobcenter_tui.domain.record import parse_record

STAFF = Context(date(2026, 6, 15), "staff")
SELF = Context(date(2026, 6, 15), "all")


def visible(answers: dict, ctx: Context = STAFF) -> set[str]:
    return {q.path for p in visible_pages(answers, ctx) for q in p.visible_questions(answers, ctx)}


def test_every_record_field_is_asked_somewhere() -> None:
    record_leaf_fields = {
        "first_name", "middle_name", "last_name", "suffix", "date_of_birth", "ssn", "ssn_not_provided", "sex",
        "sex_assigned_at_birth", "email", "phone", "llsil_region", "preferred_language", "office", "case_manager",
        "authorized_to_work", "hispanic_latino", "race", "disability",
    }
    assert record_leaf_fields <= set(QUESTIONS)
    assert {p.key for p in PAGES} == {"identity", "work", "veteran", "demographics", "education", "employment",
                                      "dislocation", "income", "barriers", "preferences"}


def test_self_service_sees_only_all_questions() -> None:
    shown = visible({"employment.status": "unemployed"}, SELF)
    assert all(QUESTIONS[p].audience == "all" for p in shown)
    assert "income.family_size" in shown and "income.annual_family_income" not in shown
    assert "barriers.homeless" not in shown and "veteran.status" in shown and "veteran.discharge" not in shown


@pytest.mark.parametrize(
    ("answers", "asked"),
    [
        ({"sex": "male", "date_of_birth": date(1990, 1, 1)}, True),
        ({"sex": "female", "date_of_birth": date(1990, 1, 1)}, False),
        ({"sex": "not_disclosed", "sex_assigned_at_birth": "female", "date_of_birth": date(1990, 1, 1)}, False),
        ({"sex": "male", "date_of_birth": date(2009, 1, 1)}, False),  # 17
        ({"sex": "male", "date_of_birth": date(1959, 12, 31)}, False),
    ],
)
def test_selective_service_is_asked_only_where_it_applies(answers: dict, asked: bool) -> None:
    assert ("selective_service.status" in visible(answers)) is asked


def test_dislocation_page_and_follow_ups() -> None:
    assert "dislocation" not in {p.key for p in visible_pages({"employment.status": "employed"}, STAFF)}
    assert "dislocation" in {p.key for p in visible_pages({"employment.status": "employed_with_notice"}, STAFF)}
    laid_off = visible({"employment.status": "unemployed", "dislocation.reason": "laid_off"})
    assert "dislocation.ui_eligible_or_exhausted" in laid_off
    assert "dislocation.ui_eligible_or_exhausted" not in visible({"dislocation.reason": "plant_closure"})
    assert "veteran.discharge" in visible({"veteran.status": "veteran"})
    assert "employment.weeks_unemployed" not in visible({"employment.status": "employed"})
    assert "education.absent_last_school_quarter" in visible({"education.school_status": "not_attending_within_compulsory_age"})


@pytest.mark.parametrize(
    ("path", "text", "value", "error"),
    [
        ("date_of_birth", "04/02/1979", date(1979, 4, 2), None),
        ("date_of_birth", "1979-02-30", None, "real date"),
        ("date_of_birth", "2030-01-01", None, "future"),
        ("ssn", "219099999", "***-**-9999", None),
        ("ssn", "000-12-3456", None, "000, 666"),
        ("phone", "(785) 555.0143", "785-555-0143", None),
        ("phone", "555-0143", None, "10-digit"),
        ("email", "x@y", None, "name@example.org"),
        ("address.state", "ks", "KS", None),
        ("address.state", "Kansas", None, "USPS"),
        ("address.zip", "6660", None, "5 digits"),
        ("income.family_size", "0", None, "at least 1"),
        ("income.family_size", "three", None, "whole number"),
        ("income.annual_family_income", "$24,000.50", Decimal("24000.50"), None),
        ("income.annual_family_income", "-5", None, "zero or more"),
        ("employment.last_occupation_soc", "514121", None, "NN-NNNN"),
        ("employment.last_occupation_soc", "51-4121 Welders, Cutters, Solderers, and Brazers", "51-4121", None),
        ("employment.last_occupation_soc", "51-4120", None, "is a group"),
        ("employment.last_occupation_soc", "99-9999", None, "not in SOC 2018"),
        ("preferences.desired_occupations", "51-4121 Welders; 53-3032",
         [{"soc_code": "51-4121", "title": "Welders"},
          {"soc_code": "53-3032", "title": "Heavy and Tractor-Trailer Truck Drivers"}], None),  # a code alone gets its title
        ("preferences.desired_occupations", "welders", None, "SOC"),
        ("preferences.desired_occupations", "51-4121; 51-0000", None, "51-0000 is a group"),
        ("first_name", "", None, "required"),
    ],
)
def test_field_checks(path: str, text: str, value: object, error: str | None) -> None:
    q = QUESTIONS[path]
    if error:
        with pytest.raises(ValueError, match=error):
            q.parse(text, STAFF)
    else:
        parsed = q.parse(text, STAFF)
        assert (str(parsed) if path == "ssn" else parsed) == value


def test_answers_become_a_valid_record_and_back() -> None:
    answers = {"first_name": "Dana", "last_name": "Reyes", "date_of_birth": date(1979, 4, 2), "sex": "female",
               "employment.status": "employed", "dislocation.reason": "laid_off",  # hidden by "employed": not saved
               "income.annual_family_income": Decimal("24000"), "race": ["white"]}
    record = answers_to_record(answers, STAFF, account_type="staff_assisted")
    assert "dislocation" not in record and record["income"] == {"annual_family_income": 24000}
    parsed = parse_record(record, date(2026, 6, 15))
    assert record_to_answers(parsed.to_json_dict())["income.annual_family_income"] == Decimal("24000")
    errors = page_errors(PAGES[0], {"first_name": "", "last_name": "R", "date_of_birth": "x"}, STAFF, {})
    assert set(errors) == {"first_name", "date_of_birth"}
