"""What the main screens look like at 80x24 (update only after looking at the report)."""

from pathlib import Path

from textual.widgets import Input

from jobcenter_tui.app import JobCenterApp
from jobcenter_tui.services import open_services
from jobcenter_tui.widgets.question_form import widget_id

from .conftest import FAST_HASHER, Clock


async def _still(pilot) -> None:  # type: ignore[no-untyped-def]
    """Let workers finish and stop the cursor blinking, so the picture is the same every run."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def _app(home: Path, actor_name: str | None = None) -> JobCenterApp:
    services = open_services(password_hasher=FAST_HASHER, clock=Clock())
    actor = services.staff.actor_for(actor_name) if actor_name else None
    return JobCenterApp(services, actor=actor)


def test_login_screen(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(demo_home), terminal_size=(80, 24), run_before=_still)


def test_login_error(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press(*"casemgr", "enter", *"wrong", "enter")
        await _still(pilot)

    assert snap_compare(_app(demo_home), terminal_size=(80, 24), run_before=run_before)


def test_main_screen(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(demo_home, "casemgr"), terminal_size=(80, 24), run_before=_still)


def test_search_results(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press(*"mi", "enter")
        await pilot.pause(0.4)
        await _still(pilot)

    assert snap_compare(_app(demo_home, "casemgr"), terminal_size=(80, 24), run_before=run_before)


async def _fill(pilot, path: str, text: str) -> None:  # type: ignore[no-untyped-def]
    pilot.app.screen.query_one("#" + widget_id(path)).focus()
    await pilot.press(*text, "tab")


def test_wizard_identity_page(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("f3")
        await pilot.pause()
        await _fill(pilot, "first_name", "Marcus")
        await _fill(pilot, "last_name", "Oyelaran")
        await _fill(pilot, "date_of_birth", "1985-13-20")
        await _still(pilot)

    assert snap_compare(_app(demo_home, "casemgr"), terminal_size=(80, 24), run_before=run_before)


def test_wizard_review_page(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("f3")
        await pilot.pause()
        await _fill(pilot, "first_name", "Marcus")
        await _fill(pilot, "last_name", "Oyelaran")
        await _fill(pilot, "date_of_birth", "1985-11-20")
        for _ in range(12):
            await pilot.press("f8")
            await _still(pilot)
            if pilot.app.screen.page_key == "review":
                break

    assert snap_compare(_app(demo_home, "casemgr"), terminal_size=(80, 24), run_before=run_before)
