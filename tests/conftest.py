"""Fixtures: every test gets its own data directory (JOBCENTER_HOME) and store file.

Building a store runs every migration; that is done once per test session into a template
directory, and each test gets a fresh copy of it.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from jobcenter_tui.services import Services, open_services, system_actor

pytest_plugins = ("tests.casework",)  # the worked case shared by the service tests (fixture ``case``)

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)  # still Argon2id
DEMO_SEEKERS = 60


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 6, 15, 14, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


def _build(path: Path, demo: bool) -> None:
    mp = pytest.MonkeyPatch()
    mp.setenv("JOBCENTER_HOME", str(path))
    mp.delenv("JOBCENTER_DATABASE_URL", raising=False)
    mp.delenv("JOBCENTER_KEY_FILE", raising=False)
    try:
        services = open_services(password_hasher=FAST_HASHER, clock=Clock())
        if demo:
            services.demo.seed(system_actor(), seekers=DEMO_SEEKERS, seed=7)
        services.close()
    finally:
        mp.undo()


@pytest.fixture(scope="session")
def store_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("templates")
    out = {}
    for name, demo in (("empty", False), ("demo", True)):
        _build(root / name, demo)
        out[name] = root / name
    return out


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("JOBCENTER_HOME", str(home))
    monkeypatch.delenv("JOBCENTER_DATABASE_URL", raising=False)
    monkeypatch.delenv("JOBCENTER_KEY_FILE", raising=False)
    return home


def _copy(template: Path, home: Path) -> None:
    shutil.copytree(template, home)
    (home / "jobcenter.key").chmod(0o600)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def empty_home(home: Path, store_templates: dict[str, Path]) -> Path:
    _copy(store_templates["empty"], home)
    return home


@pytest.fixture
def demo_home(home: Path, store_templates: dict[str, Path]) -> Path:
    _copy(store_templates["demo"], home)
    return home


@pytest.fixture
def services(empty_home: Path, clock: Clock):  # type: ignore[no-untyped-def]
    s = open_services(password_hasher=FAST_HASHER, clock=clock)
    yield s
    s.close()


@pytest.fixture
def demo_services(demo_home: Path, clock: Clock):  # type: ignore[no-untyped-def]
    s = open_services(password_hasher=FAST_HASHER, clock=clock)
    yield s
    s.close()


@pytest.fixture
def admin(services: Services):  # type: ignore[no-untyped-def]
    """A signed-in administrator in an otherwise empty store."""
    services.staff.add(system_actor(), "root.admin", "Root Admin", "a long admin passphrase", ["admin"], office="TOP")
    return services.staff.actor_for("root.admin")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "incident_expected: the test provokes an incident on purpose")


@pytest.fixture(autouse=True)
def no_unexpected_incidents(request: pytest.FixtureRequest, home: Path):  # type: ignore[no-untyped-def]
    """A bug that reached a screen is logged as an incident: any test that caused one fails with it."""
    yield
    log = home / "logs" / "incidents.log"
    if log.exists() and request.node.get_closest_marker("incident_expected") is None:
        pytest.fail("the console logged an incident:\n" + log.read_text())
