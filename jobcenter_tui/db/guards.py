"""Database-level guards: the audit log refuses UPDATE and DELETE, whoever asks.

Dialect-specific DDL, versioned by name like ``search.py``; and the lock that keeps the audit hash
chain linear when two writers append at once.
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

SQLITE_AUDIT_APPEND_ONLY_V1 = [
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
]
SQLITE_AUDIT_APPEND_ONLY_V1_DROP = [
    "DROP TRIGGER IF EXISTS audit_log_no_update",
    "DROP TRIGGER IF EXISTS audit_log_no_delete",
]

POSTGRES_AUDIT_APPEND_ONLY_V1 = [
    """CREATE OR REPLACE FUNCTION audit_log_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION audit_log_refuse()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse()""",
]
POSTGRES_AUDIT_APPEND_ONLY_V1_DROP = [
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log",
    "DROP FUNCTION IF EXISTS audit_log_refuse()",
]


def audit_guard_ddl(dialect: str) -> list[str]:
    return {"sqlite": SQLITE_AUDIT_APPEND_ONLY_V1, "postgresql": POSTGRES_AUDIT_APPEND_ONLY_V1}.get(dialect, [])


def audit_guard_drop_ddl(dialect: str) -> list[str]:
    return {"sqlite": SQLITE_AUDIT_APPEND_ONLY_V1_DROP, "postgresql": POSTGRES_AUDIT_APPEND_ONLY_V1_DROP}.get(dialect, [])


def lock_audit_chain(session: Session | Connection) -> None:
    """Serialise appends to the hash chain for the rest of this transaction.

    SQLite write units already hold the database's write lock (BEGIN IMMEDIATE); PostgreSQL needs
    a transaction-scoped advisory lock.
    """
    dialect = session.dialect if isinstance(session, Connection) else session.get_bind().dialect
    if dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(727364)"))
