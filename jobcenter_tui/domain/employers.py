"""Employers and their job postings (job orders): the checks and the status moves, pure.

One set of checks serves the forms, the services and ``jobcenter postings import``: each problem
is reported as ``{"field": path, "message": words}`` so a form marks the field and the import
names the line and the path. Nothing here reads the store or the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from jobcenter_tui.domain.lines import CONTROL, CONTROL_MESSAGE, TEXT_CONTROL, invisible
from jobcenter_tui.domain.occupations import naics_2022, soc_2018
from jobcenter_tui.domain.record import EMAIL_RE, SOC_RE, USPS_STATES, normalize_phone

# --- FEIN ------------------------------------------------------------------------------------------

# The IRS assigns EINs only with these two-digit prefixes (IRS, "How EINs are assigned and valid EIN
# prefixes", https://www.irs.gov/businesses/small-businesses-self-employed/how-eins-are-assigned-and-valid-ein-prefixes:
# Andover 10 12; Atlanta 60 67; Austin 50 53; Brookhaven 01-06 11 13 14 16 21 22 23 25 34 51 52 54-59 65;
# Cincinnati 30 32 35-38 61; Fresno 15 24; Kansas City 40 44; Memphis 94 95; Ogden 80 90;
# Philadelphia 33 39 41-43 46 48 62-64 66 68 71-77 85-88 91-93 98 99; Internet 20 26 27 45-47 81-88;
# SBA 31). So 00, 07-09, 17-19, 28, 29, 49, 69, 70, 78, 79, 89, 96 and 97 are never valid.
VALID_FEIN_PREFIXES = frozenset(
    [f"{n:02d}" for n in (*range(1, 7), *range(10, 17), *range(20, 28), *range(30, 49), *range(50, 69),
                          *range(71, 78), *range(80, 89), *range(90, 96), 98, 99)]
)


def fein_problem(text: str) -> str | None:
    """Why ``text`` cannot be a FEIN (``12-3456789`` or 9 digits), or None."""
    digits = text.strip().replace("-", "")
    if not re.fullmatch(r"\d{9}", digits) or (("-" in text) and not re.fullmatch(r"\d{2}-\d{7}", text.strip())):
        return "must be 9 digits, written 12-3456789 or 123456789"
    if digits[:2] not in VALID_FEIN_PREFIXES:
        return f"cannot start with {digits[:2]}: the IRS assigns no EIN with that prefix"
    return None


def normalize_fein(text: str) -> str:
    """The 9 digits as stored (the check above has passed)."""
    return text.strip().replace("-", "")


def format_fein(digits: str | None) -> str:
    """``123456789`` → ``12-3456789``: how staff read a FEIN."""
    return f"{digits[:2]}-{digits[2:]}" if digits and len(digits) == 9 else (digits or "")


def naics_problem(text: str) -> str | None:
    """A NAICS 2022 code is one of the 6-digit national industries of NAICS 2022 (shipped with the package)."""
    if not re.fullmatch(r"\d{6}", text.strip()):
        return "must be a 6-digit NAICS code, e.g. 331512"
    if not 11 <= int(text.strip()[:2]) <= 92:
        return "must start with a NAICS sector from 11 to 92"
    if naics_2022().get(text.strip()) is None:
        return "is not a NAICS 2022 industry: pick one from the list (words or a code)"
    return None


def soc_problem(text: str) -> str | None:
    """A posting's occupation is a SOC 2018 detailed code: candidates are matched on it."""
    code = text.strip()
    if not SOC_RE.fullmatch(code):
        return "must be a SOC code written NN-NNNN, e.g. 51-4121"
    found = soc_2018().get(code)
    if found is None:
        return f"{code} is not an occupation in SOC 2018"
    if found.level != "detailed":
        return f"{code} is a group ({found.title}), not one occupation: give one of its occupations"
    return None


# --- statuses ----------------------------------------------------------------------------------

EMPLOYER_STATUSES: dict[str, str] = {"pending_approval": "Pending approval", "active": "Active", "inactive": "Inactive"}
EMPLOYER_MOVES: dict[str, tuple[str, ...]] = {
    "pending_approval": ("active", "inactive"),
    "active": ("inactive",),
    "inactive": ("active",),
}

POSTING_STATUSES: dict[str, str] = {"draft": "Draft", "active": "Active", "on_hold": "On hold", "filled": "Filled",
                                    "closed": "Closed"}
