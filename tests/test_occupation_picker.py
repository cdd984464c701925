"""The occupation picker, driven by keys at 80x24: words in, an occupation chosen, never a bare code to know."""

from __future__ import annotations

from textual.widgets import OptionList

from jobcenter_tui.screens.case_details import CaseDetailsScreen
from jobcenter_tui.screens.registration import RegistrationScreen
from jobcenter_tui.services import system_actor
from jobcenter_tui.widgets.occupation_picker import OccupationPicker
from jobcenter_tui.widgets.question_form import widget_id
from tests.test_front_desk_ui import choose, error_at, fill_identity, front_desk, next_page, settle, staff_app

__all__ = ["front_desk"]  # the fixture, used by the tests below

DESIRED = "preferences.desired_occupations"


def picker(app, path: str) -> OccupationPicker:  # type: ignore[no-untyped-def]
    return app.screen.query_one("#" + widget_id(path) + "-picker", OccupationPicker)


def shown_matches(app, path: str) -> list[str]:  # type: ignore[no-untyped-def]
    matches = picker(app, path).query_one("#matches", OptionList)
    if not matches.display or not matches.has_class("-open"):
        return []
    return [str(matches.get_option_at_index(i).prompt) for i in range(matches.option_count)]


async def typed_and_waited(app, pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*text)
    await pilot.pause(0.3)  # the list appears a moment after typing stops
    await settle(app, pilot)


async def test_pick_desired_occupations_by_words_in_the_wizard(front_desk) -> None:  # type: ignore[no-untyped-def]
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, RegistrationScreen)
        await fill_identity(app, pilot, "Marcus", "Oyelaran", "1985-11-20")
        await choose(app, pilot, "sex", "Male")
        await next_page(app, pilot)
        await choose(app, pilot, "authorized_to_work", "Yes")
        await choose(app, pilot, "selective_service.status", "Registered")
        while app.screen.page_key != "preferences":
            await next_page(app, pilot)
        box = picker(app, DESIRED).input
        box.focus()
        await pilot.pause()
        await typed_and_waited(app, pilot, "welder")
        shown = shown_matches(app, DESIRED)
        assert shown[0] == "51-4121 Welders, Cutters, Solderers, and Brazers"
        assert any(s.startswith("51-4122 ") for s in shown)
        await pilot.press("enter")  # the first match is highlighted: Enter takes it
        await pilot.pause()
        assert picker(app, DESIRED).chosen == [("51-4121", "Welders, Cutters, Solderers, and Brazers")]
        assert box.value == "" and box.has_focus  # ready for the next one
        # words that match another occupation further down the list: arrow keys, then Enter
        await typed_and_waited(app, pilot, "truck driver")
        shown = shown_matches(app, DESIRED)
        heavy = next(i for i, s in enumerate(shown) if s.startswith("53-3032 "))
        for _ in range(heavy):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert [c for c, _ in picker(app, DESIRED).chosen] == ["51-4121", "53-3032"]
        assert error_at(app, DESIRED) == ""
        await next_page(app, pilot)
        assert app.screen.page_key == "review"
        review = str(app.screen.query_one("#review-answers").render())
        assert "51-4121 Welders, Cutters, Solderers, and Brazers" in review
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
    seeker = front_desk.search.search(system_actor(), "oyelaran").rows[0]
    assert _desired(front_desk, seeker.id) == [{"soc_code": "51-4121", "title": "Welders, Cutters, Solderers, and Brazers"},
                       {"soc_code": "53-3032", "title": "Heavy and Tractor-Trailer Truck Drivers"}]


def _desired(services, seeker_id: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    from jobcenter_tui.services.common import stored_record

    with services.db.session() as session:
        record = stored_record(session, seeker_id, services.keyring)
    assert record.preferences is not None and record.preferences.desired_occupations is not None
    return [o.model_dump(exclude_none=True) for o in record.preferences.desired_occupations]
