"""Many rows into one table with one ``executemany``: the bulk writes of imports.

SQLAlchemy's Core ``executemany`` builds a parameter dictionary per row and runs each value
through its machinery before the driver sees it; for an import of wide rows (the job seeker has
~90 columns) that costs more than SQLite's own insert. Here each value goes through its column's
own bind processor — so the store holds exactly what ``insert(table)`` would have written (JSON
``null`` for a None in a JSON column, dates and times in SQLAlchemy's text format) — and the rows
go to the driver as tuples in one call.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from typing import Any

from sqlalchemy import Connection, Table


def table_of(model: type[Any]) -> Table:
    """The Core table of a SQLModel table class."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (all with the same keys) into ``table`` in the caller's transaction.

    Every column without a value must have no Python-side default, or a constant one (applied
    here); a default computed per row (a new id, a timestamp) must be given by the caller.
    """
    if not rows:
        return
    keys = list(rows[0])
    constants: dict[str, Any] = {}
    for column in table.c:
        if column.key in rows[0] or column.default is None:
            continue
        if not column.default.is_scalar:
            raise ValueError(f"insert_rows: give {table.name}.{column.key} (its default is computed per row)")
        constants[column.key] = column.default.arg  # type: ignore[attr-defined]
    names = keys + list(constants)
    dialect = conn.dialect
    columns = [table.c[name] for name in names]
    width = len(keys)
    if any(len(row) != width for row in rows):
        raise ValueError("insert_rows: every row must have the same keys")
    # column by column: a processor is called only for values that are not None (what it makes of
    # None is worked out once), and the driver's tuples are zipped in C
    values_by_column: list[Any] = []
    for name, column in zip(names, columns, strict=True):
        process = column.type._cached_bind_processor(dialect)
        if name in constants:
            value = constants[name]
            values_by_column.append(repeat(process(value) if process else value, len(rows)))
            continue
        values = [row[name] for row in rows]
        if process is not None:
            none = process(None)
            values = [none if v is None else process(v) for v in values]
        values_by_column.append(values)
    values_out = list(zip(*values_by_column, strict=False))
    preparer = dialect.identifier_preparer
    marks = ", ".join(_mark(dialect.paramstyle, i) for i in range(len(names)))
    sql = (f"INSERT INTO {preparer.format_table(table)} ({', '.join(preparer.format_column(c) for c in columns)}) "
           f"VALUES ({marks})")
    conn.exec_driver_sql(sql, values_out)


def _mark(paramstyle: str, i: int) -> str:
    if paramstyle == "qmark":
        return "?"
    if paramstyle == "numeric":
        return f":{i + 1}"
    if paramstyle in ("format", "pyformat"):
        return "%s"
    raise ValueError(f"insert_rows: the paramstyle {paramstyle!r} is not supported")
