"""The record layout's validation: every kind of bad field is named by its path."""

from datetime import date

import pytest

from jobcenter_tui.domain.record import RecordInvalid, parse_record

TODAY = date(2026, 6, 15)
BASE = '"first_name":"Dana","last_name":"Reyes","date_of_birth":"1979-04-02"'


def errors_of(body: str) -> dict[str, str]:
    with pytest.raises(RecordInvalid) as exc:
        parse_record("{" + body + "}", TODAY)
    return {e["field"]: e["message"] for e in exc.value.errors}


@pytest.mark.parametrize(
    ("extra", "field", "fragment"),
    [
        ('"nickname":"D"', "nickname", "unknown field"),
        ('"income":{"family_size":3,"famly_size":3}', "income.famly_size", "unknown field"),
        ('"income":{"family_size":"3"}', "income.family_size", "whole number"),
        ('"income":{"family_size":0}', "income.family_size", "greater than or equal to 1"),
        ('"income":{"family_size":31}', "income.family_size", "less than or equal to 30"),
        ('"income":{"annual_family_income":"24000"}', "income.annual_family_income", "number of dollars"),
        ('"income":{"annual_family_income":-1}', "income.annual_family_income", "greater than or equal to 0"),
        ('"income":{"annual_family_income":10.123}', "income.annual_family_income", "2 decimal places"),
        ('"authorized_to_work":"yes"', "authorized_to_work", "true or false"),
        ('"authorized_to_work":1', "authorized_to_work", "true or false"),
        ('"sex":"m"', "sex", "must be one of"),
        ('"veteran":{"discharge":"great"}', "veteran.discharge", "must be one of"),
        ('"race":["white","purple"]', "race[1]", "must be one of"),
        ('"race":["white","white"]', "race", "twice"),
        ('"ssn":"000-12-3456"', "ssn", "000, 666 or 900-999"),
        ('"ssn":"123-00-4567"', "ssn", "middle two digits"),
        ('"ssn":"123-45-0000"', "ssn", "last four"),
        ('"ssn":123456789', "ssn", "string"),
        ('"phone":"555-0143"', "phone", "10-digit"),
        ('"email":"dana.example.org"', "email", "email address"),
        ('"address":{"state":"Kansas"}', "address.state", "USPS"),
        ('"address":{"zip":"6660"}', "address.zip", "5 digits"),
        ('"dislocation":{"date":"2026-02-30"}', "dislocation.date", "real date"),
        ('"veteran":{"separation_date":"06/01/2020"}', "veteran.separation_date", "date"),
        ('"employment":{"last_occupation_soc":"514121"}', "employment.last_occupation_soc", "NN-NNNN"),
        ('"preferences":{"desired_occupations":[{"soc_code":"51-4121"},{"soc_code":"x"}]}',
         "preferences.desired_occupations[1].soc_code", "NN-NNNN"),
        ('"education":{"highest_grade_completed":13}', "education.highest_grade_completed", "less than or equal to 12"),
        ('"id":"not-a-uuid"', "id", "UUID"),
        ('"account_type":"kiosk"', "account_type", "must be one of"),
        ('"ssn":"219-09-9999","ssn_not_provided":true', "ssn_not_provided", "must not be true"),
        ('"veteran":"yes"', "veteran", "object"),
    ],
)
def test_bad_fields_are_named(extra: str, field: str, fragment: str) -> None:
    errs = errors_of(BASE + "," + extra)
    assert field in errs, errs
    assert fragment in errs[field]


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        ('"first_name":"Dana","last_name":"Reyes"', "date_of_birth", "required"),
        ('"first_name":"","last_name":"Reyes","date_of_birth":"1979-04-02"', "first_name", "at least 1"),
        ('"first_name":"  ","last_name":"Reyes","date_of_birth":"1979-04-02"', "first_name", "blank"),
        ('"first_name":"Dana","last_name":"Reyes","date_of_birth":"2026-06-16"', "date_of_birth", "future"),
        ('"first_name":"Dana","last_name":"Reyes","date_of_birth":"1899-12-31"', "date_of_birth", "1900-01-01"),
    ],
)
def test_identity_rules(body: str, field: str, fragment: str) -> None:
    errs = errors_of(body)
    assert fragment in errs[field]


def test_every_error_of_a_record_is_reported_at_once() -> None:
    errs = errors_of('"first_name":1,"date_of_birth":"1979-13-01","sex":"x"')
    assert set(errs) == {"first_name", "last_name", "date_of_birth", "sex"}


def test_not_json_and_not_an_object() -> None:
    for text in ("{oops", "[1,2]", "42"):
        with pytest.raises(RecordInvalid) as exc:
            parse_record(text, TODAY)
        assert exc.value.errors[0]["field"] == "(record)"


def test_error_messages_never_echo_an_ssn() -> None:
    with pytest.raises(RecordInvalid) as exc:
        parse_record("{" + BASE + ',"ssn":"666-12-3456","ssn_not_provided":true}', TODAY)
    assert "3456" not in str(exc.value) and "666-12" not in str(exc.value)


def test_canonical_form_normalises_and_drops_unanswered() -> None:
    rec = parse_record(
        "{" + BASE + ',"ssn":"219099999","phone":"(785) 555.0143","middle_name":null,"veteran":{},'
        '"income":{"annual_family_income":24000.50}}',
        TODAY,
    )
    out = rec.to_json_dict()
    assert out["ssn"] == "219-09-9999" and out["phone"] == "785-555-0143"
    assert "middle_name" not in out and "veteran" not in out
    assert out["income"] == {"annual_family_income": 24000.5}
    assert parse_record(rec.to_json_line(), TODAY).to_json_dict() == out


def test_birthday_today_is_allowed_and_leap_day() -> None:
    assert parse_record('{"first_name":"A","last_name":"B","date_of_birth":"2026-06-15"}', TODAY).date_of_birth == TODAY
    errs = errors_of('"first_name":"A","last_name":"B","date_of_birth":"2025-02-29"')
    assert "real date" in errs["date_of_birth"]
