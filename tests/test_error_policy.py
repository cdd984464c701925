"""The console never exits on an error.

Refusals, a record changed by someone else and a busy store (another connection holding the write
lock) become messages in plain words, with what was typed still on the screen; a bug becomes an
incident: a dialog with an id, the details in a private log without local variables.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from textual.widgets import Input, Label, TextArea

from jobcenter_tui.app import JobCenterApp, KioskApp
from jobcenter_tui.domain.errors import Refusal
from jobcenter_tui.domain.permissions import Actor, PermissionDenied
from jobcenter_tui.logs import record_incident
from jobcenter_tui.screens.case_details import CaseDetailsScreen
from jobcenter_tui.screens.form import FormScreen
from jobcenter_tui.screens.incident import IncidentDialog
from jobcenter_tui.screens.login import LoginScreen
from jobcenter_tui.screens.main import MainScreen
from jobcenter_tui.screens.registration import RegistrationScreen
from jobcenter_tui.screens.section_edit import SectionEditScreen
from jobcenter_tui.services import Services, open_services, system_actor
from jobcenter_tui.services.errors import ServiceError, StaleRecord, StoreBusy, as_refusal
from jobcenter_tui.widgets.question_form import widget_id

from .conftest import FAST_HASHER
from .test_front_desk_ui import settle

SSN = "219-09-9999"
DANA = {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "first_name": "Dana", "last_name": "Reyes",
        "date_of_birth": "1979-04-02", "ssn": SSN, "sex": "female", "account_type": "staff_assisted",
        "address": {"city": "Topeka", "state": "KS", "zip": "66603"}}
SEEKER = DANA["id"]
BUSY_WORDS = "The store is busy"


# --- the classification underneath -------------------------------------------------------------

def test_store_conditions_are_refusals_not_bugs() -> None:
    locked = OperationalError("UPDATE job_seeker ...", {}, sqlite3.OperationalError("database is locked"))
    assert isinstance(as_refusal(locked), StoreBusy)
    assert "busy" in str(as_refusal(locked))
    assert isinstance(as_refusal(StaleDataError("UPDATE statement on table expected to update 1 row")), StaleRecord)

    class PgSerialization(Exception):
        sqlstate = "40001"

    assert isinstance(as_refusal(OperationalError("x", {}, PgSerialization("could not serialize"))), StoreBusy)
    other = OperationalError("x", {}, sqlite3.OperationalError("no such table: nothing"))
    assert as_refusal(other) is None
    assert as_refusal(ValueError("a bug")) is None
    denied = PermissionDenied("no")
    assert as_refusal(denied) is denied and isinstance(denied, Refusal)
    assert issubclass(ServiceError, Refusal) and issubclass(StaleRecord, ServiceError)


def test_a_missing_privilege_is_named_in_words() -> None:
    actor = Actor(username="pat", display_name="Pat", privileges=frozenset({"seeker.view"}))
    with pytest.raises(PermissionDenied) as refused:
        actor.require("seeker.view_ssn")
    assert "View full SSN" in str(refused.value)
    assert "seeker.view_ssn" not in str(refused.value)
    with pytest.raises(PermissionDenied) as refused:
        actor.require_program("WIOA_DW", "create")
    assert "Dislocated Worker" in str(refused.value) and "create" not in str(refused.value)


def test_an_incident_is_logged_privately_masked_and_without_locals(tmp_path: Path) -> None:
    def fail() -> None:
        typed_ssn = "219099999"  # noqa: F841 - a local that must not reach the log
        raise RuntimeError(f"boom for dana@example.org born 1979-04-02 ssn {SSN}")

    try:
        fail()
    except RuntimeError as error:
        incident = record_incident(tmp_path / "logs", error, where="test")
    text = (tmp_path / "logs" / "incidents.log").read_text()
    assert f"incident {incident}" in text and "RuntimeError" in text
    for secret in (SSN, "219099999", "dana@example.org", "1979-04-02"):
        assert secret not in text, secret
    assert stat.S_IMODE(os.stat(tmp_path / "logs").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(tmp_path / "logs" / "incidents.log").st_mode) == 0o600


# --- fixtures: a store with a short busy timeout, and a second connection holding the lock ------

@pytest.fixture
def quick(empty_home: Path, clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:  # type: ignore[no-untyped-def]
    """Services that wait 0.3 s (not 5) for another session's write lock."""
    monkeypatch.setenv("JOBCENTER_BUSY_TIMEOUT", "0.3")
    services = open_services(password_hasher=FAST_HASHER, clock=clock)
    admin_actor = system_actor()
    services.staff.add(admin_actor, "cm", "Casey Morgan", "tall maple river lantern", ["case_manager"], office="TOP")
    services.seekers.import_records(admin_actor, [json.dumps(DANA)])
    yield services
    services.close()


