"""Case Details driven by keys: enroll through the wizard, services, notes, plans, documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import DataTable, SelectionList, TabbedContent

from jobcenter_tui.app import JobCenterApp
from jobcenter_tui.screens.case_details import CaseDetailsScreen
from jobcenter_tui.screens.enroll import EnrollScreen
from jobcenter_tui.screens.form import FormScreen
from jobcenter_tui.services import system_actor
from jobcenter_tui.widgets.question_form import widget_id

from .test_front_desk_ui import choose, settle, type_into

DW = {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "first_name": "Dana", "last_name": "Reyes",
      "date_of_birth": "1979-04-02", "sex": "female", "authorized_to_work": True, "veteran": {"status": "none"},
      "employment": {"status": "unemployed"},
      "dislocation": {"reason": "laid_off", "ui_eligible_or_exhausted": True}}
SEEKER = DW["id"]


@pytest.fixture
def case(services, admin):  # type: ignore[no-untyped-def]
    services.staff.add(admin, "cm", "Casey Morgan", "tall maple river lantern", ["case_manager"], office="TOP")
    services.staff.add(admin, "fd", "Pat Front", "tall maple river lantern", ["front_desk"], office="TOP")
    services.seekers.import_records(system_actor(), [json.dumps(DW)])
    return services


async def open_case(services, who: str, pilot_size=(80, 24)):  # type: ignore[no-untyped-def]
    app = JobCenterApp(services, actor=services.staff.actor_for(who))
    return app


async def goto_tab(app, pilot, tab: str) -> None:  # type: ignore[no-untyped-def]
    app.screen.query_one(TabbedContent).active = tab
    await pilot.pause()
    table_id = {"tab-programs": "programs", "tab-enrollments": "enrollments", "tab-services": "services",
                "tab-notes": "notes", "tab-plans": "plans", "tab-documents": "documents"}[tab]
    app.screen.query_one(f"#{table_id}", DataTable).focus()
    await pilot.pause()


async def test_enroll_dw_through_the_wizard_then_first_service_opens_it(case) -> None:  # type: ignore[no-untyped-def]
    app = await open_case(case, "cm")
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_case(SEEKER)
        await settle(app, pilot)
        programs = app.screen.query_one("#programs", DataTable)
        assert str(programs.get_row("WIOA_DW")[1]) == "needs info"  # unlikely-to-return unanswered
        assert str(programs.get_row("WIOA_DW")[3]) == "Enroll"  # the wizard asks it first (test_case_findings)
        programs.focus()
        # answer the missing question in the demographics, then enroll
        detail = case.seekers.get(system_actor(), SEEKER)
        case.seekers.update(system_actor(), SEEKER, {"employment.unlikely_to_return": True}, expected_version=detail.version)
        await pilot.press("f5")
        await settle(app, pilot)
        assert str(programs.get_row("WIOA_DW")[3]) == "Enroll"
        programs.move_cursor(row=programs.get_row_index("WIOA_DW"))
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, EnrollScreen)
        await choose(app, pilot, "dislocation.attached_not_ui_eligible", "No")
        await pilot.press("f8")
        await settle(app, pilot)
        assert app.screen.phase == "attest"
        verified = app.screen.query_one("#" + widget_id("verified"), SelectionList)
        verified.focus()
        await pilot.press("space", "down", "space")  # identity, age
        assert list(verified.selected) == ["identity", "age"], (verified.selected, verified.highlighted)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen), str(app.screen.query_one("#enroll-status").render())
        await settle(app, pilot)
        assert str(programs.get_row("WIOA_DW")[2]) == "pending"
        enrollment = case.enrollments.for_seeker(system_actor(), SEEKER)[0]
        assert enrollment.attestation["verified"] == ["identity", "age"]
        # record the first participation service from the Enrollments tab
        await goto_tab(app, pilot, "tab-enrollments")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await choose(app, pilot, "code", "B02 Initial assessment")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
        await settle(app, pilot)
        row = app.screen.query_one("#enrollments", DataTable).get_row_at(0)
        assert str(row[1]) == "open" and "exit pending in 90 days" in str(row[4])


async def test_front_desk_sees_no_enroll_action(case) -> None:  # type: ignore[no-untyped-def]
    detail = case.seekers.get(system_actor(), SEEKER)
    case.seekers.update(system_actor(), SEEKER, {"employment.unlikely_to_return": True}, expected_version=detail.version)
    app = await open_case(case, "fd")
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_case(SEEKER)
        await settle(app, pilot)
        programs = app.screen.query_one("#programs", DataTable)
        assert str(programs.get_row("WIOA_DW")[1]) == "eligible"
        assert all(str(programs.get_row_at(i)[3]) == "" for i in range(programs.row_count))
        programs.focus()
        programs.move_cursor(row=programs.get_row_index("WIOA_DW"))
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, CaseDetailsScreen)
    assert case.enrollments.for_seeker(system_actor(), SEEKER) == []


async def test_add_a_note_a_plan_and_a_document(case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from jobcenter_tui.services.enrollments import Attestation

    detail = case.seekers.get(system_actor(), SEEKER)
    case.seekers.update(system_actor(), SEEKER, {"employment.unlikely_to_return": True}, expected_version=detail.version)
    cm = case.staff.actor_for("cm")
    case.enrollments.enroll(cm, SEEKER, "WIOA_DW", Attestation(verified=("identity",)))
    letter = tmp_path / "layoff.pdf"
    letter.write_bytes(b"%PDF-1.4 layoff")
    app = await open_case(case, "cm")
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_case(SEEKER)
        await settle(app, pilot)
        # a note
        await goto_tab(app, pilot, "tab-notes")
        await pilot.press("a")
        await pilot.pause()
        await type_into(app, pilot, "subject", "Intake")
        body = app.screen.query_one("#" + widget_id("body"))
        body.focus()
        await pilot.press(*"Wants welding work")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await settle(app, pilot)
        notes = app.screen.query_one("#notes", DataTable)
        assert notes.row_count == 1 and "Intake" in str(notes.get_row_at(0)[2])
        # a plan on the enrollment
        await goto_tab(app, pilot, "tab-enrollments")
        await pilot.press("p")
        await pilot.pause()
        await type_into(app, pilot, "soc", "51-4121")
        goals = app.screen.query_one("#" + widget_id("goals"))
        goals.focus()
        await pilot.press(*"Welding certificate | 2026-12-01")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await goto_tab(app, pilot, "tab-plans")
        plans = app.screen.query_one("#plans", DataTable)
        assert plans.row_count == 1 and str(plans.get_row_at(0)[1]) == "IEP"
        # a document
        await goto_tab(app, pilot, "tab-documents")
        await pilot.press("a")
        await pilot.pause()
        await type_into(app, pilot, "path", str(tmp_path / "missing.pdf"))
        await choose(app, pilot, "type", "layoff notice")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)  # refused at the field
        assert "no such file" in str(app.screen.query_one("#" + widget_id("path") + "-error").render())
        await type_into(app, pilot, "path", str(letter))
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await settle(app, pilot)
        docs = app.screen.query_one("#documents", DataTable)
        assert docs.row_count == 1 and str(docs.get_row_at(0)[4]) == "no"
        await pilot.press("v")
        await settle(app, pilot)
        await settle(app, pilot)
        assert str(docs.get_row_at(0)[4]).startswith("cm ")
    assert [p.current.employment_goal_soc for p in case.plans.for_seeker(cm, SEEKER)] == ["51-4121"]


async def test_recontacts_due_are_listed_on_the_main_screen_and_open_the_case(case, clock) -> None:  # type: ignore[no-untyped-def]
    from jobcenter_tui.screens.main import MainScreen

    cm = case.staff.actor_for("cm")
    case.notes.add(cm, SEEKER, subject="Call about the class", body="Ask about start date", contact_type="phone",
                   contact_date=clock.now.date(), recontact_date=clock.now.date())
    app = JobCenterApp(case, actor=cm)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        table = app.screen.query_one("#recontacts", DataTable)
        assert table.row_count == 1 and "Reyes, Dana" in str(table.get_row_at(0)[1])
        table.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)


async def test_kiosk_possible_duplicates_are_reviewed_from_the_main_screen(case) -> None:  # type: ignore[no-untyped-def]
    from jobcenter_tui.screens.main import MainScreen
    from jobcenter_tui.services import kiosk_actor

    made = case.registration.register(kiosk_actor(), {"first_name": "Dana", "last_name": "Reyes", "date_of_birth": "1979-04-02"})
    assert made.possible_duplicates == 1
    app = JobCenterApp(case, actor=case.staff.actor_for("cm"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        table = app.screen.query_one("#duplicates", DataTable)
        assert table.row_count == 1 and "same date of birth" in str(table.get_row_at(0)[2])
        table.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen) and app.screen.seeker_id == made.id
        await pilot.press("escape")
        await pilot.pause()
        table.focus()
        await pilot.press("x")
        await settle(app, pilot)
        assert table.row_count == 0
    assert case.duplicates.open(case.staff.actor_for("cm")) == []


def test_table_cells_are_never_markup() -> None:
    """A note or a name holding "[" is drawn as typed: DataTable would parse a str cell as markup."""
    from rich.text import Text

    from jobcenter_tui.widgets.case.base import plain_cells

    cells = plain_cells(("Smith [b]x[/b]", "[/]", 3, None))
    assert [c.plain if isinstance(c, Text) else c for c in cells] == ["Smith [b]x[/b]", "[/]", 3, None]
    assert all(isinstance(c, Text) and not c.spans for c in cells[:2])
