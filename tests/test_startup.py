"""Start-up: the sign-in screen is drawn before the store is open, and the first frame imports nothing heavy.

Nothing here is timed (benchmarks/bench_startup.py measures); these check what makes start-up quick
and keep it so: which modules the start-up path imports, and that sign-in works while the store opens.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from textual.widgets import Button, Label

from jobcenter_tui.app import JobCenterApp
from jobcenter_tui.screens.login import OPENING, LoginScreen
from jobcenter_tui.screens.main import MainScreen
from jobcenter_tui.services import DEMO_BUILDING, Services, open_services, open_store
from jobcenter_tui.services import DEMO_MARKER as START_MARKER
from jobcenter_tui.services.demo import BUILDING, DEMO_MARKER, DEMO_PASSWORD
from tests.conftest import FAST_HASHER
from tests.console import console_opening_the_store, wait_for_the_store, what_the_sign_in_screen_says

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sqlmodel", "sqlalchemy", "alembic", "cryptography", "argon2", "faker", "rapidfuzz", "pypdf", "docx",
         "fpdf", "zipcodes", "zxcvbn")
RECORD = {"first_name": "Dana", "last_name": "Reyes", "date_of_birth": "1979-04-02", "sex": "female",
          "authorized_to_work": True, "veteran": {"status": "none"},
          "income": {"family_size": 3, "annual_family_income": 24000, "snap": False}}


def _loaded_after(code: str, *, home: Path | None = None, stdin: str = "") -> tuple[list[str], subprocess.CompletedProcess[str]]:
    """Run ``code`` in a fresh interpreter; return the heavy modules it had loaded when it ended."""
    probe = (f"import atexit, json, sys\n"
             f"atexit.register(lambda: sys.stderr.write('LOADED ' + json.dumps(sorted("
             f"m for m in {HEAVY!r} if m in sys.modules)) + '\\n'))\n{code}")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if home is not None:
        env["JOBCENTER_HOME"] = str(home)
    done = subprocess.run([sys.executable, "-c", probe], input=stdin, capture_output=True, text=True, env=env,
                          timeout=120)
    line = next(x for x in done.stderr.splitlines() if x.startswith("LOADED "))
    return json.loads(line.removeprefix("LOADED ")), done


def test_the_path_to_the_first_frame_imports_no_store_cipher_or_document_library() -> None:
    loaded, _ = _loaded_after("import jobcenter_tui.__main__, jobcenter_tui.cli, jobcenter_tui.app, "
                              "jobcenter_tui.screens.login, jobcenter_tui.services\n"
                              "from jobcenter_tui.app import JobCenterApp\nJobCenterApp()")
    assert loaded == []


def test_eligibility_check_opens_no_store_and_loads_no_engine(empty_home: Path, tmp_path: Path) -> None:
    csv = tmp_path / "llsil.csv"  # the store's configuration is in force: a region of its table is accepted
    csv.write_text("region,1,2,3,4,5,6,each_additional\nnortheast-metro,17000,25000,34000,42000,50000,58000,8000\n")
    from typer.testing import CliRunner

    from jobcenter_tui.cli import app

    assert CliRunner().invoke(app, ["config", "llsil", str(csv)]).exit_code == 0
    run = ("sys.argv = ['jobcenter', 'eligibility', 'check', '--as-of', '2026-06-15', '--json']\n"
           "from jobcenter_tui.__main__ import main\nmain()")
    loaded, done = _loaded_after(run, home=empty_home, stdin=json.dumps({**RECORD, "llsil_region": "northeast-metro"}))
    assert done.returncode == 0, done.stderr
    assert [p["program"] for p in json.loads(done.stdout)["programs"]][:2] == ["WIOA_ADULT", "WIOA_DW"]
    assert loaded == []
    loaded, done = _loaded_after(run, home=empty_home, stdin=json.dumps({**RECORD, "llsil_region": "nowhere"}))
    assert done.returncode == 2 and done.stderr.startswith("llsil_region:") and loaded == []


def test_eligibility_check_without_a_store_uses_the_shipped_tables_and_creates_nothing(tmp_path: Path) -> None:
    home = tmp_path / "nothing-here"
    run = "sys.argv = ['jobcenter', 'eligibility', 'check', '--json']\nfrom jobcenter_tui.__main__ import main\nmain()"
    loaded, done = _loaded_after(run, home=home, stdin=json.dumps(RECORD))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["low_income"] is True and loaded == [] and not home.exists()


def test_eligibility_check_refuses_a_half_built_demo_and_a_store_others_can_read(empty_home: Path) -> None:
    import sqlite3

    assert (START_MARKER, DEMO_BUILDING) == (DEMO_MARKER, BUILDING)  # the plain reads look for demo's own marker
    run = "sys.argv = ['jobcenter', 'eligibility', 'check', '--json']\nfrom jobcenter_tui.__main__ import main\nmain()"
    con = sqlite3.connect(empty_home / "jobcenter.db")
    con.execute("INSERT INTO app_meta (key, value) VALUES (?, ?)", (DEMO_MARKER, BUILDING))
    con.commit()
    con.close()
    _, done = _loaded_after(run, home=empty_home, stdin=json.dumps(RECORD))
    assert done.returncode == 1 and "interrupted" in done.stderr and "Traceback" not in done.stderr
    (empty_home / "jobcenter.db").chmod(0o644)
    _, done = _loaded_after(run, home=empty_home, stdin=json.dumps(RECORD))
    assert done.returncode == 2 and "chmod 600" in done.stderr and "Traceback" not in done.stderr


def test_a_store_at_head_is_opened_without_importing_alembic(empty_home: Path) -> None:
    loaded, done = _loaded_after("from jobcenter_tui.services import open_services\nopen_services().close()\n"
                                 "print('alembic' in sys.modules)", home=empty_home)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_opening_the_store_hashes_no_password(empty_home: Path) -> None:
    """The dummy hash (for unknown names) is made by the first sign-in, not at start-up."""
    calls: list[str] = []

    class CountingHasher(type(FAST_HASHER)):  # type: ignore[misc]
        def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
            calls.append("hash")
            return super().hash(password, salt=salt)

    hasher = CountingHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    services = open_services(password_hasher=hasher)
    try:
        assert calls == []
        with pytest.raises(Exception, match="Sign-in failed"):
            services.staff.login("nobody", "not the password")
        assert calls == ["hash"]
    finally:
        services.close()


async def test_the_sign_in_screen_is_usable_while_the_store_opens(demo_home: Path) -> None:
    """Typed before the store is open: "Opening the store…", then signed in once it is."""
    release = threading.Event()
    opened: list[Services] = []

    def slow_open() -> Services:
        assert release.wait(30), "never released"
        opened.append(open_store(password_hasher=FAST_HASHER))
        return opened[0]

    app = JobCenterApp(open_store=slow_open)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, LoginScreen) and not app.store_open
            assert "staff sign-in" in str(app.screen.query_one("#login-subtitle").render())
            await pilot.press(*"casemgr", "enter", *DEMO_PASSWORD, "enter")
            await pilot.pause()
            assert str(app.screen.query_one("#login-error", Label).render()) == OPENING
            assert app.screen.query_one("#sign-in", Button).disabled and app.actor is None
            release.set()
            for _ in range(100):
                await app.workers.wait_for_complete()
                await pilot.pause()
                if isinstance(app.screen, MainScreen):
                    break
            assert isinstance(app.screen, MainScreen)
            assert app.actor is not None and app.actor.username == "casemgr"
    finally:
        release.set()
        for services in opened:
            services.close()


async def test_escape_gives_up_a_sign_in_waiting_for_the_store(demo_home: Path) -> None:
    release = threading.Event()
    opened: list[Services] = []

    def slow_open() -> Services:
        assert release.wait(30), "never released"
        opened.append(open_store(password_hasher=FAST_HASHER))
        return opened[0]

    app = JobCenterApp(open_store=slow_open)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press(*"casemgr", "enter", *DEMO_PASSWORD, "enter")
            await pilot.pause()
            await pilot.press("escape")
            release.set()
            await wait_for_the_store(app, pilot)
            assert isinstance(app.screen, LoginScreen) and app.actor is None
            assert not app.screen.query_one("#sign-in", Button).disabled
    finally:
        release.set()
        for services in opened:
            services.close()


async def test_a_store_opened_before_the_person_submits_signs_in_at_once(demo_home: Path) -> None:
    app = console_opening_the_store()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_the_store(app, pilot)
        assert app.store_open and str(app.screen.query_one("#login-error", Label).render()) == ""
        await pilot.press(*"casemgr", "enter", *DEMO_PASSWORD, "enter")
        for _ in range(50):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if isinstance(app.screen, MainScreen):
                break
        assert isinstance(app.screen, MainScreen)
        app.services.close()


def test_a_store_others_can_read_is_said_on_the_sign_in_screen(empty_home: Path) -> None:
    (empty_home / "jobcenter.db").chmod(0o644)
    said, status = what_the_sign_in_screen_says()
    assert status == 2 and "chmod 600" in said and "other users" in said


@pytest.mark.incident_expected
def test_a_bug_opening_the_store_is_an_incident_said_in_words(empty_home: Path) -> None:
    import asyncio

    def broken() -> Services:
        raise ValueError("a bug while opening")

    async def run() -> tuple[str, int | None]:
        app = JobCenterApp(open_store=broken)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for_the_store(app, pilot)
            await pilot.press(*"casemgr", "enter", *"whatever", "enter")  # sign-in says why, again
            await pilot.pause()
            said = str(app.screen.query_one("#login-error", Label).render())
            return said, app.store_error.exit_code if app.store_error else None

    said, status = asyncio.run(run())
    assert status == 1 and "could not be opened (incident " in said and "Traceback" not in said
    assert "ValueError" in (empty_home / "logs" / "incidents.log").read_text()


def test_the_console_command_says_why_on_stderr_too(empty_home: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """What the sign-in screen said is printed once the console closes, with the same exit status."""
    from jobcenter_tui import app as app_module
    from jobcenter_tui.services.errors import StoreNotOpened

    def run(self: JobCenterApp) -> None:  # stands for a person who read the message and pressed ctrl+q
        self.store_error = StoreNotOpened("The key file does not belong to this store.", 2)

    monkeypatch.setattr(app_module.JobCenterApp, "run", run)
    assert app_module.run_console() == 2
    assert "does not belong to this store" in capsys.readouterr().err


