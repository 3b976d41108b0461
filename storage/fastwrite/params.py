"""Rows as the driver takes them, converted as SQLAlchemy's column types would bind them.

Only the values that need it convert (times, JSON); the rest go through as they are, which is
what makes driver calls cheaper than SQLAlchemy's per-value processing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import JSON, Table


def placeholder(dialect: str) -> str:
    return "?" if dialect == "sqlite" else "%s"


def with_defaults(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with the columns' Python-side defaults filled in, as an INSERT through
    SQLAlchemy would have them (a COPY sends only what it is given)."""
    missing = [
        c
        for c in table.columns
        if c.name not in rows[0] and c.default is not None and not c.primary_key
    ]
    if not missing:
        return rows
    filled = []
    for row in rows:
        extra = {c.name: _default(c.default) for c in missing if c.name not in row}
        filled.append({**row, **extra})
    return filled


def _default(default: Any) -> Any:
    return default.arg(None) if default.is_callable else default.arg


def time_value(dialect: str) -> Any:
    """A datetime as storage.types.UTCDateTime binds it, without SQLAlchemy's per-value
    machinery: aware UTC, and on SQLite its fixed-width text."""
    sqlite = dialect == "sqlite"
    last: list[Any] = [None, None]  # many rows share one time (received_at, computed_at)

    def convert(value: Any) -> Any:
        if value is last[0] or value is None:
            return last[1] if value is not None else None
        result: Any = value
        if value.tzinfo is None:
            result = value.replace(tzinfo=UTC)
        elif value.tzinfo is not UTC and value.utcoffset():
            result = value.astimezone(UTC)
        if sqlite:
            result = result.isoformat(sep=" ", timespec="microseconds")[:26]
        last[0], last[1] = value, result
        return result

    return convert


def _json_or_none(value: Any) -> Any:
    return None if value is None else orjson.dumps(value).decode()


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def row_params(
    rows: list[dict[str, Any]], columns: list[str], dialect: str, table: Table | None = None
) -> list[tuple[Any, ...]]:
    """Driver parameters in column order; only columns that hold JSON or times convert."""
    json_columns = (
        {c.name for c in table.columns if isinstance(c.type, JSON)} if table is not None else set()
    )
    steps: list[tuple[int, Any]] = []
    for i, c in enumerate(columns):
        # the first value that is not None tells the column's kind
        sample = next((r[c] for r in rows if r[c] is not None), None)
        if c in json_columns:  # as SQLAlchemy's JSON type writes it: None too is JSON null
            steps.append((i, _json_text))
        elif isinstance(sample, datetime):
            steps.append((i, time_value(dialect)))
        elif isinstance(sample, dict | list):
            steps.append((i, _json_or_none))
    pick = itemgetter(*columns)
    if len(columns) == 1:
        return [(pick(r),) for r in rows]
    if not steps:
        return [pick(r) for r in rows]
    out = []
    for r in rows:
        values = list(pick(r))
        for i, f in steps:
            values[i] = f(values[i])
        out.append(tuple(values))
    return out
