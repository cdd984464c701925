"""What a unit of work can refuse with, in words the user can act on.

Every refusal is a :class:`~jobcenter_tui.domain.errors.Refusal`: ``ServiceError`` and its family
here, ``PermissionDenied`` (raised by the actor's privilege checks in ``domain``), and the rules'
own refusals. :func:`as_refusal` also names the two store conditions that are not bugs — a busy
store and a save based on an outdated copy — so that callers (the console's one service helper,
the command line) need to catch a single base and show its message.
"""

from __future__ import annotations

from jobcenter_tui.domain.errors import Refusal
from jobcenter_tui.domain.permissions import PermissionDenied

__all__ = [
    "Refusal", "PermissionDenied", "ServiceError", "NotFound", "InvalidInput", "LoginFailed", "StaleRecord",
    "StoreBusy", "SessionEnded", "StoreNotOpened", "as_refusal",
]

BUSY_MESSAGE = "The store is busy — try again in a moment. Nothing was saved; what you typed is kept."


class ServiceError(Refusal):
    """A refusal the caller shows as it is."""


class NotFound(ServiceError):
    """The record, enrollment, note… asked for does not exist (or is deleted)."""


class InvalidInput(ServiceError):
    """Bad input; ``errors`` maps field paths to messages so each can be shown at its field.

    Its text names each field by its label ("Weeks unemployed: …"); the paths stay in ``errors``
    for screens that mark fields and for the JSON of the command line.
    """

    def __init__(self, errors: dict[str, str] | list[dict[str, str]]) -> None:
        from jobcenter_tui.domain.questions import label_for

        if isinstance(errors, list):
            errors = {e["field"]: e["message"] for e in errors}
        self.errors = errors
        super().__init__("; ".join(f"{label_for(k)}: {v}" for k, v in errors.items()))


class LoginFailed(ServiceError):
    """Sign-in refused. The message is the same whether or not the account exists."""

    def __init__(self, message: str, retry_after_seconds: int = 0) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class SessionEnded(ServiceError):
    """The signed-in account was disabled, or what it may do changed, after it signed in.

    Raised by every unit of work of that session (``Services.unit``); the console returns to the
    sign-in screen, where the account signs in again with what it may do now (or cannot).
    """

    def __init__(self, message: str = "Your account was disabled or its access changed; sign in again.") -> None:
        super().__init__(message)


class StaleRecord(ServiceError):
    """Someone else saved this record after it was opened; nothing was overwritten."""


class StoreBusy(ServiceError):
    """Another session held the store's write lock for longer than we wait; nothing was saved."""

    def __init__(self, message: str = BUSY_MESSAGE) -> None:
        super().__init__(message)


class StoreNotOpened(ServiceError):
    """The store cannot be opened (another store's key, a store others can read, a half-built demo,
    busy), said in plain words; ``exit_code`` is the command line's status for it."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


# SQLite says "database is locked" / "database table is locked"; PostgreSQL has codes for a lock
# not granted in time, a serialization failure and a deadlock: all mean "try again".
_BUSY_SQLSTATES = {"55P03", "40001", "40P01"}


def as_refusal(exc: BaseException) -> Refusal | None:
    """The refusal ``exc`` stands for, or None when it is a bug (an incident)."""
    if isinstance(exc, Refusal):
        return exc
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm.exc import StaleDataError

    if isinstance(exc, StaleDataError):
        return StaleRecord("Someone else changed this after you opened it; nothing was saved. "
                           "Reopen it to see their change, then try again.")
    if isinstance(exc, DBAPIError):
        text = str(exc.orig).lower() if exc.orig is not None else ""
        code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        if "database is locked" in text or "database table is locked" in text or "database is busy" in text \
                or code in _BUSY_SQLSTATES:
            return StoreBusy()
    return None
