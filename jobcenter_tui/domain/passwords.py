"""Password policy and the failed-sign-in throttle (NIST SP 800-63B rev. 4: length and a blocklist
over composition rules; throttling without lock-out).

Passwords: at least 15 characters (the password is the only factor), at most 256; refused when
zxcvbn's offline dictionaries find it among common passwords, names or words so that it is easy to
guess (score below 4 of 4, under 10^10 guesses), or when it contains the user name or the display name. zxcvbn is imported
only here, on the first check of a new password, so the console starts as fast as before.

Throttle (pure: the caller passes ``now``): failures are counted per account, any source, and per
(account, source). Each failure is forgotten 24 hours after the last one. The wait per source
doubles from 30 s up to 15 minutes; the account-wide wait is capped at 60 s, so someone guessing
from another terminal or address slows the real user, at their own terminal, by at most a minute.
After 100 consecutive failures (since the last success; they are not forgotten) the account is
locked until an administrator resets its password — the one limit the 800-63B rule asks for, and
the one place a guesser elsewhere can keep the real user out (it takes over an hour and a half of
guessing at the account-wide pace, and every try is in the audit log).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

MIN_LENGTH = 15
MAX_LENGTH = 256
MIN_SCORE = 4  # zxcvbn 0-4: 4 is "at least 10^10 guesses"; 3 let "Welcome2024!!!!!" through

SOURCE_FREE_FAILURES = 5  # a typo costs nothing
ACCOUNT_FREE_FAILURES = 10  # a few people mistyping on different terminals cost nothing either
BASE_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 15 * 60
ACCOUNT_MAX_DELAY_SECONDS = 60
FAILURE_MEMORY = timedelta(hours=24)
MAX_CONSECUTIVE_FAILURES = 100
UNKNOWN_NAME_BUCKETS = 1024
# Phrases famous for being given as examples, which zxcvbn scores as strong (compared squashed:
# lower case, letters and digits only).
WELL_KNOWN = frozenset({"correcthorsebatterystaple", "thequickbrownfoxjumpsoverthelazydog", "americanjobcenter",
                        "passwordpassword", "letmeinletmein"})  # names without an account share this many throttle rows at most


def _zxcvbn(password: str, inputs: list[str]) -> dict[str, Any]:
    from zxcvbn import zxcvbn  # ~40 ms to import its dictionaries: only when a password is checked

    result: dict[str, Any] = zxcvbn(password[:100], user_inputs=inputs)  # its matching is quadratic in length
    return result


def _common_password(password: str) -> bool:
    """In zxcvbn's list of the 30,000 most frequent passwords (breach corpora), as typed or lower-cased."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    ranked = _password_ranks(FREQUENCY_LISTS["passwords"])
    squashed = "".join(ch for ch in password.lower() if ch.isalnum())
    return password in ranked or password.lower() in ranked or squashed in ranked or squashed in WELL_KNOWN


_RANKS: frozenset[str] | None = None


def _password_ranks(words: list[str]) -> frozenset[str]:
    global _RANKS
    if _RANKS is None:
        _RANKS = frozenset(words)
    return _RANKS


def password_problems(password: str, username: str = "", display_name: str = "") -> list[str]:
    """Everything wrong with a new password, in words a person can act on; empty when fine.

    The parts of the display name are not refused on their own (a first name inside a long
    phrase is fine) but zxcvbn counts them as known words when it scores the phrase.
    """
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"must be at least {MIN_LENGTH} characters (it has {len(password)}); "
                        "a phrase of four or more words is easy to remember")
    if len(password) > MAX_LENGTH:
        problems.append(f"must be at most {MAX_LENGTH} characters")
    lowered = password.lower()
    squashed = "".join(lowered.split())
    names = [n for n in (username.strip().lower(), *display_name.lower().split()) if len(n) >= 3]
    whole_name = "".join(display_name.lower().split())
    if username.strip() and username.strip().lower() in lowered:
        problems.append("must not contain the user name")
    elif len(whole_name) >= 3 and whole_name in squashed:
        problems.append("must not contain your name")
    if problems:
        return problems
    if _common_password(password):
        problems.append("is too easy to guess: it is on a list of commonly used passwords")
        return problems
    result = _zxcvbn(password, names + ["jobcenter", "job", "center", "workforce", "wioa"])
    if result["score"] < MIN_SCORE:
        warning = str(result["feedback"].get("warning") or "").rstrip(".")
        why = warning[0].lower() + warning[1:] if warning else "it is made of common words or patterns"
        problems.append(f"is too easy to guess: {why}; add more words of your own")
    return problems


