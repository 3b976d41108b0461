"""PostgreSQL's fast paths: COPY (text and binary), scratch tables, updates from arrays.

executemany costs the server a statement per row; these cost one for all of them.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table
from sqlmodel import Session

# up to this many rows an UPDATE takes its values as one array per column: a single statement,
# where a scratch table costs four (create, truncate, COPY, update)
ARRAYS_UP_TO = 2000


def _driver_connection(session: Session) -> Any:
    return session.connection().connection.driver_connection


def copy_rows(
    session: Session, table: str, columns: list[str], params: list[tuple[Any, ...]]
) -> None:
    """COPY ... FROM STDIN in the session's transaction: one command for all rows, where
    executemany costs a round of work per row."""
    raw = _driver_connection(session)
    with (
        raw.cursor() as cur,
        cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in params:
            copy.write_row(row)


@contextmanager
def binary_copy(
    session: Session, table: str, columns: list[str], types: list[str]
) -> Iterator[Any]:
    """A binary COPY into `table`, its columns of these PostgreSQL types: rows given to the
    copy's `write_row` need no text formatting in Python nor parsing on the server, and
    psycopg packs them in C."""
    raw = _driver_connection(session)
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
    with raw.cursor() as cur, cur.copy(sql) as copy:
        copy.set_types(types)
        yield copy


def scratch_table(session: Session, table: Table, columns: list[str]) -> str:
    """An empty temporary table with these columns of `table`. It outlives the transaction (it
    belongs to the pooled connection), so its name says which columns it has."""
    conn = session.connection()
    scratch = f"_upd_{table.name}_{zlib.crc32(' '.join(columns).encode()):08x}"
    conn.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {scratch} AS SELECT "
        f"{', '.join(columns)} FROM {table.name} WITH NO DATA"
    )
    conn.exec_driver_sql(f"TRUNCATE {scratch}")
    return scratch


def update_from_scratch(
    session: Session, table: Table, key: str, columns: list[str], params: list[tuple[Any, ...]]
) -> None:
    """COPY the new values into a scratch table, then one UPDATE ... FROM: for more rows than
    arrays suit."""
    conn = session.connection()
    scratch = scratch_table(session, table, [*columns, key])
    copy_rows(session, scratch, [*columns, key], params)
    assignments = ", ".join(f"{c} = u.{c}" for c in columns)
    conn.exec_driver_sql(
        f"UPDATE {table.name} AS t SET {assignments} FROM {scratch} AS u WHERE t.{key} = u.{key}"
    )


def update_from_arrays(
    session: Session, table: Table, key: str, columns: list[str], params: list[tuple[Any, ...]]
) -> None:
    """One UPDATE ... FROM unnest(...) with an array per column."""
    names = [*columns, key]
    # binary parameters: psycopg formats text arrays element by element in Python, which cost
    # twenty times the whole statement
    assignments = ", ".join(f"{c} = u.{c}" for c in columns)
    session.connection().exec_driver_sql(
        f"UPDATE {table.name} AS t SET {assignments} FROM "
        f"unnest({_array_params(session, table, names)}) AS u({', '.join(names)}) "
        f"WHERE t.{key} = u.{key}",
        _arrays(params),
    )


def insert_from_scratch(
    session: Session, table: Table, columns: list[str], params: list[tuple[Any, ...]], unique: str
) -> None:
    """COPY the rows into a scratch table, then one INSERT ... ON CONFLICT DO NOTHING."""
    names = ", ".join(columns)
    scratch = scratch_table(session, table, columns)
    copy_rows(session, scratch, columns, params)
    session.connection().exec_driver_sql(
        f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {scratch} "
        f"ON CONFLICT ({unique}) DO NOTHING"
    )


def _array_params(session: Session, table: Table, names: list[str]) -> str:
    dialect = session.get_bind().dialect
    return ", ".join(f"%b::{table.c[n].type.compile(dialect=dialect)}[]" for n in names)


def _arrays(params: list[tuple[Any, ...]]) -> tuple[list[Any], ...]:
    return tuple(_uniform(list(values)) for values in zip(*params, strict=True))


def _uniform(values: list[Any]) -> list[Any]:
    """psycopg dumps a list of one Python type only: whole-number floats come back from
    arithmetic as ints now and then."""
    kinds = {type(v) for v in values if v is not None}
    if float in kinds and int in kinds:
        return [None if v is None else float(v) for v in values]
    return values
