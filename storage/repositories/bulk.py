"""Set-at-a-time reads and writes for imports and rescoring (Core statements, executemany).

Row-at-a-time ORM work would cost more than the scoring itself at a million events.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from storage.tables import Event, Lead, LeadScore, LifecycleTransition, OutboxMessage, ScoreSnapshot

LEAD: Table = Lead.__table__  # type: ignore[attr-defined]
EVENT: Table = Event.__table__  # type: ignore[attr-defined]
SCORE: Table = LeadScore.__table__  # type: ignore[attr-defined]
TRANSITION: Table = LifecycleTransition.__table__  # type: ignore[attr-defined]
SNAPSHOT: Table = ScoreSnapshot.__table__  # type: ignore[attr-defined]
OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]

# SQLite allows 32766 bound parameters per statement; stay well below for IN lists
IN_CHUNK = 900


def chunks(items: Sequence[Any], size: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def lead_ids_by(session: Session, column: str, keys: Iterable[str]) -> dict[str, int]:
    keys = list(set(keys))
    found: dict[str, int] = {}
    col = LEAD.c[column]
    for part in chunks(keys):
        for key, lead_id in session.execute(select(col, LEAD.c.id).where(col.in_(part))):
            found[key] = lead_id
    return found


def lead_rows(session: Session, lead_ids: Iterable[int]) -> dict[int, Any]:
    ids = list(set(lead_ids))
    rows: dict[int, Any] = {}
    for part in chunks(ids):
        for row in session.execute(select(LEAD).where(LEAD.c.id.in_(part))):
            rows[row.id] = row
    return rows


def score_rows(session: Session, lead_ids: Iterable[int]) -> dict[int, Any]:
    ids = list(set(lead_ids))
    rows: dict[int, Any] = {}
    for part in chunks(ids):
        for row in session.execute(select(SCORE).where(SCORE.c.lead_id.in_(part))):
            rows[row.lead_id] = row
    return rows


def insert_leads(session: Session, rows: list[dict[str, Any]]) -> list[tuple[int, str | None,
                                                                              str | None]]:
    """Insert leads; return (id, email, external_id) of each, in no particular order.

    Asking for the ids in parameter order makes SQLAlchemy insert row by row on SQLite.
    """
    if not rows:
        return []
    stmt = LEAD.insert().returning(LEAD.c.id, LEAD.c.email, LEAD.c.external_id)
    return [(r[0], r[1], r[2]) for r in session.execute(stmt, rows)]


def existing_event_keys(session: Session, keys: Iterable[str]) -> set[str]:
    keys = list(set(keys))
    found: set[str] = set()
    for part in chunks(keys):
        found.update(session.scalars(select(EVENT.c.idempotency_key)
                                     .where(EVENT.c.idempotency_key.in_(part))))
    return found


def insert_many(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(table.insert(), rows)


def update_many(session: Session, table: Table, key: str, rows: list[dict[str, Any]]) -> None:
    """UPDATE table SET <the other keys> WHERE key = :key, for each row (executemany)."""
    if not rows:
        return
    columns = [c for c in rows[0] if c != key]
    stmt = (update(table).where(table.c[key] == bindparam("_key"))
            .values({c: bindparam(c) for c in columns}))
    params = [{"_key": r[key], **{c: r[c] for c in columns}} for r in rows]
    session.connection().execute(stmt, params)


def insert_ignoring_duplicates(session: Session, table: Table, rows: list[dict[str, Any]],
                               unique: str) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    ins = pg_insert(table) if dialect == "postgresql" else sqlite_insert(table)
    session.execute(ins.on_conflict_do_nothing(index_elements=[unique]), rows)
