"""Issue 10, items 11-13: imports never crash, resume after a kill without duplicates, and name a busy store."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jobcenter_tui.cli import app
from jobcenter_tui.domain.lines import printable
from jobcenter_tui.domain.record import RecordInvalid, as_of_problem, parse_record
from jobcenter_tui.services import open_services, system_actor
from jobcenter_tui.services.seekers import IMPORT_BATCH

from .conftest import FAST_HASHER

runner = CliRunner()
GOOD = {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1980-01-01"}
ROOT = Path(__file__).resolve().parent.parent


def _line(**changes: object) -> bytes:
    return json.dumps({**GOOD, **changes}).encode()


HOSTILE: list[tuple[bytes, str | None]] = [  # (line, the field it is refused at; None: saved)
    (b"\xef\xbb\xbf" + _line(first_name="Bom"), None),                       # 1 BOM at the start: accepted
    (b"[" * 1000 + b"]" * 1000, "(record)"),                                  # 2 deep nesting
    (b'{"a":' * 1000 + b"1" + b"}" * 1000, "(record)"),                       # 3
    (_line(income={"family_size": 10**30}), "income.family_size"),           # 4 beyond 64 bits
    (_line(veteran={"active_duty_days": 2**64}), "veteran.active_duty_days"),  # 5 fits the model, not the store
    (b'{"first_name": "Ann\xff", "last_name": "Lee", "date_of_birth": "1980-01-01"}', "(record)"),  # 6 not UTF-8
    (_line(first_name="A\u0000nn"), "first_name"),                           # 7 NUL
    (_line(last_name="Lee\u001b[31m\u001b]0;owned\u0007"), "last_name"),     # 8 ESC, CSI and OSC sequences
    (_line(middle_name="x\u009b2J"), "middle_name"),                         # 9 C1 CSI
    (_line(first_name="\u202eeL"), "first_name"),                            # 10 bidi override
    (_line(first_name="\u200b\u200c\u2060"), "first_name"),                  # 11 zero-width only
    (_line(**{"\u001b[2Jkey": 1}), "\\x1b[2Jkey"),                           # 12 a field name with ESC
    (_line(first_name="x" * 2_000_000), "(record)"),                         # 13 very long line
    (b"1" * 5000, "(record)"),                                                # 14 too many digits
    (_line(income={"annual_family_income": 1.0})[:-3] + b"1e400}}", "(record)"),  # 15 a number beyond floats
    (_line(date_of_birth="1899-12-31"), "date_of_birth"),                    # 16 born before 1900
    (_line(date_of_birth="2999-01-01"), "date_of_birth"),                    # 17 born in the future
    (_line(first_name="Cy"), None),                                          # 18
]


def _seekers(home: Path) -> int:
    with sqlite3.connect(home / "jobcenter.db") as conn:
        return int(conn.execute("SELECT count(*) FROM job_seeker").fetchone()[0])


def _no_raw_controls(text: str) -> None:
    assert not any(ch in text for ch in "\x00\x1b\x07\x9b\u202e"), repr(text[:300])
    assert "Traceback" not in text


# --- item 11: imports never crash ---------------------------------------------------------------


def test_hostile_lines_are_refused_by_line_and_field_and_the_good_ones_saved(empty_home: Path, tmp_path: Path) -> None:
    src = tmp_path / "hostile.jsonl"
    src.write_bytes(b"\n".join(line for line, _ in HOSTILE) + b"\n")
    result = runner.invoke(app, ["seekers", "import", str(src)])
    assert result.exit_code == 1, result.output
    _no_raw_controls(result.stdout + result.stderr)
    summary = json.loads(result.stdout)
    assert summary["created"] == 2
    got = {r["line"]: [e["field"] for e in r["errors"]] for r in summary["rejected"]}
    want = {n: [field] for n, (_, field) in enumerate(HOSTILE, start=1) if field is not None}
    assert got == want
    assert all(e["label"] and e["message"] for r in summary["rejected"] for e in r["errors"])
    assert _seekers(empty_home) == 2
    with sqlite3.connect(empty_home / "jobcenter.db") as conn:  # the import itself is audited
        changes = conn.execute("SELECT changes FROM audit_log WHERE action = 'seeker.import'").fetchall()
    assert len(changes) == 1 and json.loads(changes[0][0])["rejected"] == len(want)


def test_printable_escapes_what_drives_a_terminal() -> None:
    assert printable("Lee\x1b[31m\x00\u009b\u202e") == "Lee\\x1b[31m\\x00\\x9b\\u202e"
    assert printable("Núñez") == "Núñez"
    assert printable("x" * 500).endswith("…") and len(printable("x" * 500)) == 201


@pytest.mark.parametrize(("data", "field"), [(line, field) for line, field in HOSTILE[1:] if field is not None]
                         + [(_line(date_of_birth="2000-01-01"), "as_of")])
def test_eligibility_check_refuses_hostile_input_with_exit_2(empty_home: Path, data: bytes, field: str) -> None:
    result = runner.invoke(app, ["eligibility", "check", "--as-of", "1999-06-01", "--json"], input=data)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    _no_raw_controls(result.stderr)
    assert field in [line.split(": ", 1)[0] for line in result.stderr.splitlines()], result.stderr


def test_eligibility_check_accepts_a_bom(empty_home: Path) -> None:
    result = runner.invoke(app, ["eligibility", "check", "--as-of", "2026-06-15", "--json"], input=HOSTILE[0][0])
    assert result.exit_code == 0 and json.loads(result.stdout)["programs"]


def test_dates_of_birth_and_as_of_are_refused_in_plain_words() -> None:
    today = date(2026, 6, 15)
    for born, words in (("1899-12-31", "before 1900-01-01"), ("2026-06-16", "in the future")):
        with pytest.raises(RecordInvalid) as exc:
            parse_record({**GOOD, "date_of_birth": born}, today)
        assert exc.value.errors == [{"field": "date_of_birth", "message": exc.value.errors[0]["message"]}]
        assert words in exc.value.errors[0]["message"]
    assert parse_record({**GOOD, "date_of_birth": "1900-01-01"}, today).date_of_birth == date(1900, 1, 1)
    assert "before the date of birth" in (as_of_problem(date(1980, 1, 1), date(1979, 12, 31)) or "")
    assert as_of_problem(date(1980, 1, 1), date(1980, 1, 1)) is None


def test_eligibility_show_refuses_an_as_of_before_birth(services) -> None:  # type: ignore[no-untyped-def]
    services.seekers.import_records(system_actor(), [json.dumps(GOOD)])
    with sqlite3.connect(services.settings.home / "jobcenter.db") as conn:
        seeker_id = conn.execute("SELECT id FROM job_seeker").fetchone()[0]
    result = runner.invoke(app, ["eligibility", "show", seeker_id, "--as-of", "1970-01-01"])
    assert result.exit_code == 2 and "as_of" in result.stderr and "date of birth" in result.stderr


def test_postings_import_refuses_hostile_lines_and_keeps_the_good_ones(empty_home: Path, tmp_path: Path) -> None:
    s = open_services(password_hasher=FAST_HASHER)
    s.employers.add(system_actor(), {"name": "Acme Castings", "fein": "48-1234567"})
    s.close()
    good = {"employer_fein": "48-1234567", "title": "Welder", "description": "Two lines\n\tand a tab"}
    lines = [b"\xef\xbb\xbf" + json.dumps(good).encode(),
             json.dumps({**good, "title": "Weld\u001b[2Jer"}).encode(),
             b'{"employer_fein": "48-1234567", "title": "W\xc3"}',
             b"[" * 1000,
             json.dumps({**good, "openings": 10**40}).encode(),
             json.dumps({**good, "title": "Fitter"}).encode()]
    src = tmp_path / "postings.jsonl"
    src.write_bytes(b"\n".join(lines))
    result = runner.invoke(app, ["postings", "import", str(src)])
    _no_raw_controls(result.stdout + result.stderr)
    summary = json.loads(result.stdout)
    assert result.exit_code == 1 and summary["created"] == 2
    assert {r["line"]: r["errors"][0]["field"] for r in summary["rejected"]} == {
        2: "title", 3: "(record)", 4: "(record)", 5: "openings"}
    csv_src = tmp_path / "postings.csv"
    csv_src.write_bytes(b"employer_fein,title,description\n"
                        b"481234567,Driver,\"two\nlines\"\n"
                        b"481234567,Dr\xffiver,\n"
                        b"481234567,Cook\x1b[31m,\n"
                        b"481234567,Baker,\n")
    result = runner.invoke(app, ["postings", "import", str(csv_src)])
    _no_raw_controls(result.stdout + result.stderr)
    summary = json.loads(result.stdout)
    assert summary["created"] == 2
    assert {r["line"]: r["errors"][0]["field"] for r in summary["rejected"]} == {4: "(record)", 5: "title"}


def _mutate(rng: random.Random, line: bytes) -> bytes:
    """One of the ways a line goes wrong: flipped, cut, injected bytes, deep or huge values."""
    kind = rng.randrange(9)
    if kind == 0 and line:
        i = rng.randrange(len(line))
        return line[:i] + bytes([rng.randrange(256)]) + line[i + 1:]
    if kind == 1:
        return line[: rng.randrange(len(line) + 1)]
    if kind == 2:
        i = rng.randrange(len(line) + 1)
        return line[:i] + rng.choice([b"\x00", b"\x1b[31m", b"\\u001b", b"\\u0000", b"\xc2\x9b", b"\xe2\x80\xae",
                                      b"\xff", b"\\u200b", b"\r", b'"', b"{", b"]", b"\xef\xbb\xbf"]) + line[i:]
    if kind == 3:
        depth = rng.choice([17, 200, 1000, 5000])
        return b'{"first_name":' + b"[" * depth + b"]" * depth + b"}"
    if kind == 4:
        return line.replace(b'"1', b"1" * rng.choice([19, 30, 400, 5000]) + b'"1', 1)
    if kind == 5:
        return _line(first_name=rng.choice(["\u200b", " ", "\u3164", "\ufeff\u2060", "A\u0007"]))
    if kind == 6:
        return line.replace(b"1980-01-01", rng.choice([b"1899-12-31", b"3000-01-01", b"1980-02-30", b"0001-01-01"]))
    if kind == 7:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 60)))
    return line


def test_fuzz_thousands_of_mutated_lines_never_crash_and_counts_add_up(services) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(20261210)
    base = [_line(first_name=f"Ann{i}", ssn=f"{100 + i:03d}-{1 + i % 98:02d}-{1000 + i:04d}", income={"family_size": 2})
            for i in range(40)]
    lines = [_mutate(rng, rng.choice(base)) for _ in range(8000)]
    data = b"\n".join(lines)
    started = time.perf_counter()
    summary = services.seekers.import_file(system_actor(), data, source="fuzz")
    assert time.perf_counter() - started < 60
    from jobcenter_tui.domain.lines import split_lines

    def blank(raw: bytes) -> bool:
        try:
            return not raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            return False

    counted = sum(1 for _, raw in split_lines(data) if not blank(raw))
    assert summary.lines_seen() == counted
    assert summary.rejected and summary.created
    for r in summary.rejected:
        assert r["errors"] and all(e["field"] and e["message"] and e["label"] for e in r["errors"])
        _no_raw_controls(json.dumps(r, ensure_ascii=False).replace("\\u", "u"))
    again = services.seekers.import_file(system_actor(), data, source="fuzz")
    assert again.created == 0 and again.skipped == summary.created + summary.updated + summary.unchanged
    assert again.lines_seen() == counted


# --- item 12: a killed import resumes without duplicates ----------------------------------------


def _kill_file(n: int) -> bytes:
    """Records with neither id nor SSN (re-running would duplicate them) and records with an SSN."""
    out = []
    for i in range(n):
        rec = {"first_name": f"Kim{i}", "last_name": "Fuzz", "date_of_birth": f"19{50 + i % 50}-0{1 + i % 9}-1{i % 10}"}
        if i % 2:
            rec["ssn"] = f"{101 + i // 9000:03d}-{11 + i % 80:02d}-{1000 + i % 9000:04d}"
        out.append(json.dumps(rec))
    return ("\n".join(out) + "\n").encode()


def _cli(home: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "JOBCENTER_HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "jobcenter_tui.cli", *args], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _count(db: Path) -> int:
    with sqlite3.connect(db, timeout=30) as conn:
        return int(conn.execute("SELECT count(*) FROM job_seeker").fetchone()[0])


def kill_during_import(home: Path, src: Path, rng: random.Random) -> None:
    """Start the import and SIGKILL it at a random moment: while it starts and reads (one time in
    three), else soon after one of its batches committed, so that the kill lands mid-import
    whatever the machine's load."""
    db = home / "jobcenter.db"
    before = _count(db)
    proc = _cli(home, "seekers", "import", str(src))
    if rng.randrange(3) == 0:
        time.sleep(rng.uniform(0.2, 1.5))
    else:  # counted in batches, not seconds: lands mid-import however fast the import or busy the machine
        target = before + IMPORT_BATCH * rng.randint(1, 2)
        deadline = time.monotonic() + 60
        while proc.poll() is None and _count(db) < target and time.monotonic() < deadline:
            time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()


