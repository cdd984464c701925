"""Employers and job postings: the checks, the status moves and their history, import and export."""

from __future__ import annotations

import json
import os
import stat
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from jobcenter_tui.cli import app
from jobcenter_tui.db.models import AuditEntry, Referral
from jobcenter_tui.domain.employers import (
    VALID_FEIN_PREFIXES,
    check_contact,
    check_employer,
    check_posting,
    fein_problem,
    naics_problem,
    posting_move_problem,
    soc_problem,
)
from jobcenter_tui.services import system_actor
from jobcenter_tui.services.errors import InvalidInput, PermissionDenied, StaleRecord

runner = CliRunner()
SYS = system_actor()
ACME = {"name": "Acme Castings", "fein": "48-1234567", "naics": "331512", "address_line1": "1 Foundry Rd",
        "address_city": "Topeka", "address_state": "KS", "address_zip": "66603"}
WELDER = {"title": "Welder", "soc_code": "51-4121", "city": "Topeka", "state": "KS", "zip": "66603",
          "wage_min": Decimal("19.50"), "wage_max": Decimal("24"), "wage_unit": "hour", "job_type": "full_time",
          "openings": 2}


# --- the checks, as tables -----------------------------------------------------------------------

@pytest.mark.parametrize(("fein", "ok"), [
    ("48-1234567", True), ("481234567", True), ("01-0000001", True), ("99-9999999", True), ("45-1234567", True),
    ("4812345678", False), ("48-123456", False), ("481-234567", False), ("ab-cdefghi", False), ("", False),
    *[(f"{p}-1234567", False) for p in ("00", "07", "08", "09", "17", "18", "19", "28", "29", "49", "69", "70",
                                        "78", "79", "89", "96", "97")],
])
def test_fein(fein: str, ok: bool) -> None:
    assert (fein_problem(fein) is None) is ok, fein_problem(fein)


def test_fein_prefixes_are_the_irs_list() -> None:
    invalid = {"00", "07", "08", "09", "17", "18", "19", "28", "29", "49", "69", "70", "78", "79", "89", "96", "97"}
    assert VALID_FEIN_PREFIXES == {f"{n:02d}" for n in range(100)} - invalid


@pytest.mark.parametrize(("code", "ok"), [
    ("331512", True), ("722511", True), ("921110", True), ("33151", False), ("3315120", False), ("33-1512", False),
    ("101234", False), ("991234", False), ("abcdef", False),
    ("331599", False), ("722599", False),  # a sector that exists, an industry NAICS 2022 does not have
])
def test_naics(code: str, ok: bool) -> None:
    assert (naics_problem(code) is None) is ok


@pytest.mark.parametrize(("code", "ok"), [
    ("51-4121", True), ("29-1141", True), ("514121", False), ("51-412", False), ("5-14121", False), ("51_4121", False),
    ("51-4120", False), ("51-0000", False), ("51-9998", False),  # a group, a major group, no such occupation
])
def test_soc(code: str, ok: bool) -> None:
    assert (soc_problem(code) is None) is ok


@pytest.mark.parametrize(("fields", "bad"), [
    ({"wage_min": 18, "wage_unit": "hour"}, set()),
    ({"wage_min": 45000, "wage_max": 52000, "wage_unit": "year"}, set()),
    ({"wage_min": 18}, {"wage_unit"}),
    ({"wage_min": 18, "wage_unit": "week"}, {"wage_unit"}),
    ({"wage_min": 24, "wage_max": 18, "wage_unit": "hour"}, {"wage_max"}),
    ({"wage_min": 45000, "wage_unit": "hour"}, {"wage_min"}),  # a yearly amount said per hour
    ({"wage_min": "18.50", "wage_unit": "hour"}, {"wage_min"}),  # JSON: a number, not text
    ({"wage_min": 0, "wage_unit": "hour"}, {"wage_min"}),
    ({"wage_min": Decimal("18.505"), "wage_unit": "hour"}, {"wage_min"}),
    ({"openings": 0}, {"openings"}),
    ({"openings": "3"}, {"openings"}),
    ({"soc_code": "514121"}, {"soc_code"}),
    ({"zip": "6660"}, {"zip"}),
    ({"state": "XX"}, {"state"}),
    ({"job_type": "gig"}, {"job_type"}),
    ({"visibility": "secret"}, {"visibility"}),
    ({"posted_date": "2026-06-15", "closing_date": "2026-06-01"}, {"closing_date"}),
    ({"posted_date": "2026-02-30"}, {"posted_date"}),
    ({"title": ""}, {"title"}),
])
def test_posting_checks(fields: dict, bad: set[str]) -> None:
    checked = check_posting({"title": "Welder", **fields})
    assert {e["field"] for e in checked.errors} == bad, checked.errors


