"""The occupation picker, driven by keys at 80x24: words in, an occupation chosen, never a bare code to know."""

from __future__ import annotations

from textual.widgets import OptionList

from jobcenter_tui.screens.case_details import CaseDetailsScreen
from jobcenter_tui.screens.form import FormScreen
from jobcenter_tui.screens.registration import RegistrationScreen
from jobcenter_tui.services import system_actor
from jobcenter_tui.services.enrollments import Attestation
from jobcenter_tui.widgets.occupation_picker import OccupationPicker
from jobcenter_tui.widgets.question_form import widget_id
from tests.test_case_findings import SEEKER, case, field, make_dw_eligible, open_case, show_tab
from tests.test_front_desk_ui import choose, error_at, fill_identity, front_desk, next_page, settle, staff_app

__all__ = ["case", "front_desk"]  # fixtures, used by the tests below

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


# --- one occupation: the plan's employment goal ------------------------------------------------------


async def test_plan_goal_is_picked_by_words_and_a_group_code_is_refused_at_the_field(case) -> None:  # type: ignore[no-untyped-def]
    make_dw_eligible(case)
    cm = case.staff.actor_for("cm")
    case.enrollments.enroll(cm, SEEKER, "WIOA_DW", Attestation(verified=("identity",)))
    app = staff_app(case)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_case(app, pilot)
        await show_tab(app, pilot, 2)
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        box = picker(app, "soc").input
        assert box.has_focus  # the first question takes the keys
        await typed_and_waited(app, pilot, "51-4120")  # a broad group: listed, but not an occupation
        await pilot.press("escape")  # closes the list, not the form
        await pilot.pause()
        assert isinstance(app.screen, FormScreen) and shown_matches(app, "soc") == []
        await pilot.press("tab")
        await pilot.pause()
        assert "51-4120 is a group" in error_at(app, "soc")
        box.focus()
        await pilot.pause()
        box.value = ""
        await typed_and_waited(app, pilot, "nurse registered")
        assert shown_matches(app, "soc") == ["29-1141 Registered Nurses"]
        await pilot.press("enter")
        await pilot.pause()
        assert box.value == "29-1141 Registered Nurses" and error_at(app, "soc") == ""
        field(app, "goals").text = "Nursing license | 2026-12-01"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen)
    current = case.plans.for_seeker(cm, SEEKER)[0].current
    assert (current.employment_goal_soc, current.employment_goal_title) == ("29-1141", "Registered Nurses")


# --- several occupations: a code typed in full, removing one ------------------------------------------


async def test_a_full_code_is_taken_as_it_is_and_delete_removes_a_chosen_occupation(front_desk) -> None:  # type: ignore[no-untyped-def]
    """The same picker on a small form (the wizard's question, without walking to its page)."""
    from jobcenter_tui.domain.questions import QUESTIONS

    saved: list[object] = []
    app = staff_app(front_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(FormScreen("Desired occupations", [QUESTIONS[DESIRED]], lambda s, a, ans: saved.append(ans) or True))
        await settle(app, pilot)
        p = picker(app, DESIRED)
        assert p.input.has_focus
        await pilot.press(*"47-2111", "enter")  # Enter before the list even appears
        await pilot.pause()
        await pilot.press(*"29-1141", "enter")
        await pilot.pause()
        assert [c for c, _ in p.chosen] == ["47-2111", "29-1141"] and p.input.value == ""
        assert p.value == "47-2111 Electricians; 29-1141 Registered Nurses"
        await pilot.press("tab")  # to the chosen list
        await pilot.pause()
        assert p.query_one("#chosen", OptionList).has_focus
        await pilot.press("delete")  # the highlighted (first) one goes
        await pilot.pause()
        assert [c for c, _ in p.chosen] == ["29-1141"]
        # words typed and not chosen are refused at the field, and kept
        p.input.focus()
        await pilot.pause()
        await pilot.press(*"zzzqqq")
        await pilot.pause(0.3)
        await settle(app, pilot)
        assert shown_matches(app, DESIRED)[0].startswith("No occupation matches")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen) and saved == []
        assert "'zzzqqq' is not an occupation" in error_at(app, DESIRED)
        assert p.input.value == "zzzqqq"
        p.input.value = ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen)
    assert saved == [{DESIRED: [{"soc_code": "29-1141", "title": "Registered Nurses"}]}]
