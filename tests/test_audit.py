import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from jobcenter_tui.services import system_actor


def _lines() -> list[str]:
    return [
        '{"first_name":"Dana","last_name":"Reyes","date_of_birth":"1979-04-02"}',
        '{"first_name":"Luis","last_name":"Núñez","date_of_birth":"1988-10-12"}',
    ]


def test_every_change_is_audited_and_the_chain_verifies(services, admin) -> None:  # type: ignore[no-untyped-def]
    services.seekers.import_records(system_actor(), _lines())
    with services.db.session() as session:
        actions = [r[0] for r in session.execute(text("SELECT action FROM audit_log ORDER BY id"))]
    assert actions.count("seeker.create") == 2 and "seeker.import" in actions and "staff.add" in actions
    report = services.audit.verify(admin)
    assert report.ok and report.rows == len(actions)


def test_store_refuses_update_and_delete_of_audit_rows(services, admin) -> None:  # type: ignore[no-untyped-def]
    for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            with services.db.session(write=True) as session:
                session.execute(text(statement))
    assert services.audit.verify(admin).ok


@pytest.mark.parametrize("tamper", ["edit", "delete", "reorder"])
def test_tampering_is_detected(services, admin, home, tamper) -> None:  # type: ignore[no-untyped-def]
    services.seekers.import_records(system_actor(), _lines())
    services.db.dispose()
    con = sqlite3.connect(home / "jobcenter.db")
    con.execute("DROP TRIGGER audit_log_no_update")
    con.execute("DROP TRIGGER audit_log_no_delete")
    if tamper == "edit":
        con.execute("UPDATE audit_log SET staff = 'someone-else' WHERE id = 2")
    elif tamper == "delete":
        con.execute("DELETE FROM audit_log WHERE id = 2")
    else:
        con.execute("UPDATE audit_log SET id = 1000 WHERE id = 2")
    con.commit()
    con.close()
    report = services.audit.verify(admin)
    assert not report.ok
    assert report.first_bad_id is not None


def test_audit_rows_carry_who_and_where(services, admin) -> None:  # type: ignore[no-untyped-def]
    with services.db.session() as session:
        row = session.execute(text("SELECT staff, action, entity_id, os_user FROM audit_log ORDER BY id DESC LIMIT 1")).one()
    assert row.action == "staff.add" and row.entity_id == "root.admin" and row.staff.startswith("cli:") and row.os_user


def test_history_shows_actions_in_words() -> None:
    from jobcenter_tui.domain.audit import action_label

    assert action_label("seeker.reveal_ssn") == "Full SSN revealed"
    assert action_label("enrollment.closed") == "Enrollment closed"
    assert action_label("login.throttled") == "Login throttled"  # no label yet: still words, no dots