def test_csv_cells_may_hold_numbers_as_text() -> None:
    checked = check_posting({"title": "Welder", "wage_min": "18.50", "wage_unit": "hour", "openings": "3"},
                            text_numbers=True)
    assert checked.errors == [] and checked.values["wage_min"] == Decimal("18.50") and checked.values["openings"] == 3


def test_employer_and_contact_checks() -> None:
    assert check_employer(ACME)[1] == []
    assert {e["field"] for e in check_employer({"name": "", "fein": "07-1234567", "naics": "12"})[1]} == {
        "name", "fein", "naics"}
    values, errors = check_contact({"name": "Ann Lee", "phone": "(785) 555-0143", "email": "ann@acme.example.com"})
    assert errors == [] and values["phone"] == "7855550143"
    assert {e["field"] for e in check_contact({"name": "Ann", "phone": "555", "email": "nope"})[1]} == {"phone", "email"}


@pytest.mark.parametrize(("current", "to", "ok"), [
    ("draft", "active", True), ("draft", "filled", False), ("active", "on_hold", True), ("active", "filled", True),
    ("active", "closed", True), ("on_hold", "active", True), ("filled", "active", True), ("closed", "active", False),
    ("active", "draft", False), ("active", "expired", False),
])
def test_posting_moves(current: str, to: str, ok: bool) -> None:
    assert (posting_move_problem(current, to) is None) is ok


# --- services ------------------------------------------------------------------------------------

def _employer(services):  # type: ignore[no-untyped-def]
    return services.employers.add(SYS, ACME)


def test_add_employer_contact_and_find_it(services, admin) -> None:  # type: ignore[no-untyped-def]
    emp = services.employers.add(admin, ACME)
    assert emp.fein == "481234567" and emp.status == "active"
    services.employers.add_contact(admin, emp.id, {"name": "Ann Lee", "title": "HR", "phone": "785-555-0143"})
    assert [r.name for r in services.employers.search(admin, "cast")] == ["Acme Castings"]
    assert [r.name for r in services.employers.search(admin, "48-123")] == ["Acme Castings"]
    assert services.employers.search(admin, "nothing like it") == []
    detail = services.employers.get(admin, emp.id)
    assert [c.name for c in detail.contacts] == ["Ann Lee"]
    with pytest.raises(InvalidInput) as exc:
        services.employers.add(admin, {**ACME, "name": "Other"})
    assert "fein" in exc.value.errors  # one FEIN, one employer


def test_a_case_manager_may_look_but_not_change(services, admin) -> None:  # type: ignore[no-untyped-def]
    services.staff.add(admin, "cm", "Casey Morgan", "tall maple river lantern", ["case_manager"], office="TOP")
    cm = services.staff.actor_for("cm")
    emp = _employer(services)
    assert services.employers.get(cm, emp.id).name == "Acme Castings"
    with pytest.raises(PermissionDenied, match="Manage employers"):
        services.employers.add(cm, {"name": "X"})
    with pytest.raises(PermissionDenied, match="Manage job postings"):
        services.postings.add(cm, emp.id, WELDER)


def test_status_moves_keep_their_history_and_audit(services, admin, clock) -> None:  # type: ignore[no-untyped-def]
    emp = _employer(services)
    p = services.postings.add(admin, emp.id, WELDER)
    assert p.status == "draft" and p.posted_date == clock.now.date()
    clock.advance(hours=1)
    p = services.postings.move(admin, p.id, "active", expected_version=p.version)
    p = services.postings.move(admin, p.id, "on_hold", expected_version=p.version, reason="strike")
    with pytest.raises(InvalidInput, match="cannot become draft"):
        services.postings.move(admin, p.id, "draft", expected_version=p.version)
    with pytest.raises(InvalidInput) as exc:
        services.postings.move(admin, p.id, "closed", expected_version=p.version)
    assert "reason" in exc.value.errors
    p = services.postings.move(admin, p.id, "closed", expected_version=p.version, reason="expired")
    assert [(h.from_status, h.to_status, h.reason) for h in p.history] == [
        ("on_hold", "closed", "expired"), ("active", "on_hold", "strike"), ("draft", "active", None),
        (None, "draft", "created")]
    assert all(h.by == "root.admin" for h in p.history)
    assert p.allowed_moves == ()
    with services.db.session() as session:
        rows = session.exec(select(AuditEntry).where(AuditEntry.entity_id == p.id)).all()
    assert [r.action for r in rows] == ["posting.add", "posting.status", "posting.status", "posting.status"]
    assert rows[-1].reason == "expired"


