"""The front desk driven by keys: search, the registration wizard, the kiosk, demographics."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Label, Select

from jobcenter_tui.app import JobCenterApp, KioskApp
from jobcenter_tui.screens.case_details import CaseDetailsScreen
from jobcenter_tui.screens.confirm import ConfirmModal
from jobcenter_tui.screens.duplicates import DuplicatesModal
from jobcenter_tui.screens.kiosk_welcome import KioskWelcomeScreen
from jobcenter_tui.screens.registration import RegistrationScreen
from jobcenter_tui.screens.search import SearchScreen
from jobcenter_tui.screens.section_edit import SectionEditScreen
from jobcenter_tui.services import system_actor
from jobcenter_tui.widgets.question_form import widget_id

DANA = ('{"first_name": "Dana", "last_name": "Reyes", "date_of_birth": "1979-04-02", "ssn": "219-09-9999", '
        '"phone": "785-555-0143", "email": "dana@example.org", "sex": "female", "account_type": "staff_assisted", '
        '"address": {"city": "Topeka", "state": "KS", "zip": "66603"}}')
LUIS = '{"first_name": "Luis", "last_name": "Núñez", "date_of_birth": "1988-10-12", "account_type": "self_service"}'
TWIN = '{"first_name": "Ana", "last_name": "Reyes", "date_of_birth": "2001-03-03", "ssn": "219-09-1111"}'


@pytest.fixture
def front_desk(services, admin):  # type: ignore[no-untyped-def]
    services.staff.add(admin, "cm", "Casey Morgan", "tall maple river lantern", ["case_manager"], office="TOP")
    services.seekers.import_records(system_actor(), [DANA, LUIS, TWIN])
    return services


def staff_app(services, who: str = "cm") -> JobCenterApp:  # type: ignore[no-untyped-def]
    return JobCenterApp(services, actor=services.staff.actor_for(who))


async def settle(app, pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def search_for(app, pilot, text: str) -> DataTable:  # type: ignore[no-untyped-def]
    await pilot.press("f2")
    await pilot.pause()
    box = app.screen.query_one("#search-box", Input)
    box.value = ""
    await pilot.press(*text, "enter")
    await pilot.pause(0.35)
    await settle(app, pilot)
    return app.screen.query_one("#results", DataTable)


async def type_into(app, pilot, path: str, text: str) -> None:  # type: ignore[no-untyped-def]
    widget = app.screen.query_one("#" + widget_id(path), Input)
    widget.focus()
    await pilot.pause()
    widget.value = ""
    await pilot.press(*text)
    await pilot.press("tab")  # leave the field: it is checked now
    await pilot.pause()


async def choose(app, pilot, path: str, label: str) -> None:  # type: ignore[no-untyped-def]
    select = app.screen.query_one("#" + widget_id(path), Select)
    select.focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    options = [str(o[0]) for o in select._options]  # noqa: SLF001 - the order a user sees
    for _ in range(options.index(label) - (options.index(str(select.value)) if not select.is_blank() else 0)):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()
    assert str(dict((v, k) for k, v in select._options).get(select.value, "")) == label or select.value is not None  # noqa: SLF001


def error_at(app, path: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#" + widget_id(path) + "-error", Label).render())


# --- search ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("typed", "names"),
    [("reyes", ["Reyes, Ana", "Reyes, Dana"]), ("dan rey", ["Reyes, Dana"]), ("nunez", ["Núñez, Luis"]),
     ("219-09-9999", ["Reyes, Dana"]), ("9999", ["Reyes, Dana"]), ("04/02/1979", ["Reyes, Dana"]),
     ("(785) 555-0143", ["Reyes, Dana"]), ("dana@example.org", ["Reyes, Dana"])],
)
async def test_search_by_each_kind_of_input(front_desk, typed: str, names: list[str]) -> None:  # type: ignore[no-untyped-def]
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await search_for(app, pilot, typed)
        assert isinstance(app.screen, SearchScreen)
        assert sorted(str(table.get_row_at(i)[0]) for i in range(table.row_count)) == names
        assert "219-09" not in str(table.get_row_at(0))


async def test_search_empty_and_no_match_say_what_to_try(front_desk) -> None:  # type: ignore[no-untyped-def]
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert "Type a name" in str(app.screen.query_one("#search-message", Label).render())
        table = await search_for(app, pilot, "zzyzx")
        assert table.row_count == 0
        assert "No job seeker matches" in str(app.screen.query_one("#search-message", Label).render())


async def test_enter_opens_the_record_and_the_view_is_audited(front_desk) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await search_for(app, pilot, "dan rey")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
        assert "Reyes, Dana" in str(app.screen.query_one("#case-header").render())
        assert "***-**-9999" in str(app.screen.query_one("#case-header").render())
    with front_desk.db.session() as s:
        assert s.execute(text("SELECT count(*) FROM audit_log WHERE action = 'seeker.view' AND staff = 'cm'")).scalar() == 1


# --- the wizard -----------------------------------------------------------------------------------

async def fill_identity(app, pilot, first: str, last: str, dob: str, ssn: str = "") -> None:  # type: ignore[no-untyped-def]
    await type_into(app, pilot, "first_name", first)
    await type_into(app, pilot, "last_name", last)
    await type_into(app, pilot, "date_of_birth", dob)
    if ssn:
        await type_into(app, pilot, "ssn", ssn)


async def next_page(app, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("f8")
    await settle(app, pilot)


async def test_register_staff_assisted_end_to_end_and_find_them(front_desk) -> None:  # type: ignore[no-untyped-def]
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, RegistrationScreen)
        await fill_identity(app, pilot, "Marcus", "Oyelaran", "1985-11-20", "219-09-4321")
        await choose(app, pilot, "sex", "Male")
        await next_page(app, pilot)
        assert app.screen.page_key == "work"
        await choose(app, pilot, "authorized_to_work", "Yes")
        await choose(app, pilot, "selective_service.status", "Registered")  # a man over 18: asked
        await next_page(app, pilot)
        await next_page(app, pilot)  # veteran
        await next_page(app, pilot)  # demographics
        await next_page(app, pilot)  # education
        assert app.screen.page_key == "employment"
        await choose(app, pilot, "employment.status", "Unemployed")
        await choose(app, pilot, "employment.unlikely_to_return", "Yes")
        await next_page(app, pilot)
        assert app.screen.page_key == "dislocation"
        await choose(app, pilot, "dislocation.reason", "Plant closure or substantial layoff")
        for _ in range(4):
            await next_page(app, pilot)
        assert app.screen.page_key == "review"
        review = str(app.screen.query_one("#review-answers").render())
        assert "Oyelaran" in review and "***-**-4321" in review and "219-09-4321" not in review
        preview = app.screen.query_one("#review-eligibility", DataTable)
        assert preview.get_row("WIOA_DW")[1] == "eligible"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
    assert [r.name for r in front_desk.search.search(system_actor(), "oyelaran").rows] == ["Oyelaran, Marcus"]


async def test_bad_answers_get_messages_at_the_field_and_next_is_refused(front_desk) -> None:  # type: ignore[no-untyped-def]
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await type_into(app, pilot, "date_of_birth", "02/30/1990")
        assert "real date" in error_at(app, "date_of_birth")
        await type_into(app, pilot, "date_of_birth", "2999-01-01")
        assert "future" in error_at(app, "date_of_birth")
        await type_into(app, pilot, "ssn", "666-12-3456")
        assert "666" in error_at(app, "ssn") and "3456" not in error_at(app, "ssn")
        await type_into(app, pilot, "address.zip", "6660")
        assert "5 digits" in error_at(app, "address.zip")
        await type_into(app, pilot, "email", "dana.example.org")
        assert "name@example.org" in error_at(app, "email")
        await next_page(app, pilot)
        assert app.screen.page_key == "identity"
        assert "is required" in error_at(app, "first_name")
        assert "to fix" in str(app.screen.query_one("#wizard-status", Label).render())


async def test_back_keeps_answers_and_escape_asks(front_desk) -> None:  # type: ignore[no-untyped-def]
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await fill_identity(app, pilot, "Wen", "Zhao", "1990-01-15")
        await next_page(app, pilot)
        await choose(app, pilot, "authorized_to_work", "No")
        await pilot.press("f7")
        await pilot.pause()
        assert app.screen.page_key == "identity"
        assert app.screen.query_one("#" + widget_id("last_name"), Input).value == "Zhao"
        await type_into(app, pilot, "phone", "12")  # half-typed and wrong: kept as typed
        await pilot.press("f7")  # already on the first page: nothing happens
        await next_page(app, pilot)
        assert app.screen.page_key == "identity"  # the phone is wrong
        await type_into(app, pilot, "phone", "785-555-0188")
        await next_page(app, pilot)
        assert app.screen.query_one("#" + widget_id("authorized_to_work"), Select).value is False
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, RegistrationScreen) and app.screen.answers["last_name"] == "Zhao"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(app.screen, RegistrationScreen)
    assert front_desk.search.search(system_actor(), "zhao").rows == ()


async def test_duplicate_prompt_for_same_ssn(front_desk) -> None:  # type: ignore[no-untyped-def]
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await fill_identity(app, pilot, "Diane", "Other", "1960-05-05", "219-09-9999")
        await next_page(app, pilot)
        assert isinstance(app.screen, DuplicatesModal)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1 and "same SSN" in str(table.get_row_at(0)[4])
        await pilot.press("o")  # open the existing record instead
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
        assert "Reyes, Dana" in str(app.screen.query_one("#case-header").render())


async def test_duplicate_prompt_for_same_dob_similar_name_then_different_person(front_desk) -> None:  # type: ignore[no-untyped-def]
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await fill_identity(app, pilot, "Dana", "Reyez", "04/02/1979")
        await next_page(app, pilot)
        assert isinstance(app.screen, DuplicatesModal)
        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, RegistrationScreen) and app.screen.page_key == "work"
        for _ in range(10):
            if app.screen.page_key == "review":
                break
            await next_page(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)  # no second prompt: the decision was recorded
    assert len(front_desk.search.search(system_actor(), "1979-04-02").rows) == 2


async def test_no_duplicate_prompt_for_a_twin(front_desk) -> None:  # type: ignore[no-untyped-def]
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await fill_identity(app, pilot, "Maria", "Reyes", "2001-03-03", "219-09-2222")
        await next_page(app, pilot)
        assert isinstance(app.screen, RegistrationScreen) and app.screen.page_key == "work"


# --- kiosk ----------------------------------------------------------------------------------------

STAFF_ONLY = ("sex_assigned_at_birth", "llsil_region", "office", "case_manager", "address.county_fips",
              "selective_service.not_knowing_and_willful",
              "income.annual_family_income", "barriers.homeless", "dislocation.reason")


async def test_kiosk_asks_only_self_service_questions_and_saves(front_desk) -> None:  # type: ignore[no-untyped-def]
    app = KioskApp(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, KioskWelcomeScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RegistrationScreen)
        await fill_identity(app, pilot, "Kim", "Lee", "1995-07-07")
        await choose(app, pilot, "sex", "Male")
        seen: set[str] = set()
        for _ in range(12):
            form = app.screen.query("#wizard-form")
            if form:
                seen |= {q.path for q in form.first().visible_questions()}
            if app.screen.page_key == "review":
                break
            await next_page(app, pilot)
        assert "first_name" in seen and "authorized_to_work" in seen and "income.family_size" in seen
        assert not seen & set(STAFF_ONLY)
        assert app.screen.pages().count("barriers") == 0 and "dislocation" not in app.screen.pages()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, KioskWelcomeScreen)
        assert "registered" in str(app.screen.query_one("#kiosk-thanks", Label).render())
    rows = front_desk.search.search(system_actor(), "kim lee").rows
    assert len(rows) == 1 and rows[0].account_type == "self"


async def test_kiosk_cannot_reach_search_or_the_palette(front_desk) -> None:  # type: ignore[no-untyped-def]
    app = KioskApp(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("f2", "f3", "ctrl+p"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, KioskWelcomeScreen), key
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, RegistrationScreen)


async def test_kiosk_returns_to_welcome_when_idle(front_desk) -> None:  # type: ignore[no-untyped-def]
    """Two minutes (here 120 s of a hand-moved clock) without a key: back to welcome, answers gone."""
    now = [1000.0]
    app = KioskApp(front_desk, idle_seconds=120, clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await type_into(app, pilot, "first_name", "Half")
        assert isinstance(app.screen, RegistrationScreen)
        now[0] += 100
        await pilot.press("a")  # still typing: the clock starts again
        now[0] += 100
        app._check_idle()
        await pilot.pause()
        assert isinstance(app.screen, RegistrationScreen)
        now[0] += 21
        app._check_idle()
        await pilot.pause()
        assert isinstance(app.screen, KioskWelcomeScreen)
    assert front_desk.search.search(system_actor(), "half").rows == ()


# --- demographics ---------------------------------------------------------------------------------

async def test_edit_a_section_and_upgrade_to_staff_assisted(front_desk) -> None:  # type: ignore[no-untyped-def]
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await search_for(app, pilot, "nunez")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
        assert "Self-service" in str(app.screen.query_one("#case-header").render())
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, SectionEditScreen)  # the staff-only questions come next
        await type_into(app, pilot, "case_manager", "cm")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
        assert "Staff-assisted" in str(app.screen.query_one("#case-header").render())
        # edit the identity section: a bad ZIP is refused at the field, a good one saved
        app.screen.query_one("#case-tabs").active = "tab-demographics"
        await pilot.pause()
        app.screen.query_one("#demographics", DataTable).focus()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, SectionEditScreen)
        await type_into(app, pilot, "address.zip", "123")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, SectionEditScreen) and "5 digits" in error_at(app, "address.zip")
        await type_into(app, pilot, "address.zip", "66603")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
    rows = front_desk.search.search(system_actor(), "nunez").rows
    assert rows[0].account_type == "staff"
    detail = front_desk.seekers.get(system_actor(), rows[0].id)
    assert detail.record["address"]["zip"] == "66603" and detail.record["case_manager"] == "cm"
    assert detail.record["office"] == "TOP"  # the upgrade gave the record the staff member's office
    actions = [h.action for h in front_desk.seekers.history(system_actor(), rows[0].id)]
    assert "seeker.upgrade" in actions and actions.count("seeker.update") == 2
