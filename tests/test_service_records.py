"""Service records through the services: recording, status moves, the list and its filters."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from jobcenter_tui.domain.catalog import CatalogEntry
from jobcenter_tui.domain.permissions import Actor, PermissionDenied, Privilege
from jobcenter_tui.services.errors import InvalidInput, NotFound
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


def test_a_completed_service_opens_read_only_with_provider_cost_and_dates(case, clock) -> None:  # type: ignore[no-untyped-def]
    services, cm, fd, _ = case
    e = services.enrollments.enroll(cm, SEEKER, "WIOA_DW", ATTEST)
    today = clock.now.date()
    made = services.service_records.record(cm, SEEKER, "T01", enrollment_id=e.id, start_date=today - timedelta(days=30),
                                           end_date=today, provider="Topeka Technical College", cost=Decimal("1250.00"),
                                           notes="Welding certificate, evening classes")
    seen = services.service_records.get(fd, made.id)  # front desk holds view for every program
    assert (seen.name, seen.program, seen.status) == (made.name, "WIOA_DW", "completed")
    assert (seen.provider, seen.cost, seen.start_date, seen.end_date) == (
        "Topeka Technical College", Decimal("1250.00"), today - timedelta(days=30), today)
    assert seen.notes == "Welding certificate, evening classes" and seen.staff == "cm"
    outsider = Actor(username="outsider", display_name="No programs", privileges=frozenset({Privilege.SEEKER_VIEW.value}))
    with pytest.raises(PermissionDenied):
        services.service_records.get(outsider, made.id)
    with pytest.raises(NotFound):
        services.service_records.get(cm, "no-such-service")


def test_catalog_lists_active_codes_as_plain_values(case) -> None:  # type: ignore[no-untyped-def]
    services, _, _, _ = case
    with services.db.session(write=True) as s:
        s.execute(text("UPDATE service_catalog SET active = 0 WHERE code = 'B07'"))
    catalog = services.service_records.catalog()
    codes = [c.code for c in catalog]
    assert codes == sorted(codes) and "B02" in codes and "B07" not in codes
    assert all(isinstance(c, CatalogEntry) for c in catalog)  # a value, not a live row of a closed session
