"""Reading by lists of keys: in chunks SQLite can bind, as one array on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session

# SQLite allows 32766 bound parameters per statement; stay well below for IN lists
IN_CHUNK = 900


def chunks(items: Sequence[Any], size: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def member_of(session: Session, column: Any, values: Sequence[Any]) -> Any:
    """`column IN (values)`; on PostgreSQL `column = ANY(:array)`, one parameter instead of
    hundreds (binding and planning a long IN list costs more than the lookup)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


def driver_rows(
    session: Session, sql: str, column: str, values: Sequence[Any], array_type: str
) -> Iterable[Any]:
    """Rows of `sql WHERE column IN values`, straight from the driver: the hot lookups of every
    API request and import chunk, where SQLAlchemy's compiling and binding of the list cost more
    than the query. On PostgreSQL the values are one binary array (`= ANY`)."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # what Session.execute's autoflush would do
    conn = session.connection()
    if session.get_bind().dialect.name == "postgresql":
        # all at once: iterating a result fetches it row by row, at a few microseconds each
        yield from conn.exec_driver_sql(
            f"{sql} WHERE {column} = ANY(%b::{array_type}[])", (list(values),)
        ).all()
        return
    for part in chunks(values):
        yield from conn.exec_driver_sql(
            f"{sql} WHERE {column} IN ({', '.join('?' * len(part))})", tuple(part)
        )
