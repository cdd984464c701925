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


def test_demo_rows_are_what_importing_their_records_would_store(demo_services) -> None:  # type: ignore[no-untyped-def]
    """The demo builds seeker columns without validating each record (speed): every stored row must still
    be exactly what validating its record and mapping it to columns gives (SSN compared decrypted)."""
    from sqlmodel import select

    from jobcenter_tui.db.models import JobSeeker
    from jobcenter_tui.domain.record import parse_record
    from jobcenter_tui.services.seeker_mapping import record_columns, row_record_dict

    keyring = demo_services.keyring
    with demo_services.db.session() as session:
        rows = session.exec(select(JobSeeker)).all()
    assert len(rows) >= 60
    with_ssn = 0
    for row in rows:
        expected = record_columns(parse_record(row_record_dict(row, keyring), None), keyring)
        for column, value in expected.items():
            stored = getattr(row, column)
            if column == "ssn_cipher":
                with_ssn += value is not None
                assert (stored is None) == (value is None)
                if value is not None:
                    assert keyring.decrypt(stored) == keyring.decrypt(value)
            else:
                assert stored == value, (row.id, column)
    assert with_ssn > 0


def test_demo_writer_stores_rows_as_a_core_insert_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock) -> None:  # type: ignore[no-untyped-def]
    """The fast SQLite writer binds values itself: the bytes in the store must be those of a Core insert."""
    import random
    import sqlite3
    from datetime import date

    from sqlalchemy import insert

    from jobcenter_tui.db.models import Enrollment, JobSeeker
    from jobcenter_tui.services.demo import DemoService, _Pools, _Ssns, _Writer, seeker_columns

    stores = []
    for name in ("core", "writer"):
        monkeypatch.setenv("JOBCENTER_HOME", str(tmp_path / name))
        services = open_services(password_hasher=FAST_HASHER, clock=clock)
        rng, pools, ssns = random.Random(4), _Pools(4), _Ssns(random.Random(4))
        maker = DemoService(services)
        seekers = []
        for _ in range(200):
            cols = seeker_columns(maker._record(rng, pools, date(2026, 6, 15), ssns), services.keyring)
            keyed = cols["ssn_cipher"] is not None  # no staff here; each store has its own key: fixed stand-ins
            cols.update(case_manager=None, ssn_cipher=b"fixed" if keyed else None, ssn_index=cols["id"] if keyed else None,
                        ssn_last4_index="last4" if keyed else None,
                        version=1, created_at=clock(), updated_at=clock(), last_activity_at=clock())
            seekers.append(cols)
        enrollments = [{"id": f"e{i}", "version": 1, "seeker_id": s["id"], "program": "WP", "status": "open",
                        "eligibility_snapshot": None, "attestation": {"note": "x"}, "participation_date": date(2026, 1, 2),
                        "created_at": clock()} for i, s in enumerate(seekers[:20])]
        with services.db.session(write=True) as session:
            conn = session.connection()
            if name == "core":
                conn.execute(insert(JobSeeker.__table__), seekers)
                conn.execute(insert(Enrollment.__table__), enrollments)
            else:
                writer = _Writer(conn.dialect)
                writer.insert(conn, JobSeeker, seekers)
                writer.insert(conn, Enrollment, enrollments)
        stores.append(services.settings.sqlite_path)
        services.close()
    dumps = []
    for path in stores:
        con = sqlite3.connect(path)
        dumps.append([con.execute(f"SELECT *, {', '.join(f'typeof({c})' for c in cols)} FROM {t} ORDER BY rowid").fetchall()
                      for t, cols in (("job_seeker", ["date_of_birth", "race", "income_annual_family_income", "created_at"]),
                                      ("enrollment", ["eligibility_snapshot", "participation_date"]),
                                      ("seeker_name_fts", ["last_name"]), ("seeker_occupation", ["soc_code"]))])
        con.close()
    assert dumps[0] == dumps[1] and len(dumps[0][0]) == 200 and len(dumps[0][3]) == 200


def test_demo_places_postings_where_the_zip_table_does() -> None:
    from jobcenter_tui.db.geo import zip_point
    from jobcenter_tui.services.demo import OFFICES, RELATED_POSTINGS, _zip_point

    zips = {z for _, z, _ in OFFICES.values()} | {p[2] for p in RELATED_POSTINGS}
    assert all(_zip_point(z) == zip_point(z) is not None for z in zips)
