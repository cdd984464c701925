"""The enrollment lifecycle rules: participation date and the 90-day exit."""

from datetime import date, timedelta

import pytest

from jobcenter_tui.domain.enrollment import LifecycleError, ServiceFact, check_service_move, exit_clock, participation_date

D0 = date(2026, 1, 10)


def svc(code: str, status: str, start: date, end: date | None = None, extends: bool = True, holds: bool = False) -> ServiceFact:
    return ServiceFact(code, status, start, end, extends, holds)


@pytest.mark.parametrize(("days", "due"), [(89, False), (90, True), (91, True)])
def test_exit_at_day_89_90_91(days: int, due: bool) -> None:
    clock = exit_clock([svc("B02", "completed", D0 - timedelta(days=5), D0)], D0 + timedelta(days=days))
    assert clock.exit_due is due
    assert clock.exit_date == (D0 if due else None)
    assert clock.days_left == (1 if days == 89 else 0)


def test_exit_date_is_the_last_participation_service_end() -> None:
    services = [svc("B01", "completed", D0), svc("I03", "completed", D0 + timedelta(days=10), D0 + timedelta(days=20)),
                svc("F01", "completed", D0 + timedelta(days=60), extends=False)]  # follow-up does not extend
    clock = exit_clock(services, D0 + timedelta(days=110))
    assert clock.exit_due and clock.exit_date == D0 + timedelta(days=20)


def test_scheduled_or_in_progress_service_holds_the_clock() -> None:
    for status in ("scheduled", "in_progress"):
        services = [svc("B02", "completed", D0), svc("T01", status, D0 + timedelta(days=200))]
        clock = exit_clock(services, D0 + timedelta(days=150))
        assert clock.held and not clock.exit_due


def test_cancelled_services_do_not_hold_or_count() -> None:
    services = [svc("B02", "completed", D0), svc("T01", "cancelled", D0 + timedelta(days=30)),
                svc("T02", "no_show", D0 + timedelta(days=40))]
    assert exit_clock(services, D0 + timedelta(days=90)).exit_due


def test_planned_gap_holds_and_does_not_count() -> None:
    gap = svc("G01", "scheduled", D0 + timedelta(days=30), D0 + timedelta(days=90), extends=False, holds=True)
    services = [svc("B02", "completed", D0), gap]
    assert exit_clock(services, D0 + timedelta(days=60)).held
    after = exit_clock(services, D0 + timedelta(days=120))  # 120 days, 61 of them in the gap
    assert not after.held and not after.exit_due and after.days_without_service == 59
    assert exit_clock(services, D0 + timedelta(days=151)).exit_due


def test_no_participation_means_no_exit_yet() -> None:
    clock = exit_clock([svc("S01", "completed", D0, extends=False)], D0 + timedelta(days=400))
    assert not clock.exit_due and clock.last_service_end is None


def test_participation_date_is_the_first_service_received() -> None:
    services = [svc("S01", "completed", D0, extends=False), svc("B02", "scheduled", D0 + timedelta(days=1)),
                svc("B01", "completed", D0 + timedelta(days=3)), svc("I01", "in_progress", D0 + timedelta(days=2))]
    assert participation_date(services) == D0 + timedelta(days=2)
    assert participation_date([svc("B02", "scheduled", D0)]) is None


@pytest.mark.parametrize(("old", "new", "ok"), [("scheduled", "completed", True), ("scheduled", "no_show", True),
                                               ("in_progress", "completed", True), ("completed", "cancelled", False),
                                               ("cancelled", "completed", False), ("no_show", "scheduled", False)])
def test_service_moves(old: str, new: str, ok: bool) -> None:
    if ok:
        check_service_move(old, new)
    else:
        with pytest.raises(LifecycleError):
            check_service_move(old, new)
