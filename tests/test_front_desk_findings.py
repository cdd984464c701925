"""What staff found at the front desk in the first week, driven as they found it (80x24)."""

from __future__ import annotations

import json

import pytest
from textual import events
from textual.widgets import DataTable, Header, Input, Label, Static

from jobcenter_tui.app import KioskApp
from jobcenter_tui.screens.case_details import CaseDetailsScreen
from jobcenter_tui.screens.duplicates import DuplicatesModal
from jobcenter_tui.screens.kiosk_welcome import KioskWelcomeScreen
from jobcenter_tui.screens.main import MainScreen
from jobcenter_tui.screens.registration import RegistrationScreen
from jobcenter_tui.screens.search import SearchScreen
from jobcenter_tui.services import kiosk_actor, system_actor
from jobcenter_tui.widgets.question_form import widget_id

from .test_front_desk_ui import (
    DANA,
    LUIS,
    TWIN,
    choose,
    error_at,
    next_page,
    search_for,
    settle,
    staff_app,
    type_into,
)


@pytest.fixture
def front_desk(services, admin):  # type: ignore[no-untyped-def]
    services.staff.add(admin, "cm", "Casey Morgan", "tall maple river lantern", ["case_manager"], office="TOP")
    services.seekers.import_records(system_actor(), [DANA, LUIS, TWIN])
    return services


def field(app, path: str) -> Input:  # type: ignore[no-untyped-def]
    return app.screen.query_one("#" + widget_id(path), Input)


async def set_fields(app, pilot, **values: str) -> None:  # type: ignore[no-untyped-def]
    """Fill fields without typing each key (the keystroke flows are in test_front_desk_ui)."""
    for name, value in values.items():
        field(app, name.replace("__", ".")).value = value
    await pilot.pause()


async def to_review(app, pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(12):
        if app.screen.page_key == "review":
            return
        await next_page(app, pilot)
    raise AssertionError(f"stuck on {app.screen.page_key}")


def status(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#wizard-status", Label).render())


def sub_title(app) -> str:  # type: ignore[no-untyped-def]
    return app.screen.query_one(Header).screen_sub_title


# --- 1. Save with a bad answer on an earlier page ------------------------------------------------

async def test_save_goes_to_the_bad_answer_scrolled_into_view_not_selected(front_desk) -> None:  # type: ignore[no-untyped-def]
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        # the last question of a long first page: only the store knows there is no such staff member
        await set_fields(app, pilot, first_name="Marcus", last_name="Oyelaran", date_of_birth="1985-11-20",
                         case_manager="nobody")
        await to_review(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, RegistrationScreen) and app.screen.page_key == "identity"
        box = field(app, "case_manager")
        assert app.focused is box
        assert box.value == "nobody" and box.cursor_position == len("nobody") and box.selection.is_empty
        assert "no staff account named nobody" in error_at(app, "case_manager")
        form = app.screen.query_one("#wizard-form")
        message = app.screen.query_one("#" + widget_id("case_manager") + "-error")
        assert form.region.contains_region(box.region) and form.region.contains_region(message.region)
        await pilot.press("backspace", *"y")  # corrected, not retyped
        assert box.value == "nobody"[:-1] + "y"


# --- 2. An SSN already on file --------------------------------------------------------------------

async def test_an_ssn_on_file_says_whose_and_offers_only_that_record(front_desk) -> None:  # type: ignore[no-untyped-def]
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await set_fields(app, pilot, first_name="Diane", last_name="Other", date_of_birth="1960-05-05",
                         ssn="219-09-9999")
        await next_page(app, pilot)
        assert isinstance(app.screen, DuplicatesModal)
        title = str(app.screen.query_one("#dup-title", Label).render())
        assert "This SSN belongs to Reyes, D. — open that record" in title
        assert not app.screen.query("#dup-distinct")
        await pilot.press("d")  # no "different person" for one SSN
        await pilot.pause()
        assert isinstance(app.screen, DuplicatesModal)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RegistrationScreen) and app.screen.page_key == "identity"
        assert app.focused is field(app, "ssn") and "Correct the SSN" in status(app)
        await set_fields(app, pilot, ssn="219-09-4444")
        await next_page(app, pilot)
        assert isinstance(app.screen, RegistrationScreen) and app.screen.page_key == "work"  # no loop


# --- 3, 6, 13, 16. The kiosk -----------------------------------------------------------------------

async def test_kiosk_asks_men_about_selective_service_never_fips_and_records_its_office(front_desk) -> None:  # type: ignore[no-untyped-def]
    app = KioskApp(front_desk, office="WCH")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert not app.screen.query("#" + widget_id("address.county_fips"))
        await set_fields(app, pilot, first_name="Kim", last_name="Lee", date_of_birth="1995-07-07")
        await choose(app, pilot, "sex", "Male")
        await next_page(app, pilot)
        assert app.screen.page_key == "work"
        assert "selective_service.status" in {q.path for q in app.screen.query_one("#wizard-form").visible_questions()}
        await choose(app, pilot, "selective_service.status", "Registered")
        await to_review(app, pilot)
        why = [str(row[2]) for row in (app.screen.query_one("#review-eligibility", DataTable).get_row_at(i)
                                      for i in range(6))]
        assert any("missing" in w for w in why)
        assert not any("." in w.replace("...", "") or "_" in w for w in why), why
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, KioskWelcomeScreen)
    row = front_desk.search.search(system_actor(), "kim lee").rows[0]
    record = front_desk.seekers.get(system_actor(), row.id).record
    assert record["office"] == "WCH" and record["selective_service"] == {"status": "registered"}


