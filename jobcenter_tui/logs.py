"""Logging that never carries an SSN: every handler gets a filter that masks SSN-like digits."""

from __future__ import annotations

import logging

from jobcenter_tui.domain.ssn import redact_ssns


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_ssns(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def install_redaction(logger: logging.Logger | None = None) -> None:
    """Mask SSNs in every record that reaches the root logger's handlers (or ``logger``'s)."""
    target = logger or logging.getLogger()
    flt = RedactingFilter()
    if not any(isinstance(f, RedactingFilter) for f in target.filters):
        target.addFilter(flt)
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(flt)
