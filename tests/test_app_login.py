"""The console driven as a user drives it: keys first."""

from textual.widgets import Label

from jobcenter_tui.app import JobCenterApp
from jobcenter_tui.screens.login import LoginScreen
from jobcenter_tui.screens.main import MainScreen
from jobcenter_tui.services.demo import DEMO_PASSWORD


async def _sign_in(app: JobCenterApp, pilot, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*username, "enter", *password, "enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_sign_in_with_a_demo_account(demo_services) -> None:  # type: ignore[no-untyped-def]
    app = JobCenterApp(demo_services)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, LoginScreen)
        await _sign_in(app, pilot, "casemgr", DEMO_PASSWORD)
        assert isinstance(app.screen, MainScreen)
        assert app.actor is not None and app.actor.username == "casemgr"
        assert "Casey Morgan" in app.sub_title and "TOP" in app.sub_title
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert str(app.screen.query_one("#store-seekers", Label).render()) == "Job seekers 60"
        access = app.screen.query_one("#program-access")
        assert access.row_count == 6
        assert access.get_row("WIOA_DW")[1:] == ["yes", "yes", "yes"]


async def test_front_desk_sees_no_enroll_access(demo_services) -> None:  # type: ignore[no-untyped-def]
    app = JobCenterApp(demo_services)
    async with app.run_test(size=(80, 24)) as pilot:
        await _sign_in(app, pilot, "frontdesk", DEMO_PASSWORD)
        assert app.screen.query_one("#program-access").get_row("WIOA_DW")[1:] == ["yes", "—", "—"]


async def test_wrong_password_stays_on_sign_in_with_a_message(demo_services) -> None:  # type: ignore[no-untyped-def]
    app = JobCenterApp(demo_services)
    async with app.run_test(size=(80, 24)) as pilot:
        await _sign_in(app, pilot, "casemgr", "not the password")
        assert isinstance(app.screen, LoginScreen)
        assert app.actor is None
        message = str(app.screen.query_one("#login-error", Label).render())
        assert "Sign-in failed" in message
        assert app.screen.query_one("#password").value == ""
        assert app.focused is app.screen.query_one("#password")
        # an unknown user gets exactly the same words
        await pilot.press("escape")
        await _sign_in(app, pilot, "nobody", "not the password")
        assert str(app.screen.query_one("#login-error", Label).render()) == message


async def test_empty_fields_are_refused_without_asking_the_store(demo_services) -> None:  # type: ignore[no-untyped-def]
    app = JobCenterApp(demo_services)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert "Type your user name" in str(app.screen.query_one("#login-error", Label).render())


async def test_sign_out_returns_to_sign_in_and_is_audited(demo_services) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    app = JobCenterApp(demo_services)
    async with app.run_test(size=(80, 24)) as pilot:
        await _sign_in(app, pilot, "supervisor", DEMO_PASSWORD)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and app.actor is None
    with demo_services.db.session() as s:
        actions = [r[0] for r in s.execute(text("SELECT action FROM audit_log WHERE entity_id = 'supervisor' ORDER BY id"))]
    assert actions[-2:] == ["login", "logout"]


async def test_command_palette_offers_the_screen_actions(demo_services) -> None:  # type: ignore[no-untyped-def]
    app = JobCenterApp(demo_services)
    async with app.run_test(size=(80, 24)) as pilot:
        await _sign_in(app, pilot, "casemgr", DEMO_PASSWORD)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Sign out" in titles and "Refresh" in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"sign out")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, LoginScreen)
