"""Logging that never carries personal data: every handler masks the whole line it writes.

The mask sits on the *handlers*, not on a logger: a logger's filter sees only records logged on
that very logger, so a child logger (``jobcenter_tui.x.y``) would pass around it. It masks the
message, the exception text and the traceback — formatted first, then masked, so an SSN in an
exception's message or a traceback line never reaches a file.
"""

from __future__ import annotations

import io
import logging
import os
import re
import secrets
import traceback
from datetime import UTC, datetime
from pathlib import Path

from jobcenter_tui.config import PRIVATE_FILE_MODE, ensure_private_dir
from jobcenter_tui.domain.ssn import redact_ssns

LOG_FILE = "jobcenter.log"


class RedactingFilter(logging.Filter):
    """Masks SSNs, e-mail addresses, phone numbers and dates in the message and the traceback."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_personal(message)
        if redacted != message or record.args:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[0] is not None:
            # format then mask; drop exc_info so no handler formats the raw exception again
            record.exc_text = redact_personal(record.exc_text or self._formatter.formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact_personal(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_personal(record.stack_info)
        return True


def _mask(handler: logging.Handler) -> None:
    if not any(isinstance(f, RedactingFilter) for f in handler.filters):
        handler.addFilter(RedactingFilter())


def install_redaction(logger: logging.Logger | None = None) -> None:
    """Mask every record that reaches the handlers of the root logger (or ``logger``), and Python's
    last-resort handler (what prints a warning when no handler is set)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        _mask(handler)
    if logging.lastResort is not None:
        _mask(logging.lastResort)


class PrivateFileHandler(logging.FileHandler):
    """A log file readable by its owner only (0600 whatever the umask), in a 0700 folder."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, PRIVATE_FILE_MODE)
        return os.fdopen(fd, "a", encoding=self.encoding or "utf-8", errors=self.errors)


def configure_logging(logs_dir: Path, level: int = logging.WARNING) -> logging.Handler | None:
    """Send warnings and errors to ``logs_dir/jobcenter.log`` (masked, 0600); mask every handler.

    Called again (another store, another test) it replaces the handler it installed before.
    Never raises: a console that cannot write its log still runs (the last-resort handler is masked).
    """
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, PrivateFileHandler)]:
        root.removeHandler(old)
        old.close()
    handler: logging.Handler | None = None
    try:
        ensure_private_dir(logs_dir)
        handler = PrivateFileHandler(logs_dir / LOG_FILE, encoding="utf-8", delay=True)
        handler.setLevel(level)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        if root.level > level or root.level == logging.NOTSET:
            root.setLevel(level)
    except OSError:
        handler = None
    install_redaction(root)
    return handler


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
        ensure_private_dir(logs_dir)
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
