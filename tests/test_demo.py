"""`jobcenter demo` and `jobcenter init`, staff commands, as an operator runs them."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from jobcenter_tui.cli import app
from jobcenter_tui.services import open_services, system_actor
from jobcenter_tui.services.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from jobcenter_tui.services.errors import ServiceError

from .conftest import FAST_HASHER

runner = CliRunner()


def _export(services) -> list[str]:  # type: ignore[no-untyped-def]
    return list(services.seekers.export_records(system_actor()))


def test_demo_is_deterministic_and_covers_every_situation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock) -> None:  # type: ignore[no-untyped-def]
    exports = []
    for name in ("a", "b"):
        monkeypatch.setenv("JOBCENTER_HOME", str(tmp_path / name))
        services = open_services(password_hasher=FAST_HASHER, clock=clock)
        counts = services.demo.seed(system_actor(), seekers=300, seed=11)
        exports.append(_export(services))
        services.close()
    assert exports[0] == exports[1]
    assert counts["seekers"] == 300 and counts["enrollments"] > 0 and counts["services"] > 0 and counts["postings"] > 0
    text = "\n".join(exports[0])
    for marker in ('"self_service"', '"staff_assisted"', '"dislocation"', '"status":"veteran"', '"in_secondary"',
                   '"not_attending_dropout"', '"ssn_not_provided":true', '"taa"'):
        assert marker in text, marker


def test_demo_accounts_sign_in_with_their_roles(demo_services) -> None:  # type: ignore[no-untyped-def]
    for acct in DEMO_ACCOUNTS:
        actor = demo_services.staff.login(acct.username, DEMO_PASSWORD)
        assert acct.role in actor.roles and actor.office == acct.office


def test_demo_refuses_a_store_with_data(services, admin) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ServiceError, match="empty store"):
        services.demo.seed(system_actor(), seekers=5)
    assert not services.demo.is_demo_store()


def test_demo_command_and_if_empty(home: Path) -> None:
    result = runner.invoke(app, ["demo", "--seekers", "20", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Demo sign-ins" in result.stdout and DEMO_PASSWORD in result.stdout
    again = runner.invoke(app, ["demo", "--seekers", "20"])
    assert again.exit_code == 1
    quiet = runner.invoke(app, ["demo", "--if-empty"])
    assert quiet.exit_code == 0 and "frontdesk" in quiet.stdout


def test_init_and_staff_commands(home: Path) -> None:
    result = runner.invoke(app, ["init", "--admin", "chief", "--name", "Chief Admin", "--password-stdin"],
                           input="tall maple river lantern\n")
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["init", "--admin", "other", "--password-stdin"], input="tall maple river lantern\n").exit_code == 1
    weak = runner.invoke(app, ["staff", "add", "pat", "--name", "Pat", "--role", "front_desk", "--password-stdin"], input="short\n")
    assert weak.exit_code == 2 and "password" in weak.output
    ok = runner.invoke(app, ["staff", "add", "pat", "--name", "Pat", "--role", "front_desk", "--office", "TOP",
                             "--password-stdin"], input="quiet harbor lamp post\n")
    assert ok.exit_code == 0, ok.output
    assert runner.invoke(app, ["staff", "grant", "pat", "--program", "WP", "--level", "create"]).exit_code == 0
    listing = runner.invoke(app, ["staff", "list", "--json"])
    import json

    staff = {s["username"]: s for s in json.loads(listing.stdout)}
    assert staff["pat"]["programs"] == ["WP:create"] and staff["chief"]["roles"] == ["admin"]
    assert runner.invoke(app, ["staff", "disable", "pat", "--reason", "left"]).exit_code == 0
    assert runner.invoke(app, ["staff", "reset-password", "pat", "--password-stdin"], input="another long passphrase\n").exit_code == 0
    assert runner.invoke(app, ["staff", "grant", "ghost", "--role", "admin"]).exit_code == 1
    verify = runner.invoke(app, ["audit", "verify"])
    assert verify.exit_code == 0 and "intact" in verify.stdout
