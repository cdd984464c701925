"""The staff console's idle lock, as rules: when to lock, how many wrong passwords before sign-out.

Pure: the caller passes the times (monotonic seconds) and the counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

IDLE_LOCK_KEY = "idle_lock_minutes"  # the configuration key (``jobcenter config set idle_lock_minutes 10``)
IDLE_LOCK_DEFAULT_MINUTES = 15
IDLE_LOCK_MAX_MINUTES = 60  # a longer wait leaves an open record on an unattended screen for too long
UNLOCK_TRIES = 5  # as many as the sign-in allows before it starts to make people wait
UNLOCK_WARN_AFTER = 3  # from the third wrong password on, the lock screen says what the next failures cost


def idle_lock_problem(value: Any) -> str | None:
    """Why ``value`` cannot be the idle lock, in words; None when it can."""
    if isinstance(value, bool) or not isinstance(value, int):
        return f"must be a whole number of minutes, 1 to {IDLE_LOCK_MAX_MINUTES}"
    if not 1 <= value <= IDLE_LOCK_MAX_MINUTES:
        return f"must be 1 to {IDLE_LOCK_MAX_MINUTES} minutes (it is {value})"
    return None


def is_idle(last_input: float, now: float, minutes: float) -> bool:
    """No key or click for ``minutes``: the console locks."""
    return now - last_input >= minutes * 60


@dataclass(frozen=True)
class UnlockOutcome:
    """What a password typed on the lock screen did."""

    unlocked: bool
    failures: int  # wrong passwords since the screen locked (0 when unlocked)
    signed_out: bool  # too many: the session ended (audited as a logout)

    @property
    def tries_left(self) -> int:
        return max(0, UNLOCK_TRIES - self.failures)

    @property
    def message(self) -> str:
        if self.unlocked:
            return ""
        if self.signed_out:
            return f"{UNLOCK_TRIES} wrong passwords: you are signed out. Sign in again."
        text = "That is not your password."
        if self.failures >= UNLOCK_WARN_AFTER:
            left = self.tries_left
            text += (f" {left} more wrong {'try' if left == 1 else 'tries'} will sign you out, "
                     "and what is not saved on the screens underneath will be lost.")
        return text


def unlock_outcome(password_ok: bool, failures_before: int) -> UnlockOutcome:
    """The outcome of one try, given the wrong passwords typed since the lock."""
    if password_ok:
        return UnlockOutcome(True, 0, False)
    failures = failures_before + 1
    return UnlockOutcome(False, failures, failures >= UNLOCK_TRIES)
