"""One engine per process, set up for many sessions on one store (conventions §3).

On SQLite: WAL so readers never block the writer, a busy timeout so a second writer waits instead
of failing, foreign keys on, pysqlite's implicit transactions off, and ``BEGIN IMMEDIATE`` for
write units of work so two read-modify-write sessions serialise instead of losing an update.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlmodel import Session

from jobcenter_tui.config import create_private_file, ensure_private_dir

WRITE_OPTION = "jobcenter_write"
SINGLE_READ_OPTION = "jobcenter_single_read"


def make_engine(url: str, *, echo: bool = False, busy_timeout: float = 5.0) -> Engine:
    """Create the engine for ``url``; for SQLite, create the file's directory too.

    ``busy_timeout`` is how long a write waits for another session's lock before giving up with
    "database is locked" (which the console shows as "the store is busy — try again").
    """
    if url.startswith("sqlite"):
        path = url.split("sqlite:///", 1)[-1]
        if path and path != ":memory:" and "?" not in path:
            _create_private_store(Path(path))
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": busy_timeout})
        _configure_sqlite(engine, busy_timeout)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _create_private_store(path: Path) -> None:
    """Create the store file 0600 before SQLite does: SQLite gives ``-wal`` and ``-shm`` the main
    file's mode (checked on 3.40 with umask 000), so the whole store stays the owner's."""
    if not path.parent.exists():
        ensure_private_dir(path.parent)
    if not path.exists():
        with contextlib.suppress(FileExistsError):  # another process made it first
            create_private_file(path)


def _configure_sqlite(engine: Engine, busy_timeout: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get(SINGLE_READ_OPTION, False):
            return  # a single read statement is its own transaction
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get(WRITE_OPTION, False) else "BEGIN")


class Database:
    """The engine plus the two kinds of unit of work: reading and writing."""

    def __init__(self, url: str, *, echo: bool = False, busy_timeout: float = 5.0) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo, busy_timeout=busy_timeout)
        self._write_engine = self.engine.execution_options(**{WRITE_OPTION: True})
        self._single_read_engine = self.engine.execution_options(**{SINGLE_READ_OPTION: True})
        # Set by open_services once the key is checked; every session carries them in ``info`` so
        # the audit writer keys its chain without each caller passing the key along.
        self.audit_key: bytes | None = None
        self.key_id: str | None = None
        self.after_audit_commit: Callable[[Any], None] | None = None
        """Called after a write commits that appended audit rows (with what the writer left in
        ``session.info["audit_head"]``): moves the checkpoint kept outside the store."""

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back when it raises."""
        bind = self._write_engine if write else self.engine
        info = {"audit_key": self.audit_key, "key_id": self.key_id}
        with Session(bind, expire_on_commit=False, info=info) as session:
            try:
                yield session
                if write:
                    session.commit()
                    head = session.info.get("audit_head")
                    if head is not None and self.after_audit_commit is not None:
                        self.after_audit_commit(head)
                # a read ends with close(): its rows stay loaded (detached), not expired
            except BaseException:
                session.rollback()
                raise

    def single_read(self) -> Connection:
        """A connection for one read statement (no BEGIN/ROLLBACK round trips): search as you type."""
        return self._single_read_engine.connect()

    def dispose(self) -> None:
        self.engine.dispose()