def journalled_lines(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT lines FROM import_journal").fetchall()
    return sum(int(b or a) - int(a) + 1 for (text,) in rows for a, _, b in (p.partition("-") for p in text.split(",")))


def test_sigkill_during_import_20_times_then_rerun_saves_each_record_once(empty_home: Path, tmp_path: Path) -> None:
    lines = 4000  # 20,000 lines were run by hand (README); this bounds the suite's time
    src = tmp_path / "kill.jsonl"
    src.write_bytes(_kill_file(lines))
    db = empty_home / "jobcenter.db"
    rng = random.Random(12)
    progress = []
    for _ in range(20):
        kill_during_import(empty_home, src, rng)
        saved = _count(db)
        assert saved == journalled_lines(db)  # records and their journal rows were committed together
        progress.append(saved)
    assert 0 < progress[0] and len(set(progress)) > 2  # the kills did land in the middle of imports
    proc = _cli(empty_home, "seekers", "import", str(src))
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    summary = json.loads(out)
    assert summary["rejected"] == [] and summary["skipped"] > 0 and summary["created"] + summary["skipped"] == lines
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM job_seeker").fetchone()[0] == lines
        assert conn.execute("SELECT count(*) FROM (SELECT 1 FROM job_seeker GROUP BY first_name, last_name, "
                            "date_of_birth HAVING count(*) > 1)").fetchone()[0] == 0
    verify = _cli(empty_home, "audit", "verify")
    assert verify.wait(timeout=120) == 0, verify.communicate()


# --- item 13: a busy store is named -------------------------------------------------------------


def test_a_busy_store_is_named_and_the_import_can_be_run_again(empty_home: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBCENTER_BUSY_TIMEOUT", "0.2")
    data = b"\n".join(_line(first_name=name) for name in ("Ann", "Bo", "Cy"))
    s = open_services(password_hasher=FAST_HASHER)
    holder = sqlite3.connect(empty_home / "jobcenter.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock past the busy timeout
    try:
        summary = s.seekers.import_file(system_actor(), data, source="three.jsonl")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        s.close()
    out = summary.as_json()
    assert summary.created == 0 and out["store_busy"] == 3 and "again" in out["retry"] and not summary.audited
    messages = [e["message"] for r in out["rejected"] for e in r["errors"]]
    assert len(messages) == 3 and all(m.startswith("store busy") for m in messages)
    assert "refused" not in json.dumps(out)
    src = tmp_path / "three.jsonl"
    src.write_bytes(data)
    result = runner.invoke(app, ["seekers", "import", str(src)])  # run again: done
    assert result.exit_code == 0 and json.loads(result.stdout)["created"] == 3
    result = runner.invoke(app, ["seekers", "import", str(src)])
    assert result.exit_code == 0 and json.loads(result.stdout) == {"created": 0, "updated": 0, "rejected": [], "skipped": 3}


def test_a_store_busy_from_the_start_is_named_not_a_traceback(empty_home: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBCENTER_BUSY_TIMEOUT", "0.2")
    src = tmp_path / "one.jsonl"
    src.write_bytes(_line())
    holder = sqlite3.connect(empty_home / "jobcenter.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = runner.invoke(app, ["seekers", "import", str(src)])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 75, result.output
    assert result.stderr.startswith("store busy") and "Try again" in result.stderr
    assert _seekers(empty_home) == 0
