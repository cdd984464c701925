"""Issue 10, files: private files, exports written whole, attachments that are what they say,
logs that mask every line, and backups that restore."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from jobcenter_tui.cli import app as cli
from jobcenter_tui.config import load_settings, write_privately
from jobcenter_tui.logs import LOG_FILE, PrivateFileHandler, configure_logging
from jobcenter_tui.services import Services, open_services, system_actor
from jobcenter_tui.services.backup import BackupRefused, create_backup, restore_backup
from jobcenter_tui.services.crypto import Keyring, create_key_file
from jobcenter_tui.services.errors import InvalidInput
from tests.casework import SEEKER
from tests.conftest import FAST_HASHER

ROOT = Path(__file__).resolve().parents[1]
SSN = "219-09-9999"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run_cli(home: Path, *args: str, stdout: int | None = subprocess.PIPE, **kw) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def,type-arg]
    env = {**os.environ, "JOBCENTER_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("JOBCENTER_DATABASE_URL", None)
    env.pop("JOBCENTER_KEY_FILE", None)
    return subprocess.run([sys.executable, "-m", "jobcenter_tui.cli", *args], env=env, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=120, **kw)


@pytest.fixture
def umask_000() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


# --- 2. private files ----------------------------------------------------------------------------------

STORE_MODES = """
import os, sys, stat
from pathlib import Path
os.umask(int(sys.argv[1], 8))
from jobcenter_tui.services import open_services, system_actor
s = open_services()
s.staff.add(system_actor(), "ada", "Ada", "a long enough passphrase here", ["admin"])  # a write: -wal and -shm exist
home = Path(os.environ["JOBCENTER_HOME"])
names = [".", "jobcenter.db", "jobcenter.db-wal", "jobcenter.db-shm", "jobcenter.key"]
print({n: oct(stat.S_IMODE((home / n).stat().st_mode)) for n in names})
s.close()
"""


@pytest.mark.parametrize("umask", ["022", "000"])
def test_a_new_store_is_private_whatever_the_umask(tmp_path: Path, umask: str) -> None:
    home = tmp_path / "new" / "home"
    env = {**os.environ, "JOBCENTER_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("JOBCENTER_DATABASE_URL", None)
    env.pop("JOBCENTER_KEY_FILE", None)
    out = subprocess.run([sys.executable, "-c", STORE_MODES, umask], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    modes = eval(out.stdout.strip().splitlines()[-1])  # noqa: S307 - our own dict literal
    assert modes == {".": "0o700", "jobcenter.db": "0o600", "jobcenter.db-wal": "0o600", "jobcenter.db-shm": "0o600",
                     "jobcenter.key": "0o600"}
    assert mode(home.parent) == 0o700  # a parent we created is private too


def test_documents_logs_exports_and_backups_are_private_with_umask_000(case, tmp_path: Path, home: Path,  # type: ignore[no-untyped-def]
                                                                         umask_000: None) -> None:
    services, cm, _, _ = case
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(b"%PDF-1.4 letter")
    doc = services.documents.attach(cm, SEEKER, letter, type="other")
    out = tmp_path / "out"
    out.mkdir()
    copy = services.documents.export_copy(cm, doc.id, out)
    configure_logging(services.settings.logs_dir)
    try:
        logging.getLogger("jobcenter_tui.test").warning("a line")
    finally:
        _drop_log_handlers()
    result = create_backup(services, system_actor())
    documents = home / "documents"
    assert mode(documents) == 0o700 and all(mode(f) == 0o600 for f in documents.iterdir())
    assert mode(copy) == 0o600
    assert mode(home / "logs") == 0o700 and mode(home / "logs" / LOG_FILE) == 0o600
    assert mode(home / "backups") == 0o700 and mode(result.path) == 0o600
    assert sorted(p.name for p in out.iterdir()) == ["letter.pdf"]  # no temporary file left


@pytest.mark.parametrize("suffix", ["", "-wal"])
def test_a_store_others_can_read_is_refused_with_the_chmod(empty_home: Path, suffix: str) -> None:
    target = Path(f"{empty_home / 'jobcenter.db'}{suffix}")
    target.touch()
    target.chmod(0o644)
    result = CliRunner().invoke(cli, ["audit", "verify"])
    assert result.exit_code == 2
    assert f"chmod 600 {target}" in result.output and "other users" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    target.chmod(0o600)
    assert CliRunner().invoke(cli, ["audit", "verify"]).exit_code == 0


# --- 3. exports ----------------------------------------------------------------------------------------


def test_export_is_0600_and_leaves_an_existing_part_file_alone(empty_home: Path, tmp_path: Path, umask_000: None) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "x.jsonl"
    part = folder / "x.jsonl.part"
    part.write_text("someone else's file")
    part.chmod(0o644)
    result = CliRunner().invoke(cli, ["postings", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert mode(out) == 0o600
    assert part.read_text() == "someone else's file" and mode(part) == 0o644
    assert sorted(p.name for p in folder.iterdir()) == ["x.jsonl", "x.jsonl.part"]


@pytest.mark.parametrize("error", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_a_failed_export_leaves_no_file(empty_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        error: BaseException) -> None:
    from jobcenter_tui.services.seekers import SeekerService

    def failing(self, actor, destination):  # type: ignore[no-untyped-def]
        yield json.dumps({"id": "1"})
        yield json.dumps({"id": "2"})
        raise error

    monkeypatch.setattr(SeekerService, "export_records", failing)
    out = tmp_path / "seekers.jsonl"
    result = CliRunner().invoke(cli, ["seekers", "export", "--out", str(out)])
    assert result.exit_code != 0
    assert list(tmp_path.iterdir()) == [tmp_path / "home"]  # neither the file nor a temporary one


SIGTERM_WRITER = """
import os, signal, sys
from pathlib import Path
from jobcenter_tui.config import write_privately
with write_privately(Path(sys.argv[1])) as fh:
    fh.write(b"half of it")
    os.kill(os.getpid(), signal.SIGTERM)
    fh.write(b"never")
