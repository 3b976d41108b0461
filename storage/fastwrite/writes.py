"""Inserts and updates of many rows: executemany on SQLite, COPY and arrays on PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from storage.fastwrite import postgres
from storage.fastwrite.params import placeholder, row_params, with_defaults

# below this many rows a plain INSERT costs less than a COPY (and a scratch table)
COPY_FROM = 20


def insert_many(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT the rows; on PostgreSQL, from COPY_FROM rows on, one COPY."""
    if not rows:
        return
    if len(rows) >= COPY_FROM and session.get_bind().dialect.name == "postgresql":
        # executemany costs the server a statement per row; COPY one for all
        fast_insert(session, table, with_defaults(table, rows))
        return
    session.execute(table.insert(), rows)


def fast_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows through the driver (hot paths: events, scores): executemany on SQLite,
    COPY on PostgreSQL. Columns' Python-side defaults are not applied."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    columns = list(rows[0])
    mark = placeholder(dialect)
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
    params = row_params(rows, columns, dialect, table)
    if dialect == "postgresql":
        postgres.copy_rows(session, table.name, columns, params)
        return
    session.connection().exec_driver_sql(sql, params)


def update_many(session: Session, table: Table, key: str, rows: list[dict[str, Any]]) -> None:
    """UPDATE table SET <the other keys> WHERE key = <key>, for each row."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    columns = [c for c in rows[0] if c != key]
    mark = placeholder(dialect)
    sql = (
        f"UPDATE {table.name} SET {', '.join(f'{c} = {mark}' for c in columns)} "
        f"WHERE {key} = {mark}"
    )
    params = row_params(rows, [*columns, key], dialect)
    if dialect == "postgresql" and len(rows) <= postgres.ARRAYS_UP_TO:
        postgres.update_from_arrays(session, table, key, columns, params)
        return
    if dialect == "postgresql":
        # COPY into a scratch table, then one UPDATE ... FROM: far fewer round trips
        postgres.update_from_scratch(session, table, key, columns, params)
        return
    session.connection().exec_driver_sql(sql, params)


def insert_ignoring_duplicates(
    session: Session, table: Table, rows: list[dict[str, Any]], unique: str
) -> None:
    """INSERT the rows; one whose `unique` column's value is stored already is skipped."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql" and len(rows) >= COPY_FROM:
        rows = with_defaults(table, rows)
        columns = list(rows[0])
        params = row_params(rows, columns, dialect, table)
        postgres.insert_from_scratch(session, table, columns, params, unique)
        return
    ins = pg_insert(table) if dialect == "postgresql" else sqlite_insert(table)
    session.execute(ins.on_conflict_do_nothing(index_elements=[unique]), rows)
