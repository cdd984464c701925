"""Issue 10, sessions: disabled now means now (5), refused attempts are audited (10), throttling
without lock-out (7), passwords of 800-63B rev. 4 (8)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import event, func, text
from sqlmodel import select

from jobcenter_tui.db.models import LoginThrottle
from jobcenter_tui.domain.audit import action_label
from jobcenter_tui.domain.passwords import (
    ACCOUNT_MAX_DELAY_SECONDS,
    MAX_CONSECUTIVE_FAILURES,
    MAX_DELAY_SECONDS,
    UNKNOWN_NAME_BUCKETS,
    FailureCount,
    after_failure,
    is_locked,
    live_failures,
    password_problems,
    throttle_name,
    throttle_source,
    wait_seconds,
)
from jobcenter_tui.domain.permissions import PermissionDenied
from jobcenter_tui.services import open_services, system_actor
from jobcenter_tui.services.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from jobcenter_tui.services.errors import LoginFailed, SessionEnded
from jobcenter_tui.services.staff import LOCKED, MAX_SOURCE_ROWS, SIGN_IN_FAILED, role_access_changed
from tests.casework import SEEKER

SSN = "219-09-9999"
PASSWORD = "tall maple river lantern"


@pytest.fixture
def with_ssn(case):  # type: ignore[no-untyped-def]
    services, cm, fd, sv = case
    detail = services.seekers.get(cm, SEEKER, audit=False)
    services.seekers.update(cm, SEEKER, {"ssn": SSN}, expected_version=detail.version)
    return case


def _audit(services, action: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    with services.db.session() as s:
        return s.execute(text("SELECT staff, entity, entity_id, changes FROM audit_log WHERE action = :a ORDER BY id"),
                         {"a": action}).all()


# --- 5. disabled now means now ---------------------------------------------------------------------


def test_a_disabled_accounts_open_session_can_do_nothing_more(with_ssn, admin) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = with_ssn
    assert services.seekers.reveal_ssn(cm, SEEKER, "benefits form needs it") == SSN  # the session works...
    services.staff.set_status(admin, "cm", "disabled")
    version = services.seekers.get(admin, SEEKER, audit=False).version
    with pytest.raises(SessionEnded, match="sign in again"):  # ...and then it does not
        services.seekers.reveal_ssn(cm, SEEKER, "benefits form needs it")
    with pytest.raises(SessionEnded):
        services.seekers.update(cm, SEEKER, {"contact": {"email": "d@example.org"}}, expected_version=version)
    with pytest.raises(SessionEnded):
        services.search.search(cm, "reyes")  # name search: the one-statement read path
    with pytest.raises(SessionEnded):
        services.search.search(cm, SSN)  # SSN search: the audited path
    with pytest.raises(SessionEnded):
        services.seekers.get(cm, SEEKER)
    assert services.seekers.get(admin, SEEKER, audit=False).version == version  # nothing was saved
    assert len(_audit(services, "seeker.reveal_ssn")) == 1


@pytest.mark.parametrize("change", ["grant_program", "revoke_role", "grant_role", "reset_password", "enable_again", "role"])
def test_a_change_of_access_ends_the_open_session(case, admin, change: str) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    services.search.search(cm, "reyes")
    if change == "grant_program":
        services.staff.grant(admin, "cm", program="WP", level="view")
    elif change == "revoke_role":
        services.staff.grant(admin, "cm", role="case_manager", revoke=True)
    elif change == "grant_role":
        services.staff.grant(admin, "cm", role="supervisor")
    elif change == "reset_password":
        services.staff.reset_password(admin, "cm", "quiet harbor lamp post")
    elif change == "enable_again":  # disabled and enabled again: the old session still ends
        services.staff.set_status(admin, "cm", "disabled")
        services.staff.set_status(admin, "cm", "active")
    else:
        with services.db.session(write=True) as session:
            role_access_changed(session, "case_manager")
    with pytest.raises(SessionEnded):
        services.search.search(cm, "reyes")
    fresh = services.staff.actor_for("cm")  # signing in again gives a working session
    assert fresh.access_version is not None and fresh.access_version > (cm.access_version or 0)
    if change != "revoke_role":
        assert services.search.search(fresh, "reyes").rows


def test_unchanged_access_is_not_disturbed_by_a_sign_in(case) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    services.staff.login("cm", PASSWORD)  # sign-in changes staff.version (last_login_at), not access
    assert services.search.search(cm, "reyes").rows


def test_the_check_is_one_primary_key_read_in_the_same_transaction(case) -> None:  # type: ignore[no-untyped-def]
    services, cm, _, _ = case
    seen: list[str] = []

    def record(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(services.db.engine, "before_cursor_execute", record)
    try:
        with services.db.session() as session:
            session.execute(text("SELECT 1"))
        plain = list(seen)
        seen.clear()
        with services.unit(cm) as session:
            session.execute(text("SELECT 1"))
    finally:
        event.remove(services.db.engine, "before_cursor_execute", record)
    extra = [s for s in seen if s not in plain]
    assert len(seen) == len(plain) + 1 and extra == ["SELECT status, access_version FROM staff WHERE id = ?"]
    with services.db.session() as session:
        plan = " ".join(str(r[-1]) for r in session.execute(
            text("EXPLAIN QUERY PLAN SELECT status, access_version FROM staff WHERE id = 'x'")))
    assert "USING INDEX" in plan or "PRIMARY KEY" in plan


async def test_the_console_returns_to_sign_in_when_the_session_ended(case, admin) -> None:  # type: ignore[no-untyped-def]
    from jobcenter_tui.app import JobCenterApp
    from jobcenter_tui.screens.login import LoginScreen

    services, cm, _, _ = case
    app = JobCenterApp(services, actor=cm)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        services.staff.set_status(admin, "cm", "disabled")
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press(*"reyes", "enter")
        await pilot.pause(0.35)
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and app.actor is None
        assert any("sign in again" in str(n.message) for n in app._notifications)


# --- 10. refused attempts are audited --------------------------------------------------------------


def test_front_desk_trying_to_reveal_or_export_is_audited(with_ssn) -> None:  # type: ignore[no-untyped-def]
    services, _, fd, _ = with_ssn
    with pytest.raises(PermissionDenied):
        services.seekers.reveal_ssn(fd, SEEKER, "just curious about it")
    with pytest.raises(PermissionDenied):
        services.seekers.export_records(fd, destination="out.jsonl")
    rows = _audit(services, "access.refused")
    assert [(r[0], r[1], r[2]) for r in rows] == [("fd", "job_seeker", SEEKER), ("fd", None, None)]
    changes = [r[3] if isinstance(r[3], dict) else json.loads(r[3]) for r in rows]
    assert changes == [{"attempted": "seekers.reveal_ssn", "needed": "seeker.view_ssn"},
                       {"attempted": "seekers.export_records", "needed": "report.export"}]
    assert action_label("access.refused") == "Refused: not allowed"
    with services.db.session() as s:
        everything = json.dumps([list(map(str, r)) for r in s.execute(text("SELECT * FROM audit_log"))])
    assert SSN not in everything and "9999" not in everything and "just curious" not in everything
    assert not _audit(services, "seeker.reveal_ssn") or all(r[0] != "fd" for r in _audit(services, "seeker.reveal_ssn"))


def test_a_refusal_inside_the_unit_is_audited_although_the_unit_rolls_back(case) -> None:  # type: ignore[no-untyped-def]
    services, _, fd, _ = case
    with pytest.raises(PermissionDenied), services.unit(fd, write=True) as session:
        session.execute(text("UPDATE app_meta SET value = value"))
        fd.require("staff.manage")
    rows = _audit(services, "access.refused")
    assert len(rows) == 1 and rows[0][0] == "fd"  # once, though both the unit and the method guard saw it


# --- 7. throttling without lock-out --------------------------------------------------------------

T0 = datetime(2026, 6, 15, 14, 0, tzinfo=UTC)


def test_waits_never_exceed_fifteen_minutes_and_another_source_costs_at_most_a_minute() -> None:
    account = here = None
    for _ in range(1, MAX_CONSECUTIVE_FAILURES):
        account, here = after_failure(account, T0), after_failure(here, T0)
        assert wait_seconds(account, here, T0) <= MAX_DELAY_SECONDS
        assert wait_seconds(account, None, T0) <= ACCOUNT_MAX_DELAY_SECONDS  # seen from a clean source
    assert wait_seconds(account, here, T0) == MAX_DELAY_SECONDS


def test_failures_are_forgotten_after_24_hours() -> None:
    count = FailureCount(40, T0, 40)
    assert live_failures(count, T0 + timedelta(hours=23, minutes=59)) == 40
    assert live_failures(count, T0 + timedelta(hours=24)) == 0
    assert after_failure(count, T0 + timedelta(hours=25)).failures == 1
    assert wait_seconds(count, count, T0 + timedelta(hours=24)) == 0


def test_one_hundred_consecutive_failures_lock_and_a_source_is_the_ssh_address() -> None:
    assert not is_locked(FailureCount(99, T0, 99)) and is_locked(FailureCount(1, T0, 100))
    assert throttle_source("/dev/pts/3 ssh:203.0.113.9") == "ssh:203.0.113.9"
    assert throttle_source("/dev/pts/3") == "/dev/pts/3" and throttle_source("") == "local"
    buckets = {throttle_name(f"nobody{i}", False) for i in range(10_000)}
    assert len(buckets) <= UNKNOWN_NAME_BUCKETS and throttle_name("casey", True) == "casey"


TINY_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # Argon2id, cheap enough for 10,000 tries


@pytest.fixture
def quick(empty_home, clock):  # type: ignore[no-untyped-def]
    services = open_services(password_hasher=TINY_HASHER, clock=clock)
    services.staff.add(system_actor(), "casey", "Casey Morgan", PASSWORD, ["case_manager"])
    yield services
    services.close()


def _try(services, name: str, password: str, terminal: str) -> LoginFailed | None:  # type: ignore[no-untyped-def]
    try:
        services.staff.login(name, password, terminal=terminal)
    except LoginFailed as failed:
        return failed
    return None


def test_a_guesser_elsewhere_keeps_the_real_user_out_for_at_most_a_minute(quick, clock) -> None:  # type: ignore[no-untyped-def]
    attacker, desk = "/dev/pts/9 ssh:198.51.100.7", "/dev/tty2"
    waits = []
    for _ in range(60):
        failed = _try(quick, "casey", "guess guess guess", attacker)
        assert failed is not None
        waits.append(failed.retry_after_seconds)
        clock.advance(seconds=max(failed.retry_after_seconds, 1))
        assert failed.retry_after_seconds <= MAX_DELAY_SECONDS
    assert max(waits) == MAX_DELAY_SECONDS  # the guesser waits the most
    clock.advance(seconds=-MAX_DELAY_SECONDS + 1)  # the guesser has just failed
    first = _try(quick, "casey", PASSWORD, desk)
    assert first is None or first.retry_after_seconds <= ACCOUNT_MAX_DELAY_SECONDS
    if first is not None:
        clock.advance(seconds=first.retry_after_seconds)
        assert _try(quick, "casey", PASSWORD, desk) is None
    # the guesser's own wait is still there after the real user signed in
    assert _try(quick, "casey", "guess guess guess", attacker).retry_after_seconds > 0  # type: ignore[union-attr]


def test_one_hundred_failures_lock_until_an_administrator_resets(quick, clock) -> None:  # type: ignore[no-untyped-def]
    for i in range(MAX_CONSECUTIVE_FAILURES):
        failed = _try(quick, "casey", "guess guess guess", f"ssh:10.0.{i // 250}.{i % 250}")
        assert failed is not None
        clock.advance(seconds=ACCOUNT_MAX_DELAY_SECONDS)
    assert str(failed) == LOCKED
    clock.advance(hours=30)  # not forgotten with time: 100 consecutive is the limit
    assert str(_try(quick, "casey", PASSWORD, "/dev/tty2")) == LOCKED
    for i in range(MAX_CONSECUTIVE_FAILURES):  # the same words for a name without an account
        unknown = _try(quick, "nobody.here", "guess guess guess", f"ssh:10.1.{i // 250}.{i % 250}")
        clock.advance(seconds=ACCOUNT_MAX_DELAY_SECONDS)
    assert str(unknown) == LOCKED
    quick.staff.reset_password(system_actor(), "casey", "quiet harbor lamp post")
    assert _try(quick, "casey", "quiet harbor lamp post", "/dev/tty2") is None


def test_ten_thousand_unknown_names_do_not_grow_the_throttle_table(quick, clock) -> None:  # type: ignore[no-untyped-def]
    for i in range(300):  # through the front door: a failed sign-in of an unknown name counts in a bucket
        failed = _try(quick, f"nobody{i}", "guess guess guess", f"ssh:192.0.2.{i % 7}")
        assert failed is not None
        clock.advance(seconds=61)
    # then 10,000 more names through the same bookkeeping, without the sign-in's hashing and audit row
    staff = quick.staff
    for start in range(0, 10_000, 1_000):
        with quick.db.session(write=True) as session:
            for i in range(start, start + 1_000):
                staff._count_failure(session, throttle_name(f"someone.else{i}", False), f"ssh:198.51.100.{i % 7}",
                                     quick.now())
                clock.advance(seconds=1)
    with quick.db.session() as s:
        account_rows = s.exec(select(func.count()).select_from(LoginThrottle).where(LoginThrottle.source == "")).one()
        source_rows = s.exec(select(func.count()).select_from(LoginThrottle).where(LoginThrottle.source != "")).one()
    assert 0 < account_rows <= UNKNOWN_NAME_BUCKETS
    assert 0 < source_rows <= min(MAX_SOURCE_ROWS, UNKNOWN_NAME_BUCKETS * 14)


def test_the_per_source_rows_are_capped(quick, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import jobcenter_tui.services.staff as staff_module

    monkeypatch.setattr(staff_module, "MAX_SOURCE_ROWS", 50)
    for i in range(300):
        _try(quick, "casey", "guess guess guess", f"ssh:10.2.{i // 250}.{i % 250}")
        clock.advance(seconds=61)
    with quick.db.session() as s:
        assert s.exec(select(func.count()).select_from(LoginThrottle).where(LoginThrottle.source != "")).one() <= 50
        assert s.get(LoginThrottle, ("casey", "")) is not None  # the account's own row is never dropped


def test_unknown_and_known_names_get_the_same_words(quick) -> None:  # type: ignore[no-untyped-def]
    for n in range(7):
        known, unknown = _try(quick, "casey", "guess guess", "/dev/tty3"), _try(quick, "nobody.x", "guess guess", "/dev/tty3")
        assert known is not None and unknown is not None
        assert str(known) == str(unknown) and known.retry_after_seconds == unknown.retry_after_seconds
        assert str(known).startswith(SIGN_IN_FAILED if n < 5 else "Too many")


# --- 8. passwords ------------------------------------------------------------------------------


def test_the_demo_password_passes_the_rules_for_every_demo_account() -> None:
    assert len(DEMO_PASSWORD) >= 15
    for account in DEMO_ACCOUNTS:
        assert password_problems(DEMO_PASSWORD, account.username, account.display_name) == []


def test_passwords_from_the_breach_frequency_list_are_refused() -> None:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    common = [w for w in FREQUENCY_LISTS["passwords"] if len(w) >= 15][:25]
    assert len(common) >= 10
    for word in common:
        assert any("too easy to guess" in p for p in password_problems(word)), word
    assert any("at least 15" in p for p in password_problems("fourteen chars"))


def test_staff_with_a_short_or_common_password_are_not_created(services) -> None:  # type: ignore[no-untyped-def]
    from jobcenter_tui.services.errors import InvalidInput

    for weak in ("jobcenter-demo", "Password123!Password", "Welcome2024!!!!!"):
        with pytest.raises(InvalidInput) as refused:
            services.staff.add(system_actor(), "pat", "Pat Front", weak, ["front_desk"])
        assert "password" in refused.value.errors
    assert services.staff.count() == 0


def test_the_console_starts_without_loading_the_password_dictionaries() -> None:
    probe = ("import sys, jobcenter_tui.cli, jobcenter_tui.app, jobcenter_tui.services, jobcenter_tui.services.staff; "
             "print('zxcvbn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_search_of_an_ended_session_writes_no_audit_row_and_shows_nothing(with_ssn, admin) -> None:  # type: ignore[no-untyped-def]
    """The search's one session check is under the write lock of its audit row: read, then refused."""
    from sqlalchemy import text

    services, cm, _, _ = with_ssn
    assert services.search.search(cm, "reyes").rows
    services.staff.set_status(admin, "cm", "disabled")
    with services.db.session() as s:
        before = s.execute(text("SELECT count(*) FROM audit_log WHERE action LIKE 'seeker.search%'")).scalar()
    for typed in ("reyes", SSN, "1979-04-02"):
        with pytest.raises(SessionEnded):
            services.search.search(cm, typed)
    with services.db.session() as s:
        after = s.execute(text("SELECT count(*) FROM audit_log WHERE action LIKE 'seeker.search%'")).scalar()
    assert after == before
