"""Candidates for a posting (F4 → employer → posting → k), as a case manager at 80x24: refer one, see it listed."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from jobcenter_tui.app import JobCenterApp
from jobcenter_tui.screens.case_details import CaseDetailsScreen
from jobcenter_tui.screens.confirm import ConfirmModal
from jobcenter_tui.screens.employers import CandidatesScreen, EmployerScreen, PostingScreen
from jobcenter_tui.screens.form import FormScreen
from jobcenter_tui.widgets.question_form import widget_id

from .test_front_desk_ui import choose, settle
from .test_job_search import LAWRENCE_WELDER, WELDER, jobs  # noqa: F401 - the fixture

__all__ = ["jobs"]


async def _open_candidates(app, pilot, posting_id: str) -> CandidatesScreen:  # type: ignore[no-untyped-def]
    await pilot.press("f4")
    await settle(app, pilot)
    await pilot.press(*"prairie", "enter")
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, EmployerScreen)
    postings = app.screen.query_one("#postings", DataTable)
    postings.focus()
    postings.move_cursor(row=postings.get_row_index(posting_id))
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, PostingScreen)
    await pilot.press("k")
    await settle(app, pilot)
    assert isinstance(app.screen, CandidatesScreen)
    return app.screen


def _names(table: DataTable) -> list[str]:  # type: ignore[type-arg]
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_refer_a_candidate_and_see_it_on_the_posting(jobs) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    services, cm, ids = jobs
    app = JobCenterApp(services, actor=cm)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = await _open_candidates(app, pilot, ids["exact_near"])
        table = screen.query_one("#candidates", DataTable)
        assert table.has_focus and _names(table) == ["Welder, Wes"]  # 25 miles: Lawrence is farther
        row = [str(c) for c in table.get_row_at(0)]
        assert row[1:3] == ["exact", "0.0"] and row[4] == services.today().isoformat() and row[5] == ""
        # a wider radius brings in the Lawrence welder, nearest first
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        box = app.screen.query_one("#" + widget_id("miles"), Input)
        box.focus()
        box.value = ""
        await pilot.press(*"40", "tab", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen and _names(table) == ["Welder, Wes", "Lawrence, Lee"]
        # a lead by email to the highlighted one
        await pilot.press("l")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        await choose(app, pilot, "channel", "email")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert [lead.title for lead in services.referrals.activity(cm, WELDER["id"]).leads] == ["Welder"]
        # refer, confirmed: the list says so
        await pilot.press("f")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.screen is screen and str(table.get_row_at(0)[5]) == "Referred"
        # a second referral is refused in words, nothing added
        await pilot.press("f", "y")
        await settle(app, pilot)
        assert app.screen is screen
        assert any("already has an open referral" in str(n.message) for n in app._notifications)  # noqa: SLF001
        assert len(services.referrals.activity(cm, WELDER["id"]).referrals) == 1
        # back on the posting, the referral is on its list
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, PostingScreen)
        referrals = app.screen.query_one("#posting-referrals", DataTable)
        assert [str(referrals.get_row_at(i)[0]) for i in range(referrals.row_count)] == ["Welder, Wes"]
        assert str(referrals.get_row_at(0)[1]) == "Referred"
        # Enter on a candidate opens the case
        await pilot.press("k")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen) and app.screen.seeker_id == WELDER["id"]


async def test_no_candidate_is_said_and_refer_asks_for_one(jobs) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    services, cm, ids = jobs
    app = JobCenterApp(services, actor=cm)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = await _open_candidates(app, pilot, ids["other_group"])  # machinists: nobody looks for that
        assert screen.query_one("#candidates", DataTable).row_count == 0
        assert "No job seeker authorized to work" in str(screen.query_one("#candidates-message").render())
        await pilot.press("f")
        await settle(app, pilot)
        assert app.screen is screen
        assert any("No job seeker to choose" in str(n.message) for n in app._notifications)  # noqa: SLF001


def test_candidates_snapshot(snap_compare, jobs) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    services, cm, ids = jobs
    services.referrals.refer(cm, LAWRENCE_WELDER["id"], ids["exact_near"])
    app = JobCenterApp(services, actor=cm)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot.app, pilot)
        pilot.app.push_screen(CandidatesScreen(ids["exact_near"], miles=40))
        await settle(pilot.app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
