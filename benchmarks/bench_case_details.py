"""Case Details of a busy case: 10 enrollments, 300 services and 100 notes.

Times, headless at 120x40, from `open_case` to the screen holding every tab's rows (the load
worker done and the tables filled), best and median of N opens. Also times the services' part
alone (the queries and views, without Textual). Target (issue 5): under 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from datetime import timedelta


def build() -> tuple[object, str]:
    from jobcenter_tui.domain.programs import PROGRAM_CODES
    from jobcenter_tui.services import open_services, system_actor
    from jobcenter_tui.services.enrollments import Attestation

    services = open_services()
    services.demo.seed(system_actor(), seekers=2000, seed=2026)
    cm = services.staff.actor_for("casemgr")
    made = services.registration.register(cm, {
        "first_name": "Busy", "last_name": "Case", "date_of_birth": "1980-01-01", "sex": "female",
        "authorized_to_work": True, "veteran": {"status": "eligible_spouse"}, "barriers": {"homeless": True},
        "employment": {"status": "unemployed", "unlikely_to_return": True},
        "dislocation": {"reason": "plant_closure"}, "taa": {"certified": True, "petition_number": "TA-W-99999"},
        "income": {"family_size": 2, "annual_family_income": 12000}})
    seeker = made.id
    today = services.today()
    enrollments = []
    for round_ in range(2):  # 2 rounds x 5 programs = 10 enrollments (the first round closed)
        for program in [p for p in PROGRAM_CODES if p != "WIOA_YOUTH"]:
            e = services.enrollments.enroll(cm, seeker, program, Attestation(verified=("identity",)))
            enrollments.append(e.id)
            if round_ == 0:
                services.service_records.record(cm, seeker, "B01", enrollment_id=e.id, start_date=today - timedelta(days=400))
                services.enrollments.close(cm, e.id, "completed")
    codes = ["B02", "B03", "I03", "T01", "U01", "B07"]
    for i in range(300):
        services.service_records.record(cm, seeker, codes[i % len(codes)], enrollment_id=enrollments[5 + i % 5],
                                        start_date=today - timedelta(days=i % 200))
    for i in range(100):
        services.notes.add(cm, seeker, subject=f"Contact {i}", body="Talked about the training plan. " * 5,
                           contact_type="phone", contact_date=today - timedelta(days=i))
    return services, seeker


async def open_once(services, seeker: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(open: header and Program Registration on screen, then: the Services tab filled with its 305 rows)."""
    from textual.widgets import TabbedContent

    from jobcenter_tui.app import JobCenterApp
    from jobcenter_tui.screens.case_details import CaseDetailsScreen

    app = JobCenterApp(services, actor=services.staff.actor_for("casemgr"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        start = time.perf_counter()
        app.open_case(seeker)
        while True:
            await pilot.pause(0.001)
            screen = app.screen
            if (isinstance(screen, CaseDetailsScreen) and screen.detail is not None
                    and screen.query_one("#programs").row_count == 6):
                opened = time.perf_counter() - start
                break
        start = time.perf_counter()
        screen.query_one(TabbedContent).active = "tab-services"
        while screen.query_one("#services").row_count < 300:
            await pilot.pause(0.001)
        return opened, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    os.environ["JOBCENTER_HOME"] = tempfile.mkdtemp(prefix="jobcenter-case-")
    services, seeker = build()
    from jobcenter_tui.services import system_actor

    actor = services.staff.actor_for("casemgr")  # type: ignore[attr-defined]
    timings = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        services.seekers.get(actor, seeker, audit=False)  # type: ignore[attr-defined]
        services.program_registration.rows(actor, seeker)  # type: ignore[attr-defined]
        services.enrollments.for_seeker(actor, seeker)  # type: ignore[attr-defined]
        services.service_records.for_seeker(actor, seeker)  # type: ignore[attr-defined]
        services.plans.for_seeker(actor, seeker)  # type: ignore[attr-defined]
        services.documents.documents(actor, seeker)  # type: ignore[attr-defined]
        services.notes.notes(actor, seeker)  # type: ignore[attr-defined]
        services.seekers.history(actor, seeker)  # type: ignore[attr-defined]
        timings.append(time.perf_counter() - t)
    runs = [asyncio.run(open_once(services, seeker)) for _ in range(args.repeat)]
    screen = [r[0] for r in runs]
    tab = [r[1] for r in runs]
    del system_actor
    print("case: 10 enrollments, 305 services, 100 notes")
    print(f"services layer (all tabs' data): best {min(timings) * 1000:.0f} ms, median {statistics.median(timings) * 1000:.0f} ms")
    print(f"Case Details open, header and Program Registration on screen (120x40): best {min(screen) * 1000:.0f} ms, "
          f"median {statistics.median(screen) * 1000:.0f} ms")
    print(f"then the Services tab with its 305 rows: best {min(tab) * 1000:.0f} ms, median {statistics.median(tab) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