def test_activation_needs_an_occupation_a_place_and_an_active_employer(services, admin) -> None:  # type: ignore[no-untyped-def]
    emp = services.employers.add(admin, ACME, status="pending_approval")
    p = services.postings.add(admin, emp.id, {"title": "Welder"})
    with pytest.raises(InvalidInput) as exc:
        services.postings.move(admin, p.id, "active", expected_version=p.version)
    assert set(exc.value.errors) == {"soc_code", "zip", "status"}
    p = services.postings.update(admin, p.id, {"soc_code": "51-4121", "zip": "66603"}, expected_version=p.version)
    emp = services.employers.set_status(admin, emp.id, "active", expected_version=emp.version)
    assert services.postings.move(admin, p.id, "active", expected_version=p.version).status == "active"


def test_filled_when_hired_referrals_fill_the_openings(services, admin) -> None:  # type: ignore[no-untyped-def]
    services.seekers.import_records(SYS, ['{"first_name":"Dana","last_name":"Reyes","date_of_birth":"1979-04-02"}',
                                          '{"first_name":"Luis","last_name":"Nunez","date_of_birth":"1988-10-12"}'])
    seekers = [r.id for r in services.search.search(admin, "reyes").rows + services.search.search(admin, "nunez").rows]
    emp = _employer(services)
    p = services.postings.add(admin, emp.id, WELDER)  # 2 openings
    p = services.postings.move(admin, p.id, "active", expected_version=p.version)
    with services.db.session(write=True) as session:
        session.add(Referral(seeker_id=seekers[0], posting_id=p.id, status="hired", staff="root.admin"))
    with pytest.raises(InvalidInput, match="1 of 2 openings"):
        services.postings.move(admin, p.id, "filled", expected_version=p.version)
    with services.db.session(write=True) as session:
        session.add(Referral(seeker_id=seekers[1], posting_id=p.id, status="hired", staff="root.admin"))
    detail = services.postings.get(admin, p.id)
    assert detail.hired == 2 and {r.seeker_name for r in detail.referrals} == {"Reyes, Dana", "Nunez, Luis"}
    assert services.postings.move(admin, p.id, "filled", expected_version=p.version).status == "filled"


def test_filled_with_fewer_hires_needs_a_reason(services, admin) -> None:  # type: ignore[no-untyped-def]
    emp = _employer(services)
    p = services.postings.add(admin, emp.id, WELDER)
    p = services.postings.move(admin, p.id, "active", expected_version=p.version)
    p = services.postings.move(admin, p.id, "filled", expected_version=p.version, reason="employer hired walk-ins")
    assert p.history[0].reason == "employer hired walk-ins"


def test_a_stale_edit_is_refused_and_changes_nothing(services, admin) -> None:  # type: ignore[no-untyped-def]
    emp = _employer(services)
    p = services.postings.add(admin, emp.id, WELDER)
    services.postings.update(admin, p.id, {"openings": 3}, expected_version=p.version)
    with pytest.raises(StaleRecord):
        services.postings.update(admin, p.id, {"title": "Welder II"}, expected_version=p.version)
    with pytest.raises(StaleRecord):
        services.postings.move(admin, p.id, "active", expected_version=p.version)
    with pytest.raises(StaleRecord):
        services.employers.update(admin, emp.id, {"name": "Acme"}, expected_version=emp.version - 1)
    now = services.postings.get(admin, p.id)
    assert (now.title, now.openings, now.status) == ("Welder", 3, "draft")


# --- import and export ---------------------------------------------------------------------------

def _invoke_import(path: Path) -> tuple[int, dict]:
    result = runner.invoke(app, ["postings", "import", str(path)])
    return result.exit_code, json.loads(result.stdout)


def _store(home: Path):  # type: ignore[no-untyped-def]
    from jobcenter_tui.services import open_services

    from .conftest import FAST_HASHER
    return open_services(password_hasher=FAST_HASHER)


