"""The Resumes pane at 80x24, driven by keys: upload, publish, copy, edit, export, view; the header notice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static, TabbedContent, TextArea

from jobcenter_tui.app import JobCenterApp
from jobcenter_tui.screens.case_details import CaseDetailsScreen
from jobcenter_tui.screens.detail import DetailModal
from jobcenter_tui.screens.form import FormScreen
from jobcenter_tui.services import system_actor
from jobcenter_tui.widgets.case.header import CaseHeader
from jobcenter_tui.widgets.question_form import widget_id

from .test_front_desk_ui import settle, type_into

DANA = {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "first_name": "Dana", "last_name": "Reyes",
        "date_of_birth": "1979-04-02", "sex": "female", "authorized_to_work": True, "veteran": {"status": "none"},
        "phone": "785-555-0143", "email": "dana@example.org"}
SEEKER = DANA["id"]
RESUME = "Objective\nA welding job.\n\nExperience\nWelder, Midwest Castings\n- MIG welding\n\nSkills\nMIG, TIG\n"


@pytest.fixture
def case(services, admin):  # type: ignore[no-untyped-def]
    services.staff.add(admin, "cm", "Casey Morgan", "tall maple river lantern", ["case_manager"], office="TOP")
    services.seekers.import_records(system_actor(), [json.dumps(DANA)])
    return services


async def _open(app, pilot) -> None:  # type: ignore[no-untyped-def]
    app.open_case(SEEKER)
    await settle(app, pilot)
    await pilot.press("9")
    await settle(app, pilot)
    assert app.screen.query_one(TabbedContent).active == "tab-resumes"


def _error(app, path: str) -> str:  # type: ignore[no-untyped-def]
    """The message shown under a form field (empty when none is shown)."""
    label = app.screen.query_one("#" + widget_id(path) + "-error")
    return str(label.render()) if label.has_class("-shown") else ""


def _header(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(CaseHeader).render())


async def test_upload_publish_copy_edit_export_and_view(case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case.resumes.set_required(case.staff.actor_for("root.admin"), True)
    source = tmp_path / "dana.md"
    source.write_text(RESUME)
    out = tmp_path / "out"
    out.mkdir()
    app = JobCenterApp(case, actor=case.staff.actor_for("cm"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot)
        assert "no published resume" in _header(app)
        table = app.screen.query_one("#resumes", DataTable)
        assert table.row_count == 0
        assert "u reads one from a file" in str(app.screen.query_one("#resume-detail", Static).render())
        # upload
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await type_into(app, pilot, "file", str(source))
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
        assert table.row_count == 1
        assert "Work history (1)" in str(app.screen.query_one("#resume-detail", Static).render())
        # publish: the header notice goes away
        await pilot.press("p")
        await settle(app, pilot)
        views = case.resumes.resumes(system_actor(), SEEKER)
        assert [v.published for v in views] == [True]
        assert "no published resume" not in _header(app)
        # copy, then edit the copy's skills in the section form
        await pilot.press("c")
        await settle(app, pilot)
        assert table.row_count == 2
        copy = next(v for v in case.resumes.resumes(system_actor(), SEEKER) if not v.published)
        table.move_cursor(row=table.get_row_index(copy.id))
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        skills = app.screen.query_one("#" + widget_id("skills"), TextArea)
        assert skills.text == "MIG\nTIG"
        skills.text = "MIG\nTIG\nForklift"
        work = app.screen.query_one("#" + widget_id("work_history"), TextArea)
        work.text = work.text + "\nSmith Co | Helper | 5141 | 2015"  # a bad SOC: refused at its box, by line
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        assert "line 2: SOC '5141' must be written NN-NNNN" in _error(app, "work_history")
        work.text = work.text.replace("5141", "47-2061")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen), str(app.screen.query_one("#form-status").render())
        edited = case.resumes.get(system_actor(), copy.id)
        assert edited.skills == ("MIG", "TIG", "Forklift")
        assert edited.work_history[-1] == {"employer": "Smith Co", "title": "Helper", "soc": "47-2061", "start": "2015",
                                           "end": None, "duties": None}
        # export as PDF, said with the path written
        await pilot.press("x")
        await pilot.pause()
        await type_into(app, pilot, "folder", str(out))
        app.screen.query_one("#" + widget_id("format")).focus()  # plain text is chosen; one down is PDF
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
        written = list(out.iterdir())
        assert len(written) == 1 and written[0].suffix == ".pdf" and written[0].stat().st_mode & 0o777 == 0o600
        # Enter views the resume as exported
        table.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DetailModal)
        body = str(app.screen.query_one("#detail-body", Static).render())
        assert "DANA REYES" in body and "785-555-0143" in body and "Forklift" in body
        await pilot.press("escape")
        await pilot.pause()


async def test_a_bad_file_is_said_at_the_file_field_and_the_form_stays(case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not really a PDF")
    app = JobCenterApp(case, actor=case.staff.actor_for("cm"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot)
        await pilot.press("u")
        await pilot.pause()
        await type_into(app, pilot, "file", str(broken))
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        assert "the file cannot be read as a PDF" in _error(app, "file")
        assert app.screen.query_one("#" + widget_id("file")).value == str(broken)  # what was typed is kept
        await pilot.press("escape")
        await settle(app, pilot)
    assert case.resumes.resumes(system_actor(), SEEKER) == []
    assert case.documents.documents(system_actor(), SEEKER) == []


async def test_add_a_job_with_the_occupation_picker_and_a_group_soc_refused_at_its_line(case) -> None:  # type: ignore[no-untyped-def]
    from .test_front_desk_ui import error_at
    from .test_occupation_picker import picker, shown_matches, typed_and_waited

    cm = case.staff.actor_for("cm")
    resume = case.resumes.create(cm, SEEKER, title="Welding", sections={"objective": "A welding job."})
    app = JobCenterApp(case, actor=cm)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot)
        # the section form: a group code is refused at its box, naming the line
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        app.screen.query_one("#" + widget_id("work_history"), TextArea).text = "Acme | Helper\nBeta | Welder | 51-4120"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        assert "line 2: SOC 51-4120 is a group" in error_at(app, "work_history")
        await pilot.press("escape")
        await settle(app, pilot)
        # w: one job, its occupation found by words
        await pilot.press("w")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"Midwest Castings")
        await type_into(app, pilot, "title", "Welder")
        box = picker(app, "soc").input
        box.focus()
        await typed_and_waited(app, pilot, "welders cutters")
        assert shown_matches(app, "soc")[0].startswith("51-4121 Welders, Cutters")
        await pilot.press("enter")
        await pilot.pause()
        assert box.value.startswith("51-4121 ")
        await type_into(app, pilot, "start", "2018")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen), error_at(app, "soc")
    [saved] = case.resumes.resumes(cm, SEEKER)
    assert saved.id == resume.id and saved.objective == "A welding job."
    assert [dict(j) for j in saved.work_history] == [{"employer": "Midwest Castings", "title": "Welder", "soc": "51-4121",
                                                      "start": "2018", "end": None, "duties": None}]
