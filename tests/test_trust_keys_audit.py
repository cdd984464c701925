"""Issue 10, items 1 and 9: a store refuses another store's key, the key can be rotated, and the
audit log is tamper-evident against someone who holds the database file."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from jobcenter_tui.cli import app as cli_app
from jobcenter_tui.db.models import AuditEntry
from jobcenter_tui.domain.audit import AuditContent, chain_hash
from jobcenter_tui.services import Services, kiosk_actor, open_services, system_actor
from jobcenter_tui.services.crypto import KeyFileError, Keyring, StoreKeyChanged, WrongKeyError, create_key_file
from jobcenter_tui.services.keys import rotate_key
from tests.conftest import FAST_HASHER
from tests.console import what_the_sign_in_screen_says

DANA = {"first_name": "Dana", "last_name": "Reyes", "date_of_birth": "1979-04-02", "ssn": "219-09-9999"}
LUIS = {"first_name": "Luis", "last_name": "Núñez", "date_of_birth": "1988-10-12", "ssn": "078-05-1120"}
ROOT = Path(__file__).resolve().parent.parent


def _people(services: Services, admin) -> dict[str, str]:  # type: ignore[no-untyped-def]
    dana = services.registration.register(admin, DANA).id
    luis = services.registration.register(admin, LUIS).id
    # a kiosk registration with Dana's SSN: the SSN is kept, encrypted and indexed, on the possible duplicate
    kiosk = services.registration.register(kiosk_actor("TOP"), {**DANA, "first_name": "Dayna"}).id
    return {"dana": dana, "luis": luis, "kiosk": kiosk}


def _dump(db_path: Path) -> list[str]:
    con = sqlite3.connect(db_path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def _swap_in_other_key(home: Path) -> Path:
    key = home / "jobcenter.key"
    key.rename(home / "jobcenter.key.mine")
    create_key_file(key)  # a valid key, just not this store's
    return key


# --- item 1: the key belongs to the store -------------------------------------------------------------


def test_a_store_records_its_key_id(services, admin) -> None:  # type: ignore[no-untyped-def]
    with services.db.session() as s:
        stored = s.execute(text("SELECT value FROM app_meta WHERE key = 'key_id'")).scalar()
    assert stored == services.keyring.key_id


def test_another_valid_key_is_refused_and_nothing_is_written(services, admin, home) -> None:  # type: ignore[no-untyped-def]
    _people(services, admin)
    services.close()
    before = _dump(home / "jobcenter.db")
    _swap_in_other_key(home)
    with pytest.raises(WrongKeyError, match=r"does not belong to this store \(key …\w{4}, store expects …\w{4}\)") as exc:
        open_services(password_hasher=FAST_HASHER)
    assert isinstance(exc.value, KeyFileError) and "JOBCENTER_KEY_FILE" in str(exc.value)
    assert _dump(home / "jobcenter.db") == before
    # the right key (named by JOBCENTER_KEY_FILE) still opens it
    os.environ["JOBCENTER_KEY_FILE"] = str(home / "jobcenter.key.mine")
    try:
        again = open_services(password_hasher=FAST_HASHER)
        assert again.search.search(admin, "219-09-9999").rows
        again.close()
    finally:
        del os.environ["JOBCENTER_KEY_FILE"]


def test_a_store_from_before_key_ids_adopts_only_a_key_that_reads_its_ssns(services, admin, home) -> None:  # type: ignore[no-untyped-def]
    _people(services, admin)
    with services.db.session(write=True) as s:  # what a store made before this change looks like
        s.execute(text("DELETE FROM app_meta WHERE key IN ('key_id', 'audit_key')"))
    services.close()
    before = _dump(home / "jobcenter.db")
    _swap_in_other_key(home)
    with pytest.raises(WrongKeyError, match="cannot read the SSNs in this store"):
        open_services(password_hasher=FAST_HASHER)
    assert _dump(home / "jobcenter.db") == before
    (home / "jobcenter.key").unlink()
    (home / "jobcenter.key.mine").rename(home / "jobcenter.key")
    adopted = open_services(password_hasher=FAST_HASHER)
    with adopted.db.session() as s:
        assert s.execute(text("SELECT value FROM app_meta WHERE key = 'key_id'")).scalar() == adopted.keyring.key_id
    adopted.close()


@pytest.mark.parametrize("args", [[], ["audit", "verify"], ["key", "rotate"]])
def test_the_console_and_commands_say_so_without_a_traceback(services, admin, home, args) -> None:  # type: ignore[no-untyped-def]
    _people(services, admin)
    services.close()
    _swap_in_other_key(home)
    if not args:  # the console: said on its sign-in screen (drawn before the store is opened)
        said, status = what_the_sign_in_screen_says()
        assert status == 2 and "does not belong to this store" in said
        return
    result = CliRunner().invoke(cli_app, args)
    assert result.exit_code == 2
    assert "does not belong to this store" in result.output and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


# --- item 1: rotation -----------------------------------------------------------------------------------


def _all_ssns(services: Services) -> list[str]:
    with services.db.session() as s:
        blobs = [r[0] for r in s.execute(text(
            "SELECT ssn_cipher FROM job_seeker WHERE ssn_cipher IS NOT NULL UNION ALL "
            "SELECT ssn_cipher FROM possible_duplicate WHERE ssn_cipher IS NOT NULL"))]
    return sorted(services.keyring.decrypt(b).reveal() for b in blobs)


def test_rotation_reencrypts_everything_and_refuses_the_old_key(services, admin, home) -> None:  # type: ignore[no-untyped-def]
    ids = _people(services, admin)
    key = home / "jobcenter.key"
    old_bytes, old_id = key.read_bytes(), services.keyring.key_id
    ssns = _all_ssns(services)
    with services.db.session() as s:
        old_cols = s.execute(text("SELECT ssn_cipher, ssn_index, ssn_last4_index FROM job_seeker ORDER BY pk")).all()
        old_dup = s.execute(text("SELECT ssn_cipher, ssn_index FROM possible_duplicate WHERE ssn_cipher IS NOT NULL")).all()
    assert len(ssns) == 3 and len(old_dup) == 1

    done = rotate_key(services, system_actor())
    assert done.ssns == 3
    # every value made with the key changed, and reads under the new key
    with services.db.session() as s:
        new_cols = s.execute(text("SELECT ssn_cipher, ssn_index, ssn_last4_index FROM job_seeker ORDER BY pk")).all()
        new_dup = s.execute(text("SELECT ssn_cipher, ssn_index FROM possible_duplicate WHERE ssn_cipher IS NOT NULL")).all()
        row = s.execute(text("SELECT changes FROM audit_log WHERE action = 'key.rotate'")).one()
    for o, n in zip(old_cols, new_cols, strict=True):
        assert o[0] is None or (o[0] != n[0] and o[1] != n[1] and o[2] != n[2])
    assert new_dup[0][0] != old_dup[0][0] and new_dup[0][1] != old_dup[0][1]
    assert _all_ssns(services) == ssns
    # the key files: new one in place, old one kept aside, both owner-only
    assert key.read_bytes() != old_bytes and done.old_key_file.read_bytes() == old_bytes
    assert done.old_key_file.name.startswith("jobcenter.key.old-")
    for f in (key, done.old_key_file):
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
    assert not (home / "jobcenter.key.rotating").exists()
    # audited, with no key material
    audit = json.dumps(row[0])
    assert old_bytes.strip().decode() not in audit and key.read_bytes().strip().decode() not in audit
    assert services.keyring.key_id not in audit and old_id not in audit
    services.close()

    again = open_services(password_hasher=FAST_HASHER)
    assert [r.id for r in again.search.search(admin, "219-09-9999").rows] == [ids["dana"]]
    assert {r.id for r in again.search.search(admin, "1120").rows} == {ids["luis"]}
    assert again.seekers.reveal_ssn(admin, ids["luis"], "identity check") == "078-05-1120"
    assert again.audit.verify(admin).ok
    again.close()
    os.environ["JOBCENTER_KEY_FILE"] = str(done.old_key_file)
    try:
        with pytest.raises(WrongKeyError, match="does not belong to this store"):
            open_services(password_hasher=FAST_HASHER)
    finally:
        del os.environ["JOBCENTER_KEY_FILE"]


def test_a_console_open_during_rotation_cannot_save_under_the_old_key(services, admin, home) -> None:  # type: ignore[no-untyped-def]
    _people(services, admin)
    other = open_services(password_hasher=FAST_HASHER)  # a second console, opened before the rotation
    rotate_key(services, system_actor())
    with pytest.raises(StoreKeyChanged, match="Close it and start it again"):
        other.registration.register(admin, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1990-01-01",
                                            "ssn": "219-09-9998"})
    other.close()
    with services.db.session() as s:
        assert s.execute(text("SELECT count(*) FROM job_seeker WHERE last_name = 'Lee'")).scalar() == 0


def test_a_failure_before_commit_leaves_the_old_key_working(services, admin, home) -> None:  # type: ignore[no-untyped-def]
    ids = _people(services, admin)
    key = home / "jobcenter.key"
    old_bytes = key.read_bytes()

    def fail(stage: str) -> None:
        if stage == "before-commit":
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        rotate_key(services, system_actor(), fault=fail)
    assert key.read_bytes() == old_bytes and not (home / "jobcenter.key.rotating").exists()
    assert not list(home.glob("jobcenter.key.old-*"))
    services.close()
    again = open_services(password_hasher=FAST_HASHER)
    assert again.seekers.reveal_ssn(admin, ids["dana"], "identity check") == "219-09-9999"
    again.close()


_KILLER = """
import os, signal, sys
from jobcenter_tui.services import open_services, system_actor
from jobcenter_tui.services.keys import rotate_key
stage = sys.argv[1]
services = open_services()
def fault(at):
    if at == stage:
        os.kill(os.getpid(), signal.SIGKILL)
