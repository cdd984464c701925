"""A worked case for the service tests: one dislocated worker and three staff members."""

from __future__ import annotations

import json

import pytest

from jobcenter_tui.services import system_actor
from jobcenter_tui.services.enrollments import Attestation

DW = {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "first_name": "Dana", "last_name": "Reyes",
      "date_of_birth": "1979-04-02", "sex": "female", "authorized_to_work": True,
      "dislocation": {"reason": "plant_closure", "date": "2026-04-30"}, "veteran": {"status": "none"}}
SEEKER = DW["id"]
ATTEST = Attestation(verified=("identity", "dislocation"), note="layoff letter seen")


@pytest.fixture
def case(services, admin):  # type: ignore[no-untyped-def]
    """(services, case manager, front desk, supervisor) with Dana Reyes on file."""
    services.staff.add(admin, "cm", "Casey Morgan", "tall maple river lantern", ["case_manager"], office="TOP")
    services.staff.add(admin, "fd", "Pat Front", "tall maple river lantern", ["front_desk"], office="TOP")
    services.staff.add(admin, "sv", "Sam Rivera", "tall maple river lantern", ["supervisor"], office="TOP")
    services.seekers.import_records(system_actor(), [json.dumps(DW)])
    return services, services.staff.actor_for("cm"), services.staff.actor_for("fd"), services.staff.actor_for("sv")
