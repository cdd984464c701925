"""Where the store lives and how it is reached.

Everything is resolved when asked for, never at import time, so tests (and operators) can point
``JOBCENTER_HOME`` somewhere else between two calls in one process.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "jobcenter"

ENV_HOME = "JOBCENTER_HOME"
ENV_DATABASE_URL = "JOBCENTER_DATABASE_URL"
ENV_KEY_FILE = "JOBCENTER_KEY_FILE"
ENV_OFFICE = "JOBCENTER_OFFICE"
ENV_BUSY_TIMEOUT = "JOBCENTER_BUSY_TIMEOUT"

DEFAULT_MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def data_home() -> Path:
    """The data directory: ``JOBCENTER_HOME`` or the platform's user data dir."""
    override = os.environ.get(ENV_HOME)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


@dataclass(frozen=True)
class Settings:
    """The resolved configuration of one process."""

    home: Path
    database_url: str
    key_file: Path
    busy_timeout: float = 5.0  # seconds a write waits for another session's lock

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def documents_dir(self) -> Path:
        return self.home / "documents"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        """The database file of a ``sqlite:///`` URL, or None for other stores."""
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix):
            return None
        return Path(self.database_url[len(prefix):])


def load_settings() -> Settings:
    """Read the environment now and return the settings in force."""
    home = data_home()
    url = os.environ.get(ENV_DATABASE_URL) or f"sqlite:///{home / 'jobcenter.db'}"
    key = os.environ.get(ENV_KEY_FILE)
    key_file = Path(key).expanduser() if key else home / "jobcenter.key"
    try:
        busy = float(os.environ.get(ENV_BUSY_TIMEOUT) or 5.0)
    except ValueError:
        busy = 5.0
    return Settings(home=home, database_url=url, key_file=key_file, busy_timeout=max(0.0, busy))
