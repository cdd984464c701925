"""What a unit of work can refuse with, in words the user can act on."""

from __future__ import annotations

from jobcenter_tui.domain.permissions import PermissionDenied

__all__ = ["PermissionDenied", "ServiceError", "NotFound", "InvalidInput", "LoginFailed"]


class ServiceError(Exception):
    """A refusal the caller shows as it is."""


class NotFound(ServiceError):
    """The record, enrollment, note… asked for does not exist (or is deleted)."""


class InvalidInput(ServiceError):
    """Bad input; ``errors`` maps field paths to messages so each can be shown at its field."""

    def __init__(self, errors: dict[str, str] | list[dict[str, str]]) -> None:
        if isinstance(errors, list):
            errors = {e["field"]: e["message"] for e in errors}
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class LoginFailed(ServiceError):
    """Sign-in refused. The message is the same whether or not the account exists."""

    def __init__(self, message: str, retry_after_seconds: int = 0) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds
