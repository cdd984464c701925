"""Plans through the services: versions kept, goals checked, goal links."""

from __future__ import annotations

from datetime import date

import pytest

from jobcenter_tui.services.errors import InvalidInput
from tests.casework import ATTEST, SEEKER


def test_plan_versions_keep_the_old_ones(case, clock) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    e = services.enrollments.enroll(cm, SEEKER, "WIOA_DW", ATTEST)
    svc = services.service_records.record(cm, SEEKER, "I02", enrollment_id=e.id, start_date=clock.now.date())
    first = services.plans.save(cm, e.id, employment_goal_soc="51-4121", employment_goal_title="Welder",
                                     goals=[{"description": "Finish welding certificate", "target_date": date(2026, 12, 1),
                                             "service_ids": [svc.id]}], agreement_date=clock.now.date())
    assert first.kind == "IEP" and first.current.number == 1 and first.current.goals[0].service_ids == (svc.id,)
    second = services.plans.save(cm, e.id, employment_goal_soc="51-4121", employment_goal_title="Welder",
                                      goals=[{"description": "Finish welding certificate", "status": "met"},
                                             {"description": "Apply to 5 jobs a week"}], agreement_date=None)
    assert [v.number for v in second.versions] == [1, 2] and second.versions[0].goals[0].status == "open"
    with pytest.raises(InvalidInput) as exc:
        services.plans.save(cm, e.id, employment_goal_soc="welder", employment_goal_title=None,
                                 goals=[{"description": "", "status": "done"}], agreement_date=None)
    assert {"employment_goal_soc", "goals[0].description", "goals[0].status"} <= set(exc.value.errors)
