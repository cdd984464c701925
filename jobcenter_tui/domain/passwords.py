"""Password policy and the failed-login throttle (NIST SP 800-63B style: length over rules)."""

from __future__ import annotations

from datetime import datetime, timedelta

MIN_LENGTH = 12
MAX_LENGTH = 256
FREE_FAILURES = 5  # failures allowed before the account must wait
BASE_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 15 * 60

# A small blocklist of passwords that pass the length rule but are among the most guessed.
# Compared case-insensitively, also with trailing digits and punctuation removed.
BLOCKLIST = frozenset(
    {
        "password", "password1", "password123", "passw0rd", "p@ssw0rd", "passwordpassword",
        "123456789012", "1234567890", "qwertyuiop", "qwertyuiopasdf", "qwerty123456",
        "iloveyou", "letmein", "welcome", "welcome1", "admin", "administrator", "changeme",
        "trustno1", "football", "baseball", "superman", "sunshine", "princess", "dragon",
        "monkey", "jobcenter", "jobcenter1", "workforce", "americanjobcenter", "abcdefghijkl",
        "aaaaaaaaaaaa", "111111111111", "000000000000", "correcthorsebatterystaple",
    }
)


def _core(text: str) -> str:
    return text.lower().rstrip("0123456789!@#$%^&*().,?-_ ")


def password_problems(password: str, username: str = "") -> list[str]:
    """Everything wrong with a new password, in words a person can act on; empty when fine."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"must be at least {MIN_LENGTH} characters (it has {len(password)})")
    if len(password) > MAX_LENGTH:
        problems.append(f"must be at most {MAX_LENGTH} characters")
    lowered = password.lower()
    if lowered in BLOCKLIST or _core(password) in BLOCKLIST:
        problems.append("is too common; choose a longer phrase of your own")
    elif len(set(password)) <= 2:
        problems.append("repeats too few characters")
    if username and username.lower() in lowered:
        problems.append("must not contain the user name")
    return problems


def lockout_delay(failures: int) -> timedelta:
    """How long to wait after ``failures`` consecutive failed sign-ins.

    The first ``FREE_FAILURES`` cost nothing; from then on the wait doubles from 30 seconds up to
    15 minutes, so a typo costs nothing and guessing costs a lot.
    """
    if failures < FREE_FAILURES:
        return timedelta(0)
    seconds = BASE_DELAY_SECONDS * 2 ** (failures - FREE_FAILURES)
    return timedelta(seconds=min(seconds, MAX_DELAY_SECONDS))


def locked_until(failures: int, last_failure: datetime) -> datetime | None:
    """The moment a sign-in may be tried again, or None when it may be tried now."""
    delay = lockout_delay(failures)
    return last_failure + delay if delay else None