# --- throttle ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FailureCount:
    """Failures counted for one throttle row, and when the last one happened."""

    failures: int = 0
    last_failure_at: datetime | None = None
    consecutive: int = 0


def live_failures(count: FailureCount | None, now: datetime) -> int:
    """Failures still remembered: none once 24 h passed since the last one."""
    if count is None or not count.failures or count.last_failure_at is None:
        return 0
    return count.failures if now - count.last_failure_at < FAILURE_MEMORY else 0


def after_failure(count: FailureCount | None, now: datetime) -> FailureCount:
    """The count after one more failure (forgotten ones start again from one)."""
    return FailureCount(live_failures(count, now) + 1, now, (count.consecutive if count else 0) + 1)


def source_delay(failures: int) -> timedelta:
    """Wait after ``failures`` from one source: 5 free, then 30 s doubling, at most 15 minutes."""
    if failures < SOURCE_FREE_FAILURES:
        return timedelta(0)
    exponent = min(failures - SOURCE_FREE_FAILURES, 16)
    return timedelta(seconds=min(BASE_DELAY_SECONDS * 2 ** exponent, MAX_DELAY_SECONDS))


def account_delay(failures: int) -> timedelta:
    """Wait after ``failures`` from all sources together: 10 free, then 30 s, then 60 s at most."""
    if failures < ACCOUNT_FREE_FAILURES:
        return timedelta(0)
    return timedelta(seconds=BASE_DELAY_SECONDS if failures == ACCOUNT_FREE_FAILURES else ACCOUNT_MAX_DELAY_SECONDS)


def lockout_delay(failures: int) -> timedelta:
    """The per-source wait (kept under its old name for callers that show a single figure)."""
    return source_delay(failures)


def wait_seconds(account: FailureCount | None, source: FailureCount | None, now: datetime) -> int:
    """Whole seconds to wait before the next try from this source; 0 when it may be tried now."""
    waits = []
    for count, delay in ((account, account_delay), (source, source_delay)):
        live = live_failures(count, now)
        if live and count is not None and count.last_failure_at is not None:
            until = count.last_failure_at + delay(live)
            if now < until:
                waits.append((until - now).total_seconds())
    return math.ceil(max(waits)) if waits else 0


def is_locked(account: FailureCount | None) -> bool:
    """100 consecutive failures since the last success: the password must be reset by an administrator."""
    return account is not None and account.consecutive >= MAX_CONSECUTIVE_FAILURES


def throttle_name(name: str, account_exists: bool) -> str:
    """The throttle row's name: the account's own, or a shared bucket for a name with no account."""
    if account_exists:
        return name
    bucket = int.from_bytes(hashlib.sha256(b"jobcenter-login-throttle\0" + name.encode()).digest()[:4], "big")
    return f"?{bucket % UNKNOWN_NAME_BUCKETS}"


def throttle_source(terminal: str) -> str:
    """Where a sign-in comes from: the SSH client address when over SSH, else the terminal."""
    for part in terminal.split():
        if part.startswith("ssh:"):
            return part[:64]
    return terminal.strip()[:64] or "local"


def locked_until(failures: int, last_failure: datetime) -> datetime | None:
    """The moment a sign-in may be tried again from one source, or None when it may be tried now."""
    delay = source_delay(failures)
    return last_failure + delay if delay else None