# draft → active → on hold / filled / closed. A filled posting may reopen (a hire fell through); a
# closed one is final: the job order is over (copy it to post the job again).
POSTING_MOVES: dict[str, tuple[str, ...]] = {
    "draft": ("active", "closed"),
    "active": ("on_hold", "filled", "closed"),
    "on_hold": ("active", "filled", "closed"),
    "filled": ("active", "closed"),
    "closed": (),
}
# The words for the end of a job order map onto the spec's statuses: "expired" and
# "cancelled" are ``closed`` with that reason; "filled" is ``filled``.
CLOSE_REASONS: dict[str, str] = {"expired": "Expired (closing date passed)", "cancelled": "Cancelled by the employer",
                                  "withdrawn": "Withdrawn by staff", "other": "Other"}

WAGE_UNITS: dict[str, str] = {"hour": "per hour", "year": "per year"}
WAGE_LIMITS: dict[str, Decimal] = {"hour": Decimal(1000), "year": Decimal(5_000_000)}
JOB_TYPES: dict[str, str] = {"full_time": "Full time", "part_time": "Part time", "temporary": "Temporary",
                             "seasonal": "Seasonal", "internship": "Internship"}
VISIBILITIES: dict[str, str] = {"public": "Public", "staff_referral_only": "Staff referral only"}
EDUCATION_WANTED: dict[str, str] = {
    "none": "None", "hs_diploma": "High school diploma", "hs_equivalency": "High school equivalency",
    "some_postsecondary": "Some college", "postsecondary_certificate": "Postsecondary certificate",
    "associate": "Associate degree", "bachelor": "Bachelor's degree", "beyond_bachelor": "Beyond a bachelor's degree",
}


def posting_move_problem(current: str, to: str) -> str | None:
    if to not in POSTING_STATUSES:
        return f"{to!r} is not a posting status"
    if to not in POSTING_MOVES.get(current, ()):
        allowed = ", ".join(POSTING_STATUSES[s].lower() for s in POSTING_MOVES.get(current, ()))
        name = POSTING_STATUSES.get(current, current).lower()
        return f"A {name} posting cannot become {POSTING_STATUSES[to].lower()}" + (
            f"; it can become {allowed}" if allowed else "; a closed posting is final")
    return None


def employer_move_problem(current: str, to: str) -> str | None:
    if to not in EMPLOYER_STATUSES:
        return f"{to!r} is not an employer status"
    if to not in EMPLOYER_MOVES.get(current, ()):
        return (f"An employer {EMPLOYER_STATUSES.get(current, current).lower()} cannot become "
                f"{EMPLOYER_STATUSES[to].lower()}")
    return None


def filled_problem(openings: int, hired: int, reason: str | None) -> str | None:
    """A posting is filled when hired referrals fill every opening, or staff say how the rest were filled."""
    if hired >= openings or (reason and reason.strip()):
        return None
    return (f"{hired} of {openings} openings filled by hired referrals; say how the other "
            f"{openings - hired} were filled (reason)")


# --- employers ---------------------------------------------------------------------------------

EMPLOYER_FIELDS = ("name", "fein", "naics", "address_line1", "address_city", "address_state", "address_zip")
CONTACT_FIELDS = ("name", "title", "phone", "email")


def _state_and_zip(out: dict[str, Any], errors: list[dict[str, str]], data: dict[str, Any], state_key: str,
                   zip_key: str) -> None:
    """A USPS state (kept upper-case) and a 5-digit ZIP: the same checks for an employer and a posting."""
    state = _text(out, errors, data, state_key, 2 + 10)
    if state is not None:
        if state.upper() not in USPS_STATES:
            errors.append({"field": state_key, "message": "must be a 2-letter USPS code, e.g. KS"})
        else:
            out[state_key] = state.upper()
    zip_code = _text(out, errors, data, zip_key, 10)
    if zip_code is not None and not re.fullmatch(r"\d{5}", zip_code):
        errors.append({"field": zip_key, "message": "must be 5 digits"})


def _text(out: dict[str, Any], errors: list[dict[str, str]], data: dict[str, Any], key: str, max_length: int,
          *, required: bool = False, prefix: str = "") -> str | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and invisible(value)):
        if required:
            errors.append({"field": prefix + key, "message": "is required"})
        out[key] = None
        return None
    if not isinstance(value, str):
        errors.append({"field": prefix + key, "message": "must be text"})
        return None
    if (TEXT_CONTROL if key == "description" else CONTROL).search(value):  # a description may have lines and tabs
        errors.append({"field": prefix + key, "message": CONTROL_MESSAGE})
        return None
    if len(value.strip()) > max_length:
        errors.append({"field": prefix + key, "message": f"must be at most {max_length} characters"})
        return None
    out[key] = value.strip()
    return value.strip()