@contextmanager
def store_locked(services: Services) -> Iterator[None]:
    """Another process's write transaction: BEGIN IMMEDIATE held until the block ends."""
    path = services.settings.sqlite_path
    assert path is not None
    con = sqlite3.connect(path, isolation_level=None, timeout=0)
    con.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        con.execute("ROLLBACK")
        con.close()


def shown(app) -> str:  # type: ignore[no-untyped-def]
    """Every notification's text, and every label of the current screen."""
    texts = [n.message for n in app._notifications]
    texts += [str(label.render()) for label in app.screen.query(Label)]
    return "\n".join(texts)


def refuse(kind: str):  # type: ignore[no-untyped-def]
    """A service method replacement that refuses the way ``kind`` says."""
    def refused(*args, **kwargs):  # type: ignore[no-untyped-def]
        if kind == "refused":
            raise PermissionDenied("You do not have the \u201cEdit job seekers\u201d privilege.")
        raise StaleRecord("Someone else changed this record after you opened it; nothing was saved.")
    return refused


EXPECTED = {"refused": "Edit job seekers", "stale": "Someone else changed", "busy": BUSY_WORDS}


async def press_failing(app, pilot, services: Services, kind: str, key: str, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                        target: object = None, method: str = "") -> None:
    """Press ``key`` while the save it triggers fails as ``kind`` says: a refusal or a stale record
    injected into ``target.method``, or a real lock held by another connection ("busy")."""
    if kind == "busy":
        with store_locked(services):
            await pilot.press(key)
            await settle(app, pilot)
        return
    if target is not None:
        monkeypatch.setattr(target, method, refuse(kind))
    await pilot.press(key)
    await settle(app, pilot)


# --- sign-in -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["refused", "stale", "busy"])
async def test_sign_in_survives_refusals_and_a_busy_store(quick: Services, kind: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    app = JobCenterApp(quick)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.screen.query_one("#username", Input).value = "cm"
        app.screen.query_one("#password", Input).value = "tall maple river lantern"
        app.screen.query_one("#password", Input).focus()
        await press_failing(app, pilot, quick, kind, "enter", monkeypatch, quick.staff, "login")
        assert app.is_running and isinstance(app.screen, LoginScreen)
        assert EXPECTED[kind] in str(app.screen.query_one("#login-error", Label).render())
        assert app.screen.query_one("#username", Input).value == "cm"
        if kind == "busy":  # nothing was wrong with the password: it is kept, Enter tries again
            assert app.screen.query_one("#password", Input).value == "tall maple river lantern"
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, MainScreen)


