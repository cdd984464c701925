"""Alembic, run from code: the store upgrades itself on start and through ``jobcenter db upgrade``.

Every start asks "is the store already at head?". That answer costs one read of ``alembic_version``
and a listing of the versions folder (each file is named after its revision: ``0015_import_journal.py``
is revision ``0015``; tests/test_migrations.py holds the two to each other). Alembic itself, and
its environment, are imported only when there is something to upgrade.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from jobcenter_tui.db.engine import Database

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
VERSIONS = MIGRATIONS / "versions"
_REVISION_FILE = re.compile(r"(\d{4})_\w+\.py")


def alembic_config(db: Database | None = None, url: str | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url or db is not None:
        cfg.set_main_option("sqlalchemy.url", (url or db.url).replace("%", "%%"))  # type: ignore[union-attr]
    return cfg


def head_revision() -> str:
    """The newest revision this version of jobcenter ships, read from the versions folder's file names."""
    found = [m.group(1) for p in VERSIONS.iterdir() if (m := _REVISION_FILE.fullmatch(p.name))]
    return max(found, default="")


def alembic_head_revision() -> str:
    """The head as Alembic computes it from the scripts' ``down_revision`` chain (tests compare the two)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(db: Database) -> str | None:
    """The store's revision (None: an empty store), read from ``alembic_version`` without Alembic."""
    from sqlalchemy import inspect, text

    with db.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(rows) > 1:  # branches: never in this project, but Alembic would know what to do
        from alembic.runtime.migration import MigrationContext

        with db.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    return rows[0] if rows else None


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the store to ``revision``; a no-op (without importing Alembic) when it is already there.

    Runs on the write engine, so on SQLite two consoles starting at once take turns instead of
    both creating the same tables.
    """
    if revision == "head" and current_revision(db) == head_revision():
        return
    from alembic import command

    cfg = alembic_config(db)
    with db._write_engine.begin() as conn:  # noqa: SLF001 - the write lock is the point
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(db: Database, revision: str) -> None:
    from alembic import command

    cfg = alembic_config(db)
    with db._write_engine.begin() as conn:  # noqa: SLF001
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
