"""Where the store lives and how it is reached.

Everything is resolved when asked for, never at import time, so tests (and operators) can point
``JOBCENTER_HOME`` somewhere else between two calls in one process.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

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
    def backups_dir(self) -> Path:
        return self.home / "backups"

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


# --- private files --------------------------------------------------------------------------------
# Everything under JOBCENTER_HOME holds personal data: directories are 0700 and files 0600 whatever
# the umask, and every file we write appears whole or not at all (a temporary file, renamed).

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class UnsafeFileError(RuntimeError):
    """A store file that other users can read: refused, with the command that fixes it."""


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) and make it 0700 when it is ours.

    Only the directory itself is tightened: parents that already exist (``~/.local/share``) are
    left alone, parents we create get 0700 too.
    """
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it first: fine
            directory.mkdir(mode=PRIVATE_DIR_MODE)
        _chmod_if_mine(directory, PRIVATE_DIR_MODE)
    _chmod_if_mine(path, PRIVATE_DIR_MODE)
    return path


def _chmod_if_mine(path: Path, mode: int) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):  # not ours or gone: the check on open says what is wrong
        st = path.stat()
        if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) != mode:
            os.chmod(path, mode)


def create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only; never touch one already there."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, PRIVATE_FILE_MODE)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, PRIVATE_FILE_MODE)
    finally:
        os.close(fd)


def check_private_file(path: Path, what: str = "The store file") -> None:
    """Refuse a file group or others may read or write, naming the ``chmod`` that fixes it."""
    if os.name != "posix":
        return
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    if mode & 0o077:
        raise UnsafeFileError(f"{what} {path} can be read by other users (mode {stat.S_IMODE(mode):o}); "
                              f"run: chmod 600 {path}")


def check_private_store(path: Path | None) -> None:
    """The SQLite store and its ``-wal``/``-shm`` files must be the owner's alone."""
    if path is None:
        return
    for suffix in ("", "-wal", "-shm"):
        check_private_file(Path(f"{path}{suffix}"), "The store file")


@contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """Let a ``finally`` run on SIGTERM (only the main thread may set a handler)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, _raise)
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def write_privately(target: Path, *, replace: bool = True) -> Iterator[BinaryIO]:
    """Write ``target`` whole or not at all, readable by its owner only (0600).

    The data goes to a temporary file in the target's folder, created exclusively under a random
    name (an existing ``.part`` is never reused or touched), synced, then renamed onto the target.
    Any failure, Ctrl-C or SIGTERM removes the temporary file. With ``replace=False`` an existing
    target is never overwritten (``FileExistsError``).
    """
    folder = target.parent
    while True:
        tmp = folder / f".{target.name}.{secrets.token_hex(6)}.part"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, PRIVATE_FILE_MODE)
            break
        except FileExistsError:
            continue
    done = False
    with _sigterm_as_exit():
        try:
            with os.fdopen(fd, "wb") as fh:
                if hasattr(os, "fchmod"):
                    os.fchmod(fh.fileno(), PRIVATE_FILE_MODE)  # whatever the umask
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
            if replace:
                os.replace(tmp, target)
            else:
                _link_new(tmp, target)
            done = True
        finally:
            if not done:
                tmp.unlink(missing_ok=True)
    _sync_dir(folder)


def _link_new(tmp: Path, target: Path) -> None:
    """Rename ``tmp`` to ``target`` unless ``target`` exists (``FileExistsError``)."""
    try:
        os.link(tmp, target)  # atomic "create if absent"
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if target.exists():
            raise FileExistsError(target) from None
        os.replace(tmp, target)
        return
    os.unlink(tmp)


def _sync_dir(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every platform opens directories)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):  # some filesystems cannot sync a folder; the rename still stands
            os.fsync(fd)
    finally:
        os.close(fd)
