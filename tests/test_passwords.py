from datetime import UTC, datetime, timedelta

import pytest

from jobcenter_tui.domain.passwords import locked_until, lockout_delay, password_problems
from jobcenter_tui.services import system_actor
from jobcenter_tui.services.errors import InvalidInput, LoginFailed
from jobcenter_tui.services.staff import SIGN_IN_FAILED


@pytest.mark.parametrize(
    ("password", "username", "fragment"),
    [
        ("short", "", "at least 15"),
        ("jobcenter-demo", "", "at least 15"),  # the old demo password: 14 characters
        ("password123456789", "", "too easy to guess"),
        ("Password123!Password", "", "too easy to guess"),
        ("qwertyuiop", "", "at least 15"),
        ("aaaaaaaaaaaaaaaa", "", "too easy to guess"),
        ("correct horse battery staple", "", "too easy to guess"),
        ("casey.morgan-secret-phrase", "casey.morgan", "user name"),
    ],
)
def test_password_policy_refuses(password: str, username: str, fragment: str) -> None:
    assert any(fragment in p for p in password_problems(password, username))


def test_password_must_not_hold_the_display_name() -> None:
    assert any("your name" in p for p in password_problems("I am Casey Morgan at work", "cm", "Casey Morgan"))


def test_password_policy_accepts_a_passphrase() -> None:
    assert password_problems("tall maple river lantern", "casey") == []


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (4, 0), (5, 30), (6, 60), (7, 120), (9, 480), (10, 900), (30, 900)],
)
def test_lockout_delay_grows_and_is_capped(failures: int, seconds: int) -> None:
    assert lockout_delay(failures) == timedelta(seconds=seconds)


def test_locked_until() -> None:
    t = datetime(2026, 1, 1, tzinfo=UTC)
    assert locked_until(3, t) is None
    assert locked_until(5, t) == t + timedelta(seconds=30)


def test_login_throttle_and_same_words_for_unknown_users(services, clock) -> None:  # type: ignore[no-untyped-def]
    services.staff.add(system_actor(), "casey", "Casey", "tall maple river lantern", ["case_manager"])
    for _ in range(4):
        with pytest.raises(LoginFailed) as known:
            services.staff.login("casey", "wrong password here")
        assert str(known.value) == SIGN_IN_FAILED
        with pytest.raises(LoginFailed) as unknown:
            services.staff.login("nobody", "wrong password here")
        assert str(unknown.value) == SIGN_IN_FAILED
    # the fifth failure starts the wait, identically for both names
    with pytest.raises(LoginFailed) as fifth:
        services.staff.login("casey", "wrong password here")
    with pytest.raises(LoginFailed) as fifth_unknown:
        services.staff.login("nobody", "wrong password here")
    assert fifth.value.retry_after_seconds == fifth_unknown.value.retry_after_seconds == 30
    assert str(fifth.value) == str(fifth_unknown.value)
    # even the right password waits while throttled
    with pytest.raises(LoginFailed, match="Try again in"):
        services.staff.login("casey", "tall maple river lantern")
    clock.advance(seconds=31)
    actor = services.staff.login("Casey", "tall maple river lantern")
    assert actor.username == "casey" and "case_manager" in actor.roles
    # success clears the count: the next typo costs nothing
    with pytest.raises(LoginFailed) as again:
        services.staff.login("casey", "wrong password here")
    assert again.value.retry_after_seconds == 0


def test_disabled_account_cannot_sign_in(services) -> None:  # type: ignore[no-untyped-def]
    services.staff.add(system_actor(), "casey", "Casey", "tall maple river lantern", ["case_manager"])
    services.staff.set_status(system_actor(), "casey", "disabled")
    with pytest.raises(LoginFailed) as exc:
        services.staff.login("casey", "tall maple river lantern")
    assert str(exc.value) == SIGN_IN_FAILED


def test_new_account_password_is_checked(services) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as exc:
        services.staff.add(system_actor(), "casey", "Casey", "casey1234567", ["nope"])
    assert "password" in exc.value.errors and "roles" in exc.value.errors
    assert services.staff.count() == 0


def test_password_hash_is_argon2id(services) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from jobcenter_tui.db.models import Staff

    services.staff.add(system_actor(), "casey", "Casey", "tall maple river lantern", ["case_manager"])
    with services.db.session() as session:
        stored = session.exec(select(Staff.password_hash)).one()
    assert stored.startswith("$argon2id$") and "lantern" not in stored
