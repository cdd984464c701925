"""The staff console started as ``jobcenter`` starts it (no services handed in), driven headless."""

from __future__ import annotations

import asyncio

from textual.widgets import Label

from jobcenter_tui.app import JobCenterApp
from jobcenter_tui.services import open_store
from tests.conftest import FAST_HASHER


def console_opening_the_store() -> JobCenterApp:
    """The console opening the store named by JOBCENTER_HOME behind its sign-in screen."""
    return JobCenterApp(open_store=lambda: open_store(password_hasher=FAST_HASHER))


async def wait_for_the_store(app: JobCenterApp, pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.store_open or app.store_error is not None:
            return
    raise AssertionError("the store neither opened nor failed")


def what_the_sign_in_screen_says() -> tuple[str, int | None]:
    """(the sign-in screen's message, the exit status ``jobcenter`` ends with) once the store opened or failed."""

    async def run() -> tuple[str, int | None]:
        app = console_opening_the_store()
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for_the_store(app, pilot)
            said = str(app.screen.query_one("#login-error", Label).render())
            code = app.store_error.exit_code if app.store_error is not None else None
            if app.store_open:
                app.services.close()
        return said, code

    return asyncio.run(run())
