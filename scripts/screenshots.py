"""Write SVG screenshots of the main screens into docs/screenshots (Textual's save_screenshot).

The store is built with a fixed clock and a fixed demo seed, so that running this again gives
the same files byte for byte: a change in git is a change in what the screens show.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
# The moment every screenshot is taken (the tests' clock too): ages, due dates and eligibility
# depend on "today".
FIXED_NOW = datetime(2026, 6, 15, 14, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    return FIXED_NOW


async def main() -> None:
    os.environ["JOBCENTER_HOME"] = tempfile.mkdtemp(prefix="jobcenter-shots-")
    sys.path.insert(0, str(ROOT))
    from textual.widgets import Input

    from jobcenter_tui.app import JobCenterApp
    from jobcenter_tui.services import open_services, system_actor
    from jobcenter_tui.services.demo import DEMO_PASSWORD

    services = open_services(clock=fixed_clock)
    services.demo.seed(system_actor(), seekers=500, seed=2026)
    OUT.mkdir(parents=True, exist_ok=True)
    app = JobCenterApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        for field in app.screen.query(Input):
            field.cursor_blink = False
        await pilot.press(*"casemgr")
        await pilot.pause()
        app.save_screenshot(filename="login.svg", path=str(OUT))
        await pilot.press("enter", *DEMO_PASSWORD, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.save_screenshot(filename="main.svg", path=str(OUT))
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press(*"smi", "enter")
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        await pilot.pause()
        for field in app.screen.query(Input):
            field.cursor_blink = False
        app.save_screenshot(filename="search.svg", path=str(OUT))
        await pilot.press("enter")
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        app.save_screenshot(filename="case_details.svg", path=str(OUT))
        await pilot.press("escape", "escape")
        await pilot.pause()
        await pilot.press("f3")
        await pilot.pause()
        for text in ("Marcus", "", "Oyelaran", "", "1985-11-20"):
            await pilot.press(*text, "tab") if text else await pilot.press("tab")
        await pilot.pause()
        for field in app.screen.query(Input):
            field.cursor_blink = False
        app.save_screenshot(filename="wizard.svg", path=str(OUT))
        for _ in range(12):
            await pilot.press("f8")
            for _ in range(2):
                await app.workers.wait_for_complete()
                await pilot.pause()
            if app.screen.page_key == "review":
                break
        app.save_screenshot(filename="review.svg", path=str(OUT))
    services.close()
    print(f"wrote {', '.join(p.name for p in sorted(OUT.glob('*.svg')))} to {OUT}")


if __name__ == "__main__":
    asyncio.run(main())