rotate_key(services, system_actor(), fault=fault)
"""


@pytest.mark.parametrize("stage", ["before-commit", "after-commit"])
def test_sigkill_during_rotation_never_loses_the_key(services, admin, home, stage) -> None:  # type: ignore[no-untyped-def]
    """Killed before the commit: the old key opens the store. Killed between the commit and the
    swap of key files: the next open finds the new key beside the old one and finishes the swap."""
    ids = _people(services, admin)
    services.close()
    key = home / "jobcenter.key"
    old_bytes = key.read_bytes()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JOBCENTER_HOME": str(home)}
    proc = subprocess.run([sys.executable, "-c", _KILLER, stage], env=env, cwd=ROOT, capture_output=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert key.read_bytes() == old_bytes  # the swap never happened
    again = open_services(password_hasher=FAST_HASHER)
    assert again.seekers.reveal_ssn(admin, ids["dana"], "identity check") == "219-09-9999"
    assert [r.id for r in again.search.search(admin, "219-09-9999").rows] == [ids["dana"]]
    assert again.audit.verify(admin).ok
    if stage == "after-commit":
        assert key.read_bytes() != old_bytes and len(list(home.glob("jobcenter.key.old-*"))) == 1
    else:
        assert key.read_bytes() == old_bytes
    assert not (home / "jobcenter.key.rotating").exists() or stage == "before-commit"
    again.close()


# --- item 9: the audit log ------------------------------------------------------------------------------


def _rows(services: Services) -> list[AuditEntry]:
    from sqlmodel import select

    with services.db.session() as s:
        return list(s.exec(select(AuditEntry).order_by(AuditEntry.id)).all())  # type: ignore[arg-type]


def _content(row: AuditEntry, **change: object) -> AuditContent:
    values = {k: getattr(row, k) for k in ("at", "staff", "os_user", "terminal", "action", "entity", "entity_id",
                                           "changes", "reason")}
    values.update(change)
    return AuditContent(**values)  # type: ignore[arg-type]


def _tamper(home: Path, statements: list[tuple[str, tuple[object, ...]]]) -> None:
    """What someone holding the database file can do: drop the append-only triggers and edit."""
    con = sqlite3.connect(home / "jobcenter.db")
    con.execute("DROP TRIGGER audit_log_no_update")
    con.execute("DROP TRIGGER audit_log_no_delete")
    for sql, params in statements:
        con.execute(sql, params)
    con.commit()
    con.close()


def _plain_rewrite(rows: list[AuditEntry], start: int, upto: int, **change: object) -> list[tuple[str, tuple[object, ...]]]:
    """Rewrite row ``start`` and recompute plain SHA-256 hashes for it and the rows up to ``upto``."""
    by_id = {r.id: r for r in rows}
    prev = by_id[start].prev_hash
    out: list[tuple[str, tuple[object, ...]]] = []
    for i in range(start, upto + 1):
        content = _content(by_id[i], **(change if i == start else {}))
        digest = chain_hash(prev, content)  # no key: all the attacker can compute
        out.append(("UPDATE audit_log SET staff = ?, prev_hash = ?, hash = ? WHERE id = ?", (content.staff, prev, digest, i)))
        prev = digest
    return out


def _scenario(name: str, rows: list[AuditEntry]) -> tuple[list[tuple[str, tuple[object, ...]]], int]:
    last = rows[-1].id
    assert last is not None and last >= 6
    if name == "a-change-content":
        return [("UPDATE audit_log SET staff = 'someone-else' WHERE id = 3", ())], 3
    if name == "b-change-and-rehash-row":
        return _plain_rewrite(rows, 3, 3, staff="someone-else"), 3
    if name == "c-rewrite-and-rehash-all-later":
        return _plain_rewrite(rows, 3, last, staff="someone-else"), 3
    if name == "d-delete-last-rows":
        return [("DELETE FROM audit_log WHERE id > ?", (last - 2,))], last - 1
    if name == "e-delete-all-rows":
        return [("DELETE FROM audit_log", ())], 1
    if name == "f-delete-middle-row":
        return [("DELETE FROM audit_log WHERE id = 4", ())], 4
    if name == "f-reorder-rows":
        return [("UPDATE audit_log SET id = -1 WHERE id = 4", ()), ("UPDATE audit_log SET id = 4 WHERE id = 5", ()),
                ("UPDATE audit_log SET id = 5 WHERE id = -1", ())], 4
    raise AssertionError(name)


SCENARIOS = ["a-change-content", "b-change-and-rehash-row", "c-rewrite-and-rehash-all-later", "d-delete-last-rows",
             "e-delete-all-rows", "f-delete-middle-row", "f-reorder-rows"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_each_tampering_is_detected_with_the_first_bad_row(services, admin, home, scenario) -> None:  # type: ignore[no-untyped-def]
    _people(services, admin)
    for n in range(3):
        services.staff.add(admin, f"extra{n}", "Extra Person", "tall maple river lantern", ["front_desk"], office="TOP")
    assert services.audit.verify(admin).ok
    statements, first_bad = _scenario(scenario, _rows(services))
    services.db.dispose()
    _tamper(home, statements)
    report = services.audit.verify(admin)
    assert not report.ok and report.first_bad_id == first_bad, report
    result = CliRunner().invoke(cli_app, ["audit", "verify"])
    assert result.exit_code == 1 and f"Audit log TAMPERED: row {first_bad} " in result.output
    assert "Traceback" not in result.output


def test_verify_says_when_it_checked_the_checkpoint(services, admin, home) -> None:  # type: ignore[no-untyped-def]
    _people(services, admin)
    checkpoint = home / "jobcenter.key.audit-head"
    assert stat.S_IMODE(checkpoint.stat().st_mode) == 0o600
    state = services.audit_checkpoint.read()
    assert state.sealed and state.last_id == _rows(services)[-1].id
    result = CliRunner().invoke(cli_app, ["audit", "verify"])
    assert result.exit_code == 0 and "hash chain verified" in result.output and "Matches the checkpoint" in result.output
    checkpoint.unlink()
    assert "No checkpoint file" in CliRunner().invoke(cli_app, ["audit", "verify"]).output


def test_an_edited_checkpoint_is_not_trusted(services, admin, home) -> None:  # type: ignore[no-untyped-def]
    _people(services, admin)
    checkpoint = home / "jobcenter.key.audit-head"
    slots = [json.loads(line) for line in checkpoint.read_text().splitlines() if line.strip()]
    newest = max(slots, key=lambda d: d["id"])
    newest["id"] -= 2  # an attacker shortening the checkpoint to match rows they removed
    checkpoint.write_text(json.dumps(newest).ljust(2047) + "\n")
    report = services.audit.verify(admin)
    assert not report.ok and "checkpoint file" in (report.problem or "")


def test_the_checkpoint_only_moves_forward(services, admin, home) -> None:  # type: ignore[no-untyped-def]
    from jobcenter_tui.services.audit import AuditHead

    _people(services, admin)
    checkpoint = services.audit_checkpoint
    assert checkpoint is not None
    state = checkpoint.read()
    assert state is not None and state.sealed
    checkpoint.advance(AuditHead(state.last_id - 1, "0" * 64))  # a slower process reporting an older head
    assert checkpoint.read() == state


def test_a_store_cut_back_and_written_again_is_still_caught(services, admin, home) -> None:  # type: ignore[no-untyped-def]
    """Remove the newest rows, then let the console keep writing past where they were: the
    checkpoint sees its old head differ and keeps it as evidence instead of moving on silently."""
    _people(services, admin)
    last = _rows(services)[-1].id
    assert last is not None
    services.db.dispose()
    _tamper(home, [("DELETE FROM audit_log WHERE id > ?", (last - 3,))])
    for n in range(6):
        services.staff.add(admin, f"extra{n}", "Extra Person", "tall maple river lantern", ["front_desk"], office="TOP")
    assert _rows(services)[-1].id > last  # the store is longer again than before the removal
    report = services.audit.verify(admin)
    assert not report.ok and report.first_bad_id == last, report


def test_rows_written_before_the_chain_was_keyed_stay_verifiable(services, admin, home) -> None:  # type: ignore[no-untyped-def]
    """A store from before this change: plain SHA-256 rows and no audit key. It is keyed from the
    next row on; the old rows still verify, and rewriting one of them is still caught."""
    _people(services, admin)
    rows = _rows(services)
    services.close()
    plain = _plain_rewrite(rows, 1, rows[-1].id or 0, staff=rows[0].staff)
    con = sqlite3.connect(home / "jobcenter.db")
    con.execute("DROP TRIGGER audit_log_no_update")
    for sql, params in plain:
        con.execute(sql, params)
    con.execute("DELETE FROM app_meta WHERE key IN ('key_id', 'audit_key')")
    con.execute("""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                   BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""")
    con.commit()
    con.close()
    (home / "jobcenter.key.audit-head").unlink()

    legacy = open_services(password_hasher=FAST_HASHER)
    assert legacy.audit_checkpoint is not None and legacy.audit_checkpoint.keyed_from == len(rows) + 1
    legacy.staff.add(admin, "late", "Late Joiner", "tall maple river lantern", ["front_desk"], office="TOP")
    report = legacy.audit.verify(admin)
    assert report.ok and report.rows == len(rows) + 1
    legacy.db.dispose()
    tampered = _plain_rewrite(_rows(legacy), 2, len(rows), staff="someone-else")
    _tamper(home, tampered)
    report = legacy.audit.verify(admin)
    assert not report.ok and report.first_bad_id == len(rows) + 1  # the first keyed row no longer follows
    legacy.close()


def test_the_audit_hash_is_keyed() -> None:
    from datetime import UTC, datetime

    content = AuditContent(datetime(2026, 1, 1, tzinfo=UTC), "a", None, None, "x", None, None, None, None)
    plain = chain_hash("0" * 64, content)
    assert plain == hashlib.sha256(("0" * 64 + "\n" + content.canonical()).encode()).hexdigest()
    assert chain_hash("0" * 64, content, b"k" * 32) not in (plain, chain_hash("0" * 64, content, b"j" * 32))


def test_rotation_keeps_the_audit_log_verifiable(services, admin, home) -> None:  # type: ignore[no-untyped-def]
    _people(services, admin)
    rotate_key(services, system_actor())
    services.staff.add(admin, "after", "After Rotation", "tall maple river lantern", ["front_desk"], office="TOP")
    services.close()
    again = open_services(password_hasher=FAST_HASHER)
    report = again.audit.verify(admin)
    assert report.ok and report.checkpoint and "Matches" in report.checkpoint
    again.close()


def test_a_wrong_key_file_cannot_open_the_audit_key() -> None:
    ring, other = Keyring(b"a" * 32), Keyring(b"b" * 32)
    sealed = ring.wrap_audit_key(b"k" * 32, 5, 4)
    assert ring.unwrap_audit_key(sealed) == (b"k" * 32, 5, 4)
    with pytest.raises(ValueError):
        other.unwrap_audit_key(sealed)
    moved = json.loads(sealed)
    moved["keyed_from"] = 99  # passing keyed rows off as plain ones
    with pytest.raises(ValueError):
        ring.unwrap_audit_key(json.dumps(moved))


def test_a_torn_checkpoint_write_falls_back_to_the_other_slot(services, admin, home) -> None:  # type: ignore[no-untyped-def]
    _people(services, admin)
    checkpoint = services.audit_checkpoint
    newest = checkpoint.read()
    raw = bytearray((home / "jobcenter.key.audit-head").read_bytes())
    at = 0 if json.loads(raw[:2048].decode())["id"] == newest.last_id else 2048
    raw[at + 30: at + 40] = b"\x00" * 10  # a power cut in the middle of the newest slot
    (home / "jobcenter.key.audit-head").write_bytes(bytes(raw))
    older = checkpoint.read()
    assert older is not None and older.sealed and older.last_id < newest.last_id
    assert services.audit.verify(admin).ok


def test_a_checkpoint_written_by_another_process_is_read_in_full(services, admin, home) -> None:  # type: ignore[no-untyped-def]
    """This process skips re-parsing only the exact bytes it wrote: another writer's newer head is
    read, so an older head from here never moves the checkpoint back."""
    from jobcenter_tui.services.audit import AuditCheckpoint, AuditHead

    _people(services, admin)
    ours = services.audit_checkpoint
    assert ours is not None
    state = ours.read()
    assert state is not None
    other = AuditCheckpoint(ours.path, ours._key, ours.keyed_from, ours._legacy_rows)  # another process
    other.advance(AuditHead(state.last_id + 5, "f" * 64))
    ours.advance(AuditHead(state.last_id + 1, "e" * 64))  # older than what the other wrote
    newest = ours.read()
    assert newest is not None and (newest.last_id, newest.last_hash) == (state.last_id + 5, "f" * 64)
