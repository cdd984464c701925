from pathlib import Path

import pytest

from jobcenter_tui.config import data_home, load_settings


def test_home_comes_from_environment_at_call_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBCENTER_HOME", str(tmp_path / "a"))
    first = load_settings()
    monkeypatch.setenv("JOBCENTER_HOME", str(tmp_path / "b"))
    second = load_settings()
    assert first.home == tmp_path / "a"
    assert second.home == tmp_path / "b"
    assert second.database_url == f"sqlite:///{tmp_path / 'b' / 'jobcenter.db'}"
    assert second.key_file == tmp_path / "b" / "jobcenter.key"
    assert second.sqlite_path == tmp_path / "b" / "jobcenter.db"


def test_default_home_is_the_platform_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    from platformdirs import user_data_path

    monkeypatch.delenv("JOBCENTER_HOME", raising=False)
    assert data_home() == user_data_path("jobcenter", appauthor=False)


def test_database_url_and_key_file_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBCENTER_HOME", str(tmp_path))
    monkeypatch.setenv("JOBCENTER_DATABASE_URL", "postgresql+psycopg://jc@db/jobcenter")
    monkeypatch.setenv("JOBCENTER_KEY_FILE", str(tmp_path / "keys" / "k"))
    settings = load_settings()
    assert settings.database_url == "postgresql+psycopg://jc@db/jobcenter"
    assert not settings.is_sqlite and settings.sqlite_path is None
    assert settings.key_file == tmp_path / "keys" / "k"


def test_cli_module_defers_heavy_imports() -> None:
    """`jobcenter --help` stays fast because the CLI module imports neither Textual nor the store."""
    import subprocess
    import sys

    code = (
        "import sys, jobcenter_tui.cli; "
        "heavy = [m for m in ('textual', 'sqlalchemy', 'sqlmodel', 'alembic', 'cryptography', 'faker', 'argon2') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
