"""Job Search on Case Details, as a case manager at 80x24: find a welder's job, refer, see the B04, mark hired."""

from __future__ import annotations

from textual.widgets import DataTable, Input, TabbedContent

from jobcenter_tui.app import JobCenterApp
from jobcenter_tui.screens.detail import DetailModal
from jobcenter_tui.screens.form import FormScreen
from jobcenter_tui.widgets.question_form import widget_id

from .test_front_desk_ui import choose, settle
from .test_job_search import WELDER, jobs  # noqa: F401 - the fixture

__all__ = ["jobs"]


async def test_find_a_welding_job_refer_and_mark_hired(jobs) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    services, _, ids = jobs
    app = JobCenterApp(services, actor=services.staff.actor_for("cm"))
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_case(WELDER["id"])
        await settle(app, pilot)
        await pilot.press("0")
        await settle(app, pilot)
        screen = app.screen
        assert screen.query_one(TabbedContent).active == "tab-jobs"
        # the filters start from the record: the welder's occupation, home ZIP, 25 miles
        assert screen.query_one("#job-soc", Input).value == "51-4121"
        assert screen.query_one("#job-zip", Input).value == "66603"
        assert screen.query_one("#job-miles", Input).value == "25"
        # find a welding posting within 25 miles by words too
        await pilot.press("slash")
        screen.query_one("#job-words", Input).focus()
        await pilot.press(*"welding", "enter")
        await settle(app, pilot)
        results = screen.query_one("#job-results", DataTable)
        assert results.has_focus and results.row_count >= 3
        first = results.get_row_at(0)
        assert str(first[0]) == "exact" and float(str(first[3])) <= 25
        assert ids["exact_far"] not in [str(k.value) for k in results.rows]  # Lawrence is beyond 25 miles
        results.move_cursor(row=results.get_row_index(ids["exact_near"]))
        # Enter opens the posting
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DetailModal)
        await pilot.press("escape")
        await settle(app, pilot)
        # refer, confirmed
        await pilot.press("f")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        activity = screen.query_one("#job-activity", DataTable)
        assert activity.row_count == 1
        row = activity.get_row_at(0)
        assert str(row[1]) == "Referral" and str(row[3]) == "referred"
        # its B04 service is on the Services tab
        await pilot.press("3")
        await settle(app, pilot)
        services_table = screen.query_one("#services", DataTable)
        assert any("B04" in " ".join(str(c) for c in services_table.get_row_at(i)) for i in range(services_table.row_count))
        # back to Job Search: mark it hired with the date and wage
        await pilot.press("0")
        await settle(app, pilot)
        activity.focus()
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        await choose(app, pilot, "outcome", "hired")
        date_box = app.screen.query_one("#" + widget_id("hire_date"), Input)
        date_box.focus()
        await pilot.press(*services.today().isoformat(), "tab")
        await pilot.press(*"23.50", "tab")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen), str(app.screen.query_one("#form-status").render())
        row = activity.get_row_at(0)
        assert str(row[3]) == f"hired {services.today().isoformat()}"
    referral = services.referrals.activity(services.staff.actor_for("cm"), WELDER["id"]).referrals[0]
    assert referral.status == "hired" and str(referral.hire_wage) == "23.50"
