"""Reading back what the API stored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine


def rows(engine: Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def count(engine: Engine, table: str) -> int:
    return int(rows(engine, f"select count(*) from {table}")[0][0])


def lead(engine: Engine, external_id: str) -> Any:
    found = rows(engine, "select * from lead where external_id = :x", x=external_id)
    return found[0] if found else None


def events_of(engine: Engine, lead_id: int) -> list[tuple[str, Any]]:
    return [
        (r.type, r.properties)
        for r in rows(
            engine,
            "select type, properties from event where lead_id = :i order by occurred_at, id",
            i=lead_id,
        )
    ]