# --- 6. Labels on the review page -----------------------------------------------------------------

async def test_review_page_names_missing_answers_by_their_labels(front_desk) -> None:  # type: ignore[no-untyped-def]
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await set_fields(app, pilot, first_name="Wen", last_name="Zhao", date_of_birth="1990-01-15")
        await to_review(app, pilot)
        table = app.screen.query_one("#review-eligibility", DataTable)
        why = " ".join(str(table.get_row_at(i)[2]) for i in range(table.row_count))
        assert "Legally authorized to work in the US" in why
        assert "authorized_to_work" not in why and "income." not in why and "_" not in why


# --- 11. Focus ------------------------------------------------------------------------------------

async def test_keys_typed_right_after_f3_reach_the_first_field_and_every_page_starts_at_its_first(front_desk) -> None:  # type: ignore[no-untyped-def]
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("f3", *"Marcus"):  # as a terminal delivers a burst: no waiting between keys
            event = events.Key(key, None if len(key) > 1 else key)
            event.set_sender(app)
            app._driver.send_message(event)  # noqa: SLF001 - pilot.press waits for idle after each key
        await settle(app, pilot)
        assert field(app, "first_name").value == "Marcus"
        await set_fields(app, pilot, last_name="Oyelaran", date_of_birth="1985-11-20")
        await next_page(app, pilot)
        assert app.focused is app.screen.query_one("#" + widget_id("authorized_to_work"))
        await next_page(app, pilot)
        assert app.focused is app.screen.query_one("#" + widget_id("veteran.status"))
        await pilot.press("f7")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#" + widget_id("authorized_to_work"))
        await pilot.press("f7")
        await pilot.pause()
        assert app.focused is field(app, "first_name")


async def test_back_from_a_record_the_search_box_takes_its_id(front_desk) -> None:  # type: ignore[no-untyped-def]
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await search_for(app, pilot, "dan rey")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
        header = str(app.screen.query_one("#case-header", Static).render())
        short_id = header.split("record ")[1][:8]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert app.focused is app.screen.query_one("#search-box", Input)
        await pilot.press(*short_id, "enter")  # 15: the id as the header shows it
        await pilot.pause(0.35)
        await settle(app, pilot)
        table = app.screen.query_one("#results", DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["Reyes, Dana"]


async def test_enter_opens_the_first_home_list_without_tab(front_desk) -> None:  # type: ignore[no-untyped-def]
    front_desk.registration.register(kiosk_actor("TOP"), {**json.loads(DANA), "first_name": "Danna",
                                                          "account_type": "self_service"})
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.screen.query_one("#duplicates", DataTable).row_count == 1
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
        assert "Reyes, Danna" in str(app.screen.query_one("#case-header", Static).render())


# --- 12. Nothing stale ----------------------------------------------------------------------------

async def test_home_counts_and_titles_follow_the_screens(front_desk) -> None:  # type: ignore[no-untyped-def]
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "Job seekers 3" in str(app.screen.query_one("#store-seekers", Label).render())
        assert sub_title(app) == "Casey Morgan · office TOP"
        front_desk.registration.register(system_actor(), {"first_name": "New", "last_name": "Person",
                                                          "date_of_birth": "1990-01-01"})
        await search_for(app, pilot, "dan rey")
        assert sub_title(app) == "Find a job seeker"
        await pilot.press("enter")
        await settle(app, pilot)
        assert sub_title(app) == "Reyes, Dana"
        await pilot.press("escape")
        await pilot.pause()
        assert sub_title(app) == "Find a job seeker"
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen) and sub_title(app) == "Casey Morgan · office TOP"
        assert "Job seekers 4" in str(app.screen.query_one("#store-seekers", Label).render())
        await pilot.press("f3")
        await pilot.pause()
        assert sub_title(app) == "Register a job seeker"


