"""Name search: the one module that holds dialect-specific search SQL.

SQLite uses an FTS5 index over the seeker's names (diacritics removed, so "nunez" finds Núñez),
external-content on ``job_seeker`` and kept in step by triggers. PostgreSQL gets a trigram index
instead. The DDL is versioned by name so a migration keeps calling the version it was written with.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, TextClause, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

FTS_TABLE = "seeker_name_fts"

SQLITE_NAME_INDEX_V1 = [
    f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        first_name, middle_name, last_name,
        content='job_seeker', content_rowid='pk',
        tokenize="unicode61 remove_diacritics 2", prefix='2 3')""",
    f"""CREATE TRIGGER job_seeker_fts_ai AFTER INSERT ON job_seeker BEGIN
        INSERT INTO {FTS_TABLE}(rowid, first_name, middle_name, last_name)
        VALUES (new.pk, new.first_name, new.middle_name, new.last_name);
    END""",
    f"""CREATE TRIGGER job_seeker_fts_ad AFTER DELETE ON job_seeker BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, first_name, middle_name, last_name)
        VALUES ('delete', old.pk, old.first_name, old.middle_name, old.last_name);
    END""",
    f"""CREATE TRIGGER job_seeker_fts_au AFTER UPDATE OF first_name, middle_name, last_name
        ON job_seeker BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, first_name, middle_name, last_name)
        VALUES ('delete', old.pk, old.first_name, old.middle_name, old.last_name);
        INSERT INTO {FTS_TABLE}(rowid, first_name, middle_name, last_name)
        VALUES (new.pk, new.first_name, new.middle_name, new.last_name);
    END""",
]

SQLITE_NAME_INDEX_V1_DROP = [
    "DROP TRIGGER IF EXISTS job_seeker_fts_au",
    "DROP TRIGGER IF EXISTS job_seeker_fts_ad",
    "DROP TRIGGER IF EXISTS job_seeker_fts_ai",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]

POSTGRES_NAME_INDEX_V1 = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE INDEX ix_job_seeker_last_name_trgm ON job_seeker USING gin (lower(last_name) gin_trgm_ops)",
    "CREATE INDEX ix_job_seeker_first_name_trgm ON job_seeker USING gin (lower(first_name) gin_trgm_ops)",
]

POSTGRES_NAME_INDEX_V1_DROP = [
    "DROP INDEX IF EXISTS ix_job_seeker_first_name_trgm",
    "DROP INDEX IF EXISTS ix_job_seeker_last_name_trgm",
]


def name_index_ddl(dialect: str) -> list[str]:
    return {"sqlite": SQLITE_NAME_INDEX_V1, "postgresql": POSTGRES_NAME_INDEX_V1}.get(dialect, [])


def name_index_drop_ddl(dialect: str) -> list[str]:
    return {"sqlite": SQLITE_NAME_INDEX_V1_DROP, "postgresql": POSTGRES_NAME_INDEX_V1_DROP}.get(dialect, [])


SEARCH_TABLES = (FTS_TABLE, "posting_fts")  # the name index here, the posting words (db/job_search.py)


def is_search_object(name: str | None) -> bool:
    """Tables the models do not declare (the FTS tables and their shadow tables)."""
    return name is not None and name.startswith(SEARCH_TABLES)


