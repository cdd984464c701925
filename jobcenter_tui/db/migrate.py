"""Alembic, run from code: the store upgrades itself on start and through ``jobcenter db upgrade``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from jobcenter_tui.db.engine import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(db: Database | None = None, url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url or db is not None:
        cfg.set_main_option("sqlalchemy.url", (url or db.url).replace("%", "%%"))  # type: ignore[union-attr]
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the store to ``revision``; a no-op when it is already there.

    Runs on the write engine, so on SQLite two consoles starting at once take turns instead of
    both creating the same tables.
    """
    if revision == "head" and current_revision(db) == head_revision():
        return
    cfg = alembic_config(db)
    with db._write_engine.begin() as conn:  # noqa: SLF001 - the write lock is the point
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(db: Database, revision: str) -> None:
    cfg = alembic_config(db)
    with db._write_engine.begin() as conn:  # noqa: SLF001
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