async def test_x_on_a_kiosk_duplicate_updates_the_home_screen(front_desk) -> None:  # type: ignore[no-untyped-def]
    looks_like_dana = {k: v for k, v in json.loads(DANA).items() if k != "ssn"}  # same phone and birth date, no SSN
    front_desk.registration.register(kiosk_actor("TOP"), {**looks_like_dana, "first_name": "Danna"})
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "Job seekers 4" in str(app.screen.query_one("#store-seekers", Label).render())
        await pilot.press("x")
        await settle(app, pilot)
        assert app.screen.query_one("#duplicates", DataTable).row_count == 0
        assert not app.screen.query_one("#duplicates-panel").display


async def test_answers_to_fix_line_follows_the_fixes_and_untouched_escape_just_closes(front_desk) -> None:  # type: ignore[no-untyped-def]
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("escape")  # nothing typed: nothing to lose, nothing to ask
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("f3")
        await pilot.pause()
        await next_page(app, pilot)
        assert "3 answers to fix" in status(app)
        await type_into(app, pilot, "first_name", "Wen")
        assert "2 answers to fix" in status(app)
        await type_into(app, pilot, "last_name", "Zhao")
        await type_into(app, pilot, "date_of_birth", "1990-01-15")
        assert "to fix" not in status(app)


async def test_f8_says_how_many_are_shown_in_all(front_desk) -> None:  # type: ignore[no-untyped-def]
    lines = [json.dumps({"first_name": f"Ann{i:02}", "last_name": "Smith", "date_of_birth": "1970-01-01"}) for i in range(60)]
    front_desk.seekers.import_records(system_actor(), lines)
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await search_for(app, pilot, "smith")
        message = app.screen.query_one("#search-message", Label)
        assert str(message.render()).endswith("50 shown — F8: more")
        await pilot.press("f8")
        await settle(app, pilot)
        assert str(message.render()).endswith("60 shown")
        assert app.screen.query_one("#results", DataTable).row_count == 60


# --- 13. The store's minimum age, as typed ------------------------------------------------------

async def test_the_wizard_checks_the_date_of_birth_against_the_stores_minimum_age(front_desk, admin) -> None:  # type: ignore[no-untyped-def]
    front_desk.eligibility.set_switch(admin, "wp_min_age", 16)
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        await type_into(app, pilot, "date_of_birth", "2011-01-01")
        assert "at least 16" in error_at(app, "date_of_birth")


# --- 9. Search columns at 80 ----------------------------------------------------------------------

async def test_long_names_leave_account_and_active_in_view(front_desk) -> None:  # type: ignore[no-untyped-def]
    front_desk.registration.register(system_actor(), {"first_name": "Maximiliana Esperanza", "last_name": "Featherstonehaugh-Villanueva",
                                                      "date_of_birth": "1990-01-01", "address": {"city": "Kansas City North"}})
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await search_for(app, pilot, "featherstonehaugh")
        assert table.row_count == 1
        line = table.render_line(1).text  # the first row under the header
        assert line.rstrip().endswith("2026-06-15") and " staff " in line and "1990-01-01" in line
        assert "…" in line  # the name is cut, visibly
