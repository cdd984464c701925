from datetime import date

import pytest

from jobcenter_tui.domain.matching import Person, fold, match_reasons

DOB = date(1990, 5, 1)


def p(first: str, last: str, dob: date | None = DOB, ssn: str | None = None, phone: str | None = None, email: str | None = None) -> Person:
    return Person(first, last, dob, ssn, phone, email)


@pytest.mark.parametrize(
    ("new", "old", "expected"),
    [
        (p("Dana", "Reyes", ssn="A"), p("Zed", "Other", date(1950, 1, 1), ssn="A"), ["same SSN"]),
        (p("Dana", "Reyes"), p("Dana", "Reyes"), ["same date of birth and a similar name"]),
        (p("Dana", "Reyes"), p("Dana", "Reyez"), ["same date of birth and a similar name"]),
        (p("Luis", "Nunez"), p("Luis", "Núñez"), ["same date of birth and a similar name"]),
        (p("Dan", "Reyes"), p("Daniel", "Reyes"), ["same date of birth and a similar name"]),
        (p("Reyes", "Dana"), p("Dana", "Reyes"), ["same date of birth and a similar name"]),
        # twins: same birthday and last name, different first names and SSNs
        (p("Ana", "Reyes", ssn="A"), p("Maria", "Reyes", ssn="B"), []),
        (p("Ana", "Reyes"), p("Maria", "Reyes"), []),
        # twins sharing the family phone, with different SSNs
        (p("Ana", "Reyes", ssn="A", phone="7855550143"), p("Maria", "Reyes", ssn="B", phone="7855550143"), []),
        (p("Ana", "Reyes", phone="7855550143"), p("Bob", "Smith", date(1970, 1, 1), phone="7855550143"), ["same phone"]),
        (p("Ana", "Reyes", email="A@x.org"), p("Bob", "Smith", date(1970, 1, 1), email="a@x.org"), ["same email"]),
        (p("Dana", "Reyes"), p("Dana", "Reyes", date(1990, 5, 2)), []),
    ],
)
def test_match_reasons(new: Person, old: Person, expected: list[str]) -> None:
    assert match_reasons(new, old) == expected


def test_fold() -> None:
    assert fold("Núñez-Ortiz") == "nunezortiz" and fold("O'Brien") == "obrien"
