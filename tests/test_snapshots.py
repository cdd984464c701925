"""What the main screens look like at 80x24 (update only after looking at the report)."""

from pathlib import Path

from textual.widgets import Input

from jobcenter_tui.app import JobCenterApp
from jobcenter_tui.services import open_services
from jobcenter_tui.widgets.question_form import widget_id

from .conftest import FAST_HASHER, Clock


async def _still(pilot) -> None:  # type: ignore[no-untyped-def]
    """Let workers finish and stop the cursor blinking, so the picture is the same every run."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def _app(home: Path, actor_name: str | None = None) -> JobCenterApp:
    services = open_services(password_hasher=FAST_HASHER, clock=Clock())
    actor = services.staff.actor_for(actor_name) if actor_name else None
    return JobCenterApp(services, actor=actor)


def test_login_screen(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(demo_home), terminal_size=(80, 24), run_before=_still)


def test_login_error(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press(*"casemgr", "enter", *"wrong", "enter")
        await _still(pilot)

    assert snap_compare(_app(demo_home), terminal_size=(80, 24), run_before=run_before)


def test_main_screen(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(demo_home, "casemgr"), terminal_size=(80, 24), run_before=_still)


def test_search_results(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press(*"mi", "enter")
        await pilot.pause(0.4)
        await _still(pilot)

    assert snap_compare(_app(demo_home, "casemgr"), terminal_size=(80, 24), run_before=run_before)


async def _fill(pilot, path: str, text: str) -> None:  # type: ignore[no-untyped-def]
    pilot.app.screen.query_one("#" + widget_id(path)).focus()
    await pilot.press(*text, "tab")


def test_wizard_identity_page(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("f3")
        await pilot.pause()
        await _fill(pilot, "first_name", "Marcus")
        await _fill(pilot, "last_name", "Oyelaran")
        await _fill(pilot, "date_of_birth", "1985-13-20")
        await _still(pilot)

    assert snap_compare(_app(demo_home, "casemgr"), terminal_size=(80, 24), run_before=run_before)


def test_wizard_review_page(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("f3")
        await pilot.pause()
        await _fill(pilot, "first_name", "Marcus")
        await _fill(pilot, "last_name", "Oyelaran")
        await _fill(pilot, "date_of_birth", "1985-11-20")
        for _ in range(12):
            await pilot.press("f8")
            await _still(pilot)
            if pilot.app.screen.page_key == "review":
                break

    assert snap_compare(_app(demo_home, "casemgr"), terminal_size=(80, 24), run_before=run_before)


CASE_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"


def _case_app(home: Path) -> JobCenterApp:
    """A store with one worked case: DW enrollment opened by a service, a note, on the fixed test clock."""
    from datetime import timedelta

    from jobcenter_tui.services.enrollments import Attestation

    clock = Clock()
    services = open_services(password_hasher=FAST_HASHER, clock=clock)
    record = {"id": CASE_ID, "first_name": "Dana", "last_name": "Reyes", "date_of_birth": "1979-04-02",
              "ssn": "219-09-9999", "sex": "female", "authorized_to_work": True, "veteran": {"status": "none"},
              "phone": "785-555-0143", "address": {"city": "Topeka", "state": "KS", "zip": "66603"},
              "office": "TOP", "case_manager": "casemgr",
              "employment": {"status": "unemployed", "unlikely_to_return": True},
              "dislocation": {"reason": "plant_closure", "date": "2026-04-30", "employer": "Midwest Castings"},
              "income": {"family_size": 3, "annual_family_income": 24000}}
    cm = services.staff.actor_for("casemgr")
    services.registration.register(cm, record)  # by a staff member: no OS user name in the picture
    enrollment = services.enrollments.enroll(cm, CASE_ID, "WIOA_DW", Attestation(verified=("identity", "dislocation")))
    services.service_records.record(cm, CASE_ID, "B02", enrollment_id=enrollment.id, start_date=clock.now.date() - timedelta(days=3))
    services.notes.add(cm, CASE_ID, subject="Intake", body="Wants welding work.", contact_type="in_person",
                       contact_date=clock.now.date())
    return JobCenterApp(services, actor=cm)


async def _open_case(pilot) -> None:  # type: ignore[no-untyped-def]
    pilot.app.open_case(CASE_ID)
    for _ in range(100):  # the header and Program Registration have arrived
        await _still(pilot)
        screen = pilot.app.screen
        if getattr(screen, "detail", None) is not None and screen.query_one("#programs").row_count == 6:
            break
    await _still(pilot)


def test_case_details_80x24(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_case_app(demo_home), terminal_size=(80, 24), run_before=_open_case)


def test_case_details_120x40(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_case_app(demo_home), terminal_size=(120, 40), run_before=_open_case)


def test_case_details_enrollments_80x24(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _open_case(pilot)
        pilot.app.screen.query_one("#case-tabs").active = "tab-enrollments"
        await _still(pilot)

    assert snap_compare(_case_app(demo_home), terminal_size=(80, 24), run_before=run_before)


# --- every dialog at 80x24: nothing that carries meaning is cut ------------------------------------

def _dialog(snap_compare, home: Path, *keys: str, tab: int | None = None) -> bool:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _open_case(pilot)
        if tab is not None:
            await pilot.press(str(tab))
            await _still(pilot)
        for key in keys:
            await pilot.press(key)
            await _still(pilot)

    return snap_compare(_case_app(home), terminal_size=(80, 24), run_before=run_before)


def test_dialog_confirm_determination(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    assert _dialog(snap_compare, demo_home, "d")


def test_dialog_reveal_reason_refused(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    assert _dialog(snap_compare, demo_home, "r", "enter")  # an empty reason: said why, still open


def test_dialog_completed_service_read_only(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    assert _dialog(snap_compare, demo_home, "enter", tab=3)


def test_dialog_add_a_note(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    assert _dialog(snap_compare, demo_home, "a", tab=6)


def test_dialog_close_an_enrollment(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    assert _dialog(snap_compare, demo_home, "c", tab=2)


def test_dialog_incident(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    from jobcenter_tui import logs

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        def explode() -> None:
            raise RuntimeError("a fault in the console")

        await _still(pilot)
        pilot.app.call_later(explode)
        await _still(pilot)

    original = logs.new_incident_id
    logs.new_incident_id = lambda: "0A1B2C3D"  # the same picture every run
    try:
        app = _app(demo_home, "casemgr")
        assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
    finally:
        logs.new_incident_id = original
    (demo_home / "logs" / "incidents.log").unlink()  # provoked on purpose


def test_dialog_ssn_on_file(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("f3")
        await pilot.pause()
        await _fill(pilot, "first_name", "Danny")
        await _fill(pilot, "last_name", "Rayes")
        await _fill(pilot, "date_of_birth", "1990-01-01")
        await _fill(pilot, "ssn", "219-09-9999")
        await pilot.press("f8")
        await _still(pilot)

    assert snap_compare(_case_app(demo_home), terminal_size=(80, 24), run_before=run_before)


def test_case_details_resumes_80x24(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        services, cm = pilot.app.services, pilot.app.actor
        welding = services.resumes.create(cm, CASE_ID, title="Welding jobs", sections={
            "objective": "Full-time welding work on a day shift.",
            "work_history": [{"employer": "Midwest Castings", "title": "Welder", "soc": "51-4121", "start": "2018",
                              "end": "2026", "duties": "MIG and TIG welding"}],
            "skills": ["MIG welding", "TIG welding", "Blueprint reading"],
            "certifications": [{"name": "AWS Certified Welder", "issuer": "AWS", "year": "2019"}]})
        services.resumes.publish(cm, welding.id, expected_version=welding.version)
        services.resumes.create(cm, CASE_ID, title="Warehouse work", sections={"skills": ["Forklift"]})
        await _open_case(pilot)
        await pilot.press("9")
def test_case_details_job_search_80x24(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _open_case(pilot)
        await pilot.press("0")
        await _still(pilot)

    assert snap_compare(_case_app(demo_home), terminal_size=(80, 24), run_before=run_before)


def test_idle_lock_over_a_case(snap_compare, demo_home: Path) -> None:  # type: ignore[no-untyped-def]
    """The lock covers the whole console: nothing of the open case (name, SSN, tabs) shows."""
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _open_case(pilot)
        pilot.app.lock()
        await _still(pilot)

    assert snap_compare(_case_app(demo_home), terminal_size=(80, 24), run_before=run_before)