def test_import_json_lines_reports_bad_lines_and_writes_none_of_them(empty_home: Path, tmp_path: Path) -> None:
    s = _store(empty_home)
    emp = s.employers.add(SYS, ACME)
    s.close()
    good = {"employer_fein": "48-1234567", "title": "Welder", "soc_code": "51-4121", "zip": "66603",
            "wage_min": 19.5, "wage_unit": "hour", "status": "active"}
    lines = [
        json.dumps(good),
        json.dumps({**good, "soc_code": "514121", "wage_min": "19.50", "colour": "red"}),
        "",
        "{not json",
        json.dumps({**good, "employer_fein": "99-9999999"}),
        json.dumps({**good, "employer_fein": None, "employer_id": emp.id, "title": "Fitter", "openings": 3}),
        json.dumps({**good, "status": "expired"}),
    ]
    src = tmp_path / "postings.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, summary = _invoke_import(src)
    assert code == 1
    assert summary["created"] == 2 and summary["updated"] == 0
    rejected = {r["line"]: {e["field"] for e in r["errors"]} for r in summary["rejected"]}
    assert rejected == {2: {"soc_code", "wage_min", "colour"}, 4: {"(record)"}, 5: {"employer_fein"}, 7: {"status"}}
    s = _store(empty_home)
    titles = sorted((p.title, p.status) for p in s.employers.get(SYS, emp.id).postings)
    assert titles == [("Fitter", "active"), ("Welder", "active")]
    s.close()


def test_import_csv_counts_lines_from_the_header(empty_home: Path, tmp_path: Path) -> None:
    s = _store(empty_home)
    s.employers.add(SYS, ACME)
    s.close()
    src = tmp_path / "postings.csv"
    src.write_text(
        "employer_fein,title,soc_code,zip,wage_min,wage_max,wage_unit,openings,description\n"
        '481234567,Welder,51-4121,66603,19.50,24,hour,2,"Two lines\nof description"\n'
        "481234567,Driver,53-3032,6660,18,17,hour,x,\n"
        "481234567,Cook,35-2014,66603,,,,1,\n", encoding="utf-8")
    code, summary = _invoke_import(src)
    assert code == 1 and summary["created"] == 2
    assert [(r["line"], sorted(e["field"] for e in r["errors"])) for r in summary["rejected"]] == [
        (4, ["openings", "wage_max", "zip"])]


def test_export_then_import_gives_back_the_same_postings(empty_home: Path, tmp_path: Path) -> None:
    s = _store(empty_home)
    emp = s.employers.add(SYS, ACME)
    p = s.postings.add(SYS, emp.id, {**WELDER, "description": "Ünïcode — MIG/TIG", "wage_min": Decimal("19.55")})
    s.postings.move(SYS, p.id, "active", expected_version=p.version)
    s.postings.add(SYS, emp.id, {"title": "Office clerk", "wage_min": 41000, "wage_unit": "year"})
    s.close()
    out = tmp_path / "postings.jsonl"
    assert runner.invoke(app, ["postings", "export", "--out", str(out)]).exit_code == 0
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    first = out.read_text(encoding="utf-8").splitlines()
    assert len(first) == 2 and json.loads(first[0])["employer_fein"] == "481234567"
    code, summary = _invoke_import(out)
    assert (code, summary) == (0, {"created": 0, "updated": 0, "rejected": [], "unchanged": 2})
    again = runner.invoke(app, ["postings", "export"]).stdout.splitlines()
    assert again == first
    # an edited line updates its posting, and a status change lands in the history
    changed = [json.loads(line) for line in first]
    target = next(c for c in changed if c["status"] == "active")
    target["status"], target["openings"] = "on_hold", 5
    out.write_text("\n".join(json.dumps(c) for c in changed) + "\n", encoding="utf-8")
    code, summary = _invoke_import(out)
    assert (code, summary["updated"], summary["unchanged"]) == (0, 1, 1)
    s = _store(empty_home)
    detail = s.postings.get(SYS, target["id"])
    assert detail.openings == 5 and (detail.history[0].from_status, detail.history[0].to_status) == ("active", "on_hold")
    s.close()


def test_import_unreadable_file_exits_2(empty_home: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["postings", "import", str(tmp_path / "missing.csv")]).exit_code == 2


def test_demo_employers_have_valid_feins(demo_services) -> None:  # type: ignore[no-untyped-def]
    rows = demo_services.employers.search(SYS, "")
    assert rows and all(r.fein and fein_problem(r.fein) is None for r in rows)


def test_the_industry_question_takes_a_chosen_naics_industry() -> None:
    """The employer form's NAICS question: "331512 Steel Investment Foundries" keeps the code; others are refused."""
    from datetime import date

    from jobcenter_tui.domain.questions import Context, Question

    q = Question("naics", "Industry (NAICS)", "naics")
    ctx = Context(date(2026, 6, 15), "staff")
    assert q.parse("331512 Steel Investment Foundries", ctx) == "331512"
    assert q.display("331512").startswith("331512 Steel Investment Foundries")
    for bad in ("331599", "3315", "steel"):
        with pytest.raises(ValueError, match="Industry"):
            q.parse(bad, ctx)
