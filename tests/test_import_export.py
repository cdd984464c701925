"""`jobcenter seekers import/export` as an operator runs them."""

import json
import os
import stat
from pathlib import Path

from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from jobcenter_tui.cli import app

runner = CliRunner()

DANA = ('{"account_type": "staff_assisted", "first_name": "Dana", "last_name": "Reyes", "date_of_birth": "1979-04-02", '
        '"ssn": "219-09-9999", "sex": "female", "phone": "785-555-0143", "address": {"line1": "12 Elm St", "city": "Topeka", '
        '"state": "KS", "zip": "66603"}, "authorized_to_work": true, "veteran": {"status": "none"}, '
        '"education": {"highest_level": "hs_diploma", "school_status": "not_attending_graduate"}, '
        '"employment": {"status": "unemployed", "ui_status": "claimant", "weeks_unemployed": 6, "unlikely_to_return": true}, '
        '"dislocation": {"reason": "plant_closure", "date": "2026-04-30", "employer": "Midwest Castings", "ui_eligible_or_exhausted": true}, '
        '"income": {"family_size": 3, "annual_family_income": 24000, "snap": false}, '
        '"preferences": {"desired_occupations": [{"soc_code": "51-4121", "title": "Welders, Cutters, Solderers, and Brazers"}]}}')
LUIS = '{"first_name": "Luis", "last_name": "Núñez", "date_of_birth": "1988-10-12", "race": ["white"], "hispanic_latino": true}'


def _seekers(home: Path) -> int:
    engine = create_engine(f"sqlite:///{home / 'jobcenter.db'}")
    with engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM job_seeker")).scalar_one()
    engine.dispose()
    return int(n)


def _import(tmp_path: Path, *lines: str) -> tuple[int, dict]:
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["seekers", "import", str(src)])
    return result.exit_code, json.loads(result.stdout)


def test_good_file(empty_home: Path, tmp_path: Path) -> None:
    code, summary = _import(tmp_path, DANA, LUIS)
    assert code == 0
    assert summary == {"created": 2, "updated": 0, "rejected": []}
    assert _seekers(empty_home) == 2


def test_bad_lines_are_reported_and_skipped_good_ones_kept(empty_home: Path, tmp_path: Path) -> None:
    lines = [
        DANA,                                                                     # 1 ok
        '{"first_name": "X", "last_name": "Y", "date_of_birth": "1990-01-01", "shoe_size": 9}',   # 2 unknown field
        '{"first_name": "X", "last_name": "Y", "date_of_birth": "1990-01-01", "income": {"family_size": "two"}}',  # 3 type
        '{"first_name": "X", "last_name": "Y", "date_of_birth": "1990-01-01", "sex": "M"}',       # 4 enumeration
        '{"first_name": "X", "last_name": "Y", "date_of_birth": "1990-02-31"}',                   # 5 impossible date
        '{"first_name": "X", "last_name": "Y", "date_of_birth": "1990-01-01", "ssn": "666-01-2345"}',  # 6 invalid SSN
        "{not json",                                                              # 7
        "",                                                                       # 8 blank: skipped, still counted
        '{"first_name": "Z", "last_name": "Y", "date_of_birth": "1990-01-01", "ssn": "219-09-9999"}',  # 9 SSN of line 1
        '{"first_name": "X", "last_name": "Y", "date_of_birth": "1990-01-01", "case_manager": "ghost"}',  # 10 no such staff
        LUIS,                                                                     # 11 ok
    ]
    code, summary = _import(tmp_path, *lines)
    assert code == 1
    assert summary["created"] == 2 and summary["updated"] == 0
    by_line = {r["line"]: {e["field"]: e["message"] for e in r["errors"]} for r in summary["rejected"]}
    assert sorted(by_line) == [2, 3, 4, 5, 6, 7, 9, 10]
    assert "shoe_size" in by_line[2]
    assert "income.family_size" in by_line[3]
    assert "sex" in by_line[4]
    assert "date_of_birth" in by_line[5]
    assert "ssn" in by_line[6]
    assert "(record)" in by_line[7]
    assert "already belongs" in by_line[9]["ssn"]
    assert "case_manager" in by_line[10]
    assert "666-01" not in json.dumps(summary)
    assert _seekers(empty_home) == 2  # nothing of a bad line was written


