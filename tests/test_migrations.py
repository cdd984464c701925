"""Migrations build exactly the models, and the store upgrades itself."""

import re
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel
from typer.testing import CliRunner

import jobcenter_tui.db.models  # noqa: F401
from jobcenter_tui.cli import app
from jobcenter_tui.db.engine import Database
from jobcenter_tui.db.migrate import current_revision, downgrade, head_revision, upgrade
from jobcenter_tui.db.search import is_search_object


def _diff(db: Database) -> list:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn,
            opts={"include_object": lambda o, n, t, r, c: not (t == "table" and is_search_object(n)), "compare_type": True},
        )
        return compare_metadata(ctx, SQLModel.metadata)


def test_upgrade_from_empty_equals_the_models(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 's.db'}")
    upgrade(db)
    assert current_revision(db) == head_revision()
    assert _diff(db) == []
    names = set(inspect(db.engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= names
    assert "seeker_name_fts" in names
    db.dispose()


def test_downgrade_to_empty_and_back(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 's.db'}")
    upgrade(db)
    downgrade(db, "base")
    assert [n for n in inspect(db.engine).get_table_names() if n != "alembic_version"] == []
    upgrade(db)
    assert _diff(db) == []
    db.dispose()


def test_sqlite_connection_settings(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 's.db'}")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    db.dispose()


def test_name_index_follows_the_table(services) -> None:  # type: ignore[no-untyped-def]
    from jobcenter_tui.services import system_actor

    services.seekers.import_records(system_actor(), ['{"first_name":"Luis","last_name":"Núñez","date_of_birth":"1988-10-12"}',
                                                     '{"first_name":"Ann","last_name":"Smythe","date_of_birth":"1970-01-01"}'])
    with services.db.session() as s:
        def find(q: str) -> list[str]:
            sql = "SELECT j.last_name FROM seeker_name_fts f JOIN job_seeker j ON j.pk = f.rowid WHERE seeker_name_fts MATCH :q ORDER BY j.last_name"
            return [r[0] for r in s.execute(text(sql), {"q": q})]

        assert find('"nunez"*') == ["Núñez"]
        assert find('"smy"*') == ["Smythe"]
    with services.db.session(write=True) as s:
        s.execute(text("UPDATE job_seeker SET last_name = 'Smith' WHERE last_name = 'Smythe'"))
    with services.db.session() as s:
        assert s.execute(text("SELECT count(*) FROM seeker_name_fts WHERE seeker_name_fts MATCH '\"smythe\"'")).scalar() == 0
        assert s.execute(text("SELECT count(*) FROM seeker_name_fts WHERE seeker_name_fts MATCH '\"smith\"'")).scalar() == 1


def test_db_upgrade_command(home: Path) -> None:
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert head_revision() in result.stdout
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert "was" not in result.stdout  # second run changes nothing


def test_the_head_read_from_the_file_names_is_alembics_head() -> None:
    """The start-up check compares the store with the newest file name: each file must carry its name's revision."""
    from jobcenter_tui.db.migrate import VERSIONS, alembic_head_revision

    assert head_revision() == alembic_head_revision() != ""
    for path in sorted(VERSIONS.glob("*.py")):
        declared = re.search(r"^revision: str = ['\"](\w+)['\"]", path.read_text(encoding="utf-8"), re.M)
        assert declared is not None and path.name.startswith(declared.group(1) + "_"), path.name


def test_the_revision_is_read_without_alembic_and_an_empty_store_has_none(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 's.db'}")
    assert current_revision(db) is None
    upgrade(db)
    assert current_revision(db) == head_revision()
    downgrade(db, "0014")
    assert current_revision(db) == "0014"
    upgrade(db)  # not at head: Alembic runs
    assert current_revision(db) == head_revision()
    db.dispose()