# --- a demographics section ----------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["refused", "stale", "busy"])
async def test_section_edit_keeps_the_typed_answer(quick: Services, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = JobCenterApp(quick, actor=quick.staff.actor_for("cm"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        detail = quick.seekers.get(system_actor(), SEEKER)
        app.push_screen(SectionEditScreen(detail, "identity"))
        await settle(app, pilot)
        box = app.screen.query_one("#" + widget_id("first_name"), Input)
        box.value = "Danielle"
        await pilot.pause()
        if kind == "stale":  # really changed by someone else in between
            quick.seekers.update(system_actor(), SEEKER, {"middle_name": "Q"}, expected_version=detail.version)
        await press_failing(app, pilot, quick, kind, "ctrl+s", monkeypatch,
                            *((quick.seekers, "update") if kind == "refused" else ()))
        assert app.is_running and isinstance(app.screen, SectionEditScreen)
        expected = "changed this record" if kind == "stale" else EXPECTED[kind]
        assert expected in str(app.screen.query_one("#edit-status", Label).render())
        assert app.screen.query_one("#" + widget_id("first_name"), Input).value == "Danielle"
    assert quick.seekers.get(system_actor(), SEEKER).record["first_name"] == "Dana"


# --- a case action (the form every pane uses) ------------------------------------------------------

@pytest.mark.parametrize("kind", ["refused", "stale", "busy"])
async def test_case_action_form_keeps_the_note(quick: Services, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = JobCenterApp(quick, actor=quick.staff.actor_for("cm"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.open_case(SEEKER)
        await settle(app, pilot)
        await pilot.press("6")  # Notes
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        app.screen.query_one("#" + widget_id("subject"), Input).value = "Called about the forklift class"
        app.screen.query_one("#" + widget_id("body"), TextArea).text = "She will call back Monday."
        await pilot.pause()
        await press_failing(app, pilot, quick, kind, "ctrl+s", monkeypatch, quick.notes, "add")
        assert app.is_running and isinstance(app.screen, FormScreen)
        assert EXPECTED[kind] in str(app.screen.query_one("#form-status", Label).render())
        assert app.screen.query_one("#" + widget_id("subject"), Input).value == "Called about the forklift class"
        if kind == "busy":  # the lock is gone: the same form saves
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert isinstance(app.screen, CaseDetailsScreen)
    assert [n.subject for n in quick.notes.notes(system_actor(), SEEKER)] == (
        ["Called about the forklift class"] if kind == "busy" else [])


async def test_opening_a_case_while_the_store_is_busy_says_so(quick: Services) -> None:
    app = JobCenterApp(quick, actor=quick.staff.actor_for("cm"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        with store_locked(quick):  # opening a record is audited: a write
            app.open_case(SEEKER)
            await settle(app, pilot)
        assert app.is_running and isinstance(app.screen, CaseDetailsScreen)
        assert BUSY_WORDS in shown(app)
        await pilot.press("f5")
        await settle(app, pilot)
        assert "Reyes, Dana" in str(app.screen.query_one("#case-header").render())


async def test_a_kiosk_duplicate_resolved_elsewhere_does_not_close_the_home_screen(quick: Services) -> None:
    """Another staff member resolves the duplicate first; then `x` here is refused in words."""
    kiosk = system_actor()
    quick.registration.register(Actor(username="kiosk", display_name="Kiosk", kind="kiosk",
                                      privileges=frozenset({"seeker.create"})),
                                {"first_name": "Dana", "last_name": "Reyes", "date_of_birth": "1979-04-02",
                                 "account_type": "self_service", "phone": "785-555-0100"}, distinct_from=())
    assert quick.duplicates.open(kiosk)
    app = JobCenterApp(quick, actor=quick.staff.actor_for("cm"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#duplicates")
        assert table.row_count == 1
        for d in quick.duplicates.open(kiosk):
            quick.duplicates.mark_distinct(kiosk, d.id)
        table.focus()
        await pilot.press("x")
        await settle(app, pilot)
        assert app.is_running and isinstance(app.screen, MainScreen)
        assert app.screen.query_one("#duplicates").row_count == 0  # the list was read again
        assert not app.incidents


# --- bugs --------------------------------------------------------------------------------------------

@pytest.mark.incident_expected
async def test_a_bug_on_the_ui_thread_becomes_an_incident_and_the_console_goes_on(quick: Services) -> None:
    app = JobCenterApp(quick, actor=quick.staff.actor_for("cm"))

    def explode() -> None:
        typed_ssn = SSN  # noqa: F841 - the local that must appear nowhere
        raise RuntimeError("a fault in the console")

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.call_later(explode)
        await settle(app, pilot)
        assert app.is_running and isinstance(app.screen, IncidentDialog)
        assert app.incidents and app.incidents[0] in str(app.screen.query_one("#incident-text", Label).render())
        screen_text = app.export_screenshot()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("f2")  # the app's own loop still runs
        await pilot.pause()
        assert app.screen.__class__.__name__ == "SearchScreen"
    assert SSN not in screen_text
    log = (quick.settings.logs_dir / "incidents.log").read_text()
    assert app.incidents[0] in log and SSN not in log


@pytest.mark.incident_expected
async def test_the_kiosk_never_shows_a_traceback_or_what_was_typed(quick: Services, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A fault while saving a kiosk registration: the seeker sees a dialog with an id, nothing else."""
    def broken_register(actor, record, **kwargs):  # type: ignore[no-untyped-def]
        ssn, name, born, phone = record.get("ssn"), record.get("first_name"), record.get("date_of_birth"), record.get("phone")  # noqa: F841
        raise RuntimeError("the store layer failed")  # the locals above hold what the seeker typed

    monkeypatch.setattr(quick.registration, "register", broken_register)
    app = KioskApp(quick, office="TOP")
    typed = {"first_name": "Kim", "last_name": "Lee", "date_of_birth": "1995-07-07", "ssn": "219-09-8888",
             "phone": "785-555-0177"}
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        wizard = app.screen
        assert isinstance(wizard, RegistrationScreen)
        wizard.answers.update({k: v for k, v in typed.items() if k != "ssn"})
        from jobcenter_tui.domain.ssn import Ssn

        wizard.answers["ssn"] = Ssn(typed["ssn"])
        await wizard.show_page("review")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.is_running and isinstance(app.screen, IncidentDialog)
        screens = [app.export_screenshot()]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is wizard  # what the seeker typed is still there
        screens.append(app.export_screenshot())
    out = capsys.readouterr()
    log = (quick.settings.logs_dir / "incidents.log").read_text()
    for fault in ("Traceback", "RuntimeError", "store layer failed", "broken_register", "locals"):
        assert fault not in "".join(screens), fault  # the screen shows an id, never the fault
    assert "219-09-8888" not in "".join(screens) and "219098888" not in "".join(screens)  # masked on review too
    elsewhere = "\n".join([out.out, out.err, log, *(str(r) for r in app._exit_renderables)])
    for secret in ("219-09-8888", "219098888", "785-555-0177", "1995-07-07", "Kim"):
        assert secret not in elsewhere, secret
    assert app.return_code in (None, 0)


# --- the registration wizard -------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["refused", "stale", "busy"])
async def test_registration_save_keeps_every_answer(quick: Services, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = JobCenterApp(quick, actor=quick.staff.actor_for("cm"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        wizard = app.screen
        assert isinstance(wizard, RegistrationScreen)
        wizard.answers.update(first_name="Ray", last_name="Okafor", date_of_birth=__import__("datetime").date(1990, 5, 5))
        await wizard.show_page("review")
        await settle(app, pilot)
        await press_failing(app, pilot, quick, kind, "ctrl+s", monkeypatch, quick.registration, "register")
        assert app.is_running and app.screen is wizard and wizard.page_key == "review"
        assert EXPECTED[kind] in str(wizard.query_one("#wizard-status", Label).render())
        assert wizard.answers["first_name"] == "Ray" and wizard.answers["last_name"] == "Okafor"
        if kind == "busy":  # Save works again once the lock is gone
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert isinstance(app.screen, CaseDetailsScreen)
    assert len(quick.search.search(system_actor(), "okafor").rows) == (1 if kind == "busy" else 0)


# --- the enrollment wizard's attestation ------------------------------------------------------------

@pytest.mark.parametrize("kind", ["refused", "stale", "busy"])
async def test_enrollment_attestation_survives(quick: Services, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import SelectionList

    from jobcenter_tui.screens.enroll import EnrollScreen

    detail = quick.seekers.get(system_actor(), SEEKER)
    quick.seekers.update(system_actor(), SEEKER, {"authorized_to_work": True}, expected_version=detail.version)
    app = JobCenterApp(quick, actor=quick.staff.actor_for("cm"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.push_screen(EnrollScreen(quick.seekers.get(system_actor(), SEEKER), "WP"))
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, EnrollScreen) and screen.phase == "attest"
        screen.query_one("#" + widget_id("verified"), SelectionList).select("identity")
        await pilot.pause()
        await press_failing(app, pilot, quick, kind, "ctrl+s", monkeypatch, quick.enrollments, "enroll")
        assert app.is_running and app.screen is screen and screen.phase == "attest"
        assert EXPECTED[kind] in str(screen.query_one("#enroll-status", Label).render())
        assert list(screen.query_one("#" + widget_id("verified"), SelectionList).selected) == ["identity"]


def test_textuals_header_teardown_race_is_not_an_incident(quick: Services) -> None:
    """Only that one Textual race is passed over: the same error elsewhere is still an incident."""
    from textual.css.query import NoMatches

    from jobcenter_tui.app import _header_teardown_race

    def raise_in(name: str) -> NoMatches:
        code = compile("def set_title():\n    raise NoMatches('HeaderTitle')\n", name, "exec")
        scope: dict[str, object] = {"NoMatches": NoMatches}
        exec(code, scope)
        try:
            scope["set_title"]()  # type: ignore[operator]
        except NoMatches as error:
            return error
        raise AssertionError("no error raised")

    assert _header_teardown_race(raise_in("/x/site-packages/textual/widgets/_header.py"))
    assert not _header_teardown_race(raise_in("/x/jobcenter_tui/screens/main.py"))
    assert not _header_teardown_race(RuntimeError("other"))
