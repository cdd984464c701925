"""Issue 10, ui-trust: the idle lock of the staff console, and what is audited (searches, panes, lock)."""

from __future__ import annotations

import io
import json

from rich.console import Console
from sqlalchemy import text
from textual.widgets import DataTable, Input, Label
from typer.testing import CliRunner

from jobcenter_tui.app import JobCenterApp
from jobcenter_tui.cli import app as cli
from jobcenter_tui.screens.case_details import CaseDetailsScreen
from jobcenter_tui.screens.lock import LockScreen
from jobcenter_tui.screens.login import LoginScreen
from jobcenter_tui.screens.main import MainScreen
from jobcenter_tui.screens.search import SearchScreen
from jobcenter_tui.services import Services
from jobcenter_tui.services.demo import DEMO_PASSWORD

MINUTE = 60.0


def screen_text(app: JobCenterApp) -> str:
    """Everything the terminal shows now, as text (the same render as a screenshot)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, color_system="truecolor",
                      record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))  # noqa: SLF001
    return console.export_text()


async def settle(app: JobCenterApp, pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def sign_in(app: JobCenterApp, pilot, username: str = "casemgr", password: str = DEMO_PASSWORD) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*username, "enter", *password, "enter")
    await settle(app, pilot)


def audit_rows(services: Services, where: str = "1=1") -> list[tuple[str, str | None, str | None, dict | None]]:
    with services.db.session() as s:
        rows = s.execute(text(f"SELECT action, staff, entity_id, changes FROM audit_log WHERE {where} ORDER BY id"))
        return [(a, st, e, json.loads(c) if isinstance(c, str) else c) for a, st, e, c in rows]


def a_last_name(services: Services) -> str:
    with services.db.session() as s:
        return s.execute(text("SELECT last_name FROM job_seeker ORDER BY last_name LIMIT 1")).scalar_one()


async def search_on_screen(app: JobCenterApp, pilot, query: str) -> DataTable:  # type: ignore[no-untyped-def]
    await pilot.press("f2")
    await pilot.pause()
    await pilot.press(*query)
    await pilot.pause(0.4)
    await settle(app, pilot)
    assert isinstance(app.screen, SearchScreen)
    return app.screen.query_one("#results", DataTable)


async def unlock_with(app: JobCenterApp, pilot, password: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*password, "enter")
    await settle(app, pilot)


# --- item 6: the idle lock ---------------------------------------------------------------------------


async def test_idle_lock_covers_the_work_and_unlocking_keeps_it(demo_services) -> None:  # type: ignore[no-untyped-def]
    now = [1000.0]
    app = JobCenterApp(demo_services, clock=lambda: now[0])
    name = a_last_name(demo_services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot)
        assert app.idle_lock_minutes == 15  # the store's default, read at sign-in
        table = await search_on_screen(app, pilot, name)
        rows = table.row_count
        assert rows >= 1 and name in screen_text(app)
        now[0] += 15 * MINUTE
        app._check_idle()  # noqa: SLF001 - the interval timer calls it every few seconds
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen)
        shown = screen_text(app)
        assert "Locked — Casey Morgan (case manager), enter your password" in shown
        assert name not in shown and "***-**-" not in shown and "Born" not in shown  # nothing underneath shows
        await pilot.press("f2", "f3", "f10", "ctrl+p")  # no key gets past the lock
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen) and app.actor is not None
        app.notify(f"Saved {name}.")  # a notice from the work underneath waits for the unlock
        await pilot.pause()
        assert name not in screen_text(app)
        await unlock_with(app, pilot, "not my password")
        assert isinstance(app.screen, LockScreen)
        assert "not your password" in str(app.screen.query_one("#lock-message", Label).render())
        await unlock_with(app, pilot, DEMO_PASSWORD)
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one("#search-box", Input).value == name  # the typed work is intact
        assert app.screen.query_one("#results", DataTable).row_count == rows
    actions = [a for a, staff, _, _ in audit_rows(demo_services) if staff == "casemgr" and a.startswith(("session", "login"))]
    assert actions == ["login", "session.lock", "session.unlock_failed", "session.unlock"]


async def test_a_key_press_restarts_the_idle_clock(demo_services) -> None:  # type: ignore[no-untyped-def]
    now = [1000.0]
    app = JobCenterApp(demo_services, actor=demo_services.staff.actor_for("casemgr"), clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await pilot.pause()
        now[0] += 14 * MINUTE
        await pilot.press("x")
        now[0] += 14 * MINUTE
        app._check_idle()  # noqa: SLF001
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)  # 28 minutes in all, but 14 since the last key
        await pilot.click("#search-box")  # a click counts as much as a key
        now[0] += 14 * MINUTE
        app._check_idle()  # noqa: SLF001
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        now[0] += 1 * MINUTE
        app._check_idle()  # noqa: SLF001
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)


async def test_too_many_wrong_passwords_sign_out(demo_services) -> None:  # type: ignore[no-untyped-def]
    now = [1000.0]
    app = JobCenterApp(demo_services, clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot)
        await pilot.press("f3")  # half a registration: lost when the lock signs out (the lock screen says so)
        await pilot.pause()
        now[0] += 16 * MINUTE
        app._check_idle()  # noqa: SLF001
        await pilot.pause()
        messages = []
        for n in range(1, 6):
            await unlock_with(app, pilot, f"wrong password {n}")
            if n < 5:
                assert isinstance(app.screen, LockScreen), n
                messages.append(str(app.screen.query_one("#lock-message", Label).render()))
        assert "signed out" not in messages[1] and "lost" in messages[2] and "1 more wrong try" in messages[3]
        assert isinstance(app.screen, LoginScreen) and app.actor is None
        assert "signed out" in str(app.screen.query_one("#login-error", Label).render())
        assert len(app.screen_stack) == 2  # the registration underneath is gone
        await sign_in(app, pilot)  # the real person signs in again, as usual
        assert isinstance(app.screen, MainScreen)
    actions = [a for a, staff, _, _ in audit_rows(demo_services) if staff == "casemgr" and a.startswith(("session", "log"))]
    assert actions == ["login", "session.lock", *["session.unlock_failed"] * 5, "logout", "login"]


async def test_screens_opened_or_closed_underneath_wait_for_the_unlock(demo_services) -> None:  # type: ignore[no-untyped-def]
    now = [1000.0]
    app = JobCenterApp(demo_services, actor=demo_services.staff.actor_for("casemgr"), clock=lambda: now[0])
    with demo_services.db.session() as s:
        seeker_id = s.execute(text("SELECT id FROM job_seeker LIMIT 1")).scalar_one()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await pilot.pause()
        now[0] += 15 * MINUTE
        app._check_idle()  # noqa: SLF001
        await pilot.pause()
        search = app.screen_stack[-2]
        search.dismiss(None)  # the search screen closes itself (as a form does after a slow save)
        app.open_case(seeker_id)  # and something opens a record
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen)
        await unlock_with(app, pilot, DEMO_PASSWORD)
        assert isinstance(app.screen, CaseDetailsScreen)
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["MainScreen", "CaseDetailsScreen"]


def test_idle_lock_minutes_is_a_store_setting(services, admin, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    assert services.staff.idle_lock_minutes() == 15
    result = runner.invoke(cli, ["config", "set", "idle_lock_minutes", "5"])
    assert result.exit_code == 0, result.output
    assert services.staff.idle_lock_minutes() == 5
    assert json.loads(runner.invoke(cli, ["config", "show"]).output)["idle_lock_minutes"] == 5
    for bad in ("0", "61", "2.5", "true"):
        result = runner.invoke(cli, ["config", "set", "idle_lock_minutes", bad])
        assert result.exit_code != 0 and "minutes" in result.output, bad
    assert services.staff.idle_lock_minutes() == 5
    assert [c for a, _, e, c in audit_rows(services) if a == "config.set" and e == "idle_lock_minutes"] == [
        {"idle_lock_minutes": {"old": 15, "new": 5}}]


# --- item 10: what is audited --------------------------------------------------------------------


def _no_personal_data(changes: object, *words: str) -> None:
    blob = json.dumps(changes).lower()
    for word in words:
        assert word.lower() not in blob, (word, blob)


def test_name_and_birth_date_searches_are_audited_by_kind_and_count_never_the_text(case) -> None:  # type: ignore[no-untyped-def]
    services, cm, fd, _ = case
    start = len(audit_rows(services))
    assert len(services.search.search(fd, "reyes").rows) == 1
    assert len(services.search.search(fd, "1979-04-02").rows) == 1
    assert len(services.search.search(fd, "dana reyes 04/02/1979").rows) == 1
    assert services.search.search(cm, "nobody-like-this").rows == ()
    services.search.search(cm, "reyes", page=1)  # a second page is a search the screen shows too
    services.search.search(cm, "")  # nothing searched: nothing to audit
    rows = audit_rows(services)[start:]
    assert [(a, st, c) for a, st, _, c in rows] == [
        ("seeker.search", "fd", {"kind": "name", "results": 1, "page": 0}),
        ("seeker.search", "fd", {"kind": "date_of_birth", "results": 1, "page": 0}),
        ("seeker.search", "fd", {"kind": "name+date_of_birth", "results": 1, "page": 0}),
        ("seeker.search", "cm", {"kind": "name", "results": 0, "page": 0}),
        ("seeker.search", "cm", {"kind": "name", "results": 0, "page": 1}),
    ]
    for _, _, _, changes in rows:
        _no_personal_data(changes, "reyes", "dana", "1979", "04/02", "nobody")


def test_a_search_the_audit_cannot_record_shows_nothing(case, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from jobcenter_tui.services import search as search_module
    from jobcenter_tui.services.errors import StoreBusy

    services, _, fd, _ = case

    def busy(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise StoreBusy()

    monkeypatch.setattr(search_module, "append_audit", busy)
    with pytest.raises(StoreBusy):
        services.search.search(fd, "reyes")


async def test_each_case_pane_opened_is_audited_once_with_its_name(case) -> None:  # type: ignore[no-untyped-def]
    from jobcenter_tui.screens.case_details import PANES
    from tests.casework import SEEKER

    services, cm, _, _ = case
    app = JobCenterApp(services, actor=cm)
    start = len(audit_rows(services))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_case(SEEKER)
        await settle(app, pilot)
        for number in (*range(2, 11), 1, 3):  # every tab, then two again: a tab seen before is not audited again
            await pilot.press("1234567890"[number - 1])
            await settle(app, pilot)
        history = app.screen.query_one("#pane-history")
        assert history.viewed
    rows = [(a, e, c) for a, st, e, c in audit_rows(services)[start:] if st == "cm"]
    views = [c["pane"] for a, e, c in rows if a == "case.view" and e == SEEKER]
    assert views == [pane.KEY for pane in PANES]  # the first tab opens with the case, then 2…0 in order
    assert [a for a, _, _ in rows].count("seeker.view") == 1  # opening the record, as before
    for _, _, changes in rows:
        _no_personal_data(changes, "reyes", "dana", "1979")


async def test_history_names_the_tab_opened(case) -> None:  # type: ignore[no-untyped-def]
    from tests.casework import SEEKER

    services, cm, _, _ = case
    services.seekers.audit_view(cm, SEEKER, "notes")
    entry = services.seekers.history(cm, SEEKER)[0]
    from jobcenter_tui.domain.audit import action_label
    from jobcenter_tui.widgets.case.history import _changed

    assert (action_label(entry.action), _changed(entry)) == ("Case tab opened", "Notes")


def test_logins_failures_lock_and_unlock_are_audited_without_the_password(case) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from jobcenter_tui.services.errors import LoginFailed

    services, _, _, _ = case
    start = len(audit_rows(services))
    with pytest.raises(LoginFailed):
        services.staff.login("cm", "wrong horse battery", terminal="tty7")
    cm = services.staff.login("cm", "tall maple river lantern", terminal="tty7")
    services.staff.lock(cm, 15)
    assert not services.staff.unlock(cm, "wrong horse battery").unlocked
    assert services.staff.unlock(cm, "tall maple river lantern").unlocked
    services.staff.logout(cm)
    rows = audit_rows(services)[start:]
    assert [(a, e) for a, _, e, _ in rows] == [("login.failed", "cm"), ("login", "cm"), ("session.lock", "cm"),
                                               ("session.unlock_failed", "cm"), ("session.unlock", "cm"), ("logout", "cm")]
    for _, _, _, changes in rows:
        _no_personal_data(changes, "horse", "maple", "lantern")


def test_unlock_failures_count_per_lock_and_a_disabled_account_is_signed_out(case) -> None:  # type: ignore[no-untyped-def]
    services, _, _, _ = case
    admin = services.staff.actor_for("root.admin")
    cm = services.staff.login("cm", "tall maple river lantern", terminal="tty7")
    services.staff.lock(cm, 15)
    assert [services.staff.unlock(cm, "wrong").failures for _ in range(3)] == [1, 2, 3]
    assert services.staff.unlock(cm, "tall maple river lantern").unlocked
    services.staff.lock(cm, 15)  # a new lock starts counting again
    outcomes = [services.staff.unlock(cm, "wrong") for _ in range(5)]
    assert [o.failures for o in outcomes] == [1, 2, 3, 4, 5] and [o.signed_out for o in outcomes] == [False] * 4 + [True]
    cm = services.staff.login("cm", "tall maple river lantern", terminal="tty7")
    services.staff.lock(cm, 15)
    services.staff.set_status(admin, "cm", "disabled")
    outcome = services.staff.unlock(cm, "tall maple river lantern")  # the right password, but the account is off
    assert not outcome.unlocked and outcome.signed_out
