"""Employers and postings (F4) driven by keys at 80x24, and the posting screen's picture."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Static

from jobcenter_tui.app import JobCenterApp
from jobcenter_tui.screens.confirm import ConfirmModal
from jobcenter_tui.screens.employers import EmployerScreen, EmployersScreen, PostingScreen
from jobcenter_tui.screens.form import FormScreen
from jobcenter_tui.services import open_services, system_actor

from .conftest import FAST_HASHER, Clock
from .test_front_desk_ui import choose, settle, type_into


async def test_add_an_employer_and_a_posting_by_keys_and_activate_it(services, admin) -> None:  # type: ignore[no-untyped-def]
    app = JobCenterApp(services, actor=admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, EmployersScreen)
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"Acme Castings")  # the first question has the focus
        await type_into(app, pilot, "fein", "07-1234567")
        await type_into(app, pilot, "address_city", "Topeka")
        await type_into(app, pilot, "address_state", "KS")
        await type_into(app, pilot, "address_zip", "66603")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)  # the IRS assigns no FEIN starting 07: marked, nothing saved
        assert "07" in str(app.screen.query_one("#q-fein-error").render())
        await type_into(app, pilot, "fein", "48-1234567")
        await type_into(app, pilot, "naics", "331512")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, EmployerScreen)
        assert "FEIN 48-1234567" in str(app.screen.query_one("#employer-info", Static).render())
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"Welder")
        await type_into(app, pilot, "soc_code", "51-4121")
        await type_into(app, pilot, "openings", "2")
        await type_into(app, pilot, "wage_min", "19.50")
        await choose(app, pilot, "wage_unit", "per hour")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, PostingScreen)
        assert "Draft" in str(app.screen.query_one("#posting-info", Static).render())
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await choose(app, pilot, "status", "Active")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, PostingScreen)
        info = str(app.screen.query_one("#posting-info", Static).render())
        assert "Active" in info and "$19.50 per hour" in info
        history = app.screen.query_one("#posting-history", DataTable)
        assert [str(history.get_row_at(i)[2]) for i in range(history.row_count)] == ["Active", "Draft"]
        # filled with no hired referral and no reason: refused in words, nothing moves
        await pilot.press("s")
        await pilot.pause()
        await choose(app, pilot, "status", "Filled")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, PostingScreen)
        assert any("0 of 2 openings" in str(n.message) for n in app._notifications)  # noqa: SLF001
        assert history.row_count == 2
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, EmployerScreen)
        postings = app.screen.query_one("#postings", DataTable)
        assert [str(c) for c in postings.get_row_at(0)][:3] == ["Welder", "51-4121", "Active"]
    [employer] = services.employers.search(system_actor(), "acme")
    [posting] = services.employers.get(system_actor(), employer.id).postings
    assert (employer.fein, posting.status, posting.openings) == ("481234567", "active", 2)


async def test_f4_is_offered_to_front_desk_without_changing_keys(services, admin) -> None:  # type: ignore[no-untyped-def]
    services.staff.add(admin, "fd", "Pat Front", "tall maple river lantern", ["front_desk"], office="TOP")
    emp = services.employers.add(admin, {"name": "Acme Castings", "fein": "481234567"})
    app = JobCenterApp(services, actor=services.staff.actor_for("fd"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, EmployersScreen)
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, EmployersScreen)  # no "add employer" for front desk
        await pilot.press("enter")  # from the box to the list, then open the employer
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, EmployerScreen) and app.screen.employer_id == emp.id
        await pilot.press("e", "p")
        await pilot.pause()
        assert isinstance(app.screen, EmployerScreen)
        shown = {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}
        assert "edit" not in shown and "add_posting" not in shown


async def test_posting_occupation_is_picked_by_words_and_a_group_is_refused(services, admin) -> None:  # type: ignore[no-untyped-def]
    from .test_front_desk_ui import error_at
    from .test_occupation_picker import picker, shown_matches, typed_and_waited

    emp = services.employers.add(admin, {"name": "Acme Castings", "fein": "481234567"})
    app = JobCenterApp(services, actor=admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(EmployerScreen(emp.id))
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"Welder")
        box = picker(app, "soc_code").input
        box.focus()
        await typed_and_waited(app, pilot, "51-4120")  # the welding group: not one occupation
        await pilot.press("escape", "tab")
        await pilot.pause()
        assert "51-4120 is a group" in error_at(app, "soc_code")
        box.focus()
        box.value = ""
        await typed_and_waited(app, pilot, "welders cutters")
        assert shown_matches(app, "soc_code")[0].startswith("51-4121 Welders, Cutters")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, PostingScreen)
        assert "Occupation 51-4121" in str(app.screen.query_one("#posting-info", Static).render())
        await pilot.press("e")  # editing shows the occupation in words, and keeps it
        await settle(app, pilot)
        assert picker(app, "soc_code").input.value.startswith("51-4121 Welders")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, PostingScreen)
    [posting] = services.employers.get(admin, emp.id).postings
    assert posting.soc_code == "51-4121"


def test_posting_screen_snapshot(snap_compare, empty_home: Path) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    services = open_services(password_hasher=FAST_HASHER, clock=Clock())
    services.staff.add(system_actor(), "root.admin", "Root Admin", "a long admin passphrase", ["admin"], office="TOP")
    sys = system_actor()
    emp = services.employers.add(sys, {"name": "Acme Castings", "fein": "481234567", "naics": "331512",
                                       "address_city": "Topeka", "address_state": "KS", "address_zip": "66603"})
    p = services.postings.add(sys, emp.id, {
        "title": "Welder (MIG/TIG) [2nd shift]", "soc_code": "51-4121", "city": "Topeka", "state": "KS", "zip": "66603",
        "wage_min": Decimal("19.50"), "wage_max": Decimal(24), "wage_unit": "hour", "job_type": "full_time",
        "openings": 2, "closing_date": "2026-07-31", "education_wanted": "hs_diploma",
        "experience_wanted": "1 year welding", "visibility": "staff_referral_only",
        "description": "Structural steel welding on the second shift."})
    services.postings.move(sys, p.id, "active", expected_version=p.version)
    app = JobCenterApp(services, actor=services.staff.actor_for("root.admin"))

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("f4")
        await settle(pilot.app, pilot)
        await pilot.press(*"acme", "enter")
        await pilot.pause(0.35)  # past the search box's debounce, however busy the machine
        await settle(pilot.app, pilot)
        await pilot.press("enter")
        await settle(pilot.app, pilot)
        pilot.app.screen.query_one("#postings", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot.app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