"""


def test_sigterm_during_a_write_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    proc = subprocess.run([sys.executable, "-c", SIGTERM_WRITER, str(target)], env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_write_privately_replaces_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "report.jsonl"
    target.write_text("old\n")
    with pytest.raises(ValueError), write_privately(target) as fh:
        fh.write(b"new, half")
        raise ValueError("stop")
    assert target.read_text() == "old\n" and list(tmp_path.iterdir()) == [target]
    with pytest.raises(FileExistsError), write_privately(target, replace=False) as fh:
        fh.write(b"new")
    assert target.read_text() == "old\n" and list(tmp_path.iterdir()) == [target]


def test_export_to_stdout_that_is_a_file_warns(empty_home: Path, tmp_path: Path) -> None:
    dest = tmp_path / "postings.jsonl"
    with open(dest, "w") as fh:
        proc = run_cli(empty_home, "postings", "export", stdout=fh)
    assert proc.returncode == 0, proc.stderr
    assert "standard output is a file" in proc.stderr and "--out" in proc.stderr
    piped = run_cli(empty_home, "postings", "export")  # a pipe: nothing to warn about
    assert piped.returncode == 0 and "standard output is a file" not in piped.stderr


# --- 4. attachments ------------------------------------------------------------------------------------


def _refused(services: Services, cm, path: Path) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as refused:
        services.documents.attach(cm, SEEKER, path, type="other")
    return refused.value.errors["path"]


def _nothing_stored(home: Path) -> bool:
    folder = home / "documents"
    return not folder.exists() or not list(folder.iterdir())


def test_a_symlink_to_the_key_file_is_refused(case, tmp_path: Path, home: Path) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    link = tmp_path / "statement.txt"
    link.symlink_to(home / "jobcenter.key")
    assert "symbolic link" in _refused(services, cm, link)
    pdf_link = tmp_path / "statement.pdf"
    pdf_link.symlink_to(tmp_path / "nowhere.pdf")  # dangling
    assert "symbolic link" in _refused(services, cm, pdf_link)
    assert _nothing_stored(home)


def test_a_fifo_a_device_and_a_folder_are_refused_without_hanging(case, tmp_path: Path, home: Path) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    fifo = tmp_path / "scan.pdf"
    os.mkfifo(fifo)
    answers: list[str] = []
    worker = threading.Thread(target=lambda: answers.append(_refused(services, cm, fifo)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "attaching a FIFO hung"
    assert answers and "pipe" in answers[0]
    assert "device" in _refused(services, cm, Path("/dev/null"))
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    assert "folder" in _refused(services, cm, folder)
    assert _nothing_stored(home)


def _pdf(path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 6, "Layoff notice")
    path.write_bytes(bytes(pdf.output()))
    return path


def _docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("Proof of income")
    document.save(str(path))
    return path


def _zip_without_document(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "not a Word document")
    return path


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120


@pytest.mark.parametrize(("name", "make", "words"), [
    ("notice.pdf", lambda p: p.write_bytes(ELF), "program"),
    ("notice.pdf", lambda p: p.write_bytes(b"just some text"), "not a PDF"),
    ("id.png", lambda p: p.write_bytes(b"\xff\xd8\xff\xe0 a jpeg"), "not a PNG"),
    ("id.jpg", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n a png"), "not a JPEG"),
    ("letter.docx", _zip_without_document, "Word (.docx)"),
    ("letter.docx", lambda p: p.write_bytes(b"PK\x03\x04 not a zip"), "Word (.docx)"),
    ("note.txt", lambda p: p.write_bytes(b"abc\x00def"), "not a text file"),
    ("note.txt", lambda p: p.write_bytes("caf\u00e9".encode("cp1252")), "UTF-8"),
    ("tool.exe", lambda p: p.write_bytes(b"MZ"), "not accepted"),
])
def test_content_must_match_the_name(case, tmp_path: Path, home: Path, name: str, make, words: str) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    path = tmp_path / name
    make(path)
    assert words in _refused(services, cm, path)
    assert _nothing_stored(home)


@pytest.mark.parametrize(("name", "make"), [
    ("notice.pdf", _pdf),
    ("id.png", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)),
    ("id.jpeg", lambda p: p.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 20)),
    ("income.docx", _docx),
    ("note.txt", lambda p: p.write_text("Seen at intake: caf\u00e9 receipt\n", encoding="utf-8")),
])
def test_real_documents_are_accepted(case, tmp_path: Path, home: Path, name: str, make) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    path = tmp_path / name
    make(path)
    doc = services.documents.attach(cm, SEEKER, path, type="other")
    assert doc.size_bytes == path.stat().st_size
    assert (home / "documents").exists() and len(list((home / "documents").iterdir())) == 1


def test_the_size_limit_is_said_in_its_own_unit(case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    big = tmp_path / "scan.pdf"
    with open(big, "wb") as fh:
        fh.write(b"%PDF-1.4")
        fh.truncate(int(25.3 * 1024 * 1024))  # sparse: no 25 MB written
    assert _refused(services, cm, big) == "the file is 25.3 MB; the limit is 20 MB"


def test_a_file_swapped_after_the_check_is_refused_at_the_copy(case, tmp_path: Path, home: Path) -> None:  # type: ignore[no-untyped-def]
    services, _, _, _ = case
    path = tmp_path / "letter.pdf"
    path.write_bytes(b"%PDF-1.4 letter")
    checked, problem = services.documents.check_file(path)
    assert problem is None
    path.unlink()
    path.symlink_to(home / "jobcenter.key")  # swapped between the check and the copy
    with pytest.raises(InvalidInput, match="symbolic link"):
        services.documents.copy_in(checked)
    path.unlink()
    path.write_bytes(ELF)
    with pytest.raises(InvalidInput, match="program"):
        services.documents.copy_in(checked)
    assert _nothing_stored(home)


# --- 16. logs ------------------------------------------------------------------------------------------


def _drop_log_handlers() -> None:
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, PrivateFileHandler)]:
        root.removeHandler(handler)
        handler.close()


def test_a_child_logger_and_a_raised_error_leave_no_ssn_in_the_log(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    configure_logging(logs)
    try:
        log = logging.getLogger("jobcenter_tui.x.y")

        def import_line() -> None:
            raise ValueError(f"line 3: SSN {SSN} already belongs to dana@example.org, born 1979-04-02")

        try:
            import_line()
        except ValueError:
            log.exception("import of %s failed", SSN.replace("-", ""))
        log.error("lookup %s", "219 09 9999", stack_info=True)
    finally:
        _drop_log_handlers()
    text = (logs / LOG_FILE).read_text()
    assert "Traceback" in text and "ValueError" in text and "import_line" in text and "jobcenter_tui.x.y" in text
    for secret in (SSN, "219099999", "219 09 9999", "dana@example.org", "1979-04-02"):
        assert secret not in text, secret
    assert mode(logs / LOG_FILE) == 0o600


def test_every_handler_masks_including_pythons_last_resort(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(tmp_path / "logs")
    try:
        logging.getLogger("jobcenter_tui.deep.child").warning("ssn %s", SSN)
    finally:
        _drop_log_handlers()
    assert logging.lastResort is not None
    from jobcenter_tui.logs import RedactingFilter

    assert any(isinstance(f, RedactingFilter) for f in logging.lastResort.filters)
    assert SSN not in (tmp_path / "logs" / LOG_FILE).read_text()


# --- 17. backup and restore ----------------------------------------------------------------------------


def _store_digest(home: Path) -> str:
    return hashlib.sha256((home / "jobcenter.db").read_bytes()).hexdigest()


def _integrity(path: Path) -> str:
    con = sqlite3.connect(str(path))
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def test_backup_while_another_session_writes_restores_a_checked_store(demo_home: Path, clock) -> None:  # type: ignore[no-untyped-def]
    services = open_services(password_hasher=FAST_HASHER, clock=clock)
    writer = open_services(password_hasher=FAST_HASHER, clock=clock)  # another engine, as another process would be
    stop = threading.Event()
    written: list[int] = []

    def write() -> None:
        n = 0
        while not stop.is_set():
            summary = writer.seekers.import_records(system_actor(), [json.dumps(
                {"first_name": "Writer", "last_name": f"Busy{n}", "date_of_birth": "1990-01-01"})])
            n += summary.created
        written.append(n)

    thread = threading.Thread(target=write)
    thread.start()
    try:
        results = [create_backup(services, system_actor()) for _ in range(2)]
    finally:
        stop.set()
        thread.join(timeout=60)
    writer.close()
    assert written and written[0] > 0  # the other session kept writing during the backups
    backup = results[-1]
    assert mode(backup.path) == 0o600 and backup.path.parent == demo_home / "backups"
    assert backup.path.read_bytes()[:16] == b"JOBCENTER-BACKUP"
    services.close()
    restored = restore_backup(load_settings(), Keyring.load(demo_home / "jobcenter.key"), backup.path, system_actor())
    assert restored.kept_aside is not None and restored.kept_aside.exists()
    assert _integrity(demo_home / "jobcenter.db") == "ok"
    reopened = open_services(password_hasher=FAST_HASHER, clock=clock)
    try:
        assert reopened.audit.verify(system_actor()).ok
        with reopened.db.session() as session:
            from sqlalchemy import text

            actions = [r[0] for r in session.execute(text("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1"))]
            assert actions == ["store.restore"]
            busy = session.execute(text("SELECT count(*) FROM job_seeker WHERE last_name LIKE 'Busy%'")).scalar_one()
            assert busy <= written[0]  # a moment of the store: what was saved up to the copy
    finally:
        reopened.close()


@pytest.fixture
def backed_up(demo_services: Services, demo_home: Path) -> Path:
    result = create_backup(demo_services, system_actor(), chunk_size=64 * 1024)  # several chunks
    demo_services.close()
    return result.path


def _restore(home: Path, path: Path) -> None:
    restore_backup(load_settings(), Keyring.load(home / "jobcenter.key"), path, system_actor())


def test_a_flipped_byte_is_refused_and_nothing_changes(backed_up: Path, demo_home: Path) -> None:
    before = _store_digest(demo_home)
    data = bytearray(backed_up.read_bytes())
    for offset in (20, 200, len(data) // 2, len(data) - 1):  # header (key id), first chunk, middle, last tag
        damaged = backed_up.with_name(f"damaged-{offset}.backup")
        flipped = bytearray(data)
        flipped[offset] ^= 0x01
        damaged.write_bytes(bytes(flipped))
        with pytest.raises(BackupRefused) as refused:
            _restore(demo_home, damaged)
        assert "Nothing was changed" in str(refused.value) or "another key" in str(refused.value)
    assert _store_digest(demo_home) == before
    assert not list(demo_home.glob("jobcenter.db.before-restore-*"))


def test_a_cut_or_reordered_backup_is_refused(backed_up: Path, demo_home: Path) -> None:
    data = backed_up.read_bytes()
    header, first = 61, 5 + 64 * 1024 + 16  # header bytes; one full chunk with its 5-byte head and tag
    cut = backed_up.with_name("cut.backup")
    cut.write_bytes(data[: header + first])  # ends after the first chunk
    with pytest.raises(BackupRefused, match="incomplete"):
        _restore(demo_home, cut)
    swapped = backed_up.with_name("swapped.backup")
    swapped.write_bytes(data[:header] + data[header + first: header + 2 * first] + data[header: header + first]
                        + data[header + 2 * first:])
    with pytest.raises(BackupRefused, match="damaged"):
        _restore(demo_home, swapped)


def test_a_backup_made_under_another_key_is_refused_saying_so(backed_up: Path, demo_home: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.key"
    create_key_file(other)
    before = _store_digest(demo_home)
    with pytest.raises(BackupRefused, match="another key"):
        restore_backup(load_settings(), Keyring.load(other), backed_up, system_actor())
    assert _store_digest(demo_home) == before


def test_a_damaged_store_is_replaced_and_kept_aside_with_its_wal(backed_up: Path, demo_home: Path) -> None:
    store = demo_home / "jobcenter.db"
    store.write_bytes(b"this is no longer a database" * 100)
    Path(f"{store}-wal").write_bytes(b"a stale write-ahead log")  # must never meet the restored store
    _restore(demo_home, backed_up)
    assert _integrity(store) == "ok" and not Path(f"{store}-wal").exists()
    kept = next(demo_home.glob("jobcenter.db.before-restore-*[0-9]"))
    assert kept.read_bytes().startswith(b"this is no longer") and Path(f"{kept}-wal").exists()


def test_a_postgresql_store_is_told_to_use_pg_dump(services: Services) -> None:
    pg = SimpleNamespace(settings=replace(services.settings, database_url="postgresql+psycopg://db/jobcenter"))
    with pytest.raises(BackupRefused, match="pg_dump"):
        create_backup(pg, system_actor())  # type: ignore[arg-type]


def test_backup_and_restore_from_the_command_line(demo_home: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(cli, ["backup"])
    assert made.exit_code == 0, made.output
    path = Path(made.output.split("Backup written to ")[1].split(" (")[0])
    assert path.parent == demo_home / "backups" and path.name.startswith("jobcenter-") and mode(path) == 0o600
    restored = runner.invoke(cli, ["restore", str(path), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "kept as" in restored.output and list(demo_home.glob("jobcenter.db.before-restore-*"))
    assert runner.invoke(cli, ["audit", "verify"]).exit_code == 0
    garbage = demo_home / "not-a-backup.backup"
    garbage.write_bytes(b"hello")
    refused = runner.invoke(cli, ["restore", str(garbage), "--yes"])
    assert refused.exit_code == 1 and "not a jobcenter backup" in refused.output
    assert refused.exception is None or isinstance(refused.exception, SystemExit)