def check_employer(data: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Employer fields → (clean values, problems). FEIN and NAICS are optional but checked when given."""
    out: dict[str, Any] = {}
    errors: list[dict[str, str]] = []
    for key in data:
        if key not in EMPLOYER_FIELDS:
            errors.append({"field": key, "message": "is not an employer field"})
    _text(out, errors, data, "name", 200, required=True)
    fein = _text(out, errors, data, "fein", 10)
    if fein is not None:
        problem = fein_problem(fein)
        if problem:
            errors.append({"field": "fein", "message": problem})
        else:
            out["fein"] = normalize_fein(fein)
    naics = _text(out, errors, data, "naics", 6 + 10)
    if naics is not None and (problem := naics_problem(naics)):
        errors.append({"field": "naics", "message": problem})
    _text(out, errors, data, "address_line1", 200)
    _text(out, errors, data, "address_city", 100)
    _state_and_zip(out, errors, data, "address_state", "address_zip")
    return out, errors


def check_contact(data: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    out: dict[str, Any] = {}
    errors: list[dict[str, str]] = []
    for key in data:
        if key not in CONTACT_FIELDS:
            errors.append({"field": key, "message": "is not a contact field"})
    _text(out, errors, data, "name", 100, required=True)
    _text(out, errors, data, "title", 100)
    phone = _text(out, errors, data, "phone", 20)
    if phone is not None:
        try:
            out["phone"] = normalize_phone(phone)
        except ValueError as exc:
            errors.append({"field": "phone", "message": str(exc)})
    email = _text(out, errors, data, "email", 254)
    if email is not None and not EMAIL_RE.fullmatch(email):
        errors.append({"field": "email", "message": "must look like name@example.org"})
    return out, errors


# --- postings ----------------------------------------------------------------------------------

POSTING_FIELDS = ("title", "soc_code", "description", "city", "state", "zip", "wage_min", "wage_max", "wage_unit",
                  "job_type", "openings", "posted_date", "closing_date", "education_wanted", "experience_wanted",
                  "visibility")
# what an import line may carry besides the posting's own fields
IMPORT_FIELDS = ("id", "employer_id", "employer_fein", "status", *POSTING_FIELDS)
MAX_OPENINGS = 9999


@dataclass(frozen=True)
class Checked:
    values: dict[str, Any]
    errors: list[dict[str, str]]


def _choice(out: dict[str, Any], errors: list[dict[str, str]], data: dict[str, Any], key: str,
            choices: dict[str, str], *, default: str | None = None) -> None:
    value = data.get(key)
    if value is None or value == "":
        out[key] = default
        return
    if value not in choices:
        errors.append({"field": key, "message": f"must be one of {', '.join(choices)}"})
        return
    out[key] = value


def _money(out: dict[str, Any], errors: list[dict[str, str]], data: dict[str, Any], key: str, *, text_ok: bool) -> None:
    value = data.get(key)
    if value is None or value == "":
        out[key] = None
        return
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)) or (
            isinstance(value, str) and not text_ok):
        errors.append({"field": key, "message": "must be a number of dollars"})
        return
    try:
        amount = Decimal(str(value).replace(",", "").replace("$", "").strip())
    except InvalidOperation:
        errors.append({"field": key, "message": "must be a number of dollars, e.g. 18.50"})
        return
    if not amount.is_finite() or amount <= 0:
        errors.append({"field": key, "message": "must be more than zero dollars"})
        return
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]  # finite: the exponent is an int
        errors.append({"field": key, "message": "can have at most 2 decimal places"})
        return
    out[key] = amount


def _date(out: dict[str, Any], errors: list[dict[str, str]], data: dict[str, Any], key: str) -> None:
    value = data.get(key)
    if value is None or value == "":
        out[key] = None
        return
    if isinstance(value, date):
        out[key] = value
        return
    if not isinstance(value, str):
        errors.append({"field": key, "message": "must be a date written YYYY-MM-DD"})
        return
    try:
        out[key] = date.fromisoformat(value.strip())
    except ValueError:
        errors.append({"field": key, "message": "must be a real date written YYYY-MM-DD"})


def check_posting(data: dict[str, Any], *, text_numbers: bool = False) -> Checked:
    """Posting fields → clean values and problems by field path.

    ``text_numbers`` accepts ``"3"`` for a number (CSV cells are text); JSON must carry numbers
    as numbers, like ``seekers import``.
    """
    out: dict[str, Any] = {}
    errors: list[dict[str, str]] = []
    _text(out, errors, data, "title", 200, required=True)
    soc = _text(out, errors, data, "soc_code", 7 + 10)
    if soc is not None and (problem := soc_problem(soc)):
        errors.append({"field": "soc_code", "message": problem})
    _text(out, errors, data, "description", 20000)
    _text(out, errors, data, "city", 100)
    _state_and_zip(out, errors, data, "state", "zip")
    _money(out, errors, data, "wage_min", text_ok=text_numbers)
    _money(out, errors, data, "wage_max", text_ok=text_numbers)
    _choice(out, errors, data, "wage_unit", WAGE_UNITS)
    low, high, unit = out.get("wage_min"), out.get("wage_max"), out.get("wage_unit")
    if (low is not None or high is not None) and unit is None and "wage_unit" not in {e["field"] for e in errors}:
        errors.append({"field": "wage_unit", "message": "say whether the wage is per hour or per year"})
    if low is not None and high is not None and high < low:
        errors.append({"field": "wage_max", "message": "must not be less than the lowest wage"})
    if unit in WAGE_LIMITS:
        for key in ("wage_min", "wage_max"):
            if out.get(key) is not None and out[key] > WAGE_LIMITS[unit]:
                errors.append({"field": key, "message": f"is more than ${WAGE_LIMITS[unit]:,} {WAGE_UNITS[unit]}: "
                                                        "check the amount and the unit"})
    _choice(out, errors, data, "job_type", JOB_TYPES)
    openings = data.get("openings", 1)
    if openings is None or openings == "":
        openings = 1
    if isinstance(openings, str) and text_numbers and re.fullmatch(r"\s*\d+\s*", openings):
        openings = int(openings)
    if isinstance(openings, bool) or not isinstance(openings, int):
        errors.append({"field": "openings", "message": "must be a whole number"})
    elif not 1 <= openings <= MAX_OPENINGS:
        errors.append({"field": "openings", "message": f"must be from 1 to {MAX_OPENINGS}"})
    else:
        out["openings"] = openings
    _date(out, errors, data, "posted_date")
    _date(out, errors, data, "closing_date")
    if out.get("posted_date") and out.get("closing_date") and out["closing_date"] < out["posted_date"]:
        errors.append({"field": "closing_date", "message": "must not be before the posted date"})
    _choice(out, errors, data, "education_wanted", EDUCATION_WANTED)
    _text(out, errors, data, "experience_wanted", 200)
    _choice(out, errors, data, "visibility", VISIBILITIES, default="public")
    return Checked(out, errors)


def activation_problems(values: dict[str, Any]) -> list[dict[str, str]]:
    """What an active posting must have: job search finds postings by occupation and place."""
    errors = []
    if not values.get("soc_code"):
        errors.append({"field": "soc_code", "message": "an active posting needs its occupation (SOC code)"})
    if not values.get("zip") and not (values.get("city") and values.get("state")):
        errors.append({"field": "zip", "message": "an active posting needs a ZIP code or a city and state"})
    return errors


def check_import_line(data: Any, *, text_numbers: bool = False) -> Checked:
    """One line of ``postings import``: the posting, its employer (by id or FEIN), optional id and status."""
    if not isinstance(data, dict):
        return Checked({}, [{"field": "(record)", "message": "must be an object of posting fields"}])
    errors: list[dict[str, str]] = [{"field": k, "message": "is not a posting field"} for k in data
                                    if k not in IMPORT_FIELDS]
    checked = check_posting({k: v for k, v in data.items() if k in POSTING_FIELDS}, text_numbers=text_numbers)
    errors.extend(checked.errors)
    values = dict(checked.values)
    for key in ("id", "employer_id"):
        value = data.get(key)
        if value in (None, ""):
            values[key] = None
        elif not isinstance(value, str) or not re.fullmatch(r"[0-9a-fA-F-]{36}", value):
            errors.append({"field": key, "message": "must be a record id (36 characters)"})
        else:
            values[key] = value.lower()
    fein = data.get("employer_fein")
    values["employer_fein"] = None
    if fein not in (None, ""):
        if not isinstance(fein, str) or not re.fullmatch(r"\d{9}|\d{2}-\d{7}", fein.strip()):
            errors.append({"field": "employer_fein", "message": "must be 9 digits, written 12-3456789 or 123456789"})
        else:
            values["employer_fein"] = normalize_fein(fein)
    if values.get("employer_id") is None and values.get("employer_fein") is None \
            and not any(e["field"] in ("employer_id", "employer_fein") for e in errors):
        errors.append({"field": "employer_fein", "message": "name the employer by employer_fein or employer_id"})
    status = data.get("status")
    if status in (None, ""):
        values["status"] = "draft"
    elif status not in POSTING_STATUSES:
        errors.append({"field": "status", "message": f"must be one of {', '.join(POSTING_STATUSES)}"})
    else:
        values["status"] = status
        if status == "active":
            errors.extend(activation_problems(values))
    return Checked(values, errors)
