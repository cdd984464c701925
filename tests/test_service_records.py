"""Service records through the services: recording, status moves, the list and its filters."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jobcenter_tui.domain.permissions import PermissionDenied
from jobcenter_tui.services.errors import InvalidInput
from tests.casework import ATTEST, SEEKER


def test_services_list_filters_and_statuses(case, clock) -> None:  # type: ignore[no-untyped-def]
    services, cm, fd, _ = case
    e = services.enrollments.enroll(cm, SEEKER, "WIOA_DW", ATTEST)
    today = clock.now.date()
    a = services.service_records.record(cm, SEEKER, "B01", enrollment_id=e.id, start_date=today)
    b = services.service_records.record(cm, SEEKER, "I03", enrollment_id=e.id, status="scheduled", start_date=today + timedelta(days=2))
    services.service_records.record(fd, SEEKER, "S03", start_date=today)  # not on an enrollment
    assert {s.code for s in services.service_records.for_seeker(cm, SEEKER, status="scheduled")} == {"I03"}
    assert {s.code for s in services.service_records.for_seeker(cm, SEEKER, program="WIOA_DW")} == {"B01", "I03"}
    services.service_records.set_status(cm, b.id, "no_show")
    with pytest.raises(InvalidInput):
        services.service_records.set_status(cm, b.id, "completed")
    with pytest.raises(InvalidInput):
        services.service_records.set_status(cm, a.id, "cancelled")
    with pytest.raises(PermissionDenied):  # front desk may not edit a DW enrollment
        services.service_records.record(fd, SEEKER, "B03", enrollment_id=e.id, start_date=today)
    with pytest.raises(InvalidInput) as exc:
        services.service_records.record(cm, SEEKER, "ZZ9", start_date=today + timedelta(days=5), end_date=today, cost=-1)
    assert {"code", "end_date", "start_date", "cost"} <= set(exc.value.errors)
