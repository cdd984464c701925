"""Logging that never carries an SSN: every handler gets a filter that masks SSN-like digits."""

from __future__ import annotations

import logging
import os
import re
import secrets
import traceback
from datetime import UTC, datetime
from pathlib import Path

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


# --- incidents ---------------------------------------------------------------------------------
# An incident is a bug that reached the person at the screen: they see an id, the details go to a
# private file under JOBCENTER_HOME/logs. The details are a traceback *without local variables*
# (they may hold what was typed) and with anything shaped like personal data masked.

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(\+?1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}(?!\d)")
_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})\b")


def redact_personal(text: str) -> str:
    """Mask SSNs, email addresses, phone numbers and dates (birth dates) in free text."""
    text = redact_ssns(text)
    text = _EMAIL.sub("***@***", text)
    text = _PHONE.sub("***-***-****", text)
    return _DATE.sub("****-**-**", text)


def new_incident_id() -> str:
    """Short enough to read out over the phone, unique enough for one store's log."""
    return secrets.token_hex(4).upper()


def record_incident(logs_dir: Path, error: BaseException, *, where: str = "", incident_id: str | None = None) -> str:
    """Append the incident to ``logs_dir/incidents.log`` (0600 in a 0700 directory); return its id.

    Never raises: a console that cannot write its log still shows the id and keeps running.
    """
    incident_id = incident_id or new_incident_id()
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    entry = f"=== incident {incident_id} at {stamp}{' in ' + where if where else ''}\n{redact_personal(details)}\n"
    try:
        logs_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(logs_dir, 0o700)
        path = logs_dir / "incidents.log"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, entry.encode("utf-8", "replace"))
        finally:
            os.close(fd)
    except OSError:
        logging.getLogger(__name__).warning("could not write incident %s to %s", incident_id, logs_dir)
    return incident_id
