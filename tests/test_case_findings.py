"""What staff found in Case Details in its first week (issue 8, section 3), each driven as a user would.

Pilot tests at 80x24 open a case, press the keys staff press and check what the screen shows and
what the store holds afterwards. Field values are set directly where typing is not the point.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from textual.widgets import DataTable, Header, Input, Label, Select, SelectionList, TabbedContent

from jobcenter_tui.app import JobCenterApp
from jobcenter_tui.domain.plans import goal_errors_message, parse_goal_lines
from jobcenter_tui.screens import case_details
from jobcenter_tui.screens.case_details import CaseDetailsScreen
from jobcenter_tui.screens.confirm import ConfirmModal
from jobcenter_tui.screens.detail import DetailModal
from jobcenter_tui.screens.enroll import EnrollScreen
from jobcenter_tui.screens.form import FormScreen
from jobcenter_tui.screens.reason import ReasonModal
from jobcenter_tui.services import system_actor
from jobcenter_tui.services.enrollments import Attestation
from jobcenter_tui.services.errors import ServiceError
from jobcenter_tui.widgets.case.base import human_size
from jobcenter_tui.widgets.case.header import CaseHeader, case_flags
from jobcenter_tui.widgets.question_form import widget_id

from .test_front_desk_ui import settle

DW = {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "first_name": "Dana", "last_name": "Reyes",
      "date_of_birth": "1979-04-02", "sex": "female", "authorized_to_work": True, "veteran": {"status": "none"},
      "employment": {"status": "unemployed"},
      "dislocation": {"reason": "laid_off", "ui_eligible_or_exhausted": True}}
SEEKER = DW["id"]
SPOUSE = {"id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "first_name": "Lee", "last_name": "Okafor",
          "date_of_birth": "1985-09-12", "sex": "female", "authorized_to_work": True, "ssn": "345-67-8912",
          "veteran": {"status": "eligible_spouse"}}
SPOUSE_ID = SPOUSE["id"]


@pytest.fixture
def case(services, admin):  # type: ignore[no-untyped-def]
    """Dana Reyes (a dislocated worker missing one answer) and Lee Okafor (a veteran's spouse, SSN on file)."""
    services.staff.add(admin, "cm", "Casey Morgan", "tall maple river lantern", ["case_manager"], office="TOP")
    services.staff.add(admin, "fd", "Pat Front", "tall maple river lantern", ["front_desk"], office="TOP")
    summary = services.seekers.import_records(system_actor(), [json.dumps(DW), json.dumps(SPOUSE)])
    assert not summary.rejected, summary
    return services


def make_dw_eligible(services) -> None:  # type: ignore[no-untyped-def]
    detail = services.seekers.get(system_actor(), SEEKER, audit=False)
    services.seekers.update(system_actor(), SEEKER, {"employment.unlikely_to_return": True}, expected_version=detail.version)


def staff_app(services, who: str = "cm") -> JobCenterApp:  # type: ignore[no-untyped-def]
    return JobCenterApp(services, actor=services.staff.actor_for(who))


async def open_case(app, pilot, seeker_id: str = SEEKER) -> CaseDetailsScreen:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    app.open_case(seeker_id)
    await settle(app, pilot)
    assert isinstance(app.screen, CaseDetailsScreen)
    return app.screen


async def show_tab(app, pilot, number: int) -> DataTable:  # type: ignore[no-untyped-def]
    """Press the tab's number key, as staff do; the cursor lands in the tab's table."""
    await pilot.press(str(number))
    await settle(app, pilot)
    focused = app.focused
    assert isinstance(focused, DataTable), focused
    return focused


def messages(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(n.message) for n in app._notifications]  # noqa: SLF001 - toasts are hidden in run_test


def field(app, path: str):  # type: ignore[no-untyped-def]
    return app.screen.query_one("#" + widget_id(path))


def error_at(app, path: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#" + widget_id(path) + "-error", Label).render())


def row_key(table: DataTable) -> str:
    return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)


def window_title(app) -> str:  # type: ignore[no-untyped-def]
    """The title the Header shows for the screen in front."""
    return str(app.screen.query_one(Header).screen_sub_title)


def header_text(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(CaseHeader).render())


# --- 4. documents: sizes in words ----------------------------------------------------------------


@pytest.mark.parametrize(("size", "shown"), [
    (0, "0 bytes"), (1, "1 byte"), (45, "45 bytes"), (1023, "1023 bytes"), (1024, "1.0 KB"), (1536, "1.5 KB"),
    (1024 * 1024 - 1, "1024.0 KB"), (1024 * 1024, "1.0 MB"), (20 * 1024 * 1024, "20.0 MB"),
])
def test_human_size(size: int, shown: str) -> None:
    assert human_size(size) == shown


# --- 5. plan goals: each bad line named ----------------------------------------------------------


@pytest.mark.parametrize(("typed", "goals", "errors"), [
    ("Welding certificate | 2026-12-01", [("Welding certificate", date(2026, 12, 1), "open")], {}),
    ("Get a CDL", [("Get a CDL", None, "open")], {}),
    ("Resume | 12/01/2026 | met\n\n  \nInterview | | not met",
     [("Resume", date(2026, 12, 1), "met"), ("Interview", None, "not_met")], {}),
    ("Resume | 2026-13-45", [], {1: "'2026-13-45' is not a date"}),
    ("Good | 2026-12-01\n | 2026-12-01", [("Good", date(2026, 12, 1), "open")], {2: "describe the goal"}),
    ("Good\nOther | | finished", [("Good", None, "open")], {2: "status 'finished' is not one of"}),
    ("A | 2026-12-01 | open | extra", [], {1: "too many |"}),
])
def test_parse_goal_lines(typed: str, goals: list[tuple[str, date | None, str]], errors: dict[int, str]) -> None:
    parsed, found = parse_goal_lines(typed)
    assert [(g.description, g.target_date, g.status) for g in parsed] == goals
    assert set(found) == set(errors)
    for line, words in errors.items():
        assert words in found[line]


def test_goal_errors_message_names_the_lines_in_order() -> None:
    assert goal_errors_message({3: "bad status", 1: "bad date"}) == "line 1: bad date; line 3: bad status"


# --- 7. needs information offers Enroll; the service still refuses what is not eligible ----------


def test_enroll_is_offered_when_information_is_needed_but_never_when_ineligible(case) -> None:  # type: ignore[no-untyped-def]
    cm, fd = case.staff.actor_for("cm"), case.staff.actor_for("fd")
    rows = {r.program: r for r in case.program_registration.rows(cm, SEEKER)}
    assert rows["WIOA_DW"].eligibility == "needs_information" and rows["WIOA_DW"].can_enroll
    assert rows["JVSG"].eligibility == "ineligible" and not rows["JVSG"].can_enroll
    assert all(r.can_enroll == (r.eligibility in ("eligible", "needs_information")) for r in rows.values())
    assert not any(r.can_enroll for r in case.program_registration.rows(fd, SEEKER))  # front desk holds no create
    with pytest.raises(ServiceError, match="not eligible"):  # offered is not allowed: the answer is still missing
        case.enrollments.enroll(cm, SEEKER, "WIOA_DW", Attestation(verified=("identity",)))
    with pytest.raises(ServiceError, match="not eligible"):
        case.enrollments.enroll(cm, SEEKER, "JVSG", Attestation(verified=("identity",)))
    assert case.enrollments.for_seeker(cm, SEEKER) == []


# --- 8. closing keeps the reason staff chose -----------------------------------------------------


def test_closing_a_pending_enrollment_without_services_keeps_the_reason_chosen(case) -> None:  # type: ignore[no-untyped-def]
    """The spec: a pending enrollment closed without any service is ``never_participated``; the reason
    staff chose is recorded with it (status history and audit), not thrown away."""
    make_dw_eligible(case)
    cm = case.staff.actor_for("cm")
    e = case.enrollments.enroll(cm, SEEKER, "WIOA_DW", Attestation(verified=("identity",)))
    closed = case.enrollments.close(cm, e.id, "health_medical", note="surgery in July")
    assert closed.exit_reason == "never_participated"
    assert closed.exit_reason_given == "health_medical"
    assert "Health or medical" in (closed.history[-1][4] or "") and "surgery in July" in (closed.history[-1][4] or "")
    with case.db.session() as s:
        changes = s.execute(text("SELECT changes FROM audit_log WHERE action = 'enrollment.closed'")).scalar_one()
    assert json.loads(changes)["reason_given"] == "health_medical"
    assert case.enrollments.for_seeker(cm, SEEKER)[0].exit_reason_given == "health_medical"


def test_closing_an_open_enrollment_records_the_reason_chosen(case, clock) -> None:  # type: ignore[no-untyped-def]
    make_dw_eligible(case)
    cm = case.staff.actor_for("cm")
    e = case.enrollments.enroll(cm, SEEKER, "WIOA_DW", Attestation(verified=("identity",)))
    case.service_records.record(cm, SEEKER, "B02", enrollment_id=e.id, start_date=clock.now.date())
    closed = case.enrollments.close(cm, e.id, "health_medical")
    assert closed.exit_reason == "health_medical" and closed.exit_reason_given == "health_medical"


# --- 14. an eligible spouse is a covered person, not a veteran -----------------------------------


def test_an_eligible_spouse_is_not_flagged_veteran(case) -> None:  # type: ignore[no-untyped-def]
    spouse = case.seekers.get(system_actor(), SPOUSE_ID, audit=False)
    assert "veteran" not in case_flags(spouse, None)
    assert "covered person (spouse)" in case_flags(spouse, None)
    detail = case.seekers.get(system_actor(), SEEKER, audit=False)
    changed = case.seekers.update(system_actor(), SEEKER, {"veteran.status": "veteran"}, expected_version=detail.version)
    assert "veteran" in case_flags(changed, None)


# --- pilot tests -----------------------------------------------------------------------------------


async def test_documents_verify_keeps_the_cursor_export_writes_that_file_and_sizes_read_right(case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """4: ``v`` leaves the cursor on the row; ``x`` exports the file under the cursor and names the path."""
    cm = case.staff.actor_for("cm")
    for name, body in (("pay-stub.pdf", b"%PDF-" + b"x" * 40), ("layoff.pdf", b"%PDF-" + b"y" * 2999),
                       ("id.png", b"\x89PNG\r\n\x1a\nzz")):  # contents that match their names
        source = tmp_path / name
        source.write_bytes(body)
        case.documents.attach(cm, SEEKER, source, type="other")
    out = tmp_path / "out"
    out.mkdir()
    app = staff_app(case)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_case(app, pilot)
        docs = await show_tab(app, pilot, 5)
        assert docs.row_count == 3
        sizes = {str(docs.get_row_at(i)[1]): str(docs.get_row_at(i)[2]) for i in range(3)}
        assert sizes == {"pay-stub.pdf": "45 bytes", "layoff.pdf": "2.9 KB", "id.png": "10 bytes"}
        await pilot.press("down")
        middle = row_key(docs)
        name = str(docs.get_row(middle)[1])
        await pilot.press("v")
        await settle(app, pilot)
        assert row_key(docs) == middle and docs.cursor_row == 1  # still on the row just verified
        assert str(docs.get_row(middle)[4]).startswith("cm ")
        assert sum(str(docs.get_row_at(i)[4]) != "no" for i in range(3)) == 1
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        field(app, "folder").value = str(out)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
        written = out / name
        assert written.read_bytes() == (tmp_path / name).read_bytes()
        assert [f.name for f in out.iterdir()] == [name]
        assert any(str(written) in m for m in messages(app)), messages(app)
        assert row_key(docs) == middle


async def test_a_bad_goal_line_is_marked_at_the_goals_field_with_its_line(case) -> None:  # type: ignore[no-untyped-def]
    """5: the goals box says which line is wrong and why; the plan is saved once it is fixed."""
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
        field(app, "soc").value = "51-4121"
        field(app, "goals").text = "Welding certificate | 2026-12-01\nInterview practice | next spring\nResume | | done"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)  # refused at the field, nothing typed lost
        message = error_at(app, "goals")
        assert "line 2: 'next spring' is not a date" in message and "line 3: status 'done'" in message
        assert "line 1" not in message
        assert field(app, "goals").text.startswith("Welding certificate")
        assert case.plans.for_seeker(cm, SEEKER) == []
        field(app, "goals").text = "Welding certificate | 2026-12-01\nInterview practice | 2026-09-01\nResume | | met"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
    goals = case.plans.for_seeker(cm, SEEKER)[0].current.goals
    assert [(g.description, g.status) for g in goals] == [("Welding certificate", "open"), ("Interview practice", "open"),
                                                          ("Resume", "met")]


async def test_a_program_that_needs_information_enrolls_through_the_wizard(case) -> None:  # type: ignore[no-untyped-def]
    """7: Enroll on a program missing an answer → the wizard asks it → eligible → attestation → enrolled."""
    app = staff_app(case)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_case(app, pilot)
        programs = await show_tab(app, pilot, 1)
        assert str(programs.get_row("WIOA_DW")[1]) == "needs info" and str(programs.get_row("WIOA_DW")[3]) == "Enroll"
        assert str(programs.get_row("JVSG")[1]) == "ineligible" and str(programs.get_row("JVSG")[3]) == ""
        programs.move_cursor(row=programs.get_row_index("JVSG"))
        await pilot.press("n")  # never for a program the seeker is not eligible for
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
        assert any("cannot enroll (not eligible)" in m for m in messages(app))
        programs.move_cursor(row=programs.get_row_index("WIOA_DW"))
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, EnrollScreen) and app.screen.phase == "questions"
        intro = str(app.screen.query_one("#enroll-body Label").render())
        assert "Eligibility needs: Unlikely to return to the previous industry or occupation" in intro
        question = field(app, "employment.unlikely_to_return")
        assert question.display and question.is_blank()
        question.value = True
        await pilot.pause()
        await pilot.press("f8")  # saved to the record, eligibility re-run: eligible now
        await settle(app, pilot)
        assert app.screen.phase == "attest", str(app.screen.query_one("#enroll-status").render())
        assert "eligible" in str(app.screen.query_one("#enroll-body Static").render())
        verified = field(app, "verified")
        assert isinstance(verified, SelectionList) and app.focused is verified
        await pilot.press("space")  # identity
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
        await settle(app, pilot)
        assert str(programs.get_row("WIOA_DW")[2]) == "pending" and str(programs.get_row("WIOA_DW")[3]) == ""
    cm = case.staff.actor_for("cm")
    [enrollment] = case.enrollments.for_seeker(cm, SEEKER)
    assert enrollment.program == "WIOA_DW" and enrollment.attestation["verified"] == ["identity"]
    assert case.seekers.get(cm, SEEKER, audit=False).record["employment"]["unlikely_to_return"] is True