_TERM = re.compile(r"[^\W_]+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """Turn what staff typed into an FTS5 query: every term quoted and prefix-matched, ANDed.

    Quoting each term makes FTS5 operators in user text (``AND``, ``-``, ``*``, quotes) harmless.
    """
    terms = _TERM.findall(text)
    if not terms:
        return None
    return " ".join(f'"{t}"*' for t in terms)


@dataclass(frozen=True)
class SeekerFilters:
    """Exact filters a search may combine with name terms; each one has its own index."""

    name_terms: tuple[str, ...] = ()
    date_of_birth: date | None = None
    ssn_index: str | None = None
    last4_index: str | None = None
    phone: str | None = None
    email: str | None = None
    record_id: str | None = None
    record_prefix: str | None = None  # lower-case hex digits and dashes: the start of a record id


_EXACT = (
    ("date_of_birth", "j.date_of_birth = :date_of_birth"),
    ("ssn_index", "j.ssn_index = :ssn_index"),
    ("last4_index", "j.ssn_last4_index = :last4_index"),
    ("phone", "j.phone = :phone"),
    ("email", "j.email_lower = :email"),
    ("record_id", "j.id = :record_id"),
    # a range on the unique index of ids ('~' sorts after hex digits and '-'), not LIKE, which SQLite
    # only runs through an index under case-sensitive rules
    ("record_prefix", "j.id >= :record_prefix AND j.id < :record_prefix || '~'"),
)


# services/search.py unpacks the rows in this order
SUMMARY_COLUMNS = ("j.id, j.first_name, j.middle_name, j.last_name, j.suffix, j.date_of_birth, j.ssn_cipher, "
                   "j.ssn_not_provided, j.address_city, j.account_type, j.last_activity_at")


NAME_CANDIDATES = 1000  # name-only searches sort at most this many matches


@lru_cache(maxsize=256)
def _sql(statement: str) -> TextClause:
    """Each statement parsed once (a handful of shapes, searched on every pause in typing)."""
    return text(statement)


@dataclass(frozen=True)
class Found:
    rows: list[Sequence[Any]]  # the SUMMARY_COLUMNS, in their order
    capped: bool  # a name-only search matched more than NAME_CANDIDATES people


def find_seekers(conn: Connection | Session, filters: SeekerFilters, *, limit: int, offset: int = 0) -> Found:
    """One page of matching seekers (the summary columns), in name order.

    SQLite: name terms match through the FTS5 index (prefixes, accents folded). With an exact
    filter (date of birth, SSN, phone…) that filter's index leads and the names only narrow it.
    Names alone: ranking or sorting every match of a short prefix costs tens of milliseconds at a
    million seekers, so the first ``NAME_CANDIDATES`` matches are sorted and ``capped`` says when
    there were more (the screen asks for more letters). PostgreSQL matches prefixes of the
    unaccented, lower-cased names. One statement, no ORM objects: this runs on every pause in typing.
    """
    params: dict[str, object] = {"limit": int(limit), "offset": int(offset)}
    where: list[str] = []
    for key, clause in _EXACT:
        value = getattr(filters, key)
        if value is not None:
            params[key] = value.isoformat() if isinstance(value, date) else value  # as the store writes dates
            where.append(clause)
    bound = conn.connection() if isinstance(conn, Session) else conn
    order = "ORDER BY j.last_name, j.first_name, j.pk LIMIT :limit OFFSET :offset"
    if bound.dialect.name == "sqlite":
        # Straight to the driver, inside the caller's connection and transaction: SQLAlchemy's
        # statement machinery cost more than an exact-index lookup itself (≈0.1 ms a statement),
        # and these statements are plain SQLite with named parameters and no types to convert.
        driver = bound.connection.driver_connection
        assert driver is not None

        def rows(sql: str) -> list[Any]:
            try:
                return driver.execute(sql, params).fetchall()
            except sqlite3.Error as error:  # as SQLAlchemy would raise it ("database is locked": the store is busy)
                raise DBAPIError.instance(sql, params, error, sqlite3.Error) from error

        if not filters.name_terms:
            if not where:
                return Found([], False)
            return Found(rows(f"SELECT {SUMMARY_COLUMNS} FROM job_seeker j WHERE {' AND '.join(where)} {order}"), False)
        query = fts_query(" ".join(filters.name_terms))
        if query is None:
            return Found([], False)
        params["fts"] = query
        if where:
            return Found(rows(f"SELECT {SUMMARY_COLUMNS} FROM job_seeker j WHERE {' AND '.join(where)} "
                              f"AND j.pk IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts) {order}"), False)
        params["cap"] = NAME_CANDIDATES + 1
        hits = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts LIMIT :cap"
        capped = rows(f"SELECT count(*) FROM ({hits})")[0][0] > NAME_CANDIDATES
        params["cap"] = NAME_CANDIDATES
        return Found(rows(f"WITH hits AS ({hits}) SELECT {SUMMARY_COLUMNS} FROM hits JOIN job_seeker j ON j.pk = hits.rowid "
                          f"{order}"), capped)
    for i, term in enumerate(filters.name_terms):
        params[f"t{i}"] = term.lower() + "%"
        where.append(
            f"(unaccent(lower(j.first_name)) LIKE unaccent(:t{i}) OR unaccent(lower(j.last_name)) LIKE unaccent(:t{i})"
            f" OR unaccent(lower(coalesce(j.middle_name, ''))) LIKE unaccent(:t{i}))"
        )
    if not where:
        return Found([], False)
    sql = f"SELECT {SUMMARY_COLUMNS} FROM job_seeker j WHERE {' AND '.join(where)} {order}"
    return Found(list(bound.execute(_sql(sql), params)), False)