def test_unreadable_file(empty_home: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["seekers", "import", str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 2
    binary = tmp_path / "bin.jsonl"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    assert runner.invoke(app, ["seekers", "import", str(binary)]).exit_code == 2


def test_export_then_import_gives_identical_records(empty_home: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert _import(tmp_path, DANA, LUIS)[0] == 0
    out = tmp_path / "export.jsonl"
    assert runner.invoke(app, ["seekers", "export", "--out", str(out)]).exit_code == 0
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    first = out.read_text(encoding="utf-8").splitlines()
    assert len(first) == 2
    dana = json.loads(first[0])
    expected = json.loads(DANA)
    assert {k: v for k, v in dana.items() if k != "id"} == expected  # the record came back as written

    # into the same store: every record recognised by id, nothing changes
    code, summary = _import(tmp_path, *first)
    assert code == 0 and summary["created"] == 0 and summary["unchanged"] == 2
    # into a fresh store: identical records, same ids
    fresh = tmp_path / "fresh"
    monkeypatch.setenv("JOBCENTER_HOME", str(fresh))
    code, summary = _import(tmp_path, *first)
    assert code == 0 and summary["created"] == 2
    again = runner.invoke(app, ["seekers", "export"]).stdout.splitlines()
    assert again == first


def test_import_updates_by_id_and_audits_the_change(empty_home: Path, tmp_path: Path) -> None:
    _import(tmp_path, DANA)
    exported = json.loads(runner.invoke(app, ["seekers", "export"]).stdout.splitlines()[0])
    exported["phone"] = "785-555-0199"
    exported["income"]["annual_family_income"] = 30000
    code, summary = _import(tmp_path, json.dumps(exported))
    assert code == 0 and summary["updated"] == 1
    engine = create_engine(f"sqlite:///{empty_home / 'jobcenter.db'}")
    with engine.connect() as conn:
        changes = conn.execute(text("SELECT changes FROM audit_log WHERE action = 'seeker.update'")).scalar_one()
    engine.dispose()
    fields = json.loads(changes)["fields"]
    assert fields["phone"] == {"old": "785-555-0143", "new": "785-555-0199"}
    assert fields["income.annual_family_income"] == {"old": "[redacted]", "new": "[redacted]"}


def test_same_ssn_twice_in_one_file_keeps_the_first(empty_home: Path, tmp_path: Path) -> None:
    a = '{"first_name": "A", "last_name": "One", "date_of_birth": "1990-01-01", "ssn": "219-09-9998"}'
    b = '{"first_name": "B", "last_name": "Two", "date_of_birth": "1991-01-01", "ssn": "219099998"}'
    code, summary = _import(tmp_path, a, b)
    assert code == 1 and summary["created"] == 1
    assert summary["rejected"][0]["line"] == 2
    assert "line 1 of this file" in summary["rejected"][0]["errors"][0]["message"]
    assert _seekers(empty_home) == 1


def test_a_record_repeated_in_one_file_is_created_then_updated(empty_home: Path, tmp_path: Path) -> None:
    rid = "0f8fad5b-d9cb-469f-a165-70867728950e"
    first = f'{{"id": "{rid}", "first_name": "A", "last_name": "One", "date_of_birth": "1990-01-01"}}'
    second = f'{{"id": "{rid}", "first_name": "A", "last_name": "Uno", "date_of_birth": "1990-01-01"}}'
    code, summary = _import(tmp_path, first, second)
    assert code == 0 and summary["created"] == 1 and summary["updated"] == 1
    exported = json.loads(runner.invoke(app, ["seekers", "export"]).stdout)
    assert exported["id"] == rid and exported["last_name"] == "Uno"


def test_line_separator_inside_a_string_is_not_a_new_line(empty_home: Path, tmp_path: Path) -> None:
    rec = {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1990-01-01",
           "address": {"line1": "Apt 4\u2028Rear"}}
    code, summary = _import(tmp_path, json.dumps(rec, ensure_ascii=False))
    assert code == 0 and summary["created"] == 1


def test_export_needs_the_privilege_before_anything_is_written(services) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from jobcenter_tui.domain.permissions import PermissionDenied
    from jobcenter_tui.services import system_actor

    services.staff.add(system_actor(), "fd", "Front", "tall maple river lantern", ["front_desk"])
    with pytest.raises(PermissionDenied):
        services.seekers.export_records(services.staff.actor_for("fd"))
    with pytest.raises(PermissionDenied):
        services.seekers.import_records(services.staff.actor_for("fd"), [])