async def test_closing_an_enrollment_keeps_the_reason_and_its_detail_shows_the_attestation(case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """8: the detail names what was verified, the documents and the note; ``c`` keeps the reason chosen."""
    make_dw_eligible(case)
    cm = case.staff.actor_for("cm")
    letter = tmp_path / "layoff-letter.pdf"
    letter.write_bytes(b"%PDF-1.4 layoff")
    doc = case.documents.attach(cm, SEEKER, letter, type="layoff_notice")
    case.enrollments.enroll(cm, SEEKER, "WIOA_DW", Attestation(verified=("identity", "age"), document_ids=(doc.id,),
                                                               note="letter seen at intake"))
    app = staff_app(case)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_case(app, pilot)
        await show_tab(app, pilot, 2)
        detail = str(app.screen.query_one("#enrollment-detail").render())
        assert "verified Identity, Date of birth / age" in detail
        assert "layoff notice: layoff-letter.pdf" in detail and "letter seen at intake" in detail
        assert "Casey Morgan" in detail
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        field(app, "reason").value = "health_medical"
        field(app, "note").value = "surgery in July"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
        await settle(app, pilot)
        detail = str(app.screen.query_one("#enrollment-detail").render())
        assert "Never participated (no service received); reason given: Health or medical" in detail, detail
        assert "surgery in July" in detail
        assert "layoff notice: layoff-letter.pdf" in detail  # still shown after closing
    [closed] = case.enrollments.for_seeker(cm, SEEKER)
    assert closed.status == "closed" and closed.exit_reason_given == "health_medical"


def footer_keys(app) -> list[str]:  # type: ignore[no-untyped-def]
    from textual.widgets._footer import FooterKey

    return [k.description for k in app.screen.query(FooterKey) if not k.disabled]


def palette_titles(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(c.title) for c in app.get_system_commands(app.screen)]


async def test_front_desk_is_offered_no_enroll_upgrade_or_reveal(case) -> None:  # type: ignore[no-untyped-def]
    """10: neither the footer nor the palette offers front desk what the services would refuse them."""
    make_dw_eligible(case)
    app = staff_app(case, "fd")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_case(app, pilot, SPOUSE_ID)
        await show_tab(app, pilot, 1)
        keys, palette = footer_keys(app), palette_titles(app)
        for refused in ("Enroll", "Upgrade", "Reveal SSN"):
            assert refused not in keys and not any(t.endswith(refused) for t in palette), (refused, keys, palette)
        assert "Back" in keys and "Documents: Attach" in palette  # what front desk may do is offered
        await pilot.press("n", "r", "u")  # and the keys do nothing
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
    fd = case.staff.actor_for("fd")
    assert case.enrollments.for_seeker(fd, SEEKER) == [] and case.enrollments.for_seeker(fd, SPOUSE_ID) == []
    with case.db.session() as s:
        assert s.execute(text("SELECT count(*) FROM audit_log WHERE action = 'seeker.reveal_ssn'")).scalar_one() == 0


async def test_palette_runs_any_panes_action_and_a_note_reloads_only_what_shows_notes(case, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """10 and the panes: the palette lists every pane's actions and runs one on its tab; a new note
    reloads Notes (and History when next shown), never Services or Program Registration."""
    from collections import Counter

    fetched: Counter[str] = Counter()
    for pane in case_details.PANES:
        def counted(self, services, actor, _original=pane.fetch, _key=pane.KEY):  # type: ignore[no-untyped-def]
            fetched[_key] += 1
            return _original(self, services, actor)
        monkeypatch.setattr(pane, "fetch", counted)
    from jobcenter_tui.widgets.case.base import CasePane

    def preloaded(self, model, _original=CasePane.preloaded):  # type: ignore[no-untyped-def]
        fetched[self.KEY] += 1  # Program Registration is loaded with the header, in the same call
        return _original(self, model)
    monkeypatch.setattr(CasePane, "preloaded", preloaded)
    app = staff_app(case)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_case(app, pilot)
        for tab in (3, 8, 1):  # Services, History, back to Program Registration: each loaded once
            await show_tab(app, pilot, tab)
        assert fetched == {"programs": 1, "services": 1, "history": 1}
        titles = palette_titles(app)
        offered = [f"{p.TITLE}: {b.description}" for p in screen.panes for b in p.BINDINGS  # every pane's, in view or not
                   if p.check_action(b.action, ()) is not False]
        assert len(offered) >= 14 and set(offered) <= set(titles), set(offered) - set(titles)
        assert "Enrollments: Reopen" not in titles  # a case manager does not hold enrollment.reopen
        fetched.clear()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Notes: Add note")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen) and "Add a note" in app.screen.title_text
        assert screen.query_one(TabbedContent).active == "tab-notes"
        field(app, "subject").value = "Intake"
        field(app, "body").text = "Wants welding work"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert screen.query_one("#notes", DataTable).row_count == 1
        panes = {p.KEY: p for p in screen.panes}
        assert fetched == {"notes": 2}  # shown by the palette, then reloaded after the save
        assert panes["history"].stale and not panes["services"].stale and not panes["programs"].stale
        history = await show_tab(app, pilot, 8)
        assert fetched["history"] == 1 and str(history.get_row_at(0)[2]) == "Note added"
        await show_tab(app, pilot, 3)
        await show_tab(app, pilot, 1)
        assert fetched == {"notes": 2, "history": 1}
        await pilot.press("f10")  # sign out from Case Details
        await settle(app, pilot)
        from jobcenter_tui.screens.login import LoginScreen

        assert isinstance(app.screen, LoginScreen) and app.actor is None


async def test_reveal_ssn_reasons_history_title_and_re_masking(case, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """17, 12, 14: a reveal needs a reason (refused in words when empty or too short); the SSN shows in the
    header, History shows the reveal at once, and it re-masks on a tab change, after REVEAL_SECONDS and
    when the screen is left; the window title follows the record; a spouse is no veteran."""
    monkeypatch.setattr(case_details, "REVEAL_SECONDS", 60)  # long enough that only the tab change masks it
    app = staff_app(case)
    async with app.run_test(size=(80, 24)) as pilot:
        staff_title = window_title(app)
        assert "Casey Morgan" in staff_title
        screen = await open_case(app, pilot, SPOUSE_ID)
        assert window_title(app) == "Okafor, Lee"
        header = header_text(app)
        assert "345-67-8912" not in header and "8912" in header
        assert "veteran" not in header and "covered person (spouse)" in header
        history = await show_tab(app, pilot, 8)
        seen = history.row_count

        async def reveal(reason: str) -> None:
            await pilot.press("r")
            await settle(app, pilot)
            assert isinstance(app.screen, ReasonModal)
            app.screen.query_one("#reason-input", Input).value = reason
            await pilot.press("enter")
            await settle(app, pilot)

        await reveal("")
        assert isinstance(app.screen, ReasonModal)  # empty: refused here, in words, the dialog open
        assert "Say why the full SSN is needed" in str(app.screen.query_one("#reason-error").render())
        await pilot.press("escape")
        await reveal("abc")  # too short: the service refuses it and says why
        assert isinstance(app.screen, ReasonModal)
        assert "at least 5 characters" in str(app.screen.query_one("#reason-error").render())
        assert app.screen.query_one("#reason-input", Input).value == "abc"
        app.screen.query_one("#reason-input", Input).value = "identity check with the seeker present"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen and "345-67-8912" in header_text(app)
        # the reveal, and the opening of History itself (audited after its first read, so shown from now on)
        assert history.row_count == seen + 2 and str(history.get_row_at(0)[2]) == "Full SSN revealed"
        await show_tab(app, pilot, 7)  # another tab: masked again
        assert "345-67-8912" not in header_text(app)
        monkeypatch.setattr(case_details, "REVEAL_SECONDS", 1.0)
        await reveal("identity check, second look")
        assert "345-67-8912" in header_text(app)
        await pilot.pause(1.3)  # REVEAL_SECONDS later
        assert "345-67-8912" not in header_text(app) and screen.revealed_ssn is None
        monkeypatch.setattr(case_details, "REVEAL_SECONDS", 60)
        await reveal("identity check, third look")
        assert "345-67-8912" in header_text(app)
        await pilot.press("f2")  # leaving the screen (for search) masks it
        await settle(app, pilot)
        assert app.screen is not screen and screen.revealed_ssn is None and "Okafor" not in window_title(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen and "345-67-8912" not in header_text(app) and window_title(app) == "Okafor, Lee"
        await reveal("identity check, fourth look")
        await pilot.press("escape")  # back: masked, and the title is the staff member's again
        await settle(app, pilot)
        assert app.screen is not screen and screen.revealed_ssn is None and screen._mask_timer is None
        assert window_title(app) == staff_title
    with case.db.session() as s:
        reasons = [r[0] for r in s.execute(text("SELECT reason FROM audit_log WHERE action = 'seeker.reveal_ssn' ORDER BY id"))]
    assert reasons == ["identity check with the seeker present", "identity check, second look", "identity check, third look",
                       "identity check, fourth look"]


def determinations(services) -> int:  # type: ignore[no-untyped-def]
    with services.db.session() as s:
        return s.execute(text("SELECT count(*) FROM eligibility_determination")).scalar_one()


async def test_record_determination_asks_first(case) -> None:  # type: ignore[no-untyped-def]
    """11: ``d`` asks; "n" records nothing, "y" records one."""
    before = determinations(case)
    app = staff_app(case)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_case(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "eligibility determination" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen) and determinations(case) == before
        await pilot.press("d")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen) and determinations(case) == before + 1
        assert "Eligibility determination recorded." in messages(app)


async def test_a_completed_service_opens_read_only(case, clock) -> None:  # type: ignore[no-untyped-def]
    """18: Enter on a final service (or ``i`` on any) shows provider, cost and dates; nothing changes."""
    cm = case.staff.actor_for("cm")
    start = clock.now.date() - timedelta(days=20)
    done = case.service_records.record(cm, SEEKER, "T01", start_date=start, end_date=start + timedelta(days=14),
                                       provider="Topeka Welding Institute", cost=Decimal("1250.50"), notes="passed")
    assert done.status == "completed"
    app = staff_app(case)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_case(app, pilot)
        services = await show_tab(app, pilot, 3)
        assert services.row_count == 1
        for key in ("enter", "i"):
            await pilot.press(key)
            await settle(app, pilot)
            assert isinstance(app.screen, DetailModal), key
            body = str(app.screen.query_one("#detail-body").render())
            for shown in ("T01", "Topeka Welding Institute", "$1,250.50", f"Start       {start.isoformat()}",
                          f"End         {(start + timedelta(days=14)).isoformat()}", "completed", "passed"):
                assert shown in body, (shown, body)
            await pilot.press("escape")
            await settle(app, pilot)
            assert isinstance(app.screen, CaseDetailsScreen)
        status = app.screen.query_one("#service-status-filter", Select)
        status.value = "cancelled"  # the filters narrow the list (read on the UI thread, fetched in a worker)
        await settle(app, pilot)
        assert services.row_count == 0
        status.clear()
        await settle(app, pilot)
        assert services.row_count == 1
    [again] = case.service_records.for_seeker(cm, SEEKER)
    assert again.version == done.version and again.status == "completed"


async def test_front_desk_cannot_take_over_a_self_service_account(case) -> None:  # type: ignore[no-untyped-def]
    """10: Upgrade is case work (``seeker.upgrade``): not offered to front desk, refused by the service."""
    from jobcenter_tui.domain.permissions import PermissionDenied
    from jobcenter_tui.services import kiosk_actor

    made = case.registration.register(kiosk_actor("TOP"), {"first_name": "Kim", "last_name": "Lee",
                                                           "date_of_birth": "1995-07-07", "account_type": "self_service"})
    app = staff_app(case, "fd")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_case(app, pilot, made.id)
        assert "Upgrade" not in footer_keys(app)
        await pilot.press("u")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
    version = case.seekers.get(system_actor(), made.id).version
    with pytest.raises(PermissionDenied, match="Take over self-service accounts"):
        case.seekers.upgrade_to_staff_assisted(case.staff.actor_for("fd"), made.id, expected_version=version)
    cm = case.staff.actor_for("cm")
    assert "seeker.upgrade" in cm.privileges
    assert case.seekers.upgrade_to_staff_assisted(cm, made.id, expected_version=version).account_type == "staff_assisted"
